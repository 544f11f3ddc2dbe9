/**
 * Reading what a check saw: pure functions from a plan's outcome (exit code and output) to pass or fail with the
 * reason a user can act on.
 */
import { Outcome, Verdict } from "./types";

const pass = (reason: string): Verdict => ({ status: "pass", reason });
const fail = (reason: string): Verdict => ({ status: "fail", reason });

/** One HTTP exchange as the pods (and the runner's Trino client) print it. */
export interface Exchange {
    /** The `@@step` it belongs to, if any. */
    readonly step?: string;
    readonly status?: number;
    /** curl's exit code when the request itself failed. */
    readonly curlExit?: number;
    readonly body: string;
}

export interface Transcript {
    readonly exchanges: Exchange[];
    /** Other `@@<name> <value>` markers, last value wins. */
    readonly markers: Record<string, string>;
    /** Lines outside any exchange or marker (tool output). */
    readonly lines: string[];
}

/** Splits output into exchanges (body lines closed by `@@status <code>` or `@@curl <exit>`) and markers. */
export function parseTranscript(stdout: string): Transcript {
    const exchanges: Exchange[] = [];
    const markers: Record<string, string> = {};
    const lines: string[] = [];
    let body: string[] = [];
    let step: string | undefined;
    for (const line of stdout.split("\n")) {
        const m = /^@@(\w[\w-]*)(?: (.*))?$/.exec(line.trim());
        if (!m) {
            body.push(line);
            continue;
        }
        const [, name, value = ""] = m;
        if (name === "status" || name === "curl") {
            const n = Number(value);
            exchanges.push({ step, ...(name === "status" ? { status: n } : { curlExit: n }), body: body.join("\n").trim() });
            body = [];
        } else {
            lines.push(...body.filter((l) => l.trim()));
            body = [];
            if (name === "step") step = value;
            else markers[name] = value;
        }
    }
    lines.push(...body.filter((l) => l.trim()));
    return { exchanges, markers, lines };
}

const curlErrors: Record<number, string> = {
    6: "cannot resolve the host",
    7: "connection refused or blocked",
    28: "timed out (a NetworkPolicy drop looks like this)",
    35: "TLS handshake failed",
    52: "empty reply from the server",
    56: "connection reset",
    60: "the server's certificate is not trusted",
};
const curlReason = (exit: number) => `request failed: curl exit ${exit}, ${curlErrors[exit] ?? "see curl's exit codes"}`;

const oneLine = (s: string, max = 200) => {
    const t = s.replace(/\s+/g, " ").trim();
    return t.length > max ? `${t.slice(0, max)}…` : t;
};

function json(body: string): any {
    try {
        return JSON.parse(body);
    } catch {
        return undefined;
    }
}

/** Trino's client protocol: follow `nextUri` until none; FINISHED with the row `[1]` passes. */
export function interpretTrino(outcome: Outcome, { via, origin }: { via: string; origin?: string }): Verdict {
    const { exchanges } = parseTranscript(outcome.stdout);
    if (!exchanges.length) return fail(`no response from Trino ${via}${outcome.stderr ? `: ${oneLine(outcome.stderr)}` : ""}`);
    if (outcome.stderr && outcome.exitCode !== 0) return fail(`Trino ${via}: ${oneLine(outcome.stderr)}`);
    const rows: unknown[] = [];
    let last: any;
    for (const x of exchanges) {
        if (x.curlExit !== undefined) return fail(`Trino ${via}: ${curlReason(x.curlExit)}`);
        if (x.status !== 200) {
            const hint =
                x.status === 406
                    ? " (Trino refuses X-Forwarded-* headers unless http-server.process-forwarded is set)"
                    : x.status === 401
                      ? " (login refused)"
                      : x.status === 503
                        ? " (Trino is starting or has no active worker)"
                        : "";
            return fail(`Trino ${via}: HTTP ${x.status}${hint}${x.body ? `: ${oneLine(x.body, 120)}` : ""}`);
        }
        const doc = json(x.body);
        if (!doc) return fail(`Trino ${via}: a response is not JSON: ${oneLine(x.body, 120)}`);
        if (doc.error) return fail(`Trino ${via}: query ${doc.id ?? ""} failed: ${doc.error.errorName ?? "error"}: ${oneLine(doc.error.message ?? "")}`);
        if (Array.isArray(doc.data)) rows.push(...doc.data);
        if (origin && doc.nextUri && !String(doc.nextUri).startsWith(`${origin}/`)) {
            return fail(`Trino ${via}: nextUri leaves the ingress (${oneLine(String(doc.nextUri).replace(/\/v1\/statement\/.*/, ""), 80)}): Trino does not honour X-Forwarded-* (http-server.process-forwarded)`);
        }
        last = doc;
    }
    const state = last?.stats?.state;
    if (last?.nextUri) return fail(`Trino ${via}: query ${last.id} still ${state ?? "running"} after ${exchanges.length} polls`);
    if (state !== "FINISHED") return fail(`Trino ${via}: query ${last?.id ?? ""} ended in state ${state ?? "unknown"}`);
    if (JSON.stringify(rows) !== "[[1]]") return fail(`Trino ${via}: SELECT 1 returned ${oneLine(JSON.stringify(rows), 80)}`);
    return pass(`SELECT 1 returned 1 ${via} (query ${last.id})`);
}

