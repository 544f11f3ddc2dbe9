/**
 * The whole pack, started by Pulumi's policy-pack runner as `pulumi preview --policy-pack policies` starts
 * it, over every resource the dev and both prod stacks register under mocks, with each environment's
 * config file. Also checks that the in-process runner the unit tests use agrees with the real server.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as gcp from "@pulumi/gcp";
import { policies } from "../../policies/registry";
import { constructStack, repoRoot, runProgram, shippedStackConfig, shippedStacks } from "../harness";
import { fromRegistrations } from "./adapter";
import { analyzePack, reconcileConfig, Violation } from "./engine";
import { FixtureResource } from "./fixtures";
import { PackServer } from "./server";

/** A stack's policy config follows its own `environment` setting: config/dev.json or config/prod.json. */
const environmentOf = (stack: string) => shippedStackConfig(stack).config["ml-platform:environment"];

const packConfig = (env: string) =>
    reconcileConfig(policies, "mandatory", JSON.parse(fs.readFileSync(path.join(repoRoot, "policies", "config", `${env}.json`), "utf8")));

const key = (v: Violation) => `${v.enforcementLevel} ${v.policy} ${v.urn} ${v.message}`;
const sorted = (vs: Violation[]) => vs.map(key).sort();

function report(stack: string, env: string, resources: readonly FixtureResource[], applied: string[], found: Violation[]): string {
    const mandatory = found.filter((v) => v.enforcementLevel === "mandatory");
    const advisory = found.filter((v) => v.enforcementLevel === "advisory");
    const lines = [
        `stack ${stack} (policies/config/${env}.json): ${resources.length} resources, ${applied.length} of ${policies.length} policies applied` +
            ` (${applied.join(", ") || "none"}); mandatory violations: ${mandatory.length}, advisory: ${advisory.length}`,
        ...found.map((v) => `  [${v.enforcementLevel}] ${v.policy}: ${v.message} (${v.urn.split("::").slice(-1)[0]})`),
    ];
    return lines.join("\n");
}

