/**
 * The values this platform sets on the Traefik chart, typed from traefik/traefik-helm-chart at the pinned version
 * (`traefik/values.yaml` and `values.schema.json`, which refuses unknown top-level keys). Bumping
 * `charts.traefik` fails a test until `chartVersion` here is bumped too, after checking these keys.
 */
import type { ContainerSecurityContext, Labels, PodSecurityContext, Resources, TopologySpreadConstraint } from "./kubernetes";

export const chartVersion = "41.3.0";

interface EntryPoint {
    /** NodePort of the chart's Service for this entry point (with `service.spec.type: NodePort`). */
    readonly nodePort?: number;
    readonly http?: { readonly redirections?: { readonly entryPoint?: { readonly to: string; readonly scheme: "https" | "http"; readonly permanent: boolean } } };
}

export interface TraefikValues {
    readonly deployment?: { readonly kind?: "Deployment" | "DaemonSet"; readonly replicas?: number; readonly labels?: Labels };
    readonly ingressClass?: { readonly enabled?: boolean; readonly isDefaultClass?: boolean; readonly name?: string };
    readonly providers?: {
        readonly kubernetesIngress?: { readonly enabled?: boolean; readonly publishedService?: { readonly enabled?: boolean } };
        readonly kubernetesCRD?: { readonly enabled?: boolean; readonly allowCrossNamespace?: boolean };
    };
    readonly ingressRoute?: { readonly dashboard?: { readonly enabled?: boolean } };
    readonly ports?: { readonly web?: EntryPoint; readonly websecure?: EntryPoint };
    readonly service?: {
        /** Passed through to the Service's spec (no selector or ports). */
        readonly spec?: { readonly type?: "ClusterIP" | "NodePort" | "LoadBalancer"; readonly externalTrafficPolicy?: "Local" | "Cluster" };
        readonly annotations?: Labels;
    };
    readonly podDisruptionBudget?: { readonly enabled: boolean; readonly maxUnavailable?: number | string; readonly minAvailable?: number | string };
    readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
    readonly resources?: Resources;
    readonly securityContext?: ContainerSecurityContext;
    readonly podSecurityContext?: PodSecurityContext;
    readonly metrics?: { readonly prometheus?: { readonly entryPoint?: string } };
    /** Access logs (renamed from `logs.access` in chart 41.0.0). */
    readonly accessLog?: { readonly enabled?: boolean };
}
