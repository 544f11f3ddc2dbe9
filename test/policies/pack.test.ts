import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import { policyGroups } from "../../policies/lib/policy";
import { policies, policiesByGroup } from "../../policies/registry";
import { repoRoot } from "../harness";
import { aksCases } from "./cases/aks";
import { dataCases } from "./cases/data";
import { gkeCases } from "./cases/gke";
import { kubernetesCases } from "./cases/kubernetes";
import { parsePackConfig, reconcileConfig, validateSchema } from "./engine";

const policiesDir = path.join(repoRoot, "policies");
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(policiesDir, file), "utf8"));

/** Policies the dev config turns off because they only make sense for prod. */
const prodOnly = ["data-prod-protected", "gke-deletion-protection", "aks-standard-sku-tier"];

describe("policy pack: contents", () => {
    it("has the required controls per group (GKE >= 12, AKS >= 10) and every policy in exactly one group", (t) => {
        const counts = Object.fromEntries(Object.entries(policiesByGroup).map(([group, list]) => [group, list.length]));
        t.diagnostic(`policies by group: ${Object.entries(counts).map(([g, n]) => `${g} ${n}`).join(", ")}; total ${policies.length}`);
        assert.deepEqual(Object.keys(policiesByGroup), [...policyGroups]);
        assert.ok(counts.gke >= 12, `GKE has ${counts.gke} controls`);
        assert.ok(counts.aks >= 10, `AKS has ${counts.aks} controls`);
        assert.ok(counts.kubernetes >= 10 && counts.data >= 4);
        assert.equal(new Set(policies).size, policies.length);
    });

    it("names are unique, well-formed and never the reserved 'all'", () => {
        const names = policies.map((p) => p.name);
        assert.equal(new Set(names).size, names.length, "duplicate policy name");
        for (const name of names) {
            assert.match(name, /^[a-z0-9]+(-[a-z0-9]+)+$/);
            assert.notEqual(name, "all");
        }
    });

    it("every policy states why, how to fix it, its severity, and its group as first tag and name prefix", () => {
        for (const [group, list] of Object.entries(policiesByGroup)) {
            for (const p of list) {
                assert.ok(p.description.length >= 60, `${p.name}: description too thin`);
                assert.ok(p.remediationSteps.length >= 40, `${p.name}: remediation too thin`);
                assert.ok(["low", "medium", "high", "critical"].includes(p.severity), p.name);
                assert.equal(p.tags[0], group, p.name);
                assert.ok(p.name.startsWith(group === "kubernetes" ? "k8s-" : `${group}-`), p.name);
                assert.equal((p as { enforcementLevel?: unknown }).enforcementLevel, undefined, `${p.name}: enforcement belongs in config`);
            }
        }
    });

    it("every policy has compliant fixtures and violating fixtures in the case tables", () => {
        const tables = [...kubernetesCases, ...gkeCases, ...aksCases, ...dataCases];
        assert.deepEqual(tables.map((c) => c.policy.name).sort(), policies.map((p) => p.name).sort());
        for (const c of tables) {
            assert.ok(c.compliant.length >= 1, `${c.policy.name}: no compliant fixture`);
            assert.ok(c.violations.length >= 1, `${c.policy.name}: no violating fixture`);
            assert.equal(new Set(c.violations.map((v) => v.title)).size, c.violations.length, `${c.policy.name}: duplicate property title`);
        }
    });

    it("config schema defaults satisfy their own schemas", () => {
        for (const p of policies) {
            for (const [key, property] of Object.entries(p.configSchema?.properties ?? {})) {
                assert.equal(typeof property, "object", `${p.name}.${key}`);
                if (typeof property === "object") {
                    assert.notEqual(property.default, undefined, `${p.name}.${key}: config needs a default`);
                    assert.deepEqual(validateSchema(property, property.default, `${p.name}.${key}`), []);
                }
            }
        }
    });
});

