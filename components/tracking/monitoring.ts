/** What Monitoring scrapes and alerts on for MLflow: the tracking server's metrics sidecar. */
import { AlertGroup, ruleOf as rule, targetSelector } from "../monitoring/rules";
import type { ScrapeTarget } from "../monitoring/scrape";
import type { MonitoringSource } from "../monitoring/source";
import { METRICS_PORT } from "./spec";

/**
 * MLflow tracking server started with `--expose-prometheus` (prometheus-flask-exporter with `defaults_prefix`
 * "mlflow"; MLflow docs "Monitoring": mlflow_http_request_total, mlflow_http_request_duration_seconds histogram).
 */
export const mlflowMetrics = [
    "mlflow_http_request_total",
    "mlflow_http_request_duration_seconds_bucket",
    "mlflow_http_request_exceptions_total",
] as const;

export function trackingMonitoring(namespace: string): MonitoringSource {
    const mlflow: ScrapeTarget = {
        component: "tracking",
        name: "mlflow",
        namespace,
        kind: "ServiceMonitor",
        // The workers' multiprocess metrics on their own port: /metrics on the API port sits behind basic auth.
        selector: { matchLabels: { "app.kubernetes.io/name": "mlflow" } },
        port: "metrics",
        portNumber: METRICS_PORT,
        path: "/metrics",
        interval: "30s",
        metrics: mlflowMetrics,
    };
    return {
        targets: [mlflow],
        alertGroups: [trackingGroup(mlflow)],
        headlines: [{ title: "MLflow requests/s", type: "stat", unit: "reqps", queries: [{ expr: `sum(rate(mlflow_http_request_total${targetSelector(mlflow)}[5m]))` }] }],
    };
}

function trackingGroup(target: ScrapeTarget): AlertGroup {
    const sel = (extra = "") => targetSelector(target, extra);
    return {
        name: "ml-platform.tracking",
        rules: [
            rule(
                "tracking",
                "MlflowServerErrors",
                "warning",
                "10m",
                `sum by (namespace) (rate(mlflow_http_request_total${sel(', status=~"5.."')}[5m])) / sum by (namespace) (rate(mlflow_http_request_total${sel()}[5m])) > 0.05`,
                "MLflow answers {{ $value | humanizePercentage }} of requests with 5xx",
                "More than 5% of MLflow tracking requests have failed for 10 minutes: runs and models are not being logged.",
                "Read the MLflow server log; check its Postgres backend store and artifact store credentials.",
            ),
        ],
    };
}
