/**
 * Checks the feedback receiver's Vector config without Vector (scripts/vrl-check.sh builds the runner first):
 *   1. every option of the generated config exists in Vector 0.57.0's config structs with the type we give it
 *      (a table below, each entry with its file:line in vectordotdev/vector v0.57.0);
 *   2. the `envelope` remap's VRL compiles with VRL 0.33.1 the way Vector's remap transform compiles it (no errors,
 *      and no warnings either), and run over events shaped as Vector's `http_server` source emits them for KServe's
 *      logger POSTs, yields exactly the bronze table's columns with their types, the payload verbatim and an
 *      `event_time` that Iceberg's Kafka Connect sink parses as timestamptz; unknown models abort (dropped);
 *   3. the route conditions compile as VRL conditions (boolean) and pick exactly their model's records, and the
 *      Kafka topic template renders the model's topic, which the connector routes to the model's table.
 * Two configs: the dev stack's, read back from the program run under the test harness's mocks (the ConfigMap
 * `feedback-logger`'s `vector.json`, byte for byte), and one with two models, one sampled, with SCRAM/TLS.
 *   tsx scripts/vrl-programs.ts <vrl-runner binary>
 */
import { execFileSync } from "child_process";
import {
    bootstrapSql,
    feedbackTopics,
    FeedbackModel,
    kafkaConnectorSpec,
    receiverConfig,
    REQUEST_TYPE,
    resolveFeedbackModels,
    RESPONSE_TYPE,
} from "../components/feedback";
import { images } from "../components/versions";
import { constructStack } from "../test/harness";

/** The Vector release whose VRL (scripts/vrl-runner: vrl 0.33.1) and config structs (the table below) this checks. */
const VECTOR_VERSION = "0.57.0";

const runner = process.argv[2];
if (!runner) {
    console.error("usage: tsx scripts/vrl-programs.ts <vrl-runner binary>");
    process.exit(2);
}

let passed = 0;
let failed = 0;
function check(name: string, problems: string[]) {
    if (problems.length === 0) {
        passed++;
        console.log(`ok   - ${name}`);
    } else {
        failed++;
        console.log(`FAIL - ${name}`);
        for (const p of problems) console.log(`       ${p.replace(/\n/g, "\n       ")}`);
    }
}

// --- 1. option names and types --------------------------------------------------------------------------------------

type Rule = { at: string; ok: (v: any) => boolean; type: string; nested?: Schema };
type Schema = Record<string, Rule>;
const str: Pick<Rule, "ok" | "type"> = { ok: (v) => typeof v === "string", type: "string" };
const bool: Pick<Rule, "ok" | "type"> = { ok: (v) => typeof v === "boolean", type: "bool" };
const strings: Pick<Rule, "ok" | "type"> = { ok: (v) => Array.isArray(v) && v.every((s) => typeof s === "string"), type: "[string]" };
const socket: Pick<Rule, "ok" | "type"> = { ok: (v) => typeof v === "string" && /^[^:]+:\d+$/.test(v), type: "SocketAddr" };
const oneOf = (...xs: unknown[]): Pick<Rule, "ok" | "type"> => ({ ok: (v) => xs.includes(v), type: xs.map((x) => JSON.stringify(x)).join("|") });
const obj = (nested: Schema): Pick<Rule, "ok" | "type" | "nested"> => ({ ok: (v) => typeof v === "object" && v !== null && !Array.isArray(v), type: "table", nested });
const r = (at: string, t: Pick<Rule, "ok" | "type" | "nested">): Rule => ({ at, ...t });

