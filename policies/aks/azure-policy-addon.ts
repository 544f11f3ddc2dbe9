import { validateAksCluster } from "../lib/aks";
import { PlatformResourcePolicy } from "../lib/policy";

export const azurePolicyAddon: PlatformResourcePolicy = {
    name: "aks-azure-policy-addon",
    description:
        "The Azure Policy add-on is enabled, so the organisation's Azure Policy assignments (pod security " +
        "baselines, allowed registries) are enforced inside the cluster by Gatekeeper.",
    remediationSteps: "Set `addonProfiles: { azurepolicy: { enabled: true } }` on the ManagedCluster.",
    severity: "medium",
    tags: ["aks", "cis", "governance"],
    validateResource: validateAksCluster((cluster, name, report) => {
        const addon = Object.entries(cluster.addonProfiles ?? {}).find(([key]) => key.toLowerCase() === "azurepolicy")?.[1];
        if (addon?.enabled !== true) report(`ManagedCluster ${name} does not enable the Azure Policy add-on (addonProfiles.azurepolicy.enabled: true).`);
    }),
};
