import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { createNamespace, createSecret, platformLabels, requireKubernetesProvider } from "../common/kubernetes";
import { validateDatabaseName } from "../postgres/sql";
import { ANYWHERE, ClientNamespace, connect, ConnectionRecord, Flow, NetworkMember, toApiServer, WebUi } from "../network/spec";
import { ObjectStoreAccess } from "../storage/types";
import { chartSource, charts, images } from "../versions";
import {
    airflowConnections,
    metadataConnection,
    ObjectStoreEndpoint,
    parsePostgresUri,
    pgbouncerIni,
    pgbouncerStatsConnection,
    pgbouncerUsers,
    remoteLoggingConfig,
    remoteLogPrefix,
} from "./connections";
import type { MonitoringSource } from "../monitoring/source";
import { orchestratorMonitoring } from "./monitoring";
import { airflowSizing } from "./sizing";
import { airflowApiSecretKeys, airflowApiSecretName, OrchestratorArgs, OrchestratorOutputs } from "./types";
import { airflowNames, airflowValues, chartImage, defaultDagSource, validateAdmin } from "./values";

export * from "./types";
export { connectionIds } from "./connections";
export { airflowSizing } from "./sizing";
export { airflowNames, airflowValues, defaultDagSource } from "./values";

import { airflowOidcEnv, airflowWebserverConfig, redirectPaths } from "../identity/spec";
import { OidcSettings, oidcSettings } from "../identity/types";

const COMPONENT = "orchestrator";
/** The StatsD exporter's UDP ingest port (the chart's `statsd-ingest`). */
export const AIRFLOW_STATSD_INGEST_PORT = 9125;

function requireOutput<T>(value: pulumi.Output<T> | undefined, what: string): pulumi.Output<T> {
    if (!value) throw new Error(`orchestrator: the ${what} object store does not expose the value remote logging needs`);
    return value;
}

/** Defaults applied and arguments checked, each failure naming the input at fault. */
function resolveArgs(args: OrchestratorArgs) {
    const environment = args.environment;
    const namespace = args.namespace ?? "ml-orchestrator";
    const logBucket = args.logBucket ?? "airflow-logs";
    const admin = { username: args.adminUsername ?? "admin", email: args.adminEmail ?? "admin@example.com" };
    const retentionDays = args.databaseRetentionDays ?? 90;
    const dags = args.dags ?? defaultDagSource(images.airflow.tag);

    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) throw new Error(`orchestrator: namespace ${JSON.stringify(namespace)} is not a DNS label`);
    if (!(logBucket in args.objectStore.buckets)) {
        throw new Error(`orchestrator: logBucket ${JSON.stringify(logBucket)} is not a bucket of the object store (it has: ${Object.keys(args.objectStore.buckets).join(", ")})`);
    }
    if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new Error(`orchestrator: databaseRetentionDays must be a whole number >= 1, got ${retentionDays}`);
    if (!dags.repo) throw new Error("orchestrator: dags.repo is empty");
    if (dags.credentials?.kind === "ssh" && /^https?:\/\//.test(dags.repo)) throw new Error("orchestrator: dags.credentials is ssh but dags.repo is an http(s) URL");
    if (dags.credentials?.kind === "https" && !dags.repo.startsWith("https://")) throw new Error("orchestrator: dags.credentials is https but dags.repo is not an https:// URL");
    validateAdmin(admin);
    const database = args.database ?? "airflow";
    validateDatabaseName(database);

    return {
        environment,
        prod: environment === "prod",
        executor: args.executor ?? "KubernetesExecutor",
        usePgbouncer: args.pgbouncer ?? environment === "prod",
        logBucket,
        database,
        namespace,
        admin,
        retentionDays,
        airflowImage: args.image ?? chartImage(images.airflow, args.mirror),
        dags,
    };
}

/**
 * Apache Airflow 3 from the official chart: metadata in the platform Postgres (through PgBouncer in prod),
 * DAGs from Git via git-sync, task logs in the platform object store with workload identity, generated keys
 * in Kubernetes Secrets referenced by name, and Airflow connections to Trino, Kafka, MLflow and the store.
 */
/** The Airflow Variable (read from the environment) holding `{ model: inference URL }` for every served model. */
export const MODELS_VARIABLE = "AIRFLOW_VAR_ML_PLATFORM_MODELS";
/** The Airflow Variable holding the platform's SparkApplication (JSON) for DAGs to copy, when compute is on. */
export const SPARK_APPLICATION_VARIABLE = "AIRFLOW_VAR_ML_PLATFORM_SPARK_APPLICATION";
/**
 * The Airflow Variable (read from the environment) for Feast: `{ url, namespace, pod_template }`, where
 * `pod_template` is KubernetesPodOperator's `pod_template_dict` for `feast materialize-incremental`.
 */