// Paths are in vectordotdev/vector at tag v0.57.0. Only the options we use are listed: an option added to
// receiverConfig fails here until someone finds it in Vector's sources and adds it with its file:line.
const inputs = r("src/config/transform.rs:69 / src/config/sink.rs:68 (Inputs)", strings);
const acks = r("lib/vector-core/src/config/mod.rs:367 AcknowledgementsConfig.enabled Option<bool>", obj({ enabled: r("lib/vector-core/src/config/mod.rs:367", bool) }));
const componentSchemas: Record<string, Schema> = {
    http_server: {
        type: r("src/sources/http_server.rs:375 typetag \"http_server\"", oneOf("http_server")),
        address: r("src/sources/http_server.rs:83 SocketAddr", socket),
        path: r("src/sources/http_server.rs:145 String", str),
        strict_path: r("src/sources/http_server.rs:139 bool", bool),
        path_key: r("src/sources/http_server.rs:150 OptionalValuePath", str),
        method: r("src/sources/http_server.rs:159 HttpMethod; src/sources/util/http/method.rs:7 rename_all UPPERCASE", oneOf("HEAD", "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")),
        // Globs: src/sources/http_server.rs:365-371 build_param_matcher; matched against the lowercased header
        // name (src/sources/util/http/headers.rs:49-51, glob::MatchOptions::default() is case-sensitive).
        headers: r("src/sources/http_server.rs:104 Vec<String> (`*` wildcard)", { ok: (v) => strings.ok(v) && v.every((h: string) => h === h.toLowerCase()), type: "[lowercase string]" }),
        decoding: r("src/sources/http_server.rs:175 DeserializerConfig", obj({ codec: r("lib/codecs/src/decoding/mod.rs:236,240 tag codec, Bytes", oneOf("bytes")) })),
        framing: r("src/sources/http_server.rs:172 FramingConfig", obj({ method: r("lib/codecs/src/decoding/mod.rs:91,95 tag method, Bytes", oneOf("bytes")) })),
    },
    internal_metrics: { type: r("src/sources/internal_metrics.rs:31", oneOf("internal_metrics")) },
    remap: {
        type: r("src/transforms/remap.rs:62", oneOf("remap")),
        inputs,
        source: r("src/transforms/remap.rs:72 Option<String>", str),
        drop_on_abort: r("src/transforms/remap.rs:141 bool", bool),
    },
    route: {
        type: r("src/transforms/route.rs:64", oneOf("route")),
        inputs,
        route: r("src/transforms/route.rs:90 IndexMap<String, AnyCondition> (a string is a VRL condition)", { ok: (v) => typeof v === "object" && Object.entries(v).every(([k, c]) => typeof c === "string" && !["_unmatched", "_default"].includes(k)), type: "{route: vrl}" }),
    },
    sample: {
        type: r("src/transforms/sample/config.rs:58", oneOf("sample")),
        inputs,
        ratio: r("src/transforms/sample/config.rs:74-75 Option<f64> in [0, 1]", { ok: (v) => typeof v === "number" && v > 0 && v <= 1, type: "f64 in (0, 1]" }),
        key_field: r("src/transforms/sample/config.rs:109 Option<String>", str),
        sample_rate_key: r("src/transforms/sample/config.rs:111-114 OptionalValuePath (\"\": not added)", str),
    },
    kafka: {
        type: r("src/sinks/kafka/config.rs:286", oneOf("kafka")),
        inputs,
        bootstrap_servers: r("src/sinks/kafka/config.rs:38 String", str),
        topic: r("src/sinks/kafka/config.rs:46 Template", str),
        key_field: r("src/sinks/kafka/config.rs:65 Option<ConfigTargetPath>", str),
        encoding: r("src/sinks/kafka/config.rs:68 EncodingConfig", obj({ codec: r("lib/codecs/src/encoding/serializer.rs:34,79 tag codec, Json", oneOf("json")) })),
        compression: r("src/sinks/kafka/config.rs:79 KafkaCompression; src/kafka.rs:23-39 lowercase", oneOf("none", "gzip", "snappy", "lz4", "zstd")),
        acknowledgements: r("src/sinks/kafka/config.rs:140 AcknowledgementsConfig", acks),
        librdkafka_options: r("src/sinks/kafka/config.rs:124 HashMap<String, String>", { ok: (v) => typeof v === "object" && Object.values(v).every((x) => typeof x === "string"), type: "{string: string}" }),
        sasl: r("src/sinks/kafka/config.rs:83 #[serde(flatten)] KafkaAuthConfig; src/kafka.rs:47", obj({
            enabled: r("src/kafka.rs:69 Option<bool>", bool),
            mechanism: r("src/kafka.rs:82 Option<String>", str),
            username: r("src/kafka.rs:73 Option<String>", str),
            password: r("src/kafka.rs:77 Option<SensitiveString>", str),
        })),
        tls: r("src/kafka.rs:51 Option<TlsEnableableConfig>", obj({
            enabled: r("lib/vector-core/src/tls/settings.rs:51 Option<bool>", bool),
            ca_file: r("lib/vector-core/src/tls/settings.rs:125 Option<PathBuf> (flattened TlsConfig, :54)", str),
        })),
    },
    prometheus_exporter: {
        type: r("src/sinks/prometheus/exporter.rs:69", oneOf("prometheus_exporter")),
        inputs,
        address: r("src/sinks/prometheus/exporter.rs:87 SocketAddr", socket),
    },
};
const globalSchema: Schema = {
    data_dir: r("lib/vector-core/src/config/global_options.rs:72 Option<PathBuf>", str),
    api: r("src/config/api.rs:13 Options", obj({ enabled: r("src/config/api.rs:17 bool", bool) })),
    acknowledgements: r("lib/vector-core/src/config/global_options.rs:131 AcknowledgementsConfig", acks),
    sources: r("config", obj({})),
    transforms: r("config", obj({})),
    sinks: r("config", obj({})),
};

