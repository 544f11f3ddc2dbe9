import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lakehouseMonitoring, TRINO_SCRAPE_USER } from "../../components/lakehouse/monitoring";
import { monitorManifest } from "../../components/monitoring/scrape";
import { checkSource } from "../monitoring/sourceChecks";

describe("lakehouse: Trino's and the metastore's monitoring source", () => {
    const source = lakehouseMonitoring("ml-lakehouse");
    checkSource(source);
    const byName = new Map(source.targets.map((t) => [t.name, t]));

    it("scrapes Trino's built-in /metrics on every node with a password-less user Monitoring keeps in a Secret", () => {
        const trino = byName.get("trino")!;
        assert.deepEqual([trino.kind, trino.namespace, trino.port, trino.portNumber, trino.path], ["ServiceMonitor", "ml-lakehouse", "http", 8080, "/metrics"]);
        assert.deepEqual(trino.basicAuth, { username: TRINO_SCRAPE_USER });
        const endpoint = (monitorManifest(trino, { namespace: "ml-monitoring", labels: {} }).spec as any).endpoints[0];
        assert.deepEqual(endpoint.basicAuth, { username: { name: "trino-scrape-user", key: "username" }, password: { name: "trino-scrape-user", key: "password" } });
    });

    it("scrapes the metastore's JMX exporter agent on its pods", () => {
        const hms = byName.get("hive-metastore")!;
        assert.deepEqual([hms.kind, hms.port, hms.portNumber], ["PodMonitor", "metrics", 9404]);
        assert.deepEqual(hms.selector, { matchLabels: { "app.kubernetes.io/name": "hive-metastore" } });
    });

    it("alerts when Trino has no workers or no coordinator, and ships the Trino dashboard", () => {
        assert.deepEqual(source.alertGroups!.flatMap((g) => g.rules.map((r) => r.alert)), ["TrinoNoActiveWorkers", "TrinoCoordinatorMetricsMissing"]);
        assert.deepEqual(source.dashboards!.map((d) => [d.name, d.json.title]), [["trino", "ML platform / Trino"]]);
    });
});
