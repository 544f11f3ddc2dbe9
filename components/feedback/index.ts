import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { createNamespace, KubernetesTargetArgs, platformLabels, requireKubernetesProvider } from "../common/kubernetes";
import type { MetastoreServer, TrinoServer } from "../lakehouse";
import type { MonitoringSource } from "../monitoring/source";
import { ANYWHERE, ClientNamespace, connect, ConnectionRecord, Flow, NetworkMember } from "../network/spec";
import type { ObjectStore } from "../storage/types";
import type { ConnectImageOutput, KafkaClientConnection, KafkaServer } from "../streaming/types";
import { imageRef, images, Mirror } from "../versions";
import { feedbackMonitoring } from "./monitoring";
import { bootstrapSql, monitoringSql } from "./sql";
import {
    COMPONENT,
    CONNECT_CLIENT,
    CONNECT_NAME,
    connectImageTag,
    DEFAULT_NAMESPACE,
    Environment,
    FeedbackModel,
    FeedbackModelSpec,
    kafkaConnectorSpec,
    kafkaConnectSpec,
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

/** What Feedback needs of Streaming: its client grants, and where Strimzi runs Connect clusters. */
export interface FeedbackKafka extends KafkaServer {
    readonly namespace: pulumi.Output<string>;
    readonly clientConnection: KafkaClientConnection;
    /** Strimzi's operator release: Connect resources wait for it. */
    readonly strimzi: pulumi.Resource;
}

export interface FeedbackArgs extends KubernetesTargetArgs {
    readonly environment: Environment;
    /** Models with their feedback settings; those with `logging: false` are left out. */
    readonly models: readonly FeedbackModelSpec[];
    /** Kafka: the model topics and the clients `feedback-logger` and `feedback-connect` must be declared there (`feedbackTopics`, `feedbackClients`). */
    readonly streaming: FeedbackKafka;
    /** The streaming namespace's name (Strimzi watches it; the Connect cluster runs there). Default `ml-streaming`. */
    readonly streamingNamespace?: string;
    readonly kafkaVersion: string;
    /** Trino (bootstrap DDL) and the Hive Metastore (Iceberg sink's catalog) with the zones. */
    readonly lakehouse: TrinoServer & MetastoreServer;
    readonly objectStore: ObjectStore;
    /** Where Strimzi pushes the Iceberg Connect image (as for CDC). */
    readonly connectImage: ConnectImageOutput;
    /** Namespace of Airflow (the monitoring DAG, and the retraining trigger's target). */
    readonly orchestratorNamespace?: string;
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
export class Feedback extends pulumi.ComponentResource implements NetworkMember {
    public readonly namespace: string;
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
        if (scram && !conn.users[CONNECT_CLIENT]) throw new Error(`Feedback ${name}: Kafka client "${CONNECT_CLIENT}" is not declared on Streaming (pass feedbackClients(...) as its extraClients)`);
        requireKubernetesProvider(`Feedback "${name}"`, args, opts);
        super("mlplatform:feedback:Feedback", name, {}, opts);
        const env = args.environment;
        const parent = { parent: this };
        const labels = platformLabels(COMPONENT);
        this.models = models;
        this.namespace = args.namespace ?? DEFAULT_NAMESPACE;
        const clusterDomain = args.clusterDomain ?? "cluster.local";
        const streamingNs = args.streamingNamespace ?? "ml-streaming";
        this.namespaces = [this.namespace];
        this.monitoring = feedbackMonitoring(this.namespace, models);
        this.dataPath = Object.fromEntries(
            models.map((m) => [m.name, { loggerUrl: loggerUrl(m.name, this.namespace, clusterDomain), topic: m.topic, table: `lakehouse.feedback_bronze.${m.table}`, retrainDag: m.retrainDag }]),
        );
        this.monitoringSql = Object.fromEntries(models.map((m) => [m.name, monitoringSql(m)]));

        const ns = createNamespace(`${name}-ns`, { namespace: this.namespace, component: COMPONENT }, parent);
        const client: ClientNamespace = { name: this.namespace, created: ns.metadata.name };

        // --- receiver: KServe agents -> Kafka ------------------------------------------------------------------
        const kafka = args.streaming.grantClient(`${name}-logger-kafka`, { namespace: client, client: LOGGER_CLIENT }, this);
        connect(this, kafka);
        // Vector reads JSON by the file extension: no YAML library at runtime.
        const config = JSON.stringify(receiverConfig(models, { bootstrapServers: kafka.bootstrapServers, scram }), null, 2);
        const configMap = new k8s.core.v1.ConfigMap(`${name}-logger-config`, { metadata: { name: RECEIVER_NAME, namespace: ns.metadata.name, labels }, data: { "vector.json": config } }, parent);
        const deployment = kafka.secretName.apply((kafkaSecret) =>
            receiverDeployment({
                environment: env,
                namespace: this.namespace,
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
            this.flows.push({ from: modelNs, to: this.namespace, ports: [RECEIVER_PORT], toPods: { ...receiverPods }, why: `KServe's agent in ${modelNs} posts inference events to the feedback receiver` });
        }

        // --- Kafka Connect + Iceberg sink: topics -> bronze tables -------------------------------------------------
        const connectNs: ClientNamespace = { name: streamingNs, created: args.streaming.namespace };
        const storage = store.grantAccess(`${name}-connect-store`, { namespace: connectNs, serviceAccountName: `${CONNECT_NAME}-connect`, buckets: [args.lakehouse.zoneBuckets.bronze], access: "readwrite" }, this);
        const metastore = args.lakehouse.grantMetastoreClient({ namespace: connectNs });
        connect(this, storage, metastore);
        this.flows.push({ from: streamingNs, to: ANYWHERE, ports: [443], why: "Strimzi's build fetches the Iceberg sink's Maven artifacts and pushes the Connect image" });
        const repository = args.connectImage.type === "registry" ? args.connectImage.repository : `connect-registry.${streamingNs}.svc.cluster.local:5000/ml-platform/kafka-connect-iceberg`;
        const connectSpec = pulumi
            .all([storage.serviceAccountAnnotations, storage.credentialsSecret ?? pulumi.output(undefined)])
            .apply(([annotations, s3Secret]) =>
                kafkaConnectSpec({
                    environment: env,
                    namespace: streamingNs,
                    bootstrapServers: conn.bootstrapServers,
                    kafkaVersion: args.kafkaVersion,
                    scram: scram ? { caSecret: conn.caSecretName!, passwordSecret: `${CONNECT_CLIENT}-scram-password` } : undefined,
                    image: args.connectImage,
                    imageRepository: repository,
                    flavor: store.flavor,
                    s3CredentialsSecret: s3Secret,
                    serviceAccountAnnotations: annotations,
                    podLabels: storage.podLabels,
                }),
            );
        const connectCr = new k8s.apiextensions.CustomResource(
            `${name}-connect`,
            { apiVersion: "kafka.strimzi.io/v1", kind: "KafkaConnect", metadata: connectSpec.apply((c) => c.metadata), spec: connectSpec.apply((c) => c.spec) },
            { parent: this, dependsOn: [args.streaming.strimzi] },
        );

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

        const connectorSpec = pulumi
            .all([metastore.uri, args.lakehouse.zoneUris.bronze, store.s3Endpoint ?? pulumi.output(undefined)])
            .apply(([metastoreUri, bronzeUri, s3Endpoint]) =>
                kafkaConnectorSpec({ namespace: streamingNs, models, metastoreUri, bronzeUri, flavor: store.flavor, s3Endpoint, commitIntervalMs: env === "prod" ? 300_000 : 60_000 }),
            );
        new k8s.apiextensions.CustomResource(
            `${name}-connector`,
            { apiVersion: "kafka.strimzi.io/v1", kind: "KafkaConnector", metadata: connectorSpec.apply((c) => c.metadata), spec: connectorSpec.apply((c) => c.spec) },
            { parent: this, dependsOn: [connectCr, ddlJob] },
        );

        this.registerOutputs({ namespace: this.namespace, dataPath: this.dataPath, connectImage: `${repository}:${connectImageTag(store.flavor)}` });
    }
}