function checkOptions(value: Record<string, unknown>, schema: Schema, at: string): string[] {
    const problems: string[] = [];
    for (const [k, v] of Object.entries(value)) {
        const rule = schema[k];
        if (!rule) problems.push(`${at}.${k}: no such option in the table of Vector 0.57.0 options (check Vector's sources, then add it with its file:line)`);
        else if (!rule.ok(v)) problems.push(`${at}.${k} = ${JSON.stringify(v)}: expected ${rule.type} (${rule.at})`);
        else if (rule.nested && Object.keys(rule.nested).length) problems.push(...checkOptions(v as Record<string, unknown>, rule.nested, `${at}.${k}`));
    }
    return problems;
}

function checkConfig(label: string, config: any) {
    const problems = checkOptions(config, globalSchema, "");
    const ids = new Set<string>();
    for (const section of ["sources", "transforms", "sinks"]) {
        for (const [id, c] of Object.entries<any>(config[section] ?? {})) {
            ids.add(id);
            const schema = componentSchemas[c.type];
            if (!schema) problems.push(`${section}.${id}: component type "${c.type}" not in the table`);
            else problems.push(...checkOptions(c, schema, `${section}.${id}`));
        }
    }
    // Every input names a component or a route's output (`<route>.<id>`, src/transforms/route.rs:84-86).
    for (const section of ["transforms", "sinks"]) {
        for (const [id, c] of Object.entries<any>(config[section] ?? {})) {
            for (const input of c.inputs ?? []) {
                const [base, port] = input.split(".");
                const target = config.transforms?.[base];
                const okInput = port === undefined ? ids.has(base) : target?.type === "route" && port in target.route;
                if (!okInput) problems.push(`${section}.${id}.inputs: "${input}" is no component or route output`);
            }
        }
    }
    check(`${label}: every option exists in Vector 0.57.0 with our type`, problems);
}

// --- 2. the VRL ------------------------------------------------------------------------------------------------------

interface RunnerOut {
    compiled: boolean;
    errors?: string;
    warnings?: string;
    warning_count?: number;
    target_kind?: string;
    result_kind?: string;
    result_is_boolean?: boolean;
    results: { name: string; outcome: "ok" | "abort" | "error"; event?: any; kinds?: Record<string, string>; returned?: unknown; error?: string }[];
}
function runVrl(source: string, events: { name: string; event: unknown }[], typeState?: "condition"): RunnerOut {
    const input = JSON.stringify({ source, events, type_state: typeState });
    try {
        return JSON.parse(execFileSync(runner, { input, encoding: "utf8", env: { ...process.env, TZ: "UTC" } }));
    } catch (e: any) {
        if (e.status === 1 && e.stdout) return JSON.parse(e.stdout);
        throw e;
    }
}

