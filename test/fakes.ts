/**
 * Small stand-ins for the ObjectStore and Postgres contracts (components/storage/types.ts,
 * components/postgres/types.ts), one per flavor, shared by every suite so none depends on the real
 * implementations. Shaped like the real ones: they create their Kubernetes children (credential and connection
 * Secrets) under the parent they are given, so provider inheritance and parenting rules apply to them too, and
 * they record every grant and database request. Each suite fixes its own names and secret values through the
 * options (see the suites' fakes files).
 */
import * as pulumi from "@pulumi/pulumi";
import { createSecret } from "../components/common/kubernetes";
import { ANYWHERE, Cidr, ClientNamespace, Connected, ConnectionRecord } from "../components/network/spec";
import { DatabaseConnection, DatabaseRequest, databaseSecretKeys, Postgres, PostgresFlavor } from "../components/postgres/types";
import { ObjectStore, ObjectStoreAccess, ObjectStoreFlavor, ObjectStoreGrant } from "../components/storage/types";
import type { TrinoServer } from "../components/lakehouse";
import type { KafkaServer } from "../components/streaming/types";
import type { MlflowServer } from "../components/tracking/types";

export const DEFAULT_S3_ENDPOINT = "http://minio.ml-storage.svc.cluster.local:9000";
export const DEFAULT_ADLS_ACCOUNT = "mlpprodlake";
export const DEFAULT_GCP_PROJECT = "acme-ml-prod";
export const DEFAULT_AZURE_CLIENT_ID = "00000000-0000-0000-0000-00000000c1d0";

// ---------------------------------------------------------------------------------------------------------------
// ObjectStore

export interface RecordedGrant {
    readonly name: string;
    readonly grant: ObjectStoreGrant;
    readonly parent: pulumi.Resource;
}

export interface FakeObjectStore extends ObjectStore {
    /** Every grantAccess call, in order. */
    readonly grants: RecordedGrant[];
    /** The real (physical) name of a logical bucket. */
    realName(bucket: string): string;
}

export interface FakeObjectStoreOptions {
    /** Real bucket (container) name of a logical bucket. Default: the logical name itself. */
    readonly bucketName?: (bucket: string, flavor: ObjectStoreFlavor) => string;
    /** MinIO only. Default {@link DEFAULT_S3_ENDPOINT}. */
    readonly s3Endpoint?: string;
    /** ADLS only: storage account in `accountName` and in `abfss://` URIs. Default {@link DEFAULT_ADLS_ACCOUNT}. */
    readonly adlsAccount?: string;
    /** GCS only: project of the Google service accounts (`<sa>@<project>.iam.gserviceaccount.com`). */
    readonly gcpProject?: string;
    /** ADLS only: the `azure.workload.identity/client-id` annotation for a grant. */
    readonly azureClientId?: (grant: ObjectStoreGrant) => string;
    /** MinIO only: Kubernetes name of the credentials Secret. Default `<serviceAccountName>-s3`. */
    readonly minioSecretName?: (name: string, grant: ObjectStoreGrant) => string;
    /**
     * MinIO only: the credentials Secret's data (may create resources, e.g. a RandomPassword, under `parent`).
     * Default: fixed `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` values.
     */
    readonly minioCredentials?: (name: string, grant: ObjectStoreGrant, parent: pulumi.Resource) => Record<string, pulumi.Input<string>>;
}

const emptyAnnotations = () => pulumi.output<Record<string, string>>({});

