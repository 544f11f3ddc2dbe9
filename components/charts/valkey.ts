/**
 * The values this platform sets on the official Valkey chart, typed from valkey-io/valkey-helm `valkey/values.yaml`
 * and `valkey/values.schema.json` at tag `valkey-0.11.0`.
 */
import type { ContainerSecurityContext, Labels, PodSecurityContext, Resources, TopologySpreadConstraint } from "./kubernetes";

export const chartVersion = "0.11.0";

export interface ValkeyAclUser {
    /** ACL rules, e.g. `~* &* +@all`. */
    readonly permissions: string;
    /** Key of `auth.usersExistingSecret` holding this user's password; defaults to the user name. */
    readonly passwordKey?: string;
}

export interface ValkeyValues {
    readonly fullnameOverride?: string;
    readonly image?: { readonly registry?: string; readonly repository?: string; readonly tag?: string };
    readonly commonLabels?: Labels;
    readonly podLabels?: Labels;
    /** `automount: false` by default in the chart. */
    readonly serviceAccount?: { readonly create?: boolean; readonly automount?: boolean };
    readonly podSecurityContext?: PodSecurityContext;
    readonly securityContext?: ContainerSecurityContext;
    readonly resources?: Resources;
    /** The init container that writes valkey.conf and the ACL file. */
    readonly initResources?: Resources;
    /** Standalone mode's volume (a Deployment); the replicated mode takes `replica.persistence` instead. */
    readonly dataStorage?: { readonly enabled: boolean };
    readonly auth?: {
        readonly enabled: boolean;
        /** Secret (in the release namespace) whose keys are the users' passwords; never inline passwords. */
        readonly usersExistingSecret?: string;
        readonly aclUsers?: Readonly<Record<string, ValkeyAclUser>>;
    };
    readonly replica?: {
        readonly enabled: boolean;
        /** Replicas besides the primary: the StatefulSet runs `replicas + 1` pods (templates/statefulset.yaml). */
        readonly replicas?: number;
        /** The ACL user replicas authenticate to the primary as. */
        readonly replicationUser?: string;
        readonly persistence?: { readonly size: string; readonly storageClass?: string };
    };
    readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
    readonly podDisruptionBudget?: { readonly enabled: boolean; readonly maxUnavailable?: number };
    readonly metrics?: {
        readonly enabled: boolean;
        readonly exporter?: {
            readonly image?: { readonly registry?: string; readonly repository?: string; readonly tag?: string };
            readonly resources?: Resources;
            /** Empty in the chart (no container securityContext): restricted Pod Security needs one. */
            readonly securityContext?: ContainerSecurityContext;
        };
        readonly serviceMonitor?: { readonly enabled: boolean };
    };
}
