import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { createNamespace, KubernetesTargetArgs, platformLabels, requireKubernetesProvider } from "../common/kubernetes";
import type { MetastoreServer } from "../lakehouse";
import { MINIO_REGION, StorageSpec } from "../lakehouse/storage";
import type { MonitoringSource } from "../monitoring/source";
import { ANYWHERE, ClientNamespace, connect, Connected, ConnectionRecord, Flow, NetworkMember, toApiServer, WebUi, webhookFlow } from "../network/spec";
import type { ObjectStore } from "../storage/types";
import type { MlflowServer } from "../tracking/types";
import { chartSource, charts, imageRef, images, Mirror } from "../versions";
import { createHistoryServer } from "./history";
import { computeMonitoring } from "./monitoring";
import { eventLogUri, renderSparkDefaults, sparkDefaults } from "./spark-config";
import {
    computeSizing,
    ComputeSizing,
    Environment,
    HISTORY_NAME,
    historyPods,
    KUBERAY_RELEASE,
    kuberayPods,
    kuberayValues,
    RAY_CLIENT_PORT,
    RAY_CLUSTER_NAME,
    RAY_DASHBOARD_PORT,
    RAY_SERVICE_ACCOUNT,
    rayClusterSpec,
    rayHeadPods,
    SPARK_HISTORY_PORT,
    SPARK_OPERATOR_RELEASE,
    SPARK_SERVICE_ACCOUNT,
    SPARK_WEBHOOK_PORT,
    sparkApplicationTemplate,
    SparkApplicationTemplate,
    sparkOperatorPods,
    sparkOperatorValues,
} from "./spec";

export { computeSizing, rayClusterSpec, sparkApplicationTemplate } from "./spec";
export type { SparkApplicationTemplate } from "./spec";
export { renderSparkDefaults, sparkDefaults, sparkFileSystem } from "./spark-config";
export { SPARK_WEBHOOK_PORT } from "./spec";

const COMPONENT = "compute";

/** What a job submitter (Airflow) gets: RBAC in the jobs namespace to create SparkApplications and RayJobs. */
export interface JobSubmitterAccess extends Connected {
    /** The namespace jobs are submitted to. */
    readonly jobsNamespace: string;
    /** The ServiceAccount drivers and Ray pods run as there (already bound to the object store and the metastore). */
    readonly sparkServiceAccount: string;
    /** The ConfigMap with the platform's `spark-defaults.conf`, for `sparkConfigMap`. */
    readonly sparkConfigMap: string;
    /** The Ray cluster's dashboard address (RayJobs may target it with `clusterSelector`), when there is one. */
    readonly rayDashboardUrl?: string;
    /** A SparkApplication with the platform's defaults to copy (set `metadata.name`, `spec.mainApplicationFile`). */
    readonly sparkApplication: pulumi.Output<SparkApplicationTemplate>;
}

/** What an interactive Ray client (a notebook) gets: the standing Ray cluster's client and dashboard addresses. */
export interface RayClientAccess extends Connected {
    /** `ray://<head>.<jobs namespace>.svc.cluster.local:10001` (Ray Client; the client's Ray and Python must match the cluster's). */
    readonly address: string;
    /** The head's dashboard and job-submission API, `http://<head>...:8265`. */
    readonly dashboardUrl: string;
    /** The cluster's Ray version (its image tag). */
    readonly rayVersion: string;
}

/** The contract of the compute component other components submit jobs to (implemented by `Compute`). */
export interface JobRunner {
    grantSubmitter(name: string, args: { readonly namespace: ClientNamespace; readonly serviceAccountName: string }, parent: pulumi.Resource): JobSubmitterAccess;
    /** The flow to the standing Ray cluster's head (client and job API), when there is one; undefined otherwise. */
    grantRayClient(args: { readonly namespace: ClientNamespace }): RayClientAccess | undefined;
}