export const FEAST_VARIABLE = "AIRFLOW_VAR_ML_PLATFORM_FEAST";

export class Orchestrator extends pulumi.ComponentResource implements OrchestratorOutputs, NetworkMember {
    public readonly namespace: pulumi.Output<string>;
    public readonly namespaces: string[];
    /** The KubernetesExecutor, git-sync, and every connection Airflow was given. */
    public readonly flows: Flow[];
    /** Its database, log bucket, and the platform services its DAGs use. */
    public readonly connections: ConnectionRecord[] = [];
    /** The Airflow UI and API, for the ingress (Airflow has its own login). */
    public readonly ui: WebUi;
    /** Airflow's statsd metrics, alerts and dashboard, for `Monitoring`'s `sources`. */
    public readonly monitoring: MonitoringSource;
    public readonly uiUrl: pulumi.Output<string>;
    public readonly adminUsername: pulumi.Output<string>;
    public readonly adminPassword: pulumi.Output<string>;
    public readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: OrchestratorArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before anything is registered, so a bad argument leaves nothing half-created behind.
        const { environment, prod, executor, usePgbouncer, logBucket, database, namespace, admin, retentionDays, airflowImage, dags } = resolveArgs(args);
        requireKubernetesProvider(`Orchestrator "${name}"`, args, opts);
        super("mlplatform:orchestrator:Orchestrator", name, {}, opts);
        this.monitoring = orchestratorMonitoring(namespace);
        const store = args.objectStore;

        const parent = { parent: this };
        const ns = createNamespace(`${name}-ns`, { namespace, component: COMPONENT }, parent);
        const nsName = ns.metadata.name;
        const client: ClientNamespace = { name: namespace, created: nsName };
        this.namespaces = [namespace];
        this.flows = [
            toApiServer(namespace, "Airflow's KubernetesExecutor"),
            { from: namespace, to: ANYWHERE, ports: [443, 22], why: "git-sync pulls the DAG repository" },
        ];
        this.ui = {
            namespace,
            service: `${airflowNames.release}-api-server`,
            port: airflowNames.ports.apiServer,
            auth: args.sso ? "oidc" : "own",
            pods: { tier: "airflow", component: "api-server", release: airflowNames.release },
        };
        const ssoBaseUrl = args.sso?.baseUrl.replace(/\/+$/, "");
        const sso = args.sso?.identity.oidcClient(
            "airflow",
            { namespace: client, redirectUris: [`${ssoBaseUrl}${redirectPaths.airflow}`], pods: { tier: "airflow", component: "api-server", release: airflowNames.release } },
            this,
        );
        connect(this, sso);
        const ssoSettings: pulumi.Output<OidcSettings | undefined> = sso ? oidcSettings(sso) : pulumi.output<OidcSettings | undefined>(undefined);
        const size = airflowSizing[environment];

        // --- metadata database -------------------------------------------------------------------------
        const db = args.postgres.database(`${name}-db`, { namespace: client, database }, this);
        // Through the connection Secret's name, everything built from the URI waits until the database and role exist.
        const pg = pulumi.all([db.uri, db.secretName]).apply(([uri]) => parsePostgresUri(uri));
        const pgbouncerRoute = {
            host: `${airflowNames.release}-pgbouncer.${namespace}.svc.cluster.local`,
            port: airflowNames.ports.pgbouncer,
            alias: airflowNames.pgbouncerAlias,
        };
        const secrets: k8s.core.v1.Secret[] = [
            createSecret(
                `${name}-metadata`,
                {
                    name: airflowNames.secrets.metadata,
                    namespace: nsName,
                    component: COMPONENT,
                    data: { connection: pg.apply((p) => metadataConnection(p, usePgbouncer ? pgbouncerRoute : undefined)) },
                },
                parent,
            ),
        ];
        if (usePgbouncer) {
            const ini = { alias: pgbouncerRoute.alias, listenPort: pgbouncerRoute.port, poolSize: size.pgbouncer.poolSize, maxClientConnections: size.pgbouncer.maxClientConnections };
            secrets.push(
                createSecret(
                    `${name}-pgbouncer-config`,
                    {
                        name: airflowNames.secrets.pgbouncerConfig,
                        namespace: nsName,
                        component: COMPONENT,
                        data: { "pgbouncer.ini": pg.apply((p) => pgbouncerIni(p, ini)), "users.txt": pg.apply(pgbouncerUsers) },
                    },
                    parent,
                ),
                createSecret(
                    `${name}-pgbouncer-stats`,
                    {
                        name: airflowNames.secrets.pgbouncerStats,
                        namespace: nsName,
                        component: COMPONENT,
                        data: { connection: pg.apply((p) => pgbouncerStatsConnection(p, pgbouncerRoute.port)) },
                    },
                    parent,
                ),
            );
        }

