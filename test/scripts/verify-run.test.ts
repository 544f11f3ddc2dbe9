import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { kafkaClientSecretKeys } from "../../components/streaming/types";
import { parseArgs } from "../../scripts/verify";
import { buildChecks } from "../../scripts/verify/checks";
import { interpretKafka, interpretMlflow, interpretTrino } from "../../scripts/verify/interpret";
import { kafkaScript, mlflowScript, trinoScript } from "../../scripts/verify/pods";
import { Kubectl, markdownReport, redact, runCheck, runChecks, runPod, textReport } from "../../scripts/verify/run";
import { Check, PodManifest, Verdict } from "../../scripts/verify/types";
import { devOutputs, SECRETS } from "./verify-fixtures";

/** Runs a pod's script with sh, stand-in tools first on PATH, in its own temp dir. */
function runScript(script: string, tools: Record<string, string>, env: Record<string, string>) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-script-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    for (const [name, body] of Object.entries(tools)) fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    const r = spawnSync("/bin/sh", ["-c", script], { env: { PATH: `${bin}:/usr/bin:/bin`, TMPDIR: dir, ...env }, encoding: "utf8" });
    return { exitCode: r.status ?? 1, stdout: r.stdout + r.stderr, dir };
}

/** A curl that answers from a list of files, one per call, and logs its arguments. */
function fakeCurl(answers: [number, string][]): Record<string, string> {
    const cases = answers.map(([code, body], i) => `${i + 1}) code=${code}; body='${body}';;`).join("\n");
    return {
        curl: `n=$(( $(cat "$TMPDIR/calls" 2>/dev/null || echo 0) + 1 )); echo $n > "$TMPDIR/calls"; echo "$@" >> "$TMPDIR/args"
out=""; while [ $# -gt 0 ]; do case $1 in -o) out=$2; shift;; esac; shift; done
case $n in
${cases}
*) exit 7;;
esac
printf '%s' "$body" > "$out"; printf '%s' "$code"`,
    };
}