export interface ComputeArgs extends KubernetesTargetArgs {
    /** `dev`: operators idle with small requests; `prod`: two operator replicas with PDBs, a sized Ray cluster. */
    readonly environment: Environment;
    /** Namespace of the operators and the Spark History Server. Default `ml-compute`. */
    readonly namespace?: string;
    /** Namespace of Spark applications, the Ray cluster and RayJobs. Default `ml-compute-jobs`. */
    readonly jobsNamespace?: string;
    readonly objectStore: ObjectStore;
    /** The lakehouse: Spark's default catalog is its Iceberg catalog, through its metastore. */
    readonly lakehouse: MetastoreServer;
    /** MLflow: Ray gets its own user (`ray`), as MLflow's environment variables. Default: none. */
    readonly tracking?: MlflowServer;
    /** Logical bucket for Spark event logs. Default `spark-logs`. */
    readonly eventLogBucket?: string;
    /** The Spark History Server behind the ingress. Default: on in prod, off in dev. */
    readonly historyServer?: boolean;
    /** A standing RayCluster. Default: on in prod, off in dev (the operator still runs RayJobs' own clusters). */
    readonly rayCluster?: boolean;
    /** Bounds of the autoscaled CPU worker group. Default: the environment's sizing. */
    readonly rayWorkers?: { readonly min: number; readonly max: number };
    /** The cluster's GPU pool (GPUs per node), when it has one: adds a GPU worker group scheduled onto it. */
    readonly gpuPool?: { readonly gpus: number };
    readonly mirror?: Mirror;
}

/**
 * Distributed compute on the lakehouse: the Kubeflow Spark operator (official chart) running SparkApplications in a
 * jobs namespace with the platform's default Spark configuration (Iceberg catalog `lakehouse` through the Hive
 * Metastore, the object store's native file system by identity, event logs in the object store, a History Server),
 * and the KubeRay operator (official chart) with, per config, an autoscaled RayCluster that has MLflow and the
 * object store. One component: both share the jobs namespace, its identities and the submitter's RBAC.
 */
export class Compute extends pulumi.ComponentResource implements JobRunner, NetworkMember {
    public readonly namespaces: string[];
    public readonly flows: Flow[] = [];
    public readonly connections: ConnectionRecord[] = [];
    /** The Spark History Server (no login of its own) and the Ray dashboard (none either), for the ingress. */
    public readonly uis: { sparkHistory?: WebUi; rayDashboard?: WebUi } = {};
    public readonly monitoring: MonitoringSource;
    /** The default Spark configuration (`spark-defaults.conf`). */
    public readonly sparkDefaults: pulumi.Output<string>;
    /** A SparkApplication to copy: set `metadata.name` and `spec.mainApplicationFile`. */
    public readonly sparkApplicationTemplate: pulumi.Output<SparkApplicationTemplate>;
    public readonly historyUrl?: pulumi.Output<string>;
    public readonly rayDashboardUrl?: pulumi.Output<string>;
    public readonly sizing: ComputeSizing;
    private readonly jobsNamespace: string;
    private readonly jobsNs: k8s.core.v1.Namespace;
    private readonly rayDashboard?: string;