describe("policy pack: enforcement config", () => {
    const levels = (file: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(reconcileConfig(policies, "mandatory", file)).map(([n, c]) => [n, c.enforcementLevel]));

    it("without a config file every policy is mandatory (the pack default)", () => {
        assert.deepEqual(new Set(Object.values(levels({}))), new Set(["mandatory"]));
    });

    it("config/prod.json makes every policy mandatory", () => {
        assert.deepEqual(new Set(Object.values(levels(readJson("config/prod.json")))), new Set(["mandatory"]));
    });

    it("config/dev.json makes every policy advisory and disables exactly the prod-only ones", () => {
        const dev = levels(readJson("config/dev.json"));
        assert.deepEqual(Object.keys(dev).filter((n) => dev[n] === "disabled").sort(), [...prodOnly].sort());
        assert.deepEqual(new Set(Object.entries(dev).filter(([n]) => !prodOnly.includes(n)).map(([, l]) => l)), new Set(["advisory"]));
    });

    it("config files name only policies of the pack (the CLI would silently ignore a misspelt one)", () => {
        const names = new Set(policies.map((p) => p.name));
        for (const file of ["config/prod.json", "config/dev.json"]) {
            for (const key of Object.keys(parsePackConfig(readJson(file)))) assert.ok(key === "all" || names.has(key), `${file}: unknown policy ${key}`);
        }
    });

    it("rejects what the CLI rejects: an unknown enforcement level, a property of the wrong shape", () => {
        assert.throws(() => levels({ all: "strict" }), /"strict" is not a valid enforcement level/);
        assert.throws(() => levels({ "k8s-no-public-service-types": { allowed: ["no-slash"] } }), /does not match/);
        assert.throws(() => levels({ "k8s-run-as-non-root": { exceptions: [{ component: "x", container: "y" }] } }), /reason is required/);
        assert.throws(() => levels({ "data-flexible-server-backups": { minRetentionDays: 3 } }), /below 7/);
    });

    it("a per-policy entry overrides 'all', as in the CLI", () => {
        assert.equal(levels({ all: "advisory", "k8s-images-pinned": "mandatory" })["k8s-images-pinned"], "mandatory");
        assert.equal(levels({ all: "advisory", "k8s-images-pinned": "mandatory" })["k8s-probes-on-long-running-containers"], "advisory");
    });
});

describe("policy pack: package", () => {
    it("pins exact versions, the same as the program's, with typescript for the runner's ts-node", () => {
        const pack = readJson("package.json");
        const root = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
        const rootVersions = { ...root.dependencies, ...root.devDependencies };
        assert.ok(pack.version, "PolicyPack reads its version from package.json");
        for (const [name, version] of Object.entries({ ...pack.dependencies, ...pack.devDependencies })) {
            assert.match(String(version), /^\d+\.\d+\.\d+$/, `${name} is not pinned exactly`);
            assert.equal(version, rootVersions[name], `${name}: pack ${version}, program ${rootVersions[name]}`);
        }
        assert.ok(pack.devDependencies.typescript && pack.dependencies["@pulumi/policy"] && pack.dependencies["@pulumi/pulumi"]);
    });

    it("PulumiPolicy.yaml declares the nodejs runtime", () => {
        const manifest = parseYaml(fs.readFileSync(path.join(policiesDir, "PulumiPolicy.yaml"), "utf8"));
        assert.equal(manifest.runtime, "nodejs");
        assert.ok(manifest.description);
    });

    it("imports nothing from outside policies/ (a published pack carries only its own directory)", () => {
        const walk = (dir: string): string[] =>
            fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
                e.name === "node_modules" ? [] : e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []);
        for (const file of walk(policiesDir)) {
            for (const [, spec] of fs.readFileSync(file, "utf8").matchAll(/from "([^"]+)"/g)) {
                if (!spec.startsWith(".")) continue;
                const target = path.resolve(path.dirname(file), spec);
                assert.ok(target.startsWith(policiesDir + path.sep), `${path.relative(repoRoot, file)} imports ${spec}`);
            }
        }
    });
});
