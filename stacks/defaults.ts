/**
 * Per-environment defaults, as data. A stack file sets only what differs; its values are merged over
 * these (objects key by key, arrays and scalars replaced) before validation.
 * dev: small and cheap. prod: spread over zones, room to autoscale, protected against deletion.
 */
export type Environment = "dev" | "prod";

const network = {
    gke: { nodesCidr: "10.10.0.0/20", podsCidr: "10.20.0.0/14", servicesCidr: "10.24.0.0/20", masterCidr: "172.16.0.0/28" },
    aks: { vnetCidr: "10.30.0.0/16", nodesCidr: "10.30.0.0/20", podsCidr: "10.244.0.0/16", servicesCidr: "10.31.0.0/16", dnsServiceIp: "10.31.0.10" },
};

export const environmentDefaults: Record<Environment, { cluster: Record<string, Record<string, unknown>> }> = {
    dev: {
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

/** The cluster name a stack gets when its file sets none. */
export function defaultClusterName(project: string, stack: string): string {
    return `${project}-${stack}`;
}
