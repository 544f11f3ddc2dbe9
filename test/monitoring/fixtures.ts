import { certManagerMonitoring } from "../../components/certmanager/monitoring";
import { traefikMonitoring } from "../../components/ingress/monitoring";
import { lakehouseMonitoring } from "../../components/lakehouse/monitoring";
import { defaultAlertThresholds } from "../../components/monitoring/alerts";
import { kubernetesMetrics, syntheticMetrics } from "../../components/monitoring/metrics";
import { postgresSource } from "../../components/monitoring/postgresSource";
import { ScrapeTarget } from "../../components/monitoring/scrape";
import { MonitoringSource } from "../../components/monitoring/source";
import { orchestratorMonitoring } from "../../components/orchestrator/monitoring";
import { PostgresFlavor } from "../../components/postgres/types";
import { servingMonitoring } from "../../components/serving/monitoring";
import { minioMonitoring } from "../../components/storage/monitoring";
import { planStreaming } from "../../components/streaming/config";
import { streamingMonitoring } from "../../components/streaming/monitoring";
import { trackingMonitoring } from "../../components/tracking/monitoring";
import { fakePostgres as sharedFakePostgres, FakePostgres } from "../fakes";
import { analyzePromql } from "./promql";

export type { FakePostgres };

/** The shared Postgres fake (test/fakes.ts): records the databases asked for and hands back a connection per request. */
export function fakePostgres(flavor: PostgresFlavor): FakePostgres {
    return sharedFakePostgres(flavor, { host: "postgres.ml-postgres.svc.cluster.local", secretName: (db) => `${db}-db` });
}

/** A streaming plan with CDC from the in-cluster Postgres (so Kafka Connect runs) and the Flink operator. */
export const streamingPlanWithCdc = () =>
    planStreaming("streaming", {
        environment: "dev",
        cdc: { postgres: fakePostgres("in-cluster"), connectors: [{ name: "source", tables: ["public.orders"] }], image: { type: "in-cluster-registry" } },
    });

/** Every component's source, with the namespaces the stack composition uses, plus Monitoring's own postgres-exporter. */
export function platformSources(): Record<string, MonitoringSource> {
    return {
        postgres: postgresSource("ml-monitoring", { matchLabels: { "app.kubernetes.io/name": "postgres-exporter" } }, defaultAlertThresholds),
        certManager: certManagerMonitoring("cert-manager"),
        ingress: traefikMonitoring("ml-ingress"),
        storage: minioMonitoring("ml-storage"),
        lakehouse: lakehouseMonitoring("ml-lakehouse"),
        streaming: streamingMonitoring(streamingPlanWithCdc(), { sourceSlots: true }),
        orchestrator: orchestratorMonitoring("ml-orchestrator"),
        tracking: trackingMonitoring("ml-tracking"),
        serving: servingMonitoring({ namespace: "ml-serving", controllerNamespace: "kserve" }),
    };
}

/** Metric names a query may use when `targets` are scraped. */
export function knownMetrics(targets: readonly ScrapeTarget[]): Set<string> {
    return new Set<string>([...targets.flatMap((t) => t.metrics), ...kubernetesMetrics, ...syntheticMetrics]);
}

/**
 * Selectors of a component's metric that do not match on `platform_target`: such a query would also count series
 * from any other monitor scraping the same pods (components may ship their own), doubling sums.
 */
export function unscopedSelectors(expr: string, targets: readonly ScrapeTarget[]): string[] {
    const platformOnly = new Set<string>(kubernetesMetrics);
    const componentMetrics = new Set(targets.flatMap((t) => t.metrics).filter((m) => !platformOnly.has(m)));
    return analyzePromql(expr)
        .selectors.filter((s) => componentMetrics.has(s.metric) && !s.labels.includes("platform_target"))
        .map((s) => s.metric);
}
