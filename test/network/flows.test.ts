import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Flow, isEntity, isNamespace, isUnmanaged, networkPolicies, NetworkPolicyManifest, Peer, webhookPorts } from "../../components/network";
import { constructStack, shippedStacks } from "../harness";
import { allows, Cni, Endpoint, entityEndpoint } from "./cni";

/** A representative address for a CIDR peer: the range's own address for a host route, a public one otherwise. */
const addressIn = (cidr: string) => (cidr.endsWith("/32") ? cidr.split("/")[0] : "203.0.113.7");

function endpoint(peer: Peer, pods: Flow["fromPods"], cni: Cni, role: "source" | "destination"): Endpoint {
    if (isNamespace(peer)) return { kind: "pod", namespace: peer, labels: { ...(pods ?? { app: "any" }) } };
    if (isEntity(peer)) return entityEndpoint(peer.entity, cni, role);
    if (isUnmanaged(peer)) return { kind: "pod", namespace: peer.unmanagedNamespace, labels: { ...(peer.pods ?? pods ?? { app: "any" }) } };
    return { kind: "world", ip: addressIn(peer.cidr) };
}

/** Every (flow, port) the platform declares, with whether the policies allow it under `cni`. */
function declared(policies: readonly NetworkPolicyManifest[], flows: readonly Flow[], cni: Cni) {
    return flows.flatMap((f) =>
        f.ports.map((port) => ({
            flow: `${JSON.stringify(f.from)} -> ${JSON.stringify(f.to)}:${port} (${f.why})`,
            allowed: allows(policies, cni, endpoint(f.from, f.fromPods, cni, "source"), endpoint(f.to, f.toPods, cni, "destination"), port),
        })),
    );
}

/**
 * Connections nobody declared: between any two platform namespaces on any port the platform uses, from an
 * unlabelled pod, unless a flow declares that pair and port.
 */
function undeclared(policies: readonly NetworkPolicyManifest[], flows: readonly Flow[], namespaces: readonly string[], cni: Cni) {
    const ports = [...new Set(flows.flatMap((f) => f.ports))];
    const declaredPairs = new Set(flows.flatMap((f) => f.ports.map((p) => `${f.from}|${f.to}|${p}`)));
    const unexpected: string[] = [];
    let checked = 0;
    for (const from of namespaces) {
        for (const to of namespaces) {
            if (from === to) continue;
            for (const port of ports) {
                if (declaredPairs.has(`${from}|${to}|${port}`)) continue;
                checked++;
                const pod = (ns: string): Endpoint => ({ kind: "pod", namespace: ns, labels: { app: "other" } });
                if (allows(policies, cni, pod(from), pod(to), port)) unexpected.push(`${from} -> ${to}:${port}`);
            }
        }
    }
    return { checked, unexpected };
}

const cniOf: Record<string, Cni> = { dev: "kind", prod: "cilium", "prod-aks": "cilium" };

describe("every declared connection is allowed, and nothing else, under the CNI that enforces it", () => {
    for (const stack of shippedStacks) {
        for (const cni of [cniOf[stack], ...(stack === "dev" ? (["cilium"] as const) : [])]) {
            it(`${stack} under ${cni} semantics`, async (t) => {
                const run = await constructStack(stack);
                const policies = run.byType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => r.inputs as NetworkPolicyManifest);
                const namespaces = [...new Set(policies.map((p) => p.metadata.namespace))];
                const results = declared(policies, run.result.flows, cni);
                assert.deepEqual(results.filter((r) => !r.allowed).map((r) => r.flow), []);
                const { checked, unexpected } = undeclared(policies, run.result.flows, namespaces, cni);
                assert.deepEqual(unexpected, []);
                t.diagnostic(`${results.length} declared connections allowed; ${checked} undeclared namespace pairs and ports checked, ${unexpected.length} allowed`);
            });
        }
    }
});

describe("cluster entities are matched the way each CNI matches them", () => {
    const policies = (from: Peer) => networkPolicies(["kserve"], [{ from, to: "kserve", ports: [9443], why: "the API server calls the webhook", toPods: { app: "webhook" } }]);
    const webhookPod: Endpoint = { kind: "pod", namespace: "kserve", labels: { app: "webhook" } };
    const caller = (cni: Cni) => entityEndpoint("api-server", cni, "source");

    it("an ipBlock of 0.0.0.0/0 lets the API server in on kind only: on Cilium the call arrives from konnectivity, not `world`", () => {
        const old = policies({ cidr: "0.0.0.0/0" });
        assert.equal(allows(old, "kind", caller("kind"), webhookPod, 9443), true);
        assert.equal(allows(old, "cilium", caller("cilium"), webhookPod, 9443), false);
    });

    it("the ports-only rule for an entity holds on both, for the pods it names only", () => {
        const now = policies({ entity: "api-server" });
        for (const cni of ["kind", "cilium"] as const) {
            assert.equal(allows(now, cni, caller(cni), webhookPod, 9443), true, cni);
            assert.equal(allows(now, cni, caller(cni), { ...webhookPod, labels: { app: "controller" } }, 9443), false, cni);
            assert.equal(allows(now, cni, caller(cni), webhookPod, 8080), false, cni);
        }
    });

    it("node scraping: an ipBlock misses the nodes under Cilium; the ports-only egress reaches them", () => {
        const scrape = (to: Peer) => networkPolicies(["mon"], [{ from: "mon", to, ports: [9100], why: "node-exporter", fromPods: { app: "prometheus" } }]);
        const prometheus: Endpoint = { kind: "pod", namespace: "mon", labels: { app: "prometheus" } };
        assert.equal(allows(scrape({ cidr: "0.0.0.0/0" }), "cilium", prometheus, { kind: "host" }, 9100), false);
        assert.equal(allows(scrape({ entity: "nodes" }), "cilium", prometheus, { kind: "host" }, 9100), true);
        assert.equal(allows(scrape({ entity: "nodes" }), "cilium", { ...prometheus, labels: { app: "grafana" } }, { kind: "host" }, 9100), false);
    });
});

