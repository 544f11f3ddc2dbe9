/**
 * Pure specs of the model feedback loop: per-model topic, table and thresholds; the inference-log receiver's
 * config (Vector); the Kafka Connect cluster with Apache Iceberg's sink; the KServe logger block. No resources here.
 *
 * Data path per model `m` (namespace `ns`):
 *   KServe agent (logger, `mode: all`) --CloudEvents over HTTP--> receiver `/m` --Kafka--> topic `feedback.m`
 *   --Kafka Connect, Iceberg sink--> `lakehouse.feedback_bronze.m` (Iceberg, day(event_time))
 *   --Airflow DAG `feedback_monitoring` (Trino SQL, sql.ts)--> `lakehouse.feedback_gold.model_metrics` + gauges
 *   --PrometheusRule FeedbackDrift/FeedbackPrediction*--> Alertmanager webhook --> Airflow `POST /api/v2/dags/<retrainDag>/dagRuns`.
 */
import { createHash } from "crypto";
import { containerResources as res, platformLabels } from "../common/kubernetes";
import type { ObjectStore } from "../storage/types";
import type { ConnectExtension, ConnectImageOutput, KafkaClientSpec, KafkaTopicSpec } from "../streaming/types";
import { imageRef, images, Mirror } from "../versions";

export const COMPONENT = "feedback";
export type Environment = "dev" | "prod";

/** KServe v0.20.0 `LoggerSpec.mode` (pkg/apis/serving/v1beta1/inference_service.go). */
export type LoggerMode = "all" | "request" | "response";

/** Drift and prediction-behaviour thresholds of one model; an alert fires when a computed value crosses one. */
export interface FeedbackThresholds {
    /** Population stability index of the predicted class/bucket distribution against the training baseline. Default 0.2. */
    readonly predictionPsi: number;
    /** Largest absolute change of an input feature's mean, in baseline standard deviations. Default 3. */
    readonly featureMeanShift: number;
    /** Largest increase of an input feature's null rate over the baseline's (fraction). Default 0.1. */
    readonly nullRateIncrease: number;
    /** Fewest scored requests per monitoring window below which the numbers are not trusted and an info alert fires. Default 100. */
    readonly minRequests: number;
}

export const defaultThresholds: FeedbackThresholds = { predictionPsi: 0.2, featureMeanShift: 3, nullRateIncrease: 0.1, minRequests: 100 };

/** One model's feedback settings (config: `serving.models[].feedback`). */
export interface FeedbackModelSpec {
    readonly name: string;
    /** The model's namespace (KServe's agent sidecar there posts the events). */
    readonly namespace: string;
    /** Log requests and responses. */
    readonly logging: boolean;
    /**
     * Fraction of request/response pairs kept, in (0, 1]. KServe v0.20.0's logger has no sampling (LoggerSpec has
     * url, mode, metadataHeaders, metadataAnnotations, storage, marshallerUrl, batchSize, batchInterval), so the
     * receiver samples, keyed by the CloudEvent id: a request and its response are kept or dropped together.
     */
    readonly sampleRate?: number;
    /** `retention.ms` of the model's topic. Default 1 day in dev, 7 days in prod. */
    readonly retentionMs?: number;
    readonly thresholds?: Partial<FeedbackThresholds>;
    /** The team's training DAG the alert triggers (Airflow DAG id). Default: none (alert only). */
    readonly retrainDag?: string;
    /** Training baseline table (`catalog.schema.table`) with the same columns as the gold metrics (see sql.ts). Default `lakehouse.feedback_gold.baseline`. */
    readonly baselineTable?: string;
}

export interface FeedbackModel {
    readonly name: string;
    readonly namespace: string;
    readonly sampleRate: number;
    readonly retentionMs: number;
    readonly thresholds: FeedbackThresholds;
    readonly retrainDag?: string;
    readonly baselineTable: string;
    readonly topic: string;
    /** Iceberg table name inside {@link BRONZE_SCHEMA}: model name with `_` for `-`. */
    readonly table: string;
}

