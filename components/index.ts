/**
 * ml-platform's component library. Import from another Pulumi program:
 *
 *   import { Cluster } from "ml-platform";
 *   const cluster = new Cluster("dev", { provider: "kind", name: "dev" });
 *   // new SomeComponent("x", {...}, { providers: [cluster.provider] })
 */
export * from "./cluster";
export * as versions from "./versions";
export * from "./storage";
export * from "./postgres";
export * from "./orchestrator";
export * from "./lakehouse";
export * from "./streaming";
export * from "./tracking";
export * from "./serving";
export * from "./monitoring";
export * from "./certmanager";
export * from "./ingress";
export * from "./network";
export * from "./compute";
export * from "./featurestore";
export * from "./notebooks";
export {
    Feedback,
    feedbackClients,
    feedbackConnectExtension,
    feedbackMonitoring,
    feedbackTopics,
    loggerUrl as feedbackLoggerUrl,
    resolveFeedbackModels,
    bootstrapSql as feedbackBootstrapSql,
    monitoringSql as feedbackMonitoringSql,
    defaultThresholds as defaultFeedbackThresholds,
    monitoringDag as feedbackMonitoringDag,
    TRIGGER_USER,
} from "./feedback";
export type { FeedbackArgs, FeedbackKafka, FeedbackModel, FeedbackModelSpec, FeedbackThresholds } from "./feedback";
export * from "./identity";
