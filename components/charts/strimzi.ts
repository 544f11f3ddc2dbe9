/**
 * The values this platform sets on the Strimzi cluster operator chart, typed from strimzi/strimzi-kafka-operator
 * `packaging/helm-charts/helm3/strimzi-kafka-operator/values.yaml` at the pinned tag.
 */
import type { ContainerSecurityContext, EnvVar, Labels, PodSecurityContext, Resources, TopologySpreadConstraint } from "./kubernetes";

export const chartVersion = "1.2.0";

export interface StrimziValues {
    readonly replicas?: number;
    /** Namespaces besides the release's own that the operator reconciles. */
    readonly watchNamespaces?: readonly string[];
    readonly watchAnyNamespace?: boolean;
    readonly defaultImageRegistry?: string;
    readonly defaultImageRepository?: string;
    readonly defaultImageTag?: string;
    readonly resources?: Resources;
    readonly securityContext?: ContainerSecurityContext;
    readonly podSecurityContext?: PodSecurityContext;
    readonly extraEnvs?: readonly EnvVar[];
    readonly leaderElection?: { readonly enable: boolean };
    readonly podDisruptionBudget?: { readonly enabled: boolean; readonly minAvailable?: number; readonly maxUnavailable?: number };
    readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
    readonly labels?: Labels;
    readonly generateNetworkPolicy?: boolean;
    readonly generatePodDisruptionBudget?: boolean;
    readonly dashboards?: { readonly enabled: boolean };
}
