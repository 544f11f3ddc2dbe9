/**
 * The whole platform as one component, for programs in any Pulumi language (`pulumi package add`): its args are the
 * settings of a stack file's `ml-platform` namespace (provider/args.ts, generated from the one config schema), checked
 * by the same validation with the same messages, and composed by the same code as a stack (stacks/platform.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { parsePlatformConfig, platformSecrets } from "../stacks/config";
import { buildPlatform } from "../stacks/platform";
import type { PlatformArgs } from "./args";

/** A UI or API of the platform: its in-cluster URL and, when exposed, its URL through the ingress. */
export interface PlatformEndpoint {
    internal: string;
    external?: string;
}

/** A connection a component made as a client (no credential): who, to what, with which Secret or identity. */
export interface PlatformConnection {
    kind: string;
    from: string;
    to: string;
    secret?: string;
    serviceAccount?: string;
    why: string;
}

/** A UI's login; the password is a secret. */
export interface PlatformCredential {
    username: string;
    password: string;
}

export class Platform extends pulumi.ComponentResource {
    /** Kubeconfig of the platform's cluster (secret). */
    public readonly kubeconfig: pulumi.Output<string>;
    /** The cluster's name. */
    public readonly clusterName: pulumi.Output<string>;
    /** Internal and external URLs of every enabled component, by name. */
    public readonly endpoints: pulumi.Output<Record<string, PlatformEndpoint>>;
    /** Every connection a component made as a client. */
    public readonly connections: pulumi.Output<PlatformConnection[]>;
    /** The login of every UI, by UI (passwords are secrets). */
    public readonly credentials: pulumi.Output<Record<string, PlatformCredential>>;

    constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        const { kubeconfig, alertsSecret, ssoClientSecret, ...settings } = args;
        const stack = pulumi.getStack();
        // The settings a stack file would hold; a ConfigError names every bad key before anything (this included) is registered.
        const config = parsePlatformConfig(settings as Record<string, unknown>, {
            project: pulumi.getProject(),
            stack,
            kubeconfigSecretSet: kubeconfig !== undefined,
            alertsSecretSet: alertsSecret !== undefined,
            ssoClientSecretSet: ssoClientSecret !== undefined,
        });
        super("ml-platform:index:Platform", name, {}, opts);
        const platform = buildPlatform({ stack, config, secrets: platformSecrets(config, { kubeconfig, alertsSecret, ssoClientSecret }) }, this);

        this.kubeconfig = pulumi.secret(platform.kubeconfig);
        this.clusterName = platform.cluster.clusterName;
        this.endpoints = pulumi.output(platform.endpoints) as pulumi.Output<Record<string, PlatformEndpoint>>;
        this.connections = pulumi.output(platform.connections) as pulumi.Output<PlatformConnection[]>;
        this.credentials = pulumi.output(platform.credentials) as pulumi.Output<Record<string, PlatformCredential>>;
        this.registerOutputs({ kubeconfig: this.kubeconfig, clusterName: this.clusterName, endpoints: this.endpoints, connections: this.connections, credentials: this.credentials });
    }
}
