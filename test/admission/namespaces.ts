/**
 * Namespace ordering: every namespaced object the program creates must be created after its Namespace, or a first
 * `up` on an empty cluster can fail with `namespaces "<name>" not found`. Pure: works on registrations.
 */
import type { Registration } from "../harness";

type Reg = Pick<Registration, "type" | "urn" | "parent" | "custom" | "dependencies" | "inputs">;

/** The namespace a Kubernetes object is created in: `metadata.namespace`, or a Helm release's `namespace`. */
export function namespaceOf(r: Reg): string | undefined {
    if (!r.custom || !r.type.startsWith("kubernetes:") || r.type === "kubernetes:core/v1:Namespace") return undefined;
    const ns = r.type === "kubernetes:helm.sh/v3:Release" ? r.inputs.namespace : r.inputs.metadata?.namespace;
    return typeof ns === "string" && ns ? ns : undefined;
}

/**
 * Every URN a registration waits for before it is created: its dependencies (explicit `dependsOn` and the
 * resources whose outputs it takes), its parent (a child is registered only once its parent's URN is known, and
 * a component's URN only once its own dependencies exist), and theirs, transitively.
 */
export function waitsFor(r: Reg, byUrn: ReadonlyMap<string, Reg>): Set<string> {
    const seen = new Set<string>();
    const queue = [...r.dependencies, ...(r.parent ? [r.parent] : [])];
    while (queue.length) {
        const urn = queue.pop()!;
        if (seen.has(urn)) continue;
        seen.add(urn);
        const next = byUrn.get(urn);
        if (next) queue.push(...next.dependencies, ...(next.parent ? [next.parent] : []));
    }
    return seen;
}

/** Namespaces that exist in every cluster before the program runs. */
export const builtinNamespaces: ReadonlySet<string> = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);

/**
 * The namespaced objects with no dependency path to the Namespace resource they live in, and those whose
 * namespace the program neither creates nor finds built in.
 */
export function namespaceOrderViolations(resources: readonly Reg[]): string[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const namespaces = new Map(
        resources.filter((r) => r.type === "kubernetes:core/v1:Namespace").map((r) => [r.inputs.metadata?.name as string, r.urn]),
    );
    const violations: string[] = [];
    for (const r of resources) {
        const ns = namespaceOf(r);
        if (!ns || builtinNamespaces.has(ns)) continue;
        const nsUrn = namespaces.get(ns);
        if (!nsUrn) violations.push(`${r.urn}: namespace "${ns}" is not created by the program`);
        else if (!waitsFor(r, byUrn).has(nsUrn)) violations.push(`${r.urn}: no dependency path to Namespace "${ns}" (${nsUrn})`);
    }
    return violations;
}
