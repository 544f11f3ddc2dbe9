import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { createNamespace, createSecret, KubernetesTargetArgs, platformLabels, requireKubernetesProvider } from "../common/kubernetes";
import type { MonitoringSource } from "../monitoring/source";
import { ClientNamespace, connect, ConnectionRecord, Flow, NetworkMember, toApiServer, WebUi } from "../network/spec";
import { validateDatabaseName } from "../postgres/sql";
import type { Postgres } from "../postgres/types";
import type { ObjectStore } from "../storage/types";
import { chartSource, charts, imageRef, images, Mirror } from "../versions";
import { defaultFeatureStoreAlerts, FeatureStoreAlerts, featureStoreMonitoring } from "./monitoring";
import {
    COMPONENT,
    Environment,
    FEAST_CONFIG_MAP,
    FEAST_PORT,
    FEAST_SERVICE,
    FEAST_SERVICE_ACCOUNT,
    FeastCredentials,
    featureServerDeployment,
    featureServerHpa,
    featureServerPods,
    featureStoreSizing,
    FeatureStoreSizing,
    featureStoreYaml,
    materializePodTemplate,
    offlinePathPrefix,
    OnlineStoreKind,
    postgresSslMode,
    validateProjectName,
    VALKEY_PORT,
    VALKEY_RELEASE,
    VALKEY_USERS_SECRET,
    valkeyValues,
} from "./spec";
import type { FeatureServer, FeatureServerClientAccess, MaterializerAccess } from "./types";

export * from "./spec";
export * from "./types";
export { defaultFeatureStoreAlerts, featureStoreMonitoring } from "./monitoring";
export type { FeatureStoreAlerts } from "./monitoring";

/** How long the feature server trusts its registry cache (and refreshes it): a `feast apply` shows within a minute. */
const REGISTRY_TTL_SECONDS = 60;

export interface FeatureStoreArgs extends KubernetesTargetArgs {
    /** dev: one feature server, one worker. prod: 2-6 replicas (HPA on CPU) spread over zones, a PDB, two workers each. */
    readonly environment: Environment;
    /** Feast reads its offline data (Parquet) from {@link offlineBuckets} here, by workload identity in the clouds. */
    readonly objectStore: ObjectStore;
    /** The registry, and the online store unless {@link onlineStore} is `valkey`, get their own databases and users here. */
    readonly postgres: Postgres;
    /** Default `ml-featurestore`. */
    readonly namespace?: string;
    /** Feast project (letters, digits, underscores). Default `platform`. */
    readonly project?: string;
    /** Logical buckets (keys of `objectStore.buckets`) Feast may read: the lakehouse zones it serves from. Default `["gold"]`. */
    readonly offlineBuckets?: readonly string[];
    /** Default `postgres`. `valkey`: the official Valkey chart in the namespace, for lower read latency. */
    readonly onlineStore?: OnlineStoreKind;
    /** Registry database (and user); the Postgres online store's is `<database>_online`. Default `feast`. */
    readonly database?: string;
    /** Replica bounds of the feature server; default per environment (see `featureStoreSizing`). */
    readonly replicas?: { readonly min: number; readonly max: number };
    /** Alert thresholds; defaults in `defaultFeatureStoreAlerts`. */
    readonly alerts?: Partial<FeatureStoreAlerts>;
    /** StorageClass of Valkey's volumes (prod replicated mode). Default: the cluster's. */
    readonly storageClassName?: string;
    /** Kubernetes cluster DNS domain. Default `cluster.local`. */
    readonly clusterDomain?: string;
    readonly mirror?: Mirror;
}

/**
 * Feast on the lakehouse: its feature server (the project's image, `feast serve`), the SQL registry in the
 * platform's Postgres, the online store in Postgres or Valkey, and the file offline store reading Parquet from the
 * lakehouse's zones through the object store with the feature store's own identity. Materialization runs where
 * Airflow schedules it, as pods in this namespace (`grantMaterializer`).
 */
