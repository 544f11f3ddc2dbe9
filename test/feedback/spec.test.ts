import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import {
    bootstrapSql,
    CONTROL_TOPIC,
    feedbackClients,
    feedbackConnectExtension,
    feedbackTopics,
    hiveClientJars,
    icebergArtifacts,
    OFFSET_FLUSH_INTERVAL_MS,
    pluginRevision,
    kafkaConnectorSpec,
    loggerSpec,
    loggerUrl,
    monitoringSql,
    receiverConfig,
    resolveFeedbackModels,
} from "../../components/feedback";
import { monitoringDag } from "../../components/feedback/dag";
import { feedbackMonitoring } from "../../components/feedback/monitoring";
import { TRIGGER_SCRIPT } from "../../components/feedback/trigger";
import { alertmanagerConfig } from "../../components/monitoring/alerting";
import { acls } from "../../components/streaming/kafka";
import { fakeObjectStore } from "../fakes";

const iris = { name: "sklearn-iris", namespace: "ml-serving", logging: true };

describe("feedback: per-model plan", () => {
    it("fills defaults per environment and leaves out models that do not log", () => {
        const [m, ...rest] = resolveFeedbackModels([iris, { ...iris, name: "quiet", logging: false }], "dev");
        assert.equal(rest.length, 0);
        assert.deepEqual(
            { topic: m.topic, table: m.table, sampleRate: m.sampleRate, retentionMs: m.retentionMs, baseline: m.baselineTable },
            { topic: "feedback.sklearn-iris", table: "sklearn_iris", sampleRate: 1, retentionMs: 86_400_000, baseline: "lakehouse.feedback_gold.baseline" },
        );
        assert.equal(resolveFeedbackModels([iris], "prod")[0].retentionMs, 7 * 86_400_000);
        assert.deepEqual(resolveFeedbackModels([{ ...iris, thresholds: { predictionPsi: 0.1 } }], "dev")[0].thresholds, { predictionPsi: 0.1, featureMeanShift: 3, nullRateIncrease: 0.1, minRequests: 100 });
    });

    it("reports every bad setting at once, by key", () => {
        assert.throws(
            () => resolveFeedbackModels([{ ...iris, sampleRate: 0, retentionMs: 0, retrainDag: "bad dag", thresholds: { predictionPsi: -1 } }], "dev"),
            (e: Error) =>
                /sampleRate: got 0; expected a fraction in \(0, 1\]/.test(e.message) &&
                /retentionMs: got 0/.test(e.message) &&
                /retrainDag: got "bad dag"/.test(e.message) &&
                /thresholds.predictionPsi: got -1/.test(e.message),
        );
    });

    it("declares one topic per model (retention from config) and the sink's control topic; the receiver writes only the model topics", () => {
        const models = resolveFeedbackModels([{ ...iris, retentionMs: 3_600_000 }, { ...iris, name: "churn" }], "dev");
        assert.deepEqual(feedbackTopics(models), [
            { name: "feedback.sklearn-iris", retentionMs: 3_600_000 },
            { name: "feedback.churn", retentionMs: 86_400_000 },
            { name: CONTROL_TOPIC, partitions: 1, retentionMs: 86_400_000 },
        ]);
        assert.deepEqual(feedbackClients(models), [{ name: "feedback-logger", produces: ["feedback.sklearn-iris", "feedback.churn"] }]);
        assert.deepEqual(feedbackTopics([]), []);
    });
});

describe("feedback: KServe logger and receiver", () => {
    it("the logger block is KServe v0.20.0's LoggerSpec (url, mode) pointing at the model's path on the receiver", () => {
        assert.deepEqual(loggerSpec(loggerUrl("sklearn-iris")), { url: "http://feedback-logger.ml-feedback.svc.cluster.local:8080/sklearn-iris", mode: "all" });
    });

    it("Vector takes the CloudEvents, routes by path, samples per model keyed by the event id, and acknowledges only what Kafka has", () => {
        const models = resolveFeedbackModels([iris, { ...iris, name: "churn", sampleRate: 0.25 }], "prod");
        const c = receiverConfig(models, { bootstrapServers: "platform-kafka-bootstrap.ml-streaming.svc:9093", scram: true }) as any;
        assert.deepEqual(c.sources.kserve.headers, ["ce-*"]);
        // Hyphenated header fields are quoted VRL paths (an unquoted `.ce-id` would be a subtraction).
        assert.match(c.transforms.envelope.source, /"event_id": string\(\."ce-id"\) \?\? ""/);
        assert.doesNotMatch(c.transforms.envelope.source, /\.ce-/);
        assert.equal(c.sources.kserve.strict_path, false);
        assert.deepEqual(c.transforms.by_model.route, { sklearn_iris: '.model == "sklearn-iris"', churn: '.model == "churn"' });
        assert.deepEqual(c.transforms.sample_churn, { type: "sample", inputs: ["by_model.churn"], ratio: 0.25, key_field: "event_id", sample_rate_key: "" });
        assert.deepEqual(c.sinks.kafka.inputs, ["by_model.sklearn_iris", "sample_churn"]);
        assert.equal(c.sinks.kafka.topic, "feedback.{{ model }}");
        assert.deepEqual(c.sinks.kafka.acknowledgements, { enabled: true });
        assert.deepEqual(c.sinks.kafka.librdkafka_options, { acks: "all", "enable.idempotence": "true" });
        assert.equal(c.sinks.kafka.sasl.mechanism, "SCRAM-SHA-512");
        assert.equal(c.sinks.kafka.sasl.password, "${KAFKA_PASSWORD}");
        const plain = receiverConfig(models, { bootstrapServers: "b:9092", scram: false }) as any;
        assert.equal(plain.sinks.kafka.sasl, undefined);
    });
});

