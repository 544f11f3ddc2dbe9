/** What Monitoring scrapes, alerts on and draws for the notebooks: JupyterHub's own metrics at `/hub/metrics`. */
import { dashboard, DashboardSpec } from "../monitoring/grafana";
import { AlertGroup, ruleOf as rule, targetSelector } from "../monitoring/rules";
import type { ScrapeTarget } from "../monitoring/scrape";
import type { MonitoringSource } from "../monitoring/source";
import { COMPONENT, HUB_PORT, hubPods } from "./spec";

/**
 * Names from jupyterhub/jupyterhub 5.5.0 `jupyterhub/metrics.py` (prefix `jupyterhub_`). The hub serves them at
 * `/hub/metrics`, which asks for a token unless `JupyterHub.authenticate_prometheus` is false: the values set it
 * false, and only the monitoring namespace may reach the hub's port.
 */
export const hubMetrics = [
    "jupyterhub_request_duration_seconds_bucket",
    "jupyterhub_request_duration_seconds_count",
    "jupyterhub_server_spawn_duration_seconds_bucket",
    "jupyterhub_server_spawn_duration_seconds_count",
    "jupyterhub_running_servers",
    "jupyterhub_total_users",
    "jupyterhub_active_users",
] as const;

export function notebooksMonitoring(namespace: string): MonitoringSource {
    const hub: ScrapeTarget = {
        component: COMPONENT,
        name: "jupyterhub",
        namespace,
        kind: "PodMonitor",
        selector: { matchLabels: { ...hubPods } },
        port: "http",
        portNumber: HUB_PORT,
        path: "/hub/metrics",
        interval: "30s",
        metrics: hubMetrics,
    };
    const s = (extra = "") => targetSelector(hub, extra);
    const group: AlertGroup = {
        name: "ml-platform.notebooks",
        rules: [
            rule(
                COMPONENT,
                "JupyterHubDown",
                "critical",
                "5m",
                `absent(up${s()} == 1)`,
                "JupyterHub's hub cannot be scraped",
                "The JupyterHub hub has not answered a scrape for 5 minutes: nobody can log in or start a server (running servers keep working through the proxy).",
                `kubectl -n ${namespace} get pods -l component=hub; read the hub log (kubectl -n ${namespace} logs deploy/hub): a database or OIDC issuer it cannot reach stops it at start.`,
            ),
            rule(
                COMPONENT,
                "JupyterHubSpawnFailures",
                "warning",
                "15m",
                `sum(rate(jupyterhub_server_spawn_duration_seconds_count${s(', status="failure"')}[15m])) > 0`,
                "User servers fail to start",
                "At least one user server has failed to start in the last 15 minutes: its pod was not scheduled, its image not pulled, or its volume not bound in time.",
                `kubectl -n ${namespace} get pods,pvc -l component=singleuser-server and kubectl -n ${namespace} get events; a GPU profile needs a free GPU node, a large one room on a node.`,
            ),
        ],
    };
    return {
        targets: [hub],
        alertGroups: [group],
        dashboards: [dashboard(COMPONENT, notebooksDashboard(hub))],
        headlines: [{ title: "Notebook servers running", type: "stat", unit: "short", queries: [{ expr: `sum(jupyterhub_running_servers${s()})` }] }],
    };
}

function notebooksDashboard(hub: ScrapeTarget): DashboardSpec {
    const s = (extra = "") => targetSelector(hub, extra);
    return {
        uid: "mlp-notebooks",
        title: "ML platform / Notebooks",
        description: "JupyterHub: users, running servers, spawn times and failures, and the hub's request latency.",
        tags: ["jupyterhub", "notebooks"],
        rows: [
            {
                panels: [
                    { title: "Hub up", type: "stat", unit: "short", queries: [{ expr: `sum(up${s()})` }] },
                    { title: "Running servers", type: "stat", unit: "short", queries: [{ expr: `sum(jupyterhub_running_servers${s()})` }] },
                    { title: "Users", type: "stat", unit: "short", queries: [{ expr: `sum(jupyterhub_total_users${s()})` }] },
                    { title: "Active users (24h)", type: "stat", unit: "short", queries: [{ expr: `sum(jupyterhub_active_users${s(', period="24h"')})` }] },
                ],
            },
            {
                title: "Spawns",
                panels: [
                    {
                        title: "Spawns by outcome",
                        type: "timeseries",
                        unit: "short",
                        queries: [{ expr: `sum by (status) (increase(jupyterhub_server_spawn_duration_seconds_count${s()}[15m]))`, legend: "{{status}}" }],
                    },
                    {
                        title: "Spawn time p90",
                        type: "timeseries",
                        unit: "s",
                        queries: [{ expr: `histogram_quantile(0.9, sum by (le) (rate(jupyterhub_server_spawn_duration_seconds_bucket${s(', status="success"')}[30m])))` }],
                    },
                ],
            },
            {
                title: "Hub API",
                panels: [
                    { title: "Requests/s by code", type: "timeseries", unit: "reqps", queries: [{ expr: `sum by (code) (rate(jupyterhub_request_duration_seconds_count${s()}[5m]))`, legend: "{{code}}" }] },
                    {
                        title: "Request latency p99",
                        type: "timeseries",
                        unit: "s",
                        queries: [{ expr: `histogram_quantile(0.99, sum by (le) (rate(jupyterhub_request_duration_seconds_bucket${s()}[5m])))` }],
                    },
                ],
            },
        ],
    };
}
