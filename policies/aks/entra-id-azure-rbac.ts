import { validateAksCluster } from "../lib/aks";
import { PlatformResourcePolicy } from "../lib/policy";

export const entraIdAzureRbac: PlatformResourcePolicy = {
    name: "aks-entra-id-azure-rbac",
    description:
        "The cluster authenticates with Microsoft Entra ID and authorizes with Azure RBAC (Kubernetes RBAC on): " +
        "access is granted to Entra groups in one place, with conditional access and audit, not to cluster-local identities.",
    remediationSteps:
        "Set `enableRBAC: true` and `aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [...] }` on the ManagedCluster.",
    severity: "high",
    tags: ["aks", "cis", "identity"],
    validateResource: validateAksCluster((cluster, name, report) => {
        if (cluster.enableRBAC === false) report(`ManagedCluster ${name} sets enableRBAC: false.`);
        if (cluster.aadProfile?.managed !== true) report(`ManagedCluster ${name} does not enable Entra ID integration (aadProfile.managed: true).`);
        if (cluster.aadProfile?.enableAzureRBAC !== true) report(`ManagedCluster ${name} does not enable Azure RBAC (aadProfile.enableAzureRBAC: true).`);
    }),
};
