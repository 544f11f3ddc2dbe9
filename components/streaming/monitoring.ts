/**
 * PodMonitors (Prometheus Operator) for everything the streaming component runs. Strimzi names the JMX
 * exporter's port `tcp-prometheus` on brokers, controllers, Connect workers and Kafka Exporter alike.
 */
import { platformLabels } from "../common/kubernetes";
import { dashboard, DashboardSpec, green, orange, PanelSpec, red, RowSpec } from "../monitoring/grafana";
import { POSTGRES_TARGET } from "../monitoring/postgresSource";
import { AlertRule, promString, ruleOf as rule, targetSelector, targetSelector as sel } from "../monitoring/rules";
import type { Relabeling, ScrapeTarget } from "../monitoring/scrape";
import type { MonitoringSource } from "../monitoring/source";
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

// --- what Monitoring scrapes, alerts on and draws (Streaming.monitoring) -----------------------------------------

/**
 * Strimzi Kafka brokers/controllers with `metricsConfig.type: jmxPrometheusExporter` (port `tcp-prometheus`) and
 * the streaming component's rules (`components/streaming/metrics.ts`, lowercaseOutputName): ReplicaManager and
 * KafkaController gauges as in Strimzi's `kafka-metrics.yaml` example and `prometheus-kafka-rules.yaml`;
 * BrokerTopicMetrics named `..._<mbean name>_total` (`messagesinpersec_total`, as Strimzi's metrics-reporter
 * dashboards name them). JVM names are the JMX exporter 1.x agent's.
 */
export const kafkaBrokerMetrics = [
    "kafka_server_replicamanager_underreplicatedpartitions",
    "kafka_server_replicamanager_underminisrpartitioncount",
    "kafka_server_replicamanager_partitioncount",
    "kafka_server_replicamanager_leadercount",
    "kafka_controller_kafkacontroller_offlinepartitionscount",
    "kafka_controller_kafkacontroller_activecontrollercount",
    "kafka_server_brokertopicmetrics_messagesinpersec_total",
    "kafka_server_brokertopicmetrics_bytesinpersec_total",
    "kafka_server_brokertopicmetrics_bytesoutpersec_total",
    "kafka_log_log_size",
    "jvm_memory_used_bytes",
    "jvm_gc_collection_seconds_sum",
] as const;

/**
 * Kafka Exporter, deployed by Strimzi when the Kafka resource has `spec.kafkaExporter` (pods labelled
 * `strimzi.io/kind: Kafka`, same `tcp-prometheus` port). Names as in Strimzi's `strimzi-kafka-exporter.json`
 * dashboard and `prometheus-kafka-exporter-topic-rules-group.yaml`.
 */
export const kafkaExporterMetrics = [
    "kafka_consumergroup_lag",
    "kafka_consumergroup_current_offset",
    "kafka_topic_partition_current_offset",
    "kafka_topic_partition_under_replicated_partition",
] as const;

/**
 * Strimzi KafkaConnect running Debezium, with the streaming component's Connect rules
 * (`components/streaming/metrics.ts`): connector and task state as one-hot gauges with a `status` label (as in
 * Strimzi's `kafka-connect-metrics.yaml`), source task counters, and the Debezium Postgres connector's streaming
 * MBean (`debezium.postgres:type=connector-metrics,context=streaming,server=<topic.prefix>`, Debezium docs
 * "Monitoring": MilliSecondsBehindSource, Connected) lowercased.
 */
export const kafkaConnectMetrics = [
    "kafka_connect_connector_status",
    "kafka_connect_connector_task_status",
    "kafka_connect_source_task_source_record_poll_total",
    "debezium_postgres_millisecondsbehindsource",
    "debezium_postgres_connected",
] as const;

/** Strimzi cluster operator (`strimzi.io/kind: cluster-operator`, port `http`): `strimzi-operators.json`. */
export const strimziOperatorMetrics = ["strimzi_reconciliations_failed_total", "strimzi_reconciliations_total", "strimzi_resources"] as const;

/**
 * Flink jobs with the Prometheus metrics reporter (Flink docs "Metric Reporters"/"System Metrics": the reporter
 * names series `flink_<logical scope>_<metric>`; `pendingRecords` is the FLIP-33 source lag of the KafkaSource).
 */