export class FeatureStore extends pulumi.ComponentResource implements FeatureServer, NetworkMember {
    public readonly namespace: pulumi.Output<string>;
    public readonly namespaces: string[];
    public readonly flows: Flow[] = [];
    public readonly connections: ConnectionRecord[] = [];
    /** The feature server's HTTP API, for the ingress (no login of its own: basic auth there). */
    public readonly ui: WebUi;
    public readonly monitoring: MonitoringSource;
    public readonly url: pulumi.Output<string>;
    public readonly project: string;
    public readonly onlineStore: OnlineStoreKind;
    public readonly sizing: FeatureStoreSizing;
    /** `feature_store.yaml` as the pods read it (`${VAR}`s filled from Secrets at start; no secret in it). */
    public readonly featureStoreYaml: pulumi.Output<string>;
    /** Where a feature repository's `FileSource(path=...)` points, per readable bucket (`s3://gold/`, `gs://…/`, `abfss://…/`). */
    public readonly offlinePaths: Record<string, pulumi.Output<string>>;
    /** MinIO only: the endpoint a `FileSource` names as `s3_endpoint_override`. */
    public readonly s3Endpoint?: pulumi.Output<string>;
    public readonly deployment: k8s.apps.v1.Deployment;
    private readonly namespaceName: pulumi.Output<string>;
    /** The namespace and URL as plain strings: flows and records are written when the program runs. */
    private readonly ns: string;
    private readonly serverUrl: string;
    private readonly materializeTemplate: pulumi.Output<Record<string, unknown>>;

    constructor(name: string, args: FeatureStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before anything is registered, so a bad argument fails the program cleanly.
        const env = args.environment;
        const base = featureStoreSizing[env];
        const sizing: FeatureStoreSizing = args.replicas ? { ...base, replicas: args.replicas.min, maxReplicas: args.replicas.max } : base;
        if (!Number.isInteger(sizing.replicas) || sizing.replicas < 1) throw new Error(`FeatureStore ${name}: replicas.min must be a whole number >= 1 (got ${sizing.replicas})`);
        if (!Number.isInteger(sizing.maxReplicas) || sizing.maxReplicas < sizing.replicas) {
            throw new Error(`FeatureStore ${name}: replicas.max (${sizing.maxReplicas}) must be a whole number >= replicas.min (${sizing.replicas})`);
        }
        if (env === "prod" && sizing.replicas < 2) throw new Error(`FeatureStore ${name}: prod runs at least 2 feature server replicas (got ${sizing.replicas})`);
        const store = args.objectStore;
        const offlineBuckets = args.offlineBuckets ?? ["gold"];
        if (offlineBuckets.length === 0) throw new Error(`FeatureStore ${name}: offlineBuckets is empty: Feast would have nothing to read`);
        const unknown = offlineBuckets.filter((b) => !(b in store.buckets));
        if (unknown.length) {
            throw new Error(`FeatureStore ${name}: offlineBuckets ${unknown.map((b) => `"${b}"`).join(", ")} are not buckets of the ${store.flavor} object store (known: ${Object.keys(store.buckets).join(", ")})`);
        }
        if (store.flavor === "minio" && !store.s3Endpoint) throw new Error(`FeatureStore ${name}: a MinIO object store must expose s3Endpoint`);
        if (store.flavor === "adls" && !store.accountName) throw new Error(`FeatureStore ${name}: an ADLS object store must expose accountName`);
        const project = args.project ?? "platform";
        validateProjectName(project);
        const databaseName = args.database ?? "feast";
        validateDatabaseName(databaseName);
        validateDatabaseName(`${databaseName}_online`);
        const onlineStore = args.onlineStore ?? "postgres";
        requireKubernetesProvider(`FeatureStore "${name}"`, args, opts);
        super("mlplatform:featurestore:FeatureStore", name, {}, opts);
        this.sizing = sizing;
        this.project = project;
        this.onlineStore = onlineStore;
        this.ns = args.namespace ?? "ml-featurestore";
        this.namespace = pulumi.output(this.ns);
        const clusterDomain = args.clusterDomain ?? "cluster.local";
        this.serverUrl = `http://${FEAST_SERVICE}.${this.ns}.svc.${clusterDomain}:${FEAST_PORT}`;
        this.url = pulumi.output(this.serverUrl);
        this.monitoring = featureStoreMonitoring(this.ns, onlineStore === "valkey", { ...defaultFeatureStoreAlerts, ...(args.alerts ?? {}) });
        const labels = platformLabels(COMPONENT);
        const parent = { parent: this };

        const ns = createNamespace(`${name}-ns`, { namespace: this.ns, component: COMPONENT }, parent);
        this.namespaceName = ns.metadata.name;
        this.namespaces = [this.ns];
        const client: ClientNamespace = { name: this.ns, created: ns.metadata.name };
        this.ui = { namespace: this.ns, service: FEAST_SERVICE, port: FEAST_PORT, auth: "basic", pods: featureServerPods };

        // --- registry, online store, offline data ----------------------------------------------------------------
        const registry = args.postgres.database(`${name}-registry-db`, { namespace: client, database: databaseName }, this);
        const onlineDb = onlineStore === "postgres" ? args.postgres.database(`${name}-online-db`, { namespace: client, database: `${databaseName}_online` }, this) : undefined;
        const offline = store.grantAccess(`${name}-offline`, { namespace: client, serviceAccountName: FEAST_SERVICE_ACCOUNT, buckets: offlineBuckets, access: "read" }, this);
        connect(this, registry, onlineDb, offline);
        const serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            { metadata: { name: FEAST_SERVICE_ACCOUNT, namespace: ns.metadata.name, labels, annotations: offline.serviceAccountAnnotations } },
            parent,
        );
        this.offlinePaths = Object.fromEntries(
            offlineBuckets.map((b) => [b, pulumi.all([store.buckets[b], store.accountName ?? pulumi.output(undefined)]).apply(([bucket, account]) => offlinePathPrefix(store.flavor, bucket, account))]),
        );
        this.s3Endpoint = store.flavor === "minio" ? store.s3Endpoint : undefined;

