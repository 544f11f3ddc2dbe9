/** What Monitoring scrapes, alerts on and draws for the feature store: Feast's feature server, and Valkey when chosen. */
import { dashboard, DashboardSpec, green, orange, red } from "../monitoring/grafana";
import { AlertGroup, ruleOf as rule, targetSelector } from "../monitoring/rules";
import type { ScrapeTarget } from "../monitoring/scrape";
import type { MonitoringSource } from "../monitoring/source";
import { COMPONENT, FEAST_METRICS_PORT, featureServerPods, VALKEY_METRICS_PORT, valkeyPods } from "./spec";

/**
 * Names from feast-dev/feast v0.66.0 `sdk/python/feast/metrics.py`, served by `feast serve --metrics` on port 8000.
 * `feast_feature_freshness_seconds` is the feature server's own reading of the registry: seconds since each feature
 * view's last materialization ended, refreshed every 30 s by each worker.
 */
export const feastMetrics = [
    "feast_feature_server_request_total",
    "feast_feature_server_request_latency_seconds_bucket",
    "feast_feature_server_online_store_read_duration_seconds_bucket",
    "feast_feature_freshness_seconds",
    "feast_online_features_request_total",
] as const;
/** oliver006/redis_exporter (the Valkey chart's exporter). */
export const valkeyMetrics = ["redis_up", "redis_memory_used_bytes", "redis_connected_clients"] as const;

export interface FeatureStoreAlerts {
    /** p99 latency of `/get-online-features` above which a warning fires after 10 minutes. Default 0.25 s. */
    readonly latencyP99Seconds: number;
    /** Age of a feature view's last materialization above which a warning fires. Default 6 hours. */
    readonly maxStalenessSeconds: number;
}

export const defaultFeatureStoreAlerts: FeatureStoreAlerts = { latencyP99Seconds: 0.25, maxStalenessSeconds: 6 * 3600 };

export function featureStoreMonitoring(namespace: string, valkey: boolean, alerts: FeatureStoreAlerts = defaultFeatureStoreAlerts): MonitoringSource {
    const feast: ScrapeTarget = {
        component: COMPONENT,
        name: "feast",
        namespace,
        kind: "PodMonitor",
        // Only the feature servers: materialization pods expose nothing and end after their run.
        selector: { matchLabels: { ...featureServerPods } },
        port: "metrics",
        portNumber: FEAST_METRICS_PORT,
        path: "/metrics",
        interval: "30s",
        metrics: feastMetrics,
    };
    const valkeyTarget: ScrapeTarget = {
        component: COMPONENT,
        name: "valkey",
        namespace,
        kind: "PodMonitor",
        selector: { matchLabels: { ...valkeyPods } },
        port: "metrics",
        portNumber: VALKEY_METRICS_PORT,
        path: "/metrics",
        interval: "30s",
        metrics: valkeyMetrics,
    };
    const s = (extra = "") => targetSelector(feast, extra);
    const online = ', endpoint="/get-online-features"';
    const group: AlertGroup = {
        name: "ml-platform.featurestore",
        rules: [
            rule(
                COMPONENT,
                "FeastFeatureServerErrors",
                "warning",
                "10m",
                `sum by (namespace) (rate(feast_feature_server_request_total${s(', status="error"')}[5m])) / sum by (namespace) (rate(feast_feature_server_request_total${s()}[5m])) > 0.05`,
                "The feature server fails {{ $value | humanizePercentage }} of requests",
                "More than 5% of the Feast feature server's requests have failed for 10 minutes: models get no features or stale defaults.",
                `Read the feature server log (kubectl logs -n ${namespace} deploy/feast); check the registry and online store databases.`,
            ),
            rule(
                COMPONENT,
                "FeastOnlineFeaturesSlow",
                "warning",
                "10m",
                `histogram_quantile(0.99, sum by (le) (rate(feast_feature_server_request_latency_seconds_bucket${s(online)}[5m]))) > ${alerts.latencyP99Seconds}`,
                "p99 of online feature reads is {{ $value | humanizeDuration }}",
                `The 99th percentile of /get-online-features has been above ${alerts.latencyP99Seconds} s for 10 minutes: inference waits on features.`,
                "Compare with feast_feature_server_online_store_read_duration_seconds (the store) and the pods' CPU (the server); scale out, or move the online store to Valkey.",
            ),
            rule(
                COMPONENT,
                "FeastMaterializationStale",
                "warning",
                "15m",
                `max by (project, feature_view) (feast_feature_freshness_seconds${s()}) > ${alerts.maxStalenessSeconds}`,
                "Feature view {{ $labels.feature_view }} was last materialized {{ $value | humanizeDuration }} ago",
                `The online values of a feature view are older than ${alerts.maxStalenessSeconds / 3600} hours: the materialization DAG has not run or failed.`,
                "Check the Airflow DAG that runs `feast materialize-incremental` and its pod's log in the feature store namespace.",
            ),
        ],
    };
    return {
        targets: valkey ? [feast, valkeyTarget] : [feast],
        alertGroups: [group],
        dashboards: [dashboard(COMPONENT, featureStoreDashboard(feast, valkey ? valkeyTarget : undefined))],
        headlines: [{ title: "Feast online reads/s", type: "stat", unit: "reqps", queries: [{ expr: `sum(rate(feast_online_features_request_total${s()}[5m]))` }] }],
    };
}

