/** What Monitoring scrapes and alerts on for single sign-on: oauth2-proxy's metrics and, on dev, Dex's telemetry. */
import { AlertGroup, ruleOf as rule, targetSelector } from "../monitoring/rules";
import type { ScrapeTarget } from "../monitoring/scrape";
import type { MonitoringSource } from "../monitoring/source";
import { DEX, DEX_PODS, OAUTH2_PROXY, OAUTH2_PROXY_PODS } from "./spec";

/** oauth2-proxy v7's request metrics (pkg/middleware/metrics.go): `oauth2_proxy_requests_total{code}`. */
export const oauth2ProxyMetrics = ["oauth2_proxy_requests_total", "oauth2_proxy_response_duration_seconds_bucket"] as const;
/** Dex's HTTP metrics on its telemetry port (server/server.go): `http_requests_total{code,method,handler}`. */
export const dexMetrics = ["http_requests_total", "request_duration_seconds_bucket"] as const;

export function identityMonitoring(namespace: string, opts: { dex: boolean }): MonitoringSource {
    const proxy: ScrapeTarget = {
        component: "identity",
        name: "oauth2-proxy",
        namespace,
        kind: "ServiceMonitor",
        // The chart's Service carries the selector labels and serves `metrics` (44180) beside `http`.
        selector: { matchLabels: { ...OAUTH2_PROXY_PODS } },
        port: "metrics",
        portNumber: OAUTH2_PROXY.metricsPort,
        path: "/metrics",
        interval: "30s",
        metrics: oauth2ProxyMetrics,
    };
    const dex: ScrapeTarget = {
        component: "identity",
        name: "dex",
        namespace,
        kind: "ServiceMonitor",
        // The chart's Service serves `telemetry` (5558): /metrics and the health checks.
        selector: { matchLabels: { ...DEX_PODS } },
        port: "telemetry",
        portNumber: DEX.telemetryPort,
        path: "/metrics",
        interval: "30s",
        metrics: dexMetrics,
    };
    const targets = opts.dex ? [proxy, dex] : [proxy];
    return {
        targets,
        alertGroups: [identityGroup(proxy, opts.dex ? dex : undefined)],
        headlines: [
            { title: "SSO checks/s", type: "stat", unit: "reqps", queries: [{ expr: `sum(rate(oauth2_proxy_requests_total${targetSelector(proxy)}[5m]))` }] },
        ],
    };
}

function identityGroup(proxy: ScrapeTarget, dex?: ScrapeTarget): AlertGroup {
    const ratio = (metric: string, t: ScrapeTarget) =>
        `sum(rate(${metric}${targetSelector(t, ', code=~"5.."')}[5m])) / sum(rate(${metric}${targetSelector(t)}[5m])) > 0.05`;
    return {
        name: "ml-platform.identity",
        rules: [
            rule(
                "identity",
                "SsoProxyErrors",
                "critical",
                "10m",
                ratio("oauth2_proxy_requests_total", proxy),
                "oauth2-proxy answers {{ $value | humanizePercentage }} of checks with 5xx",
                "More than 5% of the forward-auth checks in front of the UIs have failed for 10 minutes: users cannot reach Trino, Prometheus, MLflow and the other proxied UIs.",
                "kubectl -n ml-identity logs -l app.kubernetes.io/name=oauth2-proxy; a 5xx on the callback is usually the issuer unreachable (NetworkPolicy egress, DNS) or a wrong client secret.",
            ),
            ...(dex
                ? [
                      rule(
                          "identity",
                          "DexErrors",
                          "warning",
                          "10m",
                          ratio("http_requests_total", dex),
                          "Dex answers {{ $value | humanizePercentage }} of requests with 5xx",
                          "More than 5% of requests to Dex have failed for 10 minutes: logins on the dev platform fail.",
                          "kubectl -n ml-identity logs -l app.kubernetes.io/name=dex; check its config Secret dex-config.",
                      ),
                  ]
                : []),
        ],
    };
}
