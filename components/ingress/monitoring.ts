/** What Monitoring scrapes and alerts on for the ingress: Traefik's Prometheus metrics. */
import type { MonitoringSource } from "../monitoring/source";
import { ruleOf as alertRule } from "../monitoring/rules";
import { TRAEFIK_PODS } from "./spec";

/** The chart's `metrics` entry point (port 9100, not exposed by the Service): a PodMonitor on Traefik's pods. */
export function traefikMonitoring(namespace: string): MonitoringSource {
    const requests = "traefik_service_requests_total";
    return {
        targets: [
            {
                component: "ingress",
                name: "traefik",
                namespace,
                kind: "PodMonitor",
                selector: { matchLabels: { ...TRAEFIK_PODS } },
                port: "metrics",
                portNumber: 9100,
                path: "/metrics",
                interval: "30s",
                metrics: [requests],
            },
        ],
        alertGroups: [
            {
                name: "ml-platform.ingress",
                rules: [
                    alertRule(
                        "ingress",
                        "IngressServiceErrors",
                        "warning",
                        "10m",
                        `sum by (service) (rate(${requests}{platform_target="traefik", code=~"5.."}[5m])) / sum by (service) (rate(${requests}{platform_target="traefik"}[5m])) > 0.05 and sum by (service) (rate(${requests}{platform_target="traefik"}[5m])) > 0.1`,
                        "More than 5% of requests to {{ $labels.service }} fail",
                        "{{ $value | humanizePercentage }} of the requests Traefik routed to {{ $labels.service }} in the last 5 minutes got a 5xx answer.",
                        "kubectl -n ml-ingress logs -l app.kubernetes.io/name=traefik; then the backend's pods and log (a 502/504 is Traefik not reaching it: NetworkPolicy, readiness, the Service's port).",
                    ),
                ],
            },
        ],
    };
}
