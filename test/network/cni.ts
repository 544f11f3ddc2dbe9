/**
 * NetworkPolicy as the clusters' CNIs enforce it, for tests: which connections a set of policies allows.
 *
 * The Kubernetes API leaves to the implementation whether `ipBlock` matches in-cluster addresses. Two semantics:
 * - `kind`: kindnet's kube-network-policies matches `ipBlock` against the packet's address, whatever it belongs
 *   to (pods, nodes, the API server on the control-plane node).
 * - `cilium` (GKE Dataplane V2, AKS Azure CNI powered by Cilium): addresses of nodes, host-network pods and the
 *   API server map to the `host`, `remote-node` and `kube-apiserver` identities, and `ipBlock` selects only
 *   `world`, i.e. addresses outside the cluster (cilium/cilium#16308; policy-cidr-match-mode=nodes is opt-in).
 * A rule without peers (`from`/`to` absent) matches every source or destination on both (cilium/cilium#3847).
 */
import type { Entity, NetworkPolicyManifest } from "../../components/network";
import { ipInCidr } from "../../stacks/cidr";

export type Cni = "kind" | "cilium";

/** An end of a connection as the data path sees it. */
export type Endpoint =
    | { readonly kind: "pod"; readonly namespace: string; readonly labels: Readonly<Record<string, string>> }
    /** A node, or a host-network pod on it (kubelet, node-exporter; kind's API server). */
    | { readonly kind: "host" }
    | { readonly kind: "world"; readonly ip: string };

const NODE_IP = "172.18.0.2";
const POD_IP = "10.244.0.10";

/**
 * Where each cluster entity's traffic comes from or goes to, per CNI. On kind the API server runs on the
 * control-plane node (policies see its node address and port 6443, after the Service's DNAT) and published ports
 * arrive from the Docker bridge gateway. On GKE and AKS the managed API server is outside the cluster (`world`) when
 * called, but calls webhooks through konnectivity-agent pods in kube-system; load-balancer traffic is SNATed to
 * the receiving node's address (externalTrafficPolicy Cluster).
 */
export function entityEndpoint(entity: Entity["entity"], cni: Cni, role: "source" | "destination"): Endpoint {
    if (cni === "kind") return entity === "load-balancer" ? { kind: "world", ip: "172.18.0.1" } : { kind: "host" };
    if (entity !== "api-server") return { kind: "host" };
    return role === "destination" ? { kind: "world", ip: "172.16.0.2" } : { kind: "pod", namespace: "kube-system", labels: { "k8s-app": "konnectivity-agent" } };
}

const ipOf = (e: Endpoint) => (e.kind === "world" ? e.ip : e.kind === "pod" ? POD_IP : NODE_IP);
const matchLabels = (selector: { matchLabels?: Record<string, string> } | undefined, labels: Readonly<Record<string, string>>) =>
    Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

function peerMatches(peer: any, policyNamespace: string, e: Endpoint, cni: Cni): boolean {
    if (peer.ipBlock) {
        if (cni === "cilium" && e.kind !== "world") return false;
        return ipInCidr(ipOf(e), peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((x: string) => ipInCidr(ipOf(e), x));
    }
    if (e.kind !== "pod") return false;
    // A namespaceSelector without labels selects every namespace; no namespaceSelector means the policy's own.
    const wanted = peer.namespaceSelector ? peer.namespaceSelector.matchLabels?.["kubernetes.io/metadata.name"] : policyNamespace;
    const namespace = wanted === undefined || e.namespace === wanted;
    return namespace && matchLabels(peer.podSelector, e.labels);
}

type Direction = "Ingress" | "Egress";

/** Whether the policies of `pod`'s namespace let it send (Egress) to or receive (Ingress) from `peer` on `port`. */
function sideAllows(policies: readonly NetworkPolicyManifest[], direction: Direction, pod: Endpoint & { kind: "pod" }, peer: Endpoint, port: number, cni: Cni): boolean {
    const selecting = policies.filter(
        (p) => p.metadata.namespace === pod.namespace && (p.spec.policyTypes as string[] | undefined)?.includes(direction) && matchLabels(p.spec.podSelector as any, pod.labels),
    );
    if (selecting.length === 0) return true;
    return selecting.some((p) => {
        const rules: any[] = (direction === "Ingress" ? p.spec.ingress : p.spec.egress) as any[] ?? [];
        return rules.some((rule) => {
            const peers = direction === "Ingress" ? rule.from : rule.to;
            const portOk = !rule.ports || rule.ports.some((x: any) => x.port === port);
            return portOk && (!peers || peers.some((x: any) => peerMatches(x, p.metadata.namespace, peer, cni)));
        });
    });
}

/** Whether a TCP connection from `src` to `dst` on `port` is allowed, at the source (egress) and at the destination (ingress). */
export function allows(policies: readonly NetworkPolicyManifest[], cni: Cni, src: Endpoint, dst: Endpoint, port: number): boolean {
    return (src.kind !== "pod" || sideAllows(policies, "Egress", src, dst, port, cni)) && (dst.kind !== "pod" || sideAllows(policies, "Ingress", dst, src, port, cni));
}
