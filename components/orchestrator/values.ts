/**
 * Values for the official Apache Airflow chart (apache-airflow/airflow 1.22.0, Airflow 3.2.2), as a pure
 * function of plain data. Every secret is referenced by the name of a Secret the component creates; no
 * secret value ever appears here.
 */
import { createHash } from "crypto";
import { ImagePin, imageRef, Mirror } from "../versions";
import { airflowSizing, Environment, Resources } from "./sizing";
import { AirflowExecutor, DagSource, PlatformDag } from "./types";

/** Fixed names: the release name makes the chart's Service names predictable (`airflow-api-server`, ...). */
export const airflowNames = {
    release: "airflow",
    /** The DAG files of connected components, one key per file. */
    platformDagsConfigMap: "mlp-airflow-platform-dags",
    serviceAccounts: { worker: "airflow-worker", triggerer: "airflow-triggerer", apiServer: "airflow-api-server" },
    secrets: {
        /** Key `connection`: the SQLAlchemy URI of the metadata database. */
        metadata: "mlp-airflow-metadata",
        /** Keys `fernet-key`, `api-secret-key`, `jwt-secret` (the key names the chart expects). */
        keys: "mlp-airflow-keys",
        /** Keys `username`, `password`. */
        admin: "mlp-airflow-admin",
        /** One `AIRFLOW_CONN_*` key per platform connection. */
        connections: "mlp-airflow-connections",
        /** Keys `pgbouncer.ini`, `users.txt`. */
        pgbouncerConfig: "mlp-airflow-pgbouncer-config",
        /** Key `connection`: the exporter's URI to PgBouncer's admin console. */
        pgbouncerStats: "mlp-airflow-pgbouncer-stats",
        /** Key `password` (CeleryExecutor). */
        redisPassword: "mlp-airflow-redis-password",
        /** Key `connection`: `redis://:password@airflow-redis:6379/0` (CeleryExecutor). */
        brokerUrl: "mlp-airflow-broker-url",
    },
    ports: { apiServer: 8080, pgbouncer: 6543, redis: 6379 },
    /** The database name PgBouncer exposes for the metadata database. */
    pgbouncerAlias: "airflow-metadata",
} as const;

/** Where the chart wants an image: repository and tag apart, honouring the mirror like `imageRef` does. */
export interface ChartImage {
    readonly repository: string;
    readonly tag: string;
}

export function chartImage(pin: ImagePin, mirror?: Mirror): ChartImage {
    const ref = imageRef({ ...pin, digest: undefined }, mirror);
    const colon = ref.lastIndexOf(":");
    return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
}

/** The default DAG source: Airflow's example DAGs from the tag of the deployed Airflow version. */
export function defaultDagSource(airflowVersion: string): DagSource {
    return { repo: "https://github.com/apache/airflow.git", ref: airflowVersion, subPath: "airflow-core/src/airflow/example_dags" };
}

export interface AirflowValuesSpec {
    readonly environment: Environment;
    readonly executor: AirflowExecutor;
    readonly airflowImage: ChartImage;
    /** The Airflow version inside the image; the chart branches on it (3.x: api-server, dag-processor, JWT). */
    readonly airflowVersion: string;
    readonly images: {
        readonly gitSync: ChartImage;
        readonly statsd: ChartImage;
        readonly pgbouncer: ChartImage;
        readonly pgbouncerExporter: ChartImage;
        readonly redis: ChartImage;
    };
    readonly pgbouncer: boolean;
    readonly dags: DagSource;
    /** DAG files of connected components, from the ConfigMap {@link airflowNames.platformDagsConfigMap}. */
    readonly platformDags?: readonly PlatformDag[];
    /** Airflow config sections for remote task logs, from `remoteLoggingConfig`. */
    readonly remoteLogging: Record<string, Record<string, string>>;
    /** Pod labels the object-store identity needs (AKS: `azure.workload.identity/use`). */
    readonly identityPodLabels: Record<string, string>;
    /** Secrets loaded whole into every Airflow container's environment (the connections, MinIO keys). */
    readonly envFromSecrets: readonly string[];
    /** Plain, non-secret environment for every Airflow container (task pods included). */
    readonly env: readonly { readonly name: string; readonly value: string }[];
    readonly admin: { readonly username: string; readonly email: string };
    /**
     * REST API users for other components (role `User`: may trigger DAG runs), created by the same job as the admin.
     * Each password is the key `password` of the named Secret in Airflow's namespace.
     */
    readonly apiUsers?: readonly { readonly username: string; readonly secretName: string }[];
    readonly databaseRetentionDays: number;
    /** Labels on every object and pod of the release. */
    readonly labels: Record<string, string>;
    /** Single sign-on: the api-server's webserver_config.py, its env (client credentials by Secret) and its external URL. */
    readonly sso?: {
        readonly webserverConfig: string;
        readonly env: readonly { readonly name: string; readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } } }[];
        readonly baseUrl: string;
    };
}

