import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { featureStoreMonitoring } from "../../components/featurestore/monitoring";
import { checkSource } from "../monitoring/sourceChecks";

describe("featurestore: Feast's monitoring source", () => {
    const source = featureStoreMonitoring("ml-featurestore", false);
    checkSource(source);
    const withValkey = featureStoreMonitoring("ml-featurestore", true, { latencyP99Seconds: 0.1, maxStalenessSeconds: 2 * 3600 });
    checkSource(withValkey);

    it("scrapes the feature servers' metrics port, never the materialization pods", () => {
        const [feast] = source.targets;
        assert.deepEqual([feast.name, feast.kind, feast.namespace, feast.port, feast.portNumber, feast.path], ["feast", "PodMonitor", "ml-featurestore", "metrics", 8000, "/metrics"]);
        assert.equal(feast.selector.matchLabels!["ml-platform/feast-role"], "feature-server");
        assert.deepEqual(withValkey.targets.map((t) => [t.name, t.portNumber]), [["feast", 8000], ["valkey", 9121]]);
    });

    it("alerts on errors, online-read latency and materialization freshness, with the thresholds given", () => {
        const rules = Object.fromEntries(withValkey.alertGroups![0].rules.map((r) => [r.alert, r]));
        assert.deepEqual(Object.keys(rules), ["FeastFeatureServerErrors", "FeastOnlineFeaturesSlow", "FeastMaterializationStale"]);
        assert.match(rules.FeastFeatureServerErrors.expr, /status="error".*> 0\.05$/);
        assert.match(rules.FeastOnlineFeaturesSlow.expr, /histogram_quantile\(0\.99, .*endpoint="\/get-online-features".*> 0\.1$/);
        assert.match(rules.FeastMaterializationStale.expr, /max by \(project, feature_view\) \(feast_feature_freshness_seconds\{platform_target="feast"\}\) > 7200$/);
        const defaults = Object.fromEntries(source.alertGroups![0].rules.map((r) => [r.alert, r.expr]));
        assert.match(defaults.FeastOnlineFeaturesSlow, /> 0\.25$/);
        assert.match(defaults.FeastMaterializationStale, /> 21600$/);
    });

    it("a dashboard, with Valkey's row only when Valkey runs", () => {
        assert.equal(source.dashboards!.length, 1);
        const titles = (s: typeof source) => JSON.stringify(s.dashboards![0]);
        assert.ok(!titles(source).includes("redis_up"));
        assert.ok(titles(withValkey).includes("redis_up"));
    });
});
