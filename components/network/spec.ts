import type * as k8s from "@pulumi/kubernetes";
import { platformLabels } from "../common/kubernetes";

/** One allowed connection: pods in `from` may open `ports` to pods in `to` (a namespace, or addresses outside the cluster). */
export interface Flow {
    readonly from: string;
    readonly to: string | { readonly cidr: string };
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
        if (!known.has(f.from)) throw new Error(`flow "${f.why}": source namespace ${f.from} is not a platform namespace`);
        if (typeof f.to === "string" && !known.has(f.to)) throw new Error(`flow "${f.why}": destination namespace ${f.to} is not a platform namespace`);
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
    flows.forEach((f, i) => {
        const annotations = { "ml-platform/why": f.why };
        const dest = typeof f.to === "string" ? f.to : `cidr-${f.to.cidr.replace(/[./]/g, "-")}`;
        const peer = typeof f.to === "string" ? nsSelector(f.to) : { ipBlock: { cidr: f.to.cidr } };
        policies.push({
            metadata: { name: `egress-${dest}-${i}`, namespace: f.from, labels, annotations },
            spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [peer], ports: tcp(f.ports) }] },
        });
        if (typeof f.to === "string") {
            policies.push({
                metadata: { name: `ingress-from-${f.from}-${i}`, namespace: f.to, labels, annotations },
                spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [nsSelector(f.from)], ports: tcp(f.ports) }] },
            });
        }
    });
    return policies;
}
