import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { parse as parseYaml } from "yaml";
import {
    FEAST_PORT,
    featureServerPods,
    featureStoreSizing,
    featureStoreYaml,
    FeatureStore,
    FeatureStoreArgs,
    offlinePathPrefix,
    postgresSslMode,
    validateProjectName,
} from "../../components/featurestore";
import { footprint } from "../../stacks/footprint";
import { podSecurityViolations } from "../admission/podSecurity";
import { kubernetesResourcesWithoutProvider, runProgram, unwrap } from "../harness";
import { ADLS_ACCOUNT, AZURE_CLIENT_ID, allStrings, fakeObjectStore, fakePostgres, GCP_PROJECT, MINIO_ENDPOINT, platformFlavors } from "../tracking/fakes";

type Flavor = (typeof platformFlavors)[number];
const [minio, gcs, adls] = platformFlavors;

async function deploy(environment: "dev" | "prod", flavor: Flavor, extra: Partial<FeatureStoreArgs> = {}) {
    const store = fakeObjectStore(flavor.store, ["bronze", "silver", "gold", "models"]);
    const postgres = fakePostgres(flavor.postgres);
    let provider: k8s.Provider | undefined;
    const run = await runProgram(() => {
        provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        return new FeatureStore("featurestore", { environment, objectStore: store, postgres, ...extra }, { providers: [provider] });
    });
    const deployment = run.one("kubernetes:apps/v1:Deployment").inputs;
    const pod = deployment.spec.template.spec;
    const server = pod.containers[0];
    const env = (name: string) => server.env.find((e: any) => e.name === name);
    return { run, store, postgres, deployment, pod, server, env, provider: provider! };
}

/** Restricted Pod Security, as the admission plugin checks it (pod and container levels). */
function assertRestricted(pod: any, what: string) {
    assert.equal(pod.securityContext.runAsNonRoot, true, `${what}: runAsNonRoot`);
    assert.notEqual(pod.securityContext.runAsUser, 0, `${what}: runAsUser`);
    assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault", `${what}: seccomp`);
    assert.equal(pod.hostNetwork ?? false, false);
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        assert.equal(c.securityContext.allowPrivilegeEscalation, false, `${what}/${c.name}: allowPrivilegeEscalation`);
        assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"], `${what}/${c.name}: capabilities`);
        assert.equal(c.securityContext.privileged ?? false, false);
        assert.equal((c.ports ?? []).some((p: any) => p.hostPort), false, `${what}/${c.name}: host ports`);
    }
}