export const DEFAULT_NAMESPACE = "ml-feedback";
export const RECEIVER_NAME = "feedback-logger";
export const RECEIVER_PORT = 8080;
export const RECEIVER_METRICS_PORT = 9598;
/** The Kafka client the receiver produces as. */
export const LOGGER_CLIENT = "feedback-logger";
export const CONNECTOR_NAME = "feedback-iceberg";
/** The Iceberg sink's commit-coordination topic (one for every model table). */
export const CONTROL_TOPIC = "feedback.control-iceberg";
/** Iceberg schemas (Hive databases) in the `lakehouse` catalog. */
export const BRONZE_SCHEMA = "feedback_bronze";
export const GOLD_SCHEMA = "feedback_gold";
export const ICEBERG_CATALOG = "lakehouse";
export const receiverPods = { "app.kubernetes.io/name": RECEIVER_NAME } as const;
const DAY_MS = 24 * 3600 * 1000;
const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DAG_ID = /^[a-zA-Z0-9_.-]{1,250}$/;

export const topicName = (model: string) => `feedback.${model}`;
export const tableName = (model: string) => model.replace(/-/g, "_");

/** Where a model's agent posts its CloudEvents (the model's name is the path: the receiver routes by it). */
export function loggerUrl(model: string, namespace = DEFAULT_NAMESPACE, clusterDomain = "cluster.local"): string {
    return `http://${RECEIVER_NAME}.${namespace}.svc.${clusterDomain}:${RECEIVER_PORT}/${model}`;
}

/** The `spec.predictor.logger` block of an InferenceService (KServe v0.20.0 LoggerSpec: `url`, `mode`). */
export function loggerSpec(url: string, mode: LoggerMode = "all") {
    return { url, mode };
}

/** Fills defaults and checks every model, reporting all problems at once. Models with `logging: false` are left out. */
export function resolveFeedbackModels(models: readonly FeedbackModelSpec[], environment: Environment): FeedbackModel[] {
    const problems: string[] = [];
    const out: FeedbackModel[] = [];
    for (const m of models) {
        if (!m.logging) continue;
        const at = `models.${m.name}.feedback`;
        if (!DNS_LABEL.test(m.name)) problems.push(`${at}: model name "${m.name}" is not a DNS label`);
        const sampleRate = m.sampleRate ?? 1;
        if (!(sampleRate > 0 && sampleRate <= 1)) problems.push(`${at}.sampleRate: got ${sampleRate}; expected a fraction in (0, 1]`);
        const retentionMs = m.retentionMs ?? (environment === "prod" ? 7 * DAY_MS : DAY_MS);
        if (!Number.isInteger(retentionMs) || (retentionMs < 1 && retentionMs !== -1)) problems.push(`${at}.retentionMs: got ${retentionMs}; expected milliseconds >= 1, or -1`);
        const thresholds = { ...defaultThresholds, ...(m.thresholds ?? {}) };
        for (const [k, v] of Object.entries(thresholds)) if (!(Number.isFinite(v) && v >= 0)) problems.push(`${at}.thresholds.${k}: got ${v}; expected a number >= 0`);
        if (m.retrainDag !== undefined && !DAG_ID.test(m.retrainDag)) problems.push(`${at}.retrainDag: got "${m.retrainDag}"; expected an Airflow DAG id (letters, digits, _ . -)`);
        const baselineTable = m.baselineTable ?? `${ICEBERG_CATALOG}.${GOLD_SCHEMA}.baseline`;
        if (!/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/.test(baselineTable)) problems.push(`${at}.baselineTable: got "${baselineTable}"; expected catalog.schema.table`);
        out.push({ name: m.name, namespace: m.namespace, sampleRate, retentionMs, thresholds, retrainDag: m.retrainDag, baselineTable, topic: topicName(m.name), table: tableName(m.name) });
    }
    if (problems.length) throw new Error(`Feedback: invalid models:\n  - ${problems.join("\n  - ")}`);
    return out;
}

/** The topics Streaming declares for the loop: one per logged model (retention from config) and the Iceberg control topic. */
export function feedbackTopics(models: readonly FeedbackModel[]): KafkaTopicSpec[] {
    if (models.length === 0) return [];
    return [
        ...models.map((m) => ({ name: m.topic, retentionMs: m.retentionMs })),
        // Commit coordination only: a day is plenty (a commit round lasts the commit interval).
        { name: CONTROL_TOPIC, partitions: 1, retentionMs: DAY_MS },
    ];
}

