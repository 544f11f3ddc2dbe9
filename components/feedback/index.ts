import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { createNamespace, KubernetesTargetArgs, platformLabels, requireKubernetesProvider } from "../common/kubernetes";
import type { MetastoreServer, TrinoServer } from "../lakehouse";
import type { MonitoringSource } from "../monitoring/source";
import { ClientNamespace, connect, ConnectionRecord, Flow, NetworkMember } from "../network/spec";
import type { ObjectStore } from "../storage/types";
import type { KafkaClientConnection, KafkaServer } from "../streaming/types";
import { imageRef, images, Mirror } from "../versions";
import { feedbackMonitoring } from "./monitoring";
import { bootstrapSql, monitoringSql, readBackSql } from "./sql";
import { TRIGGER_NAME, TRIGGER_PORT, TRIGGER_SCRIPT, TRIGGER_USER, triggerDeployment, triggerPods } from "./trigger";
import { monitoringDag } from "./dag";
import type { AirflowJobSource } from "../orchestrator/types";
import {
    COMPONENT,
    DEFAULT_NAMESPACE,
    Environment,
    FeedbackModel,
    FeedbackModelSpec,
    kafkaConnectorSpec,
    LOGGER_CLIENT,
    loggerUrl,
    RECEIVER_NAME,
    RECEIVER_PORT,
    receiverConfig,
    receiverDeployment,
    receiverImage,
    receiverPods,
    resolveFeedbackModels,
} from "./spec";

export * from "./spec";
export * from "./sql";
export { feedbackMonitoring } from "./monitoring";
export { TRIGGER_NAME, TRIGGER_PORT, TRIGGER_SCRIPT, TRIGGER_USER } from "./trigger";
export { monitoringDag } from "./dag";

/** What Feedback needs of Streaming: its client grants, and its Kafka Connect cluster (built with {@link feedbackConnectExtension}). */
export interface FeedbackKafka extends KafkaServer {
    readonly namespace: pulumi.Output<string>;
    readonly clientConnection: KafkaClientConnection;
    readonly connectCluster?: string;
    readonly connectResource?: pulumi.Resource;
}

export interface FeedbackArgs extends KubernetesTargetArgs {
    readonly environment: Environment;
    /** Models with their feedback settings; those with `logging: false` are left out. */
    readonly models: readonly FeedbackModelSpec[];
    /** Kafka: the model topics, the client `feedback-logger` and the Connect extension must be declared there (`feedbackTopics`, `feedbackClients`, `feedbackConnectExtension`). */
    readonly streaming: FeedbackKafka;
    /** The streaming namespace's name (Strimzi watches it; the Connect cluster runs there). Default `ml-streaming`. */
    readonly streamingNamespace?: string;
    /** Trino (bootstrap DDL) and the Hive Metastore (Iceberg sink's catalog) with the zones. */
    readonly lakehouse: TrinoServer & MetastoreServer;
    readonly objectStore: ObjectStore;
    /**
     * Namespace of Airflow. With it, models with a `retrainDag` get the retraining trigger, which logs in as the
     * Airflow user {@link TRIGGER_USER}: the Orchestrator must be given it in `apiClients` (its Secret
     * `airflow-api-feedback-trigger` lands in this namespace). Default: no trigger.
     */
    readonly orchestratorNamespace?: string;
    /** Namespace of Alertmanager (its webhook calls reach the trigger). Default `ml-monitoring`. */
    readonly alertmanagerNamespace?: string;
    /** Default `ml-feedback`. */
    readonly namespace?: string;
    readonly clusterDomain?: string;
    readonly mirror?: Mirror;
}

/**
 * The model feedback loop: the inference-log receiver (Vector) the models' KServe agents post to, one Kafka topic
 * per model, Kafka Connect with Apache Iceberg's sink writing each topic to an Iceberg table in the bronze zone,
 * the bronze/gold DDL, the monitoring SQL the orchestrator runs, and the alerts and dashboards per model.
 */
