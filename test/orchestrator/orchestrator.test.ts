import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { Orchestrator, OrchestratorArgs } from "../../components";
import { PostgresFlavor } from "../../components/postgres/types";
import { ObjectStoreFlavor } from "../../components/storage/types";
import { charts } from "../../components/versions";
import { FAKE_KAFKA_CA, FAKE_KAFKA_PASSWORD, fakeKafkaServer, FAKE_MLFLOW_PASSWORD, fakeMlflowServer, fakeTrinoServer } from "../fakes";
import { kubernetesResourcesWithoutProvider, Registration, runProgram, unwrap } from "../harness";
import { fakeDbPassword, fakeObjectStore, fakePostgres, fernetMockUrlSafe, MOCK_SECRET, mockOutputs } from "./fakes";

const connections: OrchestratorArgs["connections"] = {
    trino: fakeTrinoServer(),
    kafka: fakeKafkaServer(),
    mlflow: fakeMlflowServer(),
};

async function deploy(opts: {
    environment: "dev" | "prod";
    store: ObjectStoreFlavor;
    pg: PostgresFlavor;
    executor?: OrchestratorArgs["executor"];
}) {
    const objectStore = fakeObjectStore(opts.store);
    const postgres = fakePostgres(opts.pg);
    const run = await runProgram(
        () => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            const orchestrator = new Orchestrator(
                "airflow",
                { environment: opts.environment, postgres, objectStore, executor: opts.executor, connections },
                { providers: [provider] },
            );
            return { provider, orchestrator };
        },
        { outputs: mockOutputs },
    );
    const providerUrn = await unwrap(run.result.provider.urn);
    const secrets = run.byType("kubernetes:core/v1:Secret");
    const secret = (name: string) => {
        const found = secrets.find((s) => s.inputs.metadata?.name === name);
        assert.ok(found, `no Secret ${name}`);
        return found;
    };
    return { ...run, providerUrn, objectStore, postgres, secret, release: run.one("kubernetes:helm.sh/v3:Release") };
}

/** Every secret value the run produced (fakes, random mocks): none may appear outside a Secret. */
const secretMaterial = (pg: PostgresFlavor) => [MOCK_SECRET, fakeDbPassword(pg), fernetMockUrlSafe, "TU9DS1NFQ1JFVC1mZXJuZXQ"];

function assertNoSecretMaterial(r: Registration, pg: PostgresFlavor) {
    const text = JSON.stringify(r.inputs);
    for (const s of secretMaterial(pg)) assert.ok(!text.includes(s), `${r.type} ${r.name} carries secret material (${s.slice(0, 12)}...)`);
}

const cases = [
    { environment: "dev", store: "minio", pg: "in-cluster" },
    { environment: "prod", store: "gcs", pg: "cloudsql" },
    { environment: "prod", store: "adls", pg: "flexible" },
] as const;