export const flinkJobMetrics = [
    "flink_jobmanager_numRunningJobs",
    "flink_jobmanager_numRegisteredTaskManagers",
    "flink_jobmanager_job_uptime",
    "flink_jobmanager_job_numRestarts",
    "flink_jobmanager_job_numberOfFailedCheckpoints",
    "flink_jobmanager_job_lastCheckpointDuration",
    "flink_taskmanager_job_task_operator_pendingRecords",
] as const;

/**
 * The Flink Kubernetes Operator's own metrics change names between operator releases (scope formats), so only its
 * liveness (`up`) is used; the target still makes its metrics queryable.
 */
export const flinkOperatorMetrics = [] as const;

/** Alert thresholds of the streaming rules. */
export interface StreamingAlertThresholds {
    /** Messages a consumer group may lag behind on a CDC topic for 15 minutes. Default 10000. */
    readonly cdcConsumerLagMessages: number;
}

export const defaultStreamingAlertThresholds: StreamingAlertThresholds = { cdcConsumerLagMessages: 10_000 };

/** CDC topics when no connector names its own prefix: Debezium's `topic.prefix` defaults to `cdc.<database>`. */
export const DEFAULT_CDC_TOPIC_PATTERN = "cdc\\..+";

/** Strimzi's example PodMonitor keeps the `strimzi.io/*` pod labels on every series (cluster, kind, name). */
const strimziLabelmap: Relabeling[] = [{ action: "labelmap", regex: "__meta_kubernetes_pod_label_(strimzi_io_.+)" }];

interface StreamingTargets {
    readonly kafka: ScrapeTarget;
    readonly connect?: ScrapeTarget;
    readonly flinkJobs?: ScrapeTarget;
    readonly all: ScrapeTarget[];
}

function streamingTargets(plan: StreamingPlan): StreamingTargets {
    const { namespace } = plan;
    const interval = "30s";
    const pod = (name: string, selector: ScrapeTarget["selector"], port: string, portNumber: number, metrics: readonly string[], relabelings?: Relabeling[]): ScrapeTarget => ({
        component: COMPONENT,
        name,
        namespace,
        kind: "PodMonitor",
        selector,
        port,
        portNumber,
        path: "/metrics",
        interval,
        ...(relabelings ? { relabelings } : {}),
        metrics,
    });
    // Brokers, controllers and the Kafka Exporter all carry strimzi.io/kind=Kafka and serve tcp-prometheus.
    const kafka = pod("kafka", { matchLabels: { "strimzi.io/kind": "Kafka" } }, "tcp-prometheus", 9404, [...kafkaBrokerMetrics, ...kafkaExporterMetrics], strimziLabelmap);
    // Kafka Connect runs only where there are CDC connectors or an extension (the feedback loop's sink).
    const connect = plan.runsConnect
        ? pod("kafka-connect", { matchLabels: { "strimzi.io/kind": "KafkaConnect" } }, "tcp-prometheus", 9404, kafkaConnectMetrics, strimziLabelmap)
        : undefined;
    const operator = pod("strimzi-operator", { matchLabels: { "strimzi.io/kind": "cluster-operator" } }, "http", 8080, strimziOperatorMetrics);
    const flink = plan.flinkOperator
        ? [
              pod("flink-operator", { matchLabels: { "app.kubernetes.io/name": "flink-kubernetes-operator" } }, "metrics", 9999, flinkOperatorMetrics),
              // Flink's native Kubernetes integration labels every JobManager and TaskManager pod with this.
              pod("flink-jobs", { matchLabels: { type: "flink-native-kubernetes" } }, "metrics", 9249, flinkJobMetrics),
          ]
        : [];
    return { kafka, connect, flinkJobs: flink[1], all: [kafka, ...(connect ? [connect] : []), operator, ...flink] };
}

/** Regex of the CDC topics: the connectors' topic prefixes, or Debezium's default `cdc.` ones. */
export function cdcTopicPattern(plan: StreamingPlan): string {
    const prefixes = [...new Set(plan.connectors.map((c) => c.topicPrefix.replace(/[.\\^$|?*+()[\]{}]/g, "\\$&")))].sort();
    if (!prefixes.length) return DEFAULT_CDC_TOPIC_PATTERN;
    return prefixes.length === 1 ? `${prefixes[0]}\\..+` : `(?:${prefixes.join("|")})\\..+`;
}

