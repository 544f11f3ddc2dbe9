import * as pulumi from "@pulumi/pulumi";
import { ExistingClusterArgs } from "./types";

export interface ExistingCluster {
    readonly kubeconfig: pulumi.Output<string>;
}

/** Nothing to create: the cluster is the user's. Its kubeconfig is kept secret like every other. */
export function useExistingCluster(args: ExistingClusterArgs): ExistingCluster {
    return { kubeconfig: pulumi.secret(pulumi.output(args.kubeconfig)) };
}
