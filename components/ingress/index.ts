import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { createNamespace, createSecret, KubernetesTargetArgs, platformLabels, requireKubernetesProvider } from "../common/kubernetes";
import type { Http01Solver } from "../certmanager";
import { ConnectionRecord, Flow, NetworkMember, Peer, toApiServer, WebUi } from "../network/spec";
import type { ForwardAuth } from "../identity";
import { forwardAuthMiddleware } from "../identity/spec";
import { chartSource, charts, Mirror } from "../versions";
import { Exposure, routeManifest, routeUrl, TRAEFIK_PODS, TRAEFIK_PORTS, traefikValues } from "./spec";
import type { MonitoringSource } from "../monitoring/source";
import { traefikMonitoring } from "./monitoring";

export * from "./spec";

/** An ingress controller already installed in the cluster, which the platform uses without managing it. */
export interface ExistingIngressController {
    /** Its IngressClass, e.g. `traefik` or `nginx`. */
    readonly className: string;
    /** Its namespace. The platform writes no policy there (its owner governs it). */
    readonly namespace: string;
    /** Labels of its pods: the routes' destinations let only them in. */
    readonly pods: Readonly<Record<string, string>>;
    /**
     * `traefik`: routes get Traefik's router annotations, and UIs without a login get a basic-auth Middleware.
     * `other`: plain Ingress objects (with cert-manager's annotation); a UI without its own login is refused,
     * since the platform cannot put a login in front of it. Default `other`.
     */
    readonly controller?: "traefik" | "other";
    /** The container port its pods serve plain HTTP on (ACME HTTP-01 self-checks). Default 80 (ingress-nginx; Traefik's chart uses 8000). */
    readonly httpPort?: number;
}

export interface IngressArgs extends KubernetesTargetArgs {
    readonly environment: "dev" | "prod";
    /**
     * An ingress controller already installed (bring your own): install nothing, route through it. `exposure` then
     * says only whether routes are HTTPS (anything but `kind`); `namespace` and `mirror` are not taken.
     */
    readonly existing?: ExistingIngressController;
    /** See {@link Exposure}. Default: `kind` in dev, `public` in prod. */
    readonly exposure?: Exposure;
    /** DNS zone of the UIs: `<ui>.<domain>`. Default `localtest.me` (resolves to 127.0.0.1) on kind. */
    readonly domain?: string;
    /** cert-manager ClusterIssuer for route certificates; required unless exposure is `kind`. */
    readonly clusterIssuer?: pulumi.Input<string>;
    /** The ClusterIssuer's HTTP-01 solver, when it answers ACME challenges through this ingress. */
    readonly http01Solver?: Http01Solver;
    /** Namespace of the controller. Default `ml-ingress`. */
    readonly namespace?: string;
    readonly mirror?: Mirror;
}

export interface ExposeArgs {
    /** Subdomain, e.g. `airflow` for `airflow.<domain>`. */
    readonly subdomain: string;
    /**
     * The UI, as its component publishes it. Without `sso`: `auth: "own"` has its own login (Airflow, MLflow,
     * Grafana, MinIO console); `basic` has none (Trino, Prometheus), so a generated basic-auth login guards the route.
     */
    readonly ui: WebUi;
    /**
     * Single sign-on (the `Identity` component's `forwardAuth`): every UI but an `oidc` one (which logs users in
     * itself) gets a forward-auth Middleware to oauth2-proxy, and no basic-auth login is generated.
     */
    readonly sso?: ForwardAuth;
    /** The route is the sign-in itself (the identity provider, the authenticating proxy's callback): nothing goes in front of it. */
    readonly signIn?: boolean;
    /** What must exist first: usually the component that creates `namespace` and the Service. */
    readonly after?: pulumi.Resource[];
}

export interface ExposedRoute {
    readonly url: string;
    /** How users log in: the UI itself (`own`, `oidc`), the authenticating proxy (`sso`) or a generated basic-auth login (`basic`). */
    readonly login: "own" | "oidc" | "sso" | "basic";
    /** For `basic` routes: the generated login (password secret). */
    readonly basicAuth?: { readonly username: string; readonly password: pulumi.Output<string> };
}

const K8S_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function validateExisting(name: string, args: IngressArgs): void {
    const e = args.existing!;
    const fail = (arg: string, value: unknown, expected: string) => {
        throw new Error(`Ingress ${name}: ${arg} ${JSON.stringify(value)}: expected ${expected}`);
    };
    const given = (["namespace", "mirror"] as const).filter((k) => args[k] !== undefined);
    if (given.length) throw new Error(`Ingress ${name}: existing is given, so ${given.join(", ")} would not be used; drop ${given.length > 1 ? "them" : "it"}`);
    if (!K8S_NAME.test(e.className ?? "")) fail("existing.className", e.className, "the name of an IngressClass");
    if (!K8S_NAME.test(e.namespace ?? "")) fail("existing.namespace", e.namespace, "the controller's namespace");
    if (!e.pods || typeof e.pods !== "object" || Object.keys(e.pods).length === 0) fail("existing.pods", e.pods, "the labels of the controller's pods, e.g. { \"app.kubernetes.io/name\": \"ingress-nginx\" }");
    if (e.controller !== undefined && !["traefik", "other"].includes(e.controller)) fail("existing.controller", e.controller, '"traefik" or "other"');
    if (e.httpPort !== undefined && !(Number.isInteger(e.httpPort) && e.httpPort > 0 && e.httpPort < 65536)) fail("existing.httpPort", e.httpPort, "an integer 1-65535");
}

