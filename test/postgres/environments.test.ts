/**
 * What each environment creates for storage and databases, composed the way a stack does it: the real Cluster
 * component, then ObjectStorage and PostgresServer fed with its cluster info and provider.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Cluster, ObjectStorage, PostgresServer, RetainStorageClass } from "../../components";
import { Registration, runProgram } from "../harness";
import { cloudResources, containersOf, mebibytes, millicores, outputs } from "../storage/fixtures";
import { exampleAks, exampleGke } from "../clusters";

const buckets = ["bronze", "silver", "gold", "mlflow"];

const gke = exampleGke;
const aks = exampleAks;

const inClusterData = (rs: Registration[]) =>
    rs.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet" || r.type === "kubernetes:apps/v1:Deployment").map((r) => r.inputs.metadata.name);

describe("data foundations per environment", async () => {
    const dev = await runProgram(() => {
        const cluster = new Cluster("cluster", { provider: "kind", name: "mlp-dev" });
        const providers = [cluster.provider];
        new ObjectStorage("storage", { flavor: "minio", environment: "dev", buckets }, { providers });
        new PostgresServer("postgres", { flavor: "in-cluster", environment: "dev" }, { providers });
        new RetainStorageClass("data", { provider: "kind" }, { providers });
    }, { outputs });

    const onGke = await runProgram(() => {
        const cluster = new Cluster("cluster", gke);
        const providers = [cluster.provider];
        new ObjectStorage("storage", { flavor: "gcs", environment: "prod", buckets, gcp: cluster.gcp!, namePrefix: "mlp-prod" });
        new PostgresServer("postgres", { flavor: "cloudsql", environment: "prod", gcp: cluster.gcp!, instanceName: "mlp-prod-pg" }, { providers });
        new RetainStorageClass("data", { provider: "gke" }, { providers });
    }, { outputs });

    const onAks = await runProgram(() => {
        const cluster = new Cluster("cluster", aks);
        const providers = [cluster.provider];
        new ObjectStorage("storage", { flavor: "adls", environment: "prod", buckets, azure: cluster.azure!, namePrefix: "mlp-prod" });
        new PostgresServer(
            "postgres",
            { flavor: "flexible", environment: "prod", azure: cluster.azure!, namePrefix: "mlp-prod", subnetCidr: "10.30.16.0/24" },
            { providers },
        );
        new RetainStorageClass("data", { provider: "aks" }, { providers });
    }, { outputs });

    it("kind: MinIO and Postgres in the cluster, no cloud resource at all", () => {
        assert.deepEqual(cloudResources(dev.resources), []);
        assert.deepEqual(inClusterData(dev.resources).sort(), ["minio", "postgres"]);
        assert.equal(dev.byType("kubernetes:storage.k8s.io/v1:StorageClass").length, 0);
    });

    it("GKE prod: GCS and Cloud SQL, no MinIO or Postgres pod, a Retain StorageClass", () => {
        assert.deepEqual(inClusterData(onGke.resources), []);
        assert.equal(onGke.byType("gcp:storage/bucket:Bucket").length, buckets.length);
        assert.equal(onGke.byType("gcp:sql/databaseInstance:DatabaseInstance").length, 1);
        assert.equal(onGke.one("kubernetes:storage.k8s.io/v1:StorageClass").inputs.reclaimPolicy, "Retain");
    });

    it("AKS prod: ADLS Gen2 and Flexible Server, no MinIO or Postgres pod, a Retain StorageClass", () => {
        assert.deepEqual(inClusterData(onAks.resources), []);
        assert.equal(onAks.byType("azure-native:storage:StorageAccount").length, 1);
        assert.equal(onAks.byType("azure-native:dbforpostgresql:Server").length, 1);
        assert.equal(onAks.one("kubernetes:storage.k8s.io/v1:StorageClass").inputs.reclaimPolicy, "Retain");
    });

    it("prod data stores are protected", () => {
        for (const r of [
            ...onGke.byType("gcp:storage/bucket:Bucket"),
            ...onGke.byType("gcp:sql/databaseInstance:DatabaseInstance"),
            ...onAks.byType("azure-native:storage:StorageAccount"),
            ...onAks.byType("azure-native:storage:BlobContainer"),
            ...onAks.byType("azure-native:dbforpostgresql:Server"),
        ]) {
            assert.equal(r.protect, true, `${r.type} ${r.name}`);
        }
    });

    it("cloud data services do not wait for the Kubernetes cluster: they are created alongside it", () => {
        const gkeCluster = onGke.one("gcp:container/cluster:Cluster").urn;
        for (const r of [...onGke.byType("gcp:storage/bucket:Bucket"), ...onGke.byType("gcp:sql/databaseInstance:DatabaseInstance"), ...onGke.byType("gcp:compute/globalAddress:GlobalAddress")]) {
            assert.ok(!r.dependencies.includes(gkeCluster), `${r.name} waits for the GKE cluster`);
        }
        const aksCluster = onAks.one("azure-native:containerservice:ManagedCluster").urn;
        for (const r of [
            ...onAks.byType("azure-native:storage:StorageAccount"),
            ...onAks.byType("azure-native:dbforpostgresql:Server"),
            ...onAks.byType("azure-native:network:Subnet").filter((s) => s.name === "postgres-subnet"),
        ]) {
            assert.ok(!r.dependencies.includes(aksCluster), `${r.name} waits for the AKS cluster`);
        }
    });

    it("measured: the dev data services request 200m CPU and 256Mi memory (limits 2 CPU, 2Gi)", () => {
        const longRunning = dev.byType("kubernetes:apps/v1:StatefulSet").flatMap(containersOf);
        const sum = (pick: (c: any) => number) => longRunning.reduce((acc, c) => acc + pick(c), 0);
        assert.equal(sum((c) => millicores(c.resources.requests.cpu)), 200);
        assert.equal(sum((c) => mebibytes(c.resources.requests.memory)), 256);
        assert.equal(sum((c) => millicores(c.resources.limits.cpu)), 2000);
        assert.equal(sum((c) => mebibytes(c.resources.limits.memory)), 2048);
        // Run-to-completion setup Jobs add 50m/64Mi each while they run.
        for (const c of dev.byType("kubernetes:batch/v1:Job").flatMap(containersOf)) {
            assert.deepEqual(c.resources.requests, { cpu: "50m", memory: "64Mi" });
        }
    });
});