export class Feedback extends pulumi.ComponentResource implements NetworkMember, AirflowJobSource {
    public readonly variableName = "ML_PLATFORM_FEEDBACK";
    /** The feedback namespace (the Namespace object's name): the trigger's Airflow credentials are delivered there. */
    public readonly namespace: pulumi.Output<string>;
    /** The DAGs alerts may trigger (the models' `retrainDag`s); empty: no trigger runs. */
    public readonly retrainDags: string[];
    /** The namespace as a plain string: flows and URLs are written when the program runs. */
    private readonly ns: string;
    public readonly namespaces: string[];
    public readonly flows: Flow[] = [];
    public readonly connections: ConnectionRecord[] = [];
    public readonly monitoring: MonitoringSource;
    public readonly models: readonly FeedbackModel[];
    /** Per model: logger URL, topic, bronze table, and the DAG its alerts trigger. */
    public readonly dataPath: Record<string, { loggerUrl: string; topic: string; table: string; retrainDag?: string }>;
    /** The monitoring SQL per model, as the DAG runs it. */
    public readonly monitoringSql: Record<string, string>;

    constructor(name: string, args: FeedbackArgs, opts?: pulumi.ComponentResourceOptions) {
        const models = resolveFeedbackModels(args.models, args.environment);
        if (models.length === 0) throw new Error(`Feedback ${name}: no model has feedback.logging on: nothing to do`);
        const store = args.objectStore;
        for (const b of ["bronze", "gold"] as const) {
            if (!(args.lakehouse.zoneBuckets[b] in store.buckets)) throw new Error(`Feedback ${name}: the ${b} zone's bucket is not a bucket of the ${store.flavor} object store`);
        }
        if (store.flavor === "minio" && !store.s3Endpoint) throw new Error(`Feedback ${name}: a MinIO object store must expose s3Endpoint`);
        const conn = args.streaming.clientConnection;
        const scram = conn.securityProtocol === "SASL_SSL";
        if (!args.streaming.connectCluster) throw new Error(`Feedback ${name}: Streaming runs no Kafka Connect: pass feedbackConnectExtension(...) as its \`connect\``);
        requireKubernetesProvider(`Feedback "${name}"`, args, opts);
        super("mlplatform:feedback:Feedback", name, {}, opts);
        const env = args.environment;
        const parent = { parent: this };
        const labels = platformLabels(COMPONENT);
        this.models = models;
        this.ns = args.namespace ?? DEFAULT_NAMESPACE;
        const clusterDomain = args.clusterDomain ?? "cluster.local";
        const streamingNs = args.streamingNamespace ?? "ml-streaming";
        this.namespaces = [this.ns];
        this.retrainDags = args.orchestratorNamespace ? [...new Set(models.flatMap((m) => (m.retrainDag ? [m.retrainDag] : [])))] : [];
        const triggerUrl = `http://${TRIGGER_NAME}.${this.ns}.svc.${clusterDomain}:${TRIGGER_PORT}/`;
        const source = feedbackMonitoring(this.ns, models);
        this.monitoring = this.retrainDags.length
            ? { ...source, webhooks: [{ name: "feedback-retrain", url: triggerUrl, matchers: ['platform_component = "feedback"', 'retrain_dag =~ ".+"'] }] }
            : source;
        this.dataPath = Object.fromEntries(
            models.map((m) => [m.name, { loggerUrl: loggerUrl(m.name, this.ns, clusterDomain), topic: m.topic, table: `lakehouse.feedback_bronze.${m.table}`, retrainDag: m.retrainDag }]),
        );
        this.monitoringSql = Object.fromEntries(models.map((m) => [m.name, monitoringSql(m)]));
        this.models = models;

        const ns = createNamespace(`${name}-ns`, { namespace: this.ns, component: COMPONENT }, parent);
        this.namespace = ns.metadata.name;
        const client: ClientNamespace = { name: this.ns, created: ns.metadata.name };

        // --- receiver: KServe agents -> Kafka ------------------------------------------------------------------
        const kafka = args.streaming.grantClient(`${name}-logger-kafka`, { namespace: client, client: LOGGER_CLIENT }, this);
        connect(this, kafka);
        // Vector reads JSON by the file extension: no YAML library at runtime.
        const config = JSON.stringify(receiverConfig(models, { bootstrapServers: kafka.bootstrapServers, scram }), null, 2);
        const configMap = new k8s.core.v1.ConfigMap(`${name}-logger-config`, { metadata: { name: RECEIVER_NAME, namespace: ns.metadata.name, labels }, data: { "vector.json": config } }, parent);
        const deployment = kafka.secretName.apply((kafkaSecret) =>
            receiverDeployment({
                environment: env,
                namespace: this.ns,
                image: receiverImage(args.mirror),
                configMap: RECEIVER_NAME,
                configChecksum: createHash("sha256").update(config).digest("hex"),
                kafkaSecret,
                scram,
            }),
        );
        new k8s.apps.v1.Deployment(`${name}-logger`, { metadata: deployment.metadata, spec: deployment.spec }, { parent: this, dependsOn: [configMap, ns] });
        new k8s.core.v1.Service(
            `${name}-logger`,
            { metadata: { name: RECEIVER_NAME, namespace: ns.metadata.name, labels }, spec: { selector: { ...receiverPods }, ports: [{ name: "http", port: RECEIVER_PORT, targetPort: "http" }] } },
            parent,
        );
        if (env === "prod") {
            new k8s.policy.v1.PodDisruptionBudget(`${name}-logger-pdb`, { metadata: { name: RECEIVER_NAME, namespace: ns.metadata.name, labels }, spec: { minAvailable: 1, selector: { matchLabels: { ...receiverPods } } } }, parent);
        }
        for (const modelNs of new Set(models.map((m) => m.namespace))) {
            this.flows.push({ from: modelNs, to: this.ns, ports: [RECEIVER_PORT], toPods: { ...receiverPods }, why: `KServe's agent in ${modelNs} posts inference events to the feedback receiver` });
        }

        // --- Iceberg sink on the platform's Kafka Connect: topics -> bronze tables -------------------------------
        // Connect (Streaming's, built with feedbackConnectExtension's plugin) writes the bronze zone with its own identity.
        const connectNs: ClientNamespace = { name: streamingNs, created: args.streaming.namespace };
        const metastore = args.lakehouse.grantMetastoreClient({ namespace: connectNs });
        connect(this, metastore);

        // --- bronze and gold DDL (Trino CLI, idempotent) ------------------------------------------------------------
        const trino = args.lakehouse.grantClient({ namespace: client, user: "feedback" });
        connect(this, trino);
        const zones = pulumi.all([args.lakehouse.zoneUris.bronze, args.lakehouse.zoneUris.gold]);
        const ddl = zones.apply(([bronze, gold]) => bootstrapSql(models, { bronze, gold }));
        const ddlMap = new k8s.core.v1.ConfigMap(`${name}-ddl`, { metadata: { name: "feedback-ddl", namespace: ns.metadata.name, labels }, data: { "bootstrap.sql": ddl } }, parent);
        const ddlJob = new k8s.batch.v1.Job(
            `${name}-ddl`,
            {
                metadata: { namespace: ns.metadata.name, labels },
                spec: {
                    backoffLimit: 20,
                    template: {
                        metadata: { labels },
                        spec: {
                            restartPolicy: "OnFailure",
                            automountServiceAccountToken: false,
                            securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
                            containers: [
                                {
                                    name: "trino-cli",
                                    image: imageRef(images.trino, args.mirror),
                                    command: ["trino", "--server", trino.url, "--user", trino.user, "--file", "/sql/bootstrap.sql"],
                                    resources: { requests: { cpu: "50m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
                                    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                                    volumeMounts: [{ name: "sql", mountPath: "/sql", readOnly: true }],
                                },
                            ],
                            volumes: [{ name: "sql", configMap: { name: "feedback-ddl" } }],
                        },
                    },
                },
            },
            { parent: this, dependsOn: [ddlMap] },
        );

        const connectCluster = args.streaming.connectCluster!;
        const connectorSpec = pulumi
            .all([metastore.uri, args.lakehouse.zoneUris.bronze, store.s3Endpoint ?? pulumi.output(undefined)])
            .apply(([metastoreUri, bronzeUri, s3Endpoint]) =>
                kafkaConnectorSpec({ namespace: streamingNs, connectCluster, models, metastoreUri, bronzeUri, flavor: store.flavor, s3Endpoint, commitIntervalMs: env === "prod" ? 300_000 : 60_000 }),
            );
        const { apiVersion, kind, metadata } = kafkaConnectorSpec({ namespace: streamingNs, connectCluster, models, metastoreUri: "", bronzeUri: "", flavor: store.flavor, commitIntervalMs: 0 });
        new k8s.apiextensions.CustomResource(
            `${name}-connector`,
            { apiVersion, kind, metadata, spec: connectorSpec.apply((c) => c.spec) },
            { parent: this, dependsOn: [...(args.streaming.connectResource ? [args.streaming.connectResource] : []), ddlJob] },
        );

        // --- retraining trigger: Alertmanager webhook -> Airflow REST API -------------------------------------------
        if (this.retrainDags.length) {
            const scriptMap = new k8s.core.v1.ConfigMap(`${name}-trigger`, { metadata: { name: TRIGGER_NAME, namespace: ns.metadata.name, labels }, data: { "trigger.py": TRIGGER_SCRIPT } }, parent);
            const d = triggerDeployment({
                environment: env,
                namespace: this.ns,
                image: imageRef(images.airflow, args.mirror),
                configMap: TRIGGER_NAME,
                apiSecret: `airflow-api-${TRIGGER_USER}`,
                retrainDags: this.retrainDags,
                scriptChecksum: createHash("sha256").update(TRIGGER_SCRIPT).digest("hex"),
            });
            new k8s.apps.v1.Deployment(`${name}-trigger`, d, { parent: this, dependsOn: [scriptMap, ns] });
            new k8s.core.v1.Service(
                `${name}-trigger`,
                { metadata: { name: TRIGGER_NAME, namespace: ns.metadata.name, labels }, spec: { selector: { ...triggerPods }, ports: [{ name: "http", port: TRIGGER_PORT, targetPort: "http" }] } },
                parent,
            );
            this.flows.push({
                from: args.alertmanagerNamespace ?? "ml-monitoring",
                to: this.ns,
                ports: [TRIGGER_PORT],
                toPods: { ...triggerPods },
                why: "Alertmanager calls the feedback loop's retraining trigger",
            });
        }

        this.registerOutputs({ namespace: this.ns, dataPath: this.dataPath, retrainDags: this.retrainDags });
    }

    /** See {@link AirflowJobSource.dags}: the monitoring DAG, delivered to Airflow with the connection. */
    public readonly dags = [monitoringDag];

    /** See {@link AirflowJobSource.airflowVariable}: what the monitoring DAG ({@link monitoringDag}) reads. */
    public airflowVariable(airflow: { readonly trinoUrl?: string; readonly trinoUser?: string; readonly statsdHost: string; readonly statsdPort: number }): string {
        if (!airflow.trinoUrl || !airflow.trinoUser) throw new Error("Feedback: the monitoring DAG queries Trino: give the Orchestrator the lakehouse as its trino connection");
        return JSON.stringify({
            trino: { url: airflow.trinoUrl, user: airflow.trinoUser },
            statsd: { host: airflow.statsdHost, port: airflow.statsdPort },
            models: this.models.map((m) => ({ name: m.name, sql: monitoringSql(m), read_back_sql: readBackSql(m), thresholds: m.thresholds, retrain_dag: m.retrainDag ?? null })),
        });
    }
}
