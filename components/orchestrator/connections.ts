/**
 * Pure builders for what Airflow needs to reach the platform: Airflow connections (as `AIRFLOW_CONN_*`
 * values), the remote task-log settings per object-store flavor, and the metadata-database connection with
 * the PgBouncer files derived from the Postgres URI. Plain data in, strings out; no Pulumi.
 */
import { ObjectStoreFlavor } from "../storage/types";

/** Airflow connection IDs the platform defines; DAGs use these instead of hard-coding endpoints. */
export const connectionIds = {
    trino: "trino_default",
    kafka: "kafka_default",
    mlflow: "mlflow_default",
    /** Feast's feature server (HTTP, no login in the cluster). */
    feast: "feast_default",
    /** The platform object store (S3 API on MinIO, GCS, or Azure Blob); also used for remote task logs. */
    objectStore: "object_store_default",
    /** The compute jobs namespace (Kubernetes, in-cluster): `SparkKubernetesOperator(kubernetes_conn_id=...)`, RayJobs. */
    compute: "compute_default",
} as const;

export interface TrinoEndpoint {
    /** In-cluster host name of the Trino coordinator, e.g. `trino.ml-lakehouse.svc.cluster.local`. */
    readonly host: string;
    /** Default 8080. */
    readonly port?: number;
    /** `http` (default, in-cluster) or `https`. */
    readonly protocol?: "http" | "https";
    /** Trino user Airflow queries as. Default `airflow`. */
    readonly user?: string;
    /** Default catalog for queries that do not name one. */
    readonly catalog?: string;
}

export interface KafkaEndpoint {
    /** Comma-separated `host:port` list, e.g. `platform-kafka-bootstrap.ml-streaming.svc:9092`. */
    readonly bootstrapServers: string;
    /** Default `PLAINTEXT`. */
    readonly securityProtocol?: "PLAINTEXT" | "SASL_SSL";
    readonly saslMechanism?: string;
    /** Airflow's Kafka user and password (SASL). */
    readonly username?: string;
    readonly password?: string;
    /** PEM of the CA the brokers' certificates chain to (SASL_SSL). */
    readonly caCertificate?: string;
    /** A consumer group Airflow's ACLs allow. Default `airflow`. */
    readonly groupId?: string;
}

export interface MlflowEndpoint {
    /** MLflow tracking server URL, e.g. `http://mlflow.ml-tracking.svc.cluster.local:5000`. */
    readonly url: string;
    /** Airflow's MLflow user and password (basic auth). */
    readonly login?: string;
    readonly password?: string;
}

/** What the object-store connection needs per flavor (credentials never: they come from identity or env). */
export type ObjectStoreEndpoint =
    | { readonly flavor: "minio"; readonly s3Endpoint: string; /** Default `us-east-1` (MinIO's). */ readonly region?: string }
    | { readonly flavor: "gcs" }
    | { readonly flavor: "adls"; readonly accountName: string };

/** Where Airflow's workers submit SparkApplications and RayJobs: in-cluster, as the worker ServiceAccount. */
export interface ComputeEndpoint {
    /** The jobs namespace, e.g. `ml-compute-jobs`. */
    readonly namespace: string;
}

export interface PlatformEndpoints {
    readonly trino?: TrinoEndpoint;
    readonly kafka?: KafkaEndpoint;
    readonly mlflow?: MlflowEndpoint;
    /** The feature server's in-cluster URL. */
    readonly feast?: string;
    readonly compute?: ComputeEndpoint;
    readonly objectStore: ObjectStoreEndpoint;
}

/** The environment variable Airflow reads a connection from. */
export const connectionEnvVar = (connId: string) => `AIRFLOW_CONN_${connId.toUpperCase()}`;

function objectStoreConnection(store: ObjectStoreEndpoint): Record<string, unknown> {
    switch (store.flavor) {
        case "minio":
            // No keys here: boto3 falls back to AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the credentials Secret.
            return {
                conn_type: "aws",
                extra: {
                    endpoint_url: store.s3Endpoint,
                    region_name: store.region ?? "us-east-1",
                    config_kwargs: { s3: { addressing_style: "path" } },
                },
            };
        case "gcs":
            // No key file: Application Default Credentials resolve to the pod's workload identity.
            return { conn_type: "google_cloud_platform", extra: {} };
        case "adls":
            // No key or SAS: the Wasb hook falls back to DefaultAzureCredential, i.e. AKS workload identity.
            return { conn_type: "wasb", host: `https://${store.accountName}.blob.core.windows.net/` };
    }
}