describe("featurestore: feature_store.yaml", () => {
    const postgresYaml = featureStoreYaml({ project: "platform", registrySslMode: "disable", online: { kind: "postgres", sslMode: "disable", maxConnections: 10 }, registryTtlSeconds: 60 });

    it("the SQL registry through psycopg 3, credentials as ${VAR}s the pod fills from Secrets", () => {
        assert.match(postgresYaml, /^ {2}registry_type: "sql"$/m);
        assert.match(
            postgresYaml,
            /^ {2}path: "postgresql\+psycopg:\/\/\$\{FEAST_REGISTRY_USER\}:\$\{FEAST_REGISTRY_PASSWORD\}@\$\{FEAST_REGISTRY_HOST\}:\$\{FEAST_REGISTRY_PORT\}\/\$\{FEAST_REGISTRY_DATABASE\}\?sslmode=disable"$/m,
        );
        assert.match(postgresYaml, /^offline_store:\n {2}type: "file"$/m);
        assert.match(postgresYaml, /^auth:\n {2}type: "no_auth"$/m);
        assert.match(postgresYaml, /^feature_server:\n {2}metrics:\n {4}enabled: true$/m);
    });

    it("quotes every string ${VAR} (a password of digits stays a string) and leaves the port a number", () => {
        assert.match(postgresYaml, /^ {2}password: "\$\{FEAST_ONLINE_PASSWORD\}"$/m);
        assert.match(postgresYaml, /^ {2}port: \$\{FEAST_ONLINE_PORT\}$/m);
        assert.match(postgresYaml, /^ {2}sslmode: "disable"$/m);
    });

    it("Valkey: the redis online store on the release's Service, the password from the environment", () => {
        const y = featureStoreYaml({ project: "p", registrySslMode: "require", online: { kind: "valkey", host: "valkey.ns.svc.cluster.local", port: 6379 }, registryTtlSeconds: 60 });
        assert.match(y, /^online_store:\n {2}type: "redis"\n {2}redis_type: "redis"\n {2}connection_string: "valkey\.ns\.svc\.cluster\.local:6379,password=\$\{FEAST_VALKEY_PASSWORD\}"$/m);
        assert.ok(!y.includes("FEAST_ONLINE_"));
        assert.match(y, /sslmode=require"/);
    });

    it("parses as YAML (1.1 and 1.2 alike) to the structure Feast validates", () => {
        for (const version of ["1.1", "1.2"] as const) {
            const doc = parseYaml(postgresYaml.replace("${FEAST_ONLINE_PORT}", "5432"), { version });
            assert.deepEqual(Object.keys(doc), ["project", "provider", "registry", "offline_store", "online_store", "entity_key_serialization_version", "feature_server", "auth"]);
            assert.equal(doc.online_store.port, 5432);
            assert.equal(doc.online_store.password, "${FEAST_ONLINE_PASSWORD}");
            assert.equal(doc.registry.sqlalchemy_config_kwargs.pool_pre_ping, true);
            assert.equal(doc.entity_key_serialization_version, 3);
        }
    });

    it("refuses a project name Feast refuses", () => {
        validateProjectName("driver_features");
        for (const bad of ["1st", "with-dash", "", "a b"]) assert.throws(() => validateProjectName(bad), /not a Feast project name/);
    });

    it("sslmode follows the Postgres flavor; offline paths follow the object store", () => {
        assert.deepEqual([postgresSslMode("in-cluster"), postgresSslMode("cloudsql"), postgresSslMode("flexible")], ["disable", "require", "require"]);
        assert.equal(offlinePathPrefix("minio", "gold"), "s3://gold/");
        assert.equal(offlinePathPrefix("gcs", "p-gold"), "gs://p-gold/");
        assert.equal(offlinePathPrefix("adls", "gold", "acct"), "abfss://gold@acct.dfs.core.windows.net/");
        assert.throws(() => offlinePathPrefix("adls", "gold"), /accountName/);
    });
});

describe("featurestore: the feature server", () => {
    it("dev on kind: one replica, one worker, no HPA or PDB, the measured request", async () => {
        const { deployment, server, run } = await deploy("dev", minio);
        assert.equal(deployment.spec.replicas, 1);
        assert.deepEqual(server.command, ["feast"]);
        assert.deepEqual(server.args, ["serve", "--host", "0.0.0.0", "--port", "6566", "--workers", "1", "--registry_ttl_sec", "60", "--metrics", "--no-access-log"]);
        assert.deepEqual(server.resources, featureStoreSizing.dev.server);
        assert.equal(server.resources.requests.memory, "256Mi");
        assert.equal(run.byType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").length, 0);
        assert.equal(run.byType("kubernetes:policy/v1:PodDisruptionBudget").length, 0);
        const fp = footprint(run.resources);
        assert.deepEqual(fp.byComponent.featurestore.requests, { cpu: 0.05, memory: 256 * 2 ** 20 });
    });

    it("prod: 2-6 replicas by an HPA on CPU, a PDB, spread over zones and nodes, two workers", async () => {
        const { deployment, server, run, pod } = await deploy("prod", gcs);
        assert.equal(deployment.spec.replicas, undefined, "the HPA owns the count");
        assert.equal(footprint(run.resources).workloads.find((w) => w.workload === "feast")!.replicas, 2);
        assert.equal(server.args[server.args.indexOf("--workers") + 1], "2");
        const hpa = run.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs.spec;
        assert.deepEqual([hpa.scaleTargetRef.kind, hpa.scaleTargetRef.name, hpa.minReplicas, hpa.maxReplicas], ["Deployment", "feast", 2, 6]);
        assert.deepEqual(hpa.metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }]);
        const pdb = run.one("kubernetes:policy/v1:PodDisruptionBudget").inputs.spec;
        assert.deepEqual(pdb, { minAvailable: 1, selector: { matchLabels: featureServerPods } });
        assert.deepEqual(pod.topologySpreadConstraints.map((t: any) => t.topologyKey), ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
        assert.deepEqual(deployment.spec.strategy.rollingUpdate, { maxSurge: 1, maxUnavailable: 0 });
    });

    it("replica bounds from the args, checked before anything is registered", async () => {
        const { run } = await deploy("prod", gcs, { replicas: { min: 3, max: 9 } });
        const hpa = run.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs.spec;
        assert.deepEqual([hpa.minReplicas, hpa.maxReplicas], [3, 9]);
        await assert.rejects(deploy("prod", gcs, { replicas: { min: 1, max: 3 } }), /prod runs at least 2 feature server replicas/);
        await assert.rejects(deploy("dev", minio, { replicas: { min: 3, max: 2 } }), /replicas\.max \(2\) must be a whole number >= replicas\.min \(3\)/);
    });

    for (const flavor of platformFlavors) {
        it(`${flavor.store}: restricted Pod Security, read-only root, no API token, probes on /health`, async () => {
            const { pod, server } = await deploy("prod", flavor);
            assertRestricted(pod, "feature server");
            assert.equal(server.securityContext.readOnlyRootFilesystem, true);
            assert.equal(pod.automountServiceAccountToken, false);
            assert.equal(pod.serviceAccountName, "feast");
            for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) assert.deepEqual(server[probe].httpGet, { path: "/health", port: "http" });
            assert.deepEqual(server.volumeMounts.map((m: any) => m.mountPath), ["/etc/feast", "/tmp"]);
        });
    }
});

