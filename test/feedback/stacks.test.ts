/**
 * The feedback loop's data path as each shipped stack declares it, captured from the real program under mocks:
 * topic -> job -> table -> metrics -> alert -> trigger. dev as shipped (the example model logs); prod and prod-aks
 * with a model that logs and names its retraining DAG (their stack files serve no model by default).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { monitoringDag } from "../../components/feedback/dag";
import { constructStack, Registration, RunResult } from "../harness";

const model = {
    name: "churn",
    modelFormat: "xgboost",
    storageUri: "gs://acme-models/churn/7",
    feedback: { logging: true, sampleRate: 0.5, retentionMs: 1_209_600_000, retrainDag: "train_churn", thresholds: { predictionPsi: 0.25 } },
};
const prodPatch = (storageUri: string) => ({
    "ml-platform:serving": { models: [{ ...model, storageUri }] },
    "ml-platform:streaming": { cdc: { imageRepository: "registry.acme.io/ml/kafka-connect", pushSecretName: "registry-push" } },
});

/** The monitoring DAG as Airflow gets it: the ConfigMap's file, mounted by the release into the bundle ml-platform. */
function delivered(run: RunResult<unknown>) {
    const files = run.byType("kubernetes:core/v1:ConfigMap").find((c) => c.inputs.metadata.name === "mlp-airflow-platform-dags");
    const airflow = run.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === "airflow")!.inputs.values;
    return {
        sameNamespace: files?.inputs.metadata.namespace === run.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === "airflow")!.inputs.namespace,
        source: files?.inputs.data["feedback_monitoring.py"] === monitoringDag.source,
        mounted: (airflow.volumeMounts ?? []).map((m: any) => m.mountPath),
        bundles: JSON.parse(airflow.config.dag_processor.dag_bundle_config_list ?? "[]").map((b: any) => b.name),
    };
}

/** One line per hop, from what the program registered. */
function dataPath(run: RunResult<unknown>, name: string) {
    const cr = (kind: string) => run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type.endsWith(`:${kind}`));
    const isvc = cr("InferenceService").find((r) => r.inputs.metadata.name === name)!;
    const topic = cr("KafkaTopic").find((r) => r.inputs.spec.topicName === `feedback.${name}`)!;
    const connect = cr("KafkaConnect")[0];
    const connector = cr("KafkaConnector").find((r) => r.inputs.metadata.name === "feedback-iceberg")!;
    const rules: any[] = cr("PrometheusRule").flatMap((r) => r.inputs.spec.groups.flatMap((g: any) => g.rules));
    const airflowVars = run.byType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "mlp-airflow-connections")!;
    const monitoring = run.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === "kps")!;
    const variable = JSON.parse(airflowVars.inputs.stringData?.AIRFLOW_VAR_ML_PLATFORM_FEEDBACK ?? airflowVars.inputs.data?.AIRFLOW_VAR_ML_PLATFORM_FEEDBACK);
    return {
        logger: isvc.inputs.spec.predictor.logger,
        topic: { name: topic.inputs.spec.topicName, retentionMs: topic.inputs.spec.config["retention.ms"] },
        connect: { cluster: connect.inputs.metadata.name, plugins: connect.inputs.spec.build.plugins.map((p: any) => p.name), image: connect.inputs.spec.build.output.image },
        table: connector.inputs.spec.config["iceberg.tables"],
        job: { dag: "feedback_monitoring", models: variable.models.map((m: any) => m.name), trino: variable.trino.url, delivered: delivered(run) },
        alerts: rules.filter((r) => r.labels?.model === name).map((r) => `${r.alert}: ${r.expr}${r.labels.retrain_dag ? ` -> ${r.labels.retrain_dag}` : ""}`),
        route: (monitoring.inputs.values.alertmanager.config.route.routes as any[]).find((r) => r.receiver === "feedback-retrain"),
        trigger: run.byType("kubernetes:apps/v1:Deployment").find((d) => d.inputs.metadata.name === "feedback-retrain-trigger")?.inputs.spec.template.spec.containers[0].env.find((e: any) => e.name === "RETRAIN_DAGS")?.value,
    };
}

