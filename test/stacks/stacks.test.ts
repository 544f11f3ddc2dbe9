import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { parse as parseYaml } from "yaml";
import { ConfigError, loadStackConfig } from "../../stacks/config";
import { buildPlatform } from "../../stacks/platform";
import { constructStack, kubernetesResourcesWithoutProvider, loadStackFile, repoRoot, runProgram, shippedStacks } from "../harness";

describe("stacks construct from their real stack files", () => {
    for (const stack of shippedStacks) {
        it(`${stack}: builds, exports a secret kubeconfig, and names the provider on every Kubernetes object`, async () => {
            const run = await constructStack(stack);
            assert.equal(await pulumi.isSecret(run.result.kubeconfig), true);
            const provider = run.one("pulumi:providers:kubernetes");
            assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, provider.urn), []);
        });
    }

    it("dev is kind only: no cloud resources", async () => {
        const run = await constructStack("dev");
        assert.deepEqual(run.resources.filter((r) => /^(gcp|azure-native):/.test(r.type)), []);
        assert.equal(run.byType("command:local:Command").length, 1);
    });

    it("prod is GKE with deletion protection; prod-aks is AKS on the Standard tier", async () => {
        const gke = await constructStack("prod");
        assert.equal(gke.one("gcp:container/cluster:Cluster").inputs.deletionProtection, true);
        assert.deepEqual(gke.resources.filter((r) => /^(azure-native|command):/.test(r.type)), []);
        const aks = await constructStack("prod-aks");
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
        for (const stack of shippedStacks) {
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

describe("existing cluster: kubeconfig from a file or a secret, never both", () => {
    const base = { "ml-platform:environment": "dev", "ml-platform:ingress": JSON.stringify({ domain: "ml.corp.io", tls: { ca: { secretName: "corp-ca" } }, auth: "basic" }) };
    const existing = (cluster: Record<string, unknown>) => ({ ...base, "ml-platform:cluster": JSON.stringify({ provider: "existing", name: "corp", ...cluster }) });
    const attempt = (config: Record<string, string>, secretKeys: string[] = []) =>
        runProgram(
            () => {
                try {
                    return buildPlatform(loadStackConfig());
                } catch (e) {
                    return e as Error;
                }
            },
            { config, secretKeys },
        );

    it("reads kubeconfigPath into a secret kubeconfig output", async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kc-")), "config");
        fs.writeFileSync(file, "apiVersion: v1\nkind: Config\n");
        const run = await attempt(existing({ kubeconfigPath: file }));
        assert.ok(!(run.result instanceof Error), String(run.result));
        const platform = run.result as Awaited<ReturnType<typeof buildPlatform>>;
        assert.equal(await pulumi.isSecret(platform.kubeconfig), true);
    });

    it("takes the secret key ml-platform:kubeconfig", async () => {
        const run = await attempt({ ...existing({}), "ml-platform:kubeconfig": "apiVersion: v1\n" }, ["ml-platform:kubeconfig"]);
        assert.ok(!(run.result instanceof Error), String(run.result));
        assert.ok(run.one("pulumi:providers:kubernetes").secretInputs.has("kubeconfig"));
    });

    it("names the keys when neither, both, or a missing file is given", async () => {
        const neither = await attempt(existing({}));
        assert.match(String(neither.result), /ml-platform:cluster\.kubeconfigPath: got nothing; expected a kubeconfig file path, or the secret ml-platform:kubeconfig/);
        const both = await attempt({ ...existing({ kubeconfigPath: "/etc/hosts" }), "ml-platform:kubeconfig": "x" }, ["ml-platform:kubeconfig"]);
        assert.match(String(both.result), /ml-platform:cluster\.kubeconfigPath: got "\/etc\/hosts"; expected it unset when the secret ml-platform:kubeconfig is set/);
        const missing = await attempt(existing({ kubeconfigPath: "/nonexistent/kubeconfig" }));
        assert.match(String(missing.result), /ml-platform:cluster\.kubeconfigPath: got "\/nonexistent\/kubeconfig"; expected a readable kubeconfig file/);
        for (const r of [neither, both, missing]) assert.deepEqual(r.resources, []);
    });

    it("rejects a kubeconfig stored in plaintext", async () => {
        const run = await attempt({ ...existing({}), "ml-platform:kubeconfig": "apiVersion: v1\n" });
        assert.match(String(run.result), /ml-platform:kubeconfig: got a plaintext value; expected a secret/);
        assert.doesNotMatch(String(run.result), /apiVersion/);
    });
});
