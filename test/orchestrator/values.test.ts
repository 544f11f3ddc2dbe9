import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { remoteLoggingConfig } from "../../components/orchestrator/connections";
import { AirflowValuesSpec, airflowValues, chartImage, defaultDagSource, PLATFORM_DAGS_PATH } from "../../components/orchestrator/values";
import { images } from "../../components/versions";
import { chartValuePaths, isOpaquePath } from "./chartKeys";

const platformLabels = { "app.kubernetes.io/part-of": "ml-platform", "app.kubernetes.io/component": "orchestrator" };
const pinnedImages = {
    gitSync: chartImage(images.airflowGitSync),
    statsd: chartImage(images.airflowStatsd),
    pgbouncer: chartImage(images.airflowPgbouncer),
    pgbouncerExporter: chartImage(images.airflowPgbouncerExporter),
    redis: chartImage(images.airflowRedis),
};

/** kind: MinIO, KubernetesExecutor, the default DAGs, MLflow tracking URI for task code. */
const devSpec: AirflowValuesSpec = {
    environment: "dev",
    executor: "KubernetesExecutor",
    airflowImage: chartImage(images.airflow),
    airflowVersion: "3.2.2",
    images: pinnedImages,
    pgbouncer: false,
    dags: defaultDagSource("3.2.2"),
    remoteLogging: remoteLoggingConfig({ flavor: "minio", baseUri: "s3://mlp-dev-airflow-logs/airflow/logs" }),
    identityPodLabels: {},
    envFromSecrets: ["mlp-airflow-connections", "airflow-worker-minio"],
    env: [{ name: "MLFLOW_TRACKING_URI", value: "http://mlflow.ml-tracking.svc.cluster.local:5000" }],
    admin: { username: "admin", email: "admin@example.com" },
    databaseRetentionDays: 90,
    labels: platformLabels,
};

/** GKE: GCS with workload identity, PgBouncer, a private DAG repository. */
const prodSpec: AirflowValuesSpec = {
    ...devSpec,
    environment: "prod",
    pgbouncer: true,
    dags: { repo: "https://github.com/acme/dags.git", ref: "main", subPath: "dags", credentials: { kind: "https", secretName: "acme-dags-git" } },
    remoteLogging: remoteLoggingConfig({ flavor: "gcs", baseUri: "gs://acme-ml-prod-mlp-airflow-logs/airflow/logs" }),
    envFromSecrets: ["mlp-airflow-connections"],
    env: [],
    admin: { username: "admin", email: "platform@acme.example" },
};

// Test-local literals for fragments the expected documents repeat.
const res = (reqCpu: string, reqMem: string, limCpu: string, limMem: string) => ({ requests: { cpu: reqCpu, memory: reqMem }, limits: { cpu: limCpu, memory: limMem } });
const seccomp = { seccompProfile: { type: "RuntimeDefault" } };
const readOnly = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true };
const nobodyPod = { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, ...seccomp };
const pdb = { enabled: true, config: { maxUnavailable: 1 } };
const spreadOf = (component: string) =>
    ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: { tier: "airflow", component, release: "airflow" } },
    }));