describe("feedback: Kafka Connect with the Iceberg sink", () => {
    it("builds the Iceberg sink from Maven Central artifacts with the store's FileIO, and grants Connect the topics, groups and transactions", () => {
        const store = fakeObjectStore("gcs", ["bronze", "silver", "gold"]);
        const models = resolveFeedbackModels([iris], "prod");
        const ext = feedbackConnectExtension(models, store, "bronze", { type: "registry", repository: "europe-west1-docker.pkg.dev/acme/ml/kafka-connect" });
        assert.equal(ext.tagSuffix, "iceberg-1.11.0-gcs-e43abe2d");
        assert.deepEqual(
            ext.plugins[0].artifacts.map((a: any) => (a.type === "maven" ? `${a.group}:${a.artifact}:${a.version}` : a.url)),
            [
                "org.apache.iceberg:iceberg-kafka-connect:1.11.0",
                "org.apache.iceberg:iceberg-parquet:1.11.0",
                "org.apache.iceberg:iceberg-orc:1.11.0",
                "org.apache.iceberg:iceberg-hive-metastore:1.11.0",
                "https://repo1.maven.org/maven2/org/apache/hive/hive-standalone-metastore/3.1.3/hive-standalone-metastore-3.1.3.jar",
                "https://repo1.maven.org/maven2/org/apache/hive/hive-common/3.1.3/hive-common-3.1.3.jar",
                "https://repo1.maven.org/maven2/org/apache/thrift/libthrift/0.9.3/libthrift-0.9.3.jar",
                "https://repo1.maven.org/maven2/org/apache/thrift/libfb303/0.9.3/libfb303-0.9.3.jar",
                "https://repo1.maven.org/maven2/org/apache/hive/hive-storage-api/2.7.0/hive-storage-api-2.7.0.jar",
                "https://repo1.maven.org/maven2/com/google/guava/guava/19.0/guava-19.0.jar",
                "https://repo1.maven.org/maven2/commons-lang/commons-lang/2.6/commons-lang-2.6.jar",
                "org.apache.hadoop:hadoop-client-api:3.4.1",
                "org.apache.hadoop:hadoop-client-runtime:3.4.1",
                "org.apache.iceberg:iceberg-gcp:1.11.0",
                "com.google.cloud:google-cloud-storage:2.78.0",
            ],
        );
        assert.ok(icebergArtifacts("minio").some((a) => a.type === "maven" && a.artifact === "iceberg-aws"));
        // Iceberg 1.11.0's HiveCatalog reads HiveConf.ConfVars.METASTOREURIS: Hive 3.1's hive-common has it; Hive 4.1's
        // renamed it (NoSuchFieldError) and hive-standalone-metastore-common 4.1.0 has no HiveConf at all
        // (NoClassDefFoundError), both seen by scripts/iceberg-sink-check.sh. So: no Hive 4 jar in the plugin. And no
        // Hive jar as a Maven artifact: Strimzi adds every runtime dependency and cannot exclude one, and Hive 3.1.3's
        // bring Avro 1.8.2/1.7.7, which breaks Iceberg's writers (NoSuchMethodError LogicalTypes.timestampNanos()).
        for (const flavor of ["minio", "gcs", "adls"] as const) {
            const arts = icebergArtifacts(flavor);
            assert.ok(!arts.some((a) => a.type === "maven" && (a.group === "org.apache.hive" || a.group === "org.apache.thrift")), flavor);
            const jars = arts.filter((a) => a.type === "jar");
            assert.deepEqual(jars, [...hiveClientJars], flavor);
            for (const j of jars) {
                assert.match(j.url, /^https:\/\/repo1\.maven\.org\/maven2\/.+\.jar$/);
                assert.match(j.sha512sum, /^[0-9a-f]{128}$/);
            }
        }
        // The sink's writers link iceberg-orc's OrcRowWriter even for Parquet tables.
        for (const flavor of ["minio", "gcs", "adls"] as const) assert.ok(icebergArtifacts(flavor).some((a) => a.type === "maven" && a.artifact === "iceberg-orc"), flavor);
        // S3FileIO's AwsProperties needs the KMS model classes at class initialization.
        assert.ok(icebergArtifacts("minio").some((a) => a.type === "maven" && a.group === "software.amazon.awssdk" && a.artifact === "kms"));
        // The image tag follows the artifact list, not only Iceberg's version.
        const other = feedbackConnectExtension(models, fakeObjectStore("minio", ["bronze"]), "bronze");
        assert.match(other.tagSuffix, /^iceberg-1\.11\.0-minio-[0-9a-f]{8}$/);
        assert.equal(pluginRevision(icebergArtifacts("gcs")), "e43abe2d");
        assert.notEqual(pluginRevision(icebergArtifacts("gcs").slice(1)), pluginRevision(icebergArtifacts("gcs")));
        // A jar's checksum is part of the revision: another file, another image tag.
        const [first, ...rest] = hiveClientJars;
        const gcs = icebergArtifacts("gcs");
        assert.notEqual(pluginRevision(gcs.map((a) => (a === first ? { ...first, sha512sum: "0".repeat(128) } : a))), pluginRevision(gcs));
        assert.ok(rest.length > 0);
        assert.ok(icebergArtifacts("adls").some((a) => a.type === "maven" && a.artifact === "azure-storage-file-datalake"));
        assert.deepEqual(ext.storage?.buckets, ["bronze"]);
        // An idle sink task answers the coordinator's START_COMMIT within two put() calls, one per offset-flush
        // interval: that must stay inside the commit timeout (Iceberg's default 30 s; the connector keeps it).
        assert.deepEqual(ext.workerConfig, { "offset.flush.interval.ms": OFFSET_FLUSH_INTERVAL_MS });
        assert.ok(2 * OFFSET_FLUSH_INTERVAL_MS < 30_000);
        const conn = kafkaConnectorSpec({ namespace: "ml-streaming", connectCluster: "cdc", models, metastoreUri: "thrift://hms:9083", bronzeUri: "gs://b/", flavor: "gcs", commitIntervalMs: 300_000 });
        assert.equal(conn.spec.config["iceberg.control.commit.timeout-ms"], undefined);
        assert.deepEqual(
            acls({ name: "connect", ...ext.acls }).filter((a) => a.resource.type === "transactionalId"),
            [{ resource: { type: "transactionalId", name: "feedback-", patternType: "prefix" }, operations: ["Write", "Describe"] }],
        );
    });

    it("the connector routes each model's records to its bronze table through the Hive Metastore catalog; tables are the DDL's, never auto-created", () => {
        const models = resolveFeedbackModels([iris, { ...iris, name: "churn" }], "dev");
        const c = kafkaConnectorSpec({ namespace: "ml-streaming", connectCluster: "cdc", models, metastoreUri: "thrift://hms:9083", bronzeUri: "s3://bronze/", flavor: "minio", s3Endpoint: "http://minio:9000", commitIntervalMs: 60000 });
        assert.equal(c.metadata.labels["strimzi.io/cluster"], "cdc");
        assert.equal(c.spec.class, "org.apache.iceberg.connect.IcebergSinkConnector");
        assert.equal(c.spec.config.topics, "feedback.sklearn-iris,feedback.churn");
        assert.equal(c.spec.config["iceberg.tables"], "feedback_bronze.sklearn_iris,feedback_bronze.churn");
        assert.equal(c.spec.config["iceberg.table.feedback_bronze.churn.route-regex"], "^churn$");
        assert.equal(c.spec.config["iceberg.tables.auto-create-enabled"], false);
        assert.equal(c.spec.config["iceberg.catalog.type"], "hive");
        // The receiver's record key is the bare event id (receiverConfig's kafka sink: key_field event_id), which the
        // worker's JsonConverter cannot parse: the connector reads keys as strings.
        assert.equal((receiverConfig(models, { bootstrapServers: "k:9092", scram: false }) as any).sinks.kafka.key_field, "event_id");
        assert.equal(c.spec.config["key.converter"], "org.apache.kafka.connect.storage.StringConverter");
        assert.equal(c.spec.config["iceberg.catalog.io-impl"], "org.apache.iceberg.aws.s3.S3FileIO");
        assert.equal(c.spec.config["iceberg.control.topic"], CONTROL_TOPIC);
    });
});

