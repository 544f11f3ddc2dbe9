import { validateGkeCluster } from "../lib/gke";
import { PlatformResourcePolicy } from "../lib/policy";

export const shieldedNodes: PlatformResourcePolicy = {
    name: "gke-shielded-nodes",
    description:
        "Shielded GKE Nodes are enabled: nodes prove their identity to the control plane with a vTPM-backed " +
        "certificate, so a stolen bootstrap credential cannot register a rogue node.",
    remediationSteps: "Leave `enableShieldedNodes` unset (the default is true) or set it to true on the Cluster.",
    severity: "high",
    tags: ["gke", "cis", "nodes"],
    validateResource: validateGkeCluster((cluster, name, report) => {
        if (cluster.enableShieldedNodes === false) report(`Cluster ${name} sets enableShieldedNodes: false.`);
    }),
};