        let valkeyRelease: k8s.helm.v3.Release | undefined;
        let valkeySecret: k8s.core.v1.Secret | undefined;
        if (onlineStore === "valkey") {
            const password = new random.RandomPassword(`${name}-valkey-password`, { length: 32, special: false }, parent);
            valkeySecret = createSecret(`${name}-valkey-users`, { name: VALKEY_USERS_SECRET, namespace: ns.metadata.name, component: COMPONENT, data: { default: password.result } }, parent);
            const pin = (p: { registry: string; repository: string; tag: string }) => ({ registry: args.mirror?.imageRegistry?.replace(/\/+$/, "") ?? p.registry, repository: p.repository, tag: p.tag });
            valkeyRelease = new k8s.helm.v3.Release(
                `${name}-valkey`,
                {
                    name: VALKEY_RELEASE,
                    namespace: ns.metadata.name,
                    ...chartSource(charts.valkey, args.mirror),
                    values: valkeyValues({ environment: env, image: pin(images.valkey), exporterImage: pin(images.redisExporter), sizing, storageClassName: args.storageClassName }),
                    maxHistory: 5,
                },
                { parent: this, dependsOn: [valkeySecret] },
            );
        }

        const yaml = featureStoreYaml({
            project,
            registrySslMode: postgresSslMode(args.postgres.flavor),
            online:
                onlineStore === "postgres"
                    ? { kind: "postgres", sslMode: postgresSslMode(args.postgres.flavor), maxConnections: 10 }
                    : { kind: "valkey", host: `${VALKEY_RELEASE}.${this.ns}.svc.${clusterDomain}`, port: VALKEY_PORT },
            registryTtlSeconds: REGISTRY_TTL_SECONDS,
        });
        this.featureStoreYaml = pulumi.output(yaml);
        const config = new k8s.core.v1.ConfigMap(
            `${name}-config`,
            { metadata: { name: FEAST_CONFIG_MAP, namespace: ns.metadata.name, labels }, data: { "feature_store.yaml": yaml } },
            parent,
        );

