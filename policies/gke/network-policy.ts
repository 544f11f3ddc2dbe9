import { validateGkeCluster } from "../lib/gke";
import { PlatformResourcePolicy } from "../lib/policy";

export const networkPolicy: PlatformResourcePolicy = {
    name: "gke-network-policy",
    description:
        "NetworkPolicy is enforced, by GKE Dataplane V2 (ADVANCED_DATAPATH) or the Calico add-on: without an " +
        "enforcing dataplane the platform's default-deny NetworkPolicies are silently ignored.",
    remediationSteps:
        "Set `datapathProvider: \"ADVANCED_DATAPATH\"` on the Cluster (Dataplane V2, new clusters only), or " +
        "`networkPolicy: { enabled: true, provider: \"CALICO\" }`.",
    severity: "high",
    tags: ["gke", "cis", "network"],
    validateResource: validateGkeCluster((cluster, name, report) => {
        if (cluster.enableAutopilot) return;
        const dataplaneV2 = cluster.datapathProvider === "ADVANCED_DATAPATH";
        const calico = cluster.networkPolicy?.enabled === true;
        if (!dataplaneV2 && !calico) {
            report(`Cluster ${name} enforces no NetworkPolicy: neither datapathProvider ADVANCED_DATAPATH nor networkPolicy.enabled.`);
        }
    }),
};
