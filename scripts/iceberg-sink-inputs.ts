/**
 * Writes the inputs of scripts/iceberg-sink-check.sh into the directory given, all from the program's own functions
 * (nothing copied by hand), with only endpoints, credentials and TLS substituted for local ones:
 *
 *   plugin-artifacts.txt  the Iceberg plugin's artifacts as the KafkaConnect's `spec.build.plugins` names them
 *                         (kafkaConnectSpec + feedbackConnectExtension), one a line: `maven group:artifact:version scope`
 *                         or `jar url sha512sum`
 *   worker.json           Connect worker settings of kafkaConnectSpec's `spec.config` (converters, replication)
 *   broker.json           broker settings of kafkaConfig (dev)
 *   topics.txt            feedbackTopics: `name partitions retentionMs` a line (`-` for the broker's default)
 *   connector.json        kafkaConnectorSpec's `spec`, as Strimzi hands it to Connect's REST API
 *   bootstrap.sql         bootstrapSql (the DDL Job's file)
 *   monitoring.sql        monitoringSql with the window bound as the DAG's _bind does; read-back.sql likewise
 *   trino-lakehouse.properties  the `lakehouse` catalog file the Trino chart gets (icebergCatalog)
 *   metastore.properties  the metastore's hive-site properties (metastoreProperties)
 *   records.txt           N records as the receiver's VRL `envelope` remap + `encoding: json` produce them,
 *                         `key<TAB>value` a line (the Kafka sink's key_field is event_id)
 *   expect.json           what the check expects (count, days, time range, window)
 *
 * Usage: tsx scripts/iceberg-sink-inputs.ts <dir>   (environment: S3_ENDPOINT, METASTORE_URI, RECORDS, MODEL)
 */
import * as fs from "fs";
import * as path from "path";
import { feedbackConnectExtension, feedbackTopics, kafkaConnectorSpec, resolveFeedbackModels } from "../components/feedback/spec";
import { bootstrapSql, monitoringSql, readBackSql, REQUEST_TYPE, RESPONSE_TYPE } from "../components/feedback/sql";
import { icebergCatalog, renderProperties } from "../components/lakehouse/catalogs";
import { metastoreProperties } from "../components/lakehouse/metastore-config";
import { planStreaming } from "../components/streaming/config";
import { kafkaConnectSpec } from "../components/streaming/connect";
import { kafkaConfig } from "../components/streaming/kafka";

const dir = process.argv[2];
if (!dir) {
    console.error("usage: tsx scripts/iceberg-sink-inputs.ts <dir>");
    process.exit(2);
}
const s3Endpoint = process.env.S3_ENDPOINT ?? "http://127.0.0.1:9000";
const metastoreUri = process.env.METASTORE_URI ?? "thrift://127.0.0.1:9083";
const n = Number(process.env.RECORDS ?? 1000);
const modelName = process.env.MODEL ?? "sklearn-iris";
// Substitution: the dev buckets are named by the ObjectStore; locally they are `bronze` and `gold`.
const zones = { bronze: "s3://bronze/", gold: "s3://gold/" };

fs.mkdirSync(dir, { recursive: true });
const write = (name: string, body: string) => fs.writeFileSync(path.join(dir, name), body);

const models = resolveFeedbackModels([{ name: modelName, namespace: "ml-models", logging: true }], "dev");
const model = models[0];