describe("verify: the pods' scripts, run with stand-in tools", () => {
    it("Trino: follows nextUri until it ends; the transcript passes", () => {
        const u = "http://trino:8080/v1/statement";
        const r = runScript(trinoScript, fakeCurl([[200, `{"id":"q1","nextUri":"${u}/queued/q1/1","stats":{"state":"QUEUED"}}`], [200, `{"id":"q1","nextUri":"${u}/executing/q1/2","data":[[1]],"stats":{"state":"RUNNING"}}`], [200, `{"id":"q1","stats":{"state":"FINISHED"}}`]]), { TRINO_URL: "http://trino:8080/" });
        assert.deepEqual(interpretTrino(r, { via: "x" }), { status: "pass", reason: "SELECT 1 returned 1 x (query q1)" });
        const args = fs.readFileSync(path.join(r.dir, "args"), "utf8").split("\n");
        assert.match(args[0], /--data SELECT 1 http:\/\/trino:8080\/v1\/statement$/);
        assert.match(args[2], /executing\/q1\/2$/);
    });

    it("MLflow: creates the missing experiment, logs a run with the run id it got; the login only in curl's config file", () => {
        const r = runScript(
            mlflowScript,
            fakeCurl([[404, '{"error_code": "RESOURCE_DOES_NOT_EXIST"}'], [200, '{"experiment_id": "7"}'], [200, '{"run": {"info": {"run_id": "abc123", "experiment_id": "7"}}}'], [200, "{}"], [200, "{}"]]),
            { MLFLOW_TRACKING_URI: "http://mlflow:5000", MLFLOW_TRACKING_USERNAME: "airflow", MLFLOW_TRACKING_PASSWORD: SECRETS.mlflow },
        );
        assert.deepEqual(interpretMlflow(r), { status: "pass", reason: 'logged run abc123 with a metric to experiment "verify"' });
        const args = fs.readFileSync(path.join(r.dir, "args"), "utf8");
        assert.match(args, /"experiment_id":"7"/);
        assert.match(args, /"run_id":"abc123","key":"verify"/);
        assert.ok(!args.includes(SECRETS.mlflow));
        assert.equal(fs.readFileSync(path.join(r.dir, "auth"), "utf8"), `user = "airflow:${SECRETS.mlflow}"\n`);
    });

    it("MLflow: stops at the first refused call", () => {
        const r = runScript(mlflowScript, fakeCurl([[401, "You are not authenticated."]]), { MLFLOW_TRACKING_URI: "http://mlflow:5000", MLFLOW_TRACKING_USERNAME: "a", MLFLOW_TRACKING_PASSWORD: "b" });
        assert.equal(r.exitCode, 1);
        assert.match(interpretMlflow(r).reason, /^MLflow get-experiment: HTTP 401/);
    });

    const kafkaTools = (dir: string) => {
        const bin = path.join(dir, "kafka");
        fs.mkdirSync(bin);
        const tool = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
        tool("kafka-topics.sh", "exit 0");
        tool("kafka-console-producer.sh", 'cat > "$TMPDIR/topic-data"');
        tool("kafka-console-consumer.sh", 'echo "$@" > "$TMPDIR/consumer-args"; cat "$TMPDIR/topic-data"; echo "Processed a total of 1 messages"');
        return bin;
    };
    const secretDir = (entries: Record<string, string>) => {
        const d = fs.mkdtempSync(path.join(os.tmpdir(), "verify-conn-"));
        for (const [k, v] of Object.entries(entries)) fs.writeFileSync(path.join(d, k), v);
        return d;
    };
    const k = kafkaClientSecretKeys;

    for (const [env, secret, properties, group] of [
        ["dev", { [k.bootstrapServers]: "b:9092", [k.securityProtocol]: "PLAINTEXT" }, "security.protocol=PLAINTEXT\n", "verify"],
        [
            "prod",
            { [k.bootstrapServers]: "b:9093", [k.securityProtocol]: "SASL_SSL", [k.saslMechanism]: "SCRAM-SHA-512", [k.username]: "airflow", [k.password]: "scram-secret", [k.caCertificate]: "PEM" },
            'security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="airflow" password="scram-secret";\nssl.truststore.type=PEM\nssl.truststore.location=CONN/ca.crt\n',
            "airflow-verify",
        ],
    ] as const) {
        it(`Kafka ${env}: the client properties and group come from the Secret's files; the record comes back`, () => {
            const conn = secretDir(secret);
            const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "verify-kafka-"));
            const r = spawnSync("/bin/sh", ["-c", kafkaScript(kafkaClientSecretKeys)], { env: { PATH: "/usr/bin:/bin", TMPDIR: tmp, CONN: conn, TOPIC: "t", KAFKA_BIN: kafkaTools(tmp) }, encoding: "utf8" });
            assert.equal(fs.readFileSync(path.join(tmp, "client.properties"), "utf8"), properties.replace("CONN", conn));
            assert.equal(interpretKafka({ exitCode: r.status ?? 1, stdout: r.stdout }, { topic: "t" }).status, "pass", r.stdout + r.stderr);
            assert.ok(!r.stdout.includes("scram-secret"));
            // The consumer group carries the client's name: its ACLs allow `<client>-*`.
            assert.match(fs.readFileSync(path.join(tmp, "consumer-args"), "utf8"), new RegExp(`--group ${group} `));
        });
    }
});

/** A kubectl that plays a pod's life: created, pending once, then finished with the given logs. */
function fakeKubectl(logs: string, exitCode = 0, waiting?: { reason: string; message: string }) {
    const calls: string[][] = [];
    let gets = 0;
    const kubectl: Kubectl = async (args) => {
        calls.push([...args]);
        if (args[0] === "get" && args[1] === "pod") {
            gets++;
            if (waiting) return { code: 0, stdout: JSON.stringify({ status: { phase: "Pending", containerStatuses: [{ state: { waiting } }] } }), stderr: "" };
            const status = gets < 2 ? { phase: "Pending" } : { phase: exitCode ? "Failed" : "Succeeded", containerStatuses: [{ state: { terminated: { exitCode } } }] };
            return { code: 0, stdout: JSON.stringify({ status }), stderr: "" };
        }
        if (args[0] === "logs") return { code: 0, stdout: logs, stderr: "" };
        return { code: 0, stdout: "", stderr: "" };
    };
    return { kubectl, calls };
}