describe("feedback loop per stack (captured under mocks)", () => {
    it("dev: the example model logs to feedback.sklearn-iris, lands in lakehouse.feedback_bronze.sklearn_iris on the CDC Connect cluster; no trigger without a DAG", async () => {
        const run = await constructStack("dev");
        const p = dataPath(run, "sklearn-iris");
        assert.deepEqual(p.logger, { url: "http://feedback-logger.ml-feedback.svc.cluster.local:8080/sklearn-iris", mode: "all" });
        assert.deepEqual(p.topic, { name: "feedback.sklearn-iris", retentionMs: 86_400_000 });
        assert.deepEqual(p.connect.plugins, ["debezium-postgres", "iceberg"]);
        assert.equal(p.connect.cluster, "cdc");
        assert.match(p.connect.image, /connect-registry\.ml-streaming\.svc\.cluster\.local:5000\/ml-platform\/kafka-connect:1\.2\.0-kafka-4\.3\.1-debezium-3\.7\.0\.Final-iceberg-1\.11\.0-minio-35201aa7$/);
        assert.equal(p.table, "feedback_bronze.sklearn_iris");
        assert.deepEqual(p.job.models, ["sklearn-iris"]);
        // The monitoring DAG runs after `up`: Airflow gets it with the feedback connection, not by a copy into the DAG repository.
        assert.deepEqual(p.job.delivered, { sameNamespace: true, source: true, mounted: ["/opt/airflow/platform-dags/feedback_monitoring.py"], bundles: ["dags-folder", "ml-platform"] });
        assert.deepEqual(p.alerts.map((a) => a.split(":")[0]), ["FeedbackPredictionDrift", "FeedbackInputDrift", "FeedbackNullRateIncrease", "FeedbackTooFewRequests"]);
        assert.equal(p.route, undefined);
        assert.equal(p.trigger, undefined);
        // MinIO: Connect writes the bronze bucket with a scoped key, as env from its Secret.
        const connect = run.resources.find((r) => r.type === "kubernetes:kafka.strimzi.io/v1:KafkaConnect")!;
        assert.deepEqual(connect.inputs.spec.template.connectContainer.env.map((e: any) => e.name), ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]);
        // The receiver's pods reach Kafka, the models reach the receiver.
        const vector = run.byType("kubernetes:apps/v1:Deployment").find((d) => d.inputs.metadata.name === "feedback-logger")!;
        assert.match(vector.inputs.spec.template.spec.containers[0].image, /^docker\.io\/timberio\/vector:0\.57\.0-distroless-libc$/);
    });

    for (const [stack, uri, identity] of [
        ["prod", "gs://acme-models/churn/7", "iam.gke.io/gcp-service-account"],
        ["prod-aks", "https://acmemodels.blob.core.windows.net/models/churn/7", "azure.workload.identity/client-id"],
    ] as const) {
        it(`${stack}: a logging model with a retraining DAG gets the whole path, SCRAM/TLS and the cloud identity`, async () => {
            const run = await constructStack(stack, prodPatch(uri));
            const p = dataPath(run, "churn");
            assert.deepEqual(p.topic, { name: "feedback.churn", retentionMs: 1_209_600_000 });
            assert.deepEqual(p.connect.plugins, ["iceberg"]);
            assert.equal(p.connect.image, `registry.acme.io/ml/kafka-connect:1.2.0-kafka-4.3.1-iceberg-1.11.0-${stack === "prod" ? "gcs-e43abe2d" : "adls-3480dd9e"}`);
            assert.equal(p.table, "feedback_bronze.churn");
            assert.ok(p.alerts.includes('FeedbackPredictionDrift: feedback_prediction_psi{platform_target="airflow-statsd", model="churn"} > 0.25 -> train_churn'));
            assert.deepEqual(p.route?.matchers, ['platform_component = "feedback"', 'retrain_dag =~ ".+"']);
            assert.equal(p.trigger, '["train_churn"]');
            assert.deepEqual(p.job.delivered, { sameNamespace: true, source: true, mounted: ["/opt/airflow/platform-dags/feedback_monitoring.py"], bundles: ["dags-folder", "ml-platform"] });
            const cr = (kind: string) => run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type.endsWith(`:${kind}`));
            const connect = cr("KafkaConnect")[0];
            assert.equal(connect.inputs.spec.authentication.type, "scram-sha-512");
            // The Iceberg sink's worker setting reaches the KafkaConnect (feedbackConnectExtension's workerConfig).
            assert.equal(connect.inputs.spec.config["offset.flush.interval.ms"], 10_000);
            assert.ok(identity in connect.inputs.spec.template.serviceAccount.metadata.annotations);
            const users = Object.fromEntries(cr("KafkaUser").map((u) => [u.inputs.metadata.name, u.inputs.spec.authorization.acls]));
            assert.deepEqual(users["feedback-logger"].map((a: any) => [a.resource.name, a.operations.join("+")]), [["feedback.churn", "Write+Describe+Create"]]);
            assert.ok(users.connect.some((a: any) => a.resource.type === "transactionalId" && a.resource.name === "feedback-"));
            // The trigger's own Airflow user, created by the chart's user job, its password delivered in ml-feedback.
            const airflow = run.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === "airflow")!;
            assert.match(airflow.inputs.values.createUserJob.args[2], /airflow users create --role User --username feedback-trigger/);
            const delivered = run.byType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "airflow-api-feedback-trigger")!;
            assert.equal(delivered.inputs.metadata.namespace, "ml-feedback");
        });
    }

    it("no model logs: no Feedback, no topic, no Iceberg plugin", async () => {
        const run = await constructStack("prod");
        assert.deepEqual(run.byType("mlplatform:feedback:Feedback"), []);
        assert.deepEqual(run.resources.filter((r) => r.type === "kubernetes:kafka.strimzi.io/v1:KafkaConnect"), []);
        assert.deepEqual(delivered(run), { sameNamespace: false, source: false, mounted: [], bundles: [] });
    });
});

export type { Registration };
