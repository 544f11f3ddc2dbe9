/**
 * The values this platform sets on the official Dex chart, typed from dexidp/helm-charts `charts/dex/values.yaml`
 * at tag `dex-0.24.0`. `config` is deliberately absent: Dex's config (client secrets, the admin's hash) reaches Dex
 * only through a Secret the platform creates (`configSecret.create: false`, `configSecret.name`).
 */
import type { ContainerSecurityContext, Labels, PodSecurityContext, Resources, Volume, VolumeMount } from "./kubernetes";

export const chartVersion = "0.24.0";

export interface DexValues {
    readonly replicaCount?: number;
    readonly fullnameOverride?: string;
    /** `image.tag` overrides the chart's `v<appVersion>`. */
    readonly image?: { readonly repository?: string; readonly tag?: string; readonly digest?: string };
    /** `create: false`: the Deployment mounts the named, existing Secret at /etc/dex (key `config.yaml`). */
    readonly configSecret: { readonly create: false; readonly name: string };
    readonly serviceAccount?: { readonly create?: boolean; readonly name?: string };
    /** Role/ClusterRole for Dex's Kubernetes storage; not needed with in-memory storage. */
    readonly rbac?: { readonly create?: boolean; readonly createClusterScoped?: boolean };
    readonly podLabels?: Labels;
    readonly commonLabels?: Labels;
    readonly podSecurityContext?: PodSecurityContext;
    readonly securityContext?: ContainerSecurityContext;
    readonly resources?: Resources;
    /** Extra pod volumes and container mounts, beside the config Secret at /etc/dex. */
    readonly volumes?: readonly Volume[];
    readonly volumeMounts?: readonly VolumeMount[];
    readonly https?: { readonly enabled: boolean };
    readonly grpc?: { readonly enabled: boolean };
    readonly service?: { readonly type?: "ClusterIP"; readonly ports?: { readonly http?: { readonly port: number } } };
    readonly ingress?: { readonly enabled: boolean };
    readonly serviceMonitor?: { readonly enabled: boolean };
    readonly networkPolicy?: { readonly enabled: boolean };
}