const seccomp = { seccompProfile: { type: "RuntimeDefault" } };
const dropAll = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };

/** The official image runs as uid 50000 with gid 0 (OpenShift-style group permissions on AIRFLOW_HOME). */
const airflowPodSecurity = { runAsNonRoot: true, runAsUser: 50000, runAsGroup: 0, fsGroup: 0, ...seccomp };
/**
 * Root filesystem stays writable for Airflow containers: Airflow writes webserver_config.py and runtime
 * files under AIRFLOW_HOME, and task code in worker pods writes wherever it likes.
 */
const airflowContainerSecurity = { ...dropAll, runAsNonRoot: true, readOnlyRootFilesystem: false, ...seccomp };
/** git-sync adds its uid to /etc/passwd at start (the chart sets GITSYNC_ADD_USER for SSH), so its root stays writable. */
const gitSyncContainerSecurity = { ...dropAll, runAsNonRoot: true, runAsUser: 65533, readOnlyRootFilesystem: false, ...seccomp };
const readOnlyContainer = { ...dropAll, readOnlyRootFilesystem: true };
const nobodyPod = { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, ...seccomp };
/** The redis image's `redis` user; the chart's default would run Redis as root. */
const redisPod = { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, ...seccomp };

/**
 * git-sync serves `/` on this port once it has synced. The chart (since 1.21.0) binds git-sync to
 * `dags.gitSync.httpPort` and adds its own startup probe there, so the port is set through that key, where the
 * chart's bind, its startup probe and our liveness and readiness probes all read it.
 */
const gitSyncHttpPort = 2020;

/** Zone spread (and host spread) for a replicated chart component; soft, so a single-zone pool still schedules. */
function spread(component: string): unknown[] {
    const labelSelector = { matchLabels: { tier: "airflow", component, release: airflowNames.release } };
    return ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector,
    }));
}

const pdb = { enabled: true, config: { maxUnavailable: 1 } };

/** Values for one component that runs replicated in prod: PDB and zone spread there, nothing extra in dev. */
function ha(environment: Environment, component: string) {
    return environment === "prod" ? { podDisruptionBudget: pdb, topologySpreadConstraints: spread(component) } : {};
}

function groomer(resources: Resources, retentionDays: number) {
    return { resources, retentionDays };
}

function gitSyncValues(spec: AirflowValuesSpec, resources: Resources) {
    const dags = spec.dags;
    const creds = dags.credentials;
    return {
        enabled: true,
        repo: dags.repo,
        // git-sync v4 reads `ref`; `branch` is what v3 read. Both name the same ref.
        ref: dags.ref,
        branch: dags.ref,
        subPath: dags.subPath,
        depth: 1,
        period: dags.period ?? (spec.environment === "prod" ? "60s" : "30s"),
        maxFailures: 3,
        ...(creds?.kind === "https" ? { credentialsSecret: creds.secretName } : {}),
        ...(creds?.kind === "ssh" ? { sshKeySecret: creds.secretName, ...(creds.knownHosts ? { knownHosts: creds.knownHosts } : {}) } : {}),
        httpPort: gitSyncHttpPort,
        livenessProbe: { httpGet: { path: "/", port: gitSyncHttpPort }, initialDelaySeconds: 30, periodSeconds: 30, failureThreshold: 5 },
        readinessProbe: { httpGet: { path: "/", port: gitSyncHttpPort }, periodSeconds: 15, failureThreshold: 3 },
        resources,
        securityContexts: { container: gitSyncContainerSecurity },
    };
}

