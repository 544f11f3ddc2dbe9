/** What Monitoring scrapes, alerts on and draws for Airflow: the official chart's statsd exporter. */
import { dashboard, DashboardSpec, green, orange, red } from "../monitoring/grafana";
import { AlertGroup, ruleOf as rule, targetSelector, targetSelector as sel } from "../monitoring/rules";
import type { ScrapeTarget } from "../monitoring/scrape";
import type { MonitoringSource } from "../monitoring/source";
import { airflowNames } from "./values";

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

export function orchestratorMonitoring(namespace: string): MonitoringSource {
    const airflow: ScrapeTarget = {
        component: "orchestrator",
        name: "airflow-statsd",
        namespace,
        kind: "ServiceMonitor",
        selector: { matchLabels: { tier: "airflow", component: "statsd", release: airflowNames.release } },
        port: "statsd-scrape",
        portNumber: 9102,
        path: "/metrics",
        interval: "30s",
        metrics: airflowMetrics,
    };
    return {
        targets: [airflow],
        alertGroups: [orchestratorGroup(airflow)],
        dashboards: [dashboard("airflow", airflowDashboard(airflow))],
        headlines: [
            {
                title: "Airflow scheduler heartbeats/s",
                type: "stat",
                queries: [{ expr: `sum(rate(airflow_scheduler_heartbeat${sel(airflow)}[5m]))` }],
                thresholds: [{ value: null, color: red }, { value: 0.01, color: green }],
            },
        ],
    };
}

function orchestratorGroup(target: ScrapeTarget): AlertGroup {
    const sel = targetSelector(target);
    return {
        name: "ml-platform.orchestrator",
        rules: [
            rule(
                "orchestrator",
                "AirflowSchedulerHeartbeatMissing",
                "critical",
                "5m",
                `sum by (namespace) (rate(airflow_scheduler_heartbeat${sel}[5m])) == 0 or absent(airflow_scheduler_heartbeat${sel})`,
                "Airflow scheduler heartbeat is missing",
                "No Airflow scheduler has sent a heartbeat for 5 minutes: no DAG runs or tasks are being scheduled.",
                "kubectl -n <airflow namespace> get pods -l component=scheduler; read the scheduler log (database connectivity, DAG parsing stalls); check the statsd exporter pod is up.",
            ),
            rule(
                "orchestrator",
                "AirflowDagImportErrors",
                "warning",
                "15m",
                `max by (namespace) (airflow_dag_processing_import_errors${sel}) > 0`,
                "Airflow has DAG import errors",
                "{{ $value }} DAG files fail to import: their DAGs are not scheduled.",
                "Open Browse → DAG import errors in the Airflow UI, or airflow dags list-import-errors in the scheduler pod.",
            ),
        ],
    };
}

function airflowDashboard(airflow: ScrapeTarget): DashboardSpec {
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
