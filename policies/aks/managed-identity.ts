import { validateAksCluster } from "../lib/aks";
import { PlatformResourcePolicy } from "../lib/policy";

export const managedIdentity: PlatformResourcePolicy = {
    name: "aks-managed-identity",
    description:
        "The control plane uses a managed identity, not a service principal whose client secret must be stored, " +
        "rotated and can leak.",
    remediationSteps:
        "Set `identity: { type: \"UserAssigned\", userAssignedIdentities: [<identity id>] }` (or SystemAssigned) " +
        "and remove `servicePrincipalProfile`.",
    severity: "high",
    tags: ["aks", "cis", "identity"],
    validateResource: validateAksCluster((cluster, name, report) => {
        const type = cluster.identity?.type;
        if (type !== "UserAssigned" && type !== "SystemAssigned") {
            report(`ManagedCluster ${name} has no managed identity (identity.type: ${type ?? "unset"}).`);
        }
        if (cluster.servicePrincipalProfile?.secret) report(`ManagedCluster ${name} stores a service principal secret (servicePrincipalProfile.secret).`);
    }),
};
