import type * as pulumi from "@pulumi/pulumi";
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

/**
 * Pods of a namespace the platform uses but does not manage (an ingress controller or cert-manager that was already
 * installed): policies are written only at the platform's end, selecting these pods by namespace and labels; the
 * namespace itself gets none (no default deny, no egress rule), since its owner governs it.
 */
export interface UnmanagedPods {
    readonly unmanagedNamespace: string;
    /** Labels of the pods; every pod of the namespace when absent. */
    readonly pods?: Readonly<Record<string, string>>;
}

/** One end of a flow: a platform namespace, an outside address range, a cluster entity, or pods of an unmanaged namespace. */
export type Peer = string | Cidr | Entity | UnmanagedPods;

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

/**
 * The namespace a connection's client runs in, as the connection's provider needs it: `name` for the flow (a
 * NetworkPolicy selects namespaces by name, known when the program runs) and `created`, the Namespace object's
 * name output, so the credentials the provider puts there wait for the namespace.
 */
export interface ClientNamespace {
    readonly name: string;
    readonly created: pulumi.Input<string>;
}

/** The API server listens on 6443 on kind and 443 in the clouds (and behind the `kubernetes` Service). */
export const API_SERVER_PORTS = [443, 6443];
/** Outside the cluster: cloud APIs, registries, the internet. */
export const ANYWHERE: Cidr = { cidr: "0.0.0.0/0" };

/** `from` (operators, controllers) talks to the Kubernetes API. */
export function toApiServer(from: string, who: string, fromPods?: Flow["fromPods"]): Flow {
    return { from, to: { entity: "api-server" }, ports: API_SERVER_PORTS, why: `${who} talks to the Kubernetes API`, fromPods };
}

/** The API server calls an admission or conversion webhook served in `to` on `port`. */
export function webhookFlow(to: string, port: number, what: string, toPods?: Flow["toPods"]): Flow {
    return { from: { entity: "api-server" }, to, ports: [port], why: `the API server calls ${what}`, toPods };
}

/** The ports on which the API server calls webhooks, among `flows`. */
export function webhookPorts(flows: readonly Flow[]): number[] {
    const ports = flows.filter((f) => isEntity(f.from) && f.from.entity === "api-server").flatMap((f) => f.ports);
    return [...new Set(ports)].sort((a, b) => a - b);
}

/**
 * A UI a component serves, for the ingress to route to: the Service and port in the component's namespace, and how
 * users log in to it:
 * - `own`: its own login (MLflow, MinIO console; Grafana and Airflow without single sign-on). With single sign-on on,
 *   the ingress still puts the authenticating proxy in front of it (its own login then follows).
 * - `basic`: none (Trino, Prometheus, Spark History, Ray, Feast): the authenticating proxy with single sign-on on,
 *   a generated basic-auth login at the ingress otherwise.
 * - `oidc`: it logs users in through the platform's identity provider itself (an `OidcClient`): nothing at the ingress.
 */
export interface WebUi {
    readonly namespace: string;
    readonly service: string;
    readonly port: number;
    readonly auth: "own" | "basic" | "oidc";
    /** Labels of the pods behind the Service: the ingress may reach only them. */
    readonly pods?: Readonly<Record<string, string>>;
}

/**
 * One connection a client made, as the stack reports it (output `connections`) and `npm run verify` exercises it:
 * no credential, only where the credential is.
 */
export interface ConnectionRecord {
    readonly kind: "postgres" | "object-store" | "mlflow" | "kafka" | "trino" | "models" | "metastore" | "compute-jobs" | "ray" | "feast" | "feast-materialize" | "airflow-api" | "oidc";
    /** The client's namespace. */
    readonly from: string;
    /** The endpoint, without credentials: URL or host:port. */
    readonly to: pulumi.Input<string>;
    /** The connection Secret in `from` that holds the credentials. */
    readonly secret?: pulumi.Input<string>;
    /** The ServiceAccount whose cloud identity the connection uses. */
    readonly serviceAccount?: string;
    readonly why: string;
}

/** What every connection call returns besides its credentials: the client's flows, and the record of it. */
export interface Connected {
    readonly flows: readonly Flow[];
    readonly connection: ConnectionRecord;
}

