import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Flow, networkPolicies } from "./spec";
import { KubernetesTargetArgs, requireKubernetesProvider } from "../common/kubernetes";

export * from "./spec";

export interface NetworkPoliciesArgs extends KubernetesTargetArgs {
    /** Every platform namespace; each gets default deny. */
    readonly namespaces: readonly string[];
    /** The connections the platform needs. */
    readonly flows: readonly Flow[];
}

/** Locks every platform namespace down to the flows the platform needs. */
export class NetworkPolicies extends pulumi.ComponentResource {
    constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        requireKubernetesProvider(`NetworkPolicies "${name}"`, args, opts);
        super("mlplatform:network:NetworkPolicies", name, {}, opts);
        for (const p of networkPolicies(args.namespaces, args.flows)) {
            new k8s.networking.v1.NetworkPolicy(`${name}-${p.metadata.namespace}-${p.metadata.name}`, p, { parent: this });
        }
        this.registerOutputs({});
    }
}
