import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { Cluster, KindClusterArgs } from "../../components";
import { kindConfig, kindCreateScript, kindDeleteScript } from "../../components/cluster/kind";
import { runProgram, unwrap } from "../harness";

const args: KindClusterArgs = { provider: "kind", name: "mlp-dev", workers: 1 };

describe("kind: cluster config", () => {
    const config = JSON.parse(kindConfig(args));

    it("maps 127.0.0.1:80/443 to the ingress controller's NodePorts, on the node labelled ingress-ready", () => {
        const [cp] = config.nodes;
        assert.equal(cp.role, "control-plane");
        assert.deepEqual(
            cp.extraPortMappings.map((m: any) => [m.containerPort, m.hostPort, m.listenAddress]),
            [[30080, 80, "127.0.0.1"], [30443, 443, "127.0.0.1"]],
        );
        assert.match(cp.kubeadmConfigPatches[0], /node-labels: "ingress-ready=true"/);
    });

    it("pins every node to the digest-pinned node image and adds the requested workers", () => {
        assert.deepEqual(config.nodes.map((n: any) => n.role), ["control-plane", "worker"]);
        for (const node of config.nodes) assert.match(node.image, /^docker\.io\/kindest\/node:v1\.\d+\.\d+@sha256:[a-f0-9]{64}$/);
    });

    it("honours custom host ports and node image", () => {
        const custom = JSON.parse(kindConfig({ ...args, httpPort: 8080, httpsPort: 8443, nodeImage: "mirror/kindest/node:v1.34.0" }));
        assert.deepEqual(custom.nodes[0].extraPortMappings.map((m: any) => m.hostPort), [8080, 8443]);
        assert.equal(custom.nodes[1].image, "mirror/kindest/node:v1.34.0");
    });
});

/**
 * Runs the real create/delete scripts with stand-in `kind` and `docker` executables first on PATH. The
 * stand-in kind records each call, keeps its "clusters" in a file and prints a kubeconfig.
 */
function standIn(opts: { withKind?: boolean; withDocker?: boolean; existing?: string[] } = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kind-standin-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    const calls = path.join(dir, "calls.log");
    const clusters = path.join(dir, "clusters");
    fs.writeFileSync(clusters, (opts.existing ?? []).map((c) => `${c}\n`).join(""));
    if (opts.withKind !== false) {
        fs.writeFileSync(
            path.join(bin, "kind"),
            `#!/bin/bash
echo "kind $*" >> "${calls}"
case "$1 $2" in
  "get clusters") cat "${clusters}" ;;
  "create cluster") cat > "${dir}/stdin-config"; echo "$4" >> "${clusters}" ;;
  "delete cluster") grep -vx -- "$4" "${clusters}" > "${clusters}.new" || true; mv "${clusters}.new" "${clusters}" ;;
  "get kubeconfig") echo "apiVersion: v1"; echo "clusters: [{name: kind-$4}]" ;;
esac
`,
            { mode: 0o755 },
        );
    }
    if (opts.withDocker !== false) fs.writeFileSync(path.join(bin, "docker"), "#!/bin/bash\nexit 0\n", { mode: 0o755 });
    const run = (script: string) =>
        spawnSync("/bin/bash", ["-c", script], {
            encoding: "utf8",
            // Only the stand-ins and the shell's own tools: a real kind on this machine must never be reached.
            env: { PATH: `${bin}:/usr/bin:/bin`, KIND_CLUSTER_NAME: "mlp-dev", KIND_CONFIG: kindConfig(args) },
        });
    const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "");
    return { run, calls: () => read(calls).trim().split("\n").filter(Boolean), clusters: () => read(clusters).trim(), stdinConfig: () => read(`${dir}/stdin-config`) };
}