export function fakeObjectStore(flavor: ObjectStoreFlavor, logical: readonly string[], options: FakeObjectStoreOptions = {}): FakeObjectStore {
    const realName = (bucket: string) => (options.bucketName ? options.bucketName(bucket, flavor) : bucket);
    const s3Endpoint = options.s3Endpoint ?? DEFAULT_S3_ENDPOINT;
    const account = options.adlsAccount ?? DEFAULT_ADLS_ACCOUNT;
    const project = options.gcpProject ?? DEFAULT_GCP_PROJECT;
    const known = (where: string, bucket: string) => {
        if (!logical.includes(bucket)) throw new Error(`fake object store ${where}: unknown bucket ${bucket}`);
    };
    const grants: RecordedGrant[] = [];
    return {
        flavor,
        buckets: Object.fromEntries(logical.map((b) => [b, pulumi.output(realName(b))])),
        grants,
        realName,
        ...(flavor === "minio" ? { s3Endpoint: pulumi.output(s3Endpoint) } : {}),
        ...(flavor === "adls" ? { accountName: pulumi.output(account) } : {}),
        uri(bucket: string, path?: string): pulumi.Output<string> {
            known("uri", bucket);
            const suffix = path ? `/${path}` : "";
            const name = realName(bucket);
            switch (flavor) {
                case "minio":
                    return pulumi.output(`s3://${name}${suffix}`);
                case "gcs":
                    return pulumi.output(`gs://${name}${suffix}`);
                case "adls":
                    return pulumi.output(`abfss://${name}@${account}.dfs.core.windows.net${suffix}`);
            }
        },
        grantAccess(name: string, grant: ObjectStoreGrant, parent: pulumi.Resource): ObjectStoreAccess {
            for (const b of grant.buckets) known(`grantAccess("${name}")`, b);
            grants.push({ name, grant, parent });
            const minio = flavor === "minio";
            const { flows, connection } = connected("object-store", grant.namespace.name, minio ? "ml-storage" : ANYWHERE, minio ? 9000 : 443, `fake store grant ${name}`);
            const link = { flows, connection: { ...connection, serviceAccount: grant.serviceAccountName } };
            switch (flavor) {
                case "minio": {
                    const data = options.minioCredentials
                        ? options.minioCredentials(name, grant, parent)
                        : { AWS_ACCESS_KEY_ID: "FAKE-ACCESS-KEY", AWS_SECRET_ACCESS_KEY: "FAKE-SECRET-KEY" };
                    const secretName = options.minioSecretName ? options.minioSecretName(name, grant) : `${grant.serviceAccountName}-s3`;
                    const secret = createSecret(`${name}-s3-credentials`, { name: secretName, namespace: grant.namespace.created, component: "storage", data }, { parent });
                    return { serviceAccountAnnotations: emptyAnnotations(), podLabels: {}, credentialsSecret: secret.metadata.name, ...link };
                }
                case "gcs":
                    return {
                        serviceAccountAnnotations: pulumi.output<Record<string, string>>({
                            "iam.gke.io/gcp-service-account": `${grant.serviceAccountName}@${project}.iam.gserviceaccount.com`,
                        }),
                        podLabels: {},
                        ...link,
                    };
                case "adls":
                    return {
                        serviceAccountAnnotations: pulumi.output<Record<string, string>>({
                            "azure.workload.identity/client-id": options.azureClientId ? options.azureClientId(grant) : DEFAULT_AZURE_CLIENT_ID,
                        }),
                        podLabels: { "azure.workload.identity/use": "true" },
                        ...link,
                    };
            }
        },
    };
}

// ---------------------------------------------------------------------------------------------------------------
// Postgres

export interface RecordedDatabase {
    readonly name: string;
    readonly request: DatabaseRequest;
    readonly parent: pulumi.Resource;
    /** Kubernetes name of the connection Secret. */
    readonly secretName: string;
}

export interface FakePostgres extends Postgres {
    /** Every database call, in order. */
    readonly requests: RecordedDatabase[];
}

export interface FakePostgresOptions {
    /** Host per flavor (or one host for all). Default: a cluster-local name / private IP / Azure name. */
    readonly host?: string | Partial<Record<PostgresFlavor, string>>;
    /** Kubernetes name of a database's connection Secret. Default `<database>-db`. */
    readonly secretName?: (database: string) => string;
    /** The user's password (may create resources, e.g. a RandomPassword, under `parent`). Default a fixed value. */
    readonly password?: (name: string, flavor: PostgresFlavor, parent: pulumi.Resource) => pulumi.Input<string>;
    /** `sslmode` in the URIs. Default `disable` in-cluster, `require` on managed services. */
    readonly sslmode?: (flavor: PostgresFlavor) => string;
}

const defaultHosts: Record<PostgresFlavor, string> = {
    "in-cluster": "postgres.ml-data.svc.cluster.local",
    cloudsql: "10.20.0.5",
    flexible: "mlp-prod-pg.postgres.database.azure.com",
    existing: "pg.corp.example.com",
};

export const DEFAULT_DB_PASSWORD = "FAKE-DB-PASSWORD";

export function fakePostgres(flavor: PostgresFlavor, options: FakePostgresOptions = {}): FakePostgres {
    const hostName = typeof options.host === "string" ? options.host : (options.host?.[flavor] ?? defaultHosts[flavor]);
    const host = pulumi.output(hostName);
    const port = 5432;
    const sslmode = options.sslmode ? options.sslmode(flavor) : flavor === "in-cluster" ? "disable" : "require";
    const requests: RecordedDatabase[] = [];
    return {
        flavor,
        host,
        port: pulumi.output(port),
        requests,
        database(name: string, request: DatabaseRequest, parent: pulumi.Resource): DatabaseConnection {
            const db = request.database;
            const secretName = options.secretName ? options.secretName(db) : `${db}-db`;
            requests.push({ name, request, parent, secretName });
            const password = options.password ? options.password(name, flavor, parent) : DEFAULT_DB_PASSWORD;
            const uri = pulumi.interpolate`postgresql://${db}:${password}@${hostName}:${port}/${db}?sslmode=${sslmode}`;
            const secret = createSecret(
                `${name}-db-secret`,
                {
                    name: secretName,
                    namespace: request.namespace.created,
                    component: "postgres",
                    data: {
                        [databaseSecretKeys.username]: db,
                        [databaseSecretKeys.password]: password,
                        [databaseSecretKeys.host]: hostName,
                        [databaseSecretKeys.port]: String(port),
                        [databaseSecretKeys.database]: db,
                        [databaseSecretKeys.uri]: uri,
                        [databaseSecretKeys.jdbcUrl]: `jdbc:postgresql://${hostName}:${port}/${db}?sslmode=${sslmode}`,
                    },
                },
                { parent },
            );
            const link = connected("postgres", request.namespace.name, flavor === "in-cluster" ? "ml-postgres" : ANYWHERE, port, `fake database ${db}`);
            return { host, port, database: db, username: db, secretName: secret.metadata.name, uri: pulumi.secret(uri), ...link };
        },
    };
}

