/**
 * Pure builders of the feature store: Feast's `feature_store.yaml`, the feature server's Deployment, the
 * materialization pod template handed to Airflow, the Valkey chart's values and the sizing per environment. Plain
 * data in, manifests out; nothing here creates a resource. Feast fields checked against feast-dev/feast v0.66.0
 * (`sdk/python/feast/repo_config.py`, `infra/registry/sql.py`, `infra/utils/postgres/postgres_config.py`,
 * `infra/online_stores/redis.py`, `infra/offline_stores/dask.py`, `cli/serve.py`, `feature_server.py`, `metrics.py`).
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { ValkeyValues } from "../charts/valkey";
import { ContainerResources, containerResources as res, platformLabels } from "../common/kubernetes";
import { databaseSecretKeys, PostgresFlavor } from "../postgres/types";
import type { ObjectStoreFlavor } from "../storage/types";

export type Environment = "dev" | "prod";
/** Where online features live: the platform's Postgres (default), or Valkey (Redis protocol) for lower read latency. */
export type OnlineStoreKind = "postgres" | "valkey";

export const COMPONENT = "featurestore";
/** `feast serve`'s HTTP port (its default). */
export const FEAST_PORT = 6566;
/** Feast's Prometheus endpoint: `start_metrics_server` binds 8000 (not configurable in 0.66.0). */
export const FEAST_METRICS_PORT = 8000;
export const FEAST_CONFIG_DIR = "/etc/feast";
export const FEATURE_STORE_YAML = `${FEAST_CONFIG_DIR}/feature_store.yaml`;
/** The image's user (UBI 9 Python's `default`, uid 1001, group 0 as OpenShift-style images expect). */
export const FEAST_UID = 1001;
export const FEAST_SERVICE = "feast";
export const FEAST_SERVICE_ACCOUNT = "feast";
export const FEAST_CONFIG_MAP = "feast-config";
export const VALKEY_RELEASE = "valkey";
export const VALKEY_PORT = 6379;
export const VALKEY_METRICS_PORT = 9121;
/** The Secret holding Valkey's `default` user password (the chart's `auth.usersExistingSecret`). */
export const VALKEY_USERS_SECRET = "valkey-users";

/** Labels the feature server's Deployment selects by; never change them (a Deployment's selector is immutable). */
export const featureServerPods = { "app.kubernetes.io/name": "feast", "app.kubernetes.io/instance": "feast", "ml-platform/feast-role": "feature-server" } as const;
/** Labels of materialization pods (Airflow starts them); the Service, PDB and HPA never select them. */
export const materializePods = { "app.kubernetes.io/name": "feast", "app.kubernetes.io/instance": "feast", "ml-platform/feast-role": "materialize" } as const;
/** The Valkey chart's selector labels for release {@link VALKEY_RELEASE} (`valkey.selectorLabels`). */
export const valkeyPods = { "app.kubernetes.io/name": "valkey", "app.kubernetes.io/instance": VALKEY_RELEASE } as const;

/** Feast project names: letters, digits and underscores, starting with a letter (`feast.repo_config.is_valid_name`). */
export function validateProjectName(project: string): void {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(project)) {
        throw new Error(`featurestore: project ${JSON.stringify(project)} is not a Feast project name (letters, digits and underscores, starting with a letter)`);
    }
}

export interface FeatureStoreSizing {
    /** Feature server replicas (the HPA's minimum where there is one). */
    readonly replicas: number;
    /** The HPA's maximum; equal to `replicas` means no HPA. */
    readonly maxReplicas: number;
    /** Gunicorn workers per feature server pod. */
    readonly workers: number;
    /** Average CPU utilization (of the request) the HPA holds. */
    readonly targetCpuUtilization: number;
    readonly server: ContainerResources;
    /** One materialization pod (Airflow's task): the file offline store reads a window into memory. */
    readonly materialize: ContainerResources;
    readonly valkey: {
        /** Replicas besides the primary (0: standalone). */
        readonly replicas: number;
        readonly storage?: string;
        readonly server: ContainerResources;
        readonly exporter: ContainerResources;
        readonly init: ContainerResources;
    };
}

