import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { createNamespace, KubernetesTargetArgs, platformLabels, requireKubernetesProvider } from "../common/kubernetes";
import type { JobRunner } from "../compute";
import type { FeatureServer } from "../featurestore/types";
import { IdentityProvider, OidcClient, oidcSettings } from "../identity/types";
import type { TrinoServer } from "../lakehouse";
import type { MonitoringSource } from "../monitoring/source";
import { ClientNamespace, connect, ConnectionRecord, Flow, NetworkMember, toApiServer, WebUi } from "../network/spec";
import { validateDatabaseName } from "../postgres/sql";
import type { Postgres } from "../postgres/types";
import type { ObjectStore } from "../storage/types";
import type { KafkaServer } from "../streaming/types";
import { kafkaClientSecretKeys } from "../streaming/types";
import type { MlflowServer } from "../tracking/types";
import { chartSource, charts, images, Mirror } from "../versions";
import { notebooksMonitoring } from "./monitoring";
import {
    COMPONENT,
    EnvValue,
    Environment,
    fromSecret,
    HubEnvValue,
    hubPods,
    Login,
    NOTEBOOK_SERVICE_ACCOUNT,
    notebooksSizing,
    NotebooksSizing,
    notebooksValues,
    OAUTH_ENV,
    PROXY_PORT,
    PROXY_SERVICE,
    proxyPods,
    RELEASE,
    USERNAME_TEMPLATE,
    validateOidcClaims,
} from "./spec";

export {
    HUB_PORT,
    hubPods,
    NOTEBOOK_SERVICE_ACCOUNT,
    notebooksSizing,
    notebooksValues,
    loginConfig,
    profileList,
    PROXY_SERVICE,
    proxyPods,
    singleuserPods,
    kubespawnerLiteral,
    USERNAME_TEMPLATE,
} from "./spec";
export type { EnvValue, Login, NotebooksSizing, OidcLogin } from "./spec";
export { hubMetrics, notebooksMonitoring } from "./monitoring";

/** The Kafka client the notebooks connect as (Streaming must declare it and admit the notebooks namespace). */
export const NOTEBOOKS_KAFKA_CLIENT = "notebooks";

/** The platform services each user's server is wired to; each one absent is left out. */
export interface NotebookConnections {
    /** MLflow: `MLFLOW_TRACKING_URI`, user and password of the shared `notebooks` MLflow user. */
    readonly tracking?: MlflowServer;
    /** Trino: host, port and catalog; the user name is the JupyterHub user's. */
    readonly trino?: TrinoServer;
    /** Kafka, as the declared client `notebooks`. */
    readonly kafka?: KafkaServer;
    /** Feast's feature server URL. */
    readonly features?: FeatureServer;
    /** Spark (SparkApplications in the jobs namespace) and Ray (the standing cluster's client address). */
    readonly compute?: JobRunner;
}

export interface NotebooksArgs extends KubernetesTargetArgs {
    /** dev: a small hub and proxy, small profiles, 5Gi homes, 30 min idle timeout. prod: bigger, 20Gi, 1 h. */
    readonly environment: Environment;
    /** The hub's database (its users, servers and tokens) and user. */
    readonly postgres: Postgres;
    /** User servers get access to {@link buckets} with the `notebook` ServiceAccount. */
    readonly objectStore: ObjectStore;
    /** Logical buckets (keys of `objectStore.buckets`) users read and write. */
    readonly buckets: readonly string[];
    /** The URL users open (`https://notebooks.<domain>`): the OIDC redirect URI is `<url>/hub/oauth_callback`. */
    readonly url: string;
    /**
     * The platform's single sign-on. Absent: JupyterHub's NativeAuthenticator, users sign up with their own password
     * and an admin ({@link adminUsers}) authorizes each at `/hub/authorize`; the ingress then adds its basic auth in
     * front, so only people given the platform's credential reach the sign-up page.
     */
    readonly identity?: IdentityProvider;
    /** Without identity: who administers the hub (authorized as they sign up). Default `["admin"]`. */
    readonly adminUsers?: readonly string[];
    readonly connections?: NotebookConnections;
    /** The cluster's GPU pool, when it has one: a GPU profile. */
    readonly gpuPool?: { readonly gpus: number };
    /** Size of each user's home volume. Default per environment (`5Gi` dev, `20Gi` prod). */
    readonly storageSize?: string;
    /** StorageClass of the home volumes. Default: the cluster's. */
    readonly storageClassName?: string;
    /** Minutes without activity before a user's server is stopped (home kept). Default 30 dev, 60 prod. */
    readonly idleTimeoutMinutes?: number;
    /** Default `ml-notebooks`. */
    readonly namespace?: string;
    /** The hub's database and user. Default `jupyterhub`. */
    readonly database?: string;
    readonly mirror?: Mirror;
}

