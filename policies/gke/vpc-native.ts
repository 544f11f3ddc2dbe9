import { validateGkeCluster } from "../lib/gke";
import { PlatformResourcePolicy } from "../lib/policy";

export const vpcNative: PlatformResourcePolicy = {
    name: "gke-vpc-native",
    description:
        "The cluster is VPC-native (alias IPs): pod addresses are part of the VPC, so firewall rules, Private " +
        "Google Access and private services (Cloud SQL) see and route pod traffic directly.",
    remediationSteps:
        "Set `networkingMode: \"VPC_NATIVE\"` (the default for new clusters) with `ipAllocationPolicy` naming the " +
        "subnet's secondary ranges for pods and services.",
    severity: "medium",
    tags: ["gke", "cis", "network"],
    validateResource: validateGkeCluster((cluster, name, report) => {
        // Unset is VPC-native: the provider's default for new clusters.
        if (cluster.networkingMode === "ROUTES") report(`Cluster ${name} uses routes-based networking (networkingMode: ROUTES).`);
    }),
};
