/**
 * The metric names of what Monitoring scrapes itself (its postgres-exporter) or gets from kube-prometheus-stack.
 * Components list theirs in their own `monitoring.ts`. Every list was read from the upstream source or
 * documentation named above it; tests check that each dashboard query and alert expression only references names
 * listed here or in its source's targets, so a typo or a renamed upstream metric fails a test instead of drawing an
 * empty panel or an alert that can never fire.
 */

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
