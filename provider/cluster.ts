/**
 * The platform's Kubernetes cluster alone (kind, GKE, AKS or an existing one), for programs in any Pulumi language that
 * bring their own workloads: the same settings as a stack file's `cluster` key, the same defaults per environment
 * and the same validation.
 */
import * as pulumi from "@pulumi/pulumi";
import { Cluster as PlatformCluster } from "../components/cluster";
import { parseClusterConfig, platformSecrets } from "../stacks/config";
import { clusterSettingsArgs } from "../stacks/platform";
import type { ClusterSettings, Environment } from "./args";

export interface ClusterArgs {
    /** `dev` or `prod`: selects the cluster defaults (sizes, protection), as for a stack. */
    environment: Environment;
    /** The settings of a stack file's `ml-platform:cluster`. */
    cluster: ClusterSettings;
    /** An `existing` cluster's kubeconfig, instead of `cluster.kubeconfigPath`. */
    kubeconfig?: pulumi.Input<string>;
    /** GKE: admission webhook ports (besides 443 and 10250) the private control plane must reach on the nodes. */
    webhookPorts?: number[];
}

export class Cluster extends pulumi.ComponentResource {
    /** Kubeconfig of the cluster (secret). */
    public readonly kubeconfig: pulumi.Output<string>;
    /** The cluster's name. */
    public readonly clusterName: pulumi.Output<string>;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const config = parseClusterConfig(
            { environment: args.environment, cluster: args.cluster },
            { project: pulumi.getProject(), stack: pulumi.getStack(), kubeconfigSecretSet: args.kubeconfig !== undefined },
        );
        super("ml-platform:index:Cluster", name, {}, opts);
        const { kubeconfig } = platformSecrets(config, { kubeconfig: args.kubeconfig });
        const cluster = new PlatformCluster("cluster", clusterSettingsArgs(config.cluster, kubeconfig, { webhookPorts: args.webhookPorts }), { parent: this });
        this.kubeconfig = pulumi.secret(cluster.kubeconfig);
        this.clusterName = cluster.clusterName;
        this.registerOutputs({ kubeconfig: this.kubeconfig, clusterName: this.clusterName });
    }
}
