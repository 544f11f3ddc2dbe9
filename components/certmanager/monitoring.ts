/** What Monitoring scrapes and alerts on for cert-manager: the controller's certificate metrics. */
import type { MonitoringSource } from "../monitoring/source";
import { ruleOf as alertRule } from "../monitoring/rules";

const DAY = 86_400;

/** The chart's metrics Service (`prometheus.enabled`, the default): controller pods, port 9402. */
export function certManagerMonitoring(namespace: string): MonitoringSource {
    const runbook = "kubectl get certificate -A; kubectl describe certificate -n <namespace> <name>; then the CertificateRequest and Order it names, and the cert-manager controller's log.";
    // Scoped to this target, like every platform rule: another monitor of the same pods must not double the series.
    const expiry = `certmanager_certificate_expiration_timestamp_seconds{platform_target="cert-manager"} - time()`;
    return {
        targets: [
            {
                component: "cert-manager",
                name: "cert-manager",
                namespace,
                kind: "ServiceMonitor",
                selector: { matchLabels: { "app.kubernetes.io/name": "cert-manager", "app.kubernetes.io/component": "controller" } },
                port: "tcp-prometheus-servicemonitor",
                portNumber: 9402,
                path: "/metrics",
                interval: "60s",
                metrics: ["certmanager_certificate_ready_status", "certmanager_certificate_expiration_timestamp_seconds"],
            },
        ],
        alertGroups: [
            {
                name: "ml-platform.cert-manager",
                rules: [
                    alertRule(
                        "cert-manager",
                        "CertificateNotReady",
                        "warning",
                        "15m",
                        `max by (namespace, name) (certmanager_certificate_ready_status{platform_target="cert-manager", condition="False"}) == 1`,
                        "Certificate {{ $labels.namespace }}/{{ $labels.name }} is not ready",
                        "cert-manager has not issued or renewed {{ $labels.namespace }}/{{ $labels.name }} for 15 minutes: the UI behind it serves an old or no certificate.",
                        runbook,
                    ),
                    alertRule(
                        "cert-manager",
                        "CertificateExpiringSoon",
                        "warning",
                        "1h",
                        `(${expiry}) < ${14 * DAY}`,
                        "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires within 14 days",
                        "cert-manager renews 30 days before expiry by default; a certificate this close to expiry was not renewed. It expires in {{ $value | humanizeDuration }}.",
                        runbook,
                    ),
                    alertRule(
                        "cert-manager",
                        "CertificateExpiresInDays",
                        "critical",
                        "10m",
                        `(${expiry}) < ${3 * DAY}`,
                        "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires within 3 days",
                        "Browsers and clients will refuse {{ $labels.namespace }}/{{ $labels.name }} in {{ $value | humanizeDuration }}.",
                        runbook,
                    ),
                ],
            },
        ],
    };
}