/** librdkafka properties for the Kafka connection (the CA as PEM text, so no file has to be mounted). */
function kafkaClientConfig(k: KafkaEndpoint): Record<string, string> {
    const sasl = k.securityProtocol === "SASL_SSL";
    return {
        "bootstrap.servers": k.bootstrapServers,
        "group.id": k.groupId ?? "airflow",
        "security.protocol": k.securityProtocol ?? "PLAINTEXT",
        ...(sasl ? { "sasl.mechanisms": k.saslMechanism ?? "SCRAM-SHA-512", "sasl.username": k.username ?? "", "sasl.password": k.password ?? "" } : {}),
        ...(sasl && k.caCertificate ? { "ssl.ca.pem": k.caCertificate } : {}),
    };
}

/** The HTTP hook uses a host that contains "://" as its whole base URL (scheme, port and path kept). */
function httpHost(service: string, raw: string): string {
    const url = new URL(raw);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`orchestrator: the ${service} URL must be http(s)://, got ${JSON.stringify(raw)}`);
    return url.href.replace(/\/$/, "");
}

/** Every platform connection as `AIRFLOW_CONN_<ID>` → JSON connection, in a stable order. */
export function airflowConnections(endpoints: PlatformEndpoints): Record<string, string> {
    const conns: [string, Record<string, unknown>][] = [];
    if (endpoints.trino) {
        const t = endpoints.trino;
        conns.push([
            connectionIds.trino,
            {
                conn_type: "trino",
                host: t.host,
                port: t.port ?? 8080,
                login: t.user ?? "airflow",
                extra: { protocol: t.protocol ?? "http", ...(t.catalog ? { catalog: t.catalog } : {}) },
            },
        ]);
    }
    if (endpoints.kafka) {
        conns.push([
            connectionIds.kafka,
            {
                conn_type: "kafka",
                // The Kafka provider hands `extra` to confluent-kafka as its client config.
                extra: kafkaClientConfig(endpoints.kafka),
            },
        ]);
    }
    if (endpoints.mlflow) {
        const { login, password } = endpoints.mlflow;
        conns.push([connectionIds.mlflow, { conn_type: "http", host: httpHost("MLflow", endpoints.mlflow.url), ...(login ? { login, password } : {}) }]);
    }
    if (endpoints.feast) {
        conns.push([connectionIds.feast, { conn_type: "http", host: httpHost("Feast", endpoints.feast) }]);
    }
    if (endpoints.compute) {
        // The cncf.kubernetes hook reads `in_cluster` and `namespace` from extra (unprefixed since provider 5).
        conns.push([connectionIds.compute, { conn_type: "kubernetes", extra: { in_cluster: true, namespace: endpoints.compute.namespace } }]);
    }
    conns.push([connectionIds.objectStore, objectStoreConnection(endpoints.objectStore)]);
    return Object.fromEntries(conns.map(([id, c]) => [connectionEnvVar(id), JSON.stringify(c)]));
}

/** Where task logs go: the prefix inside the log bucket (container on ADLS). */
export const remoteLogPrefix = "airflow/logs";

export interface RemoteLogTarget {
    readonly flavor: ObjectStoreFlavor;
    /** `s3://bucket/airflow/logs` (MinIO) or `gs://bucket/airflow/logs` (GCS), from `ObjectStore.uri`. */
    readonly baseUri?: string;
    /** Real container name (ADLS). */
    readonly container?: string;
}

/**
 * The `[logging]` settings (and `[azure_remote_logging]` on ADLS) for remote task logs. Airflow picks the
 * handler from the folder's prefix: `s3://`, `gs://`, or `wasb` (with the container set separately).
 */
export function remoteLoggingConfig(target: RemoteLogTarget): Record<string, Record<string, string>> {
    // Local copies go once uploaded, so long-lived pods (Celery workers, triggerers) do not fill their log volume.
    const logging = { remote_logging: "True", remote_log_conn_id: connectionIds.objectStore, delete_local_logs: "True" };
    switch (target.flavor) {
        case "minio":
        case "gcs": {
            const scheme = target.flavor === "minio" ? "s3://" : "gs://";
            if (!target.baseUri?.startsWith(scheme)) {
                throw new Error(`orchestrator: remote log folder for ${target.flavor} must start with ${scheme}; got ${JSON.stringify(target.baseUri)}`);
            }
            return { logging: { ...logging, remote_base_log_folder: target.baseUri } };
        }
        case "adls":
            if (!target.container) throw new Error("orchestrator: remote logs on ADLS need the container name");
            return {
                logging: { ...logging, remote_base_log_folder: `wasb-${remoteLogPrefix.replace(/\//g, "-")}` },
                azure_remote_logging: { remote_wasb_log_container: target.container },
            };
    }
}

