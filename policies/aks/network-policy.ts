import { validateAksCluster } from "../lib/aks";
import { PlatformResourcePolicy } from "../lib/policy";

const enforcing = new Set(["azure", "calico", "cilium"]);

export const networkPolicy: PlatformResourcePolicy = {
    name: "aks-network-policy",
    description:
        "A NetworkPolicy engine is installed (Cilium, Azure or Calico): without one the platform's default-deny " +
        "NetworkPolicies are silently ignored.",
    remediationSteps:
        "Set `networkProfile.networkPolicy: \"cilium\"` with `networkDataplane: \"cilium\"` (Azure CNI overlay), " +
        "or \"azure\"/\"calico\". It can only be chosen at cluster creation.",
    severity: "high",
    tags: ["aks", "cis", "network"],
    validateResource: validateAksCluster((cluster, name, report) => {
        const policy = cluster.networkProfile?.networkPolicy;
        if (!policy || !enforcing.has(policy)) {
            report(`ManagedCluster ${name} enforces no NetworkPolicy (networkProfile.networkPolicy: ${policy ?? "unset"}).`);
        }
    }),
};
