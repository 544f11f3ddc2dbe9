import * as pulumi from "@pulumi/pulumi";
import { Cluster, ClusterArgs } from "../components";
import { StackConfig } from "./config";
import { ClusterConfig } from "./schema";

/** A URL pair for one platform endpoint; `external` is absent where nothing is exposed. */
export interface Endpoint {
    readonly internal: pulumi.Input<string>;
    readonly external?: pulumi.Input<string>;
}

export interface Platform {
    readonly cluster: Cluster;
    readonly kubeconfig: pulumi.Output<string>;
    /** Filled by each platform component as it is enabled: `{ airflow: { internal, external }, ... }`. */
    readonly endpoints: Record<string, Endpoint>;
}

/** Maps the validated cluster config onto the Cluster component's args (secrets join here). */
export function clusterArgs(cluster: ClusterConfig, secrets: StackConfig["secrets"]): ClusterArgs {
    if (cluster.provider !== "existing") return cluster;
    const { kubeconfigPath: _path, ...rest } = cluster;
    return { ...rest, kubeconfig: secrets.kubeconfig! };
}

/** Builds the platform of one stack from its validated config. */
export function buildPlatform({ config, secrets }: StackConfig): Platform {
    const cluster = new Cluster("cluster", clusterArgs(config.cluster, secrets));
    const endpoints: Record<string, Endpoint> = {};
    return { cluster, kubeconfig: cluster.kubeconfig, endpoints };
}
