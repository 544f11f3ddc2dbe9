/**
 * Small stand-ins for the ObjectStore and Postgres contracts (components/storage/types.ts,
 * components/postgres/types.ts), one per flavor, so the lakehouse tests do not depend on their implementations.
 * They create their credential Secrets the way the real ones do (a Kubernetes Secret parented to the
 * consumer), with recognisable values the tests then hunt for everywhere else.
 */
import * as pulumi from "@pulumi/pulumi";
import { createSecret } from "../../components/common/kubernetes";
import { DatabaseConnection, DatabaseRequest, databaseSecretKeys, Postgres, PostgresFlavor } from "../../components/postgres/types";
import { ObjectStore, ObjectStoreAccess, ObjectStoreFlavor, ObjectStoreGrant } from "../../components/storage/types";

/** Values that must never appear outside a Secret. */
export const FAKE_SECRETS = {
    s3AccessKey: "FAKE-ACCESS-KEY-7f3a",
    s3SecretKey: "FAKE-SECRET-KEY-9c1e-do-not-leak",
    dbPassword: "FAKE-DB-PASSWORD-41d2-do-not-leak",
} as const;

export const FAKE_S3_ENDPOINT = "http://minio.ml-storage.svc.cluster.local:9000";
export const FAKE_ADLS_ACCOUNT = "mlpprodlake";
export const FAKE_AZURE_CLIENT_ID = "00000000-0000-0000-0000-00000000c1d0";

export interface RecordedGrant {
    readonly name: string;
    readonly grant: ObjectStoreGrant;
    readonly parent: pulumi.Resource;
}

export class FakeObjectStore implements ObjectStore {
    readonly buckets: Readonly<Record<string, pulumi.Output<string>>>;
    readonly s3Endpoint?: pulumi.Output<string>;
    readonly accountName?: pulumi.Output<string>;
    readonly grants: RecordedGrant[] = [];

    constructor(
        readonly flavor: ObjectStoreFlavor,
        logical: readonly string[] = ["bronze", "silver", "gold", "mlflow"],
    ) {
        // Real stores prefix names (GCS is global); the lakehouse must use the real name, never the logical one.
        this.buckets = Object.fromEntries(logical.map((b) => [b, pulumi.output(this.realName(b))]));
        if (flavor === "minio") this.s3Endpoint = pulumi.output(FAKE_S3_ENDPOINT);
        if (flavor === "adls") this.accountName = pulumi.output(FAKE_ADLS_ACCOUNT);
    }

    realName(bucket: string): string {
        return this.flavor === "minio" ? bucket : `mlp-test-${bucket}`;
    }

    uri(bucket: string, path?: string): pulumi.Output<string> {
        if (!(bucket in this.buckets)) throw new Error(`fake object store: unknown bucket ${bucket}`);
        const suffix = path ? `/${path}` : "";
        const name = this.realName(bucket);
        switch (this.flavor) {
            case "minio":
                return pulumi.output(`s3://${name}${suffix}`);
            case "gcs":
                return pulumi.output(`gs://${name}${suffix}`);
            case "adls":
                return pulumi.output(`abfss://${name}@${FAKE_ADLS_ACCOUNT}.dfs.core.windows.net${suffix}`);
        }
    }

    grantAccess(name: string, grant: ObjectStoreGrant, parent: pulumi.Resource): ObjectStoreAccess {
        this.grants.push({ name, grant, parent });
        switch (this.flavor) {
            case "minio": {
                const secret = createSecret(
                    `${name}-s3-credentials`,
                    {
                        name: `${grant.serviceAccountName}-s3`,
                        namespace: grant.namespace,
                        component: "storage",
                        data: { AWS_ACCESS_KEY_ID: FAKE_SECRETS.s3AccessKey, AWS_SECRET_ACCESS_KEY: FAKE_SECRETS.s3SecretKey },
                    },
                    { parent },
                );
                return { serviceAccountAnnotations: pulumi.output<Record<string, string>>({}), podLabels: {}, credentialsSecret: secret.metadata.name };
            }
            case "gcs":
                return {
                    serviceAccountAnnotations: pulumi.output<Record<string, string>>({
                        "iam.gke.io/gcp-service-account": `${grant.serviceAccountName}@acme-ml-prod.iam.gserviceaccount.com`,
                    }),
                    podLabels: {},
                };
            case "adls":
                return {
                    serviceAccountAnnotations: pulumi.output<Record<string, string>>({ "azure.workload.identity/client-id": FAKE_AZURE_CLIENT_ID }),
                    podLabels: { "azure.workload.identity/use": "true" },
                };
        }
    }
}

export interface RecordedDatabase {
    readonly name: string;
    readonly request: DatabaseRequest;
    readonly secretName: string;
}

export class FakePostgres implements Postgres {
    readonly host: pulumi.Output<string>;
    readonly port = 5432;
    readonly databases: RecordedDatabase[] = [];

    constructor(readonly flavor: PostgresFlavor) {
        this.host = pulumi.output(
            flavor === "in-cluster" ? "postgres.ml-postgres.svc.cluster.local" : flavor === "cloudsql" ? "10.9.0.3" : "mlp.postgres.database.azure.com",
        );
    }

    database(name: string, request: DatabaseRequest, parent: pulumi.Resource): DatabaseConnection {
        const secretName = `${request.database}-db`;
        this.databases.push({ name, request, secretName });
        const sslmode = this.flavor === "in-cluster" ? "disable" : "require";
        const secret = createSecret(
            `${name}-db-secret`,
            {
                name: secretName,
                namespace: request.namespace,
                component: "postgres",
                data: {
                    [databaseSecretKeys.username]: request.database,
                    [databaseSecretKeys.password]: FAKE_SECRETS.dbPassword,
                    [databaseSecretKeys.host]: this.host,
                    [databaseSecretKeys.port]: String(this.port),
                    [databaseSecretKeys.database]: request.database,
                    [databaseSecretKeys.uri]: pulumi.interpolate`postgresql://${request.database}:${FAKE_SECRETS.dbPassword}@${this.host}:5432/${request.database}?sslmode=${sslmode}`,
                    [databaseSecretKeys.jdbcUrl]: pulumi.interpolate`jdbc:postgresql://${this.host}:5432/${request.database}?sslmode=${sslmode}`,
                },
            },
            { parent },
        );
        return { host: this.host, port: this.port, database: request.database, username: request.database, secretName: secret.metadata.name, uri: pulumi.secret(`postgresql://${request.database}@fake/${request.database}`) };
    }
}

/** The three platform layouts: kind, GKE, AKS. */
export const LAYOUTS = [
    { label: "kind (MinIO + in-cluster Postgres)", environment: "dev", store: "minio", postgres: "in-cluster" },
    { label: "GKE (GCS + Cloud SQL)", environment: "prod", store: "gcs", postgres: "cloudsql" },
    { label: "AKS (ADLS + Flexible Server)", environment: "prod", store: "adls", postgres: "flexible" },
] as const;
