/**
 * PodMonitors (Prometheus Operator) for everything the streaming component runs. Strimzi names the JMX
 * exporter's port `tcp-prometheus` on brokers, controllers, Connect workers and Kafka Exporter alike.
 */
import { platformLabels } from "../common/kubernetes";
import { StreamingPlan } from "./config";
import { COMPONENT } from "./kafka";
import { FLINK_OPERATOR_SELECTOR } from "./operators";

type PodMonitor = { apiVersion: string; kind: string; metadata: { name: string; namespace: string; labels: Record<string, string> }; spec: Record<string, any> };

function podMonitor(plan: StreamingPlan, name: string, selector: Record<string, any>, port: string): PodMonitor {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: { name, namespace: plan.namespace, labels: platformLabels(COMPONENT) },
        spec: {
            selector,
            namespaceSelector: { matchNames: [plan.namespace] },
            podMetricsEndpoints: [{ port, path: "/metrics", interval: "30s" }],
        },
    };
}

export function podMonitorSpecs(plan: StreamingPlan): PodMonitor[] {
    const monitors = [
        podMonitor(plan, "strimzi-kafka", { matchExpressions: [{ key: "strimzi.io/kind", operator: "In", values: ["Kafka", "KafkaConnect"] }] }, "tcp-prometheus"),
        podMonitor(plan, "strimzi-cluster-operator", { matchLabels: { "strimzi.io/kind": "cluster-operator" } }, "http"),
        podMonitor(plan, "strimzi-topic-operator", { matchLabels: { "strimzi.io/name": `${plan.clusterName}-entity-operator` } }, "healthcheck-to"),
    ];
    if (plan.security === "scram-tls") {
        monitors.push(podMonitor(plan, "strimzi-user-operator", { matchLabels: { "strimzi.io/name": `${plan.clusterName}-entity-operator` } }, "healthcheck-uo"));
    }
    if (plan.flinkOperator) monitors.push(podMonitor(plan, "flink-operator", { matchLabels: FLINK_OPERATOR_SELECTOR }, "metrics"));
    return monitors;
}
