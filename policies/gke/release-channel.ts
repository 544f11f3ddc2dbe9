import { validateGkeCluster } from "../lib/gke";
import { PlatformResourcePolicy } from "../lib/policy";

const channels = new Set(["RAPID", "REGULAR", "STABLE", "EXTENDED"]);

export const releaseChannel: PlatformResourcePolicy = {
    name: "gke-release-channel",
    description:
        "The cluster is enrolled in a release channel, so GKE upgrades the control plane and nodes with " +
        "security patches on a tested cadence instead of leaving them on a version that goes out of support.",
    remediationSteps: "Set `releaseChannel.channel` to REGULAR (or STABLE/RAPID) on the Cluster.",
    severity: "medium",
    tags: ["gke", "cis", "upgrades"],
    validateResource: validateGkeCluster((cluster, name, report) => {
        const channel = cluster.releaseChannel?.channel;
        if (!channel || !channels.has(channel)) report(`Cluster ${name} is not enrolled in a release channel (releaseChannel.channel: ${channel ?? "unset"}).`);
    }),
};