function featureStoreDashboard(feast: ScrapeTarget, valkey?: ScrapeTarget): DashboardSpec {
    const s = (extra = "") => targetSelector(feast, extra);
    const online = ', endpoint="/get-online-features"';
    const quantile = (q: number, metric: string, extra = "") => `histogram_quantile(${q}, sum by (le) (rate(${metric}${s(extra)}[5m])))`;
    return {
        uid: "mlp-featurestore",
        title: "ML platform / Feature store",
        description: "Feast's feature server: requests, latency, online store reads and how fresh each feature view is.",
        tags: ["feast", "featurestore"],
        rows: [
            {
                panels: [
                    { title: "Online reads/s", type: "stat", unit: "reqps", queries: [{ expr: `sum(rate(feast_online_features_request_total${s()}[5m]))` }] },
                    {
                        title: "Error ratio",
                        type: "stat",
                        unit: "percentunit",
                        queries: [{ expr: `sum(rate(feast_feature_server_request_total${s(', status="error"')}[5m])) / sum(rate(feast_feature_server_request_total${s()}[5m]))` }],
                        thresholds: [{ value: null, color: green }, { value: 0.01, color: orange }, { value: 0.05, color: red }],
                    },
                    { title: "p99 online read", type: "stat", unit: "s", queries: [{ expr: quantile(0.99, "feast_feature_server_request_latency_seconds_bucket", online) }] },
                    {
                        title: "Stalest feature view",
                        type: "stat",
                        unit: "s",
                        queries: [{ expr: `max(feast_feature_freshness_seconds${s()})` }],
                    },
                ],
            },
            {
                panels: [
                    { title: "Requests/s by endpoint and status", type: "timeseries", unit: "reqps", queries: [{ expr: `sum by (endpoint, status) (rate(feast_feature_server_request_total${s()}[5m]))`, legend: "{{endpoint}} {{status}}" }] },
                    {
                        title: "Online read latency",
                        type: "timeseries",
                        unit: "s",
                        queries: [
                            { expr: quantile(0.5, "feast_feature_server_request_latency_seconds_bucket", online), legend: "p50" },
                            { expr: quantile(0.99, "feast_feature_server_request_latency_seconds_bucket", online), legend: "p99" },
                            { expr: quantile(0.99, "feast_feature_server_online_store_read_duration_seconds_bucket"), legend: "p99 online store" },
                        ],
                    },
                    { title: "Seconds since last materialization", type: "timeseries", unit: "s", queries: [{ expr: `max by (project, feature_view) (feast_feature_freshness_seconds${s()})`, legend: "{{project}}/{{feature_view}}" }] },
                ],
            },
            ...(valkey
                ? [
                      {
                          title: "Valkey",
                          panels: [
                              { title: "Valkey up", type: "stat" as const, queries: [{ expr: `min(redis_up${targetSelector(valkey)})` }], thresholds: [{ value: null, color: red }, { value: 1, color: green }] },
                              { title: "Memory used", type: "timeseries" as const, unit: "bytes", queries: [{ expr: `sum by (pod) (redis_memory_used_bytes${targetSelector(valkey)})`, legend: "{{pod}}" }] },
                              { title: "Clients", type: "timeseries" as const, queries: [{ expr: `sum by (pod) (redis_connected_clients${targetSelector(valkey)})`, legend: "{{pod}}" }] },
                          ],
                      },
                  ]
                : []),
        ],
    };
}