    constructor(name: string, args: ComputeArgs, opts?: pulumi.ComponentResourceOptions) {
        const prod = args.environment === "prod";
        const base = computeSizing[args.environment];
        const sizing: ComputeSizing = { ...base, rayWorkers: { ...base.rayWorkers, ...(args.rayWorkers ?? {}) } };
        if (sizing.rayWorkers.min > sizing.rayWorkers.max) throw new Error(`compute: rayWorkers.min (${sizing.rayWorkers.min}) is above rayWorkers.max (${sizing.rayWorkers.max})`);
        const eventLogBucket = args.eventLogBucket ?? "spark-logs";
        const store = args.objectStore;
        if (!(eventLogBucket in store.buckets)) throw new Error(`compute: eventLogBucket "${eventLogBucket}" is not a bucket of the object store (it has ${Object.keys(store.buckets).join(", ")})`);
        if (store.flavor === "minio" && !store.s3Endpoint) throw new Error("compute: a MinIO object store must expose s3Endpoint");
        requireKubernetesProvider(`Compute "${name}"`, args, opts);
        super("mlplatform:compute:Compute", name, {}, opts);
        this.sizing = sizing;
        const namespace = args.namespace ?? "ml-compute";
        const jobsNamespace = args.jobsNamespace ?? "ml-compute-jobs";
        this.jobsNamespace = jobsNamespace;
        const withHistory = args.historyServer ?? prod;
        const withRay = args.rayCluster ?? prod;
        this.monitoring = computeMonitoring(namespace, jobsNamespace, withRay);
        const labels = platformLabels(COMPONENT);
        const parent = { parent: this };

        const ns = createNamespace(`${name}-ns`, { namespace, component: COMPONENT }, parent);
        this.jobsNs = createNamespace(`${name}-jobs-ns`, { namespace: jobsNamespace, component: COMPONENT }, parent);
        this.namespaces = [namespace, jobsNamespace];
        const jobsClient: ClientNamespace = { name: jobsNamespace, created: this.jobsNs.metadata.name };
        this.flows.push(
            toApiServer(namespace, "the Spark and KubeRay operators"),
            webhookFlow(namespace, SPARK_WEBHOOK_PORT, "the Spark operator's webhook (driver and executor pods)", sparkOperatorPods("webhook")),
            // Drivers create their executors; Ray's autoscaler (in the head) scales the worker groups.
            toApiServer(jobsNamespace, "Spark drivers and Ray's autoscaler"),
            // Spark resolves its pinned packages (Iceberg runtime, the store's Hadoop file system) from Maven at submit.
            { from: jobsNamespace, to: ANYWHERE, ports: [443], why: "Spark jobs resolve their pinned packages from Maven" },
        );

        // --- identities and connections of the jobs namespace ----------------------------------------------------
        const zones = Object.values(args.lakehouse.zoneBuckets);
        const sparkAccess = store.grantAccess(`${name}-spark`, { namespace: jobsClient, serviceAccountName: SPARK_SERVICE_ACCOUNT, buckets: [...zones, eventLogBucket], access: "readwrite" }, this);
        const metastore = args.lakehouse.grantMetastoreClient({ namespace: jobsClient });
        connect(this, sparkAccess, metastore);
        const storage: pulumi.Output<StorageSpec> =
            store.flavor === "minio"
                ? pulumi
                      .all([store.s3Endpoint!, store.s3Region ?? MINIO_REGION])
                      .apply(([s3Endpoint, region]): StorageSpec => ({ flavor: "minio", s3Endpoint, region }))
                : pulumi.output<StorageSpec>({ flavor: store.flavor });
        const eventLogDir = pulumi.all([storage, store.uri(eventLogBucket, "events")]).apply(([s, uri]) => eventLogUri(s, uri.endsWith("/") ? uri : `${uri}/`));
        const props = pulumi
            .all([storage, args.lakehouse.zoneUris.silver, eventLogDir])
            .apply(([s, silver, dir]) => sparkDefaults({ storage: s, metastoreUri: metastore.uri, warehouse: `${silver}warehouse/`, eventLogDir: dir }));
        this.sparkDefaults = props.apply(renderSparkDefaults);
        const sparkConfig = new k8s.core.v1.ConfigMap(
            `${name}-spark-defaults`,
            { metadata: { name: "spark-defaults", namespace: this.jobsNs.metadata.name, labels }, data: { "spark-defaults.conf": this.sparkDefaults } },
            parent,
        );
        const sparkSa = new k8s.core.v1.ServiceAccount(
            `${name}-spark`,
            { metadata: { name: SPARK_SERVICE_ACCOUNT, namespace: this.jobsNs.metadata.name, labels, annotations: sparkAccess.serviceAccountAnnotations } },
            parent,
        );
        // What the chart's spark.rbac would create: a driver manages its executors, their Services and ConfigMaps.
        const driverRole = new k8s.rbac.v1.Role(
            `${name}-spark-driver`,
            {
                metadata: { name: "spark-driver", namespace: this.jobsNs.metadata.name, labels },
                rules: [{ apiGroups: [""], resources: ["pods", "configmaps", "persistentvolumeclaims", "services"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"] }],
            },
            parent,
        );
        new k8s.rbac.v1.RoleBinding(
            `${name}-spark-driver`,
            {
                metadata: { name: "spark-driver", namespace: this.jobsNs.metadata.name, labels },
                subjects: [{ kind: "ServiceAccount", name: SPARK_SERVICE_ACCOUNT, namespace: jobsNamespace }],
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: driverRole.metadata.name },
            },
            parent,
        );
        const sparkImage = imageRef(images.spark, args.mirror);
        this.sparkApplicationTemplate = pulumi.output(sparkAccess.credentialsSecret).apply((secret) =>
            sparkApplicationTemplate({ namespace: jobsNamespace, image: sparkImage, configMap: "spark-defaults", envFromSecrets: secret ? [secret] : [], podLabels: sparkAccess.podLabels }),
        );

        // --- operators -----------------------------------------------------------------------------------------------
        const sparkPin = images.sparkOperator;
        new k8s.helm.v3.Release(
            `${name}-spark-operator`,
            {
                name: SPARK_OPERATOR_RELEASE,
                namespace: ns.metadata.name,
                ...chartSource(charts.sparkOperator, args.mirror),
                values: sparkOperatorValues({
                    environment: args.environment,
                    image: { registry: args.mirror?.imageRegistry?.replace(/\/+$/, "") ?? sparkPin.registry, repository: sparkPin.repository, tag: sparkPin.tag },
                    jobNamespace: jobsNamespace,
                    labels,
                    resources: sizing.operator,
                }),
                maxHistory: 5,
            },
            { parent: this, dependsOn: [this.jobsNs, sparkSa, sparkConfig] },
        );
        new k8s.helm.v3.Release(
            `${name}-kuberay-operator`,
            {
                name: KUBERAY_RELEASE,
                namespace: ns.metadata.name,
                ...chartSource(charts.kuberayOperator, args.mirror),
                values: kuberayValues({ environment: args.environment, image: imageRef(images.kuberayOperator, args.mirror), jobNamespace: jobsNamespace, labels, resources: sizing.operator }),
                maxHistory: 5,
            },
            { parent: this, dependsOn: [this.jobsNs] },
        );

        // --- Spark History Server ------------------------------------------------------------------------------------
        if (withHistory) {
            const historyAccess = store.grantAccess(`${name}-history`, { namespace: { name: namespace, created: ns.metadata.name }, serviceAccountName: HISTORY_NAME, buckets: [eventLogBucket], access: "read" }, this);
            connect(this, historyAccess);
            this.flows.push({ from: namespace, to: ANYWHERE, ports: [443], fromPods: historyPods, why: "the Spark History Server resolves its pinned packages from Maven" });
            createHistoryServer(name, { namespace: ns.metadata.name, image: sparkImage, sparkDefaults: this.sparkDefaults, access: historyAccess, resources: sizing.historyServer, labels, replicas: 1 }, this);
            this.uis.sparkHistory = { namespace, service: HISTORY_NAME, port: SPARK_HISTORY_PORT, auth: "basic", pods: historyPods };
            this.historyUrl = pulumi.interpolate`http://${HISTORY_NAME}.${ns.metadata.name}.svc.cluster.local:${SPARK_HISTORY_PORT}`;
        }

        // --- Ray ----------------------------------------------------------------------------------------------------
        // KubeRay reads RayJob status from the head's dashboard API.
        this.flows.push({ from: namespace, to: jobsNamespace, ports: [RAY_DASHBOARD_PORT], fromPods: kuberayPods, toPods: { "ray.io/node-type": "head" }, why: "KubeRay follows Ray jobs through the head's dashboard API" });
        if (withRay) {
            const rayAccess = store.grantAccess(`${name}-ray`, { namespace: jobsClient, serviceAccountName: RAY_SERVICE_ACCOUNT, buckets: [...zones], access: "readwrite" }, this);
            const mlflow = args.tracking?.grantClient(`${name}-mlflow`, { namespace: jobsClient, username: "ray" }, this);
            connect(this, rayAccess, mlflow);
            const raySa = new k8s.core.v1.ServiceAccount(
                `${name}-ray`,
                { metadata: { name: RAY_SERVICE_ACCOUNT, namespace: this.jobsNs.metadata.name, labels, annotations: rayAccess.serviceAccountAnnotations } },
                parent,
            );
            const spec = pulumi.all([rayAccess.credentialsSecret, mlflow?.secretName]).apply(([keys, mlflowSecret]) =>
                rayClusterSpec({
                    image: imageRef(images.ray, args.mirror),
                    rayVersion: images.ray.tag,
                    sizing,
                    gpuPool: args.gpuPool,
                    envFromSecrets: [...(keys ? [keys] : []), ...(mlflowSecret ? [mlflowSecret] : [])],
                    podLabels: rayAccess.podLabels,
                    labels,
                }),
            );
            new k8s.apiextensions.CustomResource(
                `${name}-ray`,
                { apiVersion: "ray.io/v1", kind: "RayCluster", metadata: { name: RAY_CLUSTER_NAME, namespace: this.jobsNs.metadata.name, labels }, spec },
                { parent: this, dependsOn: [raySa] },
            );
            if (prod) {
                new k8s.policy.v1.PodDisruptionBudget(
                    `${name}-ray-head`,
                    { metadata: { name: "ray-head", namespace: this.jobsNs.metadata.name, labels }, spec: { maxUnavailable: 0, selector: { matchLabels: { ...rayHeadPods } } } },
                    parent,
                );
            }
            const headService = `${RAY_CLUSTER_NAME}-head-svc`;
            this.rayDashboard = `http://${headService}.${jobsNamespace}.svc.cluster.local:${RAY_DASHBOARD_PORT}`;
            this.rayDashboardUrl = pulumi.output(this.rayDashboard);
            this.uis.rayDashboard = { namespace: jobsNamespace, service: headService, port: RAY_DASHBOARD_PORT, auth: "basic", pods: rayHeadPods };
        }

        this.registerOutputs({ sparkDefaults: this.sparkDefaults, historyUrl: this.historyUrl, rayDashboardUrl: this.rayDashboardUrl });
    }

    /** See {@link JobRunner.grantRayClient}. */
    public grantRayClient(args: { readonly namespace: ClientNamespace }): RayClientAccess | undefined {
        if (!this.rayDashboard) return undefined;
        const from = args.namespace.name;
        const head = `${RAY_CLUSTER_NAME}-head-svc.${this.jobsNamespace}.svc.cluster.local`;
        const address = `ray://${head}:${RAY_CLIENT_PORT}`;
        const why = `${from} drives the Ray cluster interactively (Ray Client and job API)`;
        return {
            address,
            dashboardUrl: this.rayDashboard,
            rayVersion: images.ray.tag,
            flows: [{ from, to: this.jobsNamespace, ports: [RAY_CLIENT_PORT, RAY_DASHBOARD_PORT], toPods: rayHeadPods, why }],
            connection: { kind: "ray", from, to: address, why },
        };
    }

    /**
     * See {@link JobRunner.grantSubmitter}: a Role in the jobs namespace to create and follow SparkApplications,
     * RayJobs and RayClusters, bound to the client's ServiceAccount. Submitting goes through the API server only.
     */
    public grantSubmitter(name: string, args: { readonly namespace: ClientNamespace; readonly serviceAccountName: string }, parent: pulumi.Resource): JobSubmitterAccess {
        const labels = platformLabels(COMPONENT);
        const from = args.namespace.name;
        const role = new k8s.rbac.v1.Role(
            `${name}-submitter`,
            {
                metadata: { name: `submitter-${from}`, namespace: this.jobsNs.metadata.name, labels },
                rules: [
                    { apiGroups: ["sparkoperator.k8s.io"], resources: ["sparkapplications", "scheduledsparkapplications"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
                    { apiGroups: ["sparkoperator.k8s.io"], resources: ["sparkapplications/status"], verbs: ["get"] },
                    { apiGroups: ["ray.io"], resources: ["rayjobs", "rayclusters"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
                    { apiGroups: ["ray.io"], resources: ["rayjobs/status", "rayclusters/status"], verbs: ["get"] },
                    // Driver logs for the task log.
                    { apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list", "watch"] },
                ],
            },
            { parent },
        );
        new k8s.rbac.v1.RoleBinding(
            `${name}-submitter`,
            {
                metadata: { name: `submitter-${from}`, namespace: this.jobsNs.metadata.name, labels },
                subjects: [{ kind: "ServiceAccount", name: args.serviceAccountName, namespace: args.namespace.created }],
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
            },
            { parent },
        );
        const why = `${from} submits Spark and Ray jobs to ${this.jobsNamespace}`;
        return {
            jobsNamespace: this.jobsNamespace,
            sparkServiceAccount: SPARK_SERVICE_ACCOUNT,
            sparkConfigMap: "spark-defaults",
            rayDashboardUrl: this.rayDashboard,
            sparkApplication: this.sparkApplicationTemplate,
            flows: [toApiServer(from, why)],
            connection: { kind: "compute-jobs", from, to: this.jobsNamespace, serviceAccount: args.serviceAccountName, why },
        };
    }
}