/**
 * JupyterHub from the official chart (zero-to-jupyterhub-k8s): a hub with its state in the platform's Postgres, the
 * proxy behind the platform's ingress, one server per user (KubeSpawner) with a home volume, profiles (small and
 * large CPU, GPU with a GPU pool), idle culling, Pod Security `restricted` everywhere, login through the platform's
 * OIDC provider, and every user's server pre-wired to the platform's services through the connection model.
 */
export class Notebooks extends pulumi.ComponentResource implements NetworkMember {
    public readonly namespace: pulumi.Output<string>;
    public readonly namespaces: string[];
    public readonly flows: Flow[] = [];
    public readonly connections: ConnectionRecord[] = [];
    /** The proxy, for the ingress: JupyterHub logs users in through the identity provider itself (`oidc`), or behind basic auth without SSO. */
    public readonly ui: WebUi;
    public readonly monitoring: MonitoringSource;
    /** The URL users open (the ingress route). */
    public readonly url: pulumi.Output<string>;
    /** The proxy inside the cluster, `http://notebooks-proxy.<namespace>.svc.cluster.local:8000`. */
    public readonly internalUrl: pulumi.Output<string>;
    public readonly sizing: NotebooksSizing;
    /** How users log in: `oidc` (single sign-on) or `native` (own passwords, admin approval). */
    public readonly login: "oidc" | "native";
    /** The OIDC client of the hub, with SSO. */
    public readonly oidcClient?: OidcClient;
    /** Every variable a user's server starts with (literal, or the Secret and key it comes from). */
    public readonly userEnv: pulumi.Output<Record<string, EnvValue>>;
    public readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: NotebooksArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before anything is registered, so a bad argument fails the program cleanly.
        const env = args.environment;
        const sizing = notebooksSizing[env];
        const namespace = args.namespace ?? "ml-notebooks";
        if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) throw new Error(`Notebooks ${name}: namespace ${JSON.stringify(namespace)} is not a DNS label`);
        const database = args.database ?? "jupyterhub";
        validateDatabaseName(database);
        if (args.buckets.length === 0) throw new Error(`Notebooks ${name}: buckets is empty: users would have no object storage`);
        const unknown = args.buckets.filter((b) => !(b in args.objectStore.buckets));
        if (unknown.length) {
            throw new Error(`Notebooks ${name}: buckets ${unknown.map((b) => `"${b}"`).join(", ")} are not buckets of the ${args.objectStore.flavor} object store (known: ${Object.keys(args.objectStore.buckets).join(", ")})`);
        }
        let url: URL;
        try {
            url = new URL(args.url);
        } catch {
            throw new Error(`Notebooks ${name}: url ${JSON.stringify(args.url)} is not a URL`);
        }
        if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`Notebooks ${name}: url must be http(s)://, got ${JSON.stringify(args.url)}`);
        const adminUsers = args.adminUsers ?? ["admin"];
        if (!args.identity && adminUsers.length === 0) throw new Error(`Notebooks ${name}: without identity, adminUsers must name who authorizes sign-ups`);
        const idleMinutes = args.idleTimeoutMinutes ?? sizing.cullTimeoutSeconds / 60;
        if (!Number.isInteger(idleMinutes) || idleMinutes < 5) throw new Error(`Notebooks ${name}: idleTimeoutMinutes must be a whole number >= 5 (got ${idleMinutes})`);
        requireKubernetesProvider(`Notebooks "${name}"`, args, opts);
        super("mlplatform:notebooks:Notebooks", name, {}, opts);
        this.namespace = pulumi.output(namespace);
        this.namespaces = [namespace];
        this.sizing = sizing;
        const userUrl = url.href.replace(/\/$/, "");
        this.url = pulumi.output(userUrl);
        this.internalUrl = pulumi.output(`http://${PROXY_SERVICE}.${namespace}.svc.cluster.local:${PROXY_PORT}`);
        this.login = args.identity ? "oidc" : "native";
        this.monitoring = notebooksMonitoring(namespace);
        const labels = platformLabels(COMPONENT);
        const parent = { parent: this };

        const ns = createNamespace(`${name}-ns`, { namespace, component: COMPONENT }, parent);
        const client: ClientNamespace = { name: namespace, created: ns.metadata.name };
        this.ui = { namespace, service: PROXY_SERVICE, port: PROXY_PORT, auth: args.identity ? "oidc" : "basic", pods: proxyPods };
        // The hub, the proxy and the user servers talk inside the namespace (hub <-> proxy API on 8001, proxy -> user
        // servers and hub -> user servers on 8888, proxy -> hub on 8081): the platform's allow-same-namespace covers them.
        this.flows.push(toApiServer(namespace, "JupyterHub's KubeSpawner (user pods, volumes, events)", hubPods));

        // --- the hub's database ---------------------------------------------------------------------------------
        const db = args.postgres.database(`${name}-db`, { namespace: client, database }, this);
        connect(this, db);

        // --- login --------------------------------------------------------------------------------------------------
        const hubEnv: Record<string, pulumi.Input<HubEnvValue>> = {};
        let login: pulumi.Output<Login>;
        if (args.identity) {
            const oidc = args.identity.oidcClient(name, { namespace: client, redirectUris: [`${userUrl}/hub/oauth_callback`], pods: hubPods }, this);
            validateOidcClaims(oidc);
            this.oidcClient = oidc;
            connect(this, oidc);
            hubEnv[OAUTH_ENV.clientId] = oidc.secretName.apply((s) => fromSecret(s, oidc.clientIdKey));
            hubEnv[OAUTH_ENV.clientSecret] = oidc.secretName.apply((s) => fromSecret(s, oidc.clientSecretKey));
            login = oidcSettings(oidc).apply((settings) => ({ kind: "oidc" as const, oidc: { ...settings, callbackUrl: `${userUrl}/hub/oauth_callback` } }));
        } else {
            login = pulumi.output({ kind: "native" as const, adminUsers });
        }

        // --- each user's server: its identity and the platform's connections ----------------------------------------
        const userEnv: Record<string, pulumi.Input<EnvValue>> = {};
        const objectStore = args.objectStore.grantAccess(`${name}-objects`, { namespace: client, serviceAccountName: NOTEBOOK_SERVICE_ACCOUNT, buckets: args.buckets, access: "readwrite" }, this);
        connect(this, objectStore);
        new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            { metadata: { name: NOTEBOOK_SERVICE_ACCOUNT, namespace: ns.metadata.name, labels, annotations: objectStore.serviceAccountAnnotations } },
            parent,
        );
        const store = args.objectStore;
        userEnv.ML_PLATFORM_OBJECT_STORE = store.flavor;
        userEnv.ML_PLATFORM_BUCKETS = pulumi
            .all(Object.fromEntries(args.buckets.map((b) => [b, store.uri(b)])))
            .apply((uris) => JSON.stringify(uris));
        if (objectStore.credentialsSecret) {
            userEnv.AWS_ACCESS_KEY_ID = objectStore.credentialsSecret.apply((s) => fromSecret(s, "AWS_ACCESS_KEY_ID"));
            userEnv.AWS_SECRET_ACCESS_KEY = objectStore.credentialsSecret.apply((s) => fromSecret(s, "AWS_SECRET_ACCESS_KEY"));
        }
        if (store.flavor === "minio" && store.s3Endpoint) {
            userEnv.AWS_ENDPOINT_URL_S3 = store.s3Endpoint;
            userEnv.AWS_REGION = store.s3Region ?? "us-east-1";
        }
        if (store.flavor === "adls" && store.accountName) userEnv.AZURE_STORAGE_ACCOUNT_NAME = store.accountName;

        const c = args.connections ?? {};
        if (c.tracking) {
            const mlflow = c.tracking.grantClient(`${name}-mlflow`, { namespace: client, username: "notebooks" }, this);
            connect(this, mlflow);
            for (const key of ["MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"]) userEnv[key] = mlflow.secretName.apply((s) => fromSecret(s, key));
        }
        if (c.trino) {
            const trino = c.trino.grantClient({ namespace: client, user: "notebooks" });
            connect(this, trino);
            Object.assign(userEnv, {
                TRINO_HOST: trino.host,
                TRINO_PORT: String(trino.port),
                TRINO_HTTP_SCHEME: trino.protocol,
                TRINO_CATALOG: trino.catalog,
                // KubeSpawner expands {username}: queries carry the JupyterHub user's name (Trino has no password in the cluster).
                TRINO_USER: USERNAME_TEMPLATE,
            });
        }
        if (c.kafka) {
            const kafka = c.kafka.grantClient(`${name}-kafka`, { namespace: client, client: NOTEBOOKS_KAFKA_CLIENT }, this);
            connect(this, kafka);
            const k = kafkaClientSecretKeys;
            const scram = kafka.securityProtocol !== "PLAINTEXT";
            const vars: Record<string, string> = {
                KAFKA_BOOTSTRAP_SERVERS: k.bootstrapServers,
                KAFKA_SECURITY_PROTOCOL: k.securityProtocol,
                ...(scram ? { KAFKA_SASL_MECHANISM: k.saslMechanism, KAFKA_SASL_USERNAME: k.username, KAFKA_SASL_PASSWORD: k.password, KAFKA_SSL_CA_PEM: k.caCertificate } : {}),
            };
            for (const [v, key] of Object.entries(vars)) userEnv[v] = kafka.secretName.apply((s) => fromSecret(s, key));
            if (kafka.groupId) userEnv.KAFKA_GROUP_ID = kafka.groupId;
        }
        if (c.features) {
            const feast = c.features.grantClient({ namespace: client });
            connect(this, feast);
            userEnv.FEAST_FEATURE_SERVER_URL = feast.url;
        }
        if (c.compute) {
            const jobs = c.compute.grantSubmitter(`${name}-jobs`, { namespace: client, serviceAccountName: NOTEBOOK_SERVICE_ACCOUNT }, this);
            connect(this, jobs);
            userEnv.SPARK_JOBS_NAMESPACE = jobs.jobsNamespace;
            userEnv.SPARK_SERVICE_ACCOUNT = jobs.sparkServiceAccount;
            userEnv.ML_PLATFORM_SPARK_APPLICATION = jobs.sparkApplication.apply((a) => JSON.stringify(a));
            const ray = c.compute.grantRayClient({ namespace: client });
            if (ray) {
                connect(this, ray);
                userEnv.RAY_ADDRESS = ray.address;
                userEnv.RAY_DASHBOARD_URL = ray.dashboardUrl;
                userEnv.RAY_VERSION = ray.rayVersion;
            }
        }
        this.userEnv = pulumi.output(userEnv) as pulumi.Output<Record<string, EnvValue>>;

        // --- the chart ------------------------------------------------------------------------------------------------
        const values = pulumi
            .all([login, db.host, db.secretName, pulumi.output(hubEnv), this.userEnv])
            .apply(([l, host, dbSecret, hub, user]) =>
                notebooksValues({
                    environment: env,
                    sizing,
                    images: { hub: images.jupyterhubHub, proxy: images.jupyterhubProxy, singleuser: images.jupyterhubSingleuser },
                    imageRegistry: args.mirror?.imageRegistry,
                    login: l,
                    database: {
                        host,
                        port: db.port,
                        database: db.database,
                        username: db.username,
                        sslMode: args.postgres.sslMode ?? (args.postgres.flavor === "in-cluster" ? "disable" : "require"),
                        secretName: dbSecret,
                    },
                    hubEnv: hub as Record<string, HubEnvValue>,
                    userEnv: user,
                    userPodLabels: objectStore.podLabels,
                    gpuPool: args.gpuPool,
                    storageSize: args.storageSize ?? sizing.storage,
                    storageClassName: args.storageClassName,
                    cullTimeoutSeconds: idleMinutes * 60,
                }),
            );
        this.release = new k8s.helm.v3.Release(
            `${name}-jupyterhub`,
            { name: RELEASE, namespace: ns.metadata.name, ...chartSource(charts.jupyterhub, args.mirror), values, maxHistory: 5 },
            parent,
        );

        new k8s.core.v1.Service(
            `${name}-proxy`,
            {
                metadata: { name: PROXY_SERVICE, namespace: ns.metadata.name, labels },
                spec: { type: "ClusterIP", selector: { ...proxyPods }, ports: [{ name: "http", port: PROXY_PORT, targetPort: PROXY_PORT, protocol: "TCP" }] },
            },
            { parent: this, dependsOn: [this.release] },
        );

        this.registerOutputs({ namespace, url: this.url, login: this.login });
    }
}