describe("kind: create and delete scripts against a stand-in kind", () => {
    it("creates a missing cluster from the generated config and prints its kubeconfig", () => {
        const k = standIn();
        const r = k.run(kindCreateScript);
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(k.calls(), [
            "kind get clusters",
            "kind create cluster --name mlp-dev --config - --wait 180s",
            "kind get kubeconfig --name mlp-dev",
        ]);
        assert.deepEqual(JSON.parse(k.stdinConfig()), JSON.parse(kindConfig(args)));
        assert.match(r.stdout, /^apiVersion: v1\nclusters: \[\{name: kind-mlp-dev\}\]/);
    });

    it("re-running against an existing cluster neither fails nor recreates it", () => {
        const k = standIn({ existing: ["other", "mlp-dev"] });
        const r = k.run(kindCreateScript);
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(k.calls(), ["kind get clusters", "kind get kubeconfig --name mlp-dev"]);
        assert.match(r.stderr, /kind cluster 'mlp-dev' exists; reusing it/);
    });

    it("a cluster whose name merely contains the wanted name is not mistaken for it", () => {
        const k = standIn({ existing: ["mlp-dev-old"] });
        assert.equal(k.run(kindCreateScript).status, 0);
        assert.ok(k.calls().includes("kind create cluster --name mlp-dev --config - --wait 180s"));
    });

    it("delete removes the cluster, and a second delete is a no-op", () => {
        const k = standIn({ existing: ["mlp-dev"] });
        assert.equal(k.run(kindDeleteScript).status, 0);
        assert.equal(k.clusters(), "");
        const again = k.run(kindDeleteScript);
        assert.equal(again.status, 0);
        assert.match(again.stderr, /already gone/);
        assert.deepEqual(k.calls(), ["kind get clusters", "kind delete cluster --name mlp-dev", "kind get clusters"]);
    });

    it("a missing kind binary fails with an install hint and runs nothing", () => {
        const k = standIn({ withKind: false });
        const r = k.run(kindCreateScript);
        assert.equal(r.status, 127);
        assert.match(r.stderr, /ml-platform: 'kind' is not on PATH\. Install kind v0\.30\.0/);
        assert.deepEqual(k.calls(), []);
    });

    it("a missing docker fails before kind is called", () => {
        const k = standIn({ withDocker: false });
        const r = k.run(kindCreateScript);
        assert.equal(r.status, 127);
        assert.match(r.stderr, /ml-platform: 'docker' is not on PATH/);
        assert.deepEqual(k.calls(), []);
    });
});

describe("kind: Cluster component under mocks", () => {
    it("runs the scripts through a Command whose kubeconfig output is secret and unlogged", async () => {
        const { result, one } = await runProgram(() => new Cluster("dev", args));
        const cmd = one("command:local:Command");
        assert.equal(cmd.inputs.create, kindCreateScript);
        assert.equal(cmd.inputs.update, kindCreateScript, "an update must reuse, never recreate");
        assert.equal(cmd.inputs.delete, kindDeleteScript);
        assert.deepEqual(cmd.inputs.environment, { KIND_CLUSTER_NAME: "mlp-dev", KIND_CONFIG: kindConfig(args), KIND_PREPARE: "" });
        assert.deepEqual(cmd.inputs.triggers, ["mlp-dev"]);
        assert.equal(cmd.inputs.logging, "stderr");
        assert.deepEqual(cmd.additionalSecretOutputs, ["stdout"]);
        assert.equal(await pulumi.isSecret(result.kubeconfig), true);
        assert.match(await unwrap(result.kubeconfig), /server: https:\/\/127\.0\.0\.1:6443/);
    });

    it("builds the Kubernetes provider from the kubeconfig with a stable identity", async () => {
        const { one } = await runProgram(() => new Cluster("dev", args));
        const provider = one("pulumi:providers:kubernetes");
        assert.equal(provider.inputs.clusterIdentifier, "kind/mlp-dev");
        assert.ok(provider.secretInputs.has("kubeconfig"));
        assert.equal(provider.inputs.deleteUnreachable, "true");
    });
});
