/** What Monitoring scrapes and alerts on for compute: the Spark operator's application counters, KubeRay and Ray. */
import { dashboard, DashboardSpec, green, orange, red } from "../monitoring/grafana";
import { AlertGroup, ruleOf as rule, targetSelector } from "../monitoring/rules";
import type { ScrapeTarget } from "../monitoring/scrape";
import type { MonitoringSource } from "../monitoring/source";
import { KUBERAY_METRICS_PORT, kuberayPods, RAY_CLUSTER_NAME, RAY_METRICS_PORT, SPARK_OPERATOR_METRICS_PORT, sparkOperatorPods } from "./spec";

/** Names from kubeflow/spark-operator v2.5.2 internal/metrics (no prefix set). */
export const sparkOperatorMetrics = ["spark_application_failure_count", "spark_application_success_count", "spark_application_running_count", "spark_application_submit_count"] as const;
/** Names from ray-project/kuberay v1.7.0 ray-operator/controllers/ray/metrics. */
export const kuberayMetrics = ["kuberay_cluster_condition_provisioned", "kuberay_cluster_info"] as const;
/** Ray's own node metrics on the head's metrics-export-port. */
export const rayMetrics = ["ray_node_cpu_utilization", "ray_node_mem_used"] as const;

export function computeMonitoring(namespace: string, jobsNamespace: string, rayCluster: boolean): MonitoringSource {
    const spark: ScrapeTarget = {
        component: "compute",
        name: "spark-operator",
        namespace,
        kind: "PodMonitor",
        selector: { matchLabels: sparkOperatorPods("controller") },
        port: "metrics",
        portNumber: SPARK_OPERATOR_METRICS_PORT,
        path: "/metrics",
        interval: "30s",
        metrics: sparkOperatorMetrics,
    };
    const kuberay: ScrapeTarget = {
        component: "compute",
        name: "kuberay-operator",
        namespace,
        kind: "PodMonitor",
        selector: { matchLabels: kuberayPods },
        port: "http",
        portNumber: KUBERAY_METRICS_PORT,
        path: "/metrics",
        interval: "30s",
        metrics: kuberayMetrics,
    };
    const ray: ScrapeTarget = {
        component: "compute",
        name: "ray",
        namespace: jobsNamespace,
        kind: "PodMonitor",
        // Head and workers alike export on the metrics port.
        selector: { matchLabels: { "ray.io/cluster": RAY_CLUSTER_NAME } },
        port: "metrics",
        portNumber: RAY_METRICS_PORT,
        path: "/metrics",
        interval: "30s",
        metrics: rayMetrics,
    };
    const targets = rayCluster ? [spark, kuberay, ray] : [spark, kuberay];
    const groups: AlertGroup[] = [
        {
            name: "ml-platform.compute",
            rules: [
                rule(
                    "compute",
                    "SparkApplicationFailed",
                    "warning",
                    "0m",
                    `sum by (namespace) (increase(spark_application_failure_count${targetSelector(spark)}[15m])) > 0`,
                    "{{ $value }} Spark application(s) failed in the last 15 minutes",
                    "A SparkApplication ended in FAILED: the job's output is missing or stale.",
                    "kubectl get sparkapplications -n " + jobsNamespace + "; read the driver log of the failed application.",
                ),
                rule(
                    "compute",
                    "RayClusterNotProvisioned",
                    "critical",
                    "15m",
                    `max by (name, namespace) (kuberay_cluster_condition_provisioned${targetSelector(kuberay, ', condition="false"')}) > 0`,
                    "Ray cluster {{ $labels.name }} has not been provisioned for 15 minutes",
                    "KubeRay could not bring up every pod of the Ray cluster: jobs submitted to it wait or fail.",
                    "kubectl describe raycluster -n " + jobsNamespace + "; check the head pod's events (image pull, scheduling, quota).",
                ),
            ],
        },
    ];
    return {
        targets,
        alertGroups: groups,
        dashboards: [dashboard("compute", computeDashboard(spark, kuberay, rayCluster ? ray : undefined))],
        headlines: [{ title: "Spark failures (24h)", type: "stat", unit: "short", queries: [{ expr: `sum(increase(spark_application_failure_count${targetSelector(spark)}[24h]))` }] }],
    };
}

/** Spark applications by outcome, the Ray clusters KubeRay manages, and (with a standing cluster) Ray's nodes. */
function computeDashboard(spark: ScrapeTarget, kuberay: ScrapeTarget, ray?: ScrapeTarget): DashboardSpec {
    const s = targetSelector(spark);
    const k = targetSelector(kuberay);
    return {
        uid: "mlp-compute",
        title: "ML platform / Compute",
        description: "Spark applications from the Spark operator's counters, Ray clusters from KubeRay, and Ray's node metrics.",
        tags: ["spark", "ray", "compute"],
        rows: [
            {
                panels: [
                    { title: "Spark applications running", type: "stat", queries: [{ expr: `sum(spark_application_running_count${s})` }] },
                    { title: "Spark failures (24h)", type: "stat", queries: [{ expr: `sum(increase(spark_application_failure_count${s}[24h]))` }], thresholds: [{ value: null, color: green }, { value: 1, color: orange }] },
                    { title: "Ray clusters not provisioned", type: "stat", queries: [{ expr: `sum(kuberay_cluster_condition_provisioned${targetSelector(kuberay, ', condition="false"')})` }], thresholds: [{ value: null, color: green }, { value: 1, color: red }] },
                    { title: "Ray clusters", type: "stat", queries: [{ expr: `count(kuberay_cluster_info${k})` }] },
                ],
            },
            {
                panels: [
                    {
                        title: "Spark applications finished/h",
                        type: "timeseries",
                        queries: [
                            { expr: `sum(increase(spark_application_submit_count${s}[1h]))`, legend: "submitted" },
                            { expr: `sum(increase(spark_application_success_count${s}[1h]))`, legend: "succeeded" },
                            { expr: `sum(increase(spark_application_failure_count${s}[1h]))`, legend: "failed" },
                        ],
                    },
                    ...(ray
                        ? [
                              {
                                  title: "Ray node CPU utilization (%)",
                                  type: "timeseries" as const,
                                  queries: [{ expr: `avg by (instance) (ray_node_cpu_utilization${targetSelector(ray)})`, legend: "{{instance}}" }],
                              },
                              {
                                  title: "Ray node memory used",
                                  type: "timeseries" as const,
                                  unit: "bytes",
                                  queries: [{ expr: `sum by (instance) (ray_node_mem_used${targetSelector(ray)})`, legend: "{{instance}}" }],
                              },
                          ]
                        : []),
                ],
            },
        ],
    };
}