const imageValues = {
    gitSync: { repository: "registry.k8s.io/git-sync/git-sync", tag: "v4.4.2" },
    statsd: { repository: "quay.io/prometheus/statsd-exporter", tag: "v0.28.0" },
    pgbouncer: { repository: "docker.io/apache/airflow", tag: "airflow-pgbouncer-2025.03.05-1.23.1" },
    pgbouncerExporter: { repository: "docker.io/apache/airflow", tag: "airflow-pgbouncer-exporter-2025.03.05-0.18.0" },
    redis: { repository: "docker.io/redis", tag: "7.2.16-bookworm" },
};
const airflowSecurity = {
    pod: { runAsNonRoot: true, runAsUser: 50000, runAsGroup: 0, fsGroup: 0, ...seccomp },
    containers: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true, readOnlyRootFilesystem: false, ...seccomp },
};
const gitSyncCommon = {
    depth: 1,
    maxFailures: 3,
    httpPort: 2020,
    livenessProbe: { httpGet: { path: "/", port: 2020 }, initialDelaySeconds: 30, periodSeconds: 30, failureThreshold: 5 },
    readinessProbe: { httpGet: { path: "/", port: 2020 }, periodSeconds: 15, failureThreshold: 3 },
};
const gitSyncSecurity = {
    container: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true, runAsUser: 65533, readOnlyRootFilesystem: false, ...seccomp },
};
const createUserArgs = (email: string) => [
    "bash",
    "-c",
    `exec airflow users create --role Admin --username admin --email ${email} --firstname Airflow --lastname Admin --password "$AIRFLOW_ADMIN_PASSWORD"`,
];
const adminPasswordEnv = [{ name: "AIRFLOW_ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: "mlp-airflow-admin", key: "password" } } }];

const expectedDev = {
    defaultAirflowRepository: "docker.io/apache/airflow",
    defaultAirflowTag: "3.2.2",
    airflowVersion: "3.2.2",
    images: imageValues,
    executor: "KubernetesExecutor",
    labels: platformLabels,
    securityContexts: airflowSecurity,
    postgresql: { enabled: false },
    data: { metadataSecretName: "mlp-airflow-metadata" },
    fernetKeySecretName: "mlp-airflow-keys",
    apiSecretKeySecretName: "mlp-airflow-keys",
    jwtSecretName: "mlp-airflow-keys",
    extraEnvFrom: "- secretRef:\n    name: 'mlp-airflow-connections'\n- secretRef:\n    name: 'airflow-worker-minio'",
    env: [{ name: "MLFLOW_TRACKING_URI", value: "http://mlflow.ml-tracking.svc.cluster.local:5000" }],
    config: {
        api: { workers: "1" },
        dag_processor: { parsing_processes: "1" },
        logging: { remote_logging: "True", remote_log_conn_id: "object_store_default", delete_local_logs: "True", remote_base_log_folder: "s3://mlp-dev-airflow-logs/airflow/logs" },
    },
    dags: {
        gitSync: {
            enabled: true,
            repo: "https://github.com/apache/airflow.git",
            ref: "3.2.2",
            branch: "3.2.2",
            subPath: "airflow-core/src/airflow/example_dags",
            period: "30s",
            ...gitSyncCommon,
            resources: res("10m", "32Mi", "200m", "256Mi"),
            securityContexts: gitSyncSecurity,
        },
    },
    logs: { persistence: { enabled: false } },
    scheduler: {
        replicas: 1,
        resources: res("100m", "448Mi", "1", "1Gi"),
        logGroomerSidecar: { resources: res("10m", "32Mi", "100m", "64Mi"), retentionDays: 3 },
    },
    dagProcessor: {
        enabled: true,
        replicas: 1,
        resources: res("600m", "464Mi", "1", "1Gi"),
        logGroomerSidecar: { resources: res("10m", "32Mi", "100m", "64Mi"), retentionDays: 3 },
    },
    triggerer: {
        enabled: true,
        replicas: 1,
        resources: res("50m", "208Mi", "500m", "768Mi"),
        persistence: { enabled: false },
        logGroomerSidecar: { resources: res("10m", "32Mi", "100m", "64Mi"), retentionDays: 3 },
        serviceAccount: { create: false, name: "airflow-triggerer" },
    },
    apiServer: {
        replicas: 1,
        resources: res("100m", "256Mi", "1", "1536Mi"),
        serviceAccount: { create: false, name: "airflow-api-server" },
    },
    workers: {
        resources: res("100m", "256Mi", "1", "1Gi"),
        serviceAccount: { create: false, name: "airflow-worker" },
    },
    statsd: { enabled: true, resources: res("10m", "32Mi", "100m", "64Mi"), securityContexts: { pod: nobodyPod, container: readOnly } },
    pgbouncer: { enabled: false },
    redis: { enabled: false },
    createUserJob: {
        enabled: true,
        defaultUser: { enabled: true, role: "Admin", username: "admin", email: "admin@example.com", firstName: "Airflow", lastName: "Admin", password: "" },
        args: createUserArgs("admin@example.com"),
        env: adminPasswordEnv,
        resources: res("50m", "256Mi", "500m", "512Mi"),
    },
    migrateDatabaseJob: { resources: res("100m", "256Mi", "1", "1Gi") },
    cleanup: { enabled: true, resources: res("10m", "128Mi", "200m", "256Mi") },
    databaseCleanup: { enabled: true, retentionDays: 90, resources: res("50m", "256Mi", "500m", "512Mi") },
};

const expectedProd = {
    defaultAirflowRepository: "docker.io/apache/airflow",
    defaultAirflowTag: "3.2.2",
    airflowVersion: "3.2.2",
    images: imageValues,
    executor: "KubernetesExecutor",
    labels: platformLabels,
    securityContexts: airflowSecurity,
    postgresql: { enabled: false },
    data: { metadataSecretName: "mlp-airflow-metadata" },
    fernetKeySecretName: "mlp-airflow-keys",
    apiSecretKeySecretName: "mlp-airflow-keys",
    jwtSecretName: "mlp-airflow-keys",
    extraEnvFrom: "- secretRef:\n    name: 'mlp-airflow-connections'",
    env: [],
    config: {
        api: { workers: "2" },
        dag_processor: { parsing_processes: "2" },
        logging: { remote_logging: "True", remote_log_conn_id: "object_store_default", delete_local_logs: "True", remote_base_log_folder: "gs://acme-ml-prod-mlp-airflow-logs/airflow/logs" },
    },
    dags: {
        gitSync: {
            enabled: true,
            repo: "https://github.com/acme/dags.git",
            ref: "main",
            branch: "main",
            subPath: "dags",
            period: "60s",
            credentialsSecret: "acme-dags-git",
            ...gitSyncCommon,
            resources: res("50m", "64Mi", "500m", "256Mi"),
            securityContexts: gitSyncSecurity,
        },
    },
    logs: { persistence: { enabled: false } },
    scheduler: {
        replicas: 2,
        resources: res("500m", "1Gi", "2", "2Gi"),
        logGroomerSidecar: { resources: res("20m", "64Mi", "200m", "128Mi"), retentionDays: 7 },
        podDisruptionBudget: pdb,
        topologySpreadConstraints: spreadOf("scheduler"),
    },
    dagProcessor: {
        enabled: true,
        replicas: 1,
        resources: res("500m", "1Gi", "2", "2Gi"),
        logGroomerSidecar: { resources: res("20m", "64Mi", "200m", "128Mi"), retentionDays: 7 },
    },
    triggerer: {
        enabled: true,
        replicas: 2,
        resources: res("250m", "512Mi", "1", "1Gi"),
        persistence: { enabled: false },
        logGroomerSidecar: { resources: res("20m", "64Mi", "200m", "128Mi"), retentionDays: 7 },
        serviceAccount: { create: false, name: "airflow-triggerer" },
        podDisruptionBudget: pdb,
        topologySpreadConstraints: spreadOf("triggerer"),
    },
    apiServer: {
        replicas: 2,
        resources: res("500m", "1Gi", "2", "2Gi"),
        serviceAccount: { create: false, name: "airflow-api-server" },
        podDisruptionBudget: pdb,
        topologySpreadConstraints: spreadOf("api-server"),
    },
    workers: {
        resources: res("500m", "1Gi", "2", "4Gi"),
        serviceAccount: { create: false, name: "airflow-worker" },
    },
    statsd: { enabled: true, resources: res("50m", "64Mi", "200m", "128Mi"), securityContexts: { pod: nobodyPod, container: readOnly } },
    pgbouncer: {
        enabled: true,
        replicas: 2,
        resources: res("100m", "64Mi", "1", "256Mi"),
        configSecretName: "mlp-airflow-pgbouncer-config",
        metricsExporterSidecar: {
            resources: res("20m", "32Mi", "100m", "64Mi"),
            statsSecretName: "mlp-airflow-pgbouncer-stats",
            securityContexts: { container: readOnly },
        },
        securityContexts: { pod: nobodyPod, container: readOnly },
        podDisruptionBudget: pdb,
        topologySpreadConstraints: spreadOf("pgbouncer"),
    },
    redis: { enabled: false },
    createUserJob: {
        enabled: true,
        defaultUser: { enabled: true, role: "Admin", username: "admin", email: "platform@acme.example", firstName: "Airflow", lastName: "Admin", password: "" },
        args: createUserArgs("platform@acme.example"),
        env: adminPasswordEnv,
        resources: res("100m", "256Mi", "500m", "512Mi"),
    },
    migrateDatabaseJob: { resources: res("500m", "512Mi", "1", "1Gi") },
    cleanup: { enabled: true, resources: res("50m", "128Mi", "200m", "256Mi") },
    databaseCleanup: { enabled: true, retentionDays: 90, resources: res("100m", "256Mi", "1", "1Gi") },
};

/** Every path in a values document down to the chart's opaque sub-documents (Kubernetes objects, free-form maps). */
function valuePaths(v: unknown, path: string[] = []): string[] {
    const here = path.join(".");
    if (path.length && isOpaquePath(here)) return [here];
    if (v && typeof v === "object" && !Array.isArray(v)) {
        return Object.entries(v).flatMap(([k, x]) => valuePaths(x, [...path, k]));
    }
    return [here];
}

/** Every `resources` object in a values document, with its path. */
function resourceBlocks(v: unknown, path: string[] = []): [string, any][] {
    if (!v || typeof v !== "object" || Array.isArray(v)) return [];
    return Object.entries(v).flatMap(([k, x]) => (k === "resources" ? [[[...path, k].join("."), x] as [string, any]] : resourceBlocks(x, [...path, k])));
}

const cpu = (q: string) => (q.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : Number(q));
const mib = (q: string) => (q.endsWith("Gi") ? Number(q.slice(0, -2)) * 1024 : Number(q.replace(/Mi$/, "")));

describe("orchestrator: chart values per environment (snapshots)", () => {
    it("dev: the whole values document", () => {
        assert.deepEqual(airflowValues(devSpec), expectedDev);
    });

    it("prod: the whole values document", () => {
        assert.deepEqual(airflowValues(prodSpec), expectedProd);
    });
});

describe("orchestrator: DAGs that come with a connection", () => {
    const dag = { fileName: "feedback_monitoring.py", source: "from airflow.sdk import DAG\n" };
    const withDag = airflowValues({ ...devSpec, platformDags: [dag] }) as any;

    it("mounts each file by subPath into every Airflow container, outside the synced DAG folder", () => {
        assert.deepEqual(withDag.volumes, [{ name: "platform-dags", configMap: { name: "mlp-airflow-platform-dags" } }]);
        assert.deepEqual(withDag.volumeMounts, [{ name: "platform-dags", mountPath: `${PLATFORM_DAGS_PATH}/feedback_monitoring.py`, subPath: "feedback_monitoring.py", readOnly: true }]);
        assert.ok(!PLATFORM_DAGS_PATH.startsWith("/opt/airflow/dags"));
    });

    it("adds the bundle ml-platform beside the default dags-folder bundle", () => {
        assert.deepEqual(JSON.parse(withDag.config.dag_processor.dag_bundle_config_list), [
            { name: "dags-folder", classpath: "airflow.dag_processing.bundles.local.LocalDagBundle", kwargs: {} },
            { name: "ml-platform", classpath: "airflow.dag_processing.bundles.local.LocalDagBundle", kwargs: { path: PLATFORM_DAGS_PATH } },
        ]);
        // The chart passes config values through tpl: nothing in the JSON may open a template action.
        assert.ok(!withDag.config.dag_processor.dag_bundle_config_list.includes("{{"));
    });

    it("restarts the pods when a file changes (subPath mounts are not refreshed)", () => {
        const changed = airflowValues({ ...devSpec, platformDags: [{ ...dag, source: dag.source + "# changed\n" }] }) as any;
        const key = "ml-platform/platform-dags-sha256";
        assert.match(withDag.airflowPodAnnotations[key], /^[0-9a-f]{64}$/);
        assert.notEqual(changed.airflowPodAnnotations[key], withDag.airflowPodAnnotations[key]);
    });

    it("without such DAGs, neither volumes nor a bundle list", () => {
        const plain = airflowValues(devSpec) as any;
        assert.equal(plain.volumes, undefined);
        assert.equal(plain.config.dag_processor.dag_bundle_config_list, undefined);
    });

    it("rejects a file name that is not a plain Python module, or the same file twice", () => {
        assert.throws(() => airflowValues({ ...devSpec, platformDags: [{ ...dag, fileName: "../x.py" }] }), /platform DAG file name "\.\.\/x\.py" must be lowercase/);
        assert.throws(() => airflowValues({ ...devSpec, platformDags: [dag, dag] }), /two connected components ship the DAG file feedback_monitoring\.py/);
    });
});

describe("orchestrator: every key set exists in the pinned chart's schema", () => {
    const variants: Record<string, AirflowValuesSpec> = {
        dev: devSpec,
        "dev+platform DAGs": { ...devSpec, platformDags: [{ fileName: "feedback_monitoring.py", source: "" }] },
        prod: prodSpec,
        celery: { ...prodSpec, executor: "CeleryExecutor" },
        "adls+ssh": {
            ...prodSpec,
            remoteLogging: remoteLoggingConfig({ flavor: "adls", container: "airflow-logs" }),
            identityPodLabels: { "azure.workload.identity/use": "true" },
            dags: { repo: "git@github.com:acme/dags.git", ref: "main", subPath: "dags", credentials: { kind: "ssh", secretName: "acme-dags-ssh", knownHosts: "github.com ssh-ed25519 AAAA" } },
        },
    };
    for (const [variant, spec] of Object.entries(variants)) {
        it(`${variant}: no path outside the chart's values`, () => {
            const unknown = valuePaths(airflowValues(spec)).filter((p) => !chartValuePaths.has(p));
            assert.deepEqual(unknown, []);
        });
    }
});

describe("orchestrator: properties of the values", () => {
    const dev = airflowValues(devSpec) as any;
    const prod = airflowValues(prodSpec) as any;
    const celery = airflowValues({ ...prodSpec, executor: "CeleryExecutor" }) as any;

    it("uses the platform Postgres through a Secret reference, never the chart's embedded database", () => {
        for (const v of [dev, prod, celery]) {
            assert.equal(v.postgresql.enabled, false);
            assert.deepEqual(Object.keys(v.data).sort(), v.executor === "CeleryExecutor" ? ["brokerUrlSecretName", "metadataSecretName"] : ["metadataSecretName"]);
            assert.equal(v.data.metadataSecretName, "mlp-airflow-metadata");
        }
    });

    it("references every key by Secret name and sets no value-bearing key of the chart", () => {
        const valueKeys = ["fernetKey", "apiSecretKey", "jwtSecret", "webserverSecretKey", "metadataConnection", "resultBackendConnection", "brokerUrl", "password", "sshKey"];
        const found = valuePaths(celery).filter((p) => valueKeys.includes(p.split(".").pop()!));
        assert.deepEqual(found, ["createUserJob.defaultUser.password"]);
        assert.equal(celery.createUserJob.defaultUser.password, "", "the chart's default password is blanked, and the job never reads it");
        assert.match(celery.createUserJob.args[2], /--password "\$AIRFLOW_ADMIN_PASSWORD"$/);
        assert.deepEqual(celery.redis.passwordSecretName, "mlp-airflow-redis-password");
        assert.equal(celery.data.brokerUrlSecretName, "mlp-airflow-broker-url");
    });

    it("gives every container the chart runs requests and limits", () => {
        for (const v of [dev, prod, celery]) {
            for (const [path, r] of resourceBlocks(v)) {
                for (const kind of ["requests", "limits"]) {
                    assert.ok(r?.[kind]?.cpu && r?.[kind]?.memory, `${v.executor}/${path} lacks ${kind}`);
                }
            }
        }
        const paths = (v: any) => resourceBlocks(v).map(([p]) => p).sort();
        assert.deepEqual(paths(celery), [
            "apiServer.resources",
            "createUserJob.resources",
            "dagProcessor.logGroomerSidecar.resources",
            "dagProcessor.resources",
            "dags.gitSync.resources",
            "databaseCleanup.resources",
            "migrateDatabaseJob.resources",
            "pgbouncer.metricsExporterSidecar.resources",
            "pgbouncer.resources",
            "redis.resources",
            "scheduler.logGroomerSidecar.resources",
            "scheduler.resources",
            "statsd.resources",
            "triggerer.logGroomerSidecar.resources",
            "triggerer.resources",
            "workers.resources",
        ]);
        assert.ok(paths(dev).includes("cleanup.resources"), "KubernetesExecutor: the pod cleanup job is sized too");
    });

    it("prod is highly available: 2 schedulers, API servers, triggerers and PgBouncers, each with a PDB and zone spread", () => {
        for (const component of ["scheduler", "apiServer", "triggerer", "pgbouncer"]) {
            assert.ok(prod[component].replicas >= 2, `${component} replicas`);
            assert.deepEqual(prod[component].podDisruptionBudget, { enabled: true, config: { maxUnavailable: 1 } }, `${component} PDB`);
            assert.equal(prod[component].topologySpreadConstraints[0].topologyKey, "topology.kubernetes.io/zone");
        }
        assert.equal(prod.dagProcessor.replicas, 1, "a second DAG processor on the same bundle only duplicates parsing");
        assert.equal(prod.pgbouncer.enabled, true);
        assert.equal(prod.databaseCleanup.enabled, true);
        assert.equal(celery.workers.replicas, 2);
        assert.deepEqual(celery.workers.podDisruptionBudget, { enabled: true, config: { maxUnavailable: 1 } });
    });

    it("dev runs one of each, without PgBouncer, PDBs or spread constraints", () => {
        for (const component of ["scheduler", "apiServer", "triggerer", "dagProcessor"]) {
            assert.equal(dev[component].replicas, 1);
            assert.equal(dev[component].podDisruptionBudget, undefined);
            assert.equal(dev[component].topologySpreadConstraints, undefined);
        }
        assert.deepEqual(dev.pgbouncer, { enabled: false });
    });

    it("dev steady-state requests: 0.91 vCPU and 1568 MiB in total (measured, scripts/measure-airflow-memory.sh)", () => {
        // Long-running containers and their replicas: scheduler (+ log groomer), DAG processor (+ git-sync, groomer),
        // triggerer (+ git-sync, groomer), API server, StatsD. Task pods and jobs come and go.
        const longRunning: [any, number][] = [
            [dev.scheduler.resources, dev.scheduler.replicas],
            [dev.scheduler.logGroomerSidecar.resources, dev.scheduler.replicas],
            [dev.dagProcessor.resources, dev.dagProcessor.replicas],
            [dev.dagProcessor.logGroomerSidecar.resources, dev.dagProcessor.replicas],
            [dev.dags.gitSync.resources, dev.dagProcessor.replicas],
            [dev.triggerer.resources, dev.triggerer.replicas],
            [dev.triggerer.logGroomerSidecar.resources, dev.triggerer.replicas],
            [dev.dags.gitSync.resources, dev.triggerer.replicas],
            [dev.apiServer.resources, dev.apiServer.replicas],
            [dev.statsd.resources, 1],
        ];
        const totalCpu = longRunning.reduce((s, [r, n]) => s + cpu(r.requests.cpu) * n, 0);
        const totalMib = longRunning.reduce((s, [r, n]) => s + mib(r.requests.memory) * n, 0);
        assert.equal(Math.round(totalCpu * 1000), 910);
        assert.equal(totalMib, 1568);
    });

    it("hardens every pod: non-root, RuntimeDefault seccomp, no privilege escalation, all capabilities dropped", () => {
        for (const v of [dev, prod, celery]) {
            const pods = [v.securityContexts.pod, v.statsd.securityContexts.pod, ...(v.pgbouncer.enabled ? [v.pgbouncer.securityContexts.pod] : []), ...(v.redis.enabled ? [v.redis.securityContexts.pod] : [])];
            for (const pod of pods) {
                assert.equal(pod.runAsNonRoot, true);
                assert.notEqual(pod.runAsUser, 0);
                assert.deepEqual(pod.seccompProfile, { type: "RuntimeDefault" });
            }
            const containers = [
                v.securityContexts.containers,
                v.dags.gitSync.securityContexts.container,
                v.statsd.securityContexts.container,
                ...(v.pgbouncer.enabled ? [v.pgbouncer.securityContexts.container, v.pgbouncer.metricsExporterSidecar.securityContexts.container] : []),
                ...(v.redis.enabled ? [v.redis.securityContexts.container] : []),
            ];
            for (const c of containers) {
                assert.equal(c.allowPrivilegeEscalation, false);
                assert.deepEqual(c.capabilities, { drop: ["ALL"] });
            }
        }
        assert.equal(celery.redis.securityContexts.pod.runAsUser, 999, "the chart would run Redis as root");
        assert.equal(prod.pgbouncer.securityContexts.container.readOnlyRootFilesystem, true);
    });

    it("probes the git-sync sidecar on the port the chart binds it to (one key: the chart's bind and startup probe read it too)", () => {
        const gs = dev.dags.gitSync;
        assert.equal(gs.httpPort, 2020);
        assert.equal(gs.env, undefined, "a GITSYNC_HTTP_BIND of our own would follow the chart's and move the port away from its startup probe");
        assert.equal(gs.livenessProbe.httpGet.port, 2020);
        assert.equal(gs.readinessProbe.httpGet.port, 2020);
    });

    it("on AKS labels the pods that use the store for workload identity, and reads an SSH deploy key by name", () => {
        const aks = airflowValues({
            ...prodSpec,
            remoteLogging: remoteLoggingConfig({ flavor: "adls", container: "airflow-logs" }),
            identityPodLabels: { "azure.workload.identity/use": "true" },
            dags: { repo: "git@github.com:acme/dags.git", ref: "main", subPath: "dags", credentials: { kind: "ssh", secretName: "acme-dags-ssh", knownHosts: "github.com ssh-ed25519 AAAA" } },
        }) as any;
        for (const component of ["workers", "triggerer", "apiServer"]) assert.deepEqual(aks[component].labels, { "azure.workload.identity/use": "true" });
        assert.equal(aks.scheduler.labels, undefined, "the scheduler does not touch the store");
        assert.deepEqual(aks.config.azure_remote_logging, { remote_wasb_log_container: "airflow-logs" });
        assert.equal(aks.config.logging.remote_base_log_folder, "wasb-airflow-logs");
        assert.equal(aks.dags.gitSync.sshKeySecret, "acme-dags-ssh");
        assert.equal(aks.dags.gitSync.knownHosts, "github.com ssh-ed25519 AAAA");
        assert.equal(aks.dags.gitSync.credentialsSecret, undefined);
    });

    it("CeleryExecutor: Redis broker with its password by reference, workers without a log volume, no pod cleanup job", () => {
        assert.equal(celery.executor, "CeleryExecutor");
        assert.equal(celery.redis.enabled, true);
        assert.deepEqual(celery.workers.persistence, { enabled: false });
        assert.deepEqual(celery.cleanup, { enabled: false });
        assert.deepEqual(celery.workers.serviceAccount, { create: false, name: "airflow-worker" });
    });

    it("rejects an admin name or e-mail that would break the create-user command line", () => {
        assert.throws(() => airflowValues({ ...devSpec, admin: { username: "admin; rm -rf /", email: "a@b.c" } }), /adminUsername/);
        assert.throws(() => airflowValues({ ...devSpec, admin: { username: "admin", email: "$(id)@x" } }), /adminEmail/);
    });

    it("follows a mirror registry for every image", () => {
        const mirror = { imageRegistry: "registry.corp/mirror" };
        assert.deepEqual(chartImage(images.airflow, mirror), { repository: "registry.corp/mirror/apache/airflow", tag: "3.2.2" });
        assert.deepEqual(chartImage(images.airflowGitSync, mirror), { repository: "registry.corp/mirror/git-sync/git-sync", tag: "v4.4.2" });
    });
});
