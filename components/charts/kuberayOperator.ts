/**
 * The values this platform sets on the KubeRay operator chart, typed from ray-project/kuberay
 * `helm-chart/kuberay-operator/values.yaml` at tag v1.7.0 (no values.schema.json). `watchNamespace` is commented
 * out in values.yaml but read by templates/deployment.yaml (`--watch-namespace`) and the namespaced RBAC templates.
 */
import type { ContainerSecurityContext, Labels, PodSecurityContext, Resources } from "./kubernetes";

export const chartVersion = "1.7.0";

export interface KuberayOperatorValues {
    readonly replicas?: number;
    /** The template renders `repository:tag`, so the registry is part of `repository`. */
    readonly image?: { readonly repository?: string; readonly tag?: string; readonly pullPolicy?: "IfNotPresent" | "Always" | "Never" };
    readonly labels?: Labels;
    readonly serviceAccount?: { readonly create?: boolean; readonly name?: string };
    readonly metrics?: { readonly enabled?: boolean; readonly serviceMonitor?: { readonly enabled: boolean } };
    readonly leaderElectionEnabled?: boolean;
    readonly rbacEnable?: boolean;
    readonly crNamespacedRbacEnable?: boolean;
    readonly singleNamespaceInstall?: boolean;
    readonly watchNamespace?: readonly string[];
    readonly resources?: Resources;
    readonly podSecurityContext?: PodSecurityContext;
    readonly securityContext?: ContainerSecurityContext;
    readonly service?: { readonly type?: "ClusterIP"; readonly port?: number };
}
