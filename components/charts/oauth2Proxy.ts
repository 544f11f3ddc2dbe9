/**
 * The values this platform sets on the official oauth2-proxy chart, typed from oauth2-proxy/manifests
 * `helm/oauth2-proxy/values.yaml` at tag `oauth2-proxy-10.7.0`. The client ID, client secret and cookie secret are
 * never in these values: `config.existingSecret` names a Secret with `client-id`, `client-secret` and `cookie-secret`.
 */
import type { ContainerSecurityContext, Labels, PodSecurityContext, Resources } from "./kubernetes";

export const chartVersion = "10.7.0";

export interface OAuth2ProxyValues {
    readonly fullnameOverride?: string;
    readonly replicaCount?: number;
    readonly image?: { readonly registry?: string; readonly repository?: string; readonly tag?: string };
    readonly config: {
        /** Secret with `client-id`, `client-secret`, `cookie-secret` (read as OAUTH2_PROXY_* env vars). */
        readonly existingSecret: string;
        /** oauth2_proxy.cfg, whole (the chart's legacy config mode; it then ignores `emailDomains` and `upstreams`). */
        readonly configFile: string;
    };
    /** Added to the chart's labels as they are: `app.kubernetes.io/component` and `part-of` would be duplicated. */
    readonly customLabels?: Labels;
    readonly podLabels?: Labels;
    readonly podSecurityContext?: PodSecurityContext;
    /** The chart adds `enabled`; the rest is the container's securityContext. */
    readonly securityContext?: ContainerSecurityContext & { readonly enabled: boolean };
    readonly resources?: Resources;
    readonly serviceAccount?: { readonly enabled?: boolean; readonly automountServiceAccountToken?: boolean };
    readonly service?: { readonly type?: "ClusterIP"; readonly portNumber?: number };
    readonly metrics?: { readonly enabled: boolean; readonly port?: number; readonly serviceMonitor?: { readonly enabled: boolean } };
    readonly podDisruptionBudget?: { readonly enabled: boolean; readonly minAvailable?: number };
    readonly sessionStorage?: { readonly type: "cookie" };
    readonly "redis-ha"?: { readonly enabled: boolean };
    readonly ingress?: { readonly enabled: boolean };
}
