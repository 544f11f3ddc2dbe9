import { validateAksCluster } from "../lib/aks";
import { PlatformResourcePolicy } from "../lib/policy";

export const localAccountsDisabled: PlatformResourcePolicy = {
    name: "aks-local-accounts-disabled",
    description:
        "Local accounts are disabled, so the static cluster-admin kubeconfig (listClusterAdminCredential) does not " +
        "exist: every access goes through Entra ID and can be revoked.",
    remediationSteps: "Set `disableLocalAccounts: true` on the ManagedCluster (requires Entra ID integration).",
    severity: "high",
    tags: ["aks", "cis", "identity"],
    validateResource: validateAksCluster((cluster, name, report) => {
        if (cluster.disableLocalAccounts !== true) report(`ManagedCluster ${name} does not set disableLocalAccounts: true.`);
    }),
};