/**
 * The Kafka client Streaming declares for the loop (a KafkaUser with ACLs under scram-tls): the receiver writes the
 * model topics. Kafka Connect's grants come with {@link feedbackConnectExtension}.
 */
export function feedbackClients(models: readonly FeedbackModel[]): KafkaClientSpec[] {
    if (models.length === 0) return [];
    return [{ name: LOGGER_CLIENT, produces: models.map((m) => m.topic) }];
}

// --- receiver ------------------------------------------------------------------------------------------------------

export interface ReceiverKafka {
    readonly bootstrapServers: string;
    readonly scram: boolean;
}

/** Env vars the receiver's container gets from its Kafka connection Secret. */
export const RECEIVER_ENV = { password: "KAFKA_PASSWORD", username: "KAFKA_USERNAME" } as const;
const CA_PATH = "/etc/kafka/ca.crt";
const DATA_DIR = "/var/lib/vector";

/**
 * Vector's config (YAML-able object) for the receiver: one `http_server` source taking KServe's CloudEvents
 * (binary mode: the payload is the body, `ce-*` headers carry id, type, model, namespace, time), a remap that
 * keeps the payload as a string and names the model's topic from the path, per-model sampling keyed by `ce-id`,
 * and a Kafka sink with end-to-end acknowledgements: the source answers 200 only after the brokers have the record
 * (acks=all, idempotent producer), so a 200 means it is in Kafka.
 */
export function receiverConfig(models: readonly FeedbackModel[], kafka: ReceiverKafka): Record<string, unknown> {
    const routes: Record<string, string> = Object.fromEntries(models.map((m) => [m.table, `.model == ${JSON.stringify(m.name)}`]));
    const transforms: Record<string, unknown> = {
        envelope: {
            type: "remap",
            inputs: ["kserve"],
            // Unknown paths are dropped (and counted by Vector's component_discarded_events_total).
            drop_on_abort: true,
            // Header fields carry hyphens: VRL paths quote them (`."ce-id"`); the http crate lowercases header names.
            source: [
                'model = replace(string!(.path), "/", "")',
                `if !includes(${JSON.stringify(models.map((m) => m.name))}, model) { abort }`,
                ". = {",
                '  "event_id": string(.\"ce-id\") ?? "",',
                '  "event_type": string(.\"ce-type\") ?? "",',
                '  "model": model,',
                '  "namespace": string(.\"ce-namespace\") ?? "",',
                '  "component": string(.\"ce-component\") ?? "",',
                '  "endpoint": string(.\"ce-endpoint\") ?? "",',
                // ce-time is the request's arrival; fall back to receipt.
                '  "event_time": format_timestamp!(parse_timestamp(string(.\"ce-time\") ?? "", "%+") ?? now(), "%+"),',
                '  "payload": string(.message) ?? ""',
                "}",
            ].join("\n"),
        },
        by_model: { type: "route", inputs: ["envelope"], route: routes },
    };
    const sinkInputs: string[] = [];
    for (const m of models) {
        if (m.sampleRate < 1) {
            transforms[`sample_${m.table}`] = { type: "sample", inputs: [`by_model.${m.table}`], ratio: m.sampleRate, key_field: "event_id", sample_rate_key: "" };
            sinkInputs.push(`sample_${m.table}`);
        } else {
            sinkInputs.push(`by_model.${m.table}`);
        }
    }
    return {
        data_dir: DATA_DIR,
        api: { enabled: false },
        acknowledgements: { enabled: true },
        sources: {
            kserve: {
                type: "http_server",
                address: `0.0.0.0:${RECEIVER_PORT}`,
                path: "/",
                strict_path: false,
                path_key: "path",
                method: "POST",
                headers: ["ce-*"],
                // The body is kept verbatim (v1 and v2 JSON alike); the monitoring SQL parses it.
                decoding: { codec: "bytes" },
                framing: { method: "bytes" },
            },
            internal: { type: "internal_metrics" },
        },
        transforms,
        sinks: {
            kafka: {
                type: "kafka",
                inputs: sinkInputs,
                bootstrap_servers: kafka.bootstrapServers,
                topic: "feedback.{{ model }}",
                key_field: "event_id",
                encoding: { codec: "json" },
                compression: "zstd",
                acknowledgements: { enabled: true },
                librdkafka_options: { acks: "all", "enable.idempotence": "true" },
                ...(kafka.scram
                    ? {
                          sasl: { enabled: true, mechanism: "SCRAM-SHA-512", username: `\${${RECEIVER_ENV.username}}`, password: `\${${RECEIVER_ENV.password}}` },
                          tls: { enabled: true, ca_file: CA_PATH },
                      }
                    : {}),
            },
            metrics: { type: "prometheus_exporter", inputs: ["internal"], address: `0.0.0.0:${RECEIVER_METRICS_PORT}` },
        },
    };
}

