import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, parsePlatformConfig } from "../../stacks/config";
import { ipInCidr } from "../../stacks/cidr";

const ctx = { project: "ml-platform", stack: "test" };
/** What every prod stack must add: the UIs' domain and a certificate issuer. */
const prodIngress = { domain: "ml.acme.io", tls: { acme: { email: "ops@acme.io" } } };
const gke = { provider: "gke", project: "acme-ml-prod", region: "europe-west1" };
const aks = {
    provider: "aks",
    location: "westeurope",
    adminGroupObjectIds: ["6f1c2a3b-1d2e-4f50-9a6b-7c8d9e0f1a2b"],
    authorizedIpRanges: ["198.51.100.0/24"],
};

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
        const prod = parsePlatformConfig({ environment: "prod", cluster: gke, ingress: prodIngress }, ctx).cluster;
        const dev = parsePlatformConfig({ environment: "dev", cluster: gke, ingress: prodIngress }, ctx).cluster;
        assert.equal(prod.provider, "gke");
        assert.equal(dev.provider, "gke");
        if (prod.provider !== "gke" || dev.provider !== "gke") return;
        assert.equal(prod.deletionProtection, true);
        assert.equal(dev.deletionProtection, false);
        assert.deepEqual(prod.workloadPool, { machineType: "n2-standard-8", minNodes: 1, maxNodes: 10 });
        assert.deepEqual(dev.workloadPool, { machineType: "e2-standard-4", minNodes: 0, maxNodes: 3 });
    });

    it("prod aks: Standard tier and a 3-node system pool; a stack value overrides one field only", () => {
        const c = parsePlatformConfig({ environment: "prod", cluster: { ...aks, systemPool: { maxNodes: 7 } }, ingress: prodIngress }, ctx).cluster;
        assert.equal(c.provider, "aks");
        if (c.provider !== "aks") return;
        assert.equal(c.skuTier, "Standard");
        assert.deepEqual(c.systemPool, { machineType: "Standard_D4s_v5", minNodes: 3, maxNodes: 7 });
    });
});

