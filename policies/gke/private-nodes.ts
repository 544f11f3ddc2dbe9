import { validateGkeCluster, validateGkePools } from "../lib/gke";
import { PlatformResourcePolicy } from "../lib/policy";

export const privateNodes: PlatformResourcePolicy = {
    name: "gke-private-nodes",
    description:
        "GKE nodes have internal IP addresses only (private cluster), so no node is reachable from the internet; " +
        "egress goes through Cloud NAT.",
    remediationSteps:
        "Set `privateClusterConfig.enablePrivateNodes: true` (with a /28 `masterIpv4CidrBlock`) on the Cluster, " +
        "add a Cloud Router with Cloud NAT for egress, and do not set `networkConfig.enablePrivateNodes: false` on a pool.",
    severity: "high",
    tags: ["gke", "cis", "network"],
    validateResource: [
        validateGkeCluster((cluster, name, report) => {
            if (cluster.privateClusterConfig?.enablePrivateNodes !== true) {
                report(`Cluster ${name} does not set privateClusterConfig.enablePrivateNodes: true.`);
            }
        }),
        ...validateGkePools((pool, _args, report) => {
            if (pool.networkConfig?.enablePrivateNodes === false) {
                report(`${pool.where} sets networkConfig.enablePrivateNodes: false (public node IPs).`);
            }
        }),
    ],
};