for (const c of cases) {
    describe(`orchestrator: ${c.environment} on ${c.store} + ${c.pg} under mocks`, () => {
        // Suites run one after another; `before` keeps each program's mocks to itself.
        let run: Awaited<ReturnType<typeof deploy>>;
        let values: any;
        before(async () => {
            run = await deploy(c);
            values = run.release.inputs.values;
        });

        it("deploys every Kubernetes object through the explicit provider", () => {
            assert.ok(run.resources.filter((r) => r.type.startsWith("kubernetes:")).length > 8);
            assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, run.providerUrn).map((r) => `${r.type} ${r.name}`), []);
        });

        it("installs the pinned official chart as release `airflow` in its own restricted namespace", () => {
            assert.equal(run.release.inputs.chart, charts.airflow.chart);
            assert.equal(run.release.inputs.version, "1.22.0");
            assert.equal(run.release.inputs.repositoryOpts.repo, "https://airflow.apache.org");
            assert.equal(run.release.inputs.name, "airflow");
            assert.equal(run.release.inputs.namespace, "ml-orchestrator");
            const ns = run.one("kubernetes:core/v1:Namespace").inputs.metadata;
            assert.equal(ns.name, "ml-orchestrator");
            assert.equal(ns.labels["pod-security.kubernetes.io/enforce"], "restricted");
        });

        it("keeps every secret out of the chart values and out of every non-Secret object", () => {
            assert.ok(!run.release.secretInputs.has("values"), "values derived from a secret would be one");
            for (const r of run.resources.filter((r) => r.type !== "kubernetes:core/v1:Secret" && !r.type.startsWith("random:"))) {
                assertNoSecretMaterial(r, c.pg);
            }
        });

        it("puts generated keys, the admin password and the metadata URI into Secrets as Pulumi secrets", () => {
            for (const s of run.byType("kubernetes:core/v1:Secret")) assert.ok(s.secretInputs.has("stringData"), `${s.name} stringData is not secret`);
            const keys = run.secret("mlp-airflow-keys").inputs.stringData;
            assert.deepEqual(Object.keys(keys).sort(), ["api-secret-key", "fernet-key", "jwt-secret"]);
            assert.equal(keys["fernet-key"], fernetMockUrlSafe, "Fernet wants URL-safe base64");
            assert.match(keys["jwt-secret"], new RegExp(MOCK_SECRET));
            const admin = run.secret("mlp-airflow-admin").inputs.stringData;
            assert.equal(admin.username, "admin");
            assert.match(admin.password, new RegExp(MOCK_SECRET));
            assert.equal(values.fernetKeySecretName, "mlp-airflow-keys");
            assert.equal(values.apiSecretKeySecretName, "mlp-airflow-keys");
            assert.equal(values.jwtSecretName, "mlp-airflow-keys");
        });

        it("takes its database from the platform Postgres and hands the chart a `connection` key", () => {
            assert.deepEqual(run.postgres.requests.map((r) => r.database), ["airflow"]);
            assert.equal(values.postgresql.enabled, false);
            assert.equal(values.data.metadataSecretName, "mlp-airflow-metadata");
            const connection = run.secret("mlp-airflow-metadata").inputs.stringData.connection;
            const password = fakeDbPassword(c.pg);
            if (c.environment === "prod") {
                assert.equal(connection, `postgresql://airflow:${password}@airflow-pgbouncer.ml-orchestrator.svc.cluster.local:6543/airflow-metadata?sslmode=disable`);
                const pgb = run.secret("mlp-airflow-pgbouncer-config").inputs.stringData;
                assert.match(pgb["pgbouncer.ini"], /^server_tls_sslmode = require$/m);
                assert.equal(pgb["users.txt"], `"airflow" "${password}"\n`);
                assert.equal(run.secret("mlp-airflow-pgbouncer-stats").inputs.stringData.connection, `postgresql://airflow:${password}@127.0.0.1:6543/pgbouncer?sslmode=disable`);
                assert.equal(values.pgbouncer.configSecretName, "mlp-airflow-pgbouncer-config");
            } else {
                assert.match(connection, new RegExp(`^postgresql://airflow:${password}@postgres\\.ml-data\\.svc\\.cluster\\.local:5432/airflow\\?sslmode=disable$`));
                assert.equal(run.byType("kubernetes:core/v1:Secret").some((s) => s.inputs.metadata.name === "mlp-airflow-pgbouncer-config"), false);
            }
        });

        it("grants the log bucket to the Airflow ServiceAccounts and wires the identity into the release", () => {
            const sas: Record<string, any> = Object.fromEntries(run.byType("kubernetes:core/v1:ServiceAccount").map((s) => [s.inputs.metadata.name, s.inputs.metadata]));
            assert.deepEqual(Object.keys(sas).sort(), ["airflow-api-server", "airflow-triggerer", "airflow-worker"]);
            const grants = run.objectStore.grants.map((g) => [g.serviceAccountName, g.access, g.buckets.join(",")]);
            if (c.store === "minio") {
                // One static credential serves every container; it is loaded by name, never copied.
                assert.deepEqual(grants, [["airflow-worker", "readwrite", "airflow-logs"]]);
                assert.match(values.extraEnvFrom, /name: 'airflow-worker-minio'/);
            } else {
                assert.deepEqual(grants, [
                    ["airflow-worker", "readwrite", "airflow-logs"],
                    ["airflow-triggerer", "readwrite", "airflow-logs"],
                    ["airflow-api-server", "read", "airflow-logs"],
                ]);
                const annotation = c.store === "gcs" ? "iam.gke.io/gcp-service-account" : "azure.workload.identity/client-id";
                for (const [name, meta] of Object.entries(sas)) assert.ok(meta.annotations[annotation].includes(name), `${name} lacks ${annotation}`);
            }
            for (const [component, sa] of [["workers", "airflow-worker"], ["triggerer", "airflow-triggerer"], ["apiServer", "airflow-api-server"]]) {
                assert.deepEqual(values[component].serviceAccount, { create: false, name: sa });
                assert.deepEqual(values[component].labels, c.store === "adls" ? { "azure.workload.identity/use": "true" } : undefined);
            }
        });

        it("sends task logs to the object store through the object-store connection", () => {
            const logging = values.config.logging;
            assert.equal(logging.remote_logging, "True");
            assert.equal(logging.remote_log_conn_id, "object_store_default");
            const expected = { minio: "s3://mlp-test-airflow-logs/airflow/logs", gcs: "gs://mlp-test-airflow-logs/airflow/logs", adls: "wasb-airflow-logs" }[c.store];
            assert.equal(logging.remote_base_log_folder, expected);
            if (c.store === "adls") assert.deepEqual(values.config.azure_remote_logging, { remote_wasb_log_container: "mlp-test-airflow-logs" });
        });

        it("defines the platform connections in a Secret loaded into every Airflow container", () => {
            const conns = run.secret("mlp-airflow-connections").inputs.stringData;
            assert.deepEqual(Object.keys(conns).sort(), ["AIRFLOW_CONN_KAFKA_DEFAULT", "AIRFLOW_CONN_MLFLOW_DEFAULT", "AIRFLOW_CONN_OBJECT_STORE_DEFAULT", "AIRFLOW_CONN_TRINO_DEFAULT"]);
            const store = JSON.parse(conns.AIRFLOW_CONN_OBJECT_STORE_DEFAULT);
            assert.equal(store.conn_type, { minio: "aws", gcs: "google_cloud_platform", adls: "wasb" }[c.store]);
            if (c.store === "minio") assert.equal(store.extra.endpoint_url, "http://minio.ml-storage.svc.cluster.local:9000");
            if (c.store === "adls") assert.equal(store.host, "https://mlptestacct.blob.core.windows.net/");
            assert.match(values.extraEnvFrom, /^- secretRef:\n {4}name: 'mlp-airflow-connections'/);
        });

        it("produces to Kafka as its client: SASL_SSL with its SCRAM password, the cluster CA and a group its ACLs allow", () => {
            const conn = JSON.parse(run.secret("mlp-airflow-connections").inputs.stringData.AIRFLOW_CONN_KAFKA_DEFAULT);
            assert.deepEqual(conn, {
                conn_type: "kafka",
                extra: {
                    "bootstrap.servers": "platform-kafka-bootstrap.ml-streaming.svc:9093",
                    "group.id": "airflow-default",
                    "security.protocol": "SASL_SSL",
                    "sasl.mechanisms": "SCRAM-SHA-512",
                    "sasl.username": "airflow",
                    "sasl.password": FAKE_KAFKA_PASSWORD,
                    "ssl.ca.pem": FAKE_KAFKA_CA,
                },
            });
        });

        it("logs to MLflow as its own user: a login on mlflow_default and MLflow's variables from the client Secret", () => {
            const conns = run.secret("mlp-airflow-connections");
            assert.deepEqual(JSON.parse(conns.inputs.stringData.AIRFLOW_CONN_MLFLOW_DEFAULT), {
                conn_type: "http",
                host: "http://mlflow.ml-tracking.svc.cluster.local:5000",
                login: "airflow",
                password: FAKE_MLFLOW_PASSWORD,
            });
            assert.ok(conns.secretInputs.has("stringData"));
            assert.match(values.extraEnvFrom, /- secretRef:\n {4}name: 'mlflow-airflow'/);
            assert.equal(run.secret("mlflow-airflow").inputs.metadata.namespace, "ml-orchestrator");
            assert.deepEqual(values.env, []);
        });

        it("exposes the UI URL, the admin user and a secret admin password", async () => {
            const o = run.result.orchestrator;
            assert.equal(await unwrap(o.uiUrl), "http://airflow-api-server.ml-orchestrator.svc.cluster.local:8080");
            assert.equal(await unwrap(o.adminUsername), "admin");
            assert.equal(await (o.adminPassword as any).isSecret, true);
            assert.match(await unwrap(o.adminPassword), new RegExp(MOCK_SECRET));
        });

        it(c.environment === "prod" ? "protects the Fernet key, without which encrypted fields are lost" : "leaves the dev Fernet key unprotected", () => {
            assert.equal(run.one("random:index/randomBytes:RandomBytes").protect, c.environment === "prod");
        });

        it("creates the release after the Secrets and ServiceAccounts it references", () => {
            const deps = new Set(run.release.dependencies);
            for (const r of [...run.byType("kubernetes:core/v1:Secret").filter((s) => s.inputs.metadata.name.startsWith("mlp-airflow-")), ...run.byType("kubernetes:core/v1:ServiceAccount")]) {
                assert.ok(deps.has(r.urn), `release does not wait for ${r.name}`);
            }
        });
    });
}