describe("the whole pack over every stack, served as the engine runs it", () => {
    let server: PackServer;
    before(async () => {
        server = await PackServer.start();
    });
    after(() => server?.stop());

    it("serves every registered policy, mandatory by default, with its config schema", async () => {
        const info = await server.info();
        const pack = JSON.parse(fs.readFileSync(path.join(repoRoot, "policies", "package.json"), "utf8"));
        assert.equal(info.name, "ml-platform");
        assert.equal(info.version, pack.version);
        assert.equal(info.supportsConfig, true);
        assert.deepEqual(info.policies.map((p) => p.name), policies.map((p) => p.name));
        assert.deepEqual(new Set(info.policies.map((p) => p.enforcementLevel)), new Set(["mandatory"]));
        assert.deepEqual(info.policies.filter((p) => p.configurable).map((p) => p.name), policies.filter((p) => p.configSchema).map((p) => p.name));
    });

    for (const stack of shippedStacks) {
        const env = environmentOf(stack);
        it(`${stack}: no mandatory violation under policies/config/${env}.json`, async (t) => {
            const resources = fromRegistrations((await constructStack(stack)).resources);
            const packCfg = packConfig(env);

            await server.configure(packCfg);
            const found = await server.analyzeAll(resources);
            const inProcess = await analyzePack(policies, packCfg, resources);
            assert.deepEqual(sorted(inProcess.violations), sorted(found), "the in-process runner disagrees with the policy server");

            t.diagnostic(report(stack, env, resources, inProcess.applied, found));
            if (env === "prod") assert.ok(inProcess.applied.length > 0, "no policy applied to a prod stack: the adapter lost the resources");
            assert.deepEqual(found.filter((v) => v.enforcementLevel === "mandatory").map(key), []);
        });
    }

    it("the basic-auth fallback (ingress.auth: basic) under prod.json: k8s-ingress-login names every route without single sign-on, until the config says so", async () => {
        const resources = fromRegistrations((await constructStack("dev", { "ml-platform:ingress": { auth: "basic" } })).resources);
        await server.configure(packConfig("prod"));
        const found = (await server.analyzeAll(resources)).filter((v) => v.policy === "k8s-ingress-login");
        const routes = found.map((v) => v.message.match(/^Ingress (\S+): login "(\w+)"/)?.slice(1).join(" ")).sort();
        assert.ok(routes.includes("ml-lakehouse/trino basic") && routes.includes("ml-tracking/mlflow own"), routes.join(", "));
        assert.ok(found.every((v) => v.enforcementLevel === "mandatory"));
        await server.configure(reconcileConfig(policies, "mandatory", { all: "mandatory", "k8s-ingress-login": { requireSingleSignOn: false } }));
        assert.deepEqual((await server.analyzeAll(resources)).filter((v) => v.policy === "k8s-ingress-login"), []);
    });

    describe("negative control: the same path catches an unsafe program", () => {
        const unsafe = () =>
            runProgram(() => {
                const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
                const labels = { app: "web" };
                new k8s.apps.v1.Deployment("web", {
                    metadata: { name: "web", namespace: "apps" },
                    spec: {
                        replicas: 2,
                        selector: { matchLabels: labels },
                        template: {
                            metadata: { labels },
                            spec: { containers: [{ name: "web", image: "nginx", env: [{ name: "DB_PASSWORD", value: "hunter2" }] }] },
                        },
                    },
                }, { provider });
                new k8s.core.v1.Service("web", { metadata: { name: "web", namespace: "apps" }, spec: { type: "LoadBalancer", selector: labels, ports: [{ port: 80 }] } }, { provider });
                new gcp.storage.Bucket("data", { location: "EU" });
            });
        const expected = [
            "data-bucket-versioning", "data-prod-protected", "data-storage-not-public", "k8s-drop-all-capabilities", "k8s-images-pinned",
            "k8s-no-literal-secrets", "k8s-no-privilege-escalation", "k8s-no-public-service-types", "k8s-pdb-for-replicated-workloads",
            "k8s-probes-on-long-running-containers", "k8s-resource-requests-and-limits", "k8s-run-as-non-root",
        ];

        it("prod config: a mandatory violation from every policy it breaks", async () => {
            const resources = fromRegistrations((await unsafe()).resources);
            const cfg = packConfig("prod");
            await server.configure(cfg);
            const found = await server.analyzeAll(resources);
            assert.deepEqual(sorted((await analyzePack(policies, cfg, resources)).violations), sorted(found));
            assert.deepEqual([...new Set(found.map((v) => v.policy))].sort(), expected);
            assert.deepEqual(new Set(found.map((v) => v.enforcementLevel)), new Set(["mandatory"]));
        });

        it("dev config: the same findings as advisory, prod-only data protection off", async () => {
            const resources = fromRegistrations((await unsafe()).resources);
            await server.configure(packConfig("dev"));
            const found = await server.analyzeAll(resources);
            assert.deepEqual([...new Set(found.map((v) => v.policy))].sort(), expected.filter((p) => p !== "data-prod-protected"));
            assert.deepEqual(new Set(found.map((v) => v.enforcementLevel)), new Set(["advisory"]));
        });

        it("config properties reach the policies: an allow-listed LoadBalancer passes", async () => {
            const resources = fromRegistrations((await unsafe()).resources);
            const cfg = reconcileConfig(policies, "mandatory", { all: "mandatory", "k8s-no-public-service-types": { allowed: ["apps/web"] } });
            await server.configure(cfg);
            const found = await server.analyzeAll(resources);
            assert.equal(found.some((v) => v.policy === "k8s-no-public-service-types"), false);
            assert.equal(found.some((v) => v.policy === "k8s-images-pinned"), true);
        });
    });
});