/**
 * dev: one feature server with one worker. Measured with feast 0.66.0 (`feast serve --metrics --workers 1`, a SQLite
 * online store, one feature view): gunicorn's master and its worker hold 242 MiB PSS together, so the request is
 * 256Mi. prod: two replicas spread over zones, two workers each, autoscaled on CPU to 6; Valkey with two replicas of
 * the primary on volumes when chosen.
 */
export const featureStoreSizing: Record<Environment, FeatureStoreSizing> = {
    dev: {
        replicas: 1,
        maxReplicas: 1,
        workers: 1,
        targetCpuUtilization: 70,
        server: res("50m", "256Mi", "1", "512Mi"),
        materialize: res("100m", "512Mi", "1", "2Gi"),
        valkey: { replicas: 0, server: res("25m", "32Mi", "500m", "256Mi"), exporter: res("10m", "32Mi", "100m", "64Mi"), init: res("10m", "16Mi", "100m", "64Mi") },
    },
    prod: {
        replicas: 2,
        maxReplicas: 6,
        workers: 2,
        targetCpuUtilization: 70,
        server: res("500m", "512Mi", "2", "1Gi"),
        materialize: res("500m", "2Gi", "2", "4Gi"),
        valkey: { replicas: 2, storage: "10Gi", server: res("250m", "1Gi", "1", "1Gi"), exporter: res("10m", "32Mi", "100m", "64Mi"), init: res("10m", "16Mi", "100m", "64Mi") },
    },
};

/** Environment variables `feature_store.yaml` reads (Feast runs `os.path.expandvars` on the file before parsing it). */
export const feastEnv = {
    registry: { user: "FEAST_REGISTRY_USER", password: "FEAST_REGISTRY_PASSWORD", host: "FEAST_REGISTRY_HOST", port: "FEAST_REGISTRY_PORT", database: "FEAST_REGISTRY_DATABASE" },
    online: { user: "FEAST_ONLINE_USER", password: "FEAST_ONLINE_PASSWORD", host: "FEAST_ONLINE_HOST", port: "FEAST_ONLINE_PORT", database: "FEAST_ONLINE_DATABASE" },
    valkeyPassword: "FEAST_VALKEY_PASSWORD",
} as const;

/** The online store as `feature_store.yaml` names it. */
export type OnlineStoreSpec =
    | { readonly kind: "postgres"; readonly sslMode: "disable" | "require"; readonly maxConnections: number }
    | { readonly kind: "valkey"; readonly host: string; readonly port: number };

/** `disable` for the in-cluster server (no TLS there), `require` for Cloud SQL and Flexible Server. */
export function postgresSslMode(flavor: PostgresFlavor): "disable" | "require" {
    return flavor === "in-cluster" ? "disable" : "require";
}

export interface FeatureStoreConfigSpec {
    readonly project: string;
    readonly registrySslMode: "disable" | "require";
    readonly online: OnlineStoreSpec;
    /** How long the feature server trusts its registry cache. */
    readonly registryTtlSeconds: number;
}

type Yaml = string | number | boolean | { readonly [key: string]: Yaml };

/** YAML for nested maps of scalars: strings double-quoted (JSON escapes are YAML's), `${VAR}` kept for Feast to expand. */
function toYaml(value: { readonly [key: string]: Yaml }, indent = ""): string {
    return Object.entries(value)
        .map(([key, v]) =>
            typeof v === "object" ? `${indent}${key}:\n${toYaml(v, `${indent}  `)}` : `${indent}${key}: ${typeof v === "string" && !/^\$\{\w+\}$/.test(v) ? JSON.stringify(v) : String(v)}`,
        )
        .join("\n");
}

const ref = (name: string) => `\${${name}}`;
/** A string that must stay a string after expansion (a password of digits only would otherwise parse as a number). */
const quoted = (name: string) => JSON.stringify(ref(name));

/**
 * Feast's `feature_store.yaml`: the SQL registry and the online store in the platform's databases (credentials as
 * `${VAR}` references, filled from Secrets by the pod's environment), the file (Dask) offline store reading Parquet
 * from the object store, Prometheus metrics on, no Feast-level auth (the network policies and the ingress's login
 * decide who reaches the server). Holds no secret: it is a ConfigMap.
 */
