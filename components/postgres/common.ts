import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { createNamespace, createSecret } from "../common/kubernetes";
import { DatabaseProvisioner } from "./provision";
import { adminSecretKeys } from "./spec";

/** The Secret the provisioning Jobs read the admin login from, in the server's namespace. */
export const ADMIN_SECRET_NAME = "postgres-admin";

export function createAdminSecret(
    name: string,
    namespace: k8s.core.v1.Namespace,
    admin: { readonly username: pulumi.Input<string>; readonly password: pulumi.Input<string> },
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
    return createSecret(
        `${name}-admin`,
        {
            name: ADMIN_SECRET_NAME,
            namespace: namespace.metadata.name,
            component: "postgres",
            data: { [adminSecretKeys.username]: admin.username, [adminSecretKeys.password]: admin.password },
        },
        opts,
    );
}

/** What every flavor that creates its server creates in the cluster: its namespace and a generated admin's Secret. */
export function createAdminPlumbing(
    name: string,
    args: { namespace: string; adminUsername: string },
    parent: pulumi.Resource,
) {
    const opts = { parent };
    const namespace = createNamespace(`${name}-ns`, { namespace: args.namespace, component: "postgres" }, opts);
    const adminPassword = new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false }, opts);
    const adminSecret = createAdminSecret(name, namespace, { username: args.adminUsername, password: adminPassword.result }, opts);
    return { namespace, adminPassword, adminSecret, adminSecretName: ADMIN_SECRET_NAME };
}

/** What one flavor builds; the PostgresServer component exposes it as the `Postgres` contract. */
export interface PostgresParts {
    readonly host: pulumi.Output<string>;
    readonly port: number;
    readonly provisioner: DatabaseProvisioner;
}
