/**
 * Alert rules of the streaming component: Kafka replication, CDC lag at the source (Debezium, the replication
 * slot) and at the consumers (Kafka Exporter), Kafka Connect state and Flink job restarts.
 */
import { AlertContext, AlertGroup, AlertRule, promString, ruleOf as rule, targetSelector } from "./rules";
import { ScrapeTarget } from "./scrape";

export function streamingGroup(ctx: AlertContext, kafka: ScrapeTarget, byName: ReadonlyMap<string, ScrapeTarget>): AlertGroup {
    const t = ctx.thresholds;
    const k = targetSelector(kafka);
    const rules: AlertRule[] = [
        rule(
            "streaming",
            "KafkaUnderReplicatedPartitions",
            "warning",
            "10m",
            `sum by (namespace, strimzi_io_cluster) (kafka_server_replicamanager_underreplicatedpartitions${k}) > 0`,
            "Kafka cluster {{ $labels.strimzi_io_cluster }} has under-replicated partitions",
            "{{ $value }} partitions of Kafka cluster {{ $labels.namespace }}/{{ $labels.strimzi_io_cluster }} have had fewer in-sync replicas than replicas for 10 minutes (longer than a rolling restart).",
            "Check every broker pod is Ready and not throttled; look for a broker with a full disk or long GC pauses; kafka-topics.sh --describe --under-replicated-partitions shows which.",
        ),
        rule(
            "streaming",
            "KafkaUnderMinIsrPartitions",
            "critical",
            "5m",
            `sum by (namespace, strimzi_io_cluster) (kafka_server_replicamanager_underminisrpartitioncount${k}) > 0`,
            "Kafka cluster {{ $labels.strimzi_io_cluster }} has partitions below min.insync.replicas",
            "{{ $value }} partitions of {{ $labels.namespace }}/{{ $labels.strimzi_io_cluster }} are under min ISR: producers with acks=all (Debezium, Flink sinks) are failing.",
            "Bring the missing brokers back (pods, PVCs, node capacity); do not lower min.insync.replicas.",
        ),
        rule(
            "streaming",
            "KafkaOfflinePartitions",
            "critical",
            "1m",
            `sum by (namespace, strimzi_io_cluster) (kafka_controller_kafkacontroller_offlinepartitionscount${k}) > 0`,
            "Kafka cluster {{ $labels.strimzi_io_cluster }} has offline partitions",
            "{{ $value }} partitions of {{ $labels.namespace }}/{{ $labels.strimzi_io_cluster }} have no leader: reads and writes to them fail.",
            "Find the brokers hosting the partitions (kafka-topics.sh --describe --unavailable-partitions) and restore them; check the Kafka CR status and the Strimzi operator log.",
        ),
        rule(
            "streaming",
            "CdcConsumerLagHigh",
            "warning",
            "15m",
            `sum by (namespace, consumergroup, topic) (kafka_consumergroup_lag{platform_target=${promString(kafka.name)}, topic=~${promString(ctx.cdcTopicPattern)}}) > ${t.cdcConsumerLagMessages}`,
            "Consumer group {{ $labels.consumergroup }} lags on CDC topic {{ $labels.topic }}",
            `Consumer group {{ $labels.consumergroup }} is {{ $value }} messages behind on {{ $labels.topic }} (threshold ${t.cdcConsumerLagMessages}) for 15 minutes: downstream tables are stale.`,
            "Check the consumer (Flink job or sink connector) is running and not restarting; compare its throughput with the topic's produce rate on the Kafka and CDC dashboard; raise its parallelism if it is saturated.",
        ),
    ];
    const connect = byName.get("kafka-connect");
    if (connect) {
        const c = (extra: string) => targetSelector(connect, extra);
        rules.push(
            rule(
                "streaming",
                "KafkaConnectConnectorFailed",
                "critical",
                "5m",
                `max by (namespace, connector) (kafka_connect_connector_status${c(', status="failed"')}) > 0`,
                "Kafka Connect connector {{ $labels.connector }} has failed",
                "Connector {{ $labels.namespace }}/{{ $labels.connector }} is in FAILED state: its CDC stream has stopped.",
                "kubectl get kafkaconnector -n <namespace> <connector> -o yaml (status.connectorStatus trace); fix the cause (credentials, replication slot, schema), then restart it with the strimzi.io/restart annotation.",
            ),
            rule(
                "streaming",
                "KafkaConnectTasksFailed",
                "critical",
                "5m",
                `sum by (namespace, connector) (kafka_connect_connector_task_status${c(', status="failed"')}) > 0`,
                "Kafka Connect connector {{ $labels.connector }} has failed tasks",
                "{{ $value }} tasks of connector {{ $labels.namespace }}/{{ $labels.connector }} have failed; their share of the CDC stream is not flowing.",
                "Read the task trace in the KafkaConnector status; once the cause is fixed restart the tasks with the strimzi.io/restart-task annotation.",
            ),
            rule(
                "streaming",
                "DebeziumSourceDisconnected",
                "critical",
                "5m",
                `max by (namespace, server) (debezium_postgres_connected${c(', context="streaming"')}) == 0`,
                "Debezium lost its connection to the source database {{ $labels.server }}",
                "The Debezium Postgres connector for {{ $labels.server }} has not been connected to its database for 5 minutes: no changes are captured.",
                "Check the source Postgres is reachable from the Connect pods (NetworkPolicy, credentials Secret, max_wal_senders) and read the Connect worker log.",
            ),
        );
    }
    const postgres = byName.get("postgres");
    if (postgres) {
        const p = targetSelector(postgres);
        rules.push(
            rule(
                "streaming",
                "CdcReplicationSlotLagHigh",
                "warning",
                "15m",
                `max by (namespace, slot_name) (pg_replication_slots_pg_wal_lsn_diff${p}) > ${t.cdcReplicationSlotLagBytes}`,
                "Replication slot {{ $labels.slot_name }} retains {{ $value | humanize1024 }}B of WAL",
                "The CDC source (Debezium) is not confirming WAL on slot {{ $labels.slot_name }}: it lags behind Postgres, and the retained WAL grows on the database disk.",
                "Check the Debezium connector is RUNNING; if the slot is abandoned, drop it (SELECT pg_drop_replication_slot('<slot>')) before the WAL fills the Postgres volume.",
            ),
            rule(
                "streaming",
                "CdcReplicationSlotInactive",
                "warning",
                "15m",
                `max by (namespace, slot_name) (pg_replication_slots_active${p}) == 0`,
                "Replication slot {{ $labels.slot_name }} has no consumer",
                "Nothing has been reading replication slot {{ $labels.slot_name }} for 15 minutes; Postgres keeps its WAL until a consumer returns.",
                "Start or fix the Debezium connector that owns the slot, or drop the slot if the connector was removed.",
            ),
        );
    }
    const flink = byName.get("flink-jobs");
    if (flink) {
        rules.push(
            rule(
                "streaming",
                "FlinkJobRestarting",
                "warning",
                "1m",
                `increase(flink_jobmanager_job_numRestarts${targetSelector(flink)}[15m]) > 3`,
                "Flink job {{ $labels.job_name }} keeps restarting",
                "Flink job {{ $labels.job_name }} restarted {{ $value }} times in 15 minutes.",
                "kubectl get flinkdeployment -n <namespace> (status.error); read the JobManager log for the failing exception; check checkpoint storage access and TaskManager OOMs.",
            ),
        );
    }
    return { name: "ml-platform.streaming", rules };
}
