import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { constructStack, exampleOrgValues, Registration } from "../harness";

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

    /** The `spark-defaults.conf` the jobs namespace gets, as `key value` lines. */
    const sparkDefaultsOf = (resources: readonly Registration[]) => {
        const map = ofCompute(resources).find((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.inputs.metadata.name === "spark-defaults");
        assert.ok(map, "the spark-defaults ConfigMap");
        assert.equal(map.inputs.metadata.namespace, "ml-compute-jobs");
        return Object.fromEntries(String(map.inputs.data["spark-defaults.conf"]).trim().split("\n").map((l) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]));
    };

    it("dev: Spark on MinIO through S3A with the jobs' own MinIO user, keys only from that user's Secret", async () => {
        const run = await constructStack("dev");
        const conf = sparkDefaultsOf(run.resources);
        assert.equal(conf["spark.hadoop.fs.s3a.endpoint"], "http://minio.ml-storage.svc.cluster.local:9000");
        assert.equal(conf["spark.eventLog.dir"].startsWith("s3a://"), true, conf["spark.eventLog.dir"]);
        assert.equal(conf["spark.sql.catalog.lakehouse.uri"], "thrift://hive-metastore.ml-lakehouse.svc.cluster.local:9083");
        assert.ok(!Object.keys(conf).some((k) => /secret|access\.key/i.test(k)), "no key in the configuration");
        const sa = ofCompute(run.resources).find((r) => r.type === "kubernetes:core/v1:ServiceAccount" && r.inputs.metadata.name === "spark");
        assert.ok(sa);
        assert.deepEqual(sa.inputs.metadata.annotations ?? {}, {}, "no cloud identity on kind");
        assert.ok(
            run.result.connections.some((c) => c.from === "ml-compute-jobs" && c.kind === "metastore"),
            "the jobs namespace is a declared metastore client",
        );
    });

    it("dev: Airflow submits to the jobs namespace: its worker bound to the submitter Role, the connection and the SparkApplication to copy", async () => {
        const run = await constructStack("dev");
        // Parented by the client (the orchestrator), as every grant is.
        const binding = run.resources.find((r) => r.type === "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding" && r.inputs.metadata.name === "submitter-ml-orchestrator");
        assert.ok(binding, "a RoleBinding for Airflow in the jobs namespace");
        assert.equal(binding.inputs.metadata.namespace, "ml-compute-jobs");
        assert.deepEqual(
            binding.inputs.subjects.map((s: { kind: string; namespace: string }) => `${s.kind}/${s.namespace}`),
            ["ServiceAccount/ml-orchestrator"],
        );
        const secret = run.resources.find((r) => r.type === "kubernetes:core/v1:Secret" && r.inputs.metadata.name === "mlp-airflow-connections");
        assert.ok(secret, "Airflow's connections Secret");
        assert.ok(secret.secretInputs.has("stringData"), "the Secret's data stays a Pulumi secret");
        assert.deepEqual(JSON.parse(secret.inputs.stringData.AIRFLOW_CONN_COMPUTE_DEFAULT), { conn_type: "kubernetes", extra: { in_cluster: true, namespace: "ml-compute-jobs" } });
        const app = JSON.parse(secret.inputs.stringData.AIRFLOW_VAR_ML_PLATFORM_SPARK_APPLICATION);
        assert.equal(app.kind, "SparkApplication");
        assert.equal(app.metadata.namespace, "ml-compute-jobs");
        assert.equal(app.spec.sparkConfigMap, "spark-defaults");
        assert.equal(app.spec.driver.serviceAccount, "spark");
        const [keys] = app.spec.driver.envFrom.map((e: { secretRef: { name: string } }) => e.secretRef.name);
        assert.ok(
            run.resources.some((r) => r.type === "kubernetes:core/v1:Secret" && r.inputs.metadata.namespace === "ml-compute-jobs" && r.inputs.metadata.name === keys),
            `the MinIO user's Secret ${keys} exists in the jobs namespace`,
        );
        assert.deepEqual(app.spec.driver.securityContext.capabilities, { drop: ["ALL"] });
    });

    it("prod-aks: jobs and Ray by Entra workload identity, ADLS through ABFS OAuth with the injected token file; GPU workers with a GPU pool", async () => {
        const run = await constructStack("prod-aks", {
            "ml-platform:cluster": { ...exampleOrgValues["prod-aks"]["ml-platform:cluster"], gpuPool: { machineType: "Standard_NC4as_T4_v3", minNodes: 0, maxNodes: 2 } },
        });
        const mine = ofCompute(run.resources);
        const accounts = mine.filter((r) => r.type === "kubernetes:core/v1:ServiceAccount" && ["spark", "ray", "spark-history"].includes(r.inputs.metadata.name));
        assert.deepEqual(accounts.map((a) => a.inputs.metadata.name).sort(), ["ray", "spark", "spark-history"]);
        for (const sa of accounts) assert.ok(sa.inputs.metadata.annotations?.["azure.workload.identity/client-id"], `${sa.inputs.metadata.name}: a federated identity`);
        const conf = sparkDefaultsOf(run.resources);
        assert.equal(conf["spark.hadoop.fs.azure.account.oauth.provider.type"], "org.apache.hadoop.fs.azurebfs.oauth2.WorkloadIdentityTokenProvider");
        assert.match(conf["spark.eventLog.dir"], /^abfss:\/\//);
        const ray = mine.find((r) => r.type === "kubernetes:ray.io/v1:RayCluster");
        assert.ok(ray);
        const groups = ray.inputs.spec.workerGroupSpecs.map((g: { groupName: string }) => g.groupName);
        assert.deepEqual(groups, ["cpu", "gpu"]);
        for (const pod of [ray.inputs.spec.headGroupSpec.template, ...ray.inputs.spec.workerGroupSpecs.map((g: { template: unknown }) => g.template)]) {
            assert.equal(pod.metadata.labels["azure.workload.identity/use"], "true", "the AKS webhook injects the token into every Ray pod");
        }
        assert.ok(mine.some((r) => r.type === "kubernetes:policy/v1:PodDisruptionBudget" && r.inputs.metadata.name === "ray-head"), "the Ray head is not drained");
    });
});
