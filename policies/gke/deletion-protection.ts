import { validateGkeCluster } from "../lib/gke";
import { PlatformResourcePolicy } from "../lib/policy";

export const deletionProtection: PlatformResourcePolicy = {
    name: "gke-deletion-protection",
    description:
        "The cluster keeps deletion protection on, so a mistaken `pulumi destroy` or a replacing change cannot " +
        "delete it and every workload and volume on it. Disabled for dev stacks by config/dev.json.",
    remediationSteps:
        "Leave `deletionProtection` unset (the provider's default is true) or set it to true; turn it off in a " +
        "separate, reviewed change when the cluster is really to be deleted.",
    severity: "high",
    tags: ["gke", "data-safety"],
    validateResource: validateGkeCluster((cluster, name, report) => {
        if (cluster.deletionProtection === false) report(`Cluster ${name} sets deletionProtection: false.`);
    }),
};
