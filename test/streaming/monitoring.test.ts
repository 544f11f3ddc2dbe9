import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { POSTGRES_TARGET } from "../../components/monitoring/postgresSource";
import { planStreaming } from "../../components/streaming/config";
import { cdcTopicPattern, streamingMonitoring } from "../../components/streaming/monitoring";
import { postgresMetrics } from "../../components/monitoring/metrics";
import { streamingPlanWithCdc } from "../monitoring/fixtures";
import { checkSource } from "../monitoring/sourceChecks";

const postgres = { component: "postgres", name: POSTGRES_TARGET, namespace: "ml-monitoring", kind: "ServiceMonitor", selector: { matchLabels: { a: "b" } }, portNumber: 9187, path: "/metrics", interval: "30s", metrics: postgresMetrics } as const;
const names = (s: ReturnType<typeof streamingMonitoring>) => s.targets.map((t) => t.name);
const alerts = (s: ReturnType<typeof streamingMonitoring>) => s.alertGroups!.flatMap((g) => g.rules.map((r) => r.alert));

describe("streaming: Kafka, Connect, Strimzi and Flink monitoring source", () => {
    const source = streamingMonitoring(streamingPlanWithCdc(), { sourceSlots: true });
    // The CDC panel reads the replication slots Monitoring's postgres-exporter scrapes.
    checkSource(source, [postgres]);

    it("selects Strimzi pods as Strimzi's example PodMonitors do, keeping the strimzi.io labels", () => {
        const t = new Map(source.targets.map((x) => [x.name, x]));
        for (const [name, kind] of [["kafka", "Kafka"], ["kafka-connect", "KafkaConnect"], ["strimzi-operator", "cluster-operator"]]) {
            assert.equal(t.get(name)!.kind, "PodMonitor");
            assert.deepEqual(t.get(name)!.selector, { matchLabels: { "strimzi.io/kind": kind } });
        }
        assert.equal(t.get("kafka")!.port, "tcp-prometheus");
        assert.deepEqual(t.get("kafka")!.relabelings, [{ action: "labelmap", regex: "__meta_kubernetes_pod_label_(strimzi_io_.+)" }]);
        // The Kafka Exporter runs under the same selector: its lag metrics belong to the kafka target.
        assert.ok(t.get("kafka")!.metrics.includes("kafka_consumergroup_lag"));
        assert.deepEqual([...t.get("flink-operator")!.metrics], [], "the Flink operator is liveness-only");
    });

    it("scrapes Connect only where CDC connectors run it, and Flink only with its operator", () => {
        assert.deepEqual(names(source), ["kafka", "kafka-connect", "strimzi-operator", "flink-operator", "flink-jobs"]);
        const bare = streamingMonitoring(planStreaming("streaming", { environment: "dev", flinkOperator: false }));
        assert.deepEqual(names(bare), ["kafka", "strimzi-operator"]);
        assert.ok(alerts(bare).includes("KafkaOfflinePartitions"));
        assert.equal(alerts(bare).includes("KafkaConnectConnectorFailed"), false);
        assert.equal(alerts(bare).includes("FlinkJobRestarting"), false);
        assert.equal(JSON.stringify(bare.dashboards).includes("pg_replication_slots"), false);
    });

    it("alerts on CDC lag of the connectors' topics, with a tunable threshold", () => {
        const plan = streamingPlanWithCdc();
        assert.equal(cdcTopicPattern(plan), String.raw`cdc\.source\..+`);
        assert.equal(cdcTopicPattern(planStreaming("streaming", { environment: "dev" })), String.raw`cdc\..+`);
        const lag = (s: ReturnType<typeof streamingMonitoring>) => s.alertGroups![0].rules.find((r) => r.alert === "CdcConsumerLagHigh")!.expr;
        assert.equal(lag(source), String.raw`sum by (namespace, consumergroup, topic) (kafka_consumergroup_lag{platform_target="kafka", topic=~"cdc\\.source\\..+"}) > 10000`);
        assert.match(lag(streamingMonitoring(plan, { alerts: { cdcConsumerLagMessages: 500 } })), / > 500$/);
        for (const a of ["KafkaUnderReplicatedPartitions", "KafkaUnderMinIsrPartitions", "KafkaOfflinePartitions", "KafkaConnectConnectorFailed", "KafkaConnectTasksFailed", "DebeziumSourceDisconnected", "FlinkJobRestarting"]) {
            assert.ok(alerts(source).includes(a), a);
        }
        assert.deepEqual(source.dashboards!.map((d) => d.name), ["kafka-cdc"]);
    });
});