/** A Postgres connection URI taken apart; `userinfo` keeps the URI's percent-encoding. */
export interface PostgresUri {
    readonly userinfo: string;
    readonly username: string;
    readonly password: string;
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly sslmode: string;
}

/** Parses `postgresql://user:password@host:port/database?sslmode=...` (the Postgres contract's `uri`). */
export function parsePostgresUri(uri: string): PostgresUri {
    const u = new URL(uri);
    if (u.protocol !== "postgresql:" && u.protocol !== "postgres:") {
        throw new Error(`orchestrator: expected a postgresql:// URI for the metadata database, got scheme ${u.protocol}`);
    }
    const database = decodeURIComponent(u.pathname.replace(/^\//, ""));
    if (!u.username || !u.password || !u.hostname || !database) {
        throw new Error("orchestrator: the metadata database URI must carry user, password, host and database");
    }
    return {
        userinfo: `${u.username}:${u.password}`,
        username: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
        host: u.hostname,
        port: Number(u.port || 5432),
        database,
        sslmode: u.searchParams.get("sslmode") ?? "prefer",
    };
}

/** Where Airflow connects for its metadata database when PgBouncer sits in front of Postgres. */
export interface PgbouncerRoute {
    /** PgBouncer Service host, e.g. `airflow-pgbouncer.ml-orchestrator.svc.cluster.local`. */
    readonly host: string;
    readonly port: number;
    /** Database alias PgBouncer exposes for the metadata database. */
    readonly alias: string;
}

/** The value of the chart's metadata Secret key `connection`: direct to Postgres, or through PgBouncer. */
export function metadataConnection(db: PostgresUri, via?: PgbouncerRoute): string {
    if (!via) {
        return `postgresql://${db.userinfo}@${db.host}:${db.port}/${encodeURIComponent(db.database)}?sslmode=${db.sslmode}`;
    }
    // In-cluster hop to PgBouncer (no client TLS); PgBouncer itself uses the database's sslmode upstream.
    return `postgresql://${db.userinfo}@${via.host}:${via.port}/${via.alias}?sslmode=disable`;
}

/** PgBouncer's `pgbouncer.ini` for the one metadata database. */
export function pgbouncerIni(db: PostgresUri, opts: { alias: string; listenPort: number; poolSize: number; maxClientConnections: number }): string {
    if (db.sslmode === "verify-ca" || db.sslmode === "verify-full") {
        throw new Error(`orchestrator: sslmode=${db.sslmode} needs a CA bundle for PgBouncer, which this component does not mount yet`);
    }
    return [
        "[databases]",
        `${opts.alias} = host=${db.host} port=${db.port} dbname=${db.database} pool_size=${opts.poolSize}`,
        "",
        "[pgbouncer]",
        "pool_mode = transaction",
        `listen_port = ${opts.listenPort}`,
        "listen_addr = *",
        // No Unix socket: nothing in the pod uses it, and the container's root filesystem is read-only.
        "unix_socket_dir =",
        "auth_type = scram-sha-256",
        "auth_file = /etc/pgbouncer/users.txt",
        `stats_users = ${db.username}`,
        "ignore_startup_parameters = extra_float_digits",
        `max_client_conn = ${opts.maxClientConnections}`,
        "verbose = 0",
        "log_disconnections = 0",
        "log_connections = 0",
        `server_tls_sslmode = ${db.sslmode}`,
        "server_tls_ciphers = normal",
        "",
    ].join("\n");
}

/** PgBouncer's `users.txt`: the one user, with its password (double quotes doubled, per PgBouncer's format). */
export function pgbouncerUsers(db: PostgresUri): string {
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
    return `${q(db.username)} ${q(db.password)}\n`;
}

/** The PgBouncer exporter's connection to PgBouncer's admin console inside the pod. */
export function pgbouncerStatsConnection(db: PostgresUri, listenPort: number): string {
    return `postgresql://${db.userinfo}@127.0.0.1:${listenPort}/pgbouncer?sslmode=disable`;
}
