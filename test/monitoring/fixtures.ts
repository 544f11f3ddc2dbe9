import { MonitoredPlatform } from "../../components/monitoring/catalog";
import { kubernetesMetrics, syntheticMetrics } from "../../components/monitoring/metrics";
import { ScrapeTarget } from "../../components/monitoring/scrape";
import { analyzePromql } from "./promql";
import { PostgresFlavor } from "../../components/postgres/types";
import { fakePostgres as sharedFakePostgres, FakePostgres } from "../fakes";

export type { FakePostgres };

/** Every component enabled, with the namespaces the stack composition uses. */
export const fullPlatform: Omit<MonitoredPlatform, "postgres"> = {
    storage: { namespace: "ml-storage" },
    lakehouse: { namespace: "ml-lakehouse" },
    streaming: { namespace: "ml-streaming" },
    orchestrator: { namespace: "ml-orchestrator" },
    tracking: { namespace: "ml-tracking" },
    serving: { namespace: "ml-serving" },
};

/** The full platform plus the in-cluster Postgres exporter, as Monitoring builds it. */
export const fullPlatformWithPostgres: MonitoredPlatform = {
    ...fullPlatform,
    postgres: { namespace: "ml-monitoring", selector: { matchLabels: { "app.kubernetes.io/name": "postgres-exporter" } } },
};

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

/** The shared Postgres fake (test/fakes.ts): records the databases asked for and hands back a connection per request. */
export function fakePostgres(flavor: PostgresFlavor): FakePostgres {
    return sharedFakePostgres(flavor, { host: "postgres.ml-postgres.svc.cluster.local", secretName: (db) => `${db}-db` });
}