/** `extraEnvFrom` is a templated YAML string in the chart. */
function envFromYaml(secretNames: readonly string[]): string {
    return secretNames.map((name) => `- secretRef:\n    name: '${name}'`).join("\n");
}

/** The admin name and e-mail go into a shell command line, so only plain characters are accepted. */
export function validateAdmin(admin: { username: string; email: string }): void {
    if (!/^[A-Za-z0-9._@-]{1,64}$/.test(admin.username)) {
        throw new Error(`orchestrator: adminUsername ${JSON.stringify(admin.username)} must be 1-64 letters, digits or . _ @ -`);
    }
    if (!/^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$/.test(admin.email)) {
        throw new Error(`orchestrator: adminEmail ${JSON.stringify(admin.email)} is not a plain e-mail address`);
    }
}

/**
 * The chart's create-user job with the password from the admin Secret: the default args would put
 * `createUserJob.defaultUser.password` (a literal) on the command line and in the release values.
 */
function createUserJob(spec: AirflowValuesSpec, resources: Resources) {
    validateAdmin(spec.admin);
    const { username, email } = spec.admin;
    const apiUsers = spec.apiUsers ?? [];
    for (const u of apiUsers) {
        if (!/^[a-z][a-z0-9-]{0,62}$/.test(u.username) || u.username === username) throw new Error(`orchestrator: API user ${JSON.stringify(u.username)} must be a lowercase name other than the admin's`);
    }
    const envName = (i: number) => `AIRFLOW_API_USER_${i}_PASSWORD`;
    // `users create` leaves an existing user alone; `reset-password` then sets the current password either way.
    const apiUserCommands = apiUsers.map(
        (u, i) =>
            `airflow users create --role User --username ${u.username} --email ${u.username}@ml-platform.invalid --firstname ${u.username} --lastname api --password "$${envName(i)}" && airflow users reset-password --username ${u.username} --password "$${envName(i)}"`,
    );
    return {
        enabled: true,
        // Names the user the job creates; the empty password replaces the chart's default `admin`, which the args below never read.
        defaultUser: { enabled: true, role: "Admin", username, email, firstName: "Airflow", lastName: "Admin", password: "" },
        args: [
            "bash",
            "-c",
            apiUsers.length
                ? ["set -e", `airflow users create --role Admin --username ${username} --email ${email} --firstname Airflow --lastname Admin --password "$AIRFLOW_ADMIN_PASSWORD"`, ...apiUserCommands].join("\n")
                : `exec airflow users create --role Admin --username ${username} --email ${email} --firstname Airflow --lastname Admin --password "$AIRFLOW_ADMIN_PASSWORD"`,
        ],
        env: [
            { name: "AIRFLOW_ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: airflowNames.secrets.admin, key: "password" } } },
            ...apiUsers.map((u, i) => ({ name: envName(i), valueFrom: { secretKeyRef: { name: u.secretName, key: "password" } } })),
        ],
        resources,
    };
}

/** Where every Airflow container (task pods too) sees the platform's DAG files: outside the synced DAG folder. */
export const PLATFORM_DAGS_PATH = "/opt/airflow/platform-dags";
const platformDagsVolume = "platform-dags";

/**
 * The platform's DAG bundle: each file mounted by `subPath` (a directory mount would add ConfigMap's `..data`
 * symlinks, which Airflow's DAG walk follows into a loop), a checksum annotation so pods restart when a file
 * changes (subPath mounts are never refreshed), and a second LocalDagBundle beside the default `dags-folder`.
 */
export function platformDagValues(dags: readonly PlatformDag[]) {
    const names = new Set<string>();
    for (const dag of dags) {
        if (!/^[a-z][a-z0-9_]*\.py$/.test(dag.fileName)) throw new Error(`orchestrator: platform DAG file name ${JSON.stringify(dag.fileName)} must be lowercase letters, digits and _ ending in .py`);
        if (names.has(dag.fileName)) throw new Error(`orchestrator: two connected components ship the DAG file ${dag.fileName}`);
        names.add(dag.fileName);
    }
    const checksum = createHash("sha256")
        .update(JSON.stringify([...dags].sort((a, b) => a.fileName.localeCompare(b.fileName))))
        .digest("hex");
    const bundles = [
        { name: "dags-folder", classpath: "airflow.dag_processing.bundles.local.LocalDagBundle", kwargs: {} },
        { name: "ml-platform", classpath: "airflow.dag_processing.bundles.local.LocalDagBundle", kwargs: { path: PLATFORM_DAGS_PATH } },
    ];
    return {
        volumes: [{ name: platformDagsVolume, configMap: { name: airflowNames.platformDagsConfigMap } }],
        volumeMounts: dags.map((d) => ({ name: platformDagsVolume, mountPath: `${PLATFORM_DAGS_PATH}/${d.fileName}`, subPath: d.fileName, readOnly: true })),
        airflowPodAnnotations: { "ml-platform/platform-dags-sha256": checksum },
        bundleConfigList: JSON.stringify(bundles),
    };
}

/** The whole values object for the Airflow release. */
export function airflowValues(spec: AirflowValuesSpec): Record<string, unknown> {
    const size = airflowSizing[spec.environment];
    const celery = spec.executor === "CeleryExecutor";
    const names = airflowNames;
    const retention = size.localLogRetentionDays;
    const platformDags = spec.platformDags?.length ? platformDagValues(spec.platformDags) : undefined;
    // Only where the identity needs them (AKS); an empty map would just be noise in the values.
    const identityLabels = Object.keys(spec.identityPodLabels).length ? { labels: spec.identityPodLabels } : {};

    const workers = celery
        ? {
              replicas: size.workers.replicas,
              resources: size.workers.resources,
              // Logs live in the object store (local copies are deleted after upload); no per-worker volume.
              persistence: { enabled: false },
              serviceAccount: { create: false, name: names.serviceAccounts.worker },
              ...identityLabels,
              ...ha(spec.environment, "worker"),
          }
        : {
              // The pod template: one pod per task.
              resources: size.workers.resources,
              serviceAccount: { create: false, name: names.serviceAccounts.worker },
              ...identityLabels,
          };

    return {
        defaultAirflowRepository: spec.airflowImage.repository,
        defaultAirflowTag: spec.airflowImage.tag,
        airflowVersion: spec.airflowVersion,
        images: {
            gitSync: spec.images.gitSync,
            statsd: spec.images.statsd,
            pgbouncer: spec.images.pgbouncer,
            pgbouncerExporter: spec.images.pgbouncerExporter,
            redis: spec.images.redis,
        },
        executor: spec.executor,
        labels: spec.labels,
        securityContexts: { pod: airflowPodSecurity, containers: airflowContainerSecurity },

        // The platform Postgres, never the chart's embedded one.
        postgresql: { enabled: false },
        data: {
            metadataSecretName: names.secrets.metadata,
            ...(celery ? { brokerUrlSecretName: names.secrets.brokerUrl } : {}),
        },
        fernetKeySecretName: names.secrets.keys,
        apiSecretKeySecretName: names.secrets.keys,
        jwtSecretName: names.secrets.keys,

        extraEnvFrom: envFromYaml(spec.envFromSecrets),
        env: spec.env.map((e) => ({ name: e.name, value: e.value })),
        config: {
            api: { workers: String(size.apiServer.workers), ...(spec.sso ? { base_url: spec.sso.baseUrl } : {}) },
            ...(spec.sso
                ? {
                      // webserver_config.py is read by the FAB auth manager; behind Traefik, the callback URL it builds
                      // takes the scheme and host from X-Forwarded-* (one proxy).
                      core: { auth_manager: "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager" },
                      fab: { enable_proxy_fix: "True", proxy_fix_x_for: "1", proxy_fix_x_proto: "1", proxy_fix_x_host: "1", proxy_fix_x_port: "1", proxy_fix_x_prefix: "1" },
                  }
                : {}),
            dag_processor: {
                parsing_processes: String(size.dagProcessor.parsingProcesses),
                ...(platformDags ? { dag_bundle_config_list: platformDags.bundleConfigList } : {}),
            },
            ...spec.remoteLogging,
        },

        dags: { gitSync: gitSyncValues(spec, size.gitSync) },
        ...(platformDags
            ? { volumes: platformDags.volumes, volumeMounts: platformDags.volumeMounts, airflowPodAnnotations: platformDags.airflowPodAnnotations }
            : {}),
        // Local log files only bridge the time until upload; no PVC for them.
        logs: { persistence: { enabled: false } },

        scheduler: {
            replicas: size.scheduler.replicas,
            resources: size.scheduler.resources,
            logGroomerSidecar: groomer(size.scheduler.logGroomer, retention),
            ...ha(spec.environment, "scheduler"),
        },
        dagProcessor: {
            enabled: true,
            replicas: size.dagProcessor.replicas,
            resources: size.dagProcessor.resources,
            logGroomerSidecar: groomer(size.dagProcessor.logGroomer, retention),
        },
        triggerer: {
            enabled: true,
            replicas: size.triggerer.replicas,
            resources: size.triggerer.resources,
            persistence: { enabled: false },
            logGroomerSidecar: groomer(size.triggerer.logGroomer, retention),
            serviceAccount: { create: false, name: names.serviceAccounts.triggerer },
            ...identityLabels,
            ...ha(spec.environment, "triggerer"),
        },
        apiServer: {
            replicas: size.apiServer.replicas,
            resources: size.apiServer.resources,
            serviceAccount: { create: false, name: names.serviceAccounts.apiServer },
            ...identityLabels,
            ...ha(spec.environment, "api-server"),
            // Single sign-on: the chart writes apiServerConfig into its api-server ConfigMap as webserver_config.py;
            // the client ID and secret reach the api-server only by env from the client Secret.
            ...(spec.sso ? { apiServerConfig: spec.sso.webserverConfig, env: spec.sso.env } : {}),
        },
        workers,

        statsd: {
            enabled: true,
            resources: size.statsd,
            securityContexts: { pod: nobodyPod, container: readOnlyContainer },
        },
        pgbouncer: spec.pgbouncer
            ? {
                  enabled: true,
                  replicas: size.pgbouncer.replicas,
                  resources: size.pgbouncer.resources,
                  // Config and stats Secrets come from the component: the chart would build them from a literal password.
                  configSecretName: names.secrets.pgbouncerConfig,
                  metricsExporterSidecar: {
                      resources: size.pgbouncer.exporter,
                      statsSecretName: names.secrets.pgbouncerStats,
                      securityContexts: { container: readOnlyContainer },
                  },
                  securityContexts: { pod: nobodyPod, container: readOnlyContainer },
                  ...ha(spec.environment, "pgbouncer"),
              }
            : { enabled: false },
        redis: celery
            ? {
                  enabled: true,
                  resources: size.redis,
                  passwordSecretName: names.secrets.redisPassword,
                  securityContexts: { pod: redisPod, container: readOnlyContainer },
              }
            : { enabled: false },

        createUserJob: createUserJob(spec, size.jobs.createUser),
        migrateDatabaseJob: { resources: size.jobs.migrateDatabase },
        // Deletes finished task pods the KubernetesExecutor left behind (failed ones are kept for debugging otherwise).
        cleanup: celery ? { enabled: false } : { enabled: true, resources: size.jobs.cleanup },
        // Weekly `airflow db clean`: the metadata database would otherwise grow without bound.
        databaseCleanup: {
            enabled: true,
            retentionDays: spec.databaseRetentionDays,
            resources: size.jobs.databaseCleanup,
        },
    };
}