/** What every component offers the stack's NetworkPolicies: the namespaces it owns and the flows it needs. */
export interface NetworkMember {
    /** Namespaces the component creates; each gets default deny. */
    readonly namespaces: readonly string[];
    /** Its own flows and those of every connection it made (its side of each). */
    readonly flows: readonly Flow[];
    /** The connections it made as a client. */
    readonly connections: readonly ConnectionRecord[];
}

/** Adds the connections a client made to its flows and records; one call per place a component connects. */
export function connect(member: { flows: Flow[]; connections: ConnectionRecord[] }, ...made: (Connected | undefined)[]): void {
    for (const c of made) {
        if (!c) continue;
        member.flows.push(...c.flows);
        member.connections.push(c.connection);
    }
}

/**
 * The NetworkPolicy peer of a server the platform does not run, from its host: the address itself for an IPv4
 * (`/32`); the pods of its namespace for a Service name (`<service>.<namespace>.svc[.<cluster domain>]`), since
 * Cilium's `ipBlock` never matches pods; any address otherwise (a DNS name outside the cluster: NetworkPolicy cannot
 * name one).
 */
export function peerOfHost(host: string): Cidr | UnmanagedPods {
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return { cidr: `${host}/32` };
    const service = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\..+)?$/.exec(host);
    if (service) return { unmanagedNamespace: service[2] };
    return ANYWHERE;
}

export const isNamespace = (p: Peer): p is string => typeof p === "string";
export const isEntity = (p: Peer): p is Entity => typeof p === "object" && "entity" in p;
export const isUnmanaged = (p: Peer): p is UnmanagedPods => typeof p === "object" && "unmanagedNamespace" in p;

/** One flow per (from, to, ports, pods): two connections over the same path (two databases, say) share it. */
export function mergeFlows(flows: readonly Flow[]): Flow[] {
    const merged = new Map<string, Flow>();
    for (const f of flows) {
        const key = JSON.stringify([f.from, f.to, f.ports, f.fromPods ?? null, f.toPods ?? null]);
        const seen = merged.get(key);
        merged.set(key, seen ? { ...seen, why: seen.why.split("; ").includes(f.why) ? seen.why : `${seen.why}; ${f.why}` } : f);
    }
    return [...merged.values()];
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
export function networkPolicies(namespaces: readonly string[], declared: readonly Flow[]): NetworkPolicyManifest[] {
    const flows = mergeFlows(declared);
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
    const label = (end: Peer) =>
        isNamespace(end) ? end : isEntity(end) ? end.entity : isUnmanaged(end) ? end.unmanagedNamespace : `cidr-${end.cidr.replace(/[./]/g, "-")}`;
    /** The peer list of a rule; none (any source or destination, on the rule's ports) for an entity. */
    const peers = (end: Peer) =>
        isNamespace(end)
            ? [nsSelector(end)]
            : isEntity(end)
              ? undefined
              : isUnmanaged(end)
                ? [{ ...nsSelector(end.unmanagedNamespace), ...(end.pods && { podSelector: { matchLabels: { ...end.pods } } }) }]
                : [{ ipBlock: { cidr: end.cidr } }];
    const pods = (labels?: Readonly<Record<string, string>>) => (labels ? { matchLabels: { ...labels } } : {});
    // Names follow the flow, not its position, so adding a connection leaves every other policy as it is.
    const taken = new Set<string>();
    const unique = (namespace: string, base: string) => {
        let name = base;
        for (let n = 2; taken.has(`${namespace}/${name}`); n++) name = `${base}-${n}`;
        taken.add(`${namespace}/${name}`);
        return name;
    };
    for (const f of flows) {
        const annotations = { "ml-platform/why": f.why };
        const ports = f.ports.join("-");
        const [to, from] = [peers(f.to), peers(f.from)];
        if (isNamespace(f.from)) {
            policies.push({
                metadata: { name: unique(f.from, `egress-${label(f.to)}-${ports}`), namespace: f.from, labels, annotations },
                spec: { podSelector: pods(f.fromPods), policyTypes: ["Egress"], egress: [{ ...(to && { to }), ports: tcp(f.ports) }] },
            });
        }
        if (isNamespace(f.to)) {
            policies.push({
                metadata: { name: unique(f.to, `ingress-from-${label(f.from)}-${ports}`), namespace: f.to, labels, annotations },
                spec: { podSelector: pods(f.toPods), policyTypes: ["Ingress"], ingress: [{ ...(from && { from }), ports: tcp(f.ports) }] },
            });
        }
    }
    return policies;
}
