import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AlertRule, defaultAlertThresholds, monitoringAlertGroups, prometheusRuleManifest } from "../../components/monitoring/alerts";
import { postgresSource } from "../../components/monitoring/postgresSource";
import { knownMetrics, platformSources, unscopedSelectors } from "./fixtures";
import { analyzePromql, promqlProblems } from "./promql";

/** Monitoring's own groups, then every source's, as Monitoring puts them in its PrometheusRule. */
function rulesFor(sources = Object.values(platformSources()), thresholds = defaultAlertThresholds) {
    const targets = sources.flatMap((s) => s.targets);
    const groups = [...monitoringAlertGroups(thresholds), ...sources.flatMap((s) => s.alertGroups ?? [])];
    return { targets, groups, rules: groups.flatMap((g) => g.rules) };
}
const names = (rules: readonly AlertRule[]) => rules.map((r) => r.alert);

describe("the PromQL checker used below", () => {
    it("finds parse errors and the metric names of selectors (not functions, labels or strings)", () => {
        assert.deepEqual(analyzePromql(`sum by (a) (rate(foo_total{b="bar"}[5m])) / on(a) group_left baz > 0`), {
            errors: [],
            metrics: ["foo_total", "baz"],
            selectors: [
                { metric: "foo_total", labels: ["b"] },
                { metric: "baz", labels: [] },
            ],
        });
        assert.ok(analyzePromql("sum(rate(foo[5m])").errors.length > 0);
        assert.ok(analyzePromql(`foo{a=}`).errors.length > 0);
        assert.ok(analyzePromql("").errors.length > 0);
        assert.deepEqual(promqlProblems("rate(nope_total[5m])", new Set(["up"])), ["unknown metric nope_total"]);
    });
});

describe("platform alert rules", () => {
    const { targets, rules } = rulesFor();
    const known = knownMetrics(targets);

    it("parse without error nodes and reference only metrics a scraped target exposes", () => {
        for (const r of rules) assert.deepEqual(promqlProblems(r.expr, known), [], `${r.alert}: ${r.expr}`);
    });

    it("select component metrics by platform_target, so another monitor of the same pods cannot double them", () => {
        for (const r of rules) assert.deepEqual(unscopedSelectors(r.expr, targets), [], `${r.alert}: ${r.expr}`);
        assert.deepEqual(unscopedSelectors("sum(kafka_consumergroup_lag)", targets), ["kafka_consumergroup_lag"]);
    });

    it("each carry a severity, component, summary, description and a runbook line", () => {
        assert.equal(new Set(names(rules)).size, rules.length, "alert names are unique");
        for (const r of rules) {
            assert.ok(["warning", "critical"].includes(r.labels.severity), r.alert);
            assert.ok(r.labels.platform_component, r.alert);
            assert.ok(r.annotations.summary.length > 10, `${r.alert} summary`);
            assert.ok(r.annotations.description.length > 20, `${r.alert} description`);
            assert.ok(r.annotations.runbook.length > 20, `${r.alert} runbook`);
            if (r.annotations.runbook_url) assert.match(r.annotations.runbook_url, /^https:\/\//);
            assert.match(r.for, /^\d+[smh]$/, `${r.alert} for`);
            assert.match(r.alert, /^[A-Z][A-Za-z0-9]+$/);
        }
    });

    it("cover what the platform team pages on", () => {
        for (const alert of [
            "KafkaUnderReplicatedPartitions",
            "KafkaOfflinePartitions",
            "CdcConsumerLagHigh",
            "KafkaConnectConnectorFailed",
            "CdcReplicationSlotLagHigh",
            "AirflowSchedulerHeartbeatMissing",
            "TrinoNoActiveWorkers",
            "InferenceLatencyP95High",
            "InferenceErrorRateHigh",
            "PersistentVolumeNearlyFull",
            "PersistentVolumeCriticallyFull",
            "PodCrashLooping",
        ]) {
            assert.ok(names(rules).includes(alert), `missing ${alert}`);
        }
    });

    it("use the thresholds and severities a platform team expects", () => {
        const byName = new Map(rules.map((r) => [r.alert, r]));
        assert.equal(byName.get("KafkaOfflinePartitions")!.labels.severity, "critical");
        assert.equal(byName.get("AirflowSchedulerHeartbeatMissing")!.labels.severity, "critical");
        assert.equal(byName.get("TrinoNoActiveWorkers")!.labels.severity, "critical");
        assert.equal(
            byName.get("CdcConsumerLagHigh")!.expr,
            String.raw`sum by (namespace, consumergroup, topic) (kafka_consumergroup_lag{platform_target="kafka", topic=~"cdc\\.source\\..+"}) > 10000`,
        );
        assert.match(byName.get("InferenceLatencyP95High")!.expr, /^histogram_quantile\(0\.95, .*request_predict_seconds_bucket.* > 1$/);
        assert.match(byName.get("PersistentVolumeNearlyFull")!.expr, /< 0\.15 /);
        assert.match(byName.get("PersistentVolumeCriticallyFull")!.expr, /< 0\.05 /);
        // The missing heartbeat fires both when the counter stops and when the series is gone.
        assert.match(byName.get("AirflowSchedulerHeartbeatMissing")!.expr, / == 0 or absent\(airflow_scheduler_heartbeat\{platform_target="airflow-statsd"\}\)$/);
    });

    it("follow threshold overrides of Monitoring's own rules", () => {
        const tuned = { ...defaultAlertThresholds, pvcFreeWarningRatio: 0.3, cdcReplicationSlotLagBytes: 1000 };
        const pg = postgresSource("ml-monitoring", { matchLabels: { a: "b" } }, tuned);
        const byName = new Map(rulesFor([pg], tuned).rules.map((r) => [r.alert, r]));
        assert.match(byName.get("PersistentVolumeNearlyFull")!.expr, /< 0\.3 /);
        assert.match(byName.get("CdcReplicationSlotLagHigh")!.expr, / > 1000$/);
    });

    it("Kubernetes and scrape health always; a component's rules only from its source", () => {
        assert.deepEqual(rulesFor([]).groups.map((g) => g.name), ["ml-platform.kubernetes", "ml-platform.scrape"]);
        const { streaming } = platformSources();
        const only = names(rulesFor([streaming]).rules);
        assert.ok(only.includes("KafkaOfflinePartitions"));
        assert.equal(only.includes("CdcReplicationSlotLagHigh"), false);
        assert.equal(only.includes("AirflowSchedulerHeartbeatMissing"), false);
    });

    it("are wrapped in one PrometheusRule", () => {
        const { groups } = rulesFor();
        const manifest = prometheusRuleManifest(groups, { name: "ml-platform", namespace: "ml-monitoring", labels: {} });
        assert.equal(manifest.kind, "PrometheusRule");
        assert.equal(manifest.apiVersion, "monitoring.coreos.com/v1");
        assert.deepEqual(
            manifest.spec.groups.map((g) => g.name),
            ["kubernetes", "scrape", "postgres", "cert-manager", "ingress", "storage", "lakehouse", "streaming", "orchestrator", "tracking", "serving"].map((n) => `ml-platform.${n}`),
        );
    });
});
