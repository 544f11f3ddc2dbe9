import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { trackingMonitoring } from "../../components/tracking/monitoring";
import { checkSource } from "../monitoring/sourceChecks";

describe("tracking: MLflow's monitoring source", () => {
    const source = trackingMonitoring("ml-tracking");
    checkSource(source);

    it("scrapes the metrics sidecar's port (MLflow's own /metrics is behind basic auth)", () => {
        const [mlflow] = source.targets;
        assert.deepEqual([mlflow.name, mlflow.kind, mlflow.namespace, mlflow.port, mlflow.portNumber], ["mlflow", "ServiceMonitor", "ml-tracking", "metrics", 9090]);
        assert.equal(mlflow.basicAuth, undefined);
    });

    it("alerts on a 5xx ratio above 5%", () => {
        const [rule] = source.alertGroups![0].rules;
        assert.equal(rule.alert, "MlflowServerErrors");
        assert.match(rule.expr, /> 0\.05$/);
    });
});
