/**
 * What Monitoring scrapes, alerts on and draws for the lakehouse: Trino's built-in metrics on every node and the
 * Hive Metastore's JMX exporter agent.
 */
import { dashboard, DashboardSpec, green, orange, red } from "../monitoring/grafana";
import { AlertGroup, promString, ruleOf as rule, targetSelector, targetSelector as sel } from "../monitoring/rules";
import type { ScrapeTarget } from "../monitoring/scrape";
import type { MonitoringSource } from "../monitoring/source";
import { METASTORE_METRICS_PORT } from "./metastore-config";
import { METASTORE_NAME } from "./metastore";
import { TRINO_HTTP_PORT } from "./trino-values";

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

/** Trino with no password authenticator takes the user from Basic auth but refuses a password over HTTP. */
export const TRINO_SCRAPE_USER = "prometheus";

export function lakehouseMonitoring(namespace: string): MonitoringSource {
    const trino: ScrapeTarget = {
        component: "lakehouse",
        name: "trino",
        namespace,
        kind: "ServiceMonitor",
        // The chart's coordinator Service and headless worker Service share these labels: one monitor, all nodes.
        selector: { matchLabels: { "app.kubernetes.io/name": "trino" } },
        port: "http",
        portNumber: TRINO_HTTP_PORT,
        path: "/metrics",
        interval: "30s",
        basicAuth: { username: TRINO_SCRAPE_USER },
        metrics: trinoMetrics,
    };
    const metastore: ScrapeTarget = {
        component: "lakehouse",
        name: "hive-metastore",
        namespace,
        kind: "PodMonitor",
        selector: { matchLabels: { "app.kubernetes.io/name": METASTORE_NAME } },
        port: "metrics",
        portNumber: METASTORE_METRICS_PORT,
        path: "/metrics",
        interval: "30s",
        metrics: hiveMetastoreMetrics,
    };
    return {
        targets: [trino, metastore],
        alertGroups: [lakehouseGroup(trino)],
        dashboards: [dashboard("trino", trinoDashboard(trino))],
        headlines: [
            {
                title: "Trino active workers",
                type: "stat",
                queries: [{ expr: `max(trino_node_name_CoordinatorNodeManager_ActiveNodeCount${sel(trino)}) - 1` }],
                thresholds: [{ value: null, color: red }, { value: 1, color: green }],
            },
        ],
    };
}

function lakehouseGroup(trino: ScrapeTarget): AlertGroup {
    const sel = targetSelector(trino);
    const nodes = `trino_node_name_CoordinatorNodeManager_ActiveNodeCount${sel}`;
    return {
        name: "ml-platform.lakehouse",
        rules: [
            rule(
                "lakehouse",
                "TrinoNoActiveWorkers",
                "critical",
                "5m",
                // The coordinator counts itself among the active nodes.
                `max by (namespace) (${nodes}) - 1 < 1`,
                "Trino has no active workers",
                "The Trino coordinator in {{ $labels.namespace }} sees no active worker: every query queues until one joins.",
                "kubectl -n <lakehouse namespace> get pods -l app.kubernetes.io/component=worker; check worker logs for discovery/announce errors and that workers fit on the nodes (memory requests).",
            ),
            rule(
                "lakehouse",
                "TrinoCoordinatorMetricsMissing",
                "critical",
                "5m",
                `absent(${nodes})`,
                "Trino coordinator reports no node count",
                "No Trino coordinator has reported its active nodes for 5 minutes: the coordinator is down or cannot be scraped.",
                "kubectl -n <lakehouse namespace> get pods -l app.kubernetes.io/component=coordinator; read its log; check Prometheus /targets for the trino target's error (401 means authentication was enabled).",
            ),
        ],
    };
}

function trinoDashboard(trino: ScrapeTarget): DashboardSpec {
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
