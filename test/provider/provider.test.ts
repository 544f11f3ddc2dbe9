import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { Cluster, Platform } from "../../provider/components";
import { packageSchema, platformArgsSource, PROVIDER_DIR, renderSchema } from "../../scripts/provider-generate";
import { platformConfigSchema, SECRET_KEYS } from "../../stacks/schema";
import { constructStack, exampleOrgValues, loadStackFile, PROJECT, runProgram, withConfig } from "../harness";

const read = (file: string) => fs.readFileSync(path.join(PROVIDER_DIR, file), "utf8");

/** A stack file's `ml-platform:*` settings as the plain object a Python program would pass to `Platform`. */
function settingsOf(stack: string, org: Record<string, Record<string, unknown>> = {}) {
    const { config } = Object.keys(org).length ? withConfig(stack, org) : loadStackFile(stack);
    const prefix = `${PROJECT}:`;
    return Object.fromEntries(
        Object.entries(config)
            .filter(([k]) => k.startsWith(prefix))
            .map(([k, v]) => [k.slice(prefix.length), /^\s*[[{]/.test(v) ? JSON.parse(v) : v]),
    );
}

/** `type::name` of every custom resource: what a program registers, whatever its parent. */
const registered = (resources: readonly { custom: boolean; type: string; name: string }[]) =>
    resources
        .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
        .map((r) => `${r.type}::${r.name}`)
        .sort();

describe("provider: the multi-language package", () => {
    it("provider/args.ts is the config schema as generated now (npm run provider:generate)", () => {
        assert.equal(read("args.ts"), platformArgsSource());
    });

    it("the analyzer accepts every exposed component, and schema.json is its output now", async () => {
        const schema = await packageSchema();
        assert.equal(read("schema.json"), renderSchema(schema), "provider/schema.json is stale: npm run provider:generate");
        const resources = schema.resources as Record<string, { isComponent: boolean; inputProperties: Record<string, unknown>; requiredInputs: string[] }>;
        assert.deepEqual(Object.keys(resources).sort(), ["ml-platform:index:Cluster", "ml-platform:index:Platform"]);
        assert.ok(Object.values(resources).every((r) => r.isComponent));
        const platform = resources["ml-platform:index:Platform"];
        // A Python team sets exactly the keys of a stack file, secrets included.
        assert.deepEqual(Object.keys(platform.inputProperties).sort(), [...Object.keys(platformConfigSchema.shape), ...SECRET_KEYS].sort());
        assert.deepEqual(platform.requiredInputs.sort(), ["cluster", "environment"]);
    });

    it("Platform with the dev stack file's settings registers exactly what the dev stack does, under the component", async () => {
        const stack = await constructStack("dev");
        const run = await runProgram(() => new Platform("platform", settingsOf("dev") as never), { stack: "dev" });
        assert.deepEqual(registered(run.resources), registered(stack.resources));
        const component = run.one("ml-platform:index:Platform");
        const children = run.resources.filter((r) => r.parent === component.urn).map((r) => r.name);
        assert.ok(children.includes("cluster") && children.includes("network-policies"), "the platform's components are the Platform's children");
    });

    it("Platform with the prod (GKE) settings registers what the prod stack does", async () => {
        const stack = await constructStack("prod");
        const run = await runProgram(() => new Platform("platform", settingsOf("prod", exampleOrgValues.prod) as never), { stack: "prod" });
        assert.deepEqual(registered(run.resources), registered(stack.resources));
    });

    it("bad settings: the stack's own message names the key, the value and what was expected; nothing is registered", async () => {
        const run = runProgram(() => new Platform("platform", { ...settingsOf("dev"), environment: "staging" } as never), { stack: "dev" });
        await assert.rejects(run, /ml-platform:environment: got "staging"; expected one of "dev"\|"prod"/);
        const registrations: string[] = [];
        await runProgram(() => {
            try {
                new Cluster("c", { environment: "dev", cluster: { provider: "kind", workers: 9 } } as never);
            } catch (e) {
                registrations.push(String((e as Error).message));
            }
        }, { stack: "dev" }).then((r) => assert.deepEqual(r.resources, [], "not even the component"));
        assert.match(registrations[0], /ml-platform:cluster\.workers: got 9; expected/);
    });

    it("Cluster alone: the platform's GKE cluster from the same settings, kubeconfig a secret", async () => {
        const cluster = settingsOf("prod", exampleOrgValues.prod).cluster;
        const run = await runProgram(() => new Cluster("ml", { environment: "prod", cluster } as never), { stack: "prod" });
        const gke = run.one("gcp:container/cluster:Cluster");
        assert.equal(gke.inputs.privateClusterConfig.enablePrivateNodes, true);
        const inner = run.resources.find((r) => r.urn === gke.parent);
        assert.equal(inner?.type, "mlplatform:cluster:Cluster");
        assert.equal(inner?.parent, run.one("ml-platform:index:Cluster").urn, "the platform's Cluster, under the package's component");
        assert.equal(run.byType("kubernetes:helm.sh/v3:Release").length, 0, "no platform workloads");
    });
});
