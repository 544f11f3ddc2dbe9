import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { CertManager, FeatureStore, Ingress, Lakehouse, Monitoring, ObjectStorage, Orchestrator, PostgresServer, Serving, Streaming, Tracking } from "../../components";
import { validateExistingBucketName, validateExistingBuckets } from "../../components/storage/names";
import { fakeKubeconfig, kubernetesResourcesWithoutProvider, runProgram, unwrap } from "../harness";
import { program as fromAnotherStack } from "./examples/from-another-stack";

const infraOutputs = {
    kubeconfig: fakeKubeconfig("https://gke.corp:443"),
    mlflowBucket: "acme-infra-mlflow",
    postgresPrivateIp: "10.60.0.12",
    clusterIssuer: "acme-issuer",
};

describe("library: args from another stack's outputs", () => {
    it("a StackReference's outputs go into the args as they are and reach the objects that use them", async () => {
        const run = await runProgram(fromAnotherStack, { outputs: { "pulumi:pulumi:StackReference": () => ({ outputs: infraOutputs, secretOutputNames: [] }) } });
        const provider = run.one("pulumi:providers:kubernetes");
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, provider.urn), []);
        assert.deepEqual([...new Set(run.byType("gcp:storage/bucketIAMMember:BucketIAMMember").map((m) => m.inputs.bucket))], ["acme-infra-mlflow"]);
        assert.equal(await unwrap(run.result.artifacts), "gs://acme-infra-mlflow");
        for (const job of run.byType("kubernetes:batch/v1:Job").filter((j) => j.inputs.metadata.name?.startsWith("provision-"))) {
            const env = Object.fromEntries(job.inputs.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
            assert.equal(env.PGHOST, "10.60.0.12");
        }
        assert.equal(run.one("kubernetes:networking.k8s.io/v1:Ingress").inputs.metadata.annotations["cert-manager.io/cluster-issuer"], "acme-issuer");
        const mlflow = run.one("kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0];
        assert.ok(mlflow.args.join(" ").includes("mlflow.ml.acme.example.com"), "MLflow accepts the ingress host");
        // The policies cannot wait for the address: they allow the subnet given as `peer`.
        const policies = run.byType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => `${p.inputs.metadata.namespace}/${p.inputs.metadata.name}`);
        assert.ok(policies.includes("ml-tracking/egress-cidr-10-60-0-0-24-5432"), policies.join("\n"));
        assert.equal(await unwrap(run.result.postgresHost), "10.60.0.12");
        assert.equal(await unwrap(run.result.namespace), "ml-tracking");
    });

    it("an existing bucket name from an output is checked when it is known; a plain one at once", () => {
        assert.throws(() => validateExistingBuckets("gcs", { mlflow: "Bad_Name" }), /existing\.buckets: "mlflow": "Bad_Name" is not a GCS bucket name/);
        assert.doesNotThrow(() => validateExistingBuckets("gcs", { mlflow: pulumi.output("later") }));
        assert.throws(() => validateExistingBuckets("gcs", { mlflow: undefined }), /"mlflow": "undefined" is not/);
        assert.throws(() => validateExistingBucketName("s3", "mlflow", "x"), /existing\.buckets: "mlflow": "x" is not an S3 bucket name/);
        assert.equal(validateExistingBucketName("adls", "mlflow", "mlflow-artifacts"), "mlflow-artifacts");
    });

    it("an existing Postgres host from an output without a peer: the flows go to any address on the port", async () => {
        const run = await runProgram(() => {
            const opts = { providers: [new k8s.Provider("k8s", { kubeconfig: "{}" })] };
            return new PostgresServer("pg", { flavor: "existing", host: pulumi.output("db.corp.internal"), sslMode: "require", adminSecret: { namespace: "dba", name: "admin" } }, opts);
        });
        assert.deepEqual(run.result.flows.map((f) => [f.to, f.ports]), [[{ cidr: "0.0.0.0/0" }, [5432]]]);
        assert.equal(await unwrap(run.result.host), "db.corp.internal");
        assert.equal(await unwrap(run.result.port), 5432);
    });
});

