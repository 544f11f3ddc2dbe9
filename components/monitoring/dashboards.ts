/**
 * The platform's Grafana dashboards, written in this project: an overview, and one per component that has one
 * (Kafka + CDC lag, Trino, Airflow, model serving). Only dashboards whose component is scraped are produced.
 */
import { airflowDashboard, green, kafkaCdc, orange, red, servingDashboard, trinoDashboard } from "./componentDashboards";
import { DashboardSpec, dashboardJson, PanelSpec, RowSpec } from "./grafana";
import { promString, targetSelector as sel } from "./rules";
import { ScrapeTarget } from "./scrape";

export interface DashboardContext {
    readonly targets: readonly ScrapeTarget[];
    /** Namespaces of the platform's workloads (resource panels). */
    readonly namespaces: readonly string[];
    readonly cdcTopicPattern: string;
}

export interface Dashboard {
    /** Short name: the ConfigMap suffix and file name (`<name>.json`). */
    readonly name: string;
    readonly json: ReturnType<typeof dashboardJson>;
}

const nsRegex = (namespaces: readonly string[]) => promString([...new Set(namespaces)].sort().join("|"));

function componentHeadlines(byName: Map<string, ScrapeTarget>, cdcTopicPattern: string): PanelSpec[] {
    const panels: PanelSpec[] = [];
    const kafka = byName.get("kafka");
    if (kafka) {
        panels.push(
            {
                title: "Kafka under-replicated partitions",
                type: "stat",
                queries: [{ expr: `sum(kafka_server_replicamanager_underreplicatedpartitions${sel(kafka)})` }],
                thresholds: [{ value: null, color: green }, { value: 1, color: red }],
            },
            {
                title: "Max CDC consumer lag",
                type: "stat",
                queries: [{ expr: `max(sum by (consumergroup, topic) (kafka_consumergroup_lag${sel(kafka, `, topic=~${promString(cdcTopicPattern)}`)}))` }],
                thresholds: [{ value: null, color: green }, { value: 10000, color: orange }],
            },
        );
    }
    const airflow = byName.get("airflow-statsd");
    if (airflow) {
        panels.push({
            title: "Airflow scheduler heartbeats/s",
            type: "stat",
            queries: [{ expr: `sum(rate(airflow_scheduler_heartbeat${sel(airflow)}[5m]))` }],
            thresholds: [{ value: null, color: red }, { value: 0.01, color: green }],
        });
    }
    const trino = byName.get("trino");
    if (trino) {
        panels.push({
            title: "Trino active workers",
            type: "stat",
            queries: [{ expr: `max(trino_node_name_CoordinatorNodeManager_ActiveNodeCount${sel(trino)}) - 1` }],
            thresholds: [{ value: null, color: red }, { value: 1, color: green }],
        });
    }
    const kserve = byName.get("kserve-models");
    if (kserve) {
        panels.push({
            title: "Inference p95 (all models)",
            type: "stat",
            unit: "s",
            queries: [{ expr: `histogram_quantile(0.95, sum by (le) (rate(request_predict_seconds_bucket${sel(kserve)}[5m])))` }],
            thresholds: [{ value: null, color: green }, { value: 1, color: orange }],
        });
    }
    const postgres = byName.get("postgres");
    if (postgres) {
        panels.push({
            title: "Postgres up",
            type: "stat",
            queries: [{ expr: `max(pg_up${sel(postgres)})` }],
            thresholds: [{ value: null, color: red }, { value: 1, color: green }],
        });
    }
    const minio = byName.get("minio");
    if (minio) {
        panels.push({
            title: "MinIO free capacity",
            type: "stat",
            unit: "percentunit",
            queries: [{ expr: `min(minio_cluster_capacity_usable_free_bytes${sel(minio)} / minio_cluster_capacity_usable_total_bytes${sel(minio)})` }],
            thresholds: [{ value: null, color: red }, { value: 0.1, color: orange }, { value: 0.25, color: green }],
        });
    }
    const mlflow = byName.get("mlflow");
    if (mlflow) {
        panels.push({
            title: "MLflow requests/s",
            type: "stat",
            unit: "reqps",
            queries: [{ expr: `sum(rate(mlflow_http_request_total${sel(mlflow)}[5m]))` }],
        });
    }
    return panels;
}