/**
 * The event Vector 0.57.0's `http_server` source emits for one KServe v0.20.0 logger POST (binary CloudEvent),
 * legacy log namespace (the default), with our source options:
 *   `message`      the body, verbatim (decoding.codec bytes, framing bytes: one event per request;
 *                  lib/codecs/src/decoding/format/bytes.rs:66-71);
 *   `path`         the request's URL path (path_key; warp FullPath, src/sources/util/http/prelude.rs:133,180;
 *                  src/sources/http_server.rs:460-466);
 *   `source_type`  "http_server", `timestamp` the receipt time as a timestamp
 *                  (lib/vector-core/src/config/mod.rs:494-511, src/sources/http_server.rs:455,468-472);
 *   `ce-*`         each header matching the glob, named as the http crate has it (lowercase), value as bytes,
 *                  first value only (src/sources/util/http/headers.rs:48-64).
 * KServe's agent (pkg/logger/worker.go:122-153) sets id, type, time (the request's or response's time), source,
 * the extensions recordedtime, inferenceservicename, namespace, component, endpoint, metadata; cloudevents
 * sdk-go v2 writes times as RFC 3339 with nanoseconds, UTC, trailing zeros trimmed (`...14.5Z`, `...14Z`).
 */
function kserveEvent(a: { path: string; type: string; body: string; time?: string; namespace: string; model: string; id: string }) {
    const received = new Date().toISOString();
    return {
        message: a.body,
        path: a.path,
        source_type: "http_server",
        timestamp: { $timestamp: received },
        "ce-id": a.id,
        "ce-type": a.type,
        "ce-source": `http://localhost:9081/`,
        "ce-specversion": "1.0",
        ...(a.time === undefined ? {} : { "ce-time": a.time }),
        "ce-recordedtime": received,
        "ce-inferenceservicename": a.model,
        "ce-namespace": a.namespace,
        "ce-component": "predictor",
        "ce-endpoint": "",
        "ce-metadata": "{}",
    };
}

/** Bronze columns and their Trino types, read from the DDL the bootstrap Job runs (sql.ts `bootstrapSql`). */
function bronzeColumns(model: FeedbackModel): [string, string][] {
    const ddl = bootstrapSql([model], { bronze: "s3://bronze/", gold: "s3://gold/" });
    const table = ddl.match(new RegExp(`CREATE TABLE IF NOT EXISTS \\S+\\.${model.table} \\(([^;]*?)\\n\\) WITH`))?.[1];
    if (!table) throw new Error(`no bronze DDL for ${model.table}`);
    return table.split(",\n").map((l) => l.trim().match(/^(\w+) (.+)$/)!.slice(1, 3) as [string, string]);
}

/**
 * Iceberg 1.11.0's Kafka Connect sink, RecordConverter.java:729-736,765-784 (`convertOffsetDateTime` for a
 * timestamptz column given a string): `ensureTimestampFormat` turns a space at index 10 into `T` and drops the
 * colon of a `±HH:MM` offset, then ISO_LOCAL_DATE_TIME + appendOffset("+HHmm", "Z") (fraction of 0-9 digits);
 * on failure it parses ISO_LOCAL_DATE_TIME alone (then taken as UTC). Returns epoch microseconds or undefined.
 */
