import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { monitoringSizing, prometheusSizing, prometheusSizingProblems } from "../../components/monitoring/values";
import { addressInCidr, canonicalCidr, cidrContains, cidrsOverlap, ipInCidr, isCanonicalCidr, isPrivateCidr } from "../../stacks/cidr";
import { ConfigError, parsePlatformConfig, readNamespaceConfig } from "../../stacks/config";
import { storageUriProblem } from "../../stacks/rules";
import { aks, gke, prodIngress } from "./examples";

const ctx = { project: "ml-platform", stack: "test" };
/** These cases are about the cluster: the basic-auth fallback spares them single sign-on's keys (test/stacks/sso.test.ts). */
const cloudIngress = { ...prodIngress, auth: "basic" };

function problems(raw: Record<string, unknown>): string[] {
    try {
        parsePlatformConfig(raw, ctx);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
        return e.problems;
    }
    assert.fail("expected the config to be rejected");
}

describe("stack config: defaults per environment", () => {
    it("dev kind: one node, ingress on 80/443, named after project and stack", () => {
        const c = parsePlatformConfig({ environment: "dev", cluster: { provider: "kind" } }, ctx);
        assert.deepEqual(c.cluster, { provider: "kind", name: "ml-platform-test", workers: 0, httpPort: 80, httpsPort: 443 });
    });

    it("prod gke: deletion protection and larger autoscaled pools; dev gke: small and deletable", () => {
        const prod = parsePlatformConfig({ environment: "prod", cluster: gke, ingress: cloudIngress }, ctx).cluster;
        const dev = parsePlatformConfig({ environment: "dev", cluster: gke, ingress: cloudIngress }, ctx).cluster;
        assert.equal(prod.provider, "gke");
        assert.equal(dev.provider, "gke");
        if (prod.provider !== "gke" || dev.provider !== "gke") return;
        assert.equal(prod.deletionProtection, true);
        assert.equal(dev.deletionProtection, false);
        assert.deepEqual(prod.workloadPool, { machineType: "n2-standard-8", minNodes: 1, maxNodes: 10 });
        assert.deepEqual(dev.workloadPool, { machineType: "e2-standard-4", minNodes: 0, maxNodes: 3 });
    });

    it("prod aks: Standard tier and a 3-node system pool; a stack value overrides one field only", () => {
        const c = parsePlatformConfig({ environment: "prod", cluster: { ...aks, systemPool: { maxNodes: 7 } }, ingress: cloudIngress }, ctx).cluster;
        assert.equal(c.provider, "aks");
        if (c.provider !== "aks") return;
        assert.equal(c.skuTier, "Standard");
        assert.deepEqual(c.systemPool, { machineType: "Standard_D4s_v5", minNodes: 3, maxNodes: 7 });
    });
});

describe("stack config: every problem in one message (the cases: bad-config-cases.ts)", () => {
    it("reports every problem at once, in one message", () => {
        try {
            parsePlatformConfig({ environment: "prod", cluster: { ...gke, region: "mars", releaseChannel: "FAST", workers: 2 }, ingress: cloudIngress }, ctx);
            assert.fail("expected a ConfigError");
        } catch (e) {
            assert.ok(e instanceof ConfigError);
            assert.equal(e.problems.length, 3);
            assert.match(e.message, /^Invalid configuration for stack "test" \(3 problems\); nothing was deployed:\n/);
            for (const key of ["cluster.region", "cluster.releaseChannel", "cluster.workers"]) {
                assert.match(e.message, new RegExp(`ml-platform:${key.replace(".", "\\.")}: got`));
            }
        }
    });

    it("never prints a secret's value", () => {
        const message = problems({ environment: "dev", cluster: { provider: "kind" }, kubeconfig: "(plaintext)" }).join("\n");
        assert.doesNotMatch(message, /\(plaintext\)/);
    });
});