export const receiverSizing: Record<Environment, { replicas: number; resources: ReturnType<typeof res> }> = {
    dev: { replicas: 1, resources: res("25m", "64Mi", "250m", "128Mi") },
    prod: { replicas: 2, resources: res("100m", "128Mi", "1", "512Mi") },
};

export function receiverDeployment(args: {
    readonly environment: Environment;
    readonly namespace: string;
    readonly image: string;
    readonly configMap: string;
    readonly configChecksum: string;
    readonly kafkaSecret: string;
    readonly scram: boolean;
}) {
    const size = receiverSizing[args.environment];
    const labels = { ...platformLabels(COMPONENT), ...receiverPods };
    return {
        metadata: { name: RECEIVER_NAME, namespace: args.namespace, labels },
        spec: {
            replicas: size.replicas,
            selector: { matchLabels: { ...receiverPods } },
            template: {
                metadata: { labels, annotations: { "ml-platform/config-sha256": args.configChecksum } },
                spec: {
                    automountServiceAccountToken: false,
                    securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
                    ...(args.environment === "prod"
                        ? { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...receiverPods } } }] }
                        : {}),
                    containers: [
                        {
                            name: "vector",
                            image: args.image,
                            args: ["--config", "/etc/vector/vector.json"],
                            ports: [
                                { name: "http", containerPort: RECEIVER_PORT },
                                { name: "metrics", containerPort: RECEIVER_METRICS_PORT },
                            ],
                            env: args.scram
                                ? [
                                      { name: RECEIVER_ENV.username, valueFrom: { secretKeyRef: { name: args.kafkaSecret, key: "username" } } },
                                      { name: RECEIVER_ENV.password, valueFrom: { secretKeyRef: { name: args.kafkaSecret, key: "password" } } },
                                  ]
                                : [],
                            resources: size.resources,
                            readinessProbe: { tcpSocket: { port: "http" }, periodSeconds: 10 },
                            livenessProbe: { tcpSocket: { port: "http" }, initialDelaySeconds: 10, periodSeconds: 20 },
                            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                            volumeMounts: [
                                { name: "config", mountPath: "/etc/vector", readOnly: true },
                                { name: "data", mountPath: DATA_DIR },
                                ...(args.scram ? [{ name: "kafka", mountPath: "/etc/kafka", readOnly: true }] : []),
                            ],
                        },
                    ],
                    volumes: [
                        { name: "config", configMap: { name: args.configMap } },
                        { name: "data", emptyDir: {} },
                        ...(args.scram ? [{ name: "kafka", secret: { secretName: args.kafkaSecret, items: [{ key: "ca.crt", path: "ca.crt" }] } }] : []),
                    ],
                },
            },
        },
    };
}

// --- Kafka Connect with the Iceberg sink -----------------------------------------------------------------------------

/**
 * Apache Iceberg 1.11.0 (2026-05) from Maven Central. Iceberg publishes no runtime archive there (its
 * kafka-connect-runtime ZIP is built, not published), so Strimzi's build resolves these Maven artifacts and their
 * runtime dependencies: the sink, Parquet writing, the Hive Metastore catalog, Hadoop 3.4.1's shaded client (as in
 * the metastore image), and the FileIO of the object store; Hive 3.1.3's Thrift client comes as bare jars
 * ({@link hiveClientJars}; the Lakehouse runs Hive Metastore 4.1.0, whose client Iceberg 1.11.0 cannot use).
 */
