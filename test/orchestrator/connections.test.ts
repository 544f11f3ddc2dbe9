import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    airflowConnections,
    connectionIds,
    metadataConnection,
    parsePostgresUri,
    pgbouncerIni,
    pgbouncerStatsConnection,
    pgbouncerUsers,
    remoteLoggingConfig,
} from "../../components/orchestrator/connections";

const parse = (conns: Record<string, string>, id: string) => JSON.parse(conns[`AIRFLOW_CONN_${id.toUpperCase()}`]);

describe("orchestrator: Airflow connections to the platform", () => {
    const all = airflowConnections({
        trino: { host: "trino.ml-lakehouse.svc.cluster.local", catalog: "iceberg" },
        kafka: { bootstrapServers: "platform-kafka-bootstrap.ml-streaming.svc:9092" },
        mlflow: { url: "http://mlflow.ml-tracking.svc.cluster.local:5000/" },
        compute: { namespace: "ml-compute-jobs" },
        objectStore: { flavor: "minio", s3Endpoint: "http://minio.ml-storage.svc.cluster.local:9000" },
    });

    it("defines one AIRFLOW_CONN_* variable per platform service, named by the platform's connection IDs", () => {
        assert.deepEqual(Object.keys(all), [
            "AIRFLOW_CONN_TRINO_DEFAULT",
            "AIRFLOW_CONN_KAFKA_DEFAULT",
            "AIRFLOW_CONN_MLFLOW_DEFAULT",
            "AIRFLOW_CONN_COMPUTE_DEFAULT",
            "AIRFLOW_CONN_OBJECT_STORE_DEFAULT",
        ]);
        assert.deepEqual(Object.values(connectionIds), ["trino_default", "kafka_default", "mlflow_default", "feast_default", "object_store_default", "compute_default"]);
    });

    it("Feast: an HTTP connection to the feature server, before the object store's, only when given", () => {
        const withFeast = airflowConnections({ feast: "http://feast.ml-featurestore.svc.cluster.local:6566", objectStore: { flavor: "gcs" } });
        assert.deepEqual(Object.keys(withFeast), ["AIRFLOW_CONN_FEAST_DEFAULT", "AIRFLOW_CONN_OBJECT_STORE_DEFAULT"]);
        assert.deepEqual(parse(withFeast, "feast_default"), { conn_type: "http", host: "http://feast.ml-featurestore.svc.cluster.local:6566" });
        assert.throws(() => airflowConnections({ feast: "grpc://feast:6566", objectStore: { flavor: "gcs" } }), /the Feast URL must be http\(s\):\/\//);
    });

    it("points Trino, Kafka and MLflow at their in-cluster endpoints", () => {
        assert.deepEqual(parse(all, "trino_default"), {
            conn_type: "trino",
            host: "trino.ml-lakehouse.svc.cluster.local",
            port: 8080,
            login: "airflow",
            extra: { protocol: "http", catalog: "iceberg" },
        });
        assert.deepEqual(parse(all, "kafka_default").extra, {
            "bootstrap.servers": "platform-kafka-bootstrap.ml-streaming.svc:9092",
            "group.id": "airflow",
            "security.protocol": "PLAINTEXT",
        });
        assert.deepEqual(parse(all, "mlflow_default"), { conn_type: "http", host: "http://mlflow.ml-tracking.svc.cluster.local:5000" });
    });

    it("compute: the Kubernetes hook in-cluster (the worker's ServiceAccount) with the jobs namespace, no kubeconfig", () => {
        assert.deepEqual(parse(all, "compute_default"), { conn_type: "kubernetes", extra: { in_cluster: true, namespace: "ml-compute-jobs" } });
    });

    it("gives the object store a connection per flavor that carries no credential", () => {
        assert.deepEqual(parse(all, "object_store_default"), {
            conn_type: "aws",
            extra: { endpoint_url: "http://minio.ml-storage.svc.cluster.local:9000", region_name: "us-east-1", config_kwargs: { s3: { addressing_style: "path" } } },
        });
        assert.deepEqual(parse(airflowConnections({ objectStore: { flavor: "gcs" } }), "object_store_default"), { conn_type: "google_cloud_platform", extra: {} });
        assert.deepEqual(parse(airflowConnections({ objectStore: { flavor: "adls", accountName: "mlpprod" } }), "object_store_default"), {
            conn_type: "wasb",
            host: "https://mlpprod.blob.core.windows.net/",
        });
        for (const value of Object.values(all)) assert.doesNotMatch(value, /password|secret|key_id|access_key/i);
    });

    it("leaves out services that are not given, and rejects a non-HTTP MLflow URL", () => {
        assert.deepEqual(Object.keys(airflowConnections({ objectStore: { flavor: "gcs" } })), ["AIRFLOW_CONN_OBJECT_STORE_DEFAULT"]);
        assert.throws(() => airflowConnections({ mlflow: { url: "grpc://mlflow:5000" }, objectStore: { flavor: "gcs" } }), /MLflow URL must be http/);
    });
});

describe("orchestrator: remote task logs per object-store flavor", () => {
    it("uses the S3 and GCS handlers through the store's URI, and the Wasb handler with the container on ADLS", () => {
        assert.deepEqual(remoteLoggingConfig({ flavor: "minio", baseUri: "s3://mlp-dev-airflow-logs/airflow/logs" }), {
            logging: { remote_logging: "True", remote_log_conn_id: "object_store_default", delete_local_logs: "True", remote_base_log_folder: "s3://mlp-dev-airflow-logs/airflow/logs" },
        });
        assert.equal(remoteLoggingConfig({ flavor: "gcs", baseUri: "gs://p-airflow-logs/airflow/logs" }).logging.remote_base_log_folder, "gs://p-airflow-logs/airflow/logs");
        assert.deepEqual(remoteLoggingConfig({ flavor: "adls", container: "airflow-logs" }), {
            logging: { remote_logging: "True", remote_log_conn_id: "object_store_default", delete_local_logs: "True", remote_base_log_folder: "wasb-airflow-logs" },
            azure_remote_logging: { remote_wasb_log_container: "airflow-logs" },
        });
    });

    it("refuses a base URI whose scheme does not select the flavor's handler", () => {
        assert.throws(() => remoteLoggingConfig({ flavor: "minio", baseUri: "gs://x/airflow/logs" }), /must start with s3:\/\//);
        assert.throws(() => remoteLoggingConfig({ flavor: "gcs", baseUri: undefined }), /must start with gs:\/\//);
        assert.throws(() => remoteLoggingConfig({ flavor: "adls" }), /container name/);
    });
});

describe("orchestrator: metadata database and PgBouncer", () => {
    const uri = "postgresql://airflow:p%40ss%22w0rd@10.20.0.5:5432/airflow?sslmode=require";
    const db = parsePostgresUri(uri);

    it("takes the Postgres URI apart, decoding the password but keeping the encoded userinfo", () => {
        assert.deepEqual(db, {
            userinfo: "airflow:p%40ss%22w0rd",
            username: "airflow",
            password: 'p@ss"w0rd',
            host: "10.20.0.5",
            port: 5432,
            database: "airflow",
            sslmode: "require",
        });
        assert.throws(() => parsePostgresUri("mysql://a:b@h/d"), /postgresql:\/\//);
        assert.throws(() => parsePostgresUri("postgresql://airflow@h:5432/airflow"), /user, password, host and database/);
    });

    it("connects directly with the database's sslmode, or through PgBouncer's alias in the cluster", () => {
        assert.equal(metadataConnection(db), uri);
        assert.equal(
            metadataConnection(db, { host: "airflow-pgbouncer.ml-orchestrator.svc.cluster.local", port: 6543, alias: "airflow-metadata" }),
            "postgresql://airflow:p%40ss%22w0rd@airflow-pgbouncer.ml-orchestrator.svc.cluster.local:6543/airflow-metadata?sslmode=disable",
        );
    });

    it("writes a pgbouncer.ini that pools the one database with TLS upstream and no Unix socket", () => {
        const ini = pgbouncerIni(db, { alias: "airflow-metadata", listenPort: 6543, poolSize: 20, maxClientConnections: 250 });
        const lines = ini.split("\n");
        for (const line of [
            "airflow-metadata = host=10.20.0.5 port=5432 dbname=airflow pool_size=20",
            "pool_mode = transaction",
            "listen_port = 6543",
            "unix_socket_dir =",
            "auth_type = scram-sha-256",
            "auth_file = /etc/pgbouncer/users.txt",
            "stats_users = airflow",
            "max_client_conn = 250",
            "server_tls_sslmode = require",
        ]) {
            assert.ok(lines.includes(line), `pgbouncer.ini lacks "${line}"`);
        }
        assert.doesNotMatch(ini, /p@ss/, "the password belongs in users.txt only");
        assert.throws(() => pgbouncerIni(parsePostgresUri(uri.replace("require", "verify-full")), { alias: "a", listenPort: 1, poolSize: 1, maxClientConnections: 1 }), /CA bundle/);
    });

    it("quotes users.txt the way PgBouncer reads it, and lets the exporter reach the admin console locally", () => {
        assert.equal(pgbouncerUsers(db), '"airflow" "p@ss""w0rd"\n');
        assert.equal(pgbouncerStatsConnection(db, 6543), "postgresql://airflow:p%40ss%22w0rd@127.0.0.1:6543/pgbouncer?sslmode=disable");
    });
});