describe("stack config: every bad value is named with its key, value and expectation", () => {
    const cases: { name: string; raw: Record<string, unknown>; expect: RegExp[] }[] = [
        { name: "unknown environment", raw: { environment: "staging", cluster: { provider: "kind" } }, expect: [/ml-platform:environment: got "staging"; expected one of "dev"\|"prod"/] },
        { name: "missing environment", raw: { cluster: { provider: "kind" } }, expect: [/ml-platform:environment: got nothing; .*required/] },
        { name: "missing cluster", raw: { environment: "dev" }, expect: [/ml-platform:cluster: got nothing; expected object \(required\)/] },
        { name: "unknown cluster provider", raw: { environment: "dev", cluster: { provider: "eks" } }, expect: [/ml-platform:cluster\.provider: got "eks"; .*'kind' \| 'gke' \| 'aks' \| 'existing'/] },
        { name: "unknown top-level key", raw: { environment: "dev", cluster: { provider: "kind" }, clusterr: {} }, expect: [/ml-platform:clusterr: got \{\}; expected no such key/] },
        { name: "unknown cluster key (typo)", raw: { environment: "dev", cluster: { provider: "kind", worker: 2 } }, expect: [/ml-platform:cluster\.worker: got 2; expected no such key \(it is not a setting of ml-platform:cluster\)/] },
        { name: "kind workers out of range", raw: { environment: "dev", cluster: { provider: "kind", workers: 9 } }, expect: [/ml-platform:cluster\.workers: got 9; expected a whole number from 0 to 5/] },
        { name: "kind workers wrong type", raw: { environment: "dev", cluster: { provider: "kind", workers: "two" } }, expect: [/ml-platform:cluster\.workers: got "two"; expected a whole number from 0 to 5/] },
        { name: "kind port out of range", raw: { environment: "dev", cluster: { provider: "kind", httpPort: 70000 } }, expect: [/ml-platform:cluster\.httpPort: got 70000; expected a whole number from 1 to 65535/] },
        { name: "cluster name with capitals", raw: { environment: "dev", cluster: { provider: "kind", name: "ML_Dev" } }, expect: [/ml-platform:cluster\.name: got "ML_Dev"; expected 1-24 lowercase letters/] },
        { name: "gke project missing", raw: { environment: "prod", cluster: { provider: "gke", region: "europe-west1" } }, expect: [/ml-platform:cluster\.project: got nothing; expected string \(required when ml-platform:cluster\.provider is "gke"\)/] },
        { name: "gke zone given as region", raw: { environment: "prod", cluster: { ...gke, region: "europe-west1-b" } }, expect: [/ml-platform:cluster\.region: got "europe-west1-b"; expected a GCP region such as "europe-west1"/] },
        { name: "gke malformed CIDR", raw: { environment: "prod", cluster: { ...gke, network: { podsCidr: "10.20.0.0/33" } } }, expect: [/ml-platform:cluster\.network\.podsCidr: got "10\.20\.0\.0\/33"; expected an IPv4 CIDR/] },
        { name: "gke master CIDR not /28", raw: { environment: "prod", cluster: { ...gke, network: { masterCidr: "172.16.0.0/24" } } }, expect: [/ml-platform:cluster\.network\.masterCidr: got "172\.16\.0\.0\/24"; expected an IPv4 CIDR with a \/28 prefix/] },
        { name: "gke release channel", raw: { environment: "prod", cluster: { ...gke, releaseChannel: "FAST" } }, expect: [/ml-platform:cluster\.releaseChannel: got "FAST"; expected one of "RAPID"\|"REGULAR"\|"STABLE"/] },
        { name: "pool min above max", raw: { environment: "prod", cluster: { ...gke, workloadPool: { minNodes: 5, maxNodes: 2 } } }, expect: [/ml-platform:cluster\.workloadPool\.maxNodes: got 2; expected minNodes <= maxNodes/] },
        { name: "gke machine type in AKS form", raw: { environment: "prod", cluster: { ...gke, systemPool: { machineType: "Standard_D4s_v5" } } }, expect: [/ml-platform:cluster\.systemPool\.machineType: got "Standard_D4s_v5"; expected a machine type such as "e2-standard-4"/] },
        { name: "gke authorized network entry", raw: { environment: "prod", cluster: { ...gke, masterAuthorizedNetworks: [{ cidr: "office", displayName: "office" }] } }, expect: [/ml-platform:cluster\.masterAuthorizedNetworks\[0\]\.cidr: got "office"; expected an IPv4 CIDR/] },
        { name: "aks admin groups missing", raw: { environment: "prod", cluster: { ...aks, adminGroupObjectIds: [] } }, expect: [/ml-platform:cluster\.adminGroupObjectIds: got \[\]; expected at least one Entra ID admin group/] },
        { name: "aks admin group not a UUID", raw: { environment: "prod", cluster: { ...aks, adminGroupObjectIds: ["platform-admins"] } }, expect: [/ml-platform:cluster\.adminGroupObjectIds\[0\]: got "platform-admins"; expected an Entra ID group object ID \(a UUID\)/] },
        { name: "aks version with patch", raw: { environment: "prod", cluster: { ...aks, kubernetesVersion: "1.33.2" } }, expect: [/ml-platform:cluster\.kubernetesVersion: got "1\.33\.2"; expected a Kubernetes minor version such as "1\.33"/] },
        { name: "aks DNS IP outside service CIDR", raw: { environment: "prod", cluster: { ...aks, network: { dnsServiceIp: "10.99.0.10" } } }, expect: [/ml-platform:cluster\.network\.dnsServiceIp: got "10\.99\.0\.10"; expected an address inside network\.servicesCidr/] },
        { name: "aks authorized IP ranges missing", raw: { environment: "prod", cluster: { ...aks, authorizedIpRanges: undefined } }, expect: [/ml-platform:cluster\.authorizedIpRanges: got nothing; expected array \(required when ml-platform:cluster\.provider is "aks"\)/] },
        { name: "mirror chart repository not a URL", raw: { environment: "dev", cluster: { provider: "kind" }, mirror: { chartRepository: "charts.corp" } }, expect: [/ml-platform:mirror\.chartRepository: got "charts\.corp"; expected a chart repository URL/] },
        { name: "secret key stored in plaintext", raw: { environment: "dev", cluster: { provider: "kind" }, kubeconfig: "(plaintext)" }, expect: [/ml-platform:kubeconfig: got a plaintext value; expected a secret/] },
    ];

    for (const c of cases) {
        it(c.name, () => {
            const found = problems(c.raw);
            for (const re of c.expect) {
                assert.ok(found.some((p) => re.test(p)), `no problem matched ${re}; got:\n${found.join("\n")}`);
            }
        });
    }

    it("reports every problem at once, in one message", () => {
        try {
            parsePlatformConfig({ environment: "prod", cluster: { ...gke, region: "mars", releaseChannel: "FAST", workers: 2 }, ingress: prodIngress }, ctx);
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

describe("ipInCidr", () => {
    it("checks membership at the prefix boundary", () => {
        assert.equal(ipInCidr("10.31.0.10", "10.31.0.0/16"), true);
        assert.equal(ipInCidr("10.32.0.0", "10.31.0.0/16"), false);
        assert.equal(ipInCidr("10.31.255.255", "10.31.0.0/16"), true);
    });
});