describe("verify: running checks", () => {
    const manifest: PodManifest = { apiVersion: "v1", kind: "Pod", metadata: { name: "verify-x-1", namespace: "ns", labels: {} }, spec: {} };

    it("a pod is created, waited for, read and deleted; a pod that cannot start fails with the reason and is deleted too", async () => {
        const ok = fakeKubectl("hello\n", 3);
        assert.deepEqual(await runPod(ok.kubectl, manifest), { exitCode: 3, stdout: "hello\n", stderr: undefined });
        assert.deepEqual(ok.calls.map((c) => c[0]), ["create", "get", "get", "logs", "delete"]);
        const stuck = fakeKubectl("", 0, { reason: "CreateContainerConfigError", message: 'secret "mlflow-airflow" not found' });
        assert.deepEqual(await runPod(stuck.kubectl, manifest), { error: 'pod never started: CreateContainerConfigError: secret "mlflow-airflow" not found' });
        assert.deepEqual(stuck.calls.at(-1), ["delete", "pod", "verify-x-1", "-n", "ns", "--ignore-not-found", "--wait=false"]);
    });

    it("retries failing checks until they pass, and reports the seconds from the start to all passing", async () => {
        let clock = 1_000_000;
        const attempts: Record<string, number> = {};
        const check = (name: string, passAt: number): Check => ({ name, plan: { type: "skip", reason: "" }, interpret: () => ({ status: "pass", reason: "" }) , ...{ passAt } });
        const run = async (c: Check): Promise<Verdict> => {
            attempts[c.name] = (attempts[c.name] ?? 0) + 1;
            clock += 5_000;
            return attempts[c.name] >= (c as any).passAt ? { status: "pass", reason: "ok" } : { status: "fail", reason: `no, password ${SECRETS.trino}` };
        };
        const report = await runChecks([check("a", 1), check("b", 3)], run, { stack: "dev", timeoutSeconds: 600, startedAt: clock - 100_000, secrets: Object.values(SECRETS), retryDelayMs: 0, concurrency: 1, now: () => clock });
        assert.deepEqual(attempts, { a: 1, b: 3 });
        assert.equal(report.secondsToAllPassing, 100 + 20);
        assert.match(markdownReport(report, { since: "the start of `up`" }), /^\*\*dev: every check passing 120 s after the start of `up`\.\*\*/);

        const failing = await runChecks([check("b", 9)], run, { stack: "dev", timeoutSeconds: 0, startedAt: clock, secrets: Object.values(SECRETS), retryDelayMs: 0, now: () => clock });
        assert.equal(failing.secondsToAllPassing, undefined);
        assert.equal(failing.results[0].reason, "no, password ***");
        const text = textReport(failing) + markdownReport(failing, { since: "x" }) + JSON.stringify(failing);
        for (const s of Object.values(SECRETS)) assert.ok(!text.includes(s), s);
        assert.match(textReport(failing), /0 passed, 1 failed, 0 skipped$/);
    });

    it("redact replaces every occurrence of every secret", () => {
        assert.equal(redact("a s3cret b s3cret", ["s3cret", "zz"]), "a *** b ***");
    });

    it("a kubectl check hands kubectl's exit code and error to its interpretation", async () => {
        const certs = buildChecks(devOutputs, { suffix: "s" }).find((c) => c.name === "certificates")!;
        const kubectl: Kubectl = async () => ({ code: 1, stdout: "", stderr: "error: You must be logged in to the server (Unauthorized)" });
        assert.deepEqual(await runCheck(certs, kubectl), { status: "fail", reason: "kubectl get Certificates: error: You must be logged in to the server (Unauthorized)" });
    });

    it("arguments: --stack required, --insecure only for dev, numbers checked", () => {
        assert.deepEqual(parseArgs(["--stack", "dev", "--timeout", "900", "--insecure", "--summary", "s.md", "--started-at", "100"]), {
            stack: "dev", timeout: 900, json: false, insecure: true, local: false, kafkaTopic: "ml-platform.verify", summary: "s.md", startedAt: 100_000,
        });
        assert.throws(() => parseArgs(["--timeout", "5"]), /--stack is required/);
        assert.throws(() => parseArgs(["--stack", "prod", "--insecure"]), /--insecure is for the dev stack only/);
        assert.throws(() => parseArgs(["--stack", "dev", "--timeout", "soon"]), /expected a number of seconds/);
        assert.throws(() => parseArgs(["--stack", "dev", "--verbose"]), /unknown argument "--verbose"/);
    });
});