export function featureStoreYaml(spec: FeatureStoreConfigSpec): string {
    validateProjectName(spec.project);
    const r = feastEnv.registry;
    // Only `sql` registries take `sqlalchemy_config_kwargs`; psycopg 3 is the driver the image ships (postgres-c).
    const registryPath = `postgresql+psycopg://${ref(r.user)}:${ref(r.password)}@${ref(r.host)}:${ref(r.port)}/${ref(r.database)}?sslmode=${spec.registrySslMode}`;
    const o = feastEnv.online;
    const online =
        spec.online.kind === "postgres"
            ? [
                  `  type: "postgres"`,
                  `  host: ${quoted(o.host)}`,
                  `  port: ${ref(o.port)}`,
                  `  database: ${quoted(o.database)}`,
                  `  user: ${quoted(o.user)}`,
                  `  password: ${quoted(o.password)}`,
                  `  sslmode: ${JSON.stringify(spec.online.sslMode)}`,
                  // A pool per worker process: concurrent requests do not queue on one connection.
                  `  conn_type: "pool"`,
                  `  min_conn: 1`,
                  `  max_conn: ${spec.online.maxConnections}`,
              ]
            : [
                  `  type: "redis"`,
                  `  redis_type: "redis"`,
                  // redis-py's options after the address; the password comes from the environment.
                  `  connection_string: ${JSON.stringify(`${spec.online.host}:${spec.online.port},password=${ref(feastEnv.valkeyPassword)}`)}`,
              ];
    return [
        toYaml({ project: spec.project, provider: "local" }),
        "registry:",
        toYaml({ registry_type: "sql", path: registryPath, cache_ttl_seconds: spec.registryTtlSeconds, sqlalchemy_config_kwargs: { pool_pre_ping: true } }, "  "),
        "offline_store:",
        toYaml({ type: "file" }, "  "),
        "online_store:",
        ...online,
        toYaml({ entity_key_serialization_version: 3, feature_server: { metrics: { enabled: true } }, auth: { type: "no_auth" } }),
        "",
    ].join("\n");
}

type In<T> = pulumi.Input<T>;
const secretEnv = (name: string, secret: In<string>, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

/** Where the feature store's own credentials come from: Secrets in its namespace, referenced by name. */
export interface FeastCredentials {
    /** The registry database's Secret (keys of `databaseSecretKeys`). */
    readonly registrySecret: In<string>;
    /** The online database's Secret (Postgres online store). */
    readonly onlineSecret?: In<string>;
    /** Valkey's users Secret (Valkey online store), key `default`. */
    readonly valkeySecret?: In<string>;
    /** MinIO: the scoped key Secret (`AWS_ACCESS_KEY_ID`, ...); clouds use workload identity instead. */
    readonly objectStoreSecret?: In<string>;
}

/** The environment every Feast container gets: the config file's location and each `${VAR}` it references. */
export function feastContainerEnv(c: FeastCredentials): { env: k8s.types.input.core.v1.EnvVar[]; envFrom: k8s.types.input.core.v1.EnvFromSource[] } {
    const k = databaseSecretKeys;
    const db = (names: { user: string; password: string; host: string; port: string; database: string }, secret: In<string>) => [
        secretEnv(names.user, secret, k.username),
        secretEnv(names.password, secret, k.password),
        secretEnv(names.host, secret, k.host),
        secretEnv(names.port, secret, k.port),
        secretEnv(names.database, secret, k.database),
    ];
    return {
        env: [
            { name: "HOME", value: "/tmp" },
            { name: "FEAST_FS_YAML_FILE_PATH", value: FEATURE_STORE_YAML },
            ...db(feastEnv.registry, c.registrySecret),
            ...(c.onlineSecret ? db(feastEnv.online, c.onlineSecret) : []),
            ...(c.valkeySecret ? [secretEnv(feastEnv.valkeyPassword, c.valkeySecret, "default")] : []),
        ],
        envFrom: c.objectStoreSecret ? [{ secretRef: { name: c.objectStoreSecret } }] : [],
    };
}

export const restrictedContainer = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
};

/** Restricted Pod Security for every Feast pod. */
export const feastPodSecurity = { runAsNonRoot: true, runAsUser: FEAST_UID, runAsGroup: 0, fsGroup: 0, seccompProfile: { type: "RuntimeDefault" } };

