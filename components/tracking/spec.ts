/**
 * Pure specs of the MLflow tracking server: command line, environment, sizing and the Deployment, built from
 * plain data so tests can check them without Pulumi. Values may be `pulumi.Input`s where the component only
 * knows them at deploy time (Secret names, bucket names); nothing here creates a resource.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { platformLabels, containerResources as res } from "../common/kubernetes";
import { databaseSecretKeys } from "../postgres/types";
import { provisioningJobAnnotations, provisioningJobSpec } from "../storage/pod";
import { ObjectStoreFlavor } from "../storage/types";

type Environment = "dev" | "prod";

/** Permission of a signed-in user on experiments and models nobody granted them anything on. */
export type MlflowPermission = "READ" | "EDIT" | "MANAGE" | "NO_PERMISSIONS";

export const MLFLOW_PORT = 5000;
/** Port of the metrics sidecar (MLflow's own `/metrics` sits behind basic auth). */
export const METRICS_PORT = 9090;
export const PROMETHEUS_DIR = "/mlflow/metrics";
export const AUTH_CONFIG_DIR = "/etc/mlflow-auth";
export const AUTH_CONFIG_PATH = `${AUTH_CONFIG_DIR}/basic_auth.ini`;
/** Keys of the admin Secret. */
export const adminSecretKeys = { username: "username", password: "password", flaskSecretKey: "flask-secret-key" } as const;

/** Labels the Deployment selects its pods by; never change them (a Deployment's selector is immutable). */
export const mlflowSelectorLabels = { "app.kubernetes.io/name": "mlflow", "app.kubernetes.io/instance": "mlflow" } as const;

