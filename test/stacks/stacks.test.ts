import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { parse as parseYaml } from "yaml";
import { ConfigError, loadStackConfig } from "../../stacks/config";
import { buildPlatform } from "../../stacks/platform";
import { kubernetesResourcesWithoutProvider, loadStackFile, repoRoot, runProgram, withConfig } from "../harness";

/** The organisation-specific values each prod stack file documents as required (see its header). */
export const orgValues = {
    prod: { project: "acme-ml-prod", masterAuthorizedNetworks: [{ cidr: "198.51.100.0/24", displayName: "office" }] },
    "prod-aks": { adminGroupObjectIds: ["6f1c2a3b-1d2e-4f50-9a6b-7c8d9e0f1a2b"], authorizedIpRanges: ["198.51.100.0/24"] },
};

const stackFiles = {
    dev: () => loadStackFile("dev"),
    prod: () => withConfig("prod", "ml-platform:cluster", orgValues.prod),
    "prod-aks": () => withConfig("prod-aks", "ml-platform:cluster", orgValues["prod-aks"]),
};

async function construct(stack: keyof typeof stackFiles) {
    const { config, secretKeys } = stackFiles[stack]();
    return runProgram(() => buildPlatform(loadStackConfig()), { stack, config, secretKeys });
}

describe("stacks construct from their real stack files", () => {
    for (const stack of Object.keys(stackFiles) as (keyof typeof stackFiles)[]) {
        it(`${stack}: builds, exports a secret kubeconfig, and names the provider on every Kubernetes object`, async () => {
            const run = await construct(stack);
            assert.equal(await pulumi.isSecret(run.result.kubeconfig), true);
            const provider = run.one("pulumi:providers:kubernetes");
            assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, provider.urn), []);
        });
    }

    it("dev is kind only: no cloud resources", async () => {
        const run = await construct("dev");
        assert.deepEqual(run.resources.filter((r) => /^(gcp|azure-native):/.test(r.type)), []);
        assert.equal(run.byType("command:local:Command").length, 1);
    });

    it("prod is GKE with deletion protection; prod-aks is AKS on the Standard tier", async () => {
        const gke = await construct("prod");
        assert.equal(gke.one("gcp:container/cluster:Cluster").inputs.deletionProtection, true);
        assert.deepEqual(gke.resources.filter((r) => /^(azure-native|command):/.test(r.type)), []);
        const aks = await construct("prod-aks");
        assert.equal(aks.one("azure-native:containerservice:ManagedCluster").inputs.sku.tier, "Standard");
        assert.deepEqual(aks.resources.filter((r) => /^(gcp|command):/.test(r.type)), []);
    });

    it("a prod stack file without the organisation's values fails with the keys to set, before any resource", async () => {
        const { config, secretKeys } = loadStackFile("prod");
        const run = await runProgram(
            () => {
                try {
                    buildPlatform(loadStackConfig());
                    return undefined;
                } catch (e) {
                    return e;
                }
            },
            { stack: "prod", config, secretKeys },
        );
        assert.ok(run.result instanceof ConfigError);
        assert.match(run.result.message, /ml-platform:cluster\.project: got nothing; expected string \(required when ml-platform:cluster\.provider is "gke"\)/);
        assert.deepEqual(run.resources, []);
    });

    it("every stack disables the default Kubernetes provider", () => {
        for (const stack of Object.keys(stackFiles)) {
            const file = parseYaml(fs.readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8"));
            assert.deepEqual(file.config["pulumi:disable-default-providers"], ["kubernetes"], stack);
        }
    });
});

describe("explicit provider check", () => {
    it("flags a Kubernetes object created without the cluster's provider", async () => {
        const run = await runProgram(() => {
            const good = new k8s.Provider("cluster-k8s", { kubeconfig: "{}" });
            new k8s.core.v1.Namespace("with-provider", {}, { provider: good });
            new k8s.core.v1.Namespace("ambient", {});
        });
        const provider = run.one("pulumi:providers:kubernetes", "cluster-k8s");
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, provider.urn).map((r) => r.name), ["ambient"]);
    });
});
