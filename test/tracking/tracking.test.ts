import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    authConfigScript,
    clientUserScript,
    mlflowAllowedHosts,
    mlflowArtifactsDestination,
    mlflowDeployment,
    mlflowServerArgs,
    mlflowSizing,
    mlflowStoreEnv,
    Tracking,
    TrackingArgs,
} from "../../components/tracking";
import { footprint } from "../../stacks/footprint";
import { kubernetesResourcesWithoutProvider, Registration, runProgram, unwrap } from "../harness";
import { clientNs } from "../fakes";
import { ADLS_ACCOUNT, AZURE_CLIENT_ID, allStrings, fakeObjectStore, fakePostgres, GCP_PROJECT, MINIO_ENDPOINT, platformFlavors } from "./fakes";

type Flavor = (typeof platformFlavors)[number];

async function deploy(environment: "dev" | "prod", flavor: Flavor, extra: Partial<TrackingArgs> = {}) {
    const store = fakeObjectStore(flavor.store);
    const postgres = fakePostgres(flavor.postgres);
    const run = await runProgram(() => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        return new Tracking("tracking", { environment, objectStore: store, postgres, ...extra }, { providers: [provider] });
    });
    const deployment = run.one("kubernetes:apps/v1:Deployment").inputs;
    const pod = deployment.spec.template.spec;
    const container = (n: string) => [...pod.initContainers, ...pod.containers].find((c: any) => c.name === n);
    return { run, store, postgres, deployment, pod, container };
}

const minio = platformFlavors[0];
const gcs = platformFlavors[1];
const adls = platformFlavors[2];

describe("tracking: MLflow command line", () => {
    it("dev on MinIO: the args the program passes (auth on, proxied artifacts to s3://, metrics, host allow-list)", async () => {
        const { container } = await deploy("dev", minio);
        const server = container("mlflow");
        assert.deepEqual(server.command, ["mlflow"]);
        assert.deepEqual(server.args, [
            "server",
            "--host", "0.0.0.0",
            "--port", "5000",
            "--workers", "1",
            "--app-name", "basic-auth",
            "--serve-artifacts",
            "--artifacts-destination", "s3://mlflow",
            "--expose-prometheus", "/mlflow/metrics",
            "--allowed-hosts",
            [
                "mlflow", "mlflow:5000",
                "mlflow.ml-tracking", "mlflow.ml-tracking:5000",
                "mlflow.ml-tracking.svc", "mlflow.ml-tracking.svc:5000",
                "mlflow.ml-tracking.svc.cluster.local", "mlflow.ml-tracking.svc.cluster.local:5000",
                "localhost", "localhost:*", "127.0.0.1", "127.0.0.1:*",
            ].join(","),
        ]);
    });

    it("prod: 2 workers, artifacts on GCS / the ADLS Blob endpoint, ingress hosts allowed", async () => {
        const onGcs = (await deploy("prod", gcs, { externalHosts: ["mlflow.ml.acme.io"] })).container("mlflow").args;
        assert.equal(onGcs[onGcs.indexOf("--workers") + 1], "2");
        assert.equal(onGcs[onGcs.indexOf("--artifacts-destination") + 1], `gs://${GCP_PROJECT}-mlp-mlflow`);
        assert.ok(onGcs[onGcs.indexOf("--allowed-hosts") + 1].split(",").includes("mlflow.ml.acme.io"));
        assert.ok(onGcs[onGcs.indexOf("--allowed-hosts") + 1].split(",").includes("mlflow.ml.acme.io:*"));
        const onAdls = (await deploy("prod", adls)).container("mlflow").args;
        assert.equal(onAdls[onAdls.indexOf("--artifacts-destination") + 1], `wasbs://mlflow@${ADLS_ACCOUNT}.blob.core.windows.net`);
    });

    it("builds the artifact root per object store and refuses ADLS without an account", () => {
        assert.equal(mlflowArtifactsDestination("minio", "mlp-dev-mlflow"), "s3://mlp-dev-mlflow");
        assert.equal(mlflowArtifactsDestination("gcs", "p-mlflow"), "gs://p-mlflow");
        assert.equal(mlflowArtifactsDestination("adls", "mlflow", "acct"), "wasbs://mlflow@acct.blob.core.windows.net");
        assert.throws(() => mlflowArtifactsDestination("adls", "mlflow"), /no accountName/);
    });

    it("never allows every host, and never a private-IP wildcard", () => {
        const hosts = mlflowAllowedHosts({ service: "mlflow", namespace: "ns", clusterDomain: "corp.local", externalHosts: [] });
        assert.ok(hosts.includes("mlflow.ns.svc.corp.local:5000"));
        assert.ok(!hosts.includes("*"));
        assert.ok(!hosts.some((h) => /^\d/.test(h) && h !== "127.0.0.1" && h !== "127.0.0.1:*"));
        assert.equal(mlflowServerArgs({ workers: 3, artifactsDestination: "gs://b", allowedHosts: hosts }).filter((a) => a === "--app-name").length, 1);
    });
});

