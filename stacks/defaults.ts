/**
 * Per-environment defaults, as data. A stack file sets only what differs; its values are merged over
 * these (objects key by key, arrays and scalars replaced) before validation.
 * dev: small and cheap. prod: spread over zones, room to autoscale, protected against deletion.
 */
export type Environment = "dev" | "prod";

const network = {
    gke: { nodesCidr: "10.10.0.0/20", podsCidr: "10.20.0.0/14", servicesCidr: "10.24.0.0/20", masterCidr: "172.16.0.0/28" },
    aks: { vnetCidr: "10.30.0.0/16", nodesCidr: "10.30.0.0/20", podsCidr: "10.244.0.0/16", servicesCidr: "10.31.0.0/16", dnsServiceIp: "10.31.0.10", databaseCidr: "10.30.16.0/24" },
};

/** Every component on; what each needs set explicitly is named by the validation errors. */
const allComponents = { lakehouse: true, streaming: true, orchestrator: true, tracking: true, serving: true, monitoring: true, compute: true };

export interface Defaults {
    /** Per cluster provider. */
    readonly cluster: Record<string, Record<string, unknown>>;
    /** Every other top-level key. */
    readonly sections: Record<string, unknown>;
}

export const environmentDefaults: Record<Environment, Defaults> = {
    dev: {
        sections: {
            components: allComponents,
            lakehouse: {},
            streaming: { topics: [], cdc: { tables: [] } },
            orchestrator: { executor: "KubernetesExecutor" },
            serving: { models: [{ name: "sklearn-iris", modelFormat: "sklearn", storageUri: "gs://kfserving-examples/models/sklearn/1.0/model" }] },
            monitoring: {},
            // Operators only: the dev budget has no room for a standing Ray head or the History Server.
            compute: { spark: { historyServer: false }, ray: { cluster: false } },
            upgrade: { allowReplacement: [] },
        },
        cluster: {
            kind: { workers: 0, httpPort: 80, httpsPort: 443 },
            gke: {
                releaseChannel: "REGULAR",
                network: network.gke,
                masterAuthorizedNetworks: [],
                systemPool: { machineType: "e2-standard-2", minNodes: 1, maxNodes: 2 },
                workloadPool: { machineType: "e2-standard-4", minNodes: 0, maxNodes: 3 },
                deletionProtection: false,
            },
            aks: {
                kubernetesVersion: "1.33",
                skuTier: "Free",
                network: network.aks,
                systemPool: { machineType: "Standard_D2s_v5", minNodes: 1, maxNodes: 2 },
                userPool: { machineType: "Standard_D4s_v5", minNodes: 1, maxNodes: 3 },
            },
            existing: {},
        },
    },
    prod: {
        sections: {
            components: allComponents,
            lakehouse: {},
            streaming: { topics: [], cdc: { tables: [] } },
            orchestrator: { executor: "KubernetesExecutor" },
            serving: { models: [] },
            monitoring: {},
            compute: { spark: { historyServer: true }, ray: { cluster: true } },
            upgrade: { allowReplacement: [] },
        },
        cluster: {
            kind: { workers: 0, httpPort: 80, httpsPort: 443 },
            gke: {
                releaseChannel: "REGULAR",
                network: network.gke,
                masterAuthorizedNetworks: [],
                // Regional cluster: bounds are per zone, so the system pool never drops below 3 nodes.
                systemPool: { machineType: "e2-standard-4", minNodes: 1, maxNodes: 3 },
                workloadPool: { machineType: "n2-standard-8", minNodes: 1, maxNodes: 10 },
                deletionProtection: true,
            },
            aks: {
                kubernetesVersion: "1.33",
                skuTier: "Standard",
                network: network.aks,
                systemPool: { machineType: "Standard_D4s_v5", minNodes: 3, maxNodes: 5 },
                userPool: { machineType: "Standard_D8s_v5", minNodes: 3, maxNodes: 20 },
            },
            existing: {},
        },
    },
};

/**
 * Defaults that follow the cluster rather than the environment: only a kind node maps host ports to the laptop,
 * and only kind has an in-cluster registry for the CDC Connect image (a cloud stack names its own registry).
 */
export function clusterDependentDefaults(clusterProvider: unknown): Record<string, unknown> {
    if (clusterProvider !== "kind") return { ingress: { exposure: "public" } };
    return {
        ingress: { exposure: "kind", domain: "localtest.me" },
        // Declared but idle until the table exists: create public.orders in the `source` database.
        streaming: { cdc: { tables: ["public.orders"] } },
    };
}

/** The cluster name a stack gets when its file sets none. */
export function defaultClusterName(project: string, stack: string): string {
    return `${project}-${stack}`;
}