describe("the policies follow the connections made", () => {
    const touches = (flows: readonly Flow[], ns: string) => flows.filter((f) => f.from === ns || f.to === ns).map((f) => f.why);

    it("a component left out takes its namespace and every flow to and from it along", async () => {
        const { result } = await constructStack("dev", { "ml-platform:components": { orchestrator: false } });
        assert.deepEqual(touches(result.flows, "ml-orchestrator"), []);
        const tracking = result.flows.filter((f) => f.to === "ml-tracking").map((f) => f.from);
        assert.deepEqual([...new Set(tracking)].sort(), ["ml-ingress", "ml-monitoring", "ml-notebooks"], "MLflow is reached by its route, its scrape and the notebook servers only");
    });

    it("each client's flow reaches only the pods that serve it", async () => {
        const { result } = await constructStack("prod");
        const from = (to: string) => result.flows.filter((f) => f.from === "ml-orchestrator" && f.to === to);
        assert.deepEqual(from("ml-tracking").map((f) => [f.ports, f.toPods]), [[[5000], { "app.kubernetes.io/name": "mlflow", "app.kubernetes.io/instance": "mlflow" }]]);
        assert.deepEqual(from("ml-streaming").map((f) => [f.ports, f.toPods]), [[[9093], { "strimzi.io/cluster": "platform", "strimzi.io/kind": "Kafka" }]]);
        assert.deepEqual(from("ml-lakehouse").map((f) => f.ports), [[8080]]);
        assert.deepEqual(from("ml-serving").map((f) => [f.ports, f.toPods]), [[[8080], { component: "predictor" }]]);
    });
});

describe("the connections listed as broken in the wiring issue", () => {
    const has = (flows: readonly Flow[], from: Peer, to: Peer, port: number) =>
        flows.some((f) => JSON.stringify(f.from) === JSON.stringify(from) && JSON.stringify(f.to) === JSON.stringify(to) && f.ports.includes(port));

    it("prod: CDC reaches the managed Postgres; the ACME self-check reaches Traefik; workload identity reaches the GKE metadata server", async () => {
        const cdc = { cdc: { tables: ["public.orders"], imageRepository: "europe-docker.pkg.dev/acme/ml/connect", pushSecretName: "ar-push" } };
        const { result } = await constructStack("prod", { "ml-platform:streaming": cdc });
        assert.ok(has(result.flows, "ml-streaming", { cidr: "0.0.0.0/0" }, 5432));
        assert.ok(!has((await constructStack("prod")).result.flows, "ml-streaming", { cidr: "0.0.0.0/0" }, 5432), "no CDC, no flow");
        assert.ok(has(result.flows, "cert-manager", "ml-ingress", 8000));
        assert.ok(has(result.flows, "cert-manager", { cidr: "0.0.0.0/0" }, 80));
        assert.ok(has(result.flows, "ml-lakehouse", { cidr: "169.254.169.252/32" }, 988));
    });

    it("GKE: a firewall rule lets the private control plane call every webhook port the components declare (beyond 443 and 10250)", async () => {
        const run = await constructStack("prod");
        const rule = run.one("gcp:compute/firewall:Firewall").inputs;
        assert.deepEqual(rule.sourceRanges, ["172.16.0.0/28"]);
        const declared = webhookPorts(run.result.flows).filter((p) => p !== 443 && p !== 10250);
        assert.deepEqual(declared, [9443]);
        assert.deepEqual(rule.allows, [{ protocol: "tcp", ports: declared.map(String) }]);
        assert.deepEqual(rule.targetServiceAccounts, [run.one("gcp:serviceaccount/account:Account", "cluster-nodes").inputs.accountId + "@acme-ml-prod.iam.gserviceaccount.com"]);
    });

    it("Trino behind Traefik processes forwarded headers; KServe's models may read the models bucket", async () => {
        const run = await constructStack("dev");
        const trino = run.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "trino")!;
        assert.deepEqual(trino.inputs.values.additionalConfigProperties, ["http-server.process-forwarded=true"]);
        const grant = run.byType("kubernetes:core/v1:Secret").find((r) => r.inputs.metadata?.name === "user-serving-ml-serving-models")!;
        assert.ok(grant, "the models' MinIO user");
        const script = JSON.stringify(run.byType("kubernetes:batch/v1:Job").find((r) => r.inputs.metadata?.name === "minio-user-serving-ml-serving-models")!.inputs);
        assert.match(script, /arn:aws:s3:::models\/\*/, "the models' policy grants the models bucket");
        assert.match(script, /arn:aws:s3:::mlflow\/\*/, "and MLflow's artifacts");
    });
});
