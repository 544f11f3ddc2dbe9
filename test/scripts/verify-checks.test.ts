import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clientSecretKeys } from "../../components/tracking/spec";
import { buildChecks } from "../../scripts/verify/checks";
import { Check, PodManifest } from "../../scripts/verify/types";
import { podSecurityViolations } from "../admission/podSecurity";
import { devOutputs, prodOutputs, SECRETS } from "./verify-fixtures";

const opts = { suffix: "abc123" };
const byName = (checks: Check[], prefix: string) => checks.filter((c) => c.name.startsWith(prefix));
const podOf = (c: Check): PodManifest => {
    assert.equal(c.plan.type, "pod", `${c.name} runs in a pod`);
    return (c.plan as { manifest: PodManifest }).manifest;
};
const container = (m: PodManifest) => m.spec.containers[0];

describe("verify: the checks a stack's outputs yield", () => {
    it("dev: one check per connection, the ingress, models, Prometheus and cert-manager", () => {
        const names = buildChecks(devOutputs, opts).map((c) => c.name);
        assert.deepEqual(names, [
            "trino (ingress)",
            "trino ml-orchestrator -> trino.ml-lakehouse.svc.cluster.local:8080",
            "mlflow ml-orchestrator -> mlflow.ml-tracking.svc.cluster.local:5000",
            "kafka ml-orchestrator -> platform-kafka-bootstrap.ml-streaming.svc:9092",
            "postgres ml-orchestrator -> postgres.ml-postgres.svc:5432",
            "object-store ml-orchestrator -> minio.ml-storage.svc:9000",
            "models ready (ml-serving)",
            "predict sklearn-iris (ml-orchestrator)",
            "prometheus targets",
            "cluster issuers",
            "certificates",
        ]);
    });

    it("Feast: /health from the client's namespace in a restricted curl pod; materialization RBAC is skipped with the reason", () => {
        const feast = [
            { kind: "feast" as const, from: "ml-serving", to: "http://feast.ml-featurestore.svc.cluster.local:6566", why: "models read online features" },
            { kind: "feast-materialize" as const, from: "ml-orchestrator", to: "ml-featurestore", serviceAccount: "airflow-worker", why: "Airflow runs materialization" },
        ];
        const checks = buildChecks({ ...devOutputs, connections: [...devOutputs.connections!, ...feast] }, opts);
        const [health] = byName(checks, "feast ml-serving");
        assert.equal(health.name, "feast ml-serving -> feast.ml-featurestore.svc.cluster.local:6566");
        const m = podOf(health);
        assert.equal(m.metadata.namespace, "ml-serving");
        assert.deepEqual(container(m).env.find((e: any) => e.name === "URL"), { name: "URL", value: "http://feast.ml-featurestore.svc.cluster.local:6566/health" });
        assert.deepEqual(podSecurityViolations({ spec: m.spec }, "restricted"), []);
        const [materialize] = byName(checks, "feast-materialize");
        assert.equal(materialize.interpret({ exitCode: 0, stdout: "" }).status, "skip");
    });

    it("a stack without models, Trino or Prometheus gets no check for them", () => {
        const { trino: _t, prometheus: _p, ...endpoints } = prodOutputs.endpoints!;
        const names = buildChecks({ ...prodOutputs, endpoints, connections: prodOutputs.connections!.filter((c) => c.kind !== "trino") }, opts).map((c) => c.name);
        assert.ok(!names.some((n) => /trino|models|predict|prometheus/.test(n)), names.join(", "));
        assert.ok(names.includes("certificates"));
    });

    it("without the connections output: connection checks are reported skipped, Trino in-cluster still runs from the endpoint", () => {
        const { connections: _c, ...older } = devOutputs;
        const checks = buildChecks(older, opts);
        const skipped = checks.find((c) => c.name === "connections")!;
        assert.deepEqual(skipped.interpret({ exitCode: 0, stdout: "" }), { status: "skip", reason: "skipped: stack exports no connections (deployed before the `connections` output)" });
        assert.ok(!checks.some((c) => /^(mlflow|kafka|postgres) /.test(c.name)));
        assert.equal(podOf(byName(checks, "trino ml-orchestrator")[0]).metadata.namespace, "ml-orchestrator");
    });

    it("the ingress check goes to the external URL with the UI login; --insecure reaches the plan only when asked", () => {
        const [dev] = byName(buildChecks(devOutputs, opts), "trino (ingress)");
        assert.deepEqual(dev.plan, { type: "trino-http", url: "http://trino.localtest.me", auth: { username: "admin", password: SECRETS.trino }, insecure: false });
        const [insecure] = byName(buildChecks(devOutputs, { ...opts, insecure: true }), "trino (ingress)");
        assert.equal((insecure.plan as { insecure: boolean }).insecure, true);
    });

    it("MLflow runs in the client's namespace with its Secret whole (the MLFLOW_TRACKING_* keys) and no token", () => {
        const m = podOf(byName(buildChecks(devOutputs, opts), "mlflow")[0]);
        assert.equal(m.metadata.namespace, "ml-orchestrator");
        assert.deepEqual(container(m).envFrom, [{ secretRef: { name: "mlflow-airflow" } }]);
        assert.equal(m.spec.automountServiceAccountToken, false);
        for (const key of Object.values(clientSecretKeys)) assert.ok(container(m).command[2].includes(`$${key}`) || container(m).command[2].includes(`\${${key}`), key);
    });

    it("Kafka mounts the client's Secret as files (dotted keys) in dev and prod alike; the protocol is the Secret's", () => {
        for (const outputs of [devOutputs, prodOutputs]) {
            const m = podOf(byName(buildChecks(outputs, opts), "kafka")[0]);
            assert.deepEqual(m.spec.volumes, [{ name: "connection", secret: { secretName: "kafka-airflow" } }]);
            assert.equal(container(m).envFrom, undefined);
            assert.match(container(m).image, /^quay\.io\/strimzi\/kafka:1\.2\.0-kafka-4\.3\.1$/);
            assert.deepEqual(container(m).env.find((e: any) => e.name === "TOPIC"), { name: "TOPIC", value: "ml-platform.verify" });
        }
        const m = podOf(byName(buildChecks(prodOutputs, { ...opts, kafkaTopic: "ops.verify" }), "kafka")[0]);
        assert.deepEqual(container(m).env.find((e: any) => e.name === "TOPIC"), { name: "TOPIC", value: "ops.verify" });
    });

    it("the models check names the serving identity from the models connection, and predicts from the orchestrator's namespace", () => {
        const checks = buildChecks(devOutputs, opts);
        const ready = byName(checks, "models ready")[0];
        assert.deepEqual(ready.plan, { type: "kubectl", args: ["get", "inferenceservices.serving.kserve.io", "-n", "ml-serving", "-o", "json"] });
        const isvc = { items: [{ metadata: { name: "sklearn-iris" }, status: { conditions: [{ type: "Ready", status: "True" }] } }] };
        assert.match(ready.interpret({ exitCode: 0, stdout: JSON.stringify(isvc) }).reason, /as ml-serving\/kserve-models/);
        const predict = podOf(byName(checks, "predict")[0]);
        assert.equal(predict.metadata.namespace, "ml-orchestrator");
        assert.equal(container(predict).env.find((e: any) => e.name === "URL").value, "http://sklearn-iris-predictor.ml-serving.svc.cluster.local/v1/models/sklearn-iris:predict");
    });

    it("Prometheus is asked from its own namespace (same-namespace traffic is allowed) for the active targets", () => {
        const m = podOf(byName(buildChecks(devOutputs, opts), "prometheus")[0]);
        assert.equal(m.metadata.namespace, "ml-monitoring");
        assert.equal(container(m).env.find((e: any) => e.name === "URL").value, "http://kps-prometheus.ml-monitoring.svc.cluster.local:9090/api/v1/targets?state=active");
    });

    it("every pod passes the restricted Pod Security profile, and a pod without its security context would not", () => {
        const pods = [...buildChecks(devOutputs, opts), ...buildChecks(prodOutputs, opts)].filter((c) => c.plan.type === "pod").map(podOf);
        assert.equal(pods.length, 11); // dev 6 (trino, mlflow, kafka, postgres, predict, prometheus), prod 5 (no model)
        for (const m of pods) assert.deepEqual(podSecurityViolations({ spec: m.spec }, "restricted"), [], m.metadata.name);
        const loose = structuredClone(pods[0]);
        delete loose.spec.containers[0].securityContext;
        assert.notDeepEqual(podSecurityViolations({ spec: loose.spec }, "restricted"), []);
    });

    it("pod names are unique, valid DNS labels, and carry the verify labels", () => {
        const pods = buildChecks(devOutputs, opts).filter((c) => c.plan.type === "pod").map(podOf);
        const names = pods.map((m) => m.metadata.name);
        assert.equal(new Set(names).size, names.length);
        for (const n of names) assert.match(n, /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
        for (const m of pods) assert.equal(m.metadata.labels["app.kubernetes.io/name"], "ml-platform-verify");
    });

    it("no secret value of the outputs appears in any pod manifest", () => {
        for (const outputs of [devOutputs, prodOutputs]) {
            const text = JSON.stringify(buildChecks(outputs, opts).filter((c) => c.plan.type === "pod").map(podOf));
            for (const secret of Object.values(SECRETS)) assert.ok(!text.includes(secret), secret);
        }
        // The same scan finds a value that did leak.
        assert.ok(JSON.stringify({ env: [{ value: SECRETS.mlflow }] }).includes(SECRETS.mlflow));
    });
});
