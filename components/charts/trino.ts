/**
 * The values this platform sets on the official Trino chart, typed from trinodb/charts `charts/trino/values.yaml`
 * at tag trino-1.42.2 (the chart ships no values schema: a misspelled key is silently ignored, hence this type).
 */
import type { ContainerSecurityContext, EnvFromSource, Labels, PodSecurityContext, Resources, TopologySpreadConstraint, Volume, VolumeMount } from "./kubernetes";

export const chartVersion = "1.42.2";

interface HpaPolicy {
    readonly stabilizationWindowSeconds?: number;
    readonly policies?: readonly { readonly type: "Pods" | "Percent"; readonly value: number; readonly periodSeconds: number }[];
}

interface NodeValues {
    readonly jvm?: { readonly maxHeapSize?: string };
    readonly additionalJVMConfig?: readonly string[];
    readonly config?: {
        readonly memory?: { readonly heapHeadroomPerNode?: string };
        readonly query?: { readonly maxMemoryPerNode?: string };
    };
    readonly resources?: Resources;
    readonly labels?: Labels;
    readonly additionalVolumes?: readonly Volume[];
    readonly additionalVolumeMounts?: readonly VolumeMount[];
}

export interface TrinoValues {
    readonly fullnameOverride?: string;
    readonly image?: { readonly repository?: string; readonly useRepositoryAsSoleImageReference?: boolean; readonly pullPolicy?: "IfNotPresent" | "Always" | "Never" };
    readonly server?: {
        readonly workers?: number;
        readonly node?: { readonly environment?: string };
        readonly config?: { readonly query?: { readonly maxMemory?: string } };
        readonly autoscaling?: {
            readonly enabled: boolean;
            readonly maxReplicas?: number;
            readonly targetCPUUtilizationPercentage?: number;
            readonly targetMemoryUtilizationPercentage?: number;
            readonly behavior?: { readonly scaleUp?: HpaPolicy; readonly scaleDown?: HpaPolicy };
        };
    };
    /** Catalog name to the body of its properties file. */
    readonly catalogs?: Readonly<Record<string, string>>;
    readonly serviceAccount?: { readonly create?: boolean; readonly name?: string; readonly annotations?: Labels };
    readonly service?: { readonly type?: "ClusterIP" | "NodePort" | "LoadBalancer"; readonly port?: number };
    /** `key=value` lines appended to every node's config.properties. */
    readonly additionalConfigProperties?: readonly string[];
    readonly commonLabels?: Labels;
    readonly envFrom?: readonly EnvFromSource[];
    /** The pod security context of coordinator and workers. */
    readonly securityContext?: PodSecurityContext;
    readonly containerSecurityContext?: ContainerSecurityContext;
    readonly coordinator?: NodeValues & { readonly config?: { readonly nodeScheduler?: { readonly includeCoordinator?: boolean } } };
    readonly worker?: NodeValues & {
        readonly gracefulShutdown?: { readonly enabled: boolean; readonly gracePeriodSeconds?: number };
        readonly terminationGracePeriodSeconds?: number;
        readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
    };
}
