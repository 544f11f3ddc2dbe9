/**
 * The cluster settings the platform's stacks start from, per environment and provider, shipped with the library so
 * a program using `Cluster` on GKE or AKS spreads them instead of copying them:
 *
 *   new Cluster("c", { provider: "gke", name: "ml", project, region, ...clusterDefaults.prod.gke })
 *
 * dev: small and cheap. prod: spread over zones, room to autoscale, protected against deletion.
 */
const network = {
    gke: { nodesCidr: "10.10.0.0/20", podsCidr: "10.20.0.0/14", servicesCidr: "10.24.0.0/20", masterCidr: "172.16.0.0/28" },
    aks: { vnetCidr: "10.30.0.0/16", nodesCidr: "10.30.0.0/20", podsCidr: "10.244.0.0/16", servicesCidr: "10.31.0.0/16", dnsServiceIp: "10.31.0.10", databaseCidr: "10.30.16.0/24" },
} as const;

export const clusterDefaults = {
    dev: {
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
    prod: {
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
} as const;
