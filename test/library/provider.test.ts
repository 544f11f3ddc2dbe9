import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    CertManager,
    Compute,
    FeatureStore,
    MetastoreServer,
    Ingress,
    Lakehouse,
    Monitoring,
    NetworkPolicies,
    ObjectStorage,
    Orchestrator,
    PostgresServer,
    RetainStorageClass,
    Serving,
    Streaming,
    Tracking,
} from "../../components";
import { fakeObjectStore, fakePostgres } from "../fakes";
import { runProgram } from "../harness";

const store = () => fakeObjectStore("minio", ["bronze", "silver", "gold", "mlflow", "models", "airflow-logs", "spark-logs"]);
const fakeMetastore = (): MetastoreServer => ({
    zoneBuckets: { bronze: "bronze", silver: "silver", gold: "gold" },
    zoneUris: { bronze: pulumi.output("s3://bronze/"), silver: pulumi.output("s3://silver/"), gold: pulumi.output("s3://gold/") },
    grantMetastoreClient: ({ namespace }) => ({
        uri: "thrift://hive-metastore.ml-lakehouse.svc.cluster.local:9083",
        flows: [],
        connection: { kind: "metastore", from: namespace.name, to: "hive-metastore.ml-lakehouse.svc.cluster.local:9083", why: "test" },
    }),
});

/** Every component that creates Kubernetes objects, with the least args it takes. */
const components: Record<string, (opts: pulumi.ComponentResourceOptions, useDefault?: boolean) => pulumi.ComponentResource> = {
    CertManager: (o, d) => new CertManager("x", { environment: "dev", ...(d && { kubernetesProvider: "default" }) }, o),
    Ingress: (o, d) => new Ingress("x", { environment: "dev", ...(d && { kubernetesProvider: "default" }) }, o),
    NetworkPolicies: (o, d) => new NetworkPolicies("x", { namespaces: ["a"], flows: [], ...(d && { kubernetesProvider: "default" }) }, o),
    RetainStorageClass: (o, d) => new RetainStorageClass("x", { provider: "gke", ...(d && { kubernetesProvider: "default" }) }, o),
    "ObjectStorage (minio)": (o, d) => new ObjectStorage("x", { flavor: "minio", environment: "dev", buckets: ["models"], ...(d && { kubernetesProvider: "default" }) }, o),
    PostgresServer: (o, d) => new PostgresServer("x", { flavor: "in-cluster", environment: "dev", ...(d && { kubernetesProvider: "default" }) }, o),
    Lakehouse: (o, d) =>
        new Lakehouse("x", { environment: "dev", objectStore: store(), postgres: fakePostgres("in-cluster"), ...(d && { kubernetesProvider: "default" }) }, o),
    Streaming: (o, d) => new Streaming("x", { environment: "dev", ...(d && { kubernetesProvider: "default" }) }, o),
    Tracking: (o, d) =>
        new Tracking("x", { environment: "dev", objectStore: store(), postgres: fakePostgres("in-cluster"), ...(d && { kubernetesProvider: "default" }) }, o),
    Orchestrator: (o, d) =>
        new Orchestrator("x", { environment: "dev", objectStore: store(), postgres: fakePostgres("in-cluster"), ...(d && { kubernetesProvider: "default" }) }, o),
    Serving: (o, d) => new Serving("x", { environment: "dev", certManager: "preinstalled", objectStore: store(), ...(d && { kubernetesProvider: "default" }) }, o),
    Monitoring: (o, d) => new Monitoring("x", { environment: "dev", ...(d && { kubernetesProvider: "default" }) }, o),
    Compute: (o, d) => new Compute("x", { environment: "dev", objectStore: store(), lakehouse: fakeMetastore(), ...(d && { kubernetesProvider: "default" }) }, o),
    FeatureStore: (o, d) =>
        new FeatureStore("x", { environment: "dev", objectStore: store(), postgres: fakePostgres("in-cluster"), ...(d && { kubernetesProvider: "default" }) }, o),
};

const attempt = <T>(build: () => T): T | Error => {
    try {
        return build();
    } catch (e) {
        return e as Error;
    }
};

describe("library: no component creates Kubernetes objects on an unnamed cluster", () => {
    for (const [label, build] of Object.entries(components)) {
        it(`${label}: without a provider, a clear error and nothing registered; with one (own or the parent's), or the default by name, it builds`, async () => {
            const bare = await runProgram(() => attempt(() => build({})));
            assert.ok(bare.result instanceof Error, "refused");
            assert.match(bare.result.message, new RegExp(`^${label.split(" ")[0]} "x": no Kubernetes provider`));
            assert.match(bare.result.message, /providers: \[cluster\.provider\]/);
            assert.match(bare.result.message, /kubernetesProvider: "default"/);
            assert.deepEqual(bare.resources.filter((r) => r.type.startsWith("kubernetes:") || r.type.startsWith("mlplatform:")), [], "nothing registered");

            const own = await runProgram(() => attempt(() => build({ providers: [new k8s.Provider("k8s", { kubeconfig: "{}" })] })));
            assert.ok(!(own.result instanceof Error), String(own.result));

            const inherited = await runProgram(() =>
                attempt(() => {
                    const parent = new pulumi.ComponentResource("test:index:Parent", "parent", {}, { providers: [new k8s.Provider("k8s", { kubeconfig: "{}" })] });
                    return build({ parent });
                }),
            );
            assert.ok(!(inherited.result instanceof Error), String(inherited.result));

            const byName = await runProgram(() => attempt(() => build({}, true)));
            assert.ok(!(byName.result instanceof Error), String(byName.result));
            const objects = byName.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
            assert.ok(objects.length > 0, "it created Kubernetes objects");
            assert.deepEqual([...new Set(objects.map((r) => r.provider))], [""], "none named: the engine's default provider");
        });
    }

    it("cloud object storage creates no Kubernetes object, so it needs no provider", async () => {
        const gcp = { project: "p", region: "europe-west1", network: pulumi.output("n"), subnetwork: pulumi.output("s"), workloadIdentityPool: "p.svc.id.goog" };
        const run = await runProgram(() => attempt(() => new ObjectStorage("x", { flavor: "gcs", environment: "prod", buckets: ["models"], gcp, namePrefix: "mlp" })));
        assert.ok(!(run.result instanceof Error), String(run.result));
    });
});