describe("featurestore: stores and credentials", () => {
    for (const flavor of platformFlavors) {
        it(`${flavor.postgres}: its own registry and online databases; every credential by Secret reference`, async () => {
            const { postgres, env, run, server } = await deploy("dev", flavor);
            assert.deepEqual(postgres.requests.map((r) => r.request.database), ["feast", "feast_online"]);
            for (const r of postgres.requests) assert.equal(await unwrap(r.request.namespace.created), "ml-featurestore");
            assert.deepEqual(env("FEAST_REGISTRY_PASSWORD").valueFrom, { secretKeyRef: { name: "feast-db", key: "password" } });
            assert.deepEqual(env("FEAST_ONLINE_PASSWORD").valueFrom, { secretKeyRef: { name: "feast-online-db", key: "password" } });
            assert.deepEqual(env("FEAST_FS_YAML_FILE_PATH"), { name: "FEAST_FS_YAML_FILE_PATH", value: "/etc/feast/feature_store.yaml" });
            assert.ok(server.env.every((e: any) => e.value === undefined || !/password|postgresql:\/\//i.test(e.value)));
            const config = run.one("kubernetes:core/v1:ConfigMap").inputs;
            assert.equal(config.metadata.name, "feast-config");
            assert.equal(config.data["feature_store.yaml"], await unwrap(run.result.featureStoreYaml));
            assert.match(config.data["feature_store.yaml"], new RegExp(`sslmode=${flavor.postgres === "in-cluster" ? "disable" : "require"}"`));
        });
    }

    it("no generated secret reaches anything but a Secret", async () => {
        const { run } = await deploy("prod", gcs, { onlineStore: "valkey" });
        const generated = run.byType("random:index/randomPassword:RandomPassword").map((p) => `mock-password-${p.name}`);
        assert.ok(generated.length >= 2, "the registry's and Valkey's passwords");
        for (const r of run.resources.filter((x) => x.type !== "kubernetes:core/v1:Secret")) {
            assert.deepEqual(allStrings(r.inputs).filter((s) => generated.some((g) => s.includes(g))), [], `${r.type} ${r.name} carries a generated secret`);
        }
    });

    it("Valkey: the official chart, auth from an existing Secret, no online database", async () => {
        const { postgres, run, env } = await deploy("prod", gcs, { onlineStore: "valkey", storageClassName: "ml-retain" });
        assert.deepEqual(postgres.requests.map((r) => r.request.database), ["feast"]);
        const release = run.one("kubernetes:helm.sh/v3:Release").inputs;
        assert.deepEqual([release.chart, release.version, release.repositoryOpts.repo, release.namespace], ["valkey", "0.11.0", "https://valkey.io/valkey-helm/", "ml-featurestore"]);
        const v = release.values;
        assert.deepEqual(v.auth, { enabled: true, usersExistingSecret: "valkey-users", aclUsers: { default: { permissions: "~* &* +@all", passwordKey: "default" } } });
        assert.deepEqual(v.replica, { enabled: true, replicas: 2, replicationUser: "default", persistence: { size: "10Gi", storageClass: "ml-retain" } });
        assert.deepEqual(v.podDisruptionBudget, { enabled: true, maxUnavailable: 1 });
        assert.deepEqual(v.image, { registry: "docker.io", repository: "valkey/valkey", tag: "9.1.1" });
        // Restricted: the chart's container contexts, and the exporter's, which the chart leaves empty.
        for (const sc of [v.securityContext, v.metrics.exporter.securityContext]) {
            assert.deepEqual([sc.allowPrivilegeEscalation, sc.runAsNonRoot, sc.capabilities.drop], [false, true, ["ALL"]]);
        }
        assert.equal(v.podSecurityContext.seccompProfile.type, "RuntimeDefault");
        // The pod the chart's StatefulSet renders from these values (templates/statefulset.yaml at valkey-0.11.0): pod
        // context from podSecurityContext, the init and valkey containers from securityContext, the exporter from its own.
        const chartPod = {
            metadata: { annotations: {} },
            spec: {
                securityContext: v.podSecurityContext,
                initContainers: [{ name: "valkey-init", securityContext: v.securityContext }],
                containers: [
                    { name: "valkey", securityContext: v.securityContext, ports: [{ containerPort: 6379 }] },
                    { name: "metrics", securityContext: v.metrics.exporter.securityContext, ports: [{ containerPort: 9121 }] },
                ],
                volumes: [{ name: "scripts", configMap: { name: "valkey-init-scripts" } }, { name: "valkey-acl", emptyDir: { medium: "Memory" } }, { name: "valkey-data", persistentVolumeClaim: { claimName: "d" } }],
            },
        };
        assert.deepEqual(podSecurityViolations(chartPod, "restricted"), []);
        assert.equal(v.serviceAccount.automount, false);
        const users = run.one("kubernetes:core/v1:Secret", "featurestore-valkey-users").inputs;
        assert.deepEqual(Object.keys(users.stringData), ["default"]);
        assert.deepEqual(env("FEAST_VALKEY_PASSWORD").valueFrom, { secretKeyRef: { name: "valkey-users", key: "default" } });
        assert.equal(env("FEAST_ONLINE_PASSWORD"), undefined);
    });

    it("Valkey in dev: standalone, no volume", async () => {
        const { run } = await deploy("dev", minio, { onlineStore: "valkey" });
        const v = run.one("kubernetes:helm.sh/v3:Release").inputs.values;
        assert.deepEqual([v.replica, v.dataStorage, v.podDisruptionBudget], [{ enabled: false }, { enabled: false }, undefined]);
    });
});

describe("featurestore: identity for the offline store (the gold zone, read-only)", () => {
    it("kind: a scoped MinIO key for gold, read access, as the feature server's environment", async () => {
        const { store, server, run } = await deploy("dev", minio);
        assert.deepEqual(store.grants.map((g) => [g.name, g.grant.serviceAccountName, g.grant.buckets, g.grant.access]), [["featurestore-offline", "feast", ["gold"], "read"]]);
        assert.deepEqual(server.envFrom, [{ secretRef: { name: "featurestore-offline-s3-credentials" } }]);
        assert.equal(await unwrap(run.result.offlinePaths.gold), "s3://gold/");
        assert.equal(await unwrap(run.result.s3Endpoint!), MINIO_ENDPOINT);
    });

    it("GKE: workload identity on the ServiceAccount, no key in the pod", async () => {
        const { run, server } = await deploy("prod", gcs);
        const sa = run.one("kubernetes:core/v1:ServiceAccount").inputs;
        assert.deepEqual([sa.metadata.name, sa.metadata.annotations], ["feast", { "iam.gke.io/gcp-service-account": `feast@${GCP_PROJECT}.iam.gserviceaccount.com` }]);
        assert.deepEqual(server.envFrom, []);
        assert.equal(await unwrap(run.result.offlinePaths.gold), `gs://${GCP_PROJECT}-mlp-gold/`);
        assert.equal(run.result.s3Endpoint, undefined);
    });

    it("AKS: the client-id annotation, the pod label, abfss:// paths", async () => {
        const { run, deployment } = await deploy("prod", adls);
        assert.deepEqual(run.one("kubernetes:core/v1:ServiceAccount").inputs.metadata.annotations, { "azure.workload.identity/client-id": AZURE_CLIENT_ID });
        assert.equal(deployment.spec.template.metadata.labels["azure.workload.identity/use"], "true");
        assert.equal(deployment.spec.selector.matchLabels["azure.workload.identity/use"], undefined);
        assert.equal(await unwrap(run.result.offlinePaths.gold), `abfss://gold@${ADLS_ACCOUNT}.dfs.core.windows.net/`);
    });

    it("fails fast, naming the known buckets, for an offline bucket the store does not have", async () => {
        await assert.rejects(deploy("dev", minio, { offlineBuckets: ["platinum"] }), /offlineBuckets "platinum" are not buckets of the minio object store \(known: bronze, silver, gold, models\)/);
        await assert.rejects(deploy("dev", minio, { project: "feature-store" }), /not a Feast project name/);
    });
});

describe("featurestore: connections", () => {
    it("grantClient: the client's flow to the feature server's pods, its URL and a record; no credential", async () => {
        const { run } = await deploy("dev", minio);
        const fs = run.result;
        const access = fs.grantClient({ namespace: { name: "ml-models-team", created: "ml-models-team" } });
        assert.equal(access.url, "http://feast.ml-featurestore.svc.cluster.local:6566");
        assert.deepEqual(access.flows.map((f) => [f.from, f.to, f.ports, f.toPods]), [["ml-models-team", "ml-featurestore", [FEAST_PORT], featureServerPods]]);
        assert.deepEqual([access.connection.kind, access.connection.from, access.connection.to, access.connection.secret], ["feast", "ml-models-team", access.url, undefined]);
        // Its own: both databases and the object store.
        assert.deepEqual(fs.connections.filter((c) => c.from === "ml-featurestore").map((c) => c.kind), ["postgres", "postgres", "object-store"]);
    });

    it("grantMaterializer: a Role to run pods in the feature store's namespace, and a pod that carries no secret value", async () => {
        const store = fakeObjectStore("gcs", ["gold"]);
        const run = await runProgram(() => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            const fs = new FeatureStore("featurestore", { environment: "prod", objectStore: store, postgres: fakePostgres("cloudsql") }, { providers: [provider] });
            const client = new k8s.core.v1.Namespace("client", { metadata: { name: "ml-orchestrator" } }, { provider });
            const access = fs.grantMaterializer("airflow-feast", { namespace: { name: "ml-orchestrator", created: client.metadata.name }, serviceAccountName: "airflow-worker" }, client);
            return { fs, access };
        });
        const role = run.one("kubernetes:rbac.authorization.k8s.io/v1:Role").inputs;
        assert.deepEqual([role.metadata.name, role.metadata.namespace], ["materializer-ml-orchestrator", "ml-featurestore"]);
        assert.deepEqual(role.rules.map((r: any) => [r.resources, r.verbs]), [
            [["pods"], ["create", "get", "list", "watch", "patch", "delete"]],
            [["pods/log"], ["get"]],
            [["events"], ["get", "list", "watch"]],
        ]);
        const binding = run.one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").inputs;
        assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "airflow-worker", namespace: "ml-orchestrator" }]);
        const { access } = run.result;
        assert.deepEqual(access.flows.map((f) => [f.from, f.to, f.ports]), [["ml-orchestrator", { entity: "api-server" }, [443, 6443]]]);
        assert.deepEqual([access.connection.kind, access.connection.serviceAccount], ["feast-materialize", "airflow-worker"]);
        const pod: any = await unwrap(access.podTemplate);
        assert.equal(pod.spec.serviceAccountName, "feast");
        assert.equal(pod.spec.containers[0].name, "base");
        assert.equal(pod.spec.containers[0].image, "quay.io/feastdev/feature-server:0.66.0");
        assert.equal(pod.metadata.labels["ml-platform/feast-role"], "materialize");
        assertRestricted(pod.spec, "materialize pod");
        assert.deepEqual(podSecurityViolations(pod, "restricted"), []);
        const server = run.one("kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0];
        assert.deepEqual(pod.spec.containers[0].env, server.env, "the same config and credentials as the server");
        assert.deepEqual(pod.spec.containers[0].resources, featureStoreSizing.prod.materialize);
        const generated = run.byType("random:index/randomPassword:RandomPassword").map((p) => `mock-password-${p.name}`);
        assert.deepEqual(allStrings(pod).filter((s) => generated.some((g) => s.includes(g))), []);
    });

    it("every Kubernetes object goes to the explicit provider; none without one", async () => {
        const { run, provider } = await deploy("prod", adls, { onlineStore: "valkey" });
        const urn = await unwrap(provider.urn);
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, urn).map((r) => r.name), []);
        const store = fakeObjectStore("minio", ["gold"]);
        await assert.rejects(
            runProgram(() => new FeatureStore("fs", { environment: "dev", objectStore: store, postgres: fakePostgres("in-cluster") })),
            /FeatureStore "fs": no Kubernetes provider in its options/,
        );
    });
});