describe("tracking: database and secrets", () => {
    for (const flavor of platformFlavors) {
        it(`${flavor.store}: own databases mlflow and mlflow_auth; the backend URI comes from the Secret, never an argument`, async () => {
            const { postgres, container, run } = await deploy("dev", flavor);
            assert.deepEqual(postgres.requests.map((r) => r.request.database), ["mlflow", "mlflow_auth"]);
            for (const r of postgres.requests) assert.equal(await unwrap(r.request.namespace.created), "ml-tracking");
            const fromSecret = { name: "MLFLOW_BACKEND_STORE_URI", valueFrom: { secretKeyRef: { name: "mlflow-db", key: "uri" } } };
            for (const c of ["db-upgrade", "mlflow"]) assert.deepEqual(container(c).env.find((e: any) => e.name === "MLFLOW_BACKEND_STORE_URI"), fromSecret);
            // Kubernetes expands $(VAR) from the container's own (secret-sourced) env; the manifest holds no URI.
            assert.deepEqual(container("db-upgrade").args, ["db", "upgrade", "$(MLFLOW_BACKEND_STORE_URI)"]);
            assert.ok(!container("mlflow").args.some((a: string) => a.includes("postgresql")));
            const auth = container("auth-config").env;
            assert.deepEqual(auth.find((e: any) => e.name === "MLFLOW_AUTH_DATABASE_URI").valueFrom, { secretKeyRef: { name: "mlflow-auth-db", key: "uri" } });
            assert.deepEqual(auth.find((e: any) => e.name === "MLFLOW_AUTH_ADMIN_PASSWORD").valueFrom, { secretKeyRef: { name: "mlflow-admin", key: "password" } });
            assert.deepEqual(container("mlflow").env.find((e: any) => e.name === "MLFLOW_FLASK_SERVER_SECRET_KEY").valueFrom, {
                secretKeyRef: { name: "mlflow-admin", key: "flask-secret-key" },
            });
            assert.equal(run.byType("kubernetes:core/v1:ConfigMap").length, 0);
            // No job runner: its eight consumer processes would not fit the pod.
            assert.deepEqual(container("mlflow").env.find((e: any) => e.name === "MLFLOW_SERVER_ENABLE_JOB_EXECUTION"), { name: "MLFLOW_SERVER_ENABLE_JOB_EXECUTION", value: "false" });
        });
    }

    it("generates the admin password: a Pulumi secret, in a Secret, and in no other resource's inputs", async () => {
        const { run } = await deploy("prod", gcs);
        const tracking = run.result;
        assert.equal(await pulumi.isSecret(tracking.adminPassword), true);
        assert.equal(await unwrap(tracking.adminUsername), "admin");
        const admin = run.one("kubernetes:core/v1:Secret", "tracking-admin");
        assert.ok(admin.secretInputs.has("stringData"));
        assert.equal(admin.inputs.stringData.password, "mock-password-tracking-admin-password");
        assert.equal(await unwrap(tracking.adminPassword), "mock-password-tracking-admin-password");
        const generated = run.byType("random:index/randomPassword:RandomPassword").map((p) => `mock-password-${p.name}`);
        assert.ok(generated.length >= 4, "admin, flask key and two database passwords");
        for (const r of run.resources.filter((x) => x.type !== "kubernetes:core/v1:Secret")) {
            const leaked = allStrings(r.inputs).filter((s) => generated.some((g) => s.includes(g)));
            assert.deepEqual(leaked, [], `${r.type} ${r.name} carries a generated secret`);
        }
    });

    it("renders basic_auth.ini so MLflow's ConfigParser reads back exactly the secrets, % included", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlflow-auth-"));
        const ini = path.join(dir, "basic_auth.ini");
        const env = {
            PATH: process.env.PATH ?? "/usr/bin:/bin",
            MLFLOW_AUTH_CONFIG_PATH: ini,
            MLFLOW_AUTH_DEFAULT_PERMISSION: "READ",
            MLFLOW_AUTH_DATABASE_URI: "postgresql://mlflow_auth:p%40ss%25word@db:5432/mlflow_auth?sslmode=require",
            MLFLOW_AUTH_ADMIN_USERNAME: "admin",
            MLFLOW_AUTH_ADMIN_PASSWORD: "s3cr%t",
        };
        const write = spawnSync("python3", ["-c", authConfigScript], { env, encoding: "utf8" });
        assert.equal(write.status, 0, write.stderr);
        assert.equal(fs.statSync(ini).mode & 0o777, 0o600);
        // The reading side of mlflow.server.auth.config.read_auth_config: ConfigParser with % interpolation.
        const read = spawnSync(
            "python3",
            ["-c", `import configparser, json, sys\nc = configparser.ConfigParser()\nc.read(sys.argv[1])\nprint(json.dumps(dict(c["mlflow"])))`, ini],
            { encoding: "utf8" },
        );
        assert.equal(read.status, 0, read.stderr);
        assert.deepEqual(JSON.parse(read.stdout), {
            default_permission: "READ",
            database_uri: env.MLFLOW_AUTH_DATABASE_URI,
            admin_username: "admin",
            admin_password: "s3cr%t",
            authorization_function: "mlflow.server.auth:authenticate_request_basic_auth",
            grant_default_workspace_access: "false",
        });
    });

    it("keeps the rendered auth config in memory only", async () => {
        const { pod } = await deploy("dev", minio);
        assert.deepEqual(pod.volumes.find((v: any) => v.name === "auth-config"), { name: "auth-config", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } });
    });
});

