import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { useExistingCluster } from "./existing";
import { createKindCluster } from "./kind";
import { AzureClusterInfo, ClusterArgs, GcpClusterInfo } from "./types";

// The cloud flavors load their SDK (@pulumi/gcp, @pulumi/azure-native) on first use only, so a program on kind or an
// existing cluster never loads them.
const gkeModule = () => require("./gke") as typeof import("./gke");
const aksModule = () => require("./aks") as typeof import("./aks");

export * from "./types";
export { clusterDefaults } from "./defaults";

/**
 * The identity of the Kubernetes provider. The provider is replaced (and with it every Kubernetes object
 * under it) only when this changes, so node counts, pools and credentials rotating never replace it.
 */
export function clusterIdentifier(args: ClusterArgs): string {
    switch (args.provider) {
        case "kind":
            return `kind/${args.name}`;
        case "gke":
            return `gke/${args.project}/${args.region}/${args.name}`;
        case "aks":
            return `aks/${args.location}/${args.name}`;
        case "existing":
            return `existing/${args.name}${args.context ? `/${args.context}` : ""}`;
    }
}

/**
 * A Kubernetes cluster (kind for dev, GKE or AKS for prod, or one the user already has) and the explicit
 * Kubernetes provider every platform component deploys through.
 */
export class Cluster extends pulumi.ComponentResource {
    /** Which implementation built the cluster. */
    public readonly flavor: ClusterArgs["provider"];
    /** The cluster's name. */
    public readonly clusterName: pulumi.Output<string>;
    /** Kubeconfig for the cluster; always a Pulumi secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    /** Pass to components as `{ providers: [cluster.provider] }`. */
    public readonly provider: k8s.Provider;
    /** Set for GKE clusters. */
    public readonly gcp?: GcpClusterInfo;
    /** Set for AKS clusters. */
    public readonly azure?: AzureClusterInfo;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlplatform:cluster:Cluster", name, {}, opts);
        this.flavor = args.provider;

        switch (args.provider) {
            case "kind": {
                const kind = createKindCluster(name, args, this);
                this.kubeconfig = kind.kubeconfig;
                this.clusterName = pulumi.output(args.name);
                break;
            }
            case "gke": {
                const gke = gkeModule().createGkeCluster(name, args, this);
                this.kubeconfig = gke.kubeconfig;
                this.clusterName = gke.clusterName;
                this.gcp = gke.gcp;
                break;
            }
            case "aks": {
                const aks = aksModule().createAksCluster(name, args, this);
                this.kubeconfig = aks.kubeconfig;
                this.clusterName = aks.clusterName;
                this.azure = aks.azure;
                break;
            }
            case "existing": {
                this.kubeconfig = useExistingCluster(args).kubeconfig;
                this.clusterName = pulumi.output(args.name);
                break;
            }
        }

        this.provider = new k8s.Provider(
            `${name}-k8s`,
            {
                kubeconfig: this.kubeconfig,
                context: args.provider === "existing" ? args.context : undefined,
                clusterIdentifier: clusterIdentifier(args),
                // A dev cluster deleted outside Pulumi should not wedge the stack: refresh forgets its objects.
                deleteUnreachable: args.provider === "kind",
            },
            { parent: this },
        );

        this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig });
    }
}