describe("feedback: SQL, DAG, alerts and the retraining trigger", () => {
    const models = resolveFeedbackModels([{ ...iris, retrainDag: "train_iris", thresholds: { predictionPsi: 0.3 } }], "dev");

    it("bronze tables are Iceberg, partitioned by day of the event; the gold table by model and month", () => {
        const sql = bootstrapSql(models, { bronze: "s3://bronze/", gold: "s3://gold/" });
        assert.match(sql, /CREATE SCHEMA IF NOT EXISTS lakehouse\.feedback_bronze WITH \(location = 's3:\/\/bronze\/feedback_bronze'\)/);
        assert.match(sql, /CREATE TABLE IF NOT EXISTS lakehouse\.feedback_bronze\.sklearn_iris \([^)]*event_time timestamp\(6\) with time zone[\s\S]*partitioning = ARRAY\['day\(event_time\)'\]/);
        assert.match(sql, /lakehouse\.feedback_gold\.model_metrics[\s\S]*partitioning = ARRAY\['model', 'month\(window_start\)'\]/);
    });

    it("the monitoring SQL reads the window of the bronze table and the baseline, and inserts every metric into gold", () => {
        const sql = monitoringSql(models[0]);
        assert.match(sql, /^INSERT INTO lakehouse\.feedback_gold\.model_metrics/);
        assert.match(sql, /FROM lakehouse\.feedback_bronze\.sklearn_iris WHERE event_type = 'org\.kubeflow\.serving\.inference\.response' AND event_time >= from_iso8601_timestamp\(:window_start\)/);
        for (const metric of ["request_count", "prediction_mean", "prediction_stddev", "prediction_psi", "feature_mean_shift", "null_rate_increase"]) assert.match(sql, new RegExp(`'${metric}'`));
    });

    it("the monitoring DAG reads the Variable the platform sets, sends DogStatsD gauges, and compiles with python3", () => {
        const dag = monitoringDag.source;
        execFileSync("python3", ["-c", "import sys; compile(sys.stdin.read(), 'feedback_monitoring.py', 'exec')"], { input: dag });
        assert.match(dag, /Variable\.get\("ml_platform_feedback"\)/);
        assert.match(dag, /f"feedback\.\{name\}:\{float\(value\)\}\|g\|#model:\{model\['name'\]\}"/);
        assert.match(dag, /dag_id="feedback_monitoring"/);
    });

    it("alerts carry the model and its retraining DAG; the trigger's webhook route matches only those", () => {
        const source = feedbackMonitoring("ml-feedback", models);
        const drift = source.alertGroups!.flatMap((g) => g.rules).find((r) => r.alert === "FeedbackPredictionDrift")!;
        assert.equal(drift.expr, 'feedback_prediction_psi{platform_target="airflow-statsd", model="sklearn-iris"} > 0.3');
        assert.deepEqual({ model: (drift.labels as any).model, dag: (drift.labels as any).retrain_dag }, { model: "sklearn-iris", dag: "train_iris" });
        assert.equal(source.dashboards!.length, 1);
        const am = alertmanagerConfig(undefined, [{ name: "feedback-retrain", url: "http://feedback-retrain-trigger.ml-feedback.svc.cluster.local:8080/", matchers: ['retrain_dag =~ ".+"'] }]) as any;
        assert.deepEqual(am.route.routes[1], { receiver: "feedback-retrain", matchers: ['retrain_dag =~ ".+"'], continue: true, group_by: ["alertname", "model"], group_wait: "30s", repeat_interval: "24h" });
        assert.deepEqual(am.receivers.at(-1), { name: "feedback-retrain", webhook_configs: [{ url: "http://feedback-retrain-trigger.ml-feedback.svc.cluster.local:8080/", send_resolved: false }] });
        assert.throws(() => alertmanagerConfig(undefined, [{ name: "x", url: "http://user:pw@host/", matchers: [] }]), /without credentials/);
    });

    it("the trigger logs in with its own user and triggers only configured DAGs, through Airflow 3's API", () => {
        assert.match(TRIGGER_SCRIPT, /"\/auth\/token"/);
        assert.match(TRIGGER_SCRIPT, /"\/api\/v2\/dags\/%s\/dagRuns" % dag, \{"logical_date": None, "conf": conf\}/);
        assert.match(TRIGGER_SCRIPT, /dag not in ALLOWED/);
    });
});
