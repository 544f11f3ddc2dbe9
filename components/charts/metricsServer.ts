/** The values this platform sets on the metrics-server chart, typed from kubernetes-sigs/metrics-server `charts/metrics-server/values.yaml` at the pinned tag. */
import type { Resources } from "./kubernetes";

export const chartVersion = "3.13.1";

export interface MetricsServerValues {
    readonly image?: { readonly repository?: string; readonly tag?: string };
    /** Appended to the chart's `defaultArgs`. */
    readonly args?: readonly string[];
    readonly replicas?: number;
    readonly podDisruptionBudget?: { readonly enabled: boolean; readonly minAvailable?: number | string; readonly maxUnavailable?: number | string };
    readonly resources?: Resources;
}
