import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { repoRoot } from "../harness";

/** A temp dir of stand-in executables: the only thing on PATH, so nothing of this machine's leaks in. */
function standIns(tools: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prereq-bin-"));
    for (const [name, script] of Object.entries(tools)) fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return dir;
}

function check(bin: string, stackFile: string, args: string[] = ["--ports"]) {
    const r = spawnSync(process.execPath, [path.join(repoRoot, "scripts/prerequisites.mjs"), stackFile, ...args], {
        cwd: repoRoot,
        env: { PATH: bin, HOME: os.tmpdir() },
        encoding: "utf8",
    });
    return { status: r.status, stderr: r.stderr };
}

const listen = (port: number) =>
    new Promise<net.Server | undefined>((resolve) => {
        const server = net.createServer();
        server.once("error", () => resolve(undefined)); // taken already: in use either way
        server.listen(port, "127.0.0.1", () => resolve(server));
    });

const FROM_SOURCE = 'or build it from source: bin=$(bash scripts/pulumi-tools.sh) && export PATH="$bin:$PATH"';
const dockerDown = 'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1';
const good = { pulumi: "echo v3.259.0", kind: '[ "$1" = version ] && echo "kind v0.30.0 go1.24.6 linux/amd64"; exit 0', docker: "echo 28.3.3" };

describe("dev:up prerequisites: every missing one at once, before any state", () => {
    const servers: net.Server[] = [];
    let stackFile = "";
    let ports: number[] = [];
    before(async () => {
        // Two free ports as the stack's httpPort/httpsPort, taken by this test; Kafka's fixed 30094 taken too.
        for (let i = 0; i < 2; i++) {
            const s = (await listen(0))!;
            servers.push(s);
            ports.push((s.address() as net.AddressInfo).port);
        }
        const kafka = await listen(30094);
        if (kafka) servers.push(kafka);
        stackFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "prereq-stack-")), "Pulumi.dev.yaml");
        fs.writeFileSync(stackFile, `config:\n  ml-platform:environment: dev\n  ml-platform:cluster:\n    provider: kind\n    name: ml-dev\n    httpPort: ${ports[0]}\n    httpsPort: ${ports[1]}\n`);
    });
    after(() => servers.forEach((s) => s.close()));

    it("an old Pulumi, no kind, a Docker client without a daemon and three taken ports: six lines, exit 1", () => {
        const r = check(standIns({ pulumi: "echo v3.200.0", docker: dockerDown }), stackFile);
        assert.equal(r.status, 1);
        const [p0, p1] = ports;
        assert.equal(
            r.stderr,
            [
                "ml-platform: 6 prerequisites missing for Pulumi.dev.yaml; nothing was changed:",
                `  - Pulumi CLI: v3.200.0 found; 3.248.0 or newer needed. Upgrade (https://www.pulumi.com/docs/install/), ${FROM_SOURCE}`,
                "  - kind: not on PATH. Install v0.30.0 or newer: go install sigs.k8s.io/kind@v0.30.0, or a release binary (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)",
                "  - Docker: the client is installed but the daemon does not answer (docker info: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?). Start it: sudo systemctl start docker, or open Docker Desktop",
                `  - host port ${p0} (ml-platform:cluster.httpPort): in use on 127.0.0.1. Stop what listens there, or set another: pulumi config set --path cluster.httpPort ${p0 + 1}`,
                `  - host port ${p1} (ml-platform:cluster.httpsPort): in use on 127.0.0.1. Stop what listens there, or set another: pulumi config set --path cluster.httpsPort ${p1 + 1}`,
                "  - host port 30094 (Kafka's external listener on kind): in use on 127.0.0.1. Stop what listens there, (this port is fixed)",
                "",
            ].join("\n"),
        );
    });

    it("no Pulumi and no Docker at all: named with how to get each, the from-source route included", () => {
        const r = check(standIns({ kind: good.kind }), stackFile, []);
        assert.equal(r.status, 1);
        assert.equal(
            r.stderr,
            [
                "ml-platform: 2 prerequisites missing for Pulumi.dev.yaml; nothing was changed:",
                `  - Pulumi CLI: not on PATH. Install 3.248.0 or newer (https://www.pulumi.com/docs/install/), ${FROM_SOURCE}`,
                "  - Docker: not on PATH. Install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop, and start it",
                "",
            ].join("\n"),
        );
    });

    it("everything in place (and the ports free, or held by this stack's own kind cluster): silent, exit 0", () => {
        assert.deepEqual(check(standIns(good), stackFile, []), { status: 0, stderr: "" });
        const ownCluster = { ...good, kind: '[ "$1" = get ] && echo ml-dev; [ "$1" = version ] && echo "kind v0.30.0"; exit 0' };
        assert.deepEqual(check(standIns(ownCluster), stackFile), { status: 0, stderr: "" });
    });

    it("names the versions README.md names", () => {
        const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
        const script = fs.readFileSync(path.join(repoRoot, "scripts/prerequisites.mjs"), "utf8");
        const [pulumi, kind] = [/MIN_PULUMI = "(\d+\.\d+)\.0"/.exec(script)![1], /MIN_KIND = "(\d+\.\d+)\.0"/.exec(script)![1]];
        assert.ok(readme.includes(`The Pulumi CLI (${pulumi} or newer)`), `README does not name Pulumi ${pulumi}`);
        assert.ok(readme.includes(`[kind](https://kind.sigs.k8s.io) v${kind} or newer`), `README does not name kind v${kind}`);
        assert.ok(readme.includes('bin=$(bash scripts/pulumi-tools.sh) && export PATH="$bin:$PATH"'));
    });
});

describe("scripts/pulumi-tools.sh when it cannot build", () => {
    it("exits non-zero with nothing on stdout, so `bin=$(...) && export PATH=...` stops", () => {
        const bin = standIns({ go: 'echo "go: module lookup disabled" >&2; exit 1' });
        for (const tool of ["bash", "mkdir", "mktemp", "rm", "dirname", "readlink", "sort", "head", "cat", "sed", "tr"]) {
            const real = spawnSync("/bin/sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
            if (real) fs.symlinkSync(real, path.join(bin, tool));
        }
        fs.symlinkSync(process.execPath, path.join(bin, "node"));
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-tools-cache-"));
        const r = spawnSync("bash", [path.join(repoRoot, "scripts/pulumi-tools.sh")], {
            env: { PATH: bin, HOME: cache, ML_PLATFORM_TOOLS_CACHE: cache, PULUMI_TOOLS_FORCE_BUILD: "1" },
            encoding: "utf8",
        });
        assert.notEqual(r.status, 0);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /pulumi-tools: FAILED pulumi 3\.\d+\.\d+/);
        const line = spawnSync("bash", ["-c", `bin=$(bash ${path.join(repoRoot, "scripts/pulumi-tools.sh")}) && export PATH="$bin:$PATH" && echo exported`], {
            env: { PATH: bin, HOME: cache, ML_PLATFORM_TOOLS_CACHE: cache, PULUMI_TOOLS_FORCE_BUILD: "1" },
            encoding: "utf8",
        });
        assert.notEqual(line.status, 0);
        assert.equal(line.stdout, "");
    });
});