// --- the Connect image's plugin and the worker, as Strimzi gets them -------------------------------------------------
// The ObjectStore is only carried through to Streaming's grants; kafkaConnectSpec reads its flavor-free parts.
const store = { flavor: "minio", buckets: {}, uri: () => undefined, grantAccess: () => undefined } as any;
const ext = feedbackConnectExtension(models, store, "bronze", { type: "in-cluster-registry" });
const plan = planStreaming("ml", { environment: "dev", topics: feedbackTopics(models), connect: ext });
const connect = kafkaConnectSpec(plan, plan.connectImage!);
const plugins = connect.spec.build.plugins.filter((p: any) => p.name === "iceberg");
if (plugins.length !== 1) throw new Error(`expected one iceberg plugin in the KafkaConnect build, got ${JSON.stringify(connect.spec.build.plugins)}`);
write(
    "plugin-artifacts.txt",
    plugins[0].artifacts
        .map((a: any) => {
            if (a.type === "maven") return `maven ${a.group}:${a.artifact}:${a.version} ${a.includeScope ?? "-"}`;
            if (a.type === "jar") return `jar ${a.url} ${a.sha512sum ?? "-"}`;
            throw new Error(`artifact type ${a.type} is not emulated by scripts/iceberg-sink-check.sh`);
        })
        .join("\n") + "\n",
);
// Substitution: Strimzi's KubernetesSecretConfigProvider is a Strimzi image class; nothing here names a Secret.
const worker = Object.fromEntries(Object.entries(connect.spec.config).filter(([k]) => !k.startsWith("config.providers")));
write("worker.json", JSON.stringify(worker, null, 2) + "\n");
write(
    "connect-cluster.json",
    JSON.stringify({ groupId: connect.spec.groupId, configStorageTopic: connect.spec.configStorageTopic, offsetStorageTopic: connect.spec.offsetStorageTopic, statusStorageTopic: connect.spec.statusStorageTopic }, null, 2) + "\n",
);
write("connect-image-tag.txt", `${connect.spec.build.output.image}\n`);
write("broker.json", JSON.stringify(kafkaConfig(plan), null, 2) + "\n");
write("topics.txt", feedbackTopics(models).map((t) => `${t.name} ${t.partitions ?? "-"} ${t.retentionMs ?? "-"}`).join("\n") + "\n");

// --- the connector, as Strimzi's KafkaConnector reconciliation PUTs it -------------------------------------------
const spec = kafkaConnectorSpec({
    namespace: "ml-streaming",
    connectCluster: plan.names.connect,
    models,
    metastoreUri,
    bronzeUri: zones.bronze,
    flavor: "minio",
    s3Endpoint,
    commitIntervalMs: 60_000, // dev's value (components/feedback/index.ts)
}).spec;
// Strimzi: `class` -> connector.class, `tasksMax` -> tasks.max, config values as strings.
const connectorConfig: Record<string, string> = { "connector.class": spec.class, "tasks.max": String(spec.tasksMax) };
for (const [k, v] of Object.entries(spec.config)) connectorConfig[k] = String(v);
write("connector.json", JSON.stringify(connectorConfig, null, 2) + "\n");

// --- SQL --------------------------------------------------------------------------------------------------------------
write("bootstrap.sql", bootstrapSql(models, zones));
write("trino-lakehouse.properties", renderProperties(icebergCatalog({ storage: { flavor: "minio", s3Endpoint, region: "us-east-1" }, metastoreUri })));
write(
    "metastore.properties",
    Object.entries(metastoreProperties({ storage: { flavor: "minio", s3Endpoint, region: "us-east-1" }, warehouseDir: "s3://silver/warehouse/", externalWarehouseDir: "s3://bronze/external/" }))
        .map(([k, v]) => `${k}\t${v}`)
        .join("\n") + "\n",
);

// --- records ------------------------------------------------------------------------------------------------------
/**
 * The receiver's remap (receiverConfig's `envelope`), field by field, for a KServe v0.20.0 agent's binary-mode
 * CloudEvent (headers ce-id, ce-type, ce-source, ce-time as RFC 3339 with nanoseconds, ce-namespace,
 * ce-component, ce-endpoint, ce-inferenceservicename; body = the v1 JSON):
 *   event_id   = string(."ce-id")         the event id (request and response share it)
 *   event_type = string(."ce-type")       org.kubeflow.serving.inference.request|response
 *   model      = the path without "/"
 *   namespace, component, endpoint = the ce-* headers
 *   event_time = format_timestamp!(parse_timestamp(ce-time, "%+"), "%+"): chrono's RFC 3339 with the offset as
 *                `+00:00` (VRL timestamps are UTC) and 0, 3, 6 or 9 fraction digits, whichever represents it exactly
 *   payload    = the body as a string
 * Vector's `json` codec writes the object with its keys sorted (VRL objects are BTreeMaps).
 */
