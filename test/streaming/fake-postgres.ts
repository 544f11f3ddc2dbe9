import * as pulumi from "@pulumi/pulumi";
import { createSecret } from "../../components/common/kubernetes";
import { DatabaseConnection, databaseSecretKeys, DatabaseRequest, Postgres } from "../../components/postgres/types";

/** The one password the fake database has; tests scan every registration for it. */
export const FAKE_DB_PASSWORD = "fake-pg-password-7c1d9e";

/**
 * A small stand-in for the platform's Postgres: each database is a Secret in the consumer's namespace (as the
 * real component delivers it) holding {@link FAKE_DB_PASSWORD}. It records what it was asked for.
 */
export class FakePostgres implements Postgres {
    readonly flavor = "in-cluster" as const;
    readonly host = pulumi.output("postgres.ml-data.svc.cluster.local");
    readonly port = 5432;
    readonly requests: { name: string; request: DatabaseRequest }[] = [];

    database(name: string, request: DatabaseRequest, parent: pulumi.Resource): DatabaseConnection {
        this.requests.push({ name, request });
        const secretName = `${request.database.replace(/_/g, "-")}-db`;
        const secret = createSecret(
            `${name}-secret`,
            {
                name: secretName,
                namespace: request.namespace,
                component: "postgres",
                data: {
                    [databaseSecretKeys.username]: request.database,
                    [databaseSecretKeys.password]: FAKE_DB_PASSWORD,
                    [databaseSecretKeys.host]: "postgres.ml-data.svc.cluster.local",
                    [databaseSecretKeys.port]: "5432",
                    [databaseSecretKeys.database]: request.database,
                },
            },
            { parent },
        );
        return { host: this.host, port: this.port, database: request.database, username: request.database, secretName: secret.metadata.name, uri: pulumi.secret(`postgresql://${request.database}@fake/${request.database}`) };
    }
}