/** cert-manager's ACME HTTP-01 solver pods: their label and port. */
const ACME_SOLVER_PODS = { "acme.cert-manager.io/http01-solver": "true" } as const;
const ACME_SOLVER_PORT = 8089;

/** The platform's ingress controller (Traefik) and the routes to every UI. */
export class Ingress extends pulumi.ComponentResource implements NetworkMember {
    public readonly namespace: pulumi.Output<string>;
    /** Traefik's request metrics and alerts, for `Monitoring`'s `sources`; absent for an existing controller. */
    public readonly monitoring?: MonitoringSource;
    /** The IngressClass of every route: `ml-platform`, or the existing controller's. */
    public readonly className: pulumi.Output<string>;
    public readonly domain: string;
    public readonly tls: boolean;
    /** In-cluster host of Traefik's Service (`traefik.<namespace>.svc.cluster.local`); absent for an existing controller. */
    public readonly serviceHost?: string;
    public readonly namespaces: string[];
    /** Users to Traefik, Traefik to the API server, and to every UI it routes to. */
    public readonly flows: Flow[];
    private readonly http01Solver?: Http01Solver;
    /** It connects to nothing as a client (its routes are flows). */
    public readonly connections: ConnectionRecord[] = [];
    private readonly clusterIssuer?: pulumi.Input<string>;
    /** The IngressClass as a plain string, for the routes this component writes. */
    private readonly routeClass: string;
    /** Traefik's release; absent for an existing controller. */
    private readonly controller?: k8s.helm.v3.Release;
    /** Whether routes may use Traefik's annotations and Middleware. */
    private readonly traefik: boolean;
    /** The controller's end of every route's flow: its namespace, or its pods in a namespace the platform does not manage. */
    public readonly peer: Peer;

    constructor(name: string, args: IngressArgs, opts?: pulumi.ComponentResourceOptions) {
        if (args.existing) validateExisting(name, args);
        const exposure = args.exposure ?? (args.environment === "dev" ? "kind" : "public");
        if (exposure !== "kind" && !args.clusterIssuer) {
            throw new Error(`Ingress ${name}: exposure "${exposure}" serves HTTPS only and needs clusterIssuer (a cert-manager ClusterIssuer name)`);
        }
        if (exposure !== "kind" && !args.domain) {
            throw new Error(`Ingress ${name}: exposure "${exposure}" needs a domain for the UIs' hostnames`);
        }
        requireKubernetesProvider(`Ingress "${name}"`, args, opts);
        super("mlplatform:ingress:Ingress", name, {}, opts);
        this.domain = args.domain ?? "localtest.me";
        this.tls = exposure !== "kind";
        this.clusterIssuer = this.tls ? args.clusterIssuer : undefined;
        this.http01Solver = this.tls ? args.http01Solver : undefined;
        if (args.existing) {
            const e = args.existing;
            this.namespace = pulumi.output(e.namespace);
            this.routeClass = e.className;
            this.className = pulumi.output(e.className);
            this.traefik = e.controller === "traefik";
            this.peer = { unmanagedNamespace: e.namespace, pods: e.pods };
            this.namespaces = [];
            this.flows = [];
            if (this.http01Solver && !this.http01Solver.unmanagedPods) {
                this.flows.push({ from: this.http01Solver.namespace, to: this.peer, ports: [e.httpPort ?? 80], why: "cert-manager's HTTP-01 self-check, through the existing ingress controller" });
            }
            this.registerOutputs({ namespace: this.namespace, className: this.className });
            return;
        }
        const namespace = args.namespace ?? "ml-ingress";
        this.namespace = pulumi.output(namespace);
        this.routeClass = "ml-platform";
        this.className = pulumi.output(this.routeClass);
        this.traefik = true;
        this.peer = namespace;
        this.serviceHost = `traefik.${namespace}.svc.cluster.local`;
        this.monitoring = traefikMonitoring(namespace);
        this.namespaces = [namespace];
        this.flows = [
            { from: { entity: "load-balancer" }, to: namespace, ports: [TRAEFIK_PORTS.web, TRAEFIK_PORTS.websecure], why: "users reach the UIs through Traefik", toPods: TRAEFIK_PODS },
            toApiServer(namespace, "Traefik"),
        ];
        if (this.http01Solver) {
            const why = "cert-manager's HTTP-01 self-check, short-circuited to Traefik where the cluster routes its own load balancer's address inside";
            const from: Peer = this.http01Solver.unmanagedPods ? { unmanagedNamespace: this.http01Solver.namespace, pods: this.http01Solver.unmanagedPods } : this.http01Solver.namespace;
            this.flows.push({ from, to: namespace, ports: [TRAEFIK_PORTS.web], why, toPods: TRAEFIK_PODS });
        }

        const ns = createNamespace(`${name}-ns`, { namespace, component: "ingress" }, { parent: this });
        this.controller = new k8s.helm.v3.Release(
            `${name}-traefik`,
            {
                ...chartSource(charts.traefik, args.mirror),
                name: "traefik",
                namespace: ns.metadata.name,
                values: traefikValues({ environment: args.environment, exposure, className: this.routeClass }),
                atomic: true,
                cleanupOnFail: true,
                maxHistory: 5,
            },
            { parent: this },
        );
        this.registerOutputs({ namespace: this.namespace, className: this.className });
    }

