/**
 * Prometheus JMX Exporter rules for the brokers/controllers and the Kafka Connect workers. Strimzi runs the
 * exporter as a Java agent on port 9404 (`tcp-prometheus`) when `metricsConfig` points at these documents; the
 * agent also exports the standard `jvm_*` metrics. Kept to what the dashboards and alerts of a platform need
 * (under-replication, offline partitions, controller state, request latency, CDC lag), so scrapes stay cheap.
 */

interface Rule {
    readonly pattern: string;
    readonly name: string;
    readonly type: "GAUGE" | "COUNTER";
    readonly labels?: Readonly<Record<string, string>>;
    readonly value?: number;
}

const gauge = (pattern: string, name: string, labels?: Record<string, string>): Rule => ({ pattern, name, type: "GAUGE", ...(labels ? { labels } : {}) });
const counter = (pattern: string, name: string, labels?: Record<string, string>): Rule => ({ pattern, name, type: "COUNTER", ...(labels ? { labels } : {}) });

export const kafkaMetricsRules: readonly Rule[] = [
    // Throughput per topic, then the broker-wide totals (the same MBean without a topic key).
    counter("kafka.server<type=BrokerTopicMetrics, name=(.+), topic=(.+)><>Count", "kafka_server_brokertopicmetrics_$1_total", { topic: "$2" }),
    counter("kafka.server<type=BrokerTopicMetrics, name=(.+)><>Count", "kafka_server_brokertopicmetrics_$1_total"),
    // Replication health: UnderReplicatedPartitions, UnderMinIsrPartitionCount, OfflineReplicaCount, LeaderCount, ...
    counter("kafka.server<type=ReplicaManager, name=(IsrShrinksPerSec|IsrExpandsPerSec)><>Count", "kafka_server_replicamanager_$1_total"),
    gauge("kafka.server<type=ReplicaManager, name=(.+)><>Value", "kafka_server_replicamanager_$1"),
    // KRaft quorum state seen by the active controller: ActiveControllerCount, OfflinePartitionsCount, FencedBrokerCount, ...
    gauge("kafka.controller<type=KafkaController, name=(.+)><>Value", "kafka_controller_kafkacontroller_$1"),
    gauge("kafka.server<type=raft-metrics><>([a-z-]+)", "kafka_server_raft_$1"),
    gauge("kafka.server<type=broker-metadata-metrics><>([a-z-]+)", "kafka_server_broker_metadata_$1"),
    // Request rates and latency percentiles of the requests clients feel.
    counter("kafka.network<type=RequestMetrics, name=RequestsPerSec, request=(.+), version=(.+)><>Count", "kafka_network_requestmetrics_requests_total", { request: "$1", version: "$2" }),
    gauge("kafka.network<type=RequestMetrics, name=TotalTimeMs, request=(Produce|FetchConsumer|FetchFollower)><>(\\d+)thPercentile", "kafka_network_requestmetrics_totaltimems", { request: "$1", quantile: "0.$2" }),
    // Saturation: idle ratios falling towards 0 mean the broker is out of network or I/O threads.
    gauge("kafka.network<type=SocketServer, name=NetworkProcessorAvgIdlePercent><>Value", "kafka_network_socketserver_networkprocessoravgidlepercent"),
    gauge("kafka.server<type=KafkaRequestHandlerPool, name=RequestHandlerAvgIdlePercent><>OneMinuteRate", "kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent"),
    gauge("kafka.log<type=Log, name=Size, topic=(.+), partition=(.+)><>Value", "kafka_log_log_size", { topic: "$1", partition: "$2" }),
];

export const connectMetricsRules: readonly Rule[] = [
    gauge("kafka.connect<type=connect-worker-metrics><>([a-z-]+)", "kafka_connect_worker_$1"),
    // Connector and task state as a one-hot gauge: alert on status!="running".
    { pattern: "kafka.connect<type=connector-metrics, connector=(.+)><>status: ([a-z-]+)", name: "kafka_connect_connector_status", type: "GAUGE", value: 1, labels: { connector: "$1", status: "$2" } },
    { pattern: "kafka.connect<type=connector-task-metrics, connector=(.+), task=(.+)><>status: ([a-z-]+)", name: "kafka_connect_connector_task_status", type: "GAUGE", value: 1, labels: { connector: "$1", task: "$2", status: "$3" } },
    gauge("kafka.connect<type=source-task-metrics, connector=(.+), task=(.+)><>(source-record-poll-total|source-record-write-total|source-record-active-count|poll-batch-avg-time-ms)", "kafka_connect_source_task_$3", { connector: "$1", task: "$2" }),
    // Debezium: how far behind the WAL the stream is, and whether the snapshot finished.
    gauge(
        "debezium.postgres<type=connector-metrics, context=([^,]+), server=([^,>]+)(?:, task=[^>]+)?><>(MilliSecondsBehindSource|TotalNumberOfEventsSeen|NumberOfEventsFiltered|Connected|QueueRemainingCapacity|SnapshotRunning|SnapshotCompleted|RemainingTableCount|TotalTableCount)",
        "debezium_postgres_$3",
        { context: "$1", server: "$2" },
    ),
];

/** A JMX Exporter config document. JSON is valid YAML, which is what the exporter reads. */
export function jmxExporterConfig(rules: readonly Rule[]): string {
    return JSON.stringify({ lowercaseOutputName: true, lowercaseOutputLabelNames: true, rules }, null, 2);
}

/** Key of the exporter config inside the metrics ConfigMaps. */
export const METRICS_CONFIG_KEY = "metrics-config.yml";