describe("tracking: object store access", () => {
    it("MinIO: the grant's scoped key Secret and the in-cluster endpoint", async () => {
        const { container, store, run } = await deploy("dev", minio);
        assert.deepEqual(store.grants.map((g) => [g.name, g.grant.serviceAccountName, g.grant.buckets, g.grant.access]), [
            ["tracking-artifacts", "mlflow", ["mlflow"], "readwrite"],
        ]);
        const server = container("mlflow");
        assert.deepEqual(server.envFrom, [{ secretRef: { name: "tracking-artifacts-s3-credentials" } }]);
        assert.deepEqual(server.env.find((e: any) => e.name === "MLFLOW_S3_ENDPOINT_URL"), { name: "MLFLOW_S3_ENDPOINT_URL", value: MINIO_ENDPOINT });
        assert.equal(run.one("kubernetes:core/v1:ServiceAccount").inputs.metadata.name, "mlflow");
        assert.throws(() => mlflowStoreEnv({ flavor: "minio" }), /credentialsSecret/);
    });

    it("GKE: workload identity on the ServiceAccount, no keys in the pod", async () => {
        const { container, run, pod } = await deploy("prod", gcs);
        const sa = run.one("kubernetes:core/v1:ServiceAccount").inputs;
        assert.deepEqual(sa.metadata.annotations, { "iam.gke.io/gcp-service-account": `mlflow@${GCP_PROJECT}.iam.gserviceaccount.com` });
        assert.equal(pod.serviceAccountName, "mlflow");
        assert.deepEqual(container("mlflow").envFrom, []);
        assert.ok(!container("mlflow").env.some((e: any) => /^AWS_|^MLFLOW_S3/.test(e.name)));
    });

    it("AKS: client-id annotation and the workload identity pod label", async () => {
        const { run, deployment } = await deploy("prod", adls);
        assert.deepEqual(run.one("kubernetes:core/v1:ServiceAccount").inputs.metadata.annotations, { "azure.workload.identity/client-id": AZURE_CLIENT_ID });
        assert.equal(deployment.spec.template.metadata.labels["azure.workload.identity/use"], "true");
        assert.equal(deployment.spec.selector.matchLabels["azure.workload.identity/use"], undefined, "the selector stays identity-agnostic");
    });

    it("fails fast, naming the known buckets, when the artifacts bucket does not exist", async () => {
        await assert.rejects(
            runProgram(() => new Tracking("t", { environment: "dev", objectStore: fakeObjectStore("minio", ["bronze"]), postgres: fakePostgres("in-cluster") })),
            /artifactsBucket "mlflow" is not a bucket of the minio object store \(known: bronze\)/,
        );
    });
});