describe("orchestrator: CeleryExecutor under mocks", () => {
    let run: Awaited<ReturnType<typeof deploy>>;
    before(async () => {
        run = await deploy({ environment: "prod", store: "gcs", pg: "cloudsql", executor: "CeleryExecutor" });
    });

    it("generates the Redis password and broker URL into Secrets the chart reads by name", () => {
        const password = run.secret("mlp-airflow-redis-password").inputs.stringData.password;
        assert.match(password, new RegExp(MOCK_SECRET));
        assert.equal(run.secret("mlp-airflow-broker-url").inputs.stringData.connection, `redis://:${password}@airflow-redis:6379/0`);
        const v = run.release.inputs.values;
        assert.equal(v.redis.passwordSecretName, "mlp-airflow-redis-password");
        assert.equal(v.data.brokerUrlSecretName, "mlp-airflow-broker-url");
        assertNoSecretMaterial(run.release, "cloudsql");
    });
});

describe("orchestrator: argument checks", () => {
    const base = { environment: "dev" as const, postgres: fakePostgres("in-cluster"), objectStore: fakeObjectStore("minio") };
    /** The constructor's error; the program still completes, so no registration outlives its mocks. */
    async function constructionError(args: Partial<OrchestratorArgs>, postgres = base.postgres): Promise<string> {
        const run = await runProgram(
            () => {
                try {
                    new Orchestrator("airflow", { ...base, postgres, ...args }, { providers: [new k8s.Provider("k8s", { kubeconfig: "{}" })] });
                    return "";
                } catch (e) {
                    return (e as Error).message;
                }
            },
            { outputs: mockOutputs },
        );
        return run.result;
    }

    it("names a log bucket the store does not have, before registering anything", async () => {
        assert.match(await constructionError({ logBucket: "logs" }), /logBucket "logs" is not a bucket of the object store \(it has: airflow-logs, bronze\)/);
    });

    it("rejects mismatched DAG credentials and a bad retention", async () => {
        assert.match(
            await constructionError({ dags: { repo: "https://github.com/acme/dags.git", ref: "main", subPath: "", credentials: { kind: "ssh", secretName: "k" } } }),
            /credentials is ssh but dags.repo is an http\(s\) URL/,
        );
        assert.match(await constructionError({ databaseRetentionDays: 0 }), /databaseRetentionDays/);
    });
});
