/**
 * Post-deploy check of a running platform: exercises every connection with its real credentials and reports each
 * as pass/fail with the reason. Needs kubectl on PATH (and the cluster's auth plugin: gke-gcloud-auth-plugin or
 * kubelogin). Exit status 1 when any check fails.
 *   npm run verify -- --stack <name> [--timeout <s>] [--json] [--summary <file>] [--started-at <epoch s>]
 *                     [--kafka-topic <name>] [--insecure (dev only)] [--local]
 * The dev stack (and any with --local) is read through scripts/local-stack.sh (file backend in this folder); others
 * through the Pulumi CLI's current backend.
 */
import { spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildChecks, DEFAULT_KAFKA_TOPIC } from "./verify/checks";
import { kubectlWith, markdownReport, runCheck, runChecks, textReport } from "./verify/run";
import { StackOutputs } from "./verify/types";

export interface VerifyArgs {
    stack: string;
    timeout: number;
    json: boolean;
    summary?: string;
    startedAt?: number;
    kafkaTopic: string;
    insecure: boolean;
    local: boolean;
}

/** Parses the command line; throws with a usage message on anything it does not understand. */
export function parseArgs(argv: readonly string[]): VerifyArgs {
    const usage = "usage: npm run verify -- --stack <name> [--timeout <s>] [--json] [--summary <file>] [--started-at <epoch s>] [--kafka-topic <name>] [--insecure] [--local]";
    const a: Partial<VerifyArgs> = { timeout: 0, json: false, insecure: false, local: false, kafkaTopic: DEFAULT_KAFKA_TOPIC };
    for (let i = 0; i < argv.length; i++) {
        const value = () => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new Error(`${argv[i - 1]} needs a value\n${usage}`);
            return v;
        };
        const number = () => {
            const v = Number(value());
            if (!Number.isFinite(v) || v < 0) throw new Error(`${argv[i - 1]}: got "${argv[i]}"; expected a number of seconds\n${usage}`);
            return v;
        };
        switch (argv[i]) {
            case "--stack": a.stack = value(); break;
            case "--timeout": a.timeout = number(); break;
            case "--started-at": a.startedAt = number() * 1000; break;
            case "--summary": a.summary = value(); break;
            case "--kafka-topic": a.kafkaTopic = value(); break;
            case "--json": a.json = true; break;
            case "--insecure": a.insecure = true; break;
            case "--local": a.local = true; break;
            default: throw new Error(`unknown argument "${argv[i]}"\n${usage}`);
        }
    }
    if (!a.stack) throw new Error(`--stack is required\n${usage}`);
    // A private CA in prod belongs in the runner's trust store (NODE_EXTRA_CA_CERTS), not in a skipped check.
    if (a.insecure && a.stack !== "dev") throw new Error(`--insecure is for the dev stack only; for ${a.stack}, trust its CA with NODE_EXTRA_CA_CERTS=<ca.pem>`);
    return a as VerifyArgs;
}

const repoRoot = path.resolve(__dirname, "..");

function stackOutputs(args: VerifyArgs): StackOutputs {
    const local = args.local || args.stack === "dev";
    const [cmd, cmdArgs] = local
        ? ["bash", [path.join(repoRoot, "scripts/local-stack.sh"), args.stack, "stack", "output", "--json", "--show-secrets"]]
        : ["pulumi", ["stack", "output", "--json", "--show-secrets", "--stack", args.stack]];
    const r = spawnSync(cmd, cmdArgs as string[], { cwd: repoRoot, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.error || r.status !== 0) throw new Error(`reading the outputs of stack ${args.stack} failed: ${r.error?.message ?? r.stderr.trim()}`);
    const outputs = JSON.parse(r.stdout) as StackOutputs;
    if (!outputs.kubeconfig) throw new Error(`stack ${args.stack} has no kubeconfig output: is it deployed (npm run dev:up / pulumi up)?`);
    return outputs;
}

/** Every secret value the outputs hold, for redaction in the report. */
function secretValues(outputs: StackOutputs): string[] {
    return Object.values(outputs.credentials ?? {}).map((c) => c.password).filter(Boolean);
}

async function main() {
    const args = parseArgs(process.argv.slice(2));
    const begun = Date.now();
    const outputs = stackOutputs(args);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ml-platform-verify-"));
    const kubeconfig = path.join(dir, "kubeconfig");
    const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
    process.on("SIGINT", () => (cleanup(), process.exit(130)));
    process.on("SIGTERM", () => (cleanup(), process.exit(143)));
    try {
        fs.writeFileSync(kubeconfig, outputs.kubeconfig!, { mode: 0o600 });
        const kubectl = kubectlWith(kubeconfig);
        const checks = buildChecks(outputs, { insecure: args.insecure, kafkaTopic: args.kafkaTopic, suffix: randomBytes(3).toString("hex") });
        const report = await runChecks(checks, (c) => runCheck(c, kubectl), {
            stack: args.stack,
            // --timeout counts from verify's start; the clock of the report may have started earlier (--started-at).
            timeoutSeconds: args.timeout === 0 ? 0 : args.timeout + (begun - (args.startedAt ?? begun)) / 1000,
            startedAt: args.startedAt ?? begun,
            secrets: secretValues(outputs),
            onRound: (results) => {
                if (args.json) return;
                const failing = results.filter((r) => r.status === "fail");
                if (failing.length && args.timeout) console.error(`${failing.length} check(s) failing (${failing.map((f) => f.name).join(", ")}); retrying until the timeout`);
            },
        });
        console.log(args.json ? JSON.stringify(report, null, 2) : textReport(report));
        if (args.summary) fs.appendFileSync(args.summary, markdownReport(report, { since: args.startedAt ? "the start of `up`" : "verify started" }) + "\n");
        process.exitCode = report.results.some((r) => r.status === "fail") ? 1 : 0;
    } finally {
        cleanup();
    }
}

if (require.main === module) {
    main().catch((e) => {
        console.error(`ml-platform verify: ${(e as Error).message}`);
        process.exit(2);
    });
}
