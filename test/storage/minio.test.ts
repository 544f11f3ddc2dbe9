import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ObjectStorage } from "../../components";
import { kubernetesResourcesWithoutProvider, runProgram, unwrap } from "../harness";
import { cloudResources, Consumer, containersOf, newProvider, outputs, podSpecOf } from "./fixtures";
import { clientNs } from "../fakes";

const buckets = ["bronze", "silver", "gold", "mlflow"];

describe("minio: ObjectStorage under mocks", async () => {
    const run = await runProgram(
        async () => {
            const provider = newProvider();
            const store = new ObjectStorage("storage", { flavor: "minio", environment: "dev", buckets }, { providers: [provider] });
            const consumer = new Consumer("mlflow", { providers: [provider] });
            const access = store.grantAccess(
                "mlflow-artifacts",
                { namespace: clientNs("ml-tracking"), serviceAccountName: "mlflow", buckets: ["mlflow"], access: "readwrite" },
                consumer,
            );
            return {
                providerUrn: await unwrap(provider.urn),
                store,
                access,
                uri: await unwrap(store.uri("gold", "/tables/orders")),
                endpoint: await unwrap(store.s3Endpoint!),
                console: await unwrap(store.consoleEndpoint!),
                bucketNames: await unwrap(pulumi.all(store.buckets)),
                credentialsSecret: await unwrap(access.credentialsSecret!),
                annotations: await unwrap(access.serviceAccountAnnotations),
            };
        },
        { outputs },
    );
    const { result } = run;

    it("creates no cloud resource", () => {
        assert.deepEqual(cloudResources(run.resources), []);
    });

    it("deploys every Kubernetes object through the explicit provider", () => {
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, result.providerUrn).map((r) => r.name), []);
    });

    it("runs in its own namespace under Pod Security restricted", () => {
        const ns = run.one("kubernetes:core/v1:Namespace").inputs;
        assert.equal(ns.metadata.name, "ml-storage");
        assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    });

    it("generates root credentials, keeps them secret, and hands them to MinIO only by Secret reference", () => {
        const passwords = run.byType("random:index/randomPassword:RandomPassword").map((r) => r.name).sort();
        assert.deepEqual(passwords, ["mlflow-artifacts-minio-secret-key", "storage-root-password", "storage-root-user"]);
        const root = run.byType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "minio-root")!;
        assert.ok(root.secretInputs.has("stringData"));
        assert.deepEqual(root.inputs.stringData, {
            "root-user": "generated-storage-root-user",
            "root-password": "generated-storage-root-password",
        });
        const manifests = JSON.stringify(run.byType("kubernetes:apps/v1:StatefulSet").concat(run.byType("kubernetes:batch/v1:Job")));
        assert.ok(!manifests.includes("generated-"), "no generated credential appears in a workload manifest");
    });

    it("runs the pinned official image with a PVC, probes and the console on its own Service", () => {
        const sts = run.one("kubernetes:apps/v1:StatefulSet");
        const [c] = containersOf(sts);
        assert.equal(c.image, "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z");
        assert.ok(c.readinessProbe && c.livenessProbe);
        assert.equal(podSpecOf(sts).securityContext.runAsNonRoot, true);
        assert.equal(sts.inputs.spec.volumeClaimTemplates[0].spec.storageClassName, "standard");
        const services = Object.fromEntries<any>(run.byType("kubernetes:core/v1:Service").map((s) => [s.inputs.metadata.name, s.inputs.spec]));
        assert.deepEqual(services["minio-console"].ports, [{ name: "console", port: 9001, targetPort: "console" }]);
        assert.deepEqual(services.minio.ports, [{ name: "s3", port: 9000, targetPort: "s3" }]);
        assert.equal(services["minio-headless"].clusterIP, "None");
        assert.equal(result.console, "http://minio-console.ml-storage.svc.cluster.local:9001");
    });

    it("creates the buckets declaratively with the pinned mc image, after MinIO is ready", () => {
        const job = run.byType("kubernetes:batch/v1:Job").find((j) => j.name === "storage-buckets")!;
        const [c] = containersOf(job);
        assert.equal(c.image, "quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z");
        for (const b of buckets) assert.match(c.command[2], new RegExp(`mc mb --ignore-existing "local/${b}"`));
        const sts = run.one("kubernetes:apps/v1:StatefulSet");
        assert.ok(job.dependencies.includes(sts.urn));
        // Fixed, short names (kubectl logs job/minio-buckets); a changed Job is deleted before it is re-created.
        assert.equal(job.inputs.metadata.name, "minio-buckets");
        assert.equal(job.deleteBeforeReplace, true);
    });

    it("exposes the real bucket names, the in-cluster S3 endpoint and s3:// URIs", () => {
        assert.deepEqual(result.bucketNames, { bronze: "bronze", silver: "silver", gold: "gold", mlflow: "mlflow" });
        assert.equal(result.endpoint, "http://minio.ml-storage.svc.cluster.local:9000");
        assert.equal(result.uri, "s3://gold/tables/orders");
        assert.throws(() => result.store.uri("nope"), /unknown bucket\(s\) "nope".*known: bronze, silver, gold, mlflow/);
    });

    it("a grant is its own MinIO user with a bucket-scoped policy, set up by a Job", () => {
        const job = run.byType("kubernetes:batch/v1:Job").find((j) => j.name === "mlflow-artifacts-minio-user")!;
        const [c] = containersOf(job);
        assert.match(c.command[2], /"arn:aws:s3:::mlflow\/\*"/);
        assert.doesNotMatch(c.command[2], /arn:aws:s3:::gold/);
        const env = Object.fromEntries(c.env.map((e: any) => [e.name, e]));
        assert.equal(env.ACCESS_KEY.value, "mlp-mlflow-artifacts");
        assert.deepEqual(env.SECRET_KEY.valueFrom, { secretKeyRef: { name: "user-mlflow-artifacts", key: "secret-key" } });
        assert.match(job.inputs.spec.template.metadata.annotations["ml-platform/secret-key-checksum"], /^[0-9a-f]{64}$/);
        assert.equal(job.parent, run.one("test:consumer:Consumer").urn);
    });

    it("delivers the grant's keys as a Secret in the consumer's namespace, only after the user exists", () => {
        const secret = run.byType("kubernetes:core/v1:Secret").find((s) => s.name === "mlflow-artifacts-s3-credentials")!;
        assert.equal(secret.inputs.metadata.namespace, "ml-tracking");
        assert.ok(secret.secretInputs.has("stringData"));
        assert.deepEqual(Object.keys(secret.inputs.stringData).sort(), ["AWS_ACCESS_KEY_ID", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_SECRET_ACCESS_KEY"]);
        assert.equal(secret.inputs.stringData.AWS_SECRET_ACCESS_KEY, "generated-mlflow-artifacts-minio-secret-key");
        const job = run.byType("kubernetes:batch/v1:Job").find((j) => j.name === "mlflow-artifacts-minio-user")!;
        assert.ok(secret.dependencies.includes(job.urn));
        assert.equal(result.credentialsSecret, "mlflow-artifacts-s3-credentials");
        assert.deepEqual(result.annotations, {});
        assert.deepEqual(result.access.podLabels, {});
    });

    it("refuses grants on buckets it does not have", () => {
        assert.throws(
            () => result.store.grantAccess("x", { namespace: clientNs("n"), serviceAccountName: "sa", buckets: ["missing"], access: "read" }, result.store),
            /grantAccess\("x"\): unknown bucket\(s\) "missing"/,
        );
    });
});

describe("minio: refused outside dev", () => {
    it("fails fast in prod, pointing at the managed flavors", async () => {
        await assert.rejects(
            runProgram(() => new ObjectStorage("s", { flavor: "minio", environment: "prod", buckets: ["gold"] }, { providers: [newProvider()] })),
            /flavor "minio" is a single-drive dev store and is refused for environment "prod"; use flavor "gcs" \(GKE\) or "adls" \(AKS\)/,
        );
    });
});
