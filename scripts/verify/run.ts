/**
 * Runs checks against a cluster: pods with kubectl, reads with kubectl, Trino through the ingress with Node's own
 * HTTP client. Retries failing checks until every one passes or the time is up, and reports.
 */
import { spawn } from "child_process";
import * as http from "http";
import * as https from "https";
import { Check, CheckResult, Outcome, PodManifest, Report, Verdict } from "./types";

export interface Kubectl {
    (args: readonly string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** kubectl with the stack's kubeconfig (a 0600 file the caller owns and deletes). */
export function kubectlWith(kubeconfigPath: string): Kubectl {
    return (args, input) =>
        new Promise((resolve) => {
            const child = spawn("kubectl", ["--kubeconfig", kubeconfigPath, ...args], { stdio: ["pipe", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d) => (stdout += d));
            child.stderr.on("data", (d) => (stderr += d));
            child.on("error", (e) => resolve({ code: 127, stdout, stderr: `kubectl: ${e.message}` }));
            child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
            child.stdin.end(input ?? "");
        });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waiting reasons that will not resolve by themselves within a check's time. */
const STUCK = /ErrImagePull|ImagePullBackOff|CreateContainerConfigError|InvalidImageName|CreateContainerError/;

/** Creates the pod, waits for it to finish, reads its logs and exit code, and deletes it whatever happened. */
export async function runPod(kubectl: Kubectl, manifest: PodManifest, timeoutMs = 200_000): Promise<Outcome | { error: string }> {
    const { name, namespace } = manifest.metadata;
    const created = await kubectl(["create", "-f", "-"], JSON.stringify(manifest));
    if (created.code !== 0) return { error: `pod not admitted in ${namespace}: ${created.stderr.trim()}` };
    try {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const got = await kubectl(["get", "pod", name, "-n", namespace, "-o", "json"]);
            const pod = got.code === 0 ? JSON.parse(got.stdout) : undefined;
            const phase = pod?.status?.phase;
            const state = pod?.status?.containerStatuses?.[0]?.state;
            if (phase === "Succeeded" || phase === "Failed" || state?.terminated) {
                const logs = await kubectl(["logs", name, "-n", namespace]);
                return { exitCode: state?.terminated?.exitCode ?? (phase === "Succeeded" ? 0 : 1), stdout: logs.stdout, stderr: logs.code ? logs.stderr : undefined };
            }
            const waiting = state?.waiting;
            if (waiting && STUCK.test(waiting.reason ?? "")) return { error: `pod never started: ${waiting.reason}: ${waiting.message ?? ""}`.trim() };
            if (Date.now() > deadline) {
                const why = waiting?.reason ?? pod?.status?.conditions?.find((c: any) => c.status !== "True")?.message ?? phase ?? "unknown";
                return { error: `pod did not finish within ${Math.round(timeoutMs / 1000)} s (${why})` };
            }
            await sleep(2000);
        }
    } finally {
        await kubectl(["delete", "pod", name, "-n", namespace, "--ignore-not-found", "--wait=false"]);
    }
}

function request(url: string, opts: { method: string; headers: Record<string, string>; body?: string; insecure: boolean }): Promise<{ status: number; body: string }> {
    const u = new URL(url);
    const lib = u.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
        const req = lib.request(u, { method: opts.method, headers: opts.headers, timeout: 20_000, ...(u.protocol === "https:" ? { rejectUnauthorized: !opts.insecure } : {}) }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(new Error("timed out after 20 s")));
        req.on("error", reject);
        req.end(opts.body);
    });
}

/**
 * Trino's client protocol from the runner: POST, then GET each `nextUri`, printed as the pods print it. The login
 * goes only to the ingress's own origin: a `nextUri` elsewhere stops the query (the interpretation names it).
 */
export async function runTrinoHttp(plan: Extract<Check["plan"], { type: "trino-http" }>): Promise<Outcome> {
    const origin = new URL(plan.url).origin;
    const headers: Record<string, string> = { "X-Trino-User": "ml-platform-verify" };
    if (plan.auth) headers.Authorization = `Basic ${Buffer.from(`${plan.auth.username}:${plan.auth.password}`).toString("base64")}`;
    let out = "";
    try {
        let res = await request(`${plan.url.replace(/\/$/, "")}/v1/statement`, { method: "POST", headers: { ...headers, "Content-Type": "text/plain" }, body: "SELECT 1", insecure: plan.insecure });
        for (let i = 0; ; i++) {
            out += `${res.body}\n@@status ${res.status}\n`;
            let next: string | undefined;
            try {
                next = JSON.parse(res.body)?.nextUri;
            } catch {
                next = undefined;
            }
            if (!next || res.status !== 200 || i >= 120 || new URL(next).origin !== origin) break;
            await sleep(500);
            res = await request(next, { method: "GET", headers, insecure: plan.insecure });
        }
        return { exitCode: 0, stdout: out };
    } catch (e) {
        return { exitCode: 1, stdout: out, stderr: (e as Error).message };
    }
}

export async function runCheck(check: Check, kubectl: Kubectl): Promise<Verdict> {
    const plan = check.plan;
    if (plan.type === "skip") return check.interpret({ exitCode: 0, stdout: "" });
    if (plan.type === "kubectl") {
        const r = await kubectl(plan.args);
        return check.interpret({ exitCode: r.code, stdout: r.stdout, stderr: r.stderr });
    }
    if (plan.type === "trino-http") return check.interpret(await runTrinoHttp(plan));
    const outcome = await runPod(kubectl, plan.manifest);
    return "error" in outcome ? { status: "fail", reason: outcome.error } : check.interpret(outcome);
}

/** Replaces every secret value in a text with `***` (reasons quote server responses and kubectl errors). */
export function redact(text: string, secrets: readonly string[]): string {
    return secrets.filter((s) => s.length >= 4).reduce((t, s) => t.split(s).join("***"), text);
}

export interface RunOptions {
    readonly stack: string;
    /** Keep re-running failing checks until this many seconds after `startedAt`; 0 runs each check once. */
    readonly timeoutSeconds: number;
    /** When the wait started (ms since the epoch): verify's own start, or the start of `up`. */
    readonly startedAt: number;
    readonly secrets: readonly string[];
    readonly retryDelayMs?: number;
    readonly concurrency?: number;
    readonly onRound?: (results: readonly CheckResult[]) => void;
    readonly now?: () => number;
}

/** Runs every check, then only the failing ones again until all pass or the time is up. */
export async function runChecks(checks: readonly Check[], run: (c: Check) => Promise<Verdict>, opts: RunOptions): Promise<Report> {
    const now = opts.now ?? Date.now;
    const results = new Map<string, CheckResult>();
    let pending = [...checks];
    for (;;) {
        const queue = [...pending];
        const worker = async () => {
            for (let c = queue.shift(); c; c = queue.shift()) {
                const t0 = now();
                let verdict: Verdict;
                try {
                    verdict = await run(c);
                } catch (e) {
                    verdict = { status: "fail", reason: `verify itself failed: ${(e as Error).message}` };
                }
                results.set(c.name, { name: c.name, status: verdict.status, reason: redact(verdict.reason, opts.secrets), seconds: Math.round((now() - t0) / 100) / 10 });
            }
        };
        await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
        const ordered = checks.map((c) => results.get(c.name)!);
        opts.onRound?.(ordered);
        pending = checks.filter((c) => results.get(c.name)!.status === "fail");
        const elapsed = (now() - opts.startedAt) / 1000;
        if (!pending.length) return { stack: opts.stack, results: ordered, secondsToAllPassing: Math.round(elapsed) };
        if (elapsed + (opts.retryDelayMs ?? 15_000) / 1000 >= opts.timeoutSeconds) return { stack: opts.stack, results: ordered };
        await sleep(opts.retryDelayMs ?? 15_000);
    }
}

const mark = { pass: "pass", fail: "FAIL", skip: "skip" } as const;

export function textReport(r: Report): string {
    const w = Math.max(5, ...r.results.map((x) => x.name.length));
    const lines = r.results.map((x) => `${x.name.padEnd(w)}  ${mark[x.status]}  ${x.seconds.toFixed(1).padStart(6)}s  ${x.reason}`);
    return [`${"check".padEnd(w)}  ${"".padEnd(4)}  ${"time".padStart(7)}  reason`, ...lines, summaryLine(r)].join("\n");
}

function summaryLine(r: Report): string {
    const count = (s: CheckResult["status"]) => r.results.filter((x) => x.status === s).length;
    const tally = `${count("pass")} passed, ${count("fail")} failed, ${count("skip")} skipped`;
    return r.secondsToAllPassing !== undefined ? `${tally}; every check passing ${r.secondsToAllPassing} s after the start` : tally;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function markdownReport(r: Report, { since }: { since: string }): string {
    const head =
        r.secondsToAllPassing !== undefined
            ? `**${r.stack}: every check passing ${r.secondsToAllPassing} s after ${since}.**`
            : `**${r.stack}: not every check passed** (${summaryLine(r)}).`;
    const rows = r.results.map((x) => `| ${cell(x.name)} | ${mark[x.status]} | ${cell(x.reason)} | ${x.seconds.toFixed(1)} |`);
    return [head, "", "| check | result | reason | seconds |", "| --- | --- | --- | --- |", ...rows, ""].join("\n");
}