function icebergTimestamptz(s: string): number | undefined {
    let t = s.length > 10 && s[10] === " " ? `${s.slice(0, 10)}T${s.slice(11)}` : s;
    const sign = t.slice(19).search(/[+-]/);
    if (sign !== -1 && t[19 + sign + 3] === ":") t = t.slice(0, 19 + sign + 3) + t.slice(19 + sign + 4);
    const m = t.match(/^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{0,9}))?)?(Z|[+-]\d{2}(?:\d{2})?)?$/);
    if (!m) return undefined;
    const [, date, hh, mm, ss = "00", frac = "", zone = "Z"] = m;
    const offset = zone === "Z" ? "Z" : `${zone.slice(0, 3)}:${zone.slice(3, 5) || "00"}`;
    const ms = Date.parse(`${date}T${hh}:${mm}:${ss}${offset}`);
    if (Number.isNaN(ms)) return undefined;
    return ms * 1000 + Math.floor(Number((frac + "000000000").slice(0, 9)) / 1000);
}

const micros = (iso: string) => icebergTimestamptz(iso)!;

function checkEnvelope(label: string, config: any, models: FeedbackModel[], namespace: string) {
    const source: string = config.transforms.envelope.source;
    const m = models[0];
    const v1Request = '{"instances": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}';
    const v1Response = '{"predictions":[1,1]}';
    // v2 protocol, multi-line, non-ASCII and escaped characters: kept byte for byte.
    const v2Response = '{\n  "model_name": "' + m.name + '",\n  "outputs": [{"name": "output-0", "shape": [2], "datatype": "INT64", "data": [1, 1]}],\n  "parameters": {"note": "caf\u00e9 \\"x\\" \\u00e9"}\n}\n';
    const id = "0d3f6c2e-8b1a-4c5d-9e7f-1a2b3c4d5e6f";
    const cases = [
        { name: "request, ce-time with nanoseconds", path: `/${m.name}`, type: REQUEST_TYPE, body: v1Request, time: "2026-07-14T09:15:02.123456789Z", expectTime: "2026-07-14T09:15:02.123456789Z" },
        { name: "response, ce-time with trailing zeros trimmed", path: `/${m.name}`, type: RESPONSE_TYPE, body: v1Response, time: "2026-07-14T09:15:02.5Z", expectTime: "2026-07-14T09:15:02.5Z" },
        { name: "response (v2 JSON), ce-time on a whole second", path: `/${m.name}`, type: RESPONSE_TYPE, body: v2Response, time: "2026-07-14T09:15:03Z", expectTime: "2026-07-14T09:15:03Z" },
        { name: "request, ce-time with an offset", path: `/${m.name}`, type: REQUEST_TYPE, body: v1Request, time: "2026-07-14T11:15:02.25+02:00", expectTime: "2026-07-14T09:15:02.25Z" },
        { name: "request without ce-time (receipt time)", path: `/${m.name}`, type: REQUEST_TYPE, body: v1Request, time: undefined, expectTime: "now" },
        { name: "response, unparseable ce-time (receipt time)", path: `/${m.name}`, type: RESPONSE_TYPE, body: v1Response, time: "yesterday", expectTime: "now" },
        { name: "request to a trailing-slash path", path: `/${m.name}/`, type: REQUEST_TYPE, body: v1Request, time: "2026-07-14T09:15:02Z", expectTime: "2026-07-14T09:15:02Z" },
        ...models.slice(1).map((o) => ({ name: `request for the second model ${o.name}`, path: `/${o.name}`, type: REQUEST_TYPE, body: v1Request, time: "2026-07-14T09:15:02Z", expectTime: "2026-07-14T09:15:02Z", model: o })),
        { name: "unknown model (aborts: dropped)", path: "/not-a-logged-model", type: REQUEST_TYPE, body: v1Request, time: "2026-07-14T09:15:02Z", expectTime: "abort" },
        { name: "path with a sub-path (aborts: dropped)", path: `/${m.name}/v2/models`, type: REQUEST_TYPE, body: v1Request, time: "2026-07-14T09:15:02Z", expectTime: "abort" },
    ].map((c: any) => ({ ...c, model: (c.model ?? m) as FeedbackModel }));
    const events = cases.map((c) => ({ name: c.name, event: kserveEvent({ path: c.path, type: c.type, body: c.body, time: c.time, namespace, model: c.model.name, id }) }));
    const before = Date.now() * 1000;
    const out = runVrl(source, events);
    const after = Date.now() * 1000 + 1000;

    check(`${label}: envelope VRL compiles with VRL 0.33.1 as Vector's remap does, no warnings`, [
        ...(out.compiled ? [] : [`compile errors:\n${out.errors}`]),
        ...(out.warning_count ? [`${out.warning_count} warning(s):\n${out.warnings}`] : []),
    ]);
    if (!out.compiled) return [];
    // The compiler's own type of the record, for every event, not only the sampled ones.
    const fields = [...(out.target_kind ?? "").matchAll(/(\w+): (\w+)/g)].map(([, k, t]) => `${k}: ${t}`).sort();
    const want = bronzeColumns(m).map(([c]) => `${c}: string`).sort();
    check(`${label}: the compiled program's record type is the bronze columns, all strings: ${out.target_kind}`, JSON.stringify(fields) === JSON.stringify(want) ? [] : [`expected { ${want.join(", ")} }`]);

    const records: { model: FeedbackModel; record: any }[] = [];
    for (const [i, c] of cases.entries()) {
        const res = out.results[i];
        const problems: string[] = [];
        if (c.expectTime === "abort") {
            if (res.outcome !== "abort") problems.push(`expected abort (drop_on_abort drops it), got ${res.outcome}: ${JSON.stringify(res.event ?? res.error)}`);
            check(`${label}: ${c.name}`, problems);
            continue;
        }
        if (res.outcome !== "ok") {
            check(`${label}: ${c.name}`, [`runtime ${res.outcome}: ${res.error}`]);
            continue;
        }
        const rec = res.event;
        const columns = bronzeColumns(c.model);
        const names = columns.map(([n]) => n);
        const extra = Object.keys(rec).filter((k) => !names.includes(k));
        const missing = names.filter((k) => !(k in rec));
        if (extra.length) problems.push(`fields not in the bronze table: ${extra.join(", ")}`);
        if (missing.length) problems.push(`bronze columns missing: ${missing.join(", ")}`);
        for (const [col, type] of columns) {
            if (!(col in rec)) continue;
            // Every column reaches Kafka as a JSON string (the JSON encoder writes VRL strings and timestamps as
            // strings); varchar takes it as is, timestamp(6) with time zone needs Iceberg's parser to accept it.
            if (res.kinds?.[col] !== "string") problems.push(`${col}: VRL kind ${res.kinds?.[col]}, expected string`);
            if (type === "varchar") continue;
            if (type !== "timestamp(6) with time zone") {
                problems.push(`${col}: column type ${type} not checked here`);
                continue;
            }
            const t = icebergTimestamptz(rec[col]);
            if (t === undefined) {
                problems.push(`${col} = ${JSON.stringify(rec[col])}: not parsed by Iceberg 1.11.0's RecordConverter`);
                continue;
            }
            // RFC 3339 with an offset (no local time), as the connector and Trino's from_iso8601_timestamp take it.
            if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(rec[col])) problems.push(`${col} = ${rec[col]}: not RFC 3339 with an offset`);
            if (c.expectTime === "now") {
                if (!(t >= before - 1_000_000 && t <= after)) problems.push(`${col} = ${rec[col]}: expected the receipt time (now)`);
            } else if (t !== micros(c.expectTime)) problems.push(`${col} = ${rec[col]}: expected the instant ${c.expectTime}`);
        }
        const expected: Record<string, string> = { event_id: id, event_type: c.type, model: c.model.name, namespace, component: "predictor", endpoint: "", payload: c.body };
        for (const [k, v] of Object.entries(expected)) if (rec[k] !== v) problems.push(`${k} = ${JSON.stringify(rec[k])}, expected ${JSON.stringify(v)}`);
        check(`${label}: ${c.name} -> ${JSON.stringify(rec).slice(0, 150)}${JSON.stringify(rec).length > 150 ? "..." : ""}`, problems);
        records.push({ model: c.model, record: rec });
    }
    return records;
}