export interface StreamingMonitoringOptions {
    /** The CDC connectors' source is the in-cluster Postgres Monitoring scrapes: show its replication slots. */
    readonly sourceSlots?: boolean;
    readonly alerts?: Partial<StreamingAlertThresholds>;
}

/**
 * Kafka (brokers, controllers, Kafka Exporter), Kafka Connect (Debezium), the Strimzi cluster operator and Flink
 * (operator and jobs), each as Strimzi's and Flink's own labels and ports have them; the Kafka/CDC alerts and dashboard.
 */
export function streamingMonitoring(plan: StreamingPlan, opts: StreamingMonitoringOptions = {}): MonitoringSource {
    const targets = streamingTargets(plan);
    const t = { ...defaultStreamingAlertThresholds, ...opts.alerts };
    const pattern = cdcTopicPattern(plan);
    const kafka = targets.kafka;
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
            `sum by (namespace, consumergroup, topic) (kafka_consumergroup_lag{platform_target=${promString(kafka.name)}, topic=~${promString(pattern)}}) > ${t.cdcConsumerLagMessages}`,
            "Consumer group {{ $labels.consumergroup }} lags on CDC topic {{ $labels.topic }}",
            `Consumer group {{ $labels.consumergroup }} is {{ $value }} messages behind on {{ $labels.topic }} (threshold ${t.cdcConsumerLagMessages}) for 15 minutes: downstream tables are stale.`,
            "Check the consumer (Flink job or sink connector) is running and not restarting; compare its throughput with the topic's produce rate on the Kafka and CDC dashboard; raise its parallelism if it is saturated.",
        ),
    ];
    const connect = targets.connect;
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
    const flink = targets.flinkJobs;
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
    return {
        targets: targets.all,
        alertGroups: [{ name: "ml-platform.streaming", rules }],
        dashboards: [dashboard("kafka-cdc", kafkaCdcDashboard(targets, pattern, opts.sourceSlots ?? false))],
        headlines: [
            {
                title: "Kafka under-replicated partitions",
                type: "stat",
                queries: [{ expr: `sum(kafka_server_replicamanager_underreplicatedpartitions${sel(kafka)})` }],
                thresholds: [{ value: null, color: green }, { value: 1, color: red }],
            },
            {
                title: "Max CDC consumer lag",
                type: "stat",
                queries: [{ expr: `max(sum by (consumergroup, topic) (kafka_consumergroup_lag${sel(kafka, `, topic=~${promString(pattern)}`)}))` }],
                thresholds: [{ value: null, color: green }, { value: 10000, color: orange }],
            },
        ],
    };
}

