/** Pure Helm values of the Strimzi cluster operator and the Flink Kubernetes Operator. */
import { platformLabels } from "../common/kubernetes";
import type { FlinkOperatorValues } from "../charts/flinkOperator";
import type { StrimziValues } from "../charts/strimzi";
import { images, Mirror } from "../versions";
import { StreamingPlan } from "./config";
import { COMPONENT, ZONE_KEY } from "./kafka";

const restrictedContainer = {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

function zoneSpread(matchLabels: Record<string, string>) {
    return [{ maxSkew: 1, topologyKey: ZONE_KEY, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels } }];
}

/** Values of the `strimzi-kafka-operator` chart. */
export function strimziValues(plan: StreamingPlan, watchNamespaces: readonly string[], mirror?: Mirror): StrimziValues {
    const pin = images.strimziOperator;
    const op = plan.sizing.strimziOperator;
    const prod = plan.environment === "prod";
    return {
        replicas: op.replicas,
        // The chart always adds its own namespace; these are the platform's other namespaces it should reconcile.
        watchNamespaces: [...watchNamespaces],
        watchAnyNamespace: false,
        defaultImageRegistry: mirror?.imageRegistry?.replace(/\/+$/, "") ?? pin.registry,
        defaultImageRepository: pin.repository.split("/").slice(0, -1).join("/"),
        defaultImageTag: pin.tag,
        resources: op.resources,
        securityContext: restrictedContainer,
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        // Every pod the operator creates (brokers, controllers, entity operator, exporter, Connect) gets the restricted
        // profile's security context; only the Connect build container overrides it (see connect.ts).
        extraEnvs: [{ name: "STRIMZI_POD_SECURITY_PROVIDER_CLASS", value: "restricted" }],
        leaderElection: { enable: true },
        podDisruptionBudget: { enabled: prod, minAvailable: 1 },
        topologySpreadConstraints: prod ? zoneSpread({ name: "strimzi-cluster-operator" }) : [],
        labels: platformLabels(COMPONENT),
        generateNetworkPolicy: true,
        generatePodDisruptionBudget: true,
        dashboards: { enabled: false },
    };
}

/** Flink's `config.yaml` overrides for the operator: Prometheus metrics, and leader election when it runs twice. */
export function flinkOperatorConfig(plan: StreamingPlan): string {
    const lines = [
        "kubernetes.operator.metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
        `kubernetes.operator.metrics.reporter.prom.port: "${FLINK_OPERATOR_METRICS_PORT}"`,
        "kubernetes.operator.reconcile.interval: 15 s",
        "kubernetes.operator.observer.progress-check.interval: 5 s",
    ];
    if (plan.sizing.flinkOperator.replicas > 1) {
        lines.push("kubernetes.operator.leader-election.enabled: true", "kubernetes.operator.leader-election.lease-name: flink-operator-lease");
    }
    return `${lines.join("\n")}\n`;
}

export const FLINK_OPERATOR_METRICS_PORT = 9999;
export const FLINK_OPERATOR_SELECTOR = { "app.kubernetes.io/name": "flink-kubernetes-operator" };

/** Values of the `flink-kubernetes-operator` chart. */
export function flinkOperatorValues(plan: StreamingPlan, mirror?: Mirror): FlinkOperatorValues {
    const pin = images.flinkOperator;
    const fo = plan.sizing.flinkOperator;
    const prod = plan.environment === "prod";
    const registry = mirror?.imageRegistry?.replace(/\/+$/, "") ?? pin.registry;
    return {
        watchNamespaces: [plan.namespace],
        image: { repository: `${registry}/${pin.repository}`, tag: pin.tag, pullPolicy: "IfNotPresent" },
        replicas: fo.replicas,
        // The chart requires Recreate unless leader election is configured (it is, whenever there are 2 replicas).
        strategy: { type: fo.replicas > 1 ? "RollingUpdate" : "Recreate" },
        podSecurityContext: { runAsUser: 9999, runAsGroup: 9999, fsGroup: 9999, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        operatorSecurityContext: restrictedContainer,
        webhookSecurityContext: restrictedContainer,
        operatorPod: {
            resources: fo.resources,
            labels: platformLabels(COMPONENT),
            topologySpreadConstraints: prod ? zoneSpread(FLINK_OPERATOR_SELECTOR) : [],
            webhook: { resources: fo.resources },
        },
        // A read-only root filesystem needs writable /tmp (job configs are staged there) and the artifacts dir.
        operatorVolumes: {
            create: true,
            data: [
                { name: "flink-artifacts", emptyDir: {} },
                { name: "tmp", emptyDir: {} },
            ],
        },
        operatorVolumeMounts: {
            create: true,
            data: [
                { name: "flink-artifacts", mountPath: "/opt/flink/artifacts" },
                { name: "tmp", mountPath: "/tmp" },
            ],
        },
        jvmArgs: { operator: fo.jvmArgs, webhook: "-Xms64m -Xmx128m" },
        webhook: { create: plan.flinkWebhook },
        metrics: { port: FLINK_OPERATOR_METRICS_PORT },
        defaultConfiguration: { create: true, append: true, "flink-conf.yaml": flinkOperatorConfig(plan) },
    };
}
