import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { constructStack, Registration } from "../harness";

/** The resources the Compute component registered (its URN chain names it). */
const ofCompute = (resources: readonly Registration[]) => resources.filter((r) => r.urn.includes("mlplatform:compute:Compute"));

describe("compute: the component as each stack builds it", () => {
    it("dev: the two operators only, on the cluster's provider; no Ray head, no History Server", async () => {
        const run = await constructStack("dev");
        const mine = ofCompute(run.resources);
        const provider = run.one("pulumi:providers:kubernetes").urn;
        const k8sObjects = mine.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
        assert.ok(k8sObjects.length > 0);
        assert.deepEqual(k8sObjects.filter((r) => !r.provider.startsWith(`${provider}::`)).map((r) => r.urn), []);
        const releases = mine.filter((r) => r.type === "kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart).sort();
        assert.deepEqual(releases, ["kuberay-operator", "spark-operator"]);
        assert.equal(mine.filter((r) => r.type === "kubernetes:ray.io/v1:RayCluster").length, 0);
        assert.equal(mine.filter((r) => r.type === "kubernetes:apps/v1:Deployment").length, 0, "no History Server");
    });

    it("prod: the Spark jobs' and Ray's identities come from the object store grant; Ray's MLflow login by Secret reference", async () => {
        const run = await constructStack("prod");
        const mine = ofCompute(run.resources);
        const accounts = mine.filter((r) => r.type === "kubernetes:core/v1:ServiceAccount");
        assert.ok(accounts.length >= 2);
        for (const sa of accounts) assert.match(String(sa.inputs.metadata.annotations?.["iam.gke.io/gcp-service-account"] ?? ""), /@acme-ml-prod\.iam\.gserviceaccount\.com$/, sa.inputs.metadata.name);
        const ray = mine.find((r) => r.type === "kubernetes:ray.io/v1:RayCluster");
        assert.ok(ray, "a RayCluster in prod");
        const text = JSON.stringify(ray.inputs);
        assert.match(text, /"secretRef":\{"name":"mlflow-ray"\}|"secretKeyRef":\{[^}]*"name":"mlflow-ray"/, "MLflow credentials from the client's Secret");
        assert.doesNotMatch(text, /MLFLOW_TRACKING_PASSWORD","value"/, "never a literal password");
        assert.ok(run.result.connections.some((c) => c.from === "ml-compute-jobs" && c.kind === "mlflow"), "recorded as a connection");
    });
});
