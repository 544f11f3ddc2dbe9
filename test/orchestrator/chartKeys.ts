/**
 * The values paths of the official Airflow chart this component relies on. Each was checked against the
 * chart's `values.schema.json` as of apache/airflow 2026-03-01 (chart 1.20.0-dev, the base of the 1.2x line;
 * the 1.22.0 tag itself could not be fetched here) and the 1.20-1.22 release notes: 1.20/1.21 deprecate the
 * top-level `workers.resources`/`workers.serviceAccount`/... keys used here in favour of `workers.celery.*` and
 * `workers.kubernetes.*`, and keep reading them as the fallback until chart 2.0 (apache/airflow#66598, in
 * 1.22.0, keeps that fallback for the task-pod ServiceAccount). The schema sets `additionalProperties: false`
 * on these sections, so a key outside this list would fail `helm install`; the values test keeps the
 * component inside it.
 */

/** Sub-documents the schema types as Kubernetes objects or free-form maps: their inner keys are not chart keys. */
const opaque = [
    /^labels$/,
    /\.labels$/,
    /^config$/,
    /^env$/,
    /\.env$/,
    /(^|\.)resources$/,
    /(^|\.)topologySpreadConstraints$/,
    /^securityContexts\.(pod|containers)$/,
    /\.securityContexts\.(pod|container)$/,
    /\.podDisruptionBudget\.config$/,
    /^dags\.gitSync\.(livenessProbe|readinessProbe)$/,
    /^airflowPodAnnotations$/,
];

export const isOpaquePath = (path: string) => opaque.some((re) => re.test(path));

export const chartValuePaths: ReadonlySet<string> = new Set([
    "defaultAirflowRepository",
    "defaultAirflowTag",
    "airflowVersion",
    ...["gitSync", "statsd", "pgbouncer", "pgbouncerExporter", "redis"].flatMap((i) => [`images.${i}.repository`, `images.${i}.tag`]),
    "executor",
    "labels",
    // Top-level volumes and mounts the chart adds to every Airflow container, task pods included; pod annotations likewise.
    "volumes",
    "volumeMounts",
    "airflowPodAnnotations",
    "securityContexts.pod",
    "securityContexts.containers",
    "postgresql.enabled",
    "data.metadataSecretName",
    "data.brokerUrlSecretName",
    "fernetKeySecretName",
    "apiSecretKeySecretName",
    "jwtSecretName",
    "extraEnvFrom",
    "env",
    "config",
    ...[
        "enabled",
        "repo",
        "ref",
        "branch",
        "subPath",
        "depth",
        "period",
        "maxFailures",
        "credentialsSecret",
        "sshKeySecret",
        "knownHosts",
        "env",
        // Since chart 1.21.0 (apache/airflow#62334): the port the chart binds git-sync's HTTP endpoint to and probes.
        "httpPort",
        "livenessProbe",
        "readinessProbe",
        "resources",
        "securityContexts.container",
    ].map((k) => `dags.gitSync.${k}`),
    "logs.persistence.enabled",
    ...["replicas", "resources", "logGroomerSidecar.resources", "logGroomerSidecar.retentionDays", "podDisruptionBudget.enabled", "podDisruptionBudget.config", "topologySpreadConstraints"].map(
        (k) => `scheduler.${k}`,
    ),
    ...["enabled", "replicas", "resources", "logGroomerSidecar.resources", "logGroomerSidecar.retentionDays"].map((k) => `dagProcessor.${k}`),
    ...[
        "enabled",
        "replicas",
        "resources",
        "persistence.enabled",
        "logGroomerSidecar.resources",
        "logGroomerSidecar.retentionDays",
        "serviceAccount.create",
        "serviceAccount.name",
        "labels",
        "podDisruptionBudget.enabled",
        "podDisruptionBudget.config",
        "topologySpreadConstraints",
    ].map((k) => `triggerer.${k}`),
    ...[
        "replicas",
        "resources",
        "serviceAccount.create",
        "serviceAccount.name",
        "labels",
        "podDisruptionBudget.enabled",
        "podDisruptionBudget.config",
        "topologySpreadConstraints",
        // Single sign-on: webserver_config.py (the chart's api-server ConfigMap, mounted at AIRFLOW_HOME; its text goes
        // through `tpl`) and extra env (templates/api-server/api-server-deployment.yaml, `container_extra_envs`).
        "apiServerConfig",
        "env",
    ].map((k) => `apiServer.${k}`),
    ...[
        "replicas",
        "resources",
        "persistence.enabled",
        "serviceAccount.create",
        "serviceAccount.name",
        "labels",
        "podDisruptionBudget.enabled",
        "podDisruptionBudget.config",
        "topologySpreadConstraints",
    ].map((k) => `workers.${k}`),
    ...["enabled", "resources", "securityContexts.pod", "securityContexts.container"].map((k) => `statsd.${k}`),
    ...[
        "enabled",
        "replicas",
        "resources",
        "configSecretName",
        "metricsExporterSidecar.resources",
        "metricsExporterSidecar.statsSecretName",
        "metricsExporterSidecar.securityContexts.container",
        "securityContexts.pod",
        "securityContexts.container",
        "podDisruptionBudget.enabled",
        "podDisruptionBudget.config",
        "topologySpreadConstraints",
    ].map((k) => `pgbouncer.${k}`),
    ...["enabled", "resources", "passwordSecretName", "securityContexts.pod", "securityContexts.container"].map((k) => `redis.${k}`),
    ...["enabled", "args", "env", "resources"].map((k) => `createUserJob.${k}`),
    ...["enabled", "role", "username", "email", "firstName", "lastName", "password"].map((k) => `createUserJob.defaultUser.${k}`),
    "migrateDatabaseJob.resources",
    "cleanup.enabled",
    "cleanup.resources",
    "databaseCleanup.enabled",
    "databaseCleanup.retentionDays",
    "databaseCleanup.resources",
]);
