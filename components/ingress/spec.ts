import { KIND_INGRESS_NODE_PORTS } from "../cluster/types";
import { platformLabels } from "../common/kubernetes";
import type { TraefikValues } from "../charts/traefik";

/**
 * How the platform's UIs are reached.
 * - `kind`: a NodePort Service on the fixed ports the kind Cluster maps to 127.0.0.1:80/443
 *   ({@link KIND_INGRESS_NODE_PORTS}); plain HTTP at `<ui>.localtest.me`, a public DNS name that resolves to
 *   127.0.0.1. No host ports: Pod Security forbids them below `privileged`, and `ml-ingress` enforces `restricted`.
 * - `public`: a cloud load balancer; every route is HTTPS with a cert-manager certificate.
 * - `internal`: the same behind an internal (VPC-only) load balancer.
 */
export type Exposure = "kind" | "public" | "internal";

export interface TraefikValuesArgs {
    readonly environment: "dev" | "prod";
    readonly exposure: Exposure;
    readonly className: string;
}

const internalLoadBalancerAnnotations = {
    "networking.gke.io/load-balancer-type": "Internal",
    "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
};

/** Values for the Traefik chart. */
export function traefikValues(args: TraefikValuesArgs): TraefikValues {
    const prod = args.environment === "prod";
    const onKind = args.exposure === "kind";
    return {
        ingressClass: { enabled: true, isDefaultClass: true, name: args.className },
        providers: {
            kubernetesIngress: { enabled: true, publishedService: { enabled: !onKind } },
            kubernetesCRD: { enabled: true, allowCrossNamespace: false },
        },
        // No dashboard route: it would be one more unauthenticated UI.
        ingressRoute: { dashboard: { enabled: false } },
        ports: onKind
            ? { web: { nodePort: KIND_INGRESS_NODE_PORTS.http }, websecure: { nodePort: KIND_INGRESS_NODE_PORTS.https } }
            : { web: { http: { redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } } } } },
        // On kind, kube-proxy forwards the NodePort from the node kind maps to the host, wherever the pod runs.
        service: onKind
            ? { spec: { type: "NodePort" } }
            : {
                  spec: { type: "LoadBalancer", externalTrafficPolicy: "Local" },
                  annotations: args.exposure === "internal" ? internalLoadBalancerAnnotations : {},
              },
        podDisruptionBudget: prod ? { enabled: true, maxUnavailable: 1 } : { enabled: false },
        topologySpreadConstraints: prod
            ? [
                  {
                      maxSkew: 1,
                      topologyKey: "topology.kubernetes.io/zone",
                      whenUnsatisfiable: "ScheduleAnyway",
                      labelSelector: { matchLabels: { "app.kubernetes.io/name": "traefik" } },
                  },
              ]
            : [],
        resources: prod
            ? { requests: { cpu: "200m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } }
            : { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
        podSecurityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
        metrics: { prometheus: { entryPoint: "metrics" } },
        // The chart's keys since 41.0.0 (`logs.access` and `deploymentLabels` are refused by its values schema).
        accessLog: { enabled: true },
        deployment: { kind: "Deployment", replicas: prod ? 2 : 1, labels: platformLabels("ingress") },
    };
}

export interface RouteArgs {
    /** Ingress object name (also names its TLS Secret). */
    readonly name: string;
    readonly namespace: string;
    readonly host: string;
    readonly service: string;
    readonly port: number;
    readonly className: string;
    /** cert-manager ClusterIssuer; when set the route is HTTPS-only with a certificate for `host`. */
    readonly clusterIssuer?: string;
    /** Traefik middlewares (`<namespace>-<name>@kubernetescrd`), e.g. basic auth in front of a UI without a login. */
    readonly middlewares?: readonly string[];
    /** The controller is Traefik: its router annotations are added. Default true. */
    readonly traefik?: boolean;
    /** How users log in, recorded as the annotation {@link LOGIN_ANNOTATION} for the policy pack (`k8s-ingress-login`). */
    readonly login: RouteLogin;
}

/**
 * How users log in through a route: the UI's own OIDC client (`oidc`), the authenticating proxy's forward-auth
 * Middleware (`sso`), a generated basic-auth Middleware (`basic`), the UI's own login only (`own`), or the route
 * is the sign-in itself (`sign-in`: the identity provider, the proxy's callback).
 */
export type RouteLogin = "oidc" | "sso" | "basic" | "own" | "sign-in";
export const LOGIN_ANNOTATION = "ml-platform/login";

/** An Ingress for one UI. */
export function routeManifest(args: RouteArgs) {
    const annotations: Record<string, string> = { [LOGIN_ANNOTATION]: args.login };
    if (args.clusterIssuer) {
        annotations["cert-manager.io/cluster-issuer"] = args.clusterIssuer;
        if (args.traefik ?? true) {
            annotations["traefik.ingress.kubernetes.io/router.entrypoints"] = "websecure";
            annotations["traefik.ingress.kubernetes.io/router.tls"] = "true";
        }
    }
    if (args.middlewares?.length) annotations["traefik.ingress.kubernetes.io/router.middlewares"] = args.middlewares.join(",");
    return {
        metadata: { name: args.name, namespace: args.namespace, labels: platformLabels("ingress"), annotations },
        spec: {
            ingressClassName: args.className,
            ...(args.clusterIssuer ? { tls: [{ hosts: [args.host], secretName: `${args.name}-tls` }] } : {}),
            rules: [
                {
                    host: args.host,
                    http: {
                        paths: [
                            { path: "/", pathType: "Prefix", backend: { service: { name: args.service, port: { number: args.port } } } },
                        ],
                    },
                },
            ],
        },
    };
}

/** The external URL of a route. */
export function routeUrl(host: string, tls: boolean): string {
    return `${tls ? "https" : "http"}://${host}`;
}

/** The labels of Traefik's pods (the chart's selector labels): the only pods load-balancer traffic may reach. */
export const TRAEFIK_PODS = { "app.kubernetes.io/name": "traefik" } as const;
/** The container ports of Traefik's entry points (the chart's defaults behind Service ports 80 and 443). */
export const TRAEFIK_PORTS = { web: 8000, websecure: 8443 } as const;
