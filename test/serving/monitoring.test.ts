import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { monitorManifest } from "../../components/monitoring/scrape";
import { servingMonitoring } from "../../components/serving/monitoring";
import { checkSource } from "../monitoring/sourceChecks";

describe("serving: KServe model servers' and controller's monitoring source", () => {
    const source = servingMonitoring({ namespace: "ml-serving", controllerNamespace: "kserve" });
    checkSource(source);
    const byName = new Map(source.targets.map((t) => [t.name, t]));
    const rules = new Map(source.alertGroups!.flatMap((g) => g.rules).map((r) => [r.alert, r]));

    it("scrapes model server pods by their InferenceService label, on the runtime's annotated port", () => {
        const kserve = byName.get("kserve-models")!;
        assert.equal(kserve.kind, "PodMonitor");
        assert.equal(kserve.namespace, "ml-serving");
        assert.deepEqual(kserve.selector, { matchExpressions: [{ key: "serving.kserve.io/inferenceservice", operator: "Exists" }] });
        assert.equal(kserve.port, undefined);
        const address = kserve.relabelings!.find((r) => r.targetLabel === "__address__")!;
        assert.deepEqual(address.sourceLabels, ["__meta_kubernetes_pod_ip", "__meta_kubernetes_pod_annotation_prometheus_kserve_io_port"]);
        assert.ok(kserve.relabelings!.some((r) => r.action === "keep" && r.regex === "kserve-container"));
    });

    it("scrapes the controller through kube-rbac-proxy: the metrics Service's https port, Prometheus's token, its self-signed certificate", () => {
        const controller = byName.get("kserve-controller")!;
        assert.deepEqual([controller.kind, controller.namespace, controller.port, controller.portNumber], ["ServiceMonitor", "kserve", "https", 8443]);
        assert.deepEqual(controller.selector, { matchLabels: { "control-plane": "kserve-controller-manager" } });
        const endpoint = (monitorManifest(controller, { namespace: "ml-monitoring", labels: {} }).spec as any).endpoints[0];
        assert.equal(endpoint.scheme, "https");
        assert.deepEqual(endpoint.tlsConfig, { insecureSkipVerify: true });
        assert.equal(endpoint.bearerTokenFile, "/var/run/secrets/kubernetes.io/serviceaccount/token");
    });

    it("alerts on latency, errors, a controller that is gone and reconcile errors; thresholds are tunable", () => {
        assert.equal(rules.get("KServeControllerDown")!.expr, `absent(up{platform_target="kserve-controller"} == 1)`);
        assert.equal(rules.get("KServeControllerDown")!.labels.severity, "critical");
        assert.match(rules.get("KServeReconcileErrors")!.expr, /controller_runtime_reconcile_errors_total\{platform_target="kserve-controller"\}/);
        assert.match(rules.get("InferenceLatencyP95High")!.expr, /^histogram_quantile\(0\.95, .*request_predict_seconds_bucket.* > 1$/);
        const tuned = servingMonitoring({ namespace: "s", controllerNamespace: "k", alerts: { inferenceP95Seconds: 0.25, inferenceErrorRatio: 0.01 } });
        const t = new Map(tuned.alertGroups!.flatMap((g) => g.rules).map((r) => [r.alert, r.expr]));
        assert.match(t.get("InferenceLatencyP95High")!, / > 0\.25$/);
        assert.match(t.get("InferenceErrorRateHigh")!, / > 0\.01$/);
    });
});
