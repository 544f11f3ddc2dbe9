/**
 * The values this platform sets on the cert-manager chart, typed from cert-manager/cert-manager at the pinned tag
 * (`deploy/charts/cert-manager/values.yaml` and `values.schema.json`, which refuses unknown keys).
 */
import type { Resources } from "./kubernetes";

export const chartVersion = "v1.21.1";

type Pdb = { readonly enabled: boolean; readonly maxUnavailable?: number | string; readonly minAvailable?: number | string };

export interface CertManagerValues {
    readonly crds?: { readonly enabled?: boolean; readonly keep?: boolean };
    readonly replicaCount?: number;
    readonly podDisruptionBudget?: Pdb;
    readonly resources?: Resources;
    readonly webhook?: { readonly replicaCount?: number; readonly podDisruptionBudget?: Pdb; readonly resources?: Resources };
    readonly cainjector?: { readonly replicaCount?: number; readonly podDisruptionBudget?: Pdb; readonly resources?: Resources };
    readonly startupapicheck?: { readonly resources?: Resources };
    readonly prometheus?: { readonly enabled?: boolean };
}
