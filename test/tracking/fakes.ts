/**
 * Small stand-ins for the ObjectStore and Postgres contracts, one per flavor, shaped like the real ones: they
 * create their Kubernetes children under the parent they are given (so provider inheritance is tested) and
 * record every request. Shared by test/tracking and test/serving.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { createSecret } from "../../components/common/kubernetes";
import { DatabaseConnection, DatabaseRequest, Postgres, PostgresFlavor } from "../../components/postgres/types";
import { ObjectStore, ObjectStoreAccess, ObjectStoreFlavor, ObjectStoreGrant } from "../../components/storage/types";

export const GCP_PROJECT = "acme-ml-prod";
export const AZURE_CLIENT_ID = "11111111-2222-3333-4444-555555555555";
export const ADLS_ACCOUNT = "mlpprodlake";
export const MINIO_ENDPOINT = "http://minio.ml-storage.svc.cluster.local:9000";

/** Physical name of a logical bucket, as each real implementation would name it. */
export function physicalBucket(flavor: ObjectStoreFlavor, bucket: string): string {
    switch (flavor) {
        case "minio":
            return bucket;
        case "gcs":
            return `${GCP_PROJECT}-mlp-${bucket}`;
        case "adls":
            return bucket;
    }
}

export interface FakeObjectStore extends ObjectStore {
    readonly grants: { name: string; grant: ObjectStoreGrant }[];
}

export function fakeObjectStore(flavor: ObjectStoreFlavor, logical: readonly string[] = ["bronze", "mlflow", "models"]): FakeObjectStore {
    const buckets = Object.fromEntries(logical.map((b) => [b, pulumi.output(physicalBucket(flavor, b))]));
    const grants: { name: string; grant: ObjectStoreGrant }[] = [];
    return {
        flavor,
        buckets,
        grants,
        s3Endpoint: flavor === "minio" ? pulumi.output(MINIO_ENDPOINT) : undefined,
        accountName: flavor === "adls" ? pulumi.output(ADLS_ACCOUNT) : undefined,
        uri(bucket: string, path?: string) {
            const b = physicalBucket(flavor, bucket);
            const base = flavor === "minio" ? `s3://${b}` : flavor === "gcs" ? `gs://${b}` : `abfss://${b}@${ADLS_ACCOUNT}.dfs.core.windows.net`;
            return pulumi.output(path ? `${base}/${path}` : base);
        },
        grantAccess(name: string, grant: ObjectStoreGrant, parent: pulumi.Resource): ObjectStoreAccess {
            for (const b of grant.buckets) if (!logical.includes(b)) throw new Error(`fake grantAccess("${name}"): unknown bucket ${b}`);
            grants.push({ name, grant });
            switch (flavor) {
                case "minio": {
                    const key = new random.RandomPassword(`${name}-minio-secret-key`, { length: 40, special: false }, { parent });
                    const secret = createSecret(
                        `${name}-s3-credentials`,
                        {
                            name: `${name}-s3-credentials`,
                            namespace: grant.namespace,
                            component: "storage",
                            data: { AWS_ACCESS_KEY_ID: `mlp-${name}`, AWS_SECRET_ACCESS_KEY: key.result, AWS_REGION: "us-east-1", AWS_ENDPOINT_URL: MINIO_ENDPOINT },
                        },
                        { parent },
                    );
                    return { serviceAccountAnnotations: pulumi.output<Record<string, string>>({}), podLabels: {}, credentialsSecret: secret.metadata.name };
                }
                case "gcs":
                    return {
                        serviceAccountAnnotations: pulumi.output<Record<string, string>>({ "iam.gke.io/gcp-service-account": `${grant.serviceAccountName}@${GCP_PROJECT}.iam.gserviceaccount.com` }),
                        podLabels: {},
                    };
                case "adls":
                    return {
                        serviceAccountAnnotations: pulumi.output<Record<string, string>>({ "azure.workload.identity/client-id": AZURE_CLIENT_ID }),
                        podLabels: { "azure.workload.identity/use": "true" },
                    };
            }
        },
    };
}

export interface FakePostgres extends Postgres {
    readonly requests: { name: string; request: DatabaseRequest }[];
}

export function fakePostgres(flavor: PostgresFlavor): FakePostgres {
    const host = pulumi.output(flavor === "in-cluster" ? "postgres.ml-data.svc.cluster.local" : "10.40.0.5");
    const requests: { name: string; request: DatabaseRequest }[] = [];
    return {
        flavor,
        host,
        port: 5432,
        requests,
        database(name: string, request: DatabaseRequest, parent: pulumi.Resource): DatabaseConnection {
            requests.push({ name, request });
            const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent });
            const db = request.database;
            const secret = createSecret(
                `${name}-secret`,
                {
                    name: `${db.replace(/_/g, "-")}-db`,
                    namespace: request.namespace,
                    component: "postgres",
                    data: {
                        username: db,
                        password: password.result,
                        host,
                        port: "5432",
                        database: db,
                        uri: pulumi.interpolate`postgresql://${db}:${password.result}@${host}:5432/${db}?sslmode=require`,
                        "jdbc-url": pulumi.interpolate`jdbc:postgresql://${host}:5432/${db}?sslmode=require`,
                    },
                },
                { parent },
            );
            return { host, port: 5432, database: db, username: db, secretName: secret.metadata.name, uri: pulumi.secret(pulumi.interpolate`postgresql://${db}:${password.result}@${host}:5432/${db}?sslmode=require`) };
        },
    };
}

/** The store flavor each Postgres flavor goes with (kind, GKE, AKS). */
export const platformFlavors = [
    { store: "minio", postgres: "in-cluster" },
    { store: "gcs", postgres: "cloudsql" },
    { store: "adls", postgres: "flexible" },
] as const;

/** Every string anywhere inside a value. */
export function allStrings(v: unknown): string[] {
    if (typeof v === "string") return [v];
    if (Array.isArray(v)) return v.flatMap(allStrings);
    if (v && typeof v === "object") return Object.values(v).flatMap(allStrings);
    return [];
}
