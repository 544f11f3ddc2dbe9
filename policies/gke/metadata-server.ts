import { validateGkePools } from "../lib/gke";
import { PlatformResourcePolicy } from "../lib/policy";

export const metadataServer: PlatformResourcePolicy = {
    name: "gke-metadata-server",
    description:
        "Every node pool runs the GKE metadata server (workloadMetadataConfig.mode GKE_METADATA) with the legacy " +
        "metadata endpoints disabled: pods then cannot read the node's credentials or kube-env from the Compute " +
        "Engine metadata server.",
    remediationSteps:
        "Set `nodeConfig.workloadMetadataConfig.mode: \"GKE_METADATA\"` on the Cluster's default pool and every " +
        "NodePool, and do not set the node metadata `disable-legacy-endpoints` to \"false\".",
    severity: "high",
    tags: ["gke", "cis", "identity"],
    validateResource: validateGkePools((pool, _args, report) => {
        if (pool.nodeConfig.workloadMetadataConfig?.mode !== "GKE_METADATA") {
            report(`${pool.where} does not set nodeConfig.workloadMetadataConfig.mode: GKE_METADATA.`);
        }
        if (pool.nodeConfig.metadata?.["disable-legacy-endpoints"] === "false") {
            report(`${pool.where} re-enables the legacy metadata endpoints (disable-legacy-endpoints: "false").`);
        }
    }),
};
