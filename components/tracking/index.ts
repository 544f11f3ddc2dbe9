import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { createNamespace, createSecret, KubernetesTargetArgs, platformLabels, requireKubernetesProvider } from "../common/kubernetes";
import { ClientNamespace, connect, ConnectionRecord, Flow, NetworkMember, WebUi } from "../network/spec";
import { validateDatabaseName } from "../postgres/sql";
import { Postgres } from "../postgres/types";
import { ObjectStore } from "../storage/types";
import { imageRef, images, Mirror } from "../versions";
import type { MonitoringSource } from "../monitoring/source";
import { trackingMonitoring } from "./monitoring";
import { MlflowClientAccess, MlflowServer } from "./types";
import {
    adminSecretKeys,
    clientSecretKeys,
    clientUserJob,
    mlflowAllowedHosts,
    mlflowArtifactsDestination,
    MlflowResources,
    MlflowPermission,
    METRICS_PORT,
    MLFLOW_PORT,
    mlflowDeployment,
    mlflowSelectorLabels,
    mlflowServerArgs,
    mlflowSizing,
} from "./spec";

type Environment = "dev" | "prod";

export * from "./spec";
export * from "./types";

export interface TrackingArgs extends KubernetesTargetArgs {
    /** dev: 1 replica, 1 worker, small requests. prod: 2 replicas spread over zones, a PDB, 2 workers each. */
    readonly environment: Environment;
    /** The platform's object store; artifacts go to {@link artifactsBucket}, reached by workload identity on GCS/ADLS. */
    readonly objectStore: ObjectStore;
    /** The platform's Postgres; MLflow gets its own databases `mlflow` (tracking, registry) and `mlflow_auth` (users). */
    readonly postgres: Postgres;
    /** Logical bucket (a key of `objectStore.buckets`) for artifacts. Default `mlflow`. */
    readonly artifactsBucket?: string;
    /** Default `ml-tracking`. */
    /**
     * Database (and its user) of the tracking store; the users' store is `<database>_auth`. Default `mlflow`. Two
     * servers on one Postgres need different ones.
     */
    readonly database?: string;
    readonly namespace?: string;
    /** Host names the ingress routes to MLflow (e.g. `mlflow.localtest.me`); MLflow rejects unknown Host headers. Default none. */
    readonly externalHosts?: pulumi.Input<readonly pulumi.Input<string>[]>;
    /** Name of the generated admin user. Default `admin`. */
    readonly adminUsername?: string;
    /** What signed-in users may do where nobody granted them anything. Default `READ`. */
    readonly defaultPermission?: MlflowPermission;
    /** Replicas; default 1 in dev, 2 in prod. */
    readonly replicas?: number;
    /** uvicorn workers per pod; default 1 in dev, 2 in prod. */
    readonly workers?: number;
    /** Server container resources; default per environment (see `mlflowSizing`). */
    readonly resources?: MlflowResources;
    /** Kubernetes cluster DNS domain. Default `cluster.local`. */
    readonly clusterDomain?: string;
    readonly mirror?: Mirror;
}

/**
 * MLflow tracking server and model registry: Postgres backend store, artifacts proxied to the object store (clients
 * need no storage credentials), basic auth with a generated admin, schema migrations before every rollout, and
 * Prometheus metrics on a separate port.
 */
export class Tracking extends pulumi.ComponentResource implements MlflowServer, NetworkMember {
    public readonly namespace: pulumi.Output<string>;
    public readonly namespaces: string[];
    /** Its databases and artifact store; each `grantClient` adds the client's flow on the client's side. */
    public readonly flows: Flow[] = [];
    /** Its databases and artifact store. */
    public readonly connections: ConnectionRecord[] = [];
    /** The MLflow UI, for the ingress (MLflow has its own login). */
    public readonly ui: WebUi;
    /** MLflow's request metrics and alerts, for `Monitoring`'s `sources`. */
    public readonly monitoring: MonitoringSource;
    public readonly serviceName = "mlflow";
    /** In-cluster tracking URI (`MLFLOW_TRACKING_URI`); the UI is served at the same address. */
    public readonly trackingUri: pulumi.Output<string>;
    public readonly uiUrl: pulumi.Output<string>;
    public readonly adminUsername: pulumi.Output<string>;
    /** Pulumi secret. */
    public readonly adminPassword: pulumi.Output<string>;
    /** Secret in {@link namespace} with keys `username`, `password`, `flask-secret-key`. */
    public readonly adminSecretName: pulumi.Output<string>;
    /** The logical bucket holding the artifacts; `mlflow-artifacts:/<path>` is `<path>` in it. */
    public readonly artifactsBucket: pulumi.Output<string>;
    /** Where the server writes artifacts, e.g. `s3://mlflow`. */
    public readonly artifactsDestination: pulumi.Output<string>;
    /** Scrape target for Prometheus: the Service's `metrics` port. */
    public readonly metrics = { port: METRICS_PORT, portName: "metrics", path: "/metrics" } as const;
    public readonly deployment: k8s.apps.v1.Deployment;
    private readonly image: string;
    /** The Namespace resource's name: objects created in it later wait for it. */
    private readonly namespaceName: pulumi.Output<string>;
    /** The namespace and tracking URI as plain strings: flows and the client Jobs are written when the program runs. */
    private readonly ns: string;
    private readonly uri: string;