        // --- generated keys ------------------------------------------------------------------------------
        // Losing the Fernet key makes every encrypted connection and variable in the database unreadable.
        const fernet = new random.RandomBytes(`${name}-fernet-key`, { length: 32 }, { parent: this, protect: prod });
        const apiSecretKey = new random.RandomPassword(`${name}-api-secret-key`, { length: 64, special: false }, parent);
        const jwtSecret = new random.RandomPassword(`${name}-jwt-secret`, { length: 64, special: false }, parent);
        const adminPassword = new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false }, parent);
        secrets.push(
            createSecret(
                `${name}-keys`,
                {
                    name: airflowNames.secrets.keys,
                    namespace: nsName,
                    component: COMPONENT,
                    data: {
                        // Fernet wants URL-safe base64 of 32 bytes.
                        "fernet-key": fernet.base64.apply((b) => b.replace(/\+/g, "-").replace(/\//g, "_")),
                        "api-secret-key": apiSecretKey.result,
                        "jwt-secret": jwtSecret.result,
                    },
                },
                parent,
            ),
            createSecret(
                `${name}-admin`,
                { name: airflowNames.secrets.admin, namespace: nsName, component: COMPONENT, data: { username: admin.username, password: adminPassword.result } },
                parent,
            ),
        );
        if (executor === "CeleryExecutor") {
            const redisPassword = new random.RandomPassword(`${name}-redis-password`, { length: 32, special: false }, parent);
            secrets.push(
                createSecret(`${name}-redis-password`, { name: airflowNames.secrets.redisPassword, namespace: nsName, component: COMPONENT, data: { password: redisPassword.result } }, parent),
                createSecret(
                    `${name}-broker-url`,
                    {
                        name: airflowNames.secrets.brokerUrl,
                        namespace: nsName,
                        component: COMPONENT,
                        // Alphanumeric password: nothing to URL-encode.
                        data: { connection: pulumi.interpolate`redis://:${redisPassword.result}@${airflowNames.release}-redis:${airflowNames.ports.redis}/0` },
                    },
                    parent,
                ),
            );
        }

        // --- object-store identity for task logs ---------------------------------------------------------
        const grant = (suffix: string, serviceAccountName: string, access: "read" | "readwrite") =>
            store.grantAccess(`${name}-logs-${suffix}`, { namespace: client, serviceAccountName, buckets: [logBucket], access }, this);
        const sa = airflowNames.serviceAccounts;
        const workerAccess = grant("worker", sa.worker, "readwrite");
        // A static credential (MinIO) is not tied to a ServiceAccount: one serves every Airflow container.
        const shared = workerAccess.credentialsSecret !== undefined;
        const accesses: Record<keyof typeof sa, ObjectStoreAccess> = {
            worker: workerAccess,
            triggerer: shared ? workerAccess : grant("triggerer", sa.triggerer, "readwrite"),
            apiServer: shared ? workerAccess : grant("api-server", sa.apiServer, "read"),
        };
        const serviceAccounts = (Object.keys(sa) as (keyof typeof sa)[]).map(
            (key) =>
                new k8s.core.v1.ServiceAccount(
                    `${name}-sa-${key}`,
                    {
                        metadata: {
                            name: sa[key],
                            namespace: nsName,
                            labels: platformLabels(COMPONENT),
                            annotations: accesses[key].serviceAccountAnnotations,
                        },
                    },
                    parent,
                ),
        );
        const identityPodLabels = Object.assign({}, ...Object.values(accesses).map((a) => a.podLabels)) as Record<string, string>;

        // --- Airflow connections to the platform ---------------------------------------------------------
        const storeEndpoint: pulumi.Output<ObjectStoreEndpoint> =
            store.flavor === "minio"
                ? pulumi
                      .all([requireOutput(store.s3Endpoint, "minio"), store.s3Region])
                      .apply(([s3Endpoint, region]) => ({ flavor: "minio" as const, s3Endpoint, ...(region && { region }) }))
                : store.flavor === "adls"
                  ? requireOutput(store.accountName, "adls").apply((accountName) => ({ flavor: "adls" as const, accountName }))
                  : pulumi.output({ flavor: "gcs" as const });
        const trino = args.connections?.trino?.grantClient({ namespace: client, user: "airflow" });
        const mlflow = args.connections?.mlflow?.grantClient(`${name}-mlflow`, { namespace: client, username: "airflow" }, this);
        const kafka = args.connections?.kafka?.grantClient(`${name}-kafka`, { namespace: client, client: "airflow" }, this);
        const models = args.connections?.models?.grantClient({ namespace: client });
        // Task pods (KubernetesExecutor) run as the worker ServiceAccount: it submits the jobs.
        const jobs = args.connections?.jobs?.grantSubmitter(`${name}-jobs`, { namespace: client, serviceAccountName: sa.worker }, this);
        const features = args.connections?.features?.grantClient({ namespace: client });
        // The materialization pod runs in the feature store's namespace, started by the task pods (worker ServiceAccount).
        const materializer = args.connections?.features?.grantMaterializer(`${name}-feast`, { namespace: client, serviceAccountName: sa.worker }, this);
        connect(this, db, ...new Set(Object.values(accesses)), trino, mlflow, kafka, models, jobs, features, materializer);
        // DAGs that come with a connection (the feedback loop's monitoring DAG): a ConfigMap every Airflow pod mounts.
        const platformDags = [...(args.connections?.feedback?.dags ?? [])];
        const platformDagFiles = platformDags.length
            ? new k8s.core.v1.ConfigMap(
                  `${name}-platform-dags`,
                  {
                      metadata: { name: airflowNames.platformDagsConfigMap, namespace: nsName, labels: platformLabels(COMPONENT) },
                      data: Object.fromEntries(platformDags.map((d) => [d.fileName, d.source])),
                  },
                  parent,
              )
            : undefined;
        const feedbackVariable = args.connections?.feedback && {
            key: `AIRFLOW_VAR_${args.connections.feedback.variableName}`,
            value: args.connections.feedback.airflowVariable({
                trinoUrl: trino?.url,
                trinoUser: trino?.user,
                statsdHost: `${airflowNames.release}-statsd.${namespace}.svc.cluster.local`,
                statsdPort: AIRFLOW_STATSD_INGEST_PORT,
            }),
        };

        // --- REST API users of other components: a password per client, delivered in the client's namespace ---
        const apiUrl = `http://${airflowNames.release}-api-server.${namespace}.svc.cluster.local:${airflowNames.ports.apiServer}`;
        const apiUsers = (args.apiClients ?? []).map((c) => {
            const password = new random.RandomPassword(`${name}-api-${c.username}`, { length: 32, special: false }, parent);
            const own = createSecret(`${name}-api-${c.username}`, { name: `mlp-airflow-api-${c.username}`, namespace: nsName, component: COMPONENT, data: { password: password.result } }, parent);
            const delivered = createSecret(
                `${name}-api-${c.username}-client`,
                {
                    name: airflowApiSecretName(c.username),
                    namespace: c.namespace.created,
                    component: COMPONENT,
                    data: { [airflowApiSecretKeys.url]: apiUrl, [airflowApiSecretKeys.username]: c.username, [airflowApiSecretKeys.password]: password.result },
                },
                parent,
            );
            const from = c.namespace.name;
            connect(this, {
                flows: [{ from, to: namespace, ports: [airflowNames.ports.apiServer], toPods: { tier: "airflow", component: "api-server", release: airflowNames.release }, why: c.why }],
                connection: { kind: "airflow-api", from, to: apiUrl, secret: delivered.metadata.name, why: c.why },
            });
            secrets.push(own);
            return { username: c.username, secretName: `mlp-airflow-api-${c.username}` };
        });
        const mlflowEndpoint = mlflow && { url: mlflow.trackingUri, login: mlflow.username };
        const computeEndpoint = jobs && { namespace: jobs.jobsNamespace };
        const kafkaEndpoint = kafka && { bootstrapServers: kafka.bootstrapServers, securityProtocol: kafka.securityProtocol, saslMechanism: kafka.saslMechanism, username: kafka.username, groupId: kafka.groupId };
        const connectionValues = pulumi
            .all([storeEndpoint, mlflow?.password, kafka?.password, kafka?.caCertificate])
            .apply(([objectStore, mlflowPassword, kafkaPassword, caCertificate]) =>
                airflowConnections({
                    trino,
                    kafka: kafkaEndpoint && { ...kafkaEndpoint, password: kafkaPassword, caCertificate },
                    mlflow: mlflowEndpoint && { ...mlflowEndpoint, password: mlflowPassword },
                    feast: features?.url,
                    compute: computeEndpoint,
                    objectStore,
                }),
            );
        // Which connections exist is known now; only the object-store endpoint waits for the store's outputs.
        const connectionVars = Object.keys(
            airflowConnections({ trino, kafka: kafkaEndpoint, mlflow: mlflowEndpoint, feast: features?.url, compute: computeEndpoint, objectStore: { flavor: "gcs" } }),
        );
        secrets.push(
            createSecret(
                `${name}-connections`,
                {
                    name: airflowNames.secrets.connections,
                    namespace: nsName,
                    component: COMPONENT,
                    data: {
                        ...Object.fromEntries(connectionVars.map((key) => [key, connectionValues.apply((c) => c[key])])),
                        ...(models ? { [MODELS_VARIABLE]: JSON.stringify(models.inferenceUrls) } : {}),
                        ...(jobs ? { [SPARK_APPLICATION_VARIABLE]: jobs.sparkApplication.apply((app) => JSON.stringify(app)) } : {}),
                        ...(feedbackVariable ? { [feedbackVariable.key]: feedbackVariable.value } : {}),
                        ...(features && materializer
                            ? { [FEAST_VARIABLE]: materializer.podTemplate.apply((pod) => JSON.stringify({ url: features.url, namespace: materializer.namespace, pod_template: pod })) }
                            : {}),
                    },
                },
                parent,
            ),
        );

        // --- the release ---------------------------------------------------------------------------------
        const logTarget = pulumi.all([
            store.buckets[logBucket],
            store.flavor === "adls" ? pulumi.output(undefined) : store.uri(logBucket, remoteLogPrefix),
            workerAccess.credentialsSecret,
            mlflow?.secretName,
            ssoSettings,
        ]);
        const values = logTarget.apply(([bucket, baseUri, credentialsSecret, mlflowSecret, oidc]) =>
            airflowValues({
                environment,
                executor,
                airflowImage,
                airflowVersion: images.airflow.tag,
                images: {
                    gitSync: chartImage(images.airflowGitSync, args.mirror),
                    statsd: chartImage(images.airflowStatsd, args.mirror),
                    pgbouncer: chartImage(images.airflowPgbouncer, args.mirror),
                    pgbouncerExporter: chartImage(images.airflowPgbouncerExporter, args.mirror),
                    redis: chartImage(images.airflowRedis, args.mirror),
                },
                pgbouncer: usePgbouncer,
                dags,
                platformDags,
                remoteLogging: remoteLoggingConfig({ flavor: store.flavor, baseUri, container: bucket }),
                identityPodLabels,
                // MLflow's client reads its URI, user and password from the environment.
                envFromSecrets: [airflowNames.secrets.connections, ...(credentialsSecret ? [credentialsSecret] : []), ...(mlflowSecret ? [mlflowSecret] : [])],
                env: [],
                admin,
                apiUsers,
                databaseRetentionDays: retentionDays,
                labels: platformLabels(COMPONENT),
                sso: oidc && { webserverConfig: airflowWebserverConfig(oidc), env: airflowOidcEnv(oidc), baseUrl: ssoBaseUrl! },
            }),
        );

        this.release = new k8s.helm.v3.Release(
            `${name}-airflow`,
            {
                name: airflowNames.release,
                namespace: nsName,
                ...chartSource(charts.airflow, args.mirror),
                values,
                // Migrations and the admin user run as post-install hooks before the release counts as ready.
                timeout: 900,
            },
            { parent: this, dependsOn: [...secrets, ...serviceAccounts, ...(platformDagFiles ? [platformDagFiles] : [])] },
        );

        this.namespace = nsName;
        this.uiUrl = pulumi.interpolate`http://${this.release.status.name}-api-server.${this.release.status.namespace}.svc.cluster.local:${airflowNames.ports.apiServer}`;
        this.adminUsername = pulumi.output(admin.username);
        this.adminPassword = pulumi.secret(adminPassword.result);

        this.registerOutputs({
            namespace: this.namespace,
            uiUrl: this.uiUrl,
            adminUsername: this.adminUsername,
            adminPassword: this.adminPassword,
        });
    }
}
