import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { createNamespace, createSecret } from "../common/kubernetes";
import { DatabaseProvisioner } from "./provision";
import { adminSecretKeys } from "./spec";

/** What every flavor creates in the cluster: its namespace and the admin credentials Secret the Jobs use. */
export function createAdminPlumbing(
    name: string,
    args: { namespace: string; adminUsername: string },
    parent: pulumi.Resource,
) {
    const opts = { parent };
    const namespace = createNamespace(`${name}-ns`, { namespace: args.namespace, component: "postgres" }, opts);
    const adminPassword = new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false }, opts);
    const adminSecretName = "postgres-admin";
    const adminSecret = createSecret(
        `${name}-admin`,
        {
            name: adminSecretName,
            namespace: namespace.metadata.name,
            component: "postgres",
            data: { [adminSecretKeys.username]: args.adminUsername, [adminSecretKeys.password]: adminPassword.result },
        },
        opts,
    );
    return { namespace, adminPassword, adminSecret, adminSecretName };
}

/** What one flavor builds; the PostgresServer component exposes it as the `Postgres` contract. */
export interface PostgresParts {
    readonly host: pulumi.Output<string>;
    readonly port: number;
    readonly provisioner: DatabaseProvisioner;
}