export interface MlflowResources {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface MlflowSizing {
    readonly replicas: number;
    /** uvicorn worker processes per pod. */
    readonly workers: number;
    readonly server: MlflowResources;
    /** Each init container (schema migration, auth config). */
    readonly init: MlflowResources;
    readonly metrics: MlflowResources;
}

/**
 * dev: one pod, one worker. Measured (scripts/measure-mlflow-memory.sh, MLflow 3.18.0, dev's arguments, job runner
 * off): the `mlflow server` parent and its worker hold 411 MiB idle, 473 under a small REST load, 441 after it (working
 * set); `mlflow db upgrade` peaks at 291 MiB; the metrics exporter 13 MiB. prod: two pods spread over zones, two
 * workers each; MLflow is stateless (state lives in Postgres and the object store), so pods scale out.
 */
export const mlflowSizing: Record<Environment, MlflowSizing> = {
    dev: {
        replicas: 1,
        workers: 1,
        server: res("100m", "480Mi", "1", "1Gi"),
        init: res("50m", "320Mi", "500m", "512Mi"),
        metrics: res("10m", "32Mi", "100m", "64Mi"),
    },
    prod: {
        replicas: 2,
        workers: 2,
        server: res("500m", "1536Mi", "2", "3Gi"),
        init: res("100m", "256Mi", "1", "512Mi"),
        metrics: res("10m", "32Mi", "100m", "64Mi"),
    },
};

/**
 * Where the server writes artifacts (clients only ever see `mlflow-artifacts:/`, proxied by the server).
 * ADLS is addressed through its Blob endpoint (`wasbs://`): MLflow's `abfss://` repository needs
 * azure-storage-file-datalake, which the `-full` image does not ship; the Blob API works on HNS accounts.
 */
export function mlflowArtifactsDestination(flavor: ObjectStoreFlavor, bucket: string, accountName?: string): string {
    switch (flavor) {
        case "minio":
            return `s3://${bucket}`;
        case "gcs":
            return `gs://${bucket}`;
        case "adls":
            if (!accountName) throw new Error("artifactsDestination: the adls object store has no accountName");
            return `wasbs://${bucket}@${accountName}.blob.core.windows.net`;
    }
}

/**
 * Host headers the server accepts (MLflow rejects others to stop DNS rebinding): its Service's in-cluster names
 * with and without the port, localhost for `kubectl port-forward`, and the ingress host names.
 */
export function mlflowAllowedHosts(args: { service: string; namespace: string; clusterDomain: string; externalHosts: readonly string[] }): string[] {
    const names = [
        args.service,
        `${args.service}.${args.namespace}`,
        `${args.service}.${args.namespace}.svc`,
        `${args.service}.${args.namespace}.svc.${args.clusterDomain}`,
    ];
    return [
        ...names.flatMap((n) => [n, `${n}:${MLFLOW_PORT}`]),
        "localhost",
        "localhost:*",
        "127.0.0.1",
        "127.0.0.1:*",
        ...args.externalHosts.flatMap((h) => [h, `${h}:*`]),
    ];
}

/** `mlflow` arguments of the server container. The backend store URI comes from the environment (a Secret). */
export function mlflowServerArgs(args: { workers: number; artifactsDestination: string; allowedHosts: readonly string[] }): string[] {
    return [
        "server",
        "--host",
        "0.0.0.0",
        "--port",
        String(MLFLOW_PORT),
        "--workers",
        String(args.workers),
        "--app-name",
        "basic-auth",
        "--serve-artifacts",
        "--artifacts-destination",
        args.artifactsDestination,
        "--expose-prometheus",
        PROMETHEUS_DIR,
        "--allowed-hosts",
        args.allowedHosts.join(","),
    ];
}

/**
 * Writes basic_auth.ini from the environment into a memory-backed volume, readable only by the server's user.
 * MLflow reads the file with ConfigParser's `%` interpolation, so a literal `%` (URL-encoded passwords) is doubled.
 */
export const authConfigScript = `import configparser, os
def value(name):
    return os.environ[name].replace("%", "%%")
config = configparser.RawConfigParser()
config["mlflow"] = {
    "default_permission": value("MLFLOW_AUTH_DEFAULT_PERMISSION"),
    "database_uri": value("MLFLOW_AUTH_DATABASE_URI"),
    "admin_username": value("MLFLOW_AUTH_ADMIN_USERNAME"),
    "admin_password": value("MLFLOW_AUTH_ADMIN_PASSWORD"),
    "authorization_function": "mlflow.server.auth:authenticate_request_basic_auth",
    "grant_default_workspace_access": "false",
}
path = os.environ["MLFLOW_AUTH_CONFIG_PATH"]
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w") as f:
    config.write(f)
`;

/**
 * Serves the uvicorn workers' Prometheus multiprocess files on their own port, so Prometheus scrapes without the
 * MLflow admin password (the server's `/metrics` is behind basic auth). The metrics carry no secrets.
 */
export const metricsExporterScript = `import time
from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector
registry = CollectorRegistry()
MultiProcessCollector(registry, path="${PROMETHEUS_DIR}")
start_http_server(${METRICS_PORT}, registry=registry)
while True:
    time.sleep(3600)
`;

type In<T> = pulumi.Input<T>;

/** How the server reaches the object store: MinIO keys from a Secret; workload identity on GCS/ADLS needs none. */
export interface MlflowStoreAccess {
    readonly flavor: ObjectStoreFlavor;
    /** MinIO: Secret with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and region/endpoint) for the granted bucket. */
    readonly credentialsSecret?: In<string>;
    /** MinIO: in-cluster S3 endpoint. */
    readonly s3Endpoint?: In<string>;
}

export function mlflowStoreEnv(access: MlflowStoreAccess): { env: k8s.types.input.core.v1.EnvVar[]; envFrom: k8s.types.input.core.v1.EnvFromSource[] } {
    if (access.flavor !== "minio") return { env: [], envFrom: [] };
    if (!access.credentialsSecret || !access.s3Endpoint) {
        throw new Error("MLflow on MinIO needs the grant's credentialsSecret and the store's s3Endpoint");
    }
    return {
        env: [{ name: "MLFLOW_S3_ENDPOINT_URL", value: access.s3Endpoint }],
        envFrom: [{ secretRef: { name: access.credentialsSecret } }],
    };
}

export interface MlflowDeploymentArgs {
    readonly environment: Environment;
    readonly namespace: In<string>;
    readonly image: string;
    readonly sizing: MlflowSizing;
    /** The server's `mlflow` arguments (see {@link mlflowServerArgs}). */
    readonly args: In<string[]>;
    readonly serviceAccountName: string;
    /** Postgres Secret (keys of `databaseSecretKeys`) of the tracking database. */
    readonly databaseSecret: In<string>;
    /** Postgres Secret of the auth database. */
    readonly authDatabaseSecret: In<string>;
    /** Secret with the admin user, password and Flask secret key. */
    readonly adminSecret: In<string>;
    readonly defaultPermission: MlflowPermission;
    readonly store: MlflowStoreAccess;
    /** Extra pod labels the object store's identity needs (AKS workload identity). */
    readonly podLabels: Record<string, string>;
}

const secretEnv = (name: string, secret: In<string>, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

const restricted = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
};

/** The MLflow Deployment: migrations and auth config in init containers, the server, and the metrics sidecar. */
export function mlflowDeployment(a: MlflowDeploymentArgs): { metadata: k8s.types.input.meta.v1.ObjectMeta; spec: k8s.types.input.apps.v1.DeploymentSpec } {
    const prod = a.environment === "prod";
    const backendUri = secretEnv("MLFLOW_BACKEND_STORE_URI", a.databaseSecret, databaseSecretKeys.uri);
    const common = [
        { name: "HOME", value: "/tmp" },
        { name: "MLFLOW_DISABLE_TELEMETRY", value: "true" },
        { name: "DO_NOT_TRACK", value: "true" },
    ];
    const store = mlflowStoreEnv(a.store);
    const mounts = { tmp: { name: "tmp", mountPath: "/tmp" }, auth: { name: "auth-config", mountPath: AUTH_CONFIG_DIR } };
    const spread = (topologyKey: string) => ({
        maxSkew: 1,
        topologyKey,
        // ScheduleAnyway: a single-zone cluster, or one short of capacity in a zone, still runs both replicas.
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: mlflowSelectorLabels },
    });
    return {
        metadata: { name: "mlflow", namespace: a.namespace, labels: { ...platformLabels("tracking"), ...mlflowSelectorLabels } },
        spec: {
            replicas: a.sizing.replicas,
            selector: { matchLabels: mlflowSelectorLabels },
            // A new pod (and its schema migration) must be ready before an old one goes.
            strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
            template: {
                metadata: { labels: { ...platformLabels("tracking"), ...mlflowSelectorLabels, ...a.podLabels } },
                spec: {
                    serviceAccountName: a.serviceAccountName,
                    // Workload identity on GKE (metadata server) and AKS (projected token) needs no API token.
                    automountServiceAccountToken: false,
                    securityContext: {
                        runAsNonRoot: true,
                        // The image sets no USER; 1000 is an unprivileged uid the Python install can run as.
                        runAsUser: 1000,
                        runAsGroup: 1000,
                        fsGroup: 1000,
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                    ...(prod
                        ? { topologySpreadConstraints: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")] }
                        : {}),
                    initContainers: [
                        {
                            // Creates the schema on an empty database, migrates it after an image upgrade, no-op otherwise.
                            name: "db-upgrade",
                            image: a.image,
                            command: ["mlflow"],
                            args: ["db", "upgrade", "$(MLFLOW_BACKEND_STORE_URI)"],
                            workingDir: "/tmp",
                            env: [...common, backendUri],
                            resources: a.sizing.init,
                            securityContext: restricted,
                            volumeMounts: [mounts.tmp],
                        },
                        {
                            name: "auth-config",
                            image: a.image,
                            command: ["python", "-c", authConfigScript],
                            workingDir: "/tmp",
                            env: [
                                ...common,
                                { name: "MLFLOW_AUTH_CONFIG_PATH", value: AUTH_CONFIG_PATH },
                                { name: "MLFLOW_AUTH_DEFAULT_PERMISSION", value: a.defaultPermission },
                                secretEnv("MLFLOW_AUTH_DATABASE_URI", a.authDatabaseSecret, databaseSecretKeys.uri),
                                secretEnv("MLFLOW_AUTH_ADMIN_USERNAME", a.adminSecret, adminSecretKeys.username),
                                secretEnv("MLFLOW_AUTH_ADMIN_PASSWORD", a.adminSecret, adminSecretKeys.password),
                            ],
                            resources: a.sizing.init,
                            securityContext: restricted,
                            volumeMounts: [mounts.tmp, mounts.auth],
                        },
                    ],
                    containers: [
                        {
                            name: "mlflow",
                            image: a.image,
                            command: ["mlflow"],
                            args: a.args,
                            // The image has no WORKDIR and the root filesystem is read-only.
                            workingDir: "/tmp",
                            ports: [{ name: "http", containerPort: MLFLOW_PORT, protocol: "TCP" }],
                            env: [
                                ...common,
                                backendUri,
                                { name: "MLFLOW_AUTH_CONFIG_PATH", value: AUTH_CONFIG_PATH },
                                // MLflow 3.18 starts a job runner by default (GenAI server-side jobs, none of which the
                                // platform uses): eight Huey consumer processes beside the server, about 2 GiB, which the
                                // pod's limit kills (measured, scripts/measure-mlflow-memory.sh).
                                { name: "MLFLOW_SERVER_ENABLE_JOB_EXECUTION", value: "false" },
                                secretEnv("MLFLOW_FLASK_SERVER_SECRET_KEY", a.adminSecret, adminSecretKeys.flaskSecretKey),
                                ...store.env,
                            ],
                            envFrom: store.envFrom,
                            resources: a.sizing.server,
                            securityContext: restricted,
                            // /health answers without auth and without Host-header checks.
                            startupProbe: { httpGet: { path: "/health", port: "http" }, periodSeconds: 5, failureThreshold: 36 },
                            readinessProbe: { httpGet: { path: "/health", port: "http" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
                            livenessProbe: { httpGet: { path: "/health", port: "http" }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
                            volumeMounts: [
                                mounts.tmp,
                                { ...mounts.auth, readOnly: true },
                                { name: "prometheus", mountPath: PROMETHEUS_DIR },
                            ],
                        },
                        {
                            name: "metrics",
                            image: a.image,
                            command: ["python", "-c", metricsExporterScript],
                            workingDir: "/tmp",
                            ports: [{ name: "metrics", containerPort: METRICS_PORT, protocol: "TCP" }],
                            env: common,
                            resources: a.sizing.metrics,
                            securityContext: restricted,
                            readinessProbe: { httpGet: { path: "/metrics", port: "metrics" }, periodSeconds: 15 },
                            livenessProbe: { httpGet: { path: "/metrics", port: "metrics" }, periodSeconds: 30, failureThreshold: 4 },
                            volumeMounts: [mounts.tmp, { name: "prometheus", mountPath: PROMETHEUS_DIR, readOnly: true }],
                        },
                    ],
                    volumes: [
                        { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
                        // The rendered auth config holds the admin and database passwords: memory only, never a ConfigMap.
                        { name: "auth-config", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
                        { name: "prometheus", emptyDir: { sizeLimit: "256Mi" } },
                    ],
                },
            },
        },
    };
}

/** Keys of a client's connection Secret: MLflow's own environment variables, so a pod takes it whole with `envFrom`. */
export const clientSecretKeys = { uri: "MLFLOW_TRACKING_URI", username: "MLFLOW_TRACKING_USERNAME", password: "MLFLOW_TRACKING_PASSWORD" } as const;

/**
 * Creates a client's MLflow user as the admin, or sets its password when the user exists: idempotent, so the Job
 * may run again. Waits for the server's unauthenticated `/health` first (the Job may start with the server).
 */
export const clientUserScript = `import base64, json, os, time, urllib.error, urllib.request
uri = os.environ["MLFLOW_TRACKING_URI"].rstrip("/")
token = base64.b64encode((os.environ["ADMIN_USERNAME"] + ":" + os.environ["ADMIN_PASSWORD"]).encode()).decode()
user = {"username": os.environ["CLIENT_USERNAME"], "password": os.environ["CLIENT_PASSWORD"]}
def call(method, path):
    req = urllib.request.Request(uri + path, method=method, data=json.dumps(user).encode(),
                                 headers={"Authorization": "Basic " + token, "Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=30).close()
for attempt in range(60):
    try:
        urllib.request.urlopen(uri + "/health", timeout=5).close()
        break
    except Exception as e:
        print("waiting for MLflow:", e, flush=True)
        time.sleep(5)
try:
    call("POST", "/api/2.0/mlflow/users/create")
    print("created MLflow user", user["username"])
except urllib.error.HTTPError as e:
    if e.code != 400 or json.load(e).get("error_code") != "RESOURCE_ALREADY_EXISTS":
        raise
    call("PATCH", "/api/2.0/mlflow/users/update-password")
    print("set the password of MLflow user", user["username"])
`;

export interface ClientUserJobArgs {
    /** The tracking server's namespace, where the Job runs next to the admin Secret. */
    readonly namespace: In<string>;
    readonly image: string;
    readonly trackingUri: string;
    readonly username: string;
    /** Secret with the admin's `username` and `password` (see {@link adminSecretKeys}). */
    readonly adminSecret: In<string>;
    /** Secret with the client's `username` and `password`. */
    readonly clientSecret: In<string>;
}

/** The Job that creates (or updates) one client's MLflow user. */
export function clientUserJob(a: ClientUserJobArgs): { metadata: k8s.types.input.meta.v1.ObjectMeta; spec: k8s.types.input.batch.v1.JobSpec } {
    return {
        metadata: {
            name: `mlflow-user-${a.username}`,
            namespace: a.namespace,
            labels: platformLabels("tracking"),
            // A Job that could not finish (MLflow not up in time) is replaced on the next `pulumi up`.
            annotations: { ...provisioningJobAnnotations },
        },
        spec: {
            ...provisioningJobSpec,
            template: {
                metadata: { labels: platformLabels("tracking") },
                spec: {
                    restartPolicy: "OnFailure",
                    automountServiceAccountToken: false,
                    securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [
                        {
                            name: "create-user",
                            image: a.image,
                            command: ["python", "-c", clientUserScript],
                            env: [
                                { name: "HOME", value: "/tmp" },
                                { name: "MLFLOW_TRACKING_URI", value: a.trackingUri },
                                secretEnv("ADMIN_USERNAME", a.adminSecret, adminSecretKeys.username),
                                secretEnv("ADMIN_PASSWORD", a.adminSecret, adminSecretKeys.password),
                                secretEnv("CLIENT_USERNAME", a.clientSecret, "username"),
                                secretEnv("CLIENT_PASSWORD", a.clientSecret, "password"),
                            ],
                            resources: res("10m", "64Mi", "200m", "128Mi"),
                            securityContext: restricted,
                        },
                    ],
                },
            },
        },
    };
}
