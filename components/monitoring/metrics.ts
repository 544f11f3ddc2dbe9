/**
 * The metric names each scraped endpoint exposes and that this project's dashboards and alerts use. Every list
 * was read from the upstream source or documentation named above it; tests check that each dashboard query and
 * alert expression only references names listed here, so a typo or a renamed upstream metric fails a test instead
 * of drawing an empty panel or an alert that can never fire.
 */

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
 * Trino's built-in OpenMetrics endpoint (`/metrics` on the HTTP port of coordinator and workers; docs
 * `admin/openmetrics`). Names are airlift's: the JMX object name of a managed bean, sanitized, then the attribute
 * (`trino.execution:name=QueryManager` → `trino_execution_name_QueryManager_RunningQueries`, the docs' example).
 * CounterStats are exported as counters named after the attribute (airlift `OpenMetricsCollector`/`Counter`).
 * Active nodes come from `trino.node:name=CoordinatorNodeManager` (Trino ≥ 476; coordinator only).
 */
export const trinoMetrics = [
    "trino_execution_name_QueryManager_RunningQueries",
    "trino_execution_name_QueryManager_QueuedQueries",
    "trino_execution_name_QueryManager_FailedQueries",
    "trino_execution_name_QueryManager_CompletedQueries",
    "trino_node_name_CoordinatorNodeManager_ActiveNodeCount",
] as const;

/**
 * Hive Metastore through the Prometheus JMX exporter Java agent (1.x), which always exports the JVM metrics below;
 * the metastore's own Dropwizard metrics have no stable Prometheus names, so nothing else is relied on.
 */
export const hiveMetastoreMetrics = ["jvm_memory_used_bytes", "jvm_threads_current", "jvm_gc_collection_seconds_sum"] as const;

/**
 * Airflow through the official chart's statsd-exporter (`{release}-statsd` Service, port `statsd-scrape` 9102).
 * Mapped names from the chart's `files/statsd-mappings.yml` (scheduler_heartbeat, executor.*, pool.*, dagrun.*);
 * unmapped StatsD names become `airflow_` + dots→underscores (statsd_exporter's default), e.g. `ti_failures`.
 */
export const airflowMetrics = [
    "airflow_scheduler_heartbeat",
    "airflow_executor_open_slots",
    "airflow_executor_queued_tasks",
    "airflow_executor_running_tasks",
    "airflow_pool_starving_tasks",
    "airflow_ti_failures",
    "airflow_ti_successes",
    "airflow_dag_processing_import_errors",
    "airflow_dagrun_duration",
] as const;

/**
 * MLflow tracking server started with `--expose-prometheus` (prometheus-flask-exporter with `defaults_prefix`
 * "mlflow"; MLflow docs "Monitoring": mlflow_http_request_total, mlflow_http_request_duration_seconds histogram).
 */
export const mlflowMetrics = [
    "mlflow_http_request_total",
    "mlflow_http_request_duration_seconds_bucket",
    "mlflow_http_request_exceptions_total",
] as const;

/**
 * KServe model servers. The KServe Python model server (`python/kserve/kserve/metrics.py`, v0.20.0) exports
 * per-model latency histograms (label `model_name`); MLServer (the runtime KServe picks for MLflow models) exports
 * `model_infer_request_success`/`_failure` counters (labels `model`, `version`; prometheus_client adds `_total`).
 */
export const kserveMetrics = [
    "request_predict_seconds_bucket",
    "request_predict_seconds_count",
    "request_preprocess_seconds_bucket",
    "request_postprocess_seconds_bucket",
    "model_infer_request_success_total",
    "model_infer_request_failure_total",
] as const;

/**
 * MinIO's v2 cluster endpoint `/minio/v2/metrics/cluster` (scraped with `MINIO_PROMETHEUS_AUTH_TYPE=public`).
 * Names as in MinIO's own Grafana dashboard and `metrics-v2.go`.
 */
export const minioMetrics = [
    "minio_cluster_capacity_usable_free_bytes",
    "minio_cluster_capacity_usable_total_bytes",
    "minio_cluster_nodes_offline_total",
    "minio_cluster_drive_offline_total",
    "minio_s3_requests_total",
    "minio_s3_requests_errors_total",
] as const;

/**
 * prometheus-community/postgres_exporter v0.20.1, default collectors (`collector/*.go`: `pg_up` from the exporter,
 * stat_database, stat_activity, replication_slots, database).
 */
export const postgresMetrics = [
    "pg_up",
    "pg_stat_database_numbackends",
    "pg_stat_database_xact_commit",
    "pg_stat_database_xact_rollback",
    "pg_stat_database_deadlocks",
    "pg_stat_activity_count",
    "pg_database_size_bytes",
    "pg_replication_slots_active",
    "pg_replication_slots_pg_wal_lsn_diff",
] as const;

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

/**
 * Scraped by kube-prometheus-stack itself: kube-state-metrics, the kubelet (volume stats) and cAdvisor
 * (container usage), node-exporter. Names from kube-state-metrics docs and the chart's own default rules.
 */
export const kubernetesMetrics = [
    "kube_pod_container_status_waiting_reason",
    "kube_pod_container_status_restarts_total",
    "kube_pod_status_phase",
    "kubelet_volume_stats_available_bytes",
    "kubelet_volume_stats_capacity_bytes",
    "kubelet_volume_stats_used_bytes",
    "container_cpu_usage_seconds_total",
    "container_memory_working_set_bytes",
    "node_cpu_seconds_total",
    "node_memory_MemAvailable_bytes",
    "node_memory_MemTotal_bytes",
] as const;

/** Series Prometheus itself produces for every target or rule, available whatever is scraped. */
export const syntheticMetrics = ["up", "ALERTS"] as const;