// ---------------------------------------------------------------------------------------------------------------
// MLflow tracking server

export const FAKE_MLFLOW_URI = "http://mlflow.ml-tracking.svc.cluster.local:5000";
export const FAKE_MLFLOW_PASSWORD = "mock-mlflow-client-password";

/** An MlflowServer whose grants create the client's connection Secret like the real one, and are recorded. */
export function fakeMlflowServer(): MlflowServer & { readonly grants: { name: string; namespace: ClientNamespace; username: string }[] } {
    const grants: { name: string; namespace: ClientNamespace; username: string }[] = [];
    return {
        trackingUri: pulumi.output(FAKE_MLFLOW_URI),
        grants,
        grantClient(name, args, parent) {
            grants.push({ name, ...args });
            const secret = createSecret(
                `${name}-connection`,
                { name: `mlflow-${args.username}`, namespace: args.namespace.created, component: "tracking", data: { MLFLOW_TRACKING_PASSWORD: FAKE_MLFLOW_PASSWORD } },
                { parent },
            );
            const link = connected("mlflow", args.namespace.name, "ml-tracking", 5000, "fake MLflow client");
            return { trackingUri: FAKE_MLFLOW_URI, username: args.username, password: pulumi.secret(FAKE_MLFLOW_PASSWORD), secretName: secret.metadata.name, ...link };
        },
    };
}

// ---------------------------------------------------------------------------------------------------------------
// Kafka

export const FAKE_KAFKA_BOOTSTRAP = "platform-kafka-bootstrap.ml-streaming.svc:9093";
export const FAKE_KAFKA_PASSWORD = "mock-kafka-client-password";
export const FAKE_KAFKA_CA = "-----BEGIN CERTIFICATE-----\nFAKE KAFKA CA\n-----END CERTIFICATE-----\n";

/** A KafkaServer with TLS + SCRAM whose grants create the client's connection Secret like the real one. */
export function fakeKafkaServer(): KafkaServer {
    return {
        grantClient(name, args, parent) {
            const secret = createSecret(`${name}-connection`, { name: `kafka-${args.client}`, namespace: args.namespace.created, component: "streaming", data: { password: FAKE_KAFKA_PASSWORD } }, { parent });
            return {
                bootstrapServers: FAKE_KAFKA_BOOTSTRAP,
                securityProtocol: "SASL_SSL",
                saslMechanism: "SCRAM-SHA-512",
                username: args.client,
                password: pulumi.secret(FAKE_KAFKA_PASSWORD),
                caCertificate: pulumi.output(FAKE_KAFKA_CA),
                groupId: `${args.client}-default`,
                secretName: secret.metadata.name,
                ...connected("kafka", args.namespace.name, "ml-streaming", 9093, "fake Kafka client"),
            };
        },
    };
}

/** A fake connection's flow and record: `from` reaches `to` on `port`. */
function connected(kind: ConnectionRecord["kind"], from: string, to: string | Cidr, port: number, why: string): Connected {
    return { flows: [{ from, to, ports: [port], why }], connection: { kind, from, to: typeof to === "string" ? `${to}:${port}` : `${to.cidr}:${port}`, why } };
}

/** A client namespace for connection calls in tests: the name, and the same name as the "created" output. */
export const clientNs = (name: string): ClientNamespace => ({ name, created: name });

// ---------------------------------------------------------------------------------------------------------------
// Trino

export const FAKE_TRINO_HOST = "trino.ml-lakehouse.svc.cluster.local";

/** A TrinoServer like the Lakehouse's: no credential, the user is a name. */
export function fakeTrinoServer(): TrinoServer {
    return {
        grantClient: (args) => ({
            host: FAKE_TRINO_HOST,
            port: 8080,
            protocol: "http",
            user: args.user,
            catalog: "lakehouse",
            url: `http://${FAKE_TRINO_HOST}:8080`,
            ...connected("trino", args.namespace.name, "ml-lakehouse", 8080, "fake Trino client"),
        }),
    };
}
