import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { ConfigError, parsePlatformConfig } from "../../stacks/config";
import { main } from "../../stacks/main";
import { REPLACEMENT_TRIGGERS, replacementProblems, replacementTriggers, TRIGGERS_OUTPUT } from "../../stacks/upgrade";
import { repoRoot, runProgram, shippedStackConfig } from "../harness";
import { releases } from "../upgrade/releases";

const ctx = { project: "ml-platform", stack: "prod" };
/** The prod stack's validated config, as its stack file and the example organisation values make it. */
function prodConfig(stack: "prod" | "prod-aks", overrides: Record<string, unknown> = {}) {
    const { config, secretKeys } = shippedStackConfig(stack);
    // Secrets are not settings: only whether they are set counts (the SSO client secret of the example org values).
    const raw = Object.fromEntries(
        Object.entries(config)
            .filter(([k]) => k.startsWith("ml-platform:") && !secretKeys.includes(k))
            .map(([k, v]) => [k.slice("ml-platform:".length), /^[[{]/.test(v) ? JSON.parse(v) : v]),
    );
    return parsePlatformConfig({ ...raw, ...overrides }, { ...ctx, ssoClientSecretSet: secretKeys.includes("ml-platform:ssoClientSecret") });
}
const gke = prodConfig("prod");
const deployed = replacementTriggers(gke);
const withCluster = (patch: Record<string, unknown>, stack: "prod" | "prod-aks" = "prod") => {
    const base = prodConfig(stack);
    return prodConfig(stack, { cluster: { ...base.cluster, ...patch } });
};

describe("replacement triggers: changes that would replace what a prod platform holds are refused", () => {
    it("records every trigger that applies to the stack's cluster provider", () => {
        assert.deepEqual(Object.keys(deployed).sort(), [
            "cluster.name", "cluster.network.masterCidr", "cluster.network.nodesCidr", "cluster.project", "cluster.provider", "cluster.region",
            "components.compute", "components.featureStore", "components.lakehouse", "components.monitoring", "components.notebooks", "components.orchestrator", "components.serving", "components.streaming", "components.tracking",
            "deployedEnvironment", "environment", "streaming.topics",
        ]);
        assert.equal(deployed["cluster.region"], "europe-west1");
    });

    it("the first deployment and an unchanged config pass", () => {
        assert.deepEqual(replacementProblems(undefined, gke), []);
        assert.deepEqual(replacementProblems(deployed, gke), []);
    });

    it("a new cluster name is refused with the key, both values, what it replaces and the override", () => {
        assert.deepEqual(replacementProblems(deployed, withCluster({ name: "ml-prod-2" })), [
            'ml-platform:cluster.name: got "ml-prod-2"; expected "ml-platform-prod" as deployed: this replaces the cluster, its network and node pools, ' +
                "and every bucket, database server and storage account named after it. " +
                'To do it anyway, list "cluster.name" in ml-platform:upgrade.allowReplacement for that one update.',
        ]);
    });

    it("passes when upgrade.allowReplacement lists the key", () => {
        const renamed = prodConfig("prod", { cluster: { ...gke.cluster, name: "ml-prod-2" }, upgrade: { allowReplacement: ["cluster.name"] } });
        assert.deepEqual(replacementProblems(deployed, renamed), []);
    });

    it("a GKE nodes range may grow in place, not move or shrink", () => {
        const nodes = (nodesCidr: string) => withCluster({ network: { ...(gke.cluster as { network: object }).network, nodesCidr } });
        assert.deepEqual(replacementProblems(deployed, nodes("10.10.0.0/19")), []);
        assert.match(replacementProblems(deployed, nodes("10.10.0.0/21")).join(), /ml-platform:cluster\.network\.nodesCidr: got "10\.10\.0\.0\/21"; expected "10\.10\.0\.0\/20" as deployed/);
        assert.match(replacementProblems(deployed, nodes("10.12.0.0/20")).join(), /cluster\.network\.nodesCidr/);
    });

    it("turning a component off and dropping a topic delete data; turning one on and adding topics do not", () => {
        const withTopics = prodConfig("prod", { streaming: { topics: [{ name: "orders" }, { name: "payments" }] } });
        const before = replacementTriggers(withTopics);
        assert.deepEqual(replacementProblems(before, prodConfig("prod", { streaming: { topics: [{ name: "orders" }, { name: "payments" }, { name: "refunds" }] } })), []);
        assert.match(replacementProblems(before, prodConfig("prod", { streaming: { topics: [{ name: "orders" }] } })).join(), /ml-platform:streaming\.topics: got \["orders"\]; expected \["orders","payments"\] as deployed: this deletes every topic removed/);
        const off = replacementProblems(before, prodConfig("prod", { components: { ...gke.components, tracking: false } }));
        assert.match(off.join(), /ml-platform:components\.tracking: got false; expected true as deployed: this deletes the MLflow database/);
        assert.deepEqual(replacementProblems(replacementTriggers(prodConfig("prod", { components: { ...gke.components, tracking: false } })), gke), []);
    });

    it("AKS: the network profile and a pool's VM size are triggers; the SKU tier is not", () => {
        const aks = prodConfig("prod-aks");
        const before = replacementTriggers(aks);
        const network = (aks.cluster as { network: Record<string, string> }).network;
        assert.match(replacementProblems(before, withCluster({ network: { ...network, podsCidr: "10.250.0.0/16" } }, "prod-aks")).join(), /cluster\.network\.podsCidr: .*replaces the AKS cluster/);
        assert.match(replacementProblems(before, withCluster({ userPool: { machineType: "Standard_D16s_v5", minNodes: 3, maxNodes: 20 } }, "prod-aks")).join(), /cluster\.userPool\.machineType: got "Standard_D16s_v5"; expected "Standard_D8s_v5"/);
        assert.deepEqual(replacementProblems(before, withCluster({ skuTier: "Free" }, "prod-aks")), []);
    });

    it("holds when either side is prod, not between dev configs", () => {
        const dev = parsePlatformConfig({ environment: "dev", cluster: { provider: "kind" } }, ctx);
        const devRenamed = parsePlatformConfig({ environment: "dev", cluster: { provider: "kind", name: "other" } }, ctx);
        assert.deepEqual(replacementProblems(replacementTriggers(dev), devRenamed), []);
        const gkeAsDev = prodConfig("prod", { environment: "dev" });
        assert.match(replacementProblems(deployed, gkeAsDev).join(), /ml-platform:environment: got "dev"; expected "prod" as deployed/);
    });

    it("upgrade.allowReplacement accepts only trigger keys, by name", () => {
        assert.throws(
            () => prodConfig("prod", { upgrade: { allowReplacement: ["cluster.nme"] } }),
            (e: unknown) => e instanceof ConfigError && /ml-platform:upgrade\.allowReplacement\[0\]: got "cluster\.nme"; expected one of "environment"\|"cluster\.provider"\|"cluster\.name"/.test(e.message),
        );
    });

    it("CHANGELOG, package.json and the recorded snapshots agree on the released versions", () => {
        const changelog = fs.readFileSync(path.join(repoRoot, "CHANGELOG.md"), "utf8");
        const versions = [...changelog.matchAll(/^## (\d+\.\d+\.\d+)/gm)].map((m) => m[1]);
        assert.equal(versions[0], JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).version, "the newest CHANGELOG release is package.json's version");
        assert.deepEqual([...versions].reverse(), releases());
    });

    it("the README's Upgrading section lists every trigger", () => {
        const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
        const section = readme.slice(readme.indexOf("## Upgrading"), readme.indexOf("\n## ", readme.indexOf("## Upgrading") + 1));
        for (const t of REPLACEMENT_TRIGGERS) assert.ok(section.includes(`\`${t.key}\``), t.key);
    });
});

describe("the stack program reads its last deployment's triggers from the stack itself", () => {
    const attempt = (previousOutputs: Record<string, unknown>) => {
        const { config, secretKeys } = shippedStackConfig("prod");
        return runProgram(
            async () => {
                try {
                    return await main();
                } catch (e) {
                    return e as Error;
                }
            },
            { stack: "prod", config, secretKeys, outputs: { "pulumi:pulumi:StackReference": (i) => ({ name: i.name, outputs: previousOutputs, secretOutputNames: [] }) } },
        );
    };

    it("a changed region stops the program before any resource is registered", async () => {
        const run = await attempt({ [TRIGGERS_OUTPUT]: { ...deployed, "cluster.region": "europe-west4" } });
        assert.ok(run.result instanceof ConfigError, String(run.result));
        assert.match(run.result.message, /^Invalid configuration for stack "prod" \(1 problem\); nothing was deployed:\n  - ml-platform:cluster\.region: got "europe-west1"; expected "europe-west4" as deployed/);
        assert.deepEqual(run.resources, []);
    });

    it("the same triggers deploy, and are exported again for the next run", async () => {
        const run = await attempt({ [TRIGGERS_OUTPUT]: deployed });
        assert.ok(!(run.result instanceof Error), String(run.result));
        assert.deepEqual((run.result as Awaited<ReturnType<typeof main>>)[TRIGGERS_OUTPUT], deployed);
        assert.ok(run.resources.length > 200);
    });

    it("reads the stack by its fully qualified name", async () => {
        let read = "";
        const { config, secretKeys } = shippedStackConfig("dev");
        await runProgram(async () => void (await main()), {
            stack: "dev", config, secretKeys,
            outputs: { "pulumi:pulumi:StackReference": (i) => ((read = i.name), { outputs: {}, secretOutputNames: [] }) },
        });
        assert.equal(read, "organization/ml-platform/dev");
    });
});
