/**
 * What a running platform loses when a new version of the program changes a resource's URN or the name of the
 * object behind it, and the comparison of a program's registrations with a released baseline (pure: no Pulumi).
 *
 * Pulumi knows a resource by its URN (type, name and the chain of parents). A URN that disappears is deleted; one
 * that appears is created. An `aliases` entry on the new resource that resolves to the old URN turns the pair
 * into an update. The object behind a URN has a physical identity too (a Kubernetes object's namespace and name,
 * a bucket's name): when that changes, the provider replaces the object, and a new one starts empty.
 */
import type { Registration } from "../harness";

/** One resource of a released program: its URN and, where it has one, its physical identity. */
export interface SnapshotEntry {
    readonly urn: string;
    readonly identity?: string;
}

/** A resource of the current program: a snapshot entry plus the old URNs it answers to. */
export interface CurrentEntry extends SnapshotEntry {
    readonly aliases: readonly string[];
}

/** Kinds whose deletion or replacement loses data, a credential or an identity others hold, with why. */
const GUARDED: ReadonlyArray<readonly [RegExp, string]> = [
    [/^kubernetes:core\/v1:Namespace$/, "deleting a Namespace deletes everything in it"],
    [/^kubernetes:core\/v1:PersistentVolumeClaim$/, "holds a volume"],
    [/^kubernetes:apps\/v1:StatefulSet$/, "owns volumes by its name"],
    [/^kubernetes:core\/v1:Secret$/, "holds credentials consumers read by name"],
    [/^kubernetes:storage\.k8s\.io\/v1:StorageClass$/, "volumes name it"],
    [/^kubernetes:apiextensions\.k8s\.io\/v1:CustomResourceDefinition$/, "deleting a CRD deletes every object of it"],
    [/^kubernetes:helm\.sh\/v3:Release$/, "a release owns its operator's CRs and its volumes"],
    [/^kubernetes:kafka\.strimzi\.io\//, "Kafka data, users and connector offsets"],
    [/^random:/, "a generated credential: a new one rotates it under every consumer"],
    [/^pulumi:providers:/, "every resource of a replaced provider is replaced"],
    [/^command:local:Command$/, "the kind cluster"],
    [/^gcp:container\/(cluster|nodePool):/, "the cluster and its nodes"],
    [/^gcp:sql\/(databaseInstance|database|user):/, "database data and logins"],
    [/^gcp:storage\/bucket:/, "bucket data"],
    [/^gcp:compute\/(network|subnetwork):/, "the cluster and databases live in it"],
    [/^gcp:serviceaccount\/account:/, "a workload identity others are granted"],
    [/^azure-native:containerservice:(ManagedCluster|AgentPool)$/, "the cluster and its nodes"],
    [/^azure-native:dbforpostgresql:(Server|Database)$/, "database data"],
    [/^azure-native:storage:(StorageAccount|BlobContainer)$/, "storage data"],
    [/^azure-native:resources:ResourceGroup$/, "deleting a resource group deletes everything in it"],
    [/^azure-native:network:(VirtualNetwork|Subnet)$/, "the cluster and databases live in it"],
    [/^azure-native:managedidentity:UserAssignedIdentity$/, "a workload identity others are granted"],
];

/** Why a resource type must keep its URN and identity, or undefined when it may come and go freely. */
export function guardReason(type: string): string | undefined {
    return GUARDED.find(([re]) => re.test(type))?.[1];
}

/** The inputs that name a cloud object (a change to any of them makes a different object). */
const CLOUD_NAME_INPUTS: Record<string, readonly string[]> = {
    "gcp:container/cluster:Cluster": ["project", "location", "name"],
    "gcp:container/nodePool:NodePool": ["location", "cluster", "name"],
    "gcp:sql/databaseInstance:DatabaseInstance": ["project", "region", "name"],
    "gcp:sql/database:Database": ["instance", "name"],
    "gcp:sql/user:User": ["instance", "name"],
    "gcp:storage/bucket:Bucket": ["project", "location", "name"],
    "gcp:compute/network:Network": ["project", "name"],
    "gcp:compute/subnetwork:Subnetwork": ["region", "name"],
    "gcp:serviceaccount/account:Account": ["project", "accountId"],
    "azure-native:resources:ResourceGroup": ["location", "resourceGroupName"],
    "azure-native:containerservice:ManagedCluster": ["location", "resourceName"],
    "azure-native:containerservice:AgentPool": ["resourceName", "agentPoolName"],
    "azure-native:dbforpostgresql:Server": ["location", "serverName"],
    "azure-native:dbforpostgresql:Database": ["serverName", "databaseName"],
    "azure-native:storage:StorageAccount": ["location", "accountName"],
    "azure-native:storage:BlobContainer": ["accountName", "containerName"],
    "azure-native:network:VirtualNetwork": ["location", "virtualNetworkName"],
    "azure-native:network:Subnet": ["virtualNetworkName", "subnetName"],
    "azure-native:managedidentity:UserAssignedIdentity": ["location", "resourceName"],
};

/**
 * The physical identity of a registration: `<group>/<Kind> <namespace>/<name>` for a named Kubernetes object
 * (plus the volume claim templates of a StatefulSet, which name its PVCs), `helm <namespace>/<release>` for a
 * Helm release, the naming inputs of a cloud object; undefined for anything named by its provider.
 */
export function physicalIdentity(r: Pick<Registration, "type" | "inputs">): string | undefined {
    const [pkg, module, kind] = r.type.split(":");
    if (r.type === "kubernetes:helm.sh/v3:Release") {
        return r.inputs.name ? `helm ${r.inputs.namespace ?? ""}/${r.inputs.name}` : undefined;
    }
    if (pkg === "kubernetes" && r.inputs.metadata?.name) {
        const group = module.split("/")[0];
        const where = `${group}/${kind} ${r.inputs.metadata.namespace ?? ""}/${r.inputs.metadata.name}`;
        const claims: { metadata?: { name?: string } }[] = r.inputs.spec?.volumeClaimTemplates ?? [];
        return claims.length ? `${where} volumes=${claims.map((c) => c.metadata?.name).join(",")}` : where;
    }
    const keys = CLOUD_NAME_INPUTS[r.type];
    return keys ? keys.map((k) => `${k}=${typeof r.inputs[k] === "string" ? r.inputs[k] : JSON.stringify(r.inputs[k] ?? null)}`).join(" ") : undefined;
}

/** The snapshot entries of a program's registrations, sorted by URN. */
export function currentEntries(resources: readonly Registration[]): CurrentEntry[] {
    return resources
        .map((r) => ({ urn: r.urn, identity: physicalIdentity(r), aliases: r.aliases }))
        .sort((a, b) => a.urn.localeCompare(b.urn));
}

const typeOf = (urn: string) => urn.split("::")[2].split("$").pop()!;

export interface Comparison {
    /** Changes that would delete, replace or fail to create something a running platform holds. */
    readonly violations: string[];
    /** Other changes: free to make, listed so the snapshot diff can say why. */
    readonly notes: string[];
}

/** Compares the current program with a released one: what a `pulumi up` from that release would do. */
export function compareWithBaseline(baseline: readonly SnapshotEntry[], current: readonly CurrentEntry[]): Comparison {
    const violations: string[] = [];
    const notes: string[] = [];
    const byUrn = new Map(current.map((c) => [c.urn, c]));
    const aliasedBy = new Map(current.flatMap((c) => c.aliases.map((a) => [a, c] as const)));
    const matched = new Set<string>();

    for (const old of baseline) {
        const reason = guardReason(typeOf(old.urn));
        const now = byUrn.get(old.urn) ?? aliasedBy.get(old.urn);
        if (!now) {
            const redeclared = old.identity && current.find((c) => c.identity === old.identity);
            if (redeclared) {
                violations.push(
                    `${old.urn}: ${old.identity} is now declared by ${redeclared.urn}, which has no alias to it: ` +
                        "the engine creates the new one first (the object already exists: AlreadyExists) and deletes the old one",
                );
            } else if (reason) {
                violations.push(`${old.urn}: gone, and no resource has an alias to it; pulumi up would delete it (${reason})`);
            } else {
                notes.push(`removed ${old.urn}`);
            }
            continue;
        }
        matched.add(now.urn);
        const how = now.urn === old.urn ? "" : ` (now ${now.urn}, by alias)`;
        if (old.identity && old.identity !== now.identity) {
            const change = `${old.urn}${how}: identity ${old.identity} -> ${now.identity ?? "(named by the provider)"}`;
            if (reason) violations.push(`${change}; the provider replaces it with a new, empty one (${reason})`);
            else notes.push(`renamed ${change}`);
        } else if (how) {
            notes.push(`moved ${old.urn}${how}`);
        }
    }
    for (const c of current) if (!matched.has(c.urn)) notes.push(`added ${c.urn}`);
    return { violations, notes };
}

/** A snapshot file: one entry a line, so its diff in a pull request reads as the list of changed resources. */
export function formatSnapshot(release: string, stack: string, entries: readonly SnapshotEntry[]): string {
    const lines = entries.map(({ urn, identity }) => `    ${JSON.stringify(identity ? { urn, identity } : { urn })}`);
    return `{\n  "release": ${JSON.stringify(release)},\n  "stack": ${JSON.stringify(stack)},\n  "resources": [\n${lines.join(",\n")}\n  ]\n}\n`;
}
