import { validateGkeCluster } from "../lib/gke";
import { PlatformResourcePolicy } from "../lib/policy";

export const workloadIdentity: PlatformResourcePolicy = {
    name: "gke-workload-identity",
    description:
        "GKE Workload Identity is enabled, so pods authenticate to Google Cloud as their own Kubernetes " +
        "ServiceAccount (mapped to a least-privilege Google service account) instead of using node credentials or keys.",
    remediationSteps: "Set `workloadIdentityConfig.workloadPool: \"<project>.svc.id.goog\"` on the Cluster.",
    severity: "high",
    tags: ["gke", "cis", "identity"],
    validateResource: validateGkeCluster((cluster, name, report) => {
        if (cluster.enableAutopilot) return;
        if (!cluster.workloadIdentityConfig?.workloadPool) {
            report(`Cluster ${name} does not set workloadIdentityConfig.workloadPool.`);
        }
    }),
};
