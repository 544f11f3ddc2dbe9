/**
 * Monitoring's own alert rules, as PrometheusRule groups: the Kubernetes group (PVCs, crash loops) and the
 * scrape-health group, which apply whatever is scraped. Components publish their groups in their `MonitoringSource`.
 * Every rule carries `severity` and `platform_component` labels and `summary`, `description` and `runbook` annotations.
 */
import { AlertGroup, AlertThresholds, ruleOf as rule } from "./rules";

export { defaultAlertThresholds, promString } from "./rules";
export type { AlertGroup, AlertRule, AlertThresholds, Severity } from "./rules";

function kubernetesGroup(t: AlertThresholds): AlertGroup {
    const free = "kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes";
    const runbookBase = "https://runbooks.prometheus-operator.dev/runbooks/kubernetes";
    return {
        name: "ml-platform.kubernetes",
        rules: [
            rule(
                "kubernetes",
                "PersistentVolumeNearlyFull",
                "warning",
                "10m",
                `(${free}) < ${t.pvcFreeWarningRatio} and kubelet_volume_stats_used_bytes > 0`,
                "PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is nearly full",
                `Only {{ $value | humanizePercentage }} of PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is free (threshold ${t.pvcFreeWarningRatio * 100}%).`,
                "Find what grows (Kafka log retention, Prometheus TSDB, Postgres WAL held by a replication slot, MinIO objects); expand the PVC (allowVolumeExpansion storage classes) or cut retention before it fills.",
                `${runbookBase}/kubepersistentvolumefillingup`,
            ),
            rule(
                "kubernetes",
                "PersistentVolumeCriticallyFull",
                "critical",
                "2m",
                `(${free}) < ${t.pvcFreeCriticalRatio} and kubelet_volume_stats_used_bytes > 0`,
                "PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is about to fill up",
                `Only {{ $value | humanizePercentage }} of PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is free; writes fail when it reaches 0.`,
                "Expand the PVC now (kubectl patch pvc ... spec.resources.requests.storage) or free space; a full Kafka or Postgres volume stops the service.",
                `${runbookBase}/kubepersistentvolumefillingup`,
            ),
            rule(
                "kubernetes",
                "PodCrashLooping",
                "warning",
                "15m",
                `max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1`,
                "Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash looping",
                "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been in CrashLoopBackOff for 15 minutes.",
                "kubectl -n <namespace> logs <pod> -c <container> --previous; check OOMKilled in kubectl describe pod, missing Secrets/ConfigMaps, and failing dependencies (Postgres, MinIO, Kafka).",
                `${runbookBase}/kubepodcrashlooping`,
            ),
        ],
    };
}

function scrapeHealthGroup(): AlertGroup {
    return {
        name: "ml-platform.scrape",
        rules: [
            rule(
                "monitoring",
                "PlatformMetricsEndpointDown",
                "warning",
                "10m",
                `sum by (platform_component, platform_target, namespace) (up{platform_target!=""}) == 0`,
                "No {{ $labels.platform_target }} metrics endpoint in {{ $labels.namespace }} can be scraped",
                "Every target of {{ $labels.platform_target }} ({{ $labels.platform_component }}) has failed its scrape for 10 minutes: the service is down or its metrics endpoint changed.",
                "Open Prometheus /targets for the scrape error; check the pods are running, the metrics port and path still match the monitor, and that a NetworkPolicy allows the monitoring namespace in.",
            ),
        ],
    };
}

/** Monitoring's own groups, which apply to any platform. */
export function monitoringAlertGroups(thresholds: AlertThresholds): AlertGroup[] {
    return [kubernetesGroup(thresholds), scrapeHealthGroup()];
}

/** The PrometheusRule object holding `groups`. */
export function prometheusRuleManifest(groups: readonly AlertGroup[], opts: { name: string; namespace: string; labels: Record<string, string> }) {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: opts.name, namespace: opts.namespace, labels: opts.labels },
        spec: { groups },
    };
}