// --- 3. routes, topic, connector ---------------------------------------------------------------------------------------

/**
 * `connector`: the KafkaConnector's `spec.config`; `worker`: the KafkaConnect cluster's `spec.config` (the converters
 * a connector does not set itself).
 */
function checkRouting(label: string, config: any, models: FeedbackModel[], records: { model: FeedbackModel; record: any }[], connector: Record<string, any>, worker: Record<string, any>) {
    const routes: Record<string, string> = config.transforms.by_model.route;
    const topics = new Set(feedbackTopics(models).map((t) => t.name));
    for (const [id, condition] of Object.entries(routes)) {
        const out = runVrl(condition, records.map((r, i) => ({ name: String(i), event: r.record })), "condition");
        const problems: string[] = [];
        if (!out.compiled) problems.push(`compile errors:\n${out.errors}`);
        else {
            if (out.warning_count) problems.push(`warnings:\n${out.warnings}`);
            if (!out.result_is_boolean) problems.push(`returns ${out.result_kind}, Vector wants a boolean (src/conditions/vrl.rs:65)`);
            out.results.forEach((res, i) => {
                const want = records[i].model.table === id;
                if (res.outcome !== "ok" || res.returned !== want) problems.push(`record of ${records[i].model.name}: ${res.outcome} ${JSON.stringify(res.returned ?? res.error)}, expected ${want}`);
            });
        }
        check(`${label}: route ${id} = ${condition}`, problems);
    }
    const problems: string[] = [];
    const sink = config.sinks.kafka;
    for (const { model, record } of records) {
        const topic = String(sink.topic).replace(/\{\{\s*(\w+)\s*\}\}/g, (_, f) => record[f]);
        if (topic !== model.topic || !topics.has(topic)) problems.push(`topic template renders ${topic} for ${model.name}, expected the declared ${model.topic}`);
        if (typeof record[sink.key_field] !== "string" || record[sink.key_field] === "") problems.push(`key_field ${sink.key_field} is not a non-empty string`);
        const routeField = connector["iceberg.tables.route-field"];
        const tables = Object.entries(connector).filter(([k, re]) => k.endsWith(".route-regex") && new RegExp(re as string).test(record[routeField]));
        if (tables.length !== 1 || tables[0][0] !== `iceberg.table.feedback_bronze.${model.table}.route-regex`) problems.push(`connector routes ${record[routeField]} to ${tables.map(([k]) => k).join(", ") || "no table"}`);
        if (!String(connector.topics).split(",").includes(topic)) problems.push(`connector does not read ${topic}`);
    }
    check(`${label}: Kafka topic template, message key and the connector's table routing`, problems);

    // Vector's Kafka sink sends the key_field's value as the raw message key (src/sinks/kafka/request_builder.rs:67-69,
    // `coerce_to_bytes`): KServe's ce-id is a UUID (pkg/logger/handler.go:211-213), not JSON. Kafka Connect converts
    // every record's key with the connector's key.converter, else the worker's; JsonConverter (schemas off) throws
    // DataException on bytes that are not JSON and, with errors.tolerance none, the sink task fails.
    const keyConverter = connector["key.converter"] ?? worker["key.converter"];
    const keyProblems: string[] = [];
    for (const { model, record } of records) {
        const key = String(record[sink.key_field]);
        if (keyConverter === "org.apache.kafka.connect.json.JsonConverter") {
            try {
                JSON.parse(key);
            } catch {
                keyProblems.push(`${model.name}: key ${JSON.stringify(key)} is not JSON, and the Iceberg connector's key.converter is ${keyConverter} (${connector["key.converter"] ? "connector" : "worker default"}): the sink task fails on it; set "key.converter": "org.apache.kafka.connect.storage.StringConverter" on the connector`);
            }
        } else if (!["org.apache.kafka.connect.storage.StringConverter", "org.apache.kafka.connect.converters.ByteArrayConverter"].includes(keyConverter)) {
            keyProblems.push(`${model.name}: key converter ${keyConverter} not known to take a raw string key`);
        }
    }
    check(`${label}: Kafka Connect converts the message key (key.converter ${keyConverter})`, [...new Set(keyProblems)]);
}