/** MLflow's REST errors: `{error_code, message}` JSON, or the auth app's plain text on 401. */
function mlflowError(x: Exchange): string {
    if (x.curlExit !== undefined) return curlReason(x.curlExit);
    const doc = json(x.body);
    const detail = doc?.error_code ? `${doc.error_code}: ${oneLine(doc.message ?? "", 150)}` : oneLine(x.body, 150);
    const hint =
        x.status === 401
            ? " (the connection Secret's login is refused: the MLflow user is missing or its password differs)"
            : x.status === 403
              ? " (the client's MLflow user lacks the permission)"
              : "";
    return `HTTP ${x.status}${hint}${detail ? `: ${detail}` : ""}`;
}

export function interpretMlflow(outcome: Outcome): Verdict {
    const t = parseTranscript(outcome.stdout);
    if (t.markers.run) return pass(`logged run ${t.markers.run} with a metric to experiment "verify"`);
    const bad = t.exchanges.find((x) => x.curlExit !== undefined || (x.status !== undefined && !(x.status >= 200 && x.status < 300) && !(x.step === "get-experiment" && x.status === 404)));
    if (bad) return fail(`MLflow ${bad.step ?? "request"}: ${mlflowError(bad)}`);
    const lastStep = t.exchanges.at(-1)?.step;
    return fail(`MLflow: stopped after ${lastStep ?? "no request"}${t.lines.length ? `: ${oneLine(t.lines.at(-1)!)}` : ""} (exit ${outcome.exitCode})`);
}

/** Kafka client exceptions, most specific first, with what each means for this connection. */
const kafkaErrors: [RegExp, (topic: string) => string][] = [
    [/SaslAuthenticationException|Authentication failed/, () => "SCRAM login refused: the client's password does not match its KafkaUser"],
    [/SSLHandshakeException|PKIX path|SslAuthenticationException/, () => "TLS handshake failed: the brokers' certificate does not chain to the Secret's ca.crt"],
    [/TopicAuthorizationException|Not authorized to access topics/, (topic) => `the client may not use topic "${topic}": its ACLs cover declared topics, add it to ml-platform:streaming.topics`],
    [/GroupAuthorizationException|Not authorized to access group/, () => "the client may not use its consumer group (ACL prefix <client>-*)"],
    [/UnknownTopicOrPartition|does not exist|not present in metadata/, (topic) => `topic "${topic}" does not exist and could not be created`],
    [/TimeoutException|could not be established|Connection to node .* terminated|disconnected/, () => "the brokers are unreachable from this namespace (NetworkPolicy, listener or address)"],
];

export function interpretKafka(outcome: Outcome, { topic }: { topic: string }): Verdict {
    const t = parseTranscript(outcome.stdout);
    const produced = t.markers.produced;
    if (produced && t.markers.consumed === produced) return pass(`produced and consumed one record on "${topic}"`);
    const text = [...t.lines, outcome.stderr ?? ""].join("\n");
    for (const [pattern, reason] of kafkaErrors) if (pattern.test(text)) return fail(`Kafka: ${reason(topic)}`);
    if (produced) return fail(`Kafka: the record produced to "${topic}" was not read back within the consumer's 15 s`);
    return fail(`Kafka: ${t.lines.length ? oneLine(t.lines.at(-1)!) : `no output (exit ${outcome.exitCode})`}`);
}

export function interpretPostgres(outcome: Outcome): Verdict {
    const t = parseTranscript(outcome.stdout);
    if (outcome.exitCode === 0 && t.lines.some((l) => l.trim() === "1")) return pass("SELECT 1 returned 1");
    const error = t.lines.find((l) => /FATAL|error/i.test(l)) ?? t.lines.at(-1);
    return fail(`Postgres: ${error ? oneLine(error) : `no output (exit ${outcome.exitCode})`}`);
}

/** Prometheus's `/api/v1/targets`: every active target must be `up`; each other one is named with its error. */
export function interpretTargets(outcome: Outcome): Verdict {
    const x = parseTranscript(outcome.stdout).exchanges.at(-1);
    if (!x) return fail(`no response from Prometheus (exit ${outcome.exitCode})`);
    if (x.curlExit !== undefined) return fail(`Prometheus: ${curlReason(x.curlExit)}`);
    if (x.status !== 200) return fail(`Prometheus: HTTP ${x.status}: ${oneLine(x.body, 120)}`);
    const targets: any[] | undefined = json(x.body)?.data?.activeTargets;
    if (!Array.isArray(targets)) return fail(`Prometheus: unexpected response: ${oneLine(x.body, 120)}`);
    if (!targets.length) return fail("Prometheus has no active targets");
    const down = targets.filter((t) => t.health !== "up");
    if (!down.length) return pass(`${targets.length} targets up`);
    const name = (t: any) => `${t.scrapePool ?? t.labels?.job ?? "?"} ${t.scrapeUrl ?? t.labels?.instance ?? ""}`.trim();
    return fail(`${down.length} of ${targets.length} targets not up: ${down.map((t) => `${name(t)} (${t.health}${t.lastError ? `: ${oneLine(t.lastError, 100)}` : ""})`).join("; ")}`);
}