export const icebergVersion = "1.11.0";
type Maven = { readonly type: "maven"; readonly group: string; readonly artifact: string; readonly version: string; readonly includeScope: "runtime" };
/** Strimzi's `type: jar` artifact: the file alone (no dependencies), verified against `sha512sum` at build. */
type Jar = { readonly type: "jar"; readonly url: string; readonly sha512sum: string };
export type PluginArtifact = Maven | Jar;
// `runtime`: compile and runtime dependencies only (Strimzi 1.2.0's CRD: without a scope, every dependency is included).
const maven = (group: string, artifact: string, version: string): Maven => ({ type: "maven", group, artifact, version, includeScope: "runtime" });
/** A jar on Maven Central; the SHA-512 was computed from the downloaded file, whose SHA-1 matches Central's `.sha1`. */
const centralJar = (group: string, artifact: string, version: string, sha512sum: string): Jar => ({
    type: "jar",
    url: `https://repo1.maven.org/maven2/${group.replace(/\./g, "/")}/${artifact}/${version}/${artifact}-${version}.jar`,
    sha512sum,
});

/**
 * Hive 3.1.3's metastore client, as bare jars. Iceberg 1.11.0's HiveCatalog reads HiveConf.ConfVars.METASTOREURIS,
 * which Hive 4 renamed, so Hive 4.1's jars cannot serve (hive-standalone-metastore-common 4.1.0 alone:
 * NoClassDefFoundError org/apache/hadoop/hive/conf/HiveConf$ConfVars; with hive-common 4.1.0: NoSuchFieldError
 * METASTOREURIS); Hive 2.3.10's (the one Iceberg's own runtime bundles, with Gradle exclusions) does not resolve as a
 * Strimzi Maven artifact on a Java 9+ builder (jdk.tools:jdk.tools:1.7). As Maven artifacts, Hive 3.1.3's bring
 * Avro 1.8.2/1.7.7 beside Iceberg's 1.12.1 (Strimzi cannot exclude a dependency) and the task dies at its first write
 * (NoSuchMethodError LogicalTypes.timestampNanos()); as `type: jar` artifacts they bring nothing. The list is what
 * the client needs at run time, found by scripts/iceberg-sink-check.sh, at the versions Hive 3.1.3's POM names:
 * HiveMetaStoreClient (hive-standalone-metastore), HiveConf (hive-common), Thrift and fb303 (libthrift, libfb303
 * 0.9.3), ValidWriteIdList (hive-storage-api 2.7.0), and what HiveConf loads: Guava 19.0 (SystemVariables'
 * ImmutableMap) and commons-lang 2.6 (StringUtils).
 */
export const hiveClientJars: readonly Jar[] = [
    centralJar("org.apache.hive", "hive-standalone-metastore", "3.1.3", "24282f8b26d720aec97cff4bb0f20ac4654a5577a9e708b51242a190df181500de398801928aaac4ee8f30ed63787660b7bd8b9f797078a797238c2130de6162"),
    centralJar("org.apache.hive", "hive-common", "3.1.3", "acad7ebe916349162d7ae9976b85da6294712982f96a9976412572a8bb38682a9392abe86515d9e25b6ac33cf6816a374a55f89043bb7fce25975cc4f98c2cfd"),
    centralJar("org.apache.thrift", "libthrift", "0.9.3", "75658fa43a04a1cb8184af3fe832fc910186779b2cdfa243d98268a7fd8ea344dbe01139a415298a9abfa36b72740f4c4aa5726d0883434a6713bfbaafa4e62c"),
    centralJar("org.apache.thrift", "libfb303", "0.9.3", "e30ddf2b4651d08bfcf980f98263fa95cc0a37fb722a2972811c9f9437dbfba4ab20d81e142a991501a3c5409e2651c43b936321f85f1e5e9ab5ad55ca3d6a82"),
    centralJar("org.apache.hive", "hive-storage-api", "2.7.0", "16bbd536196f501032051f973af66b1cf421d807e9c8bddb55d0d6046f0a615e3181fd322086e74596b93ed2787f16c44602bec52cbc077180edab14d10bbc2e"),
    centralJar("com.google.guava", "guava", "19.0", "834f2bf4a5b35edffde0263409649aeaf34ca9a742ba511a06bb9b01626f9e774d2d3c8ba91a7905929dc8cd5e6471de29f7d0ab10260ece2af709b7fdbe4bc3"),
    centralJar("commons-lang", "commons-lang", "2.6", "4a5a3dbe4941c645e2cca068cca5c1882cfe988b02e7cd981d1e51784900767d1deab0e0e0566f559c9fcabb4a180e436d5bb948902d4f4106f37360466afb42"),
];

