/**
 * Monitoring's own dashboard: the overview (health of every scraped target, firing alerts, each source's headline
 * stats, and the resources of the platform namespaces). Components ship their own dashboards in their
 * `MonitoringSource`, built with the helpers in `grafana.ts`.
 */
import { Dashboard, dashboard, DashboardSpec, green, orange, PanelSpec, red, RowSpec } from "./grafana";
import { promString } from "./rules";

export type { Dashboard } from "./grafana";

export interface DashboardContext {
    /** Namespaces of the platform's workloads (resource panels). */
    readonly namespaces: readonly string[];
    /** The sources' headline stats, in source order. */
    readonly headlines: readonly PanelSpec[];
}

const nsRegex = (namespaces: readonly string[]) => promString([...new Set(namespaces)].sort().join("|"));

function overview(ctx: DashboardContext): DashboardSpec {
    const ns = nsRegex(ctx.namespaces);
    const headlines = ctx.headlines;
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

/** The overview dashboard. */
export function overviewDashboard(ctx: DashboardContext): Dashboard {
    return dashboard("overview", overview(ctx));
}
