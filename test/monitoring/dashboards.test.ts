import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { overviewDashboard } from "../../components/monitoring/dashboards";
import { dashboardJson, dashboardQueries, PROMETHEUS_DATASOURCE } from "../../components/monitoring/grafana";
import { MonitoringSource } from "../../components/monitoring/source";
import { knownMetrics, platformSources, unscopedSelectors } from "./fixtures";
import { promqlProblems } from "./promql";

/** The overview (with every source's headlines) and the sources' dashboards, as Monitoring provisions them. */
function dashboardsFor(sources: MonitoringSource[]) {
    const targets = sources.flatMap((s) => s.targets);
    const namespaces = ["ml-monitoring", ...targets.map((t) => t.namespace)];
    const overview = overviewDashboard({ namespaces, headlines: sources.flatMap((s) => s.headlines ?? []) });
    return { targets, dashboards: [overview, ...sources.flatMap((s) => s.dashboards ?? [])] };
}

describe("platform dashboards", () => {
    const all = platformSources();
    const { targets, dashboards } = dashboardsFor(Object.values(all));
    const known = knownMetrics(targets);

    it("ship the overview and a dashboard per component that has one", () => {
        assert.deepEqual(dashboards.map((d) => d.name), ["overview", "trino", "kafka-cdc", "airflow", "serving"]);
        assert.deepEqual(dashboardsFor([]).dashboards.map((d) => d.name), ["overview"]);
        assert.deepEqual(dashboardsFor([all.serving]).dashboards.map((d) => d.name), ["overview", "serving"]);
    });

    it("are valid JSON with unique uids, tagged ml-platform, on the provisioned Prometheus datasource", () => {
        const uids = new Set<string>();
        for (const d of dashboards) {
            const json = JSON.parse(JSON.stringify(d.json));
            assert.deepEqual(json, d.json, `${d.name} survives a JSON round trip`);
            assert.ok(!uids.has(json.uid), `duplicate uid ${json.uid}`);
            uids.add(json.uid);
            assert.ok(json.tags.includes("ml-platform"));
            for (const p of (json.panels as any[]).filter((p) => p.type !== "row")) {
                assert.deepEqual(p.datasource, PROMETHEUS_DATASOURCE, `${d.name}/${p.title}`);
                assert.ok(p.targets.length > 0, `${d.name}/${p.title} has no query`);
            }
        }
    });

    it("query only metrics that a scraped target exposes, in PromQL that parses", () => {
        let checked = 0;
        for (const d of dashboards) {
            for (const expr of dashboardQueries(d.json)) {
                assert.deepEqual(promqlProblems(expr, known), [], `${d.name}: ${expr}`);
                checked++;
            }
        }
        assert.ok(checked > 50, `only ${checked} queries checked`);
    });

    it("select component metrics by platform_target, so another monitor of the same pods cannot double them", () => {
        for (const d of dashboards) {
            for (const expr of dashboardQueries(d.json)) assert.deepEqual(unscopedSelectors(expr, targets), [], `${d.name}: ${expr}`);
        }
    });

    it("use every component's headline metric somewhere", () => {
        const all = dashboards.flatMap((d) => dashboardQueries(d.json)).join("\n");
        for (const metric of [
            "kafka_server_replicamanager_underreplicatedpartitions",
            "kafka_consumergroup_lag",
            "kafka_connect_connector_status",
            "pg_replication_slots_pg_wal_lsn_diff",
            "trino_node_name_CoordinatorNodeManager_ActiveNodeCount",
            "airflow_scheduler_heartbeat",
            "request_predict_seconds_bucket",
            "model_infer_request_failure_total",
            "minio_cluster_capacity_usable_free_bytes",
            "pg_up",
            "controller_runtime_reconcile_errors_total",
        ]) {
            assert.ok(all.includes(metric), `no panel uses ${metric}`);
        }
    });

    it("lay panels out inside the 24-column grid without overlaps", () => {
        for (const d of dashboards) {
            const cells = new Set<string>();
            for (const p of d.json.panels as any[]) {
                const { x, y, w, h } = p.gridPos;
                assert.ok(x >= 0 && w > 0 && x + w <= 24, `${d.name}/${p.title} outside the grid`);
                for (let i = x; i < x + w; i++) {
                    for (let j = y; j < y + h; j++) {
                        const cell = `${i},${j}`;
                        assert.ok(!cells.has(cell), `${d.name}/${p.title} overlaps at ${cell}`);
                        cells.add(cell);
                    }
                }
            }
        }
    });

    it("limit resource panels to the platform namespaces", () => {
        const overview = dashboards.find((d) => d.name === "overview")!;
        const cpu = dashboardQueries(overview.json).find((q) => q.includes("container_cpu_usage_seconds_total"))!;
        assert.match(cpu, /namespace=~"cert-manager\|kserve\|ml-ingress\|ml-lakehouse\|ml-monitoring\|ml-orchestrator\|ml-serving\|ml-storage\|ml-streaming\|ml-tracking"/);
    });
});

describe("dashboardJson", () => {
    it("refuses a row wider than the grid", () => {
        assert.throws(
            () =>
                dashboardJson({
                    uid: "x",
                    title: "x",
                    description: "x",
                    rows: [{ panels: [{ title: "a", type: "stat", width: 20, queries: [{ expr: "up" }] }, { title: "b", type: "stat", width: 8, queries: [{ expr: "up" }] }] }],
                }),
            /wider than 24/,
        );
    });
});