export function icebergArtifacts(flavor: "minio" | "gcs" | "adls"): PluginArtifact[] {
    const ice = (a: string) => maven("org.apache.iceberg", a, icebergVersion);
    const common: PluginArtifact[] = [
        ice("iceberg-kafka-connect"),
        ice("iceberg-parquet"),
        // The sink's writer factory links the ORC writer whatever the format (NoClassDefFoundError
        // org/apache/iceberg/orc/OrcRowWriter without it; scripts/iceberg-sink-check.sh).
        ice("iceberg-orc"),
        ice("iceberg-hive-metastore"),
        ...hiveClientJars,
        maven("org.apache.hadoop", "hadoop-client-api", "3.4.1"),
        maven("org.apache.hadoop", "hadoop-client-runtime", "3.4.1"),
    ];
    // SDK versions: AWS 2.44.4 and Azure (azure-sdk-bom 1.3.6) as Iceberg 1.11.0's gradle/libs.versions.toml pins them;
    // google-cloud-storage 2.78.0, the newest on Central (each checked to resolve on repo1.maven.org).
    switch (flavor) {
        case "minio":
            // kms: iceberg-aws's AwsProperties names KMS types in its static initializer, so S3FileIO cannot even
            // initialize without it (NoClassDefFoundError software/amazon/awssdk/services/kms/model/EncryptionAlgorithmSpec).
            return [...common, ice("iceberg-aws"), ...["s3", "sts", "kms"].map((a) => maven("software.amazon.awssdk", a, "2.44.4"))];
        case "gcs":
            return [...common, ice("iceberg-gcp"), maven("com.google.cloud", "google-cloud-storage", "2.78.0")];
        case "adls":
            return [...common, ice("iceberg-azure"), maven("com.azure", "azure-storage-file-datalake", "12.26.3"), maven("com.azure", "azure-identity", "1.18.2")];
    }
}

/** First 8 hex digits of the SHA-256 of the artifacts (coordinates and scope, or URL and SHA-512), in order. */
export function pluginRevision(artifacts: readonly PluginArtifact[]): string {
    const list = artifacts.map((a) => (a.type === "maven" ? `${a.group}:${a.artifact}:${a.version}:${a.includeScope}` : `${a.url}#${a.sha512sum}`)).join("\n");
    return createHash("sha256").update(list).digest("hex").slice(0, 8);
}

/**
 * The Connect worker's `offset.flush.interval.ms` (Kafka's default 60 s; Kafka's sample
 * config/connect-distributed.properties sets 10 s). It paces the Iceberg sink's answers to its coordinator: a sink
 * task reads the control topic only inside put() (IcebergSinkTask.put -> CommitterImpl.save -> Worker.process, a
 * `poll(Duration.ZERO)`; its preCommit() returns nothing and never flushes), and Kafka 4.3.1's WorkerSinkTask, with
 * no new records, calls put() once per offset-commit interval (`poll(nextCommit - now)`). The START_COMMIT is
 * fetched by one put() and handled by the next, so an idle task answers up to two intervals late: with 60 s past
 * the coordinator's 30 s `iceberg.control.commit.timeout-ms`, every commit timed out ("Commit timeout reached",
 * "committed to 0 table(s)") and the files landed one to two intervals late as a partial commit (found by
 * scripts/iceberg-sink-check.sh). 10 s answers within about 20 s. Debezium's source offsets are flushed as often.
 */
export const OFFSET_FLUSH_INTERVAL_MS = 10_000;

/**
 * What the loop adds to the platform's Kafka Connect cluster (Streaming's, the one CDC runs on; one JVM for both in
 * dev, inside its budget): the Iceberg plugin, the Connect user's grants for the model topics, the control topic and
 * the sink's transactions, and write access to the bronze zone.
 */
