/**
 * The values this platform sets on the JupyterHub chart, typed from jupyterhub/zero-to-jupyterhub-k8s
 * `jupyterhub/values.yaml` and `jupyterhub/values.schema.yaml` at the pinned tag. `hub.config` is passed to the hub
 * as traitlets configuration (`c.<Class>.<trait>`), so its sections stay open records.
 */
import type { ContainerSecurityContext, Labels, PodSecurityContext, Resources } from "./kubernetes";

export const chartVersion = "4.4.0";

/** An image as the chart takes it: `name` is registry and repository. */
export interface Image {
    readonly name: string;
    readonly tag: string;
}

/** `extraEnv` in the chart's dict form: a literal, or an EnvVar without its name (the key is the name). */
export type ExtraEnv = Readonly<Record<string, string | { readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string; readonly optional?: boolean } } }>>;

export interface NetworkPolicy {
    readonly enabled: boolean;
}

export interface JupyterHubValues {
    readonly hub?: {
        readonly image?: Image;
        readonly resources?: Resources;
        readonly podSecurityContext?: PodSecurityContext;
        readonly containerSecurityContext?: ContainerSecurityContext;
        /** `type`: `sqlite-pvc`, `sqlite-memory`, `mysql`, `postgres` or `other`; `password` is left out (a secret). */
        readonly db?: { readonly type: "sqlite-pvc" | "sqlite-memory" | "mysql" | "postgres" | "other"; readonly url?: string; readonly upgrade?: boolean };
        readonly extraEnv?: ExtraEnv;
        readonly networkPolicy?: NetworkPolicy;
        readonly config?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
    };
    readonly proxy?: {
        readonly service?: { readonly type: "ClusterIP" | "NodePort" | "LoadBalancer" };
        readonly https?: { readonly enabled: boolean };
        readonly chp?: {
            readonly image?: Image;
            readonly resources?: Resources;
            readonly containerSecurityContext?: ContainerSecurityContext;
            readonly networkPolicy?: NetworkPolicy;
        };
    };
    readonly singleuser?: {
        readonly image?: Image;
        readonly uid?: number;
        readonly fsGid?: number;
        readonly allowPrivilegeEscalation?: boolean;
        readonly serviceAccountName?: string;
        readonly cloudMetadata?: { readonly blockWithIptables: boolean };
        readonly networkPolicy?: NetworkPolicy;
        readonly extraLabels?: Labels;
        readonly extraEnv?: ExtraEnv;
        readonly storage?: {
            readonly type: "dynamic" | "static" | "none";
            readonly capacity?: string;
            readonly homeMountPath?: string;
            readonly dynamic?: { readonly storageClass?: string | null; readonly storageAccessModes?: readonly string[] };
        };
        /** KubeSpawner's `cpu_guarantee`/`cpu_limit` (cores). */
        readonly cpu?: { readonly guarantee?: number; readonly limit?: number };
        /** KubeSpawner's `mem_guarantee`/`mem_limit` (`1G`). */
        readonly memory?: { readonly guarantee?: string; readonly limit?: string };
        /** KubeSpawner's `profile_list`, passed through. */
        readonly profileList?: readonly Readonly<Record<string, unknown>>[];
        readonly startTimeout?: number;
    };
    readonly scheduling?: {
        readonly userScheduler?: { readonly enabled: boolean };
        readonly userPlaceholder?: { readonly enabled: boolean };
        readonly podPriority?: { readonly enabled: boolean };
    };
    readonly prePuller?: { readonly hook?: { readonly enabled: boolean }; readonly continuous?: { readonly enabled: boolean } };
    readonly ingress?: { readonly enabled: boolean };
    /** jupyterhub-idle-culler: `timeout` and `every` in seconds. */
    readonly cull?: { readonly enabled: boolean; readonly timeout?: number; readonly every?: number; readonly users?: boolean; readonly adminUsers?: boolean };
    readonly debug?: { readonly enabled: boolean };
}
