import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { createNamespace, KubernetesTargetArgs, platformLabels, requireKubernetesProvider } from "../common/kubernetes";
import { ANYWHERE, ConnectionRecord, Flow, NetworkMember, toApiServer, webhookFlow } from "../network/spec";
import { chartSource, charts, Mirror } from "../versions";
import type { MonitoringSource } from "../monitoring/source";
import { certManagerMonitoring } from "./monitoring";
import { CERT_MANAGER_WEBHOOK_PODS, CERT_MANAGER_WEBHOOK_PORT, certManagerValues, clusterIssuerSpec, IssuerSpec } from "./spec";

export * from "./spec";

export interface CertManagerArgs extends KubernetesTargetArgs {
    readonly environment: "dev" | "prod";
    /**
     * cert-manager is already installed (bring your own): install nothing, create no ClusterIssuer, and hand out the
     * existing one to the ingress's routes. Not with `issuer`, `ingressClassName`, `namespace` or `mirror`.
     */
    readonly existing?: ExistingCertManager;
    /** Create a ClusterIssuer for the platform's routes. Omit where nothing needs public certificates (kind). */
    readonly issuer?: IssuerSpec;
    /** IngressClass answering ACME HTTP-01 challenges. Default `ml-platform`. */
    readonly ingressClassName?: string;
    /** Default `cert-manager`. */
    readonly namespace?: string;
    readonly mirror?: Mirror;
}

/** An installed cert-manager the platform uses without managing it. */
export interface ExistingCertManager {
    /** The ClusterIssuer the platform's routes get their certificates from. */
    readonly clusterIssuer: string;
    /** cert-manager's namespace, e.g. `cert-manager`. The platform writes no policy there. */
    readonly namespace: string;
    /**
     * The issuer solves ACME HTTP-01 challenges through the platform's ingress: its controller pods (labels in
     * `controllerPods`, default `app.kubernetes.io/name: cert-manager`) self-check each challenge through it, and
     * the solver pods in each route's namespace must be reachable from the ingress. Default false.
     */
    readonly acmeHttp01?: boolean;
    readonly controllerPods?: Readonly<Record<string, string>>;
}

/** Set when the ClusterIssuer solves ACME HTTP-01 through the ingress: cert-manager, in `namespace`, self-checks each challenge through it. */
export interface Http01Solver {
    readonly namespace: string;
    /** Present when cert-manager was installed outside the platform: its controller's pods there. */
    readonly unmanagedPods?: Readonly<Record<string, string>>;
}

const K8S_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function validateExisting(name: string, args: CertManagerArgs): void {
    const e = args.existing!;
    const given = (["issuer", "ingressClassName", "namespace", "mirror"] as const).filter((k) => args[k] !== undefined);
    if (given.length) throw new Error(`CertManager "${name}": existing is given, so ${given.join(", ")} would not be used; drop ${given.length > 1 ? "them" : "it"}`);
    if (!K8S_NAME.test(e.clusterIssuer ?? "")) throw new Error(`CertManager "${name}": existing.clusterIssuer ${JSON.stringify(e.clusterIssuer)}: expected the name of a ClusterIssuer`);
    if (!K8S_NAME.test(e.namespace ?? "")) throw new Error(`CertManager "${name}": existing.namespace ${JSON.stringify(e.namespace)}: expected a namespace name`);
}

/** cert-manager (CRDs included) and, optionally, the platform's ClusterIssuer; or one already installed (`existing`). */
export class CertManager extends pulumi.ComponentResource implements NetworkMember {
    /**
     * Depend on this before creating Certificates, Issuers or anything whose webhook cert-manager serves. Absent
     * when cert-manager was already installed (`existing`): pass `"preinstalled"` to Serving.
     */
    public readonly release?: k8s.helm.v3.Release;
    /** Name of the ClusterIssuer, when one was requested. */
    public readonly clusterIssuer?: pulumi.Output<string>;
    public readonly namespace: pulumi.Output<string>;
    /** The controller's certificate metrics and alerts, for `Monitoring`'s `sources`; absent for an existing cert-manager. */
    public readonly monitoring?: MonitoringSource;
    public readonly namespaces: string[];
    /** The controller, its webhook, and the ACME server and self-check when the issuer is ACME. */
    public readonly flows: Flow[];
    /** For the Ingress: challenges are answered through it. */
    public readonly http01Solver?: Http01Solver;
    /** It connects to nothing as a client. */
    public readonly connections: ConnectionRecord[] = [];

    constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
        if (args.existing) validateExisting(name, args);
        requireKubernetesProvider(`CertManager "${name}"`, args, opts);
        super("mlplatform:certmanager:CertManager", name, {}, opts);
        if (args.existing) {
            // Already installed: its namespace, webhook and ACME traffic are its owner's; the platform only refers to it.
            this.namespace = pulumi.output(args.existing.namespace);
            this.clusterIssuer = pulumi.output(args.existing.clusterIssuer);
            this.namespaces = [];
            this.flows = [];
            if (args.existing.acmeHttp01) {
                this.http01Solver = { namespace: args.existing.namespace, unmanagedPods: args.existing.controllerPods ?? { "app.kubernetes.io/name": "cert-manager" } };
            }
            this.registerOutputs({ namespace: this.namespace, clusterIssuer: this.clusterIssuer });
            return;
        }
        const namespace = args.namespace ?? "cert-manager";
        this.namespace = pulumi.output(namespace);
        this.monitoring = certManagerMonitoring(namespace);
        this.namespaces = [namespace];
        this.flows = [toApiServer(namespace, "cert-manager"), webhookFlow(namespace, CERT_MANAGER_WEBHOOK_PORT, "cert-manager's webhook", CERT_MANAGER_WEBHOOK_PODS)];
        if (args.issuer && "acme" in args.issuer) {
            this.http01Solver = { namespace };
            this.flows.push(
                { from: namespace, to: ANYWHERE, ports: [443], why: "cert-manager talks to the ACME server" },
                // The self-check fetches http://<host>/.well-known/... through the ingress's public address.
                { from: namespace, to: ANYWHERE, ports: [80], why: "cert-manager's HTTP-01 self-check reaches the ingress's public address" },
            );
        }
        const ns = createNamespace(`${name}-ns`, { namespace, component: "cert-manager" }, { parent: this });
        this.release = new k8s.helm.v3.Release(
            `${name}-chart`,
            {
                ...chartSource(charts.certManager, args.mirror),
                name: "cert-manager",
                namespace: ns.metadata.name,
                values: certManagerValues(args.environment),
                atomic: true,
                cleanupOnFail: true,
                maxHistory: 5,
            },
            { parent: this },
        );
        if (args.issuer) {
            const issuer = new k8s.apiextensions.CustomResource(
                `${name}-issuer`,
                {
                    apiVersion: "cert-manager.io/v1",
                    kind: "ClusterIssuer",
                    metadata: { name: "ml-platform", labels: platformLabels("cert-manager") },
                    spec: clusterIssuerSpec(args.issuer, args.ingressClassName ?? "ml-platform"),
                },
                { parent: this, dependsOn: [this.release] },
            );
            this.clusterIssuer = issuer.metadata.name;
        }
        this.registerOutputs({ namespace: this.namespace, clusterIssuer: this.clusterIssuer });
    }
}
