/**
 * The values this platform sets on the Flink Kubernetes Operator chart, typed from
 * apache/flink-kubernetes-operator `helm/flink-kubernetes-operator/values.yaml` at tag release-1.15.0.
 */
import type { ContainerSecurityContext, Labels, PodSecurityContext, Resources, TopologySpreadConstraint, Volume, VolumeMount } from "./kubernetes";

export const chartVersion = "1.15.0";

export interface FlinkOperatorValues {
    readonly watchNamespaces?: readonly string[];
    readonly image?: { readonly repository?: string; readonly tag?: string; readonly pullPolicy?: "IfNotPresent" | "Always" | "Never" };
    readonly replicas?: number;
    /** The chart requires `Recreate` unless leader election is configured. */
    readonly strategy?: { readonly type: "Recreate" | "RollingUpdate" };
    readonly podSecurityContext?: PodSecurityContext;
    readonly operatorSecurityContext?: ContainerSecurityContext;
    readonly webhookSecurityContext?: ContainerSecurityContext;
    readonly operatorPod?: {
        readonly resources?: Resources;
        readonly labels?: Labels;
        readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
        readonly webhook?: { readonly resources?: Resources };
    };
    readonly operatorVolumes?: { readonly create: boolean; readonly data: readonly Volume[] };
    readonly operatorVolumeMounts?: { readonly create: boolean; readonly data: readonly VolumeMount[] };
    readonly jvmArgs?: { readonly operator?: string; readonly webhook?: string };
    readonly webhook?: { readonly create: boolean };
    readonly metrics?: { readonly port?: number };
    /**
     * The operator's configuration. With `flink-conf.yaml` set, the chart mounts that file (its template checks
     * `hasKey ... "flink-conf.yaml"`); `append` keeps the chart's own defaults before it.
     */
    readonly defaultConfiguration?: { readonly create: boolean; readonly append: boolean; readonly "flink-conf.yaml"?: string };
}