function kafkaCdcDashboard(targets: StreamingTargets, cdcTopicPattern: string, sourceSlots: boolean): DashboardSpec {
    const k = sel(targets.kafka);
    const kx = (extra: string) => sel(targets.kafka, extra);
    const stat = (title: string, expr: string, thresholds?: PanelSpec["thresholds"], unit?: string): PanelSpec => ({ title, type: "stat", queries: [{ expr }], thresholds, unit });
    const bad = [{ value: null, color: green }, { value: 1, color: red }];
    const rows: RowSpec[] = [
        {
            title: "Cluster",
            panels: [
                stat("Under-replicated partitions", `sum(kafka_server_replicamanager_underreplicatedpartitions${k})`, bad),
                stat("Under min ISR", `sum(kafka_server_replicamanager_underminisrpartitioncount${k})`, bad),
                stat("Offline partitions", `sum(kafka_controller_kafkacontroller_offlinepartitionscount${k})`, bad),
                stat("Active controllers", `sum(kafka_controller_kafkacontroller_activecontrollercount${k})`, [{ value: null, color: red }, { value: 1, color: green }, { value: 2, color: red }]),
                stat("Partitions", `sum(kafka_server_replicamanager_partitioncount${k})`),
                stat("Log size", `sum(kafka_log_log_size${k})`, undefined, "bytes"),
            ],
        },
        {
            title: "Throughput",
            panels: [
                {
                    title: "Messages in/s by topic",
                    type: "timeseries",
                    queries: [{ expr: `sum by (topic) (rate(kafka_server_brokertopicmetrics_messagesinpersec_total${kx(', topic!=""')}[5m]))`, legend: "{{topic}}" }],
                },
                {
                    title: "Bytes in/out per broker",
                    type: "timeseries",
                    unit: "Bps",
                    queries: [
                        // The broker-wide MBean has no topic key.
                        { expr: `sum by (pod) (rate(kafka_server_brokertopicmetrics_bytesinpersec_total${kx(', topic=""')}[5m]))`, legend: "in {{pod}}" },
                        { expr: `sum by (pod) (rate(kafka_server_brokertopicmetrics_bytesoutpersec_total${kx(', topic=""')}[5m]))`, legend: "out {{pod}}" },
                    ],
                },
                { title: "Broker JVM heap", type: "timeseries", unit: "bytes", queries: [{ expr: `sum by (pod) (jvm_memory_used_bytes${kx(', area="heap"')})`, legend: "{{pod}}" }] },
            ],
        },
        {
            title: "Consumer lag (Kafka Exporter)",
            panels: [
                {
                    title: "CDC consumer lag by group and topic",
                    type: "timeseries",
                    queries: [{ expr: `sum by (consumergroup, topic) (kafka_consumergroup_lag${kx(`, topic=~${promString(cdcTopicPattern)}`)})`, legend: "{{consumergroup}} / {{topic}}" }],
                },
                { title: "All consumer groups: lag", type: "timeseries", queries: [{ expr: `sum by (consumergroup) (kafka_consumergroup_lag${k})`, legend: "{{consumergroup}}" }] },
            ],
        },
    ];
    const connect = targets.connect;
    if (connect) {
        const c = (extra = "") => sel(connect, extra);
        rows.push(
            {
                title: "Kafka Connect / Debezium",
                panels: [
                    { ...stat("Failed connectors", `sum(kafka_connect_connector_status${c(', status="failed"')})`, bad), width: 4 },
                    { ...stat("Failed tasks", `sum(kafka_connect_connector_task_status${c(', status="failed"')})`, bad), width: 4 },
                    {
                        title: "Connector tasks by state",
                        type: "timeseries",
                        width: 16,
                        queries: [{ expr: `sum by (connector, status) (kafka_connect_connector_task_status${c()})`, legend: "{{connector}} {{status}}" }],
                    },
                ],
            },
            {
                panels: [
                    {
                        title: "Debezium: milliseconds behind the source",
                        type: "timeseries",
                        unit: "ms",
                        queries: [{ expr: `max by (server) (debezium_postgres_millisecondsbehindsource${c(', context="streaming"')})`, legend: "{{server}}" }],
                    },
                    {
                        title: "Records polled from the source/s",
                        type: "timeseries",
                        queries: [{ expr: `sum by (connector) (rate(kafka_connect_source_task_source_record_poll_total${c()}[5m]))`, legend: "{{connector}}" }],
                    },
                ],
            },
        );
    }
    const sourceLag: PanelSpec[] = [];
    if (sourceSlots) {
        sourceLag.push({
            title: "Replication slot WAL retained (CDC source lag)",
            type: "timeseries",
            unit: "bytes",
            queries: [{ expr: `max by (slot_name) (pg_replication_slots_pg_wal_lsn_diff${sel({ name: POSTGRES_TARGET })})`, legend: "{{slot_name}}" }],
        });
    }
    const flink = targets.flinkJobs;
    if (flink) {
        sourceLag.push({
            title: "Flink Kafka source pending records",
            type: "timeseries",
            queries: [{ expr: `sum by (job_name) (flink_taskmanager_job_task_operator_pendingRecords${sel(flink)})`, legend: "{{job_name}}" }],
        });
    }
    if (sourceLag.length) rows.push({ title: "Source and sink lag", panels: sourceLag });
    return {
        uid: "mlp-kafka-cdc",
        title: "ML platform / Kafka and CDC",
        description: "Strimzi Kafka replication health and throughput, consumer lag on the CDC topics, Kafka Connect (Debezium) connectors and source-side lag.",
        tags: ["kafka", "cdc"],
        rows,
    };
}
