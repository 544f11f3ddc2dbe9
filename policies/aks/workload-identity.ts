import { validateAksCluster } from "../lib/aks";
import { PlatformResourcePolicy } from "../lib/policy";

export const workloadIdentity: PlatformResourcePolicy = {
    name: "aks-workload-identity",
    description:
        "The OIDC issuer and Microsoft Entra Workload ID are enabled, so pods reach Azure services as a " +
        "federated user-assigned identity instead of with stored keys or the node's identity.",
    remediationSteps:
        "Set `oidcIssuerProfile.enabled: true` and `securityProfile.workloadIdentity.enabled: true` on the ManagedCluster.",
    severity: "high",
    tags: ["aks", "cis", "identity"],
    validateResource: validateAksCluster((cluster, name, report) => {
        if (cluster.oidcIssuerProfile?.enabled !== true) report(`ManagedCluster ${name} does not enable the OIDC issuer (oidcIssuerProfile.enabled: true).`);
        if (cluster.securityProfile?.workloadIdentity?.enabled !== true) {
            report(`ManagedCluster ${name} does not enable workload identity (securityProfile.workloadIdentity.enabled: true).`);
        }
    }),
};
