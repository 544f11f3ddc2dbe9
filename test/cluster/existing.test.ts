import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../components";
import { fakeKubeconfig, runProgram, unwrap } from "../harness";

describe("existing: a cluster the user already has", () => {
    it("creates nothing but the provider, with the given context, and keeps the kubeconfig secret", async () => {
        const kubeconfig = fakeKubeconfig("https://k8s.corp:6443");
        const run = await runProgram(() => new Cluster("shared", { provider: "existing", name: "corp", kubeconfig, context: "corp-admin" }));
        assert.deepEqual(run.resources.filter((r) => r.custom).map((r) => r.type), ["pulumi:providers:kubernetes"]);
        const provider = run.one("pulumi:providers:kubernetes");
        assert.equal(provider.inputs.context, "corp-admin");
        assert.equal(provider.inputs.clusterIdentifier, "existing/corp/corp-admin");
        assert.ok(provider.secretInputs.has("kubeconfig"));
        assert.equal(await pulumi.isSecret(run.result.kubeconfig), true);
        assert.equal(await unwrap(run.result.kubeconfig), kubeconfig);
    });
});
