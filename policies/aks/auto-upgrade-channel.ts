import { validateAksCluster } from "../lib/aks";
import { PlatformResourcePolicy } from "../lib/policy";

const upgradeChannels = new Set(["patch", "stable", "rapid", "node-image"]);

export const autoUpgradeChannel: PlatformResourcePolicy = {
    name: "aks-auto-upgrade-channel",
    description:
        "The cluster follows an auto-upgrade channel and its nodes receive OS security updates, so Kubernetes " +
        "patches and node images do not fall out of support.",
    remediationSteps:
        "Set `autoUpgradeProfile: { upgradeChannel: \"stable\" (or \"patch\"), nodeOSUpgradeChannel: \"NodeImage\" (or \"SecurityPatch\") }`.",
    severity: "medium",
    tags: ["aks", "cis", "upgrades"],
    validateResource: validateAksCluster((cluster, name, report) => {
        const profile = cluster.autoUpgradeProfile;
        if (!profile?.upgradeChannel || !upgradeChannels.has(profile.upgradeChannel)) {
            report(`ManagedCluster ${name} has no auto-upgrade channel (autoUpgradeProfile.upgradeChannel: ${profile?.upgradeChannel ?? "unset"}).`);
        }
        if (profile?.nodeOSUpgradeChannel === "None" || profile?.nodeOSUpgradeChannel === "Unmanaged") {
            report(`ManagedCluster ${name} leaves node OS updates unmanaged (autoUpgradeProfile.nodeOSUpgradeChannel: ${profile.nodeOSUpgradeChannel}).`);
        }
    }),
};
