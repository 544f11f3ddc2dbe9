import { validateGkeCluster } from "../lib/gke";
import { PlatformResourcePolicy } from "../lib/policy";

export const legacyAbacDisabled: PlatformResourcePolicy = {
    name: "gke-legacy-abac-disabled",
    description:
        "Legacy ABAC stays disabled: it grants static, broad permissions beside RBAC, so RBAC could no longer " +
        "be relied on to limit what an identity can do.",
    remediationSteps: "Remove `enableLegacyAbac` from the Cluster or set it to false.",
    severity: "high",
    tags: ["gke", "cis", "identity"],
    validateResource: validateGkeCluster((cluster, name, report) => {
        if (cluster.enableLegacyAbac === true) report(`Cluster ${name} sets enableLegacyAbac: true.`);
    }),
};