// --- the configs ------------------------------------------------------------------------------------------------------

async function main() {
    if (!images.vector.tag.startsWith(`${VECTOR_VERSION}-`)) {
        check(`components/versions.ts pins Vector ${VECTOR_VERSION}`, [
            `it pins ${images.vector.tag}: take the vrl version from that release's Cargo.lock into scripts/vrl-runner/Cargo.toml and scripts/vrl-check.sh, and re-check the option table's file:line references`,
        ]);
        return;
    }
    const run = await constructStack("dev");
    const cm = run.byType("kubernetes:core/v1:ConfigMap").find((c) => c.inputs.metadata.name === "feedback-logger");
    const isvc = run.resources.find((res) => res.type.endsWith(":InferenceService") && res.inputs.metadata.name === "sklearn-iris");
    if (!cm || !isvc) {
        check("dev stack: the receiver's ConfigMap and the sklearn-iris InferenceService are registered", ["not found"]);
        return;
    }
    const devConfig = JSON.parse(cm.inputs.data["vector.json"]);
    const devConnector = run.resources.find((res) => res.type.endsWith(":KafkaConnector") && res.inputs.metadata.name === "feedback-iceberg")?.inputs.spec.config;
    const worker = run.resources.find((res) => res.type.endsWith(":KafkaConnect"))?.inputs.spec.config;
    if (!devConnector || !worker) {
        check("dev stack: the KafkaConnector feedback-iceberg and the KafkaConnect cluster are registered", ["not found"]);
        return;
    }
    const devModels = resolveFeedbackModels([{ name: "sklearn-iris", namespace: isvc.inputs.metadata.namespace, logging: true }], "dev");
    const same = JSON.stringify(receiverConfig(devModels, devConfig.sinks.kafka.sasl ? { bootstrapServers: devConfig.sinks.kafka.bootstrap_servers, scram: true } : { bootstrapServers: devConfig.sinks.kafka.bootstrap_servers, scram: false }), null, 2);
    check("dev stack: vector.json is receiverConfig of its one model sklearn-iris", same === cm.inputs.data["vector.json"] ? [] : ["the ConfigMap differs from receiverConfig([sklearn-iris])"]);

    const twoModels = resolveFeedbackModels(
        [
            { name: "sklearn-iris", namespace: "ml-serving", logging: true },
            { name: "churn-xgb", namespace: "ml-serving", logging: true, sampleRate: 0.5 },
        ],
        "prod",
    );
    const twoConfig = receiverConfig(twoModels, { bootstrapServers: "platform-kafka-bootstrap.ml-streaming.svc:9093", scram: true });

    const twoConnector = kafkaConnectorSpec({ namespace: "ml-streaming", connectCluster: "platform", models: twoModels, metastoreUri: "thrift://hive-metastore:9083", bronzeUri: "s3://bronze/", flavor: "minio", commitIntervalMs: 300_000 }).spec.config;

    for (const [label, config, models, namespace, connector] of [
        ["dev", devConfig, devModels, isvc.inputs.metadata.namespace, devConnector],
        ["two models, sampled, SCRAM", twoConfig, twoModels, "ml-serving", twoConnector],
    ] as const) {
        checkConfig(label, config);
        const records = checkEnvelope(label, config, [...models], namespace);
        if (records.length) checkRouting(label, config, [...models], records, connector, worker);
    }
}

main()
    .catch((e) => {
        failed++;
        console.log(`FAIL - ${e?.stack ?? e}`);
    })
    .finally(() => {
        console.log(`vrl: ${passed} passed, ${failed} failed`);
        process.exit(failed ? 1 : 0);
    });
