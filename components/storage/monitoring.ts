/** What Monitoring scrapes and alerts on for the in-cluster MinIO (GCS and ADLS are monitored by their cloud). */
import { green, orange, red } from "../monitoring/grafana";
import { AlertGroup, ruleOf as rule, targetSelector } from "../monitoring/rules";
import type { ScrapeTarget } from "../monitoring/scrape";
import type { MonitoringSource } from "../monitoring/source";
import { MINIO_API_PORT } from "./minioSpec";

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

/** MinIO's v2 cluster endpoint on its S3 port (served without auth: `MINIO_PROMETHEUS_AUTH_TYPE=public`). */
export function minioMonitoring(namespace: string): MonitoringSource {
    const minio: ScrapeTarget = {
        component: "storage",
        name: "minio",
        namespace,
        kind: "ServiceMonitor",
        selector: { matchLabels: { "app.kubernetes.io/name": "minio" } },
        port: "s3",
        portNumber: MINIO_API_PORT,
        path: "/minio/v2/metrics/cluster",
        interval: "30s",
        metrics: minioMetrics,
    };
    const sel = targetSelector(minio);
    return {
        targets: [minio],
        alertGroups: [storageGroup(minio)],
        headlines: [
            {
                title: "MinIO free capacity",
                type: "stat",
                unit: "percentunit",
                queries: [{ expr: `min(minio_cluster_capacity_usable_free_bytes${sel} / minio_cluster_capacity_usable_total_bytes${sel})` }],
                thresholds: [{ value: null, color: red }, { value: 0.1, color: orange }, { value: 0.25, color: green }],
            },
        ],
    };
}

function storageGroup(target: ScrapeTarget): AlertGroup {
    const sel = targetSelector(target);
    return {
        name: "ml-platform.storage",
        rules: [
            rule(
                "storage",
                "MinioNodesOffline",
                "critical",
                "5m",
                `max by (namespace) (minio_cluster_nodes_offline_total${sel}) > 0`,
                "MinIO has offline nodes",
                "{{ $value }} MinIO nodes are offline in {{ $labels.namespace }}.",
                "kubectl -n <storage namespace> get pods -l app.kubernetes.io/name=minio; check the pod log and its PVC.",
            ),
            rule(
                "storage",
                "MinioCapacityLow",
                "warning",
                "30m",
                `min by (namespace) (minio_cluster_capacity_usable_free_bytes${sel} / minio_cluster_capacity_usable_total_bytes${sel}) < 0.1`,
                "MinIO has less than 10% usable capacity left",
                "Only {{ $value | humanizePercentage }} of MinIO's usable capacity is free in {{ $labels.namespace }}.",
                "Expire old objects (bucket lifecycle rules for raw/bronze data, MLflow artifacts) or expand the MinIO volume.",
            ),
        ],
    };
}
