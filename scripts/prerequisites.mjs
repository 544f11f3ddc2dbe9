// Checks everything `scripts/local-stack.sh <stack> ...` needs before it touches any state, and prints every missing
// prerequisite at once, each with how to get it. Exit status 1 when something is missing.
//   usage: node scripts/prerequisites.mjs <stack file, e.g. Pulumi.dev.yaml> [--ports]
// Every stack: the Pulumi CLI. kind: kind, a running Docker daemon and, with --ports (before `up`), free host ports
// (the ingress's httpPort and httpsPort, and Kafka's external NodePorts when streaming is on). GKE: gcloud and
// gke-gcloud-auth-plugin. AKS: az and kubelogin.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { connect } from "node:net";
import { basename } from "node:path";

/** The versions README.md "Prerequisites" names (test/scripts/prerequisites.test.ts keeps them in step). */
export const MIN_PULUMI = "3.248.0";
export const MIN_KIND = "0.30.0";
/** Kafka's external listener on kind (stacks/platform.ts KAFKA_NODE_PORTS), mapped to 127.0.0.1 by the kind node. */
const KAFKA_PORTS = [30094, 30095];

const PULUMI_FROM_SOURCE = 'or build it from source: bin=$(bash scripts/pulumi-tools.sh) && export PATH="$bin:$PATH"';

function run(cmd, args) {
    const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 30_000 });
    if (r.error) return { missing: r.error.code === "ENOENT", ok: false, out: "", err: String(r.error.message) };
    return { missing: false, ok: r.status === 0, out: r.stdout ?? "", err: r.stderr ?? "" };
}

const versionOf = (text) => /v?(\d+)\.(\d+)\.(\d+)/.exec(text)?.slice(1, 4).map(Number);
const atLeast = (have, want) => {
    const w = versionOf(want);
    for (let i = 0; i < 3; i++) if (have[i] !== w[i]) return have[i] > w[i];
    return true;
};
const firstLine = (text) => text.trim().split("\n").find((l) => l.trim()) ?? "";

/** The stack file's `ml-platform:*` values that decide what the stack needs. */
function stackSettings(file) {
    const settings = { provider: undefined, clusterName: undefined, httpPort: 80, httpsPort: 443, streaming: true };
    if (!existsSync(file)) return settings;
    const require = createRequire(import.meta.url);
    const config = require("yaml").parse(readFileSync(file, "utf8"))?.config ?? {};
    const cluster = config["ml-platform:cluster"] ?? {};
    settings.provider = cluster.provider;
    settings.clusterName = cluster.name ?? `ml-platform-${basename(file).replace(/^Pulumi\.|\.yaml$/g, "")}`;
    if (Number.isInteger(cluster.httpPort)) settings.httpPort = cluster.httpPort;
    if (Number.isInteger(cluster.httpsPort)) settings.httpsPort = cluster.httpsPort;
    if (config["ml-platform:components"]?.streaming === false) settings.streaming = false;
    return settings;
}

/** Whether something accepts connections on 127.0.0.1:port (binding to test it would need root below 1024). */
function inUse(port) {
    return new Promise((resolve) => {
        const socket = connect({ host: "127.0.0.1", port });
        const done = (used) => {
            socket.destroy();
            resolve(used);
        };
        socket.setTimeout(1000, () => done(false));
        socket.once("connect", () => done(true));
        socket.once("error", () => done(false));
    });
}

export async function missingPrerequisites(stackFile, { ports = false } = {}) {
    const settings = stackSettings(stackFile);
    const missing = [];

    const pulumi = run("pulumi", ["version"]);
    const pulumiVersion = versionOf(pulumi.out);
    if (pulumi.missing) {
        missing.push(`Pulumi CLI: not on PATH. Install ${MIN_PULUMI} or newer (https://www.pulumi.com/docs/install/), ${PULUMI_FROM_SOURCE}`);
    } else if (!pulumiVersion || !atLeast(pulumiVersion, MIN_PULUMI)) {
        missing.push(`Pulumi CLI: ${firstLine(pulumi.out) || "unknown version"} found; ${MIN_PULUMI} or newer needed. Upgrade (https://www.pulumi.com/docs/install/), ${PULUMI_FROM_SOURCE}`);
    }

    if (settings.provider === "kind") {
        const kind = run("kind", ["version"]);
        const kindVersion = versionOf(kind.out);
        if (kind.missing) {
            missing.push(`kind: not on PATH. Install v${MIN_KIND} or newer: go install sigs.k8s.io/kind@v${MIN_KIND}, or a release binary (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)`);
        } else if (!kindVersion || !atLeast(kindVersion, MIN_KIND)) {
            missing.push(`kind: ${firstLine(kind.out) || "unknown version"} found; v${MIN_KIND} or newer needed: go install sigs.k8s.io/kind@v${MIN_KIND}`);
        }

        const docker = run("docker", ["info", "--format", "{{.ServerVersion}}"]);
        if (docker.missing) {
            missing.push("Docker: not on PATH. Install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop, and start it");
        } else if (!docker.ok || !docker.out.trim()) {
            missing.push(`Docker: the client is installed but the daemon does not answer (docker info: ${firstLine(docker.err) || "no server version"}). Start it: sudo systemctl start docker, or open Docker Desktop`);
        }

        // A kind cluster of this name already holds its own ports: a second `up` must not trip over them.
        const existing = kind.ok ? run("kind", ["get", "clusters"]).out.split("\n").map((l) => l.trim()) : [];
        if (ports && !existing.includes(settings.clusterName)) {
            const ports = [
                [settings.httpPort, "ml-platform:cluster.httpPort", `or set another: pulumi config set --path cluster.httpPort ${settings.httpPort === 80 ? 8080 : settings.httpPort + 1}`],
                [settings.httpsPort, "ml-platform:cluster.httpsPort", `or set another: pulumi config set --path cluster.httpsPort ${settings.httpsPort === 443 ? 8443 : settings.httpsPort + 1}`],
                ...(settings.streaming ? KAFKA_PORTS.map((p) => [p, "Kafka's external listener on kind", "(this port is fixed)"]) : []),
            ];
            for (const [port, what, alternative] of ports) {
                if (await inUse(port)) missing.push(`host port ${port} (${what}): in use on 127.0.0.1. Stop what listens there, ${alternative}`);
            }
        }
    }
    const clouds = {
        gke: [
            ["gcloud", "https://cloud.google.com/sdk/docs/install"],
            ["gke-gcloud-auth-plugin", "gcloud components install gke-gcloud-auth-plugin"],
        ],
        aks: [
            ["az", "https://learn.microsoft.com/cli/azure/install-azure-cli"],
            ["kubelogin", "az aks install-cli, or https://azure.github.io/kubelogin/install.html"],
        ],
    };
    for (const [tool, how] of clouds[settings.provider] ?? []) {
        if (run(tool, ["--version"]).missing) missing.push(`${tool}: not on PATH. Install it: ${how}`);
    }
    return missing;
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
    const stackFile = process.argv[2];
    if (!stackFile) {
        console.error("usage: node scripts/prerequisites.mjs <stack file>");
        process.exit(2);
    }
    const missing = await missingPrerequisites(stackFile, { ports: process.argv.includes("--ports") });
    if (missing.length) {
        console.error(`ml-platform: ${missing.length} prerequisite${missing.length === 1 ? "" : "s"} missing for ${basename(stackFile)}; nothing was changed:`);
        for (const m of missing) console.error(`  - ${m}`);
        process.exit(1);
    }
}
