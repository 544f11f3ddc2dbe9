import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { orchestratorMonitoring } from "../../components/orchestrator/monitoring";
import { checkSource } from "../monitoring/sourceChecks";

describe("orchestrator: Airflow's monitoring source", () => {
    const source = orchestratorMonitoring("ml-orchestrator");
    checkSource(source);

    it("scrapes the official chart's statsd exporter Service of the release", () => {
        const [airflow] = source.targets;
        assert.deepEqual([airflow.name, airflow.kind, airflow.namespace, airflow.port, airflow.portNumber], ["airflow-statsd", "ServiceMonitor", "ml-orchestrator", "statsd-scrape", 9102]);
        assert.deepEqual(airflow.selector, { matchLabels: { tier: "airflow", component: "statsd", release: "airflow" } });
    });

    it("pages when the scheduler heartbeat stops or the series is gone", () => {
        const rules = new Map(source.alertGroups!.flatMap((g) => g.rules).map((r) => [r.alert, r]));
        assert.equal(rules.get("AirflowSchedulerHeartbeatMissing")!.labels.severity, "critical");
        assert.match(rules.get("AirflowSchedulerHeartbeatMissing")!.expr, / == 0 or absent\(airflow_scheduler_heartbeat\{platform_target="airflow-statsd"\}\)$/);
        assert.ok(rules.has("AirflowDagImportErrors"));
        assert.deepEqual(source.dashboards!.map((d) => d.name), ["airflow"]);
    });
});