const volumes = [
    { name: "config", configMap: { name: FEAST_CONFIG_MAP } },
    // Feast's metrics keep their multiprocess files here (PROMETHEUS_MULTIPROCESS_DIR under the temp dir).
    { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
];
const volumeMounts = [
    { name: "config", mountPath: FEAST_CONFIG_DIR, readOnly: true },
    { name: "tmp", mountPath: "/tmp" },
];

export interface FeatureServerArgs {
    readonly environment: Environment;
    readonly namespace: In<string>;
    readonly image: string;
    readonly sizing: FeatureStoreSizing;
    readonly credentials: FeastCredentials;
    /** Extra pod labels the object store's identity needs (AKS workload identity). */
    readonly podLabels: Readonly<Record<string, string>>;
    /** Checksum of `feature_store.yaml`: a changed config rolls the pods. */
    readonly configChecksum: string;
    readonly registryTtlSeconds: number;
}

/** `feast serve` arguments: every interface, the metrics server, the registry refreshed as often as its cache expires. */
export function feastServeArgs(workers: number, registryTtlSeconds: number): string[] {
    return ["serve", "--host", "0.0.0.0", "--port", String(FEAST_PORT), "--workers", String(workers), "--registry_ttl_sec", String(registryTtlSeconds), "--metrics", "--no-access-log"];
}

/** The feature server Deployment. */
export function featureServerDeployment(a: FeatureServerArgs): { metadata: k8s.types.input.meta.v1.ObjectMeta; spec: k8s.types.input.apps.v1.DeploymentSpec } {
    const prod = a.environment === "prod";
    const { env, envFrom } = feastContainerEnv(a.credentials);
    const labels = { ...platformLabels(COMPONENT), ...featureServerPods };
    const spread = (topologyKey: string) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...featureServerPods } } });
    // /health lists projects from the registry (cached): it fails while the registry database is unreachable.
    const health = { httpGet: { path: "/health", port: "http" } };
    return {
        metadata: { name: FEAST_SERVICE, namespace: a.namespace, labels },
        spec: {
            // With an HPA the HPA owns the count (from its minReplicas): a count here would reset it on every update.
            ...(a.sizing.maxReplicas > a.sizing.replicas ? {} : { replicas: a.sizing.replicas }),
            selector: { matchLabels: { ...featureServerPods } },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
            template: {
                metadata: { labels: { ...labels, ...a.podLabels }, annotations: { "ml-platform/config-checksum": a.configChecksum } },
                spec: {
                    serviceAccountName: FEAST_SERVICE_ACCOUNT,
                    automountServiceAccountToken: false,
                    securityContext: feastPodSecurity,
                    ...(prod ? { topologySpreadConstraints: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")] } : {}),
                    containers: [
                        {
                            name: "feature-server",
                            image: a.image,
                            command: ["feast"],
                            args: feastServeArgs(a.sizing.workers, a.registryTtlSeconds),
                            workingDir: "/tmp",
                            ports: [
                                { name: "http", containerPort: FEAST_PORT, protocol: "TCP" },
                                { name: "metrics", containerPort: FEAST_METRICS_PORT, protocol: "TCP" },
                            ],
                            env,
                            envFrom,
                            resources: a.sizing.server,
                            securityContext: restrictedContainer,
                            startupProbe: { ...health, periodSeconds: 5, failureThreshold: 36 },
                            readinessProbe: { ...health, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
                            livenessProbe: { ...health, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
                            volumeMounts,
                        },
                    ],
                    volumes,
                },
            },
        },
    };
}

/** HorizontalPodAutoscaler of the feature server (prod): CPU-bound request handling scales out. */
export function featureServerHpa(namespace: In<string>, sizing: FeatureStoreSizing): { metadata: k8s.types.input.meta.v1.ObjectMeta; spec: k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec } {
    return {
        metadata: { name: FEAST_SERVICE, namespace, labels: platformLabels(COMPONENT) },
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: FEAST_SERVICE },
            minReplicas: sizing.replicas,
            maxReplicas: sizing.maxReplicas,
            metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: sizing.targetCpuUtilization } } }],
            // Scale in slowly: a short burst should not shed pods that warm caches just loaded.
            behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
        },
    };
}

