import type * as k8s from "@pulumi/kubernetes";
import { platformLabels } from "../common/kubernetes";

/** Addresses outside the cluster: cloud APIs, managed databases, the internet. */
export interface Cidr {
    readonly cidr: string;
}

/**
 * What connects from or to a pod but is not a pod of a platform namespace, nor an address outside the cluster:
 * the API server (calling webhooks, or called by operators), the nodes (kubelets, host-network pods such as
 * node-exporter) and load-balancer traffic (which reaches pods from a node). NetworkPolicy has no portable peer for
 * them: Cilium (GKE Dataplane V2, AKS) gives them their own identities, which `ipBlock` never matches, while kind's
 * kube-network-policies matches their IPs. A rule for an entity is therefore written without a peer, ports only,
 * and scoped to the pods that need it.
 */
export interface Entity {
    readonly entity: "api-server" | "nodes" | "load-balancer";
}

/** One end of a flow: a platform namespace, an outside address range, or a cluster entity. */
export type Peer = string | Cidr | Entity;

/** One allowed connection: `from` may open `ports` to `to`. */
export interface Flow {
    readonly from: Peer;
    readonly to: Peer;
    readonly ports: readonly number[];
    /** Why the platform needs it; becomes an annotation on the policies. */
    readonly why: string;
    /** Labels of the pods at the source namespace that open it; every pod of the namespace when absent. */
    readonly fromPods?: Readonly<Record<string, string>>;
    /** Labels of the pods at the destination namespace that accept it; every pod of the namespace when absent. */
    readonly toPods?: Readonly<Record<string, string>>;
}

export const isNamespace = (p: Peer): p is string => typeof p === "string";
export const isEntity = (p: Peer): p is Entity => typeof p === "object" && "entity" in p;

const nsSelector = (namespace: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } });
const tcp = (ports: readonly number[]) => ports.map((port) => ({ protocol: "TCP", port }));

export interface NetworkPolicyManifest {
    readonly metadata: { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> };
    readonly spec: k8s.types.input.networking.v1.NetworkPolicySpec;
}

/**
 * Default deny (ingress and egress) in every namespace, then: DNS to kube-system, traffic inside a namespace,
 * and each {@link Flow} as an egress rule at its source and an ingress rule at its destination.
 */
export function networkPolicies(namespaces: readonly string[], flows: readonly Flow[]): NetworkPolicyManifest[] {
    const known = new Set(namespaces);
    for (const f of flows) {
        if (isNamespace(f.from) && !known.has(f.from)) throw new Error(`flow "${f.why}": source namespace ${f.from} is not a platform namespace`);
        if (isNamespace(f.to) && !known.has(f.to)) throw new Error(`flow "${f.why}": destination namespace ${f.to} is not a platform namespace`);
        if (!isNamespace(f.from) && !isNamespace(f.to)) throw new Error(`flow "${f.why}": one end must be a platform namespace`);
    }
    const labels = platformLabels("network-policy");
    const policies: NetworkPolicyManifest[] = [];
    for (const ns of namespaces) {
        policies.push(
            { metadata: { name: "default-deny", namespace: ns, labels }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
            {
                metadata: { name: "allow-dns", namespace: ns, labels },
                spec: {
                    podSelector: {},
                    policyTypes: ["Egress"],
                    egress: [{ to: [nsSelector("kube-system")], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }],
                },
            },
            {
                metadata: { name: "allow-same-namespace", namespace: ns, labels },
                spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] },
            },
        );
    }
    const label = (end: Peer) => (isNamespace(end) ? end : isEntity(end) ? end.entity : `cidr-${end.cidr.replace(/[./]/g, "-")}`);
    /** The peer list of a rule; none (any source or destination, on the rule's ports) for an entity. */
    const peers = (end: Peer) => (isNamespace(end) ? [nsSelector(end)] : isEntity(end) ? undefined : [{ ipBlock: { cidr: end.cidr } }]);
    const pods = (labels?: Readonly<Record<string, string>>) => (labels ? { matchLabels: { ...labels } } : {});
    flows.forEach((f, i) => {
        const annotations = { "ml-platform/why": f.why };
        const [to, from] = [peers(f.to), peers(f.from)];
        if (isNamespace(f.from)) {
            policies.push({
                metadata: { name: `egress-${label(f.to)}-${i}`, namespace: f.from, labels, annotations },
                spec: { podSelector: pods(f.fromPods), policyTypes: ["Egress"], egress: [{ ...(to && { to }), ports: tcp(f.ports) }] },
            });
        }
        if (isNamespace(f.to)) {
            policies.push({
                metadata: { name: `ingress-from-${label(f.from)}-${i}`, namespace: f.to, labels, annotations },
                spec: { podSelector: pods(f.toPods), policyTypes: ["Ingress"], ingress: [{ ...(from && { from }), ports: tcp(f.ports) }] },
            });
        }
    });
    return policies;
}