function vrlTimestamp(ms: number, nanosWithinMs: number): string {
    const d = new Date(ms);
    const base = d.toISOString().slice(0, 19);
    const nanos = (ms % 1000) * 1_000_000 + nanosWithinMs;
    const frac = nanos === 0 ? "" : nanos % 1_000_000 === 0 ? `.${String(nanos / 1_000_000).padStart(3, "0")}` : nanos % 1000 === 0 ? `.${String(nanos / 1000).padStart(6, "0")}` : `.${String(nanos).padStart(9, "0")}`;
    return `${base}${frac}+00:00`;
}
const sortKeys = (o: Record<string, string>) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));

// Two UTC days (yesterday and today), so the day(event_time) partitioning shows as two partitions.
const now = Date.now();
const todayStart = Math.floor(now / 86_400_000) * 86_400_000;
const first = todayStart - 12 * 3600_000; // yesterday 12:00
const last = Math.min(now - 60_000, todayStart + 12 * 3600_000);
const pairs = Math.floor(n / 2);
const lines: string[] = [];
const times: string[] = [];
const iris = [
    [5.1, 3.5, 1.4, 0.2],
    [6.2, 2.9, 4.3, 1.3],
    [7.7, 3.0, 6.1, 2.3],
];
for (let i = 0; i < pairs; i++) {
    const t = first + Math.floor(((last - first) * i) / Math.max(1, pairs - 1));
    const id = `${(0x10000000 + i).toString(16)}-6d1a-4f5e-9c3b-${String(i).padStart(12, "0")}`;
    const cls = i % 3;
    // Fractions of every shape chrono prints: none, milliseconds, microseconds, nanoseconds.
    const sub = [0, 0, 123_000, 456_789][i % 4];
    const ms = i % 4 === 0 ? t - (t % 1000) : t;
    const common = { event_id: id, model: modelName, namespace: model.namespace, component: "predictor", endpoint: "" };
    const request = sortKeys({ ...common, event_type: REQUEST_TYPE, event_time: vrlTimestamp(ms, sub), payload: JSON.stringify({ instances: [iris[cls]] }) });
    const response = sortKeys({ ...common, event_type: RESPONSE_TYPE, event_time: vrlTimestamp(ms + 3, sub), payload: JSON.stringify({ predictions: [cls] }) });
    for (const r of [request, response]) {
        lines.push(`${id}\t${JSON.stringify(r)}`);
        times.push(r.event_time);
    }
}
write("records.txt", lines.join("\n") + "\n");

const day = (iso: string) => iso.slice(0, 10);
const trinoTime = (iso: string) => {
    const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.(\d+))?\+00:00$/.exec(iso)!;
    return `${m[1]} ${m[2]}.${(m[3] ?? "").padEnd(6, "0").slice(0, 6)} UTC`;
};
const windowStart = new Date(todayStart - 24 * 3600_000).toISOString().replace(".000Z", "+00:00");
const windowEnd = new Date(todayStart + 24 * 3600_000).toISOString().replace(".000Z", "+00:00");
// The DAG's _bind: Python's str.replace of both parameters with quoted ISO strings (pendulum's isoformat()).
const bind = (sql: string) => sql.split(":window_start").join(`'${windowStart}'`).split(":window_end").join(`'${windowEnd}'`);
write("monitoring.sql", bind(monitoringSql(model)) + "\n");
write("read-back.sql", bind(readBackSql(model)) + "\n");
write(
    "expect.json",
    JSON.stringify(
        {
            model: modelName,
            table: `lakehouse.feedback_bronze.${model.table}`,
            topic: model.topic,
            records: lines.length,
            requests: pairs,
            // As Trino prints a timestamp(6) with time zone: Iceberg keeps microseconds, so nanoseconds are cut.
            minEventTime: trinoTime(times.reduce((a, b) => (a < b ? a : b))),
            maxEventTime: trinoTime(times.reduce((a, b) => (a > b ? a : b))),
            perDay: Object.fromEntries([...new Set(times.map(day))].sort().map((d) => [d, times.filter((t) => day(t) === d).length])),
            windowStart,
            windowEnd,
        },
        null,
        2,
    ) + "\n",
);
console.log(`inputs for ${modelName} (${lines.length} records) in ${dir}`);