describe("library: what components publish", () => {
    it("every namespace, URL and name a component publishes is an Output; the network and monitoring data stay plain", async () => {
        const run = await runProgram(() => {
            const opts = { providers: [new k8s.Provider("k8s", { kubeconfig: "{}" })] };
            const buckets = ["mlflow", "bronze", "silver", "gold", "airflow-logs", "models"];
            const objectStore = new ObjectStorage("storage", { flavor: "minio", environment: "dev", buckets }, opts);
            const postgres = new PostgresServer("postgres", { flavor: "in-cluster", environment: "dev" }, opts);
            const shared = { environment: "dev" as const, objectStore, postgres };
            const certs = new CertManager("cert-manager", { environment: "dev", issuer: { ca: { secretName: "corp-ca" } } }, opts);
            const ingress = new Ingress("ingress", { environment: "dev" }, opts);
            const tracking = new Tracking("tracking", shared, opts);
            const lakehouse = new Lakehouse("lakehouse", shared, opts);
            const features = new FeatureStore("features", shared, opts);
            const serving = new Serving("serving", { environment: "dev", certManager: certs.release!, objectStore, models: [] }, opts);
            const streaming = new Streaming("streaming", { environment: "dev" }, opts);
            const orchestrator = new Orchestrator("orchestrator", shared, opts);
            const monitoring = new Monitoring("monitoring", { environment: "dev", postgres }, opts);
            return { postgres, certs, ingress, tracking, lakehouse, features, serving, streaming, orchestrator, monitoring };
        });
        const r = run.result;
        const published: Record<string, unknown> = {
            "PostgresServer.host": r.postgres.host,
            "PostgresServer.port": r.postgres.port,
            "CertManager.namespace": r.certs.namespace,
            "CertManager.clusterIssuer": r.certs.clusterIssuer,
            "Ingress.namespace": r.ingress.namespace,
            "Ingress.className": r.ingress.className,
            "Tracking.namespace": r.tracking.namespace,
            "Tracking.trackingUri": r.tracking.trackingUri,
            "Tracking.adminUsername": r.tracking.adminUsername,
            "Tracking.artifactsBucket": r.tracking.artifactsBucket,
            "Lakehouse.namespace": r.lakehouse.namespace,
            "Lakehouse.trinoUrl": r.lakehouse.trinoUrl,
            "FeatureStore.namespace": r.features.namespace,
            "FeatureStore.url": r.features.url,
            "FeatureStore.featureStoreYaml": r.features.featureStoreYaml,
            "Serving.namespace": r.serving.namespace,
            "Serving.controllerNamespace": r.serving.controllerNamespace,
            "Streaming.namespace": r.streaming.namespace,
            "Streaming.bootstrapServers": r.streaming.bootstrapServers,
            "Orchestrator.namespace": r.orchestrator.namespace,
            "Orchestrator.uiUrl": r.orchestrator.uiUrl,
            "Monitoring.namespace": r.monitoring.namespace,
            "Monitoring.grafanaUrl": r.monitoring.grafanaUrl,
        };
        assert.deepEqual(Object.entries(published).filter(([, v]) => !pulumi.Output.isInstance(v)).map(([k]) => k), []);
        assert.equal(await unwrap(r.tracking.namespace), "ml-tracking");
        assert.equal(await unwrap(r.certs.clusterIssuer!), "ml-platform");
        // Plain on purpose: NetworkPolicies and scrape configs are derived from them when the program runs.
        for (const c of [r.postgres, r.certs, r.ingress, r.tracking, r.lakehouse, r.features, r.serving, r.streaming, r.orchestrator, r.monitoring]) {
            assert.ok(c.namespaces.every((n) => typeof n === "string"));
        }
        assert.equal(typeof r.tracking.ui.namespace, "string");
    });
});