export function feedbackConnectExtension(
    models: readonly FeedbackModel[],
    store: ObjectStore,
    bronzeBucket: string,
    image?: ConnectImageOutput,
): ConnectExtension {
    const artifacts = icebergArtifacts(store.flavor);
    return {
        plugins: [{ name: "iceberg", artifacts }],
        // The artifact list's digest too: the tag changes whenever the plugin's artifacts do, not only the version.
        tagSuffix: `iceberg-${icebergVersion}-${store.flavor}-${pluginRevision(artifacts)}`,
        acls: {
            consumes: [...models.map((m) => m.topic), CONTROL_TOPIC],
            produces: [CONTROL_TOPIC],
            // The sink's consumer group (`connect-<connector>`) and its control groups (`cg-control-*`).
            groups: [`connect-${CONNECTOR_NAME}`, "cg-control-*"],
            transactionalIds: ["feedback-*"],
        },
        storage: { store, buckets: [bronzeBucket] },
        image,
        workerConfig: { "offset.flush.interval.ms": OFFSET_FLUSH_INTERVAL_MS },
    };
}

export interface ConnectorArgs {
    readonly namespace: string;
    /** The KafkaConnect cluster (Streaming's `connectCluster`). */
    readonly connectCluster: string;
    readonly models: readonly FeedbackModel[];
    readonly metastoreUri: string;
    /** Root URI of the bronze zone (`s3://bronze/`, `gs://…/`, `abfss://…/`), with a trailing slash. */
    readonly bronzeUri: string;
    readonly flavor: "minio" | "gcs" | "adls";
    readonly s3Endpoint?: string;
    /** Commit interval: how stale the bronze table may be. Default 60 s in dev, 300 s in prod. */
    readonly commitIntervalMs: number;
}

/**
 * The Iceberg sink (`org.apache.iceberg.connect.IcebergSinkConnector`, config keys from Iceberg 1.11.0's
 * docs/docs/kafka-connect.md): every model topic to its table, routed by the `model` field. Tables are created by
 * the bronze DDL Job (partitioned by `day(event_time)`), not auto-created, so their schema and partitioning are
 * the repository's.
 */
export function kafkaConnectorSpec(a: ConnectorArgs): Record<string, any> {
    const fileIo =
        a.flavor === "minio"
            ? { "iceberg.catalog.io-impl": "org.apache.iceberg.aws.s3.S3FileIO", "iceberg.catalog.s3.endpoint": a.s3Endpoint ?? "", "iceberg.catalog.s3.path-style-access": "true", "iceberg.catalog.client.region": "us-east-1" }
            : a.flavor === "gcs"
              ? { "iceberg.catalog.io-impl": "org.apache.iceberg.gcp.gcs.GCSFileIO" }
              : { "iceberg.catalog.io-impl": "org.apache.iceberg.azure.adlsv2.ADLSFileIO" };
    return {
        apiVersion: "kafka.strimzi.io/v1",
        kind: "KafkaConnector",
        metadata: { name: CONNECTOR_NAME, namespace: a.namespace, labels: { ...platformLabels(COMPONENT), "strimzi.io/cluster": a.connectCluster } },
        spec: {
            class: "org.apache.iceberg.connect.IcebergSinkConnector",
            tasksMax: Math.max(1, Math.min(4, a.models.length)),
            autoRestart: { enabled: true },
            config: {
                topics: a.models.map((m) => m.topic).join(","),
                // The receiver keys records with the bare event id (Vector's `key_field`: the string's bytes, not
                // JSON); the worker's JsonConverter fails on it ("Unexpected character ('-' (code 45)): Expected space
                // separating root-level values", found by scripts/iceberg-sink-check.sh). The sink ignores keys.
                "key.converter": "org.apache.kafka.connect.storage.StringConverter",
                "iceberg.tables": a.models.map((m) => `${BRONZE_SCHEMA}.${m.table}`).join(","),
                "iceberg.tables.route-field": "model",
                ...Object.fromEntries(a.models.map((m) => [`iceberg.table.${BRONZE_SCHEMA}.${m.table}.route-regex`, `^${m.name}$`])),
                "iceberg.tables.auto-create-enabled": false,
                "iceberg.tables.evolve-schema-enabled": false,
                "iceberg.control.topic": CONTROL_TOPIC,
                "iceberg.control.commit.interval-ms": a.commitIntervalMs,
                "iceberg.coordinator.transactional.prefix": "feedback-",
                "iceberg.catalog": ICEBERG_CATALOG,
                "iceberg.catalog.type": "hive",
                "iceberg.catalog.uri": a.metastoreUri,
                "iceberg.catalog.warehouse": a.bronzeUri,
                ...fileIo,
            },
        },
    };
}

export function receiverImage(mirror?: Mirror): string {
    return imageRef(images.vector, mirror);
}