describe("tracking: availability and pod security", () => {
    it("prod: 2 replicas spread over zones, a PDB, surge-first rollouts", async () => {
        const { run, deployment, pod } = await deploy("prod", gcs);
        assert.equal(deployment.spec.replicas, 2);
        assert.deepEqual(deployment.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
        assert.deepEqual(pod.topologySpreadConstraints.map((t: any) => t.topologyKey), ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
        const pdb = run.one("kubernetes:policy/v1:PodDisruptionBudget").inputs;
        assert.equal(pdb.spec.minAvailable, 1);
        assert.deepEqual(pdb.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
    });

    it("dev: one replica and no PDB (it would block node drains)", async () => {
        const { run, deployment } = await deploy("dev", minio);
        assert.equal(deployment.spec.replicas, 1);
        assert.equal(run.byType("kubernetes:policy/v1:PodDisruptionBudget").length, 0);
        await assert.rejects(deploy("prod", gcs, { replicas: 1 }), /prod runs at least 2 replicas/);
    });

    for (const environment of ["dev", "prod"] as const) {
        it(`${environment}: non-root, no privilege escalation, no capabilities, read-only root, requests and limits everywhere`, async () => {
            const { pod } = await deploy(environment, minio);
            assert.equal(pod.securityContext.runAsNonRoot, true);
            assert.equal(pod.securityContext.runAsUser, 1000);
            assert.deepEqual(pod.securityContext.seccompProfile, { type: "RuntimeDefault" });
            assert.equal(pod.automountServiceAccountToken, false);
            for (const c of [...pod.initContainers, ...pod.containers]) {
                assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } }, c.name);
                for (const k of ["requests", "limits"]) assert.ok(c.resources[k].cpu && c.resources[k].memory, `${c.name} ${k}`);
                assert.match(c.image, /^ghcr\.io\/mlflow\/mlflow:v\d+\.\d+\.\d+-full$/);
            }
            for (const c of pod.containers) assert.ok(c.readinessProbe && c.livenessProbe, `${c.name} probes`);
        });
    }

    it("serves Prometheus metrics on their own port (MLflow's /metrics needs a login) and the UI on 5000", async () => {
        const { run, container } = await deploy("dev", minio);
        assert.deepEqual(container("metrics").ports, [{ name: "metrics", containerPort: 9090, protocol: "TCP" }]);
        assert.deepEqual(
            run.one("kubernetes:core/v1:Service").inputs.spec.ports.map((p: any) => [p.name, p.port]),
            [["http", 5000], ["metrics", 9090]],
        );
        assert.equal(run.one("kubernetes:core/v1:Service").inputs.spec.type, "ClusterIP");
        assert.equal(await unwrap(run.result.trackingUri), "http://mlflow.ml-tracking.svc.cluster.local:5000");
    });

    it("pulls the pinned image from a mirror when one is configured", async () => {
        const { container } = await deploy("dev", minio, { mirror: { imageRegistry: "registry.corp/mirror" } });
        assert.equal(container("mlflow").image.startsWith("registry.corp/mirror/mlflow/mlflow:v"), true);
    });

    for (const flavor of platformFlavors) {
        it(`${flavor.store}: every Kubernetes object goes through the explicit provider`, async () => {
            const { run } = await deploy("prod", flavor);
            const provider = run.one("pulumi:providers:kubernetes");
            assert.ok(run.byType("kubernetes:apps/v1:Deployment").length === 1);
            assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, provider.urn).map((r: Registration) => `${r.type} ${r.name}`), []);
        });
    }
});

describe("tracking: footprint", () => {
    it("dev requests: measured from the Deployment the program registers", async () => {
        const { run } = await deploy("dev", minio);
        const report = footprint(run.resources);
        const t = report.byComponent.tracking;
        // Server 100m/480Mi + metrics sidecar 10m/32Mi (init containers run before, not alongside).
        assert.deepEqual(t.requests, { cpu: 0.11, memory: 512 * 2 ** 20 });
        assert.deepEqual(report.workloads.map((w) => w.missingRequests), [[]]);
        const sized = mlflowDeployment({
            environment: "dev", namespace: "ns", image: "i", sizing: mlflowSizing.dev, args: [], serviceAccountName: "sa",
            databaseSecret: "d", authDatabaseSecret: "a", adminSecret: "s", defaultPermission: "READ", store: { flavor: "gcs" }, podLabels: {},
        });
        assert.equal((sized.spec as any).replicas, 1);
    });
});