    /** Routes `<subdomain>.<domain>` to a Service; `parent` owns the route (usually the stack's component). */
    expose(name: string, args: ExposeArgs, parent: pulumi.Resource): ExposedRoute {
        const host = `${args.subdomain}.${this.domain}`;
        const ui = args.ui;
        const login: ExposedRoute["login"] = args.sso ? (ui.auth === "oidc" ? "oidc" : "sso") : ui.auth === "oidc" ? "oidc" : ui.auth;
        if (login === "sso" && !this.traefik) {
            throw new Error(
                `Ingress.expose("${name}"): single sign-on puts oauth2-proxy in front of ui ${ui.namespace}/${ui.service} (auth "${ui.auth}") through a ` +
                    `Traefik forward-auth Middleware, which the existing controller (existing.controller "other") cannot run; expected a UI with auth "oidc", or existing.controller "traefik"`,
            );
        }
        if (login === "basic" && !this.traefik) {
            throw new Error(
                `Ingress.expose("${name}"): ui ${ui.namespace}/${ui.service} has no login of its own (auth "basic"), and the existing controller ` +
                    `(existing.controller "other") cannot get the platform's basic-auth Middleware; expected a UI with auth "own", or existing.controller "traefik"`,
            );
        }
        const opts = { parent, dependsOn: [...(this.controller ? [this.controller] : []), ...(args.after ?? [])] };
        this.flows.push({ from: this.peer, to: ui.namespace, ports: [ui.port], toPods: ui.pods, why: `users reach ${host}` });
        if (this.http01Solver) {
            // The ACME HTTP-01 solver pod answers in the route's own namespace, behind this ingress.
            this.flows.push({ from: this.peer, to: ui.namespace, ports: [ACME_SOLVER_PORT], toPods: ACME_SOLVER_PODS, why: `the ACME HTTP-01 solver answers for ${host}` });
        }
        let basicAuth: ExposedRoute["basicAuth"];
        const middlewares: pulumi.Output<string>[] = [];
        if (login === "sso") {
            const sso = args.sso!;
            const middleware = new k8s.apiextensions.CustomResource(
                `${name}-sso`,
                forwardAuthMiddleware({ name: `${args.subdomain}-sso`, namespace: ui.namespace, address: sso.address }),
                opts,
            );
            middlewares.push(pulumi.interpolate`${middleware.metadata.namespace}-${middleware.metadata.name}@kubernetescrd`);
            this.flows.push({ from: this.peer, to: sso.namespace, ports: [sso.port], toPods: sso.pods, why: `Traefik asks oauth2-proxy whether the user may reach ${host}` });
        }
        if (login === "basic") {
            // Traefik reads htpasswd-style users; bcrypt hashes come straight from the generated password.
            const password = new random.RandomPassword(`${name}-login`, { length: 24, special: false }, { parent });
            const secret = createSecret(
                `${name}-login`,
                { name: `${args.subdomain}-login`, namespace: ui.namespace, component: "ingress", data: { users: pulumi.interpolate`admin:${password.bcryptHash}` } },
                opts,
            );
            const middleware = new k8s.apiextensions.CustomResource(
                `${name}-auth`,
                {
                    apiVersion: "traefik.io/v1alpha1",
                    kind: "Middleware",
                    metadata: { name: `${args.subdomain}-auth`, namespace: ui.namespace, labels: platformLabels("ingress") },
                    spec: { basicAuth: { secret: secret.metadata.name, realm: `ml-platform ${args.subdomain}` } },
                },
                opts,
            );
            middlewares.push(pulumi.interpolate`${middleware.metadata.namespace}-${middleware.metadata.name}@kubernetescrd`);
            basicAuth = { username: "admin", password: pulumi.secret(password.result) };
        }
        const manifest = pulumi
            .all([pulumi.all(middlewares), this.clusterIssuer])
            .apply(([mws, clusterIssuer]) =>
                routeManifest({
                    name: args.subdomain,
                    namespace: ui.namespace,
                    host,
                    service: ui.service,
                    port: ui.port,
                    className: this.routeClass,
                    clusterIssuer,
                    middlewares: mws,
                    traefik: this.traefik,
                    login: args.signIn ? "sign-in" : login,
                }),
            );
        new k8s.networking.v1.Ingress(name, { metadata: manifest.metadata, spec: manifest.spec }, opts);
        return { url: routeUrl(host, this.tls), login, basicAuth };
    }
}
