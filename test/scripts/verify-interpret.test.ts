import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    interpretFeastHealth,
    interpretInferenceServices,
    interpretKafka,
    interpretMlflow,
    interpretPostgres,
    interpretPredict,
    interpretReady,
    interpretTargets,
    interpretTrino,
    parseTranscript,
} from "../../scripts/verify/interpret";

const ok = (stdout: string, exitCode = 0) => ({ exitCode, stdout });
const ex = (body: unknown, status = 200) => `${typeof body === "string" ? body : JSON.stringify(body)}\n@@status ${status}\n`;
const base = "http://trino.ml-lakehouse.svc:8080/v1/statement";

describe("verify: reading Trino's client protocol", () => {
    const queued = { id: "q1", nextUri: `${base}/queued/q1/1`, stats: { state: "QUEUED" } };
    const running = { id: "q1", nextUri: `${base}/executing/q1/2`, stats: { state: "RUNNING" } };
    const data = { id: "q1", nextUri: `${base}/executing/q1/3`, data: [[1]], stats: { state: "RUNNING" } };
    const done = { id: "q1", stats: { state: "FINISHED" } };

    it("QUEUED, RUNNING, data [[1]], FINISHED passes", () => {
        assert.deepEqual(interpretTrino(ok(ex(queued) + ex(running) + ex(data) + ex(done)), { via: "from ml-orchestrator" }), { status: "pass", reason: "SELECT 1 returned 1 from ml-orchestrator (query q1)" });
    });
    it("a query error fails with Trino's error name and message", () => {
        const failed = { id: "q1", stats: { state: "FAILED" }, error: { errorName: "NO_NODES_AVAILABLE", message: "No nodes available to run query" } };
        assert.deepEqual(interpretTrino(ok(ex(queued) + ex(failed)), { via: "x" }), { status: "fail", reason: "Trino x: query q1 failed: NO_NODES_AVAILABLE: No nodes available to run query" });
    });
    it("HTTP 406 through the ingress names the forwarded-headers setting", () => {
        assert.match(interpretTrino(ok(ex("Server configuration does not allow processing of the X-Forwarded-For header", 406)), { via: "x" }).reason, /HTTP 406 \(Trino refuses X-Forwarded-\* headers unless http-server\.process-forwarded is set\)/);
    });
    it("a nextUri outside the ingress's origin fails", () => {
        const r = interpretTrino(ok(ex(queued)), { via: "through trino.example.com", origin: "https://trino.example.com" });
        assert.equal(r.status, "fail");
        assert.match(r.reason, /nextUri leaves the ingress \(http:\/\/trino\.ml-lakehouse\.svc:8080\)/);
        assert.equal(interpretTrino(ok(ex({ ...queued, nextUri: "https://trino.example.com/v1/statement/queued/q1/1" }) + ex({ ...data, nextUri: "https://trino.example.com/v1/statement/executing/q1/3" }) + ex(done)), { via: "x", origin: "https://trino.example.com" }).status, "pass");
    });
    it("curl's failure, a query still running, and a wrong result all fail with their own reason", () => {
        assert.match(interpretTrino(ok("\n@@curl 28\n", 1), { via: "x" }).reason, /curl exit 28, timed out/);
        assert.match(interpretTrino(ok(ex(queued) + ex(running)), { via: "x" }).reason, /still RUNNING after 2 polls/);
        assert.match(interpretTrino(ok(ex({ ...data, data: [[2]] }) + ex(done)), { via: "x" }).reason, /returned \[\[2\]\]/);
        assert.match(interpretTrino({ exitCode: 1, stdout: "", stderr: "getaddrinfo ENOTFOUND trino.example.com" }, { via: "x" }).reason, /ENOTFOUND/);
    });
});