describe("tracking: a client gets its own MLflow user and a connection Secret in its namespace", () => {
    async function grant() {
        const store = fakeObjectStore(minio.store);
        const postgres = fakePostgres(minio.postgres);
        return runProgram(() => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            const tracking = new Tracking("tracking", { environment: "dev", objectStore: store, postgres }, { providers: [provider] });
            const client = new pulumi.ComponentResource("test:client:Client", "client", {}, { providers: [provider] });
            return { tracking, access: tracking.grantClient("client-mlflow", { namespace: clientNs("ml-orchestrator"), username: "airflow" }, client) };
        });
    }

    it("the connection Secret carries MLflow's own variables, the password a Pulumi secret", async () => {
        const run = await grant();
        const secret = run.byType("kubernetes:core/v1:Secret").find((r) => r.inputs.metadata.name === "mlflow-airflow")!;
        assert.equal(secret.inputs.metadata.namespace, "ml-orchestrator");
        assert.deepEqual(Object.keys(secret.inputs.stringData).sort(), ["MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_USERNAME"]);
        assert.equal(secret.inputs.stringData.MLFLOW_TRACKING_USERNAME, "airflow");
        assert.equal(secret.inputs.stringData.MLFLOW_TRACKING_PASSWORD, "mock-password-client-mlflow-password");
        assert.ok(secret.secretInputs.has("stringData"));
        assert.equal(await pulumi.isSecret(run.result.access.password), true);
        assert.equal(secret.parent, run.one("test:client:Client").urn, "the client owns its grant");
    });

    it("a Job in the tracking namespace creates the user as the admin, after the server, Pod Security restricted", async () => {
        const run = await grant();
        const job = run.one("kubernetes:batch/v1:Job");
        assert.equal(job.inputs.metadata.namespace, "ml-tracking");
        assert.equal(job.deleteBeforeReplace, true);
        assert.ok(job.dependencies.includes(run.one("kubernetes:apps/v1:Deployment").urn));
        const pod = job.inputs.spec.template.spec;
        const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value ?? `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`]));
        assert.deepEqual(env, {
            HOME: "/tmp",
            MLFLOW_TRACKING_URI: "http://mlflow.ml-tracking.svc.cluster.local:5000",
            ADMIN_USERNAME: "mlflow-admin/username",
            ADMIN_PASSWORD: "mlflow-admin/password",
            CLIENT_USERNAME: "mlflow-user-airflow/username",
            CLIENT_PASSWORD: "mlflow-user-airflow/password",
        });
        assert.deepEqual(pod.containers[0].securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
        assert.deepEqual(pod.securityContext.seccompProfile, { type: "RuntimeDefault" });
    });

    it("the script creates the user, and sets its password when the user exists (against a stand-in MLflow)", () => {
        // A stand-in for MLflow's auth API on 127.0.0.1: `existing` users answer 400 RESOURCE_ALREADY_EXISTS on create.
        const server = `import base64, http.server, json, sys, threading
existing = set(sys.argv[1].split(",")) - {""}
calls = []
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def reply(self, code, body=b"{}"):
        self.send_response(code); self.end_headers(); self.wfile.write(body)
    def do_GET(self): self.reply(200, b"OK")
    def body(self):
        assert self.headers["Authorization"] == "Basic " + base64.b64encode(b"admin:adm1n").decode(), "admin auth"
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))
    def do_POST(self):
        u = self.body(); calls.append(("POST", self.path, u["username"], u["password"]))
        if u["username"] in existing: self.reply(400, json.dumps({"error_code": "RESOURCE_ALREADY_EXISTS"}).encode())
        else: self.reply(200)
    def do_PATCH(self):
        u = self.body(); calls.append(("PATCH", self.path, u["username"], u["password"])); self.reply(200)
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
import os, subprocess
env = dict(os.environ, MLFLOW_TRACKING_URI="http://127.0.0.1:%d" % srv.server_port, ADMIN_USERNAME="admin", ADMIN_PASSWORD="adm1n", CLIENT_USERNAME="airflow", CLIENT_PASSWORD="pw")
r = subprocess.run([sys.executable, "-c", sys.argv[2]], env=env, capture_output=True, text=True, timeout=60)
print(json.dumps({"status": r.returncode, "stderr": r.stderr, "calls": calls}))
`;
        const run = (existing: string) => {
            const out = spawnSync("python3", ["-c", server, existing, clientUserScript], { encoding: "utf8", timeout: 90_000 });
            assert.equal(out.status, 0, out.stderr);
            return JSON.parse(out.stdout);
        };
        const fresh = run("");
        assert.equal(fresh.status, 0, fresh.stderr);
        assert.deepEqual(fresh.calls, [["POST", "/api/2.0/mlflow/users/create", "airflow", "pw"]]);
        const again = run("airflow");
        assert.equal(again.status, 0, again.stderr);
        assert.deepEqual(again.calls, [
            ["POST", "/api/2.0/mlflow/users/create", "airflow", "pw"],
            ["PATCH", "/api/2.0/mlflow/users/update-password", "airflow", "pw"],
        ]);
    });
});
