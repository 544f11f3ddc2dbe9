import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { createNamespace, createSecret, platformLabels } from "../common/kubernetes";
import { chartSource, charts, Mirror } from "../versions";
import { Exposure, routeManifest, routeUrl, traefikValues } from "./spec";
import type { MonitoringSource } from "../monitoring/source";
import { traefikMonitoring } from "./monitoring";

export * from "./spec";

export interface IngressArgs {
    readonly environment: "dev" | "prod";
    /** See {@link Exposure}. Default: `kind` in dev, `public` in prod. */
    readonly exposure?: Exposure;
    /** DNS zone of the UIs: `<ui>.<domain>`. Default `localtest.me` (resolves to 127.0.0.1) on kind. */
    readonly domain?: string;
    /** cert-manager ClusterIssuer for route certificates; required unless exposure is `kind`. */
    readonly clusterIssuer?: string;
    /** Namespace of the controller. Default `ml-ingress`. */
    readonly namespace?: string;
    readonly mirror?: Mirror;
}

export interface ExposeArgs {
    /** Subdomain, e.g. `airflow` for `airflow.<domain>`. */
    readonly subdomain: string;
    readonly namespace: pulumi.Input<string>;
    readonly service: pulumi.Input<string>;
    readonly port: number;
    /**
     * `own`: the UI has its own login (Airflow, MLflow, Grafana, MinIO console).
     * `basic`: it has none (Trino, Prometheus), so a generated basic-auth login guards the route.
     */
    readonly auth: "own" | "basic";
    /** What must exist first: usually the component that creates `namespace` and the Service. */
    readonly after?: pulumi.Resource[];
}

export interface ExposedRoute {
    readonly url: string;
    /** For `basic` routes: the generated login (password secret). */
    readonly basicAuth?: { readonly username: string; readonly password: pulumi.Output<string> };
}

/** The platform's ingress controller (Traefik) and the routes to every UI. */
export class Ingress extends pulumi.ComponentResource {
    public readonly namespace: string;
    /** Traefik's request metrics and alerts, for `Monitoring`'s `sources`. */
    public readonly monitoring: MonitoringSource;
    public readonly className = "ml-platform";
    public readonly domain: string;
    public readonly tls: boolean;
    private readonly clusterIssuer?: string;
    private readonly controller: k8s.helm.v3.Release;

    constructor(name: string, args: IngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlplatform:ingress:Ingress", name, {}, opts);
        const exposure = args.exposure ?? (args.environment === "dev" ? "kind" : "public");
        if (exposure !== "kind" && !args.clusterIssuer) {
            throw new Error(`Ingress ${name}: exposure "${exposure}" serves HTTPS only and needs clusterIssuer (a cert-manager ClusterIssuer name)`);
        }
        if (exposure !== "kind" && !args.domain) {
            throw new Error(`Ingress ${name}: exposure "${exposure}" needs a domain for the UIs' hostnames`);
        }
        this.namespace = args.namespace ?? "ml-ingress";
        this.monitoring = traefikMonitoring(this.namespace);
        this.domain = args.domain ?? "localtest.me";
        this.tls = exposure !== "kind";
        this.clusterIssuer = this.tls ? args.clusterIssuer : undefined;

        const ns = createNamespace(`${name}-ns`, { namespace: this.namespace, component: "ingress" }, { parent: this });
        this.controller = new k8s.helm.v3.Release(
            `${name}-traefik`,
            {
                ...chartSource(charts.traefik, args.mirror),
                name: "traefik",
                namespace: ns.metadata.name,
                values: traefikValues({ environment: args.environment, exposure, className: this.className }),
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
        const opts = { parent, dependsOn: [this.controller, ...(args.after ?? [])] };
        let basicAuth: ExposedRoute["basicAuth"];
        const middlewares: pulumi.Output<string>[] = [];
        if (args.auth === "basic") {
            // Traefik reads htpasswd-style users; bcrypt hashes come straight from the generated password.
            const password = new random.RandomPassword(`${name}-login`, { length: 24, special: false }, { parent });
            const secret = createSecret(
                `${name}-login`,
                { name: `${args.subdomain}-login`, namespace: args.namespace, component: "ingress", data: { users: pulumi.interpolate`admin:${password.bcryptHash}` } },
                opts,
            );
            const middleware = new k8s.apiextensions.CustomResource(
                `${name}-auth`,
                {
                    apiVersion: "traefik.io/v1alpha1",
                    kind: "Middleware",
                    metadata: { name: `${args.subdomain}-auth`, namespace: args.namespace, labels: platformLabels("ingress") },
                    spec: { basicAuth: { secret: secret.metadata.name, realm: `ml-platform ${args.subdomain}` } },
                },
                opts,
            );
            middlewares.push(pulumi.interpolate`${middleware.metadata.namespace}-${middleware.metadata.name}@kubernetescrd`);
            basicAuth = { username: "admin", password: pulumi.secret(password.result) };
        }
        const manifest = pulumi
            .all([args.namespace, args.service, pulumi.all(middlewares)])
            .apply(([namespace, service, mws]) =>
                routeManifest({
                    name: args.subdomain,
                    namespace,
                    host,
                    service,
                    port: args.port,
                    className: this.className,
                    clusterIssuer: this.clusterIssuer,
                    middlewares: mws,
                }),
            );
        new k8s.networking.v1.Ingress(name, { metadata: manifest.metadata, spec: manifest.spec }, opts);
        return { url: routeUrl(host, this.tls), basicAuth };
    }
}