    constructor(name: string, args: TrackingArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before anything is registered, so a bad argument fails the program cleanly.
        const env = args.environment;
        const defaults = mlflowSizing[env];
        const sizing = {
            ...defaults,
            replicas: args.replicas ?? defaults.replicas,
            workers: args.workers ?? defaults.workers,
            server: args.resources ?? defaults.server,
        };
        if (!Number.isInteger(sizing.replicas) || sizing.replicas < 1) throw new Error(`Tracking ${name}: replicas must be a whole number >= 1`);
        if (!Number.isInteger(sizing.workers) || sizing.workers < 1) throw new Error(`Tracking ${name}: workers must be a whole number >= 1`);
        if (env === "prod" && sizing.replicas < 2) throw new Error(`Tracking ${name}: prod runs at least 2 replicas (got ${sizing.replicas})`);
        const store = args.objectStore;
        const artifactsBucket = args.artifactsBucket ?? "mlflow";
        const bucket = store.buckets[artifactsBucket];
        if (!bucket) {
            throw new Error(
                `Tracking ${name}: artifactsBucket "${artifactsBucket}" is not a bucket of the ${store.flavor} object store (known: ${Object.keys(store.buckets).join(", ")})`,
            );
        }
        const databaseName = args.database ?? "mlflow";
        validateDatabaseName(databaseName);
        validateDatabaseName(`${databaseName}_auth`);
        requireKubernetesProvider(`Tracking "${name}"`, args, opts);
        super("mlplatform:tracking:Tracking", name, {}, opts);
        this.ns = args.namespace ?? "ml-tracking";
        this.namespace = pulumi.output(this.ns);
        this.monitoring = trackingMonitoring(this.ns);
        this.artifactsBucket = pulumi.output(artifactsBucket);
        const clusterDomain = args.clusterDomain ?? "cluster.local";
        this.uri = `http://${this.serviceName}.${this.ns}.svc.${clusterDomain}:${MLFLOW_PORT}`;
        this.trackingUri = pulumi.output(this.uri);
        this.uiUrl = this.trackingUri;
        const adminUsername = args.adminUsername ?? "admin";
        this.adminUsername = pulumi.output(adminUsername);
        const labels = { ...platformLabels("tracking"), ...mlflowSelectorLabels };

        const ns = createNamespace(`${name}-ns`, { namespace: this.ns, component: "tracking" }, { parent: this });
        const namespace = ns.metadata.name;
        this.namespaceName = namespace;
        this.namespaces = [this.ns];
        this.ui = { namespace: this.ns, service: this.serviceName, port: MLFLOW_PORT, auth: "own", pods: mlflowSelectorLabels };
        const client: ClientNamespace = { name: this.ns, created: namespace };

        const database = args.postgres.database(`${name}-db`, { namespace: client, database: databaseName }, this);
        const authDatabase = args.postgres.database(`${name}-auth-db`, { namespace: client, database: `${databaseName}_auth` }, this);

        const password = new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false }, { parent: this });
        const flaskKey = new random.RandomPassword(`${name}-flask-secret-key`, { length: 64, special: false }, { parent: this });
        const adminSecret = createSecret(
            `${name}-admin`,
            {
                name: "mlflow-admin",
                namespace,
                component: "tracking",
                data: {
                    [adminSecretKeys.username]: adminUsername,
                    [adminSecretKeys.password]: password.result,
                    [adminSecretKeys.flaskSecretKey]: flaskKey.result,
                },
            },
            { parent: this },
        );
        this.adminPassword = pulumi.secret(password.result);
        this.adminSecretName = adminSecret.metadata.name;

        const serviceAccountName = "mlflow";
        const access = store.grantAccess(
            `${name}-artifacts`,
            { namespace: client, serviceAccountName, buckets: [artifactsBucket], access: "readwrite" },
            this,
        );
        connect(this, database, authDatabase, access);
        const serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            { metadata: { name: serviceAccountName, namespace, labels, annotations: access.serviceAccountAnnotations } },
            { parent: this },
        );

        this.artifactsDestination = pulumi
            .all([bucket, store.accountName ?? pulumi.output(undefined)])
            .apply(([b, account]) => mlflowArtifactsDestination(store.flavor, b, account));
        const mlflowArgs = pulumi.all([this.artifactsDestination, pulumi.output(args.externalHosts ?? [])]).apply(([destination, externalHosts]) =>
            mlflowServerArgs({
                workers: sizing.workers,
                artifactsDestination: destination,
                allowedHosts: mlflowAllowedHosts({ service: this.serviceName, namespace: this.ns, clusterDomain, externalHosts }),
            }),
        );

        this.image = imageRef(images.mlflow, args.mirror);
        const spec = mlflowDeployment({
            environment: env,
            namespace,
            image: this.image,
            sizing,
            args: mlflowArgs,
            serviceAccountName,
            databaseSecret: database.secretName,
            authDatabaseSecret: authDatabase.secretName,
            adminSecret: adminSecret.metadata.name,
            defaultPermission: args.defaultPermission ?? "READ",
            store: { flavor: store.flavor, credentialsSecret: access.credentialsSecret, s3Endpoint: store.s3Endpoint },
            podLabels: access.podLabels,
        });
        this.deployment = new k8s.apps.v1.Deployment(`${name}-server`, spec, {
            parent: this,
            dependsOn: [serviceAccount],
        });
        new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: { name: this.serviceName, namespace, labels },
                spec: {
                    type: "ClusterIP",
                    selector: mlflowSelectorLabels,
                    ports: [
                        { name: "http", port: MLFLOW_PORT, targetPort: "http", protocol: "TCP" },
                        { name: "metrics", port: METRICS_PORT, targetPort: "metrics", protocol: "TCP" },
                    ],
                },
            },
            { parent: this },
        );
        if (sizing.replicas >= 2) {
            new k8s.policy.v1.PodDisruptionBudget(
                `${name}-pdb`,
                { metadata: { name: "mlflow", namespace, labels }, spec: { minAvailable: 1, selector: { matchLabels: mlflowSelectorLabels } } },
                { parent: this },
            );
        }

        this.registerOutputs({
            namespace: this.namespace,
            trackingUri: this.trackingUri,
            uiUrl: this.uiUrl,
            adminUsername: this.adminUsername,
            adminPassword: this.adminPassword,
            adminSecretName: this.adminSecretName,
            artifactsDestination: this.artifactsDestination,
        });
    }

    /** See {@link MlflowServer.grantClient}; the resources are the client's (`parent`), named after `name`. */
    public grantClient(name: string, args: { readonly namespace: ClientNamespace; readonly username: string }, parent: pulumi.Resource): MlflowClientAccess {
        const opts = { parent };
        const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, opts);
        const user = createSecret(
            `${name}-user`,
            { name: `mlflow-user-${args.username}`, namespace: this.namespaceName, component: "tracking", data: { username: args.username, password: password.result } },
            opts,
        );
        new k8s.batch.v1.Job(
            `${name}-user`,
            clientUserJob({
                namespace: user.metadata.namespace,
                image: this.image,
                trackingUri: this.uri,
                username: args.username,
                adminSecret: this.adminSecretName,
                clientSecret: user.metadata.name,
            }),
            // After the server is up, so the Job's deadline is not spent on the first rollout.
            { ...opts, deleteBeforeReplace: true, dependsOn: [this.deployment] },
        );
        const connection = createSecret(
            `${name}-connection`,
            {
                name: `mlflow-${args.username}`,
                namespace: args.namespace.created,
                component: "tracking",
                data: { [clientSecretKeys.uri]: this.uri, [clientSecretKeys.username]: args.username, [clientSecretKeys.password]: password.result },
            },
            opts,
        );
        const from = args.namespace.name;
        const why = `${from} logs to MLflow as ${args.username}`;
        return {
            trackingUri: this.uri,
            username: args.username,
            password: pulumi.secret(password.result),
            secretName: connection.metadata.name,
            flows: [{ from, to: this.ns, ports: [MLFLOW_PORT], toPods: mlflowSelectorLabels, why }],
            connection: { kind: "mlflow", from, to: this.uri, secret: connection.metadata.name, why },
        };
    }
}
