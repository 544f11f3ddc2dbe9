import { validateGkePools } from "../lib/gke";
import { PlatformResourcePolicy } from "../lib/policy";

export const cosContainerdImage: PlatformResourcePolicy = {
    name: "gke-cos-containerd-image",
    description:
        "Nodes run Container-Optimized OS with containerd (COS_CONTAINERD): a minimal, read-only, " +
        "automatically patched OS built for containers.",
    remediationSteps: "Set `nodeConfig.imageType: \"COS_CONTAINERD\"` on the Cluster's default pool and every NodePool.",
    severity: "medium",
    tags: ["gke", "cis", "nodes"],
    validateResource: validateGkePools((pool, _args, report) => {
        const image = pool.nodeConfig.imageType;
        if (image?.toUpperCase() !== "COS_CONTAINERD") {
            report(`${pool.where} uses node image ${image ?? "(unset)"}; set nodeConfig.imageType: COS_CONTAINERD.`);
        }
    }),
};