function overview(ctx: DashboardContext, byName: Map<string, ScrapeTarget>): DashboardSpec {
    const ns = nsRegex(ctx.namespaces);
    const headlines = componentHeadlines(byName, ctx.cdcTopicPattern);
    const rows: RowSpec[] = [
        {
            title: "Health",
            panels: [
                {
                    title: "Metrics endpoints up, by component",
                    type: "stat",
                    unit: "percentunit",
                    width: 12,
                    queries: [
                        {
                            expr: `sum by (platform_component) (up{platform_target!=""}) / count by (platform_component) (up{platform_target!=""})`,
                            legend: "{{platform_component}}",
                        },
                    ],
                    thresholds: [{ value: null, color: red }, { value: 0.99, color: green }],
                },
                {
                    title: "Firing alerts",
                    type: "table",
                    width: 12,
                    height: 4,
                    queries: [{ expr: `sum by (alertname, severity, namespace) (ALERTS{alertstate="firing"})` }],
                },
            ],
        },
    ];
    // At most six headline stats per row.
    for (let i = 0; i < headlines.length; i += 6) rows.push({ title: i === 0 ? "Components" : undefined, panels: headlines.slice(i, i + 6) });
    rows.push(
        {
            title: "Resources",
            panels: [
                {
                    title: "CPU by namespace",
                    type: "timeseries",
                    queries: [{ expr: `sum by (namespace) (rate(container_cpu_usage_seconds_total{namespace=~${ns}, container!=""}[5m]))`, legend: "{{namespace}}" }],
                },
                {
                    title: "Memory working set by namespace",
                    type: "timeseries",
                    unit: "bytes",
                    queries: [{ expr: `sum by (namespace) (container_memory_working_set_bytes{namespace=~${ns}, container!=""})`, legend: "{{namespace}}" }],
                },
            ],
        },
        {
            panels: [
                {
                    title: "PVC usage",
                    type: "timeseries",
                    unit: "percentunit",
                    queries: [
                        {
                            expr: `max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{namespace=~${ns}} / kubelet_volume_stats_capacity_bytes{namespace=~${ns}})`,
                            legend: "{{namespace}}/{{persistentvolumeclaim}}",
                        },
                    ],
                    thresholds: [{ value: null, color: green }, { value: 0.85, color: orange }, { value: 0.95, color: red }],
                },
                {
                    title: "Container restarts (1h)",
                    type: "timeseries",
                    queries: [{ expr: `sum by (namespace) (increase(kube_pod_container_status_restarts_total{namespace=~${ns}}[1h]))`, legend: "{{namespace}}" }],
                },
            ],
        },
    );
    return {
        uid: "mlp-overview",
        title: "ML platform / Overview",
        description: "Health of every platform component, firing alerts, and the resources of the platform namespaces.",
        rows,
    };
}


export function platformDashboards(ctx: DashboardContext): Dashboard[] {
    const byName = new Map(ctx.targets.map((t) => [t.name, t]));
    const specs: [string, DashboardSpec][] = [["overview", overview(ctx, byName)]];
    if (byName.has("kafka")) specs.push(["kafka-cdc", kafkaCdc(ctx.cdcTopicPattern, byName)]);
    const trino = byName.get("trino");
    if (trino) specs.push(["trino", trinoDashboard(trino)]);
    const airflow = byName.get("airflow-statsd");
    if (airflow) specs.push(["airflow", airflowDashboard(airflow)]);
    const kserve = byName.get("kserve-models");
    if (kserve) specs.push(["serving", servingDashboard(kserve)]);
    return specs.map(([name, spec]) => ({ name, json: dashboardJson(spec) }));
}
