/** What every component's `MonitoringSource` must satisfy; each component's test calls `checkSource` on its own. */
import assert from "node:assert/strict";
import { it } from "node:test";
import { dashboardQueries, PROMETHEUS_DATASOURCE } from "../../components/monitoring/grafana";
import { monitorManifest, ScrapeTarget } from "../../components/monitoring/scrape";
import { MonitoringSource } from "../../components/monitoring/source";
import { knownMetrics, unscopedSelectors } from "./fixtures";
import { promqlProblems } from "./promql";

/**
 * Registers the generic checks of `source`: valid monitors, rules and dashboard queries that parse, use only the
 * metrics its targets declare (plus `extraTargets`, e.g. Monitoring's postgres-exporter a CDC panel reads) and select
 * by `platform_target`, rules with severity, component and runbook, and dashboards on the provisioned datasource.
 */
export function checkSource(source: MonitoringSource, extraTargets: readonly ScrapeTarget[] = []) {
    const targets = [...source.targets, ...extraTargets];
    const known = knownMetrics(targets);
    const rules = (source.alertGroups ?? []).flatMap((g) => g.rules);
    const queries = [...(source.dashboards ?? []).flatMap((d) => dashboardQueries(d.json).map((q) => [d.name, q])), ...(source.headlines ?? []).flatMap((p) => p.queries.map((q) => [p.title, q.expr]))];

    it("publishes valid monitors with unique names, each declaring the metrics it is relied on for", () => {
        assert.ok(source.targets.length > 0);
        assert.equal(new Set(source.targets.map((t) => t.name)).size, source.targets.length);
        for (const t of source.targets) {
            const m = monitorManifest(t, { namespace: "ml-monitoring", labels: {} });
            assert.deepEqual((m.spec as any).namespaceSelector, { matchNames: [t.namespace] });
            assert.ok(t.portNumber > 0 && t.path.startsWith("/"), t.name);
        }
    });

    it("alert rules parse, use only declared metrics by platform_target, and carry severity, summary and runbook", () => {
        for (const r of rules) {
            assert.deepEqual(promqlProblems(r.expr, known), [], `${r.alert}: ${r.expr}`);
            assert.deepEqual(unscopedSelectors(r.expr, targets), [], `${r.alert}: ${r.expr}`);
            assert.ok(["warning", "critical"].includes(r.labels.severity), r.alert);
            assert.ok(r.labels.platform_component, r.alert);
            assert.ok(r.annotations.summary.length > 10 && r.annotations.description.length > 20 && r.annotations.runbook.length > 20, r.alert);
            assert.match(r.for, /^\d+[smh]$/, `${r.alert} for`);
            assert.match(r.alert, /^[A-Z][A-Za-z0-9]+$/);
        }
    });

    it("dashboard and headline queries parse, use only declared metrics by platform_target, on the provisioned datasource", () => {
        for (const [where, expr] of queries) {
            assert.deepEqual(promqlProblems(expr, known), [], `${where}: ${expr}`);
            assert.deepEqual(unscopedSelectors(expr, targets), [], `${where}: ${expr}`);
        }
        for (const d of source.dashboards ?? []) {
            assert.deepEqual(JSON.parse(JSON.stringify(d.json)), d.json);
            assert.ok(d.json.tags.includes("ml-platform"));
            for (const p of (d.json.panels as any[]).filter((p) => p.type !== "row")) assert.deepEqual(p.datasource, PROMETHEUS_DATASOURCE, `${d.name}/${p.title}`);
        }
    });
}
