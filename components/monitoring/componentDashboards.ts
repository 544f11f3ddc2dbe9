/** The per-component dashboards: Kafka + CDC lag, Trino, Airflow and model serving. */
import { DashboardSpec, PanelSpec, RowSpec } from "./grafana";
import { promString, targetSelector as sel } from "./rules";
import { ScrapeTarget } from "./scrape";

export const red = "red";
export const green = "green";
export const orange = "orange";

export function kafkaCdc(cdcTopicPattern: string, byName: ReadonlyMap<string, ScrapeTarget>): DashboardSpec {
    const k = sel(byName.get("kafka")!);
    const kx = (extra: string) => sel(byName.get("kafka")!, extra);
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
    const connect = byName.get("kafka-connect");
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
    const postgres = byName.get("postgres");
    if (postgres) {
        sourceLag.push({
            title: "Replication slot WAL retained (CDC source lag)",
            type: "timeseries",
            unit: "bytes",
            queries: [{ expr: `max by (slot_name) (pg_replication_slots_pg_wal_lsn_diff${sel(postgres)})`, legend: "{{slot_name}}" }],
        });
    }
    const flink = byName.get("flink-jobs");
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

export function trinoDashboard(trino: ScrapeTarget): DashboardSpec {
    const s = sel(trino);
    return {
        uid: "mlp-trino",
        title: "ML platform / Trino",
        description: "Trino cluster size and query load, from Trino's built-in /metrics endpoint.",
        tags: ["trino", "lakehouse"],
        rows: [
            {
                panels: [
                    { title: "Active workers", type: "stat", queries: [{ expr: `max(trino_node_name_CoordinatorNodeManager_ActiveNodeCount${s}) - 1` }], thresholds: [{ value: null, color: red }, { value: 1, color: green }] },
                    { title: "Running queries", type: "stat", queries: [{ expr: `sum(trino_execution_name_QueryManager_RunningQueries${s})` }] },
                    { title: "Queued queries", type: "stat", queries: [{ expr: `sum(trino_execution_name_QueryManager_QueuedQueries${s})` }], thresholds: [{ value: null, color: green }, { value: 10, color: orange }] },
                    { title: "Nodes scraped", type: "stat", queries: [{ expr: `sum(up${s})` }] },
                ],
            },
            {
                panels: [
                    {
                        title: "Queries",
                        type: "timeseries",
                        queries: [
                            { expr: `sum(trino_execution_name_QueryManager_RunningQueries${s})`, legend: "running" },
                            { expr: `sum(trino_execution_name_QueryManager_QueuedQueries${s})`, legend: "queued" },
                        ],
                    },
                    {
                        title: "Completed and failed queries/s",
                        type: "timeseries",
                        unit: "reqps",
                        queries: [
                            { expr: `sum(rate(trino_execution_name_QueryManager_CompletedQueries${s}[5m]))`, legend: "completed" },
                            { expr: `sum(rate(trino_execution_name_QueryManager_FailedQueries${s}[5m]))`, legend: "failed" },
                        ],
                    },
                ],
            },
            {
                panels: [
                    {
                        title: "CPU by pod",
                        type: "timeseries",
                        queries: [{ expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{namespace=${promString(trino.namespace)}, pod=~"trino.*", container!=""}[5m]))`, legend: "{{pod}}" }],
                    },
                    {
                        title: "Memory by pod",
                        type: "timeseries",
                        unit: "bytes",
                        queries: [{ expr: `sum by (pod) (container_memory_working_set_bytes{namespace=${promString(trino.namespace)}, pod=~"trino.*", container!=""})`, legend: "{{pod}}" }],
                    },
                ],
            },
        ],
    };
}

export function airflowDashboard(airflow: ScrapeTarget): DashboardSpec {
    const s = sel(airflow);
    return {
        uid: "mlp-airflow",
        title: "ML platform / Airflow",
        description: "Airflow scheduler liveness, executor slots, task outcomes and DAG parsing, from the chart's statsd exporter.",
        tags: ["airflow", "orchestrator"],
        rows: [
            {
                panels: [
                    { title: "Scheduler heartbeats/s", type: "stat", queries: [{ expr: `sum(rate(airflow_scheduler_heartbeat${s}[5m]))` }], thresholds: [{ value: null, color: red }, { value: 0.01, color: green }] },
                    { title: "DAG import errors", type: "stat", queries: [{ expr: `max(airflow_dag_processing_import_errors${s})` }], thresholds: [{ value: null, color: green }, { value: 1, color: red }] },
                    { title: "Starving tasks", type: "stat", queries: [{ expr: `sum(airflow_pool_starving_tasks${s})` }], thresholds: [{ value: null, color: green }, { value: 1, color: orange }] },
                    { title: "Task failures (1h)", type: "stat", queries: [{ expr: `sum(increase(airflow_ti_failures${s}[1h]))` }], thresholds: [{ value: null, color: green }, { value: 1, color: orange }] },
                ],
            },
            {
                panels: [
                    {
                        title: "Executor slots",
                        type: "timeseries",
                        queries: [
                            { expr: `sum(airflow_executor_open_slots${s})`, legend: "open" },
                            { expr: `sum(airflow_executor_queued_tasks${s})`, legend: "queued" },
                            { expr: `sum(airflow_executor_running_tasks${s})`, legend: "running" },
                        ],
                    },
                    {
                        title: "Task instances finished/s",
                        type: "timeseries",
                        queries: [
                            { expr: `sum(rate(airflow_ti_successes${s}[5m]))`, legend: "success" },
                            { expr: `sum(rate(airflow_ti_failures${s}[5m]))`, legend: "failed" },
                        ],
                    },
                ],
            },
            {
                panels: [
                    {
                        title: "Successful DAG run duration p90 by DAG",
                        type: "timeseries",
                        // statsd_exporter turns StatsD timers (milliseconds) into seconds.
                        unit: "s",
                        queries: [{ expr: `max by (dag_id) (airflow_dagrun_duration${sel(airflow, ', quantile="0.9"')})`, legend: "{{dag_id}}" }],
                    },
                ],
            },
        ],
    };
}

export function servingDashboard(kserve: ScrapeTarget): DashboardSpec {
    const s = sel(kserve);
    const failures = `sum by (model) (rate(model_infer_request_failure_total${s}[5m]))`;
    const successes = `sum by (model) (rate(model_infer_request_success_total${s}[5m]))`;
    const quantile = (q: number) => `histogram_quantile(${q}, sum by (model_name, le) (rate(request_predict_seconds_bucket${s}[5m])))`;
    return {
        uid: "mlp-serving",
        title: "ML platform / Model serving",
        description: "KServe model servers: predict latency percentiles and request rate (KServe Python runtimes), error ratio (MLServer), and the model pods' resources.",
        tags: ["kserve", "serving"],
        rows: [
            {
                panels: [
                    { title: "Model server pods scraped", type: "stat", queries: [{ expr: `sum(up${s})` }] },
                    { title: "Predictions/s", type: "stat", unit: "reqps", queries: [{ expr: `sum(rate(request_predict_seconds_count${s}[5m]))` }] },
                    { title: "p95 predict latency (all models)", type: "stat", unit: "s", queries: [{ expr: `histogram_quantile(0.95, sum by (le) (rate(request_predict_seconds_bucket${s}[5m])))` }], thresholds: [{ value: null, color: green }, { value: 1, color: orange }] },
                    { title: "Error ratio (MLServer)", type: "stat", unit: "percentunit", queries: [{ expr: `sum(rate(model_infer_request_failure_total${s}[5m])) / (sum(rate(model_infer_request_success_total${s}[5m])) + sum(rate(model_infer_request_failure_total${s}[5m])))` }], thresholds: [{ value: null, color: green }, { value: 0.05, color: red }] },
                ],
            },
            {
                panels: [
                    {
                        title: "Predict latency by model",
                        type: "timeseries",
                        unit: "s",
                        queries: [
                            { expr: quantile(0.5), legend: "p50 {{model_name}}" },
                            { expr: quantile(0.95), legend: "p95 {{model_name}}" },
                            { expr: quantile(0.99), legend: "p99 {{model_name}}" },
                        ],
                    },
                    {
                        title: "Pre/post-processing p95 by model",
                        type: "timeseries",
                        unit: "s",
                        queries: [
                            { expr: `histogram_quantile(0.95, sum by (model_name, le) (rate(request_preprocess_seconds_bucket${s}[5m])))`, legend: "pre {{model_name}}" },
                            { expr: `histogram_quantile(0.95, sum by (model_name, le) (rate(request_postprocess_seconds_bucket${s}[5m])))`, legend: "post {{model_name}}" },
                        ],
                    },
                ],
            },
            {
                panels: [
                    { title: "Predictions/s by model", type: "timeseries", unit: "reqps", queries: [{ expr: `sum by (model_name) (rate(request_predict_seconds_count${s}[5m]))`, legend: "{{model_name}}" }] },
                    { title: "Error ratio by model (MLServer)", type: "timeseries", unit: "percentunit", queries: [{ expr: `${failures} / (${successes} + ${failures})`, legend: "{{model}}" }] },
                ],
            },
            {
                panels: [
                    {
                        title: "CPU by InferenceService",
                        type: "timeseries",
                        queries: [{ expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{namespace=${promString(kserve.namespace)}, container="kserve-container"}[5m]))`, legend: "{{pod}}" }],
                    },
                    {
                        title: "Memory by InferenceService",
                        type: "timeseries",
                        unit: "bytes",
                        queries: [{ expr: `sum by (pod) (container_memory_working_set_bytes{namespace=${promString(kserve.namespace)}, container="kserve-container"})`, legend: "{{pod}}" }],
                    },
                ],
            },
        ],
    };
}

/** The dashboards for the scraped components. */