describe("stack config: what only the user set counts, and what passes", () => {
    it("a switched-off component's defaults (kind's CDC table, dev's example model) are no error", () => {
        const c = parsePlatformConfig({ environment: "dev", cluster: { provider: "kind" }, components: { streaming: false, serving: false } }, ctx);
        assert.equal(c.components.streaming, false);
        assert.deepEqual(c.streaming.cdc.tables, ["public.orders"]);
    });

    it("a dev Prometheus volume of 2Gi passes; the component then caps retention at 90% of it", () => {
        const c = parsePlatformConfig({ environment: "dev", cluster: { provider: "kind" }, monitoring: { storageSize: "2Gi" } }, ctx);
        assert.deepEqual(prometheusSizing(monitoringSizing.dev.prometheus, c.monitoring), { ...monitoringSizing.dev.prometheus, storageSize: "2Gi", retentionSize: "1843MB" });
        assert.deepEqual(prometheusSizingProblems(prometheusSizing(monitoringSizing.dev.prometheus, c.monitoring)), []);
        // A volume the default cap fits keeps the default cap.
        assert.equal(prometheusSizing(monitoringSizing.prod.prometheus, { storageSize: "100Gi" }).retentionSize, "45GB");
    });

    it("well-formed storage URIs of every scheme pass, and ssh's git@ user is no credential", () => {
        const models = ["s3://models/churn/3", "gs://acme-models/churn", "https://huggingface.co/acme/model.bin", "pvc://model-store/churn", "mlflow-artifacts:/1/models/m-1/artifacts"].map(
            (storageUri, i) => ({ name: `m${i}`, modelFormat: "sklearn", storageUri }),
        );
        const dags = { repo: "git@github.com:acme/dags.git", ref: "main", subPath: "dags", credentials: { kind: "ssh", secretName: "dags-key", knownHosts: "github.com ssh-ed25519 AAAA" } };
        const c = parsePlatformConfig({ environment: "dev", cluster: { provider: "kind" }, serving: { models }, orchestrator: { dags } }, ctx);
        assert.equal(c.serving.models.length, 5);
        for (const m of models) assert.equal(storageUriProblem(m.storageUri), undefined, m.storageUri);
    });

    it("AKS nodes and database subnets inside the VNet are no overlap", () => {
        const c = parsePlatformConfig({ environment: "prod", cluster: aks, ingress: cloudIngress }, ctx).cluster;
        assert.equal(c.provider === "aks" && c.network.databaseCidr, "10.30.16.0/24");
    });

    it("a misspelled namespace's keys are read as meant, so the rest is still validated", () => {
        const all = { "ml-platform:environment": "dev", "ml-platfrom:cluster": JSON.stringify({ provider: "kind", workers: 9 }) };
        try {
            parsePlatformConfig(readNamespaceConfig(all), { ...ctx, allKeys: Object.keys(all) });
            assert.fail("expected a ConfigError");
        } catch (e) {
            assert.ok(e instanceof ConfigError);
            assert.deepEqual(e.problems, [
                'ml-platfrom:cluster: got a value in namespace "ml-platfrom"; expected no such namespace: did you mean ml-platform:cluster?',
                "ml-platform:cluster.workers: got 9; expected a whole number from 0 to 5",
            ]);
        }
    });
});

describe("CIDR helpers", () => {
    it("canonical form, overlap, private space, addresses by offset", () => {
        assert.equal(isCanonicalCidr("10.10.0.0/20"), true);
        assert.equal(isCanonicalCidr("10.10.0.1/20"), false);
        assert.equal(canonicalCidr("10.10.3.7/20"), "10.10.0.0/20");
        assert.equal(cidrsOverlap("10.8.0.0/14", "10.10.0.0/20"), true);
        assert.equal(cidrsOverlap("10.20.0.0/14", "10.24.0.0/20"), false);
        assert.equal(isPrivateCidr("172.16.0.0/28"), true);
        assert.equal(isPrivateCidr("172.32.0.0/16"), false);
        assert.equal(isPrivateCidr("100.64.0.0/16"), true);
        assert.equal(addressInCidr("10.31.0.0/16", 10), "10.31.0.10");
        assert.equal(cidrContains("10.30.0.0/16", "10.30.16.0/24"), true);
        assert.equal(cidrContains("10.30.0.0/16", "10.31.0.0/24"), false);
    });
});

describe("ipInCidr", () => {
    it("checks membership at the prefix boundary", () => {
        assert.equal(ipInCidr("10.31.0.10", "10.31.0.0/16"), true);
        assert.equal(ipInCidr("10.32.0.0", "10.31.0.0/16"), false);
        assert.equal(ipInCidr("10.31.255.255", "10.31.0.0/16"), true);
    });
});
