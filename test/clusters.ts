/** Example prod cluster args, shared by the cluster tests and the tests that compose on a real Cluster. */
import { AksClusterArgs, GkeClusterArgs } from "../components";

export const exampleGke: GkeClusterArgs = {
    provider: "gke",
    name: "mlp-prod",
    project: "acme-ml-prod",
    region: "europe-west1",
    releaseChannel: "REGULAR",
    network: { nodesCidr: "10.10.0.0/20", podsCidr: "10.20.0.0/14", servicesCidr: "10.24.0.0/20", masterCidr: "172.16.0.0/28" },
    masterAuthorizedNetworks: [{ cidr: "198.51.100.0/24", displayName: "office" }],
    systemPool: { machineType: "e2-standard-4", minNodes: 1, maxNodes: 3 },
    workloadPool: { machineType: "n2-standard-8", minNodes: 1, maxNodes: 10 },
};

export const exampleAks: AksClusterArgs = {
    provider: "aks",
    name: "mlp-prod",
    location: "westeurope",
    kubernetesVersion: "1.33",
    skuTier: "Standard",
    network: { vnetCidr: "10.30.0.0/16", nodesCidr: "10.30.0.0/20", podsCidr: "10.244.0.0/16", servicesCidr: "10.31.0.0/16", dnsServiceIp: "10.31.0.10" },
    adminGroupObjectIds: ["6f1c2a3b-1d2e-4f50-9a6b-7c8d9e0f1a2b"],
    authorizedIpRanges: ["198.51.100.0/24"],
    systemPool: { machineType: "Standard_D4s_v5", minNodes: 3, maxNodes: 5 },
    userPool: { machineType: "Standard_D8s_v5", minNodes: 3, maxNodes: 20 },
};
