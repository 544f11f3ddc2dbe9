import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { MonitoredPlatform } from "../../components/monitoring/catalog";
import { kubernetesMetrics, syntheticMetrics } from "../../components/monitoring/metrics";
import { ScrapeTarget } from "../../components/monitoring/scrape";
import { analyzePromql } from "./promql";
import { DatabaseConnection, DatabaseRequest, Postgres, PostgresFlavor } from "../../components/postgres/types";

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

/** A Postgres contract double: records the databases asked for and hands back a connection per request. */
export class FakePostgres implements Postgres {
    readonly requests: { name: string; request: DatabaseRequest }[] = [];
    readonly host = pulumi.output("postgres.ml-postgres.svc.cluster.local");
    readonly port = 5432;
    constructor(readonly flavor: PostgresFlavor) {}
    database(name: string, request: DatabaseRequest, parent: pulumi.Resource): DatabaseConnection {
        this.requests.push({ name, request });
        // The real implementations create the consumer's Secret; a stand-in Secret keeps the dependency visible.
        const secret = new k8s.core.v1.Secret(
            `${name}-db`,
            { metadata: { name: `${request.database}-db`, namespace: request.namespace }, stringData: { uri: "postgresql://x" } },
            { parent },
        );
        return { host: this.host, port: this.port, database: request.database, username: request.database, secretName: secret.metadata.name, uri: pulumi.secret(`postgresql://${request.database}@fake/${request.database}`) };
    }
}
