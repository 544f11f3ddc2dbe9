import { describe } from "node:test";
import { resolveFeedbackModels } from "../../components/feedback";
import { feedbackMonitoring, jobMetrics } from "../../components/feedback/monitoring";
import { orchestratorMonitoring } from "../../components/orchestrator/monitoring";
import { checkSource } from "../monitoring/sourceChecks";

describe("feedback monitoring source", () => {
    const models = resolveFeedbackModels([{ name: "sklearn-iris", namespace: "ml-serving", logging: true, retrainDag: "train_iris" }], "dev");
    // The drift gauges arrive through the Orchestrator's statsd-exporter target.
    const statsd = orchestratorMonitoring("ml-orchestrator").targets.find((t) => t.name === "airflow-statsd")!;
    checkSource(feedbackMonitoring("ml-feedback", models), [{ ...statsd, metrics: [...statsd.metrics, ...jobMetrics] }]);
});