/** Feast's `/health`: 200 once the feature server reads its registry (it answers 503 while the registry is unreachable). */
export function interpretFeastHealth(outcome: Outcome): Verdict {
    const x = parseTranscript(outcome.stdout).exchanges.at(-1);
    if (!x) return fail(`no response from the feature server (exit ${outcome.exitCode})`);
    if (x.curlExit !== undefined) return fail(`Feast: ${curlReason(x.curlExit)}`);
    if (x.status === 200) return pass("the feature server reads its registry");
    if (x.status === 503) return fail("Feast: HTTP 503: the feature server cannot read its registry (check the registry database)");
    return fail(`Feast: HTTP ${x.status}: ${oneLine(x.body, 120)}`);
}

const readyCondition = (item: any) => (item?.status?.conditions ?? []).find((c: any) => c.type === "Ready");

function kubectlList(outcome: Outcome, what: string): any[] | Verdict {
    if (outcome.exitCode !== 0) return fail(`kubectl get ${what}: ${oneLine(outcome.stderr || outcome.stdout || `exit ${outcome.exitCode}`)}`);
    const items = json(outcome.stdout)?.items;
    return Array.isArray(items) ? items : fail(`kubectl get ${what}: not a list`);
}

/** cert-manager Certificates and ClusterIssuers alike: each must be Ready=True. */
export function interpretReady(outcome: Outcome, { what }: { what: string }): Verdict {
    const items = kubectlList(outcome, what);
    if (!Array.isArray(items)) return items;
    if (!items.length) return pass(`no ${what}`);
    const id = (i: any) => [i.metadata?.namespace, i.metadata?.name].filter(Boolean).join("/");
    const notReady = items.filter((i) => readyCondition(i)?.status !== "True");
    if (!notReady.length) return pass(`${items.length} ${what} Ready`);
    const why = (i: any) => {
        const c = readyCondition(i);
        return c ? `${c.reason ?? c.status}${c.message ? `: ${oneLine(c.message, 120)}` : ""}` : "no Ready condition yet";
    };
    return fail(`${notReady.length} of ${items.length} ${what} not Ready: ${notReady.map((i) => `${id(i)} (${why(i)})`).join("; ")}`);
}

/**
 * KServe: each configured model's InferenceService Ready, which means the storage initializer downloaded the model
 * with the serving identity and the predictor answers.
 */
export function interpretInferenceServices(outcome: Outcome, { models, identity }: { models: readonly string[]; identity?: string }): Verdict {
    const items = kubectlList(outcome, "inferenceservices");
    if (!Array.isArray(items)) return items;
    const byName = new Map(items.map((i) => [i.metadata?.name, i]));
    const problems = models.flatMap((m) => {
        const isvc = byName.get(m);
        if (!isvc) return [`${m}: no InferenceService`];
        if (readyCondition(isvc)?.status === "True") return [];
        const failure = isvc.status?.modelStatus?.lastFailureInfo;
        const conditions = (isvc.status?.conditions ?? []).filter((c: any) => c.status !== "True" && c.type !== "Ready");
        const detail = failure
            ? `${failure.reason ?? "failed"}: ${oneLine(failure.message ?? "", 150)}`
            : conditions.length
              ? conditions.map((c: any) => `${c.type} ${c.reason ?? c.status}${c.message ? `: ${oneLine(c.message, 100)}` : ""}`).join(", ")
              : "not Ready yet";
        return [`${m}: ${detail}`];
    });
    const as = identity ? ` as ${identity}` : "";
    if (!problems.length) return pass(`${models.length} model(s) loaded${as} and Ready: ${models.join(", ")}`);
    return fail(`${problems.length} of ${models.length} model(s) not Ready${as}: ${problems.join("; ")}`);
}

/** KServe's v1 protocol: `{"predictions": [...]}`. */
export function interpretPredict(outcome: Outcome, { model }: { model: string }): Verdict {
    const x = parseTranscript(outcome.stdout).exchanges.at(-1);
    if (!x) return fail(`no response from ${model} (exit ${outcome.exitCode})`);
    if (x.curlExit !== undefined) return fail(`${model}: ${curlReason(x.curlExit)}`);
    if (x.status !== 200) return fail(`${model}: HTTP ${x.status}: ${oneLine(x.body, 120)}`);
    const predictions = json(x.body)?.predictions;
    if (!Array.isArray(predictions)) return fail(`${model}: no predictions in ${oneLine(x.body, 120)}`);
    return pass(`${model} predicted ${oneLine(JSON.stringify(predictions), 60)}`);
}