describe("verify: reading MLflow's REST answers", () => {
    const steps = (...s: [string, unknown, number][]) => s.map(([step, body, status]) => `@@step ${step}\n${ex(body, status)}`).join("");
    it("a logged run passes; a new experiment's 404 on get-by-name is not an error", () => {
        const out = steps(["get-experiment", { error_code: "RESOURCE_DOES_NOT_EXIST", message: "no" }, 404], ["create-experiment", { experiment_id: "4" }, 200], ["create-run", { run: { info: { run_id: "r9" } } }, 200], ["log-metric", {}, 200], ["end-run", {}, 200]) + "@@run r9\n";
        assert.deepEqual(interpretMlflow(ok(out)), { status: "pass", reason: 'logged run r9 with a metric to experiment "verify"' });
    });
    it("401 names the connection Secret's login", () => {
        const out = steps(["get-experiment", "You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html", 401]);
        assert.equal(interpretMlflow(ok(out, 1)).reason, "MLflow get-experiment: HTTP 401 (the connection Secret's login is refused: the MLflow user is missing or its password differs): You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html");
    });
    it("403 and an error_code body fail at their step", () => {
        const out = steps(["get-experiment", { experiment: { experiment_id: "1" } }, 200], ["create-run", { error_code: "PERMISSION_DENIED", message: "Permission denied" }, 403]);
        assert.equal(interpretMlflow(ok(out, 1)).reason, "MLflow create-run: HTTP 403 (the client's MLflow user lacks the permission): PERMISSION_DENIED: Permission denied");
    });
});

describe("verify: reading the Kafka round trip", () => {
    const topic = "ml-platform.verify";
    it("the produced value read back passes; produced but not consumed fails", () => {
        assert.equal(interpretKafka(ok("@@step produce\n@@produced verify-1-2\n@@step consume\n@@consumed verify-1-2\nProcessed a total of 1 messages\n"), { topic }).status, "pass");
        assert.match(interpretKafka(ok("@@produced verify-1-2\n@@consumed verify-0-0\n"), { topic }).reason, /not read back/);
    });
    it("SCRAM, ACL, TLS and reachability errors are named", () => {
        const cases: [string, RegExp][] = [
            ["org.apache.kafka.common.errors.SaslAuthenticationException: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512", /SCRAM login refused/],
            ["org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [ml-platform.verify]", /may not use topic "ml-platform\.verify".*streaming\.topics/],
            ["javax.net.ssl.SSLHandshakeException: PKIX path building failed", /TLS handshake failed/],
            ["org.apache.kafka.common.errors.TimeoutException: Topic ml-platform.verify not present in metadata after 60000 ms.", /does not exist/],
            ["WARN Connection to node -1 (platform-kafka-bootstrap/10.0.0.1:9092) could not be established.", /unreachable/],
        ];
        for (const [line, reason] of cases) assert.match(interpretKafka(ok(`@@step produce\n${line}\n@@produced verify-1\n@@step consume\n`), { topic }).reason, reason, line);
    });
});

