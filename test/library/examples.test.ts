import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fakeKubeconfig, kubernetesResourcesWithoutProvider, runProgram } from "../harness";
import { program as existingCluster } from "./examples/existing-cluster";

describe("library: consumer programs, as the README shows them, type-check and run", () => {
    it("an existing cluster with MinIO, Postgres and MLflow: every object on the cluster's provider, policies from the declared flows", async () => {
        const run = await runProgram(() => existingCluster(fakeKubeconfig("https://k8s.corp:6443")));
        const provider = run.one("pulumi:providers:kubernetes");
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, provider.urn), []);
        const policies = run.byType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => `${p.inputs.metadata.namespace}/${p.inputs.metadata.name}`);
        for (const ns of ["ml-storage", "ml-postgres", "ml-tracking"]) assert.ok(policies.includes(`${ns}/default-deny`), ns);
        assert.ok(policies.includes("ml-tracking/egress-ml-postgres-5432"), "MLflow reaches its databases");
        assert.ok(policies.includes("ml-postgres/ingress-from-ml-tracking-5432"), "and Postgres lets it in");
        assert.ok(policies.includes("ml-tracking/egress-ml-storage-9000"), "MLflow reaches MinIO");
        assert.equal(run.result.trackingUri, "http://mlflow.ml-tracking.svc.cluster.local:5000");
    });
});