export interface MaterializePodArgs {
    readonly image: string;
    readonly sizing: FeatureStoreSizing;
    readonly credentials: FeastCredentials;
    readonly podLabels: Readonly<Record<string, string>>;
}

/**
 * The pod Airflow's KubernetesPodOperator starts for `feast materialize-incremental` (its `pod_template_dict`): the
 * feature server's image, identity, config and credentials, in the feature store's namespace, so no credential
 * leaves it. The container is named `base`, the one KubernetesPodOperator puts its `cmds` and `arguments` into.
 */
export function materializePodTemplate(a: MaterializePodArgs): Record<string, unknown> {
    const { env, envFrom } = feastContainerEnv(a.credentials);
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { labels: { ...platformLabels(COMPONENT), ...materializePods, ...a.podLabels } },
        spec: {
            serviceAccountName: FEAST_SERVICE_ACCOUNT,
            automountServiceAccountToken: false,
            restartPolicy: "Never",
            securityContext: feastPodSecurity,
            containers: [
                {
                    name: "base",
                    image: a.image,
                    command: ["feast"],
                    workingDir: "/tmp",
                    env,
                    envFrom,
                    resources: a.sizing.materialize,
                    securityContext: restrictedContainer,
                    volumeMounts,
                },
            ],
            volumes,
        },
    };
}

/** The scheme and authority of a zone's Parquet files, as Feast's `FileSource(path=...)` takes them. */
export function offlinePathPrefix(flavor: ObjectStoreFlavor, bucket: string, accountName?: string): string {
    switch (flavor) {
        case "minio":
            return `s3://${bucket}/`;
        case "gcs":
            return `gs://${bucket}/`;
        case "adls":
            // pyarrow's AzureFileSystem (FileSystem.from_uri) with Azure's DefaultAzureCredential: workload identity.
            if (!accountName) throw new Error("featurestore: the adls object store has no accountName");
            return `abfss://${bucket}@${accountName}.dfs.core.windows.net/`;
    }
}

export interface ValkeyValuesArgs {
    readonly environment: Environment;
    readonly image: { readonly registry: string; readonly repository: string; readonly tag: string };
    readonly exporterImage: { readonly registry: string; readonly repository: string; readonly tag: string };
    readonly sizing: FeatureStoreSizing;
    readonly storageClassName?: string;
}

/**
 * The official Valkey chart: ACL auth with the `default` user's password from {@link VALKEY_USERS_SECRET} (never
 * inline), restricted pod security (the exporter's container context set here: the chart leaves it empty), no
 * service-account token, the exporter on for Prometheus. dev: standalone without a volume (materialization refills
 * it). prod: a primary and replicas on volumes, spread over zones, with a PDB.
 */
export function valkeyValues(a: ValkeyValuesArgs): ValkeyValues {
    const prod = a.environment === "prod";
    const v = a.sizing.valkey;
    const container = { ...restrictedContainer, runAsUser: 1000 };
    const spread = (topologyKey: string) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...valkeyPods } } });
    return {
        fullnameOverride: VALKEY_RELEASE,
        image: a.image,
        podLabels: platformLabels(COMPONENT),
        serviceAccount: { create: true, automount: false },
        podSecurityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
        securityContext: container,
        resources: v.server,
        initResources: v.init,
        dataStorage: { enabled: false },
        auth: { enabled: true, usersExistingSecret: VALKEY_USERS_SECRET, aclUsers: { default: { permissions: "~* &* +@all", passwordKey: "default" } } },
        ...(v.replicas > 0
            ? {
                  replica: {
                      enabled: true,
                      replicas: v.replicas,
                      replicationUser: "default",
                      persistence: { size: v.storage ?? "10Gi", ...(a.storageClassName ? { storageClass: a.storageClassName } : {}) },
                  },
                  podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
              }
            : { replica: { enabled: false } }),
        ...(prod ? { topologySpreadConstraints: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")] } : {}),
        metrics: {
            enabled: true,
            exporter: { image: a.exporterImage, resources: v.exporter, securityContext: { ...restrictedContainer, runAsUser: 1000 } },
            serviceMonitor: { enabled: false },
        },
    };
}