describe("verify: Postgres, Prometheus targets, cert-manager and KServe", () => {
    it("psql's 1 passes; its error line is the reason", () => {
        assert.equal(interpretPostgres(ok("@@step select\n1\n")).status, "pass");
        assert.equal(interpretPostgres(ok('@@step select\npsql: error: connection to server at "10.0.0.3", port 5432 failed: FATAL:  password authentication failed for user "airflow"\n', 2)).reason, 'Postgres: psql: error: connection to server at "10.0.0.3", port 5432 failed: FATAL: password authentication failed for user "airflow"');
    });

    it("Feast /health: 200 passes; 503 names the registry; another status is quoted", () => {
        assert.deepEqual(interpretFeastHealth(ok(ex("", 200))), { status: "pass", reason: "the feature server reads its registry" });
        assert.equal(interpretFeastHealth(ok(ex("", 503))).reason, "Feast: HTTP 503: the feature server cannot read its registry (check the registry database)");
        assert.equal(interpretFeastHealth(ok(ex("Not Found", 404))).reason, "Feast: HTTP 404: Not Found");
        assert.equal(interpretFeastHealth(ok("", 7)).status, "fail");
    });

    const target = (pool: string, health: string, lastError = "") => ({ scrapePool: pool, scrapeUrl: `http://${pool}:9090/metrics`, health, lastError, labels: { job: pool } });
    it("all targets up passes; every down target is named with its error", () => {
        const up = { status: "success", data: { activeTargets: [target("trino", "up"), target("kafka", "up")] } };
        assert.deepEqual(interpretTargets(ok(ex(up))), { status: "pass", reason: "2 targets up" });
        const down = { status: "success", data: { activeTargets: [target("trino", "up"), target("serviceMonitor/ml-lakehouse/metastore/0", "down", "context deadline exceeded"), target("kafka", "unknown")] } };
        assert.equal(interpretTargets(ok(ex(down))).reason, "2 of 3 targets not up: serviceMonitor/ml-lakehouse/metastore/0 http://serviceMonitor/ml-lakehouse/metastore/0:9090/metrics (down: context deadline exceeded); kafka http://kafka:9090/metrics (unknown)");
        assert.equal(interpretTargets(ok(ex({ status: "success", data: { activeTargets: [] } }))).reason, "Prometheus has no active targets");
    });

    const cert = (name: string, status: string, reason?: string, message?: string) => ({ metadata: { namespace: "kserve", name }, status: { conditions: [{ type: "Ready", status, reason, message }] } });
    it("Certificates: each Ready=True passes; others are named with the condition's reason", () => {
        assert.deepEqual(interpretReady(ok(JSON.stringify({ items: [cert("webhook", "True")] })), { what: "Certificates" }), { status: "pass", reason: "1 Certificates Ready" });
        const r = interpretReady(ok(JSON.stringify({ items: [cert("webhook", "True"), cert("trino-tls", "False", "DoesNotExist", "Issuing certificate as Secret does not exist"), { metadata: { namespace: "a", name: "b" } }] })), { what: "Certificates" });
        assert.equal(r.reason, "2 of 3 Certificates not Ready: kserve/trino-tls (DoesNotExist: Issuing certificate as Secret does not exist); a/b (no Ready condition yet)");
        assert.equal(interpretReady({ exitCode: 1, stdout: "", stderr: 'error: the server doesn\'t have a resource type "certificates"' }, { what: "Certificates" }).status, "fail");
    });

    it("InferenceServices: each configured model Ready; a missing one or a load failure is named", () => {
        const isvc = (name: string, ready: boolean, failure?: object) => ({ metadata: { name }, status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }], ...(failure && { modelStatus: { lastFailureInfo: failure } }) } });
        assert.equal(interpretInferenceServices(ok(JSON.stringify({ items: [isvc("a", true)] })), { models: ["a"] }).status, "pass");
        const r = interpretInferenceServices(ok(JSON.stringify({ items: [isvc("a", false, { reason: "ModelLoadFailed", message: "AccessDenied: s3://models/a" })] })), { models: ["a", "b"], identity: "ml-serving/kserve-models" });
        assert.equal(r.reason, "2 of 2 model(s) not Ready as ml-serving/kserve-models: a: ModelLoadFailed: AccessDenied: s3://models/a; b: no InferenceService");
    });

    it("predict: predictions pass, an error status fails", () => {
        assert.deepEqual(interpretPredict(ok(ex({ predictions: [1, 1] })), { model: "sklearn-iris" }), { status: "pass", reason: "sklearn-iris predicted [1,1]" });
        assert.equal(interpretPredict(ok(ex("upstream connect error", 503)), { model: "sklearn-iris" }).reason, "sklearn-iris: HTTP 503: upstream connect error");
    });

    it("the transcript keeps bodies, steps and markers apart", () => {
        assert.deepEqual(parseTranscript("@@step a\n{}\n@@status 200\nnoise\n@@run r1\n"), { exchanges: [{ step: "a", status: 200, body: "{}" }], markers: { run: "r1" }, lines: ["noise"] });
    });
});