        const credentials: FeastCredentials = {
            registrySecret: registry.secretName,
            onlineSecret: onlineDb?.secretName,
            valkeySecret: valkeySecret?.metadata.name,
            objectStoreSecret: offline.credentialsSecret,
        };
        const image = imageRef(images.feastFeatureServer, args.mirror);
        this.deployment = new k8s.apps.v1.Deployment(
            `${name}-server`,
            featureServerDeployment({
                environment: env,
                namespace: ns.metadata.name,
                image,
                sizing,
                credentials,
                podLabels: offline.podLabels,
                configChecksum: createHash("sha256").update(yaml).digest("hex"),
                registryTtlSeconds: REGISTRY_TTL_SECONDS,
            }),
            { parent: this, dependsOn: [serviceAccount, config, ...(valkeyRelease ? [valkeyRelease] : [])] },
        );
        this.materializeTemplate = pulumi
            .all([credentials.registrySecret, credentials.onlineSecret, credentials.valkeySecret, credentials.objectStoreSecret])
            .apply(([registrySecret, onlineSecret, valkey, objectStoreSecret]) =>
                materializePodTemplate({ image, sizing, credentials: { registrySecret, onlineSecret, valkeySecret: valkey, objectStoreSecret }, podLabels: offline.podLabels }),
            );
        new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: { name: FEAST_SERVICE, namespace: ns.metadata.name, labels },
                spec: { type: "ClusterIP", selector: { ...featureServerPods }, ports: [{ name: "http", port: FEAST_PORT, targetPort: "http", protocol: "TCP" }] },
            },
            parent,
        );
        if (sizing.replicas >= 2) {
            new k8s.policy.v1.PodDisruptionBudget(
                `${name}-pdb`,
                { metadata: { name: FEAST_SERVICE, namespace: ns.metadata.name, labels }, spec: { minAvailable: 1, selector: { matchLabels: { ...featureServerPods } } } },
                parent,
            );
        }
        if (sizing.maxReplicas > sizing.replicas) {
            new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, featureServerHpa(ns.metadata.name, sizing), { parent: this, dependsOn: [this.deployment] });
        }

        this.registerOutputs({ namespace: this.namespace, url: this.url, project, onlineStore, offlinePaths: this.offlinePaths });
    }

    /** See {@link FeatureServer.grantClient}: the client's flow to the feature server's pods. */
    public grantClient(args: { readonly namespace: ClientNamespace }): FeatureServerClientAccess {
        const from = args.namespace.name;
        const why = `${from} reads online features from Feast`;
        return {
            url: this.serverUrl,
            flows: [{ from, to: this.ns, ports: [FEAST_PORT], toPods: featureServerPods, why }],
            connection: { kind: "feast", from, to: this.serverUrl, why },
        };
    }

    /**
     * See {@link FeatureServer.grantMaterializer}: a Role in the feature store's namespace to run and follow pods
     * (what KubernetesPodOperator does), bound to the client's ServiceAccount. Only the API server is reached.
     */
    public grantMaterializer(name: string, args: { readonly namespace: ClientNamespace; readonly serviceAccountName: string }, parent: pulumi.Resource): MaterializerAccess {
        const labels = platformLabels(COMPONENT);
        const from = args.namespace.name;
        const roleName = `materializer-${from}`;
        const role = new k8s.rbac.v1.Role(
            `${name}-materializer`,
            {
                metadata: { name: roleName, namespace: this.namespaceName, labels },
                rules: [
                    { apiGroups: [""], resources: ["pods"], verbs: ["create", "get", "list", "watch", "patch", "delete"] },
                    { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
                    // KubernetesPodOperator reports the pod's events when it fails to start.
                    { apiGroups: [""], resources: ["events"], verbs: ["get", "list", "watch"] },
                ],
            },
            { parent },
        );
        new k8s.rbac.v1.RoleBinding(
            `${name}-materializer`,
            {
                metadata: { name: roleName, namespace: this.namespaceName, labels },
                subjects: [{ kind: "ServiceAccount", name: args.serviceAccountName, namespace: args.namespace.created }],
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
            },
            { parent },
        );
        const why = `${from} runs Feast materialization in ${this.ns}`;
        return {
            namespace: this.ns,
            podTemplate: this.materializeTemplate,
            flows: [toApiServer(from, why)],
            connection: { kind: "feast-materialize", from, to: this.ns, serviceAccount: args.serviceAccountName, why },
        };
    }
}
