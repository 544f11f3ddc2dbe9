import type * as k8s from "@pulumi/kubernetes";
import { platformLabels } from "../common/kubernetes";

/** Addresses outside the platform's namespaces: the API server, nodes, cloud APIs, the internet. */
export interface Cidr {
    readonly cidr: string;
}

/** One allowed connection: `from` may open `ports` to `to`, each a platform namespace or a {@link Cidr}. */
export interface Flow {
    readonly from: string | Cidr;
    readonly to: string | Cidr;
    readonly ports: readonly number[];
    /** Why the platform needs it; becomes an annotation on the policies. */
    readonly why: string;
}

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
        if (typeof f.from === "string" && !known.has(f.from)) throw new Error(`flow "${f.why}": source namespace ${f.from} is not a platform namespace`);
        if (typeof f.to === "string" && !known.has(f.to)) throw new Error(`flow "${f.why}": destination namespace ${f.to} is not a platform namespace`);
        if (typeof f.from !== "string" && typeof f.to !== "string") throw new Error(`flow "${f.why}": one end must be a platform namespace`);
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
    const label = (end: string | Cidr) => (typeof end === "string" ? end : `cidr-${end.cidr.replace(/[./]/g, "-")}`);
    const peer = (end: string | Cidr) => (typeof end === "string" ? nsSelector(end) : { ipBlock: { cidr: end.cidr } });
    flows.forEach((f, i) => {
        const annotations = { "ml-platform/why": f.why };
        if (typeof f.from === "string") {
            policies.push({
                metadata: { name: `egress-${label(f.to)}-${i}`, namespace: f.from, labels, annotations },
                spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [peer(f.to)], ports: tcp(f.ports) }] },
            });
        }
        if (typeof f.to === "string") {
            policies.push({
                metadata: { name: `ingress-from-${label(f.from)}-${i}`, namespace: f.to, labels, annotations },
                spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [peer(f.from)], ports: tcp(f.ports) }] },
            });
        }
    });
    return policies;
}
