import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { KubernetesTargetArgs, platformLabels, requireKubernetesProvider } from "../common/kubernetes";

export interface RetainStorageClassArgs extends KubernetesTargetArgs {
    /** Which cluster the class is for: the CSI driver differs. kind gets none and keeps its own `standard`. */
    readonly provider: "kind" | "gke" | "aks";
    /** StorageClass name. Default `ml-retain`. */
    readonly name?: string;
    /**
     * Replicate each volume across zones (GKE regional PD, Azure ZRS disk), so a stateful pod can be rescheduled
     * into another zone with its data when a zone fails. Default true.
     */
    readonly zoneRedundant?: boolean;
}

/** kind's built-in class (rancher local-path). Its volumes die with the kind node anyway; nothing to retain. */
export const KIND_STORAGE_CLASS = "standard";

/** CSI driver and parameters of the retained class, or undefined on kind. Pure. */
export function retainStorageClassSpec(
    provider: RetainStorageClassArgs["provider"],
    zoneRedundant: boolean,
): { provisioner: string; parameters: Record<string, string> } | undefined {
    switch (provider) {
        case "kind":
            return undefined;
        case "gke":
            return {
                provisioner: "pd.csi.storage.gke.io",
                parameters: zoneRedundant ? { type: "pd-balanced", "replication-type": "regional-pd" } : { type: "pd-balanced" },
            };
        case "aks":
            return { provisioner: "disk.csi.azure.com", parameters: { skuName: zoneRedundant ? "Premium_ZRS" : "Premium_LRS" } };
    }
}

/**
 * The StorageClass for prod data PVCs (Kafka, Prometheus, any StatefulSet that keeps state): `reclaimPolicy: Retain`,
 * so deleting a PVC (or a whole namespace) releases the disk instead of deleting it.
 */
export class RetainStorageClass extends pulumi.ComponentResource {
    /** The class to set as `storageClassName` on data PVCs. */
    public readonly storageClassName: pulumi.Output<string>;

    constructor(name: string, args: RetainStorageClassArgs, opts?: pulumi.ComponentResourceOptions) {
        requireKubernetesProvider(`RetainStorageClass "${name}"`, args, opts);
        super("mlplatform:storage:RetainStorageClass", name, {}, opts);
        const spec = retainStorageClassSpec(args.provider, args.zoneRedundant ?? true);
        if (!spec) {
            this.storageClassName = pulumi.output(KIND_STORAGE_CLASS);
        } else {
            const storageClass = new k8s.storage.v1.StorageClass(
                `${name}-class`,
                {
                    metadata: { name: args.name ?? "ml-retain", labels: platformLabels("storage") },
                    provisioner: spec.provisioner,
                    parameters: spec.parameters,
                    reclaimPolicy: "Retain",
                    // Bind where the pod is scheduled, so the disk lands in the pod's zone.
                    volumeBindingMode: "WaitForFirstConsumer",
                    allowVolumeExpansion: true,
                },
                { parent: this },
            );
            this.storageClassName = storageClass.metadata.name;
        }
        this.registerOutputs({ storageClassName: this.storageClassName });
    }
}
