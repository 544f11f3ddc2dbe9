import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { createNamespace, KubernetesTargetArgs, platformLabels, requireKubernetesProvider } from "../common/kubernetes";
import { ANYWHERE, ClientNamespace, connect, Connected, ConnectionRecord, Flow, NetworkMember, toApiServer, webhookFlow } from "../network/spec";
import { ObjectStore, ObjectStoreAccess } from "../storage/types";
import { ChartPin, charts, chartSource, Mirror } from "../versions";
import type { FeatureServer } from "../featurestore/types";
import type { MonitoringSource } from "../monitoring/source";
import { kserveRuntimeValues, kserveValues, metricsServerValues } from "./charts";
import { ServingAlertThresholds, servingMonitoring } from "./monitoring";
import {
    inferenceServiceManifest,
    InferenceServiceSpec,
    inferenceUrl,
    isMlflowArtifact,
    predictorSelector,
    resolveModels,
    resolveStorageUri,
} from "./spec";

type Environment = "dev" | "prod";

export * from "./charts";
export * from "./spec";

export interface ServingArgs extends KubernetesTargetArgs {
    /** dev: models default to 1-2 replicas with small requests, metrics-server installed. prod: 2-6 replicas spread over zones, PDBs. */
    readonly environment: Environment;
    /**
     * cert-manager, which issues KServe's webhook certificates: its Helm release (`CertManager.release`), so KServe
     * installs after it, or `"preinstalled"` where the cluster already runs it.
     */
    readonly certManager: pulumi.Resource | "preinstalled";
    /**
     * The platform's object store; models read from it by workload identity (GCS/ADLS) or a scoped key (MinIO).
     * Optional: models at URIs of their own (a public bucket, `https://`, `hf://`) need no store and no grant.
     * Without it, `mlflow-artifacts:/` models, `modelBuckets` and `mlflowArtifactsBucket` are refused.
     */
    readonly objectStore?: ObjectStore;
    /** The models to serve. Default none. */
    readonly models?: readonly InferenceServiceSpec[];
    /** Logical bucket with MLflow's artifacts (`Tracking.artifactsBucket`); `mlflow-artifacts:/` URIs resolve into it. Default `mlflow`. */
    readonly mlflowArtifactsBucket?: string;
    /** Further logical buckets the models may read. Default none. */
    readonly modelBuckets?: readonly string[];
    /** Namespace of models that name none. Default `ml-serving`. */
    readonly namespace?: string;
    /**
     * Feast's feature server: every model namespace is its client (the flow to its pods), and each predictor gets its
     * URL as {@link FEATURE_SERVER_URL_ENV}. Default: none.
     */
    readonly features?: FeatureServer;
    /** Per model name: KServe's payload logger (the feedback loop's receiver). Default none. */
    readonly loggers?: Readonly<Record<string, { readonly url: string; readonly mode: "all" | "request" | "response" }>>;
    /** Namespace of the KServe controller. Default `kserve`. */
    readonly controllerNamespace?: string;
    /** Install metrics-server for the HPAs' CPU metrics. GKE and AKS run their own. Default: true in dev, false in prod. */
    readonly metricsServer?: boolean;
    /** Kubernetes cluster DNS domain. Default `cluster.local`. */
    readonly clusterDomain?: string;
    /** Thresholds of the alerts in `Serving.monitoring`; defaults in `defaultServingAlertThresholds`. */
    readonly alerts?: Partial<ServingAlertThresholds>;
    readonly mirror?: Mirror;
}

/** ServiceAccount the models of a namespace run as; it carries the namespace's object store access. */
export const MODEL_SERVICE_ACCOUNT = "kserve-models";
/** The port of KServe's admission webhook (the controller's `webhook-server-cert` listener). */
export const KSERVE_WEBHOOK_PORT = 9443;
/** The environment variable holding the feature server's URL in every predictor, when the platform has one. */
export const FEATURE_SERVER_URL_ENV = "FEAST_FEATURE_SERVER_URL";
/** The port model servers listen on behind their predictor Service (KServe's default HTTP port). */
export const MODEL_SERVER_PORT = 8080;

/** What a client of the models gets (`Serving.grantClient`): their URLs, and its flows to them. */
export interface ModelClientAccess extends Connected {
    readonly inferenceUrls: Readonly<Record<string, string>>;
}

/** The contract of the model servers other components call (implemented by `Serving`). */
export interface ModelServer {
    grantClient(args: { readonly namespace: ClientNamespace }): ModelClientAccess;
}

/**
 * KServe in raw-deployment mode (official charts: CRDs, controller, serving runtimes) and the platform's models as
 * InferenceServices with HPA autoscaling and object store access per model namespace.
 */
export class Serving extends pulumi.ComponentResource implements ModelServer, NetworkMember {
    public readonly namespace: pulumi.Output<string>;
    public readonly controllerNamespace: pulumi.Output<string>;
    /** Model server and KServe controller metrics, alerts and the serving dashboard, for `Monitoring`'s `sources`. */
    public readonly monitoring: MonitoringSource;
    /** Namespaces holding models. */
    public readonly modelNamespaces: string[];
    /** In-cluster predict endpoint per model name. */
    public readonly inferenceUrls: Record<string, pulumi.Output<string>>;
    /** The runtimes release; InferenceServices created outside this component should depend on it. */
    public readonly ready: k8s.helm.v3.Release;
    /** The controller's and every model namespace. */
    public readonly namespaces: string[];
    /** The controller, its webhook, and what the storage initializer reads models from. */
    public readonly flows: Flow[];
    /** Each model namespace's read of the model buckets, with the models' identity. */
    public readonly connections: ConnectionRecord[] = [];
    /** Predict endpoints as plain strings: clients' records and Variables are written when the program runs. */
    private readonly urls: Record<string, string>;

    constructor(name: string, args: ServingArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before anything is registered, so a bad model list fails the program cleanly.
        const env = args.environment;
        const store = args.objectStore;
        const clusterDomain = args.clusterDomain ?? "cluster.local";
        const namespace = args.namespace ?? "ml-serving";
        const models = resolveModels(args.models ?? [], env, namespace);
        const mlflowBucketName = args.mlflowArtifactsBucket ?? "mlflow";
        const usesMlflow = models.filter((m) => isMlflowArtifact(m.storageUri));
        if (!store) {
            const needs = [
                ...(usesMlflow.length ? [`models ${usesMlflow.map((m) => `${m.name} (${m.storageUri})`).join(", ")} read mlflow-artifacts:/, which resolves into it`] : []),
                ...(args.modelBuckets?.length ? [`modelBuckets ${JSON.stringify(args.modelBuckets)} names its buckets`] : []),
                ...(args.mlflowArtifactsBucket !== undefined ? [`mlflowArtifactsBucket "${args.mlflowArtifactsBucket}" names its bucket`] : []),
            ];
            if (needs.length) {
                throw new Error(
                    `Serving ${name}: objectStore is not given, but ${needs.join("; ")}. Expected objectStore (the platform's ObjectStorage), or models at URIs of their own (gs://, s3://, https://, hf://) without modelBuckets`,
                );
            }
        }
        const mlflowBucket = store?.buckets[mlflowBucketName];
        if (store && usesMlflow.length && !mlflowBucket) {
            throw new Error(
                `Serving ${name}: ${usesMlflow.map((m) => m.name).join(", ")} read mlflow-artifacts:/ but "${mlflowBucketName}" is not a bucket of the ${store.flavor} object store (known: ${Object.keys(store.buckets).join(", ")})`,
            );
        }
        const unknown = (args.modelBuckets ?? []).filter((b) => !store?.buckets[b]);
        if (store && unknown.length) throw new Error(`Serving ${name}: modelBuckets ${unknown.join(", ")} are not buckets of the ${store.flavor} object store`);
        const readBuckets = [...(mlflowBucket ? [mlflowBucketName] : []), ...(args.modelBuckets ?? [])];
        const controllerNamespace = args.controllerNamespace ?? "kserve";
        const misplaced = models.filter((m) => [controllerNamespace, "kube-system"].includes(m.namespace));
        if (misplaced.length) {
            throw new Error(`Serving ${name}: ${misplaced.map((m) => `${m.name} (${m.namespace})`).join(", ")}: models do not run in the controller's or a system namespace`);
        }
        requireKubernetesProvider(`Serving "${name}"`, args, opts);

        super("mlplatform:serving:Serving", name, {}, opts);
        this.namespace = pulumi.output(namespace);
        this.monitoring = servingMonitoring({ namespace, controllerNamespace, alerts: args.alerts });
        this.controllerNamespace = pulumi.output(controllerNamespace);
        this.urls = Object.fromEntries(models.map((m) => [m.name, inferenceUrl(m, clusterDomain)]));
        this.inferenceUrls = Object.fromEntries(Object.entries(this.urls).map(([model, url]) => [model, pulumi.output(url)]));

        // cert-manager -> CRDs -> controller -> runtimes -> models.
        const certManager = args.certManager === "preinstalled" ? [] : [args.certManager];
        const controllerNs = createNamespace(`${name}-kserve-ns`, { namespace: controllerNamespace, component: "serving" }, { parent: this });
        const release = (suffix: string, releaseName: string, chart: ChartPin, values: object, dependsOn: pulumi.Resource[], releaseNamespace?: string) =>
            new k8s.helm.v3.Release(
                `${name}-${suffix}`,
                {
                    ...chartSource(chart, args.mirror),
                    name: releaseName,
                    namespace: releaseNamespace ?? controllerNs.metadata.name,
                    values,
                    atomic: true,
                    cleanupOnFail: true,
                    maxHistory: 5,
                },
                { parent: this, dependsOn },
            );
        const crds = release("kserve-crd", "kserve-crd", charts.kserveCrd, {}, certManager);
        const controller = release("kserve", "kserve", charts.kserveResources, kserveValues(env, args.mirror), [crds, ...certManager]);
        const runtimes = release("kserve-runtimes", "kserve-runtime-configs", charts.kserveRuntimeConfigs, kserveRuntimeValues(args.mirror), [controller]);
        this.ready = runtimes;
        if (args.metricsServer ?? env === "dev") {
            // kube-system: its priority class (system-cluster-critical) is admitted there by default.
            release("metrics-server", "metrics-server", charts.metricsServer, metricsServerValues(env, args.mirror), [], "kube-system");
        }

        this.modelNamespaces = [...new Set([namespace, ...models.map((m) => m.namespace)])];
        this.namespaces = [controllerNamespace, ...this.modelNamespaces];
        this.flows = [toApiServer(controllerNamespace, "the KServe controller"), webhookFlow(controllerNamespace, KSERVE_WEBHOOK_PORT, "KServe's webhook")];
        // A model at a URL of its own (a public bucket, say) is downloaded from outside the platform's store.
        for (const nsName of new Set(models.filter((m) => !isMlflowArtifact(m.storageUri)).map((m) => m.namespace))) {
            this.flows.push({ from: nsName, to: ANYWHERE, ports: [443], why: "the storage initializer downloads models named by their own URL" });
        }
        const perNamespace = new Map<string, { access?: ObjectStoreAccess; featuresUrl?: string; dependsOn: pulumi.Resource[] }>();
        for (const nsName of this.modelNamespaces) {
            const ns = createNamespace(`${name}-${nsName}-ns`, { namespace: nsName, component: "serving" }, { parent: this });
            const access =
                store && readBuckets.length
                ? store.grantAccess(
                      `${name}-${nsName}-models`,
                      { namespace: { name: nsName, created: ns.metadata.name }, serviceAccountName: MODEL_SERVICE_ACCOUNT, buckets: readBuckets, access: "read" },
                      this,
                  )
                : undefined;
            // Model pods need no credential for Feast: the flow is the whole grant.
            const features = args.features?.grantClient({ namespace: { name: nsName, created: ns.metadata.name } });
            connect(this, access && { ...access, connection: { ...access.connection, kind: "models" } }, features);
            const dependsOn: pulumi.Resource[] = [];
            if (store && access?.credentialsSecret) dependsOn.push(this.annotateS3Secret(`${name}-${nsName}`, ns.metadata.name, access.credentialsSecret, store));
            dependsOn.push(
                new k8s.core.v1.ServiceAccount(
                    `${name}-${nsName}-sa`,
                    {
                        metadata: { name: MODEL_SERVICE_ACCOUNT, namespace: ns.metadata.name, labels: platformLabels("serving"), annotations: access?.serviceAccountAnnotations ?? {} },
                        // KServe mounts the S3 keys of the Secrets listed here into the storage initializer.
                        secrets: access?.credentialsSecret ? [{ name: access.credentialsSecret }] : [],
                        automountServiceAccountToken: false,
                    },
                    { parent: this },
                ),
            );
            perNamespace.set(nsName, { access, featuresUrl: features?.url, dependsOn });
        }

        for (const model of models) {
            const { access, featuresUrl, dependsOn } = perNamespace.get(model.namespace)!;
            // Without a store every URI is the model's own (checked above), which resolves to itself.
            const storageUri = store
                ? pulumi
                      .all([mlflowBucket ?? pulumi.output(undefined), store.accountName ?? pulumi.output(undefined)])
                      .apply(([bucket, accountName]) => resolveStorageUri(model.storageUri, { flavor: store.flavor, mlflowBucket: bucket, accountName }))
                : model.storageUri;
            const manifest = inferenceServiceManifest({
                model,
                environment: env,
                storageUri,
                serviceAccountName: MODEL_SERVICE_ACCOUNT,
                // AKS: the pod label makes Azure's workload-identity webhook inject the token. KServe's webhook adds the
                // storage-initializer init container after it, but Azure's webhook is registered with
                // `reinvocationPolicy: IfNeeded` (Azure/azure-workload-identity#794) and injects into init containers
                // too (#149), so it runs again and the initializer gets AZURE_CLIENT_ID and the federated token;
                // KServe's storage code then authenticates with DefaultAzureCredential.
                podLabels: access?.podLabels ?? {},
                env: featuresUrl ? [{ name: FEATURE_SERVER_URL_ENV, value: featuresUrl }] : [],
                logger: args.loggers?.[model.name],
            });
            new k8s.apiextensions.CustomResource(`${name}-${model.name}`, manifest, { parent: this, dependsOn: [runtimes, controller, ...dependsOn] });
            if (env === "prod" && model.minReplicas >= 2) {
                new k8s.policy.v1.PodDisruptionBudget(
                    `${name}-${model.name}-pdb`,
                    {
                        metadata: { name: `${model.name}-predictor`, namespace: model.namespace, labels: platformLabels("serving") },
                        spec: { maxUnavailable: 1, selector: { matchLabels: predictorSelector(model.name) } },
                    },
                    { parent: this, dependsOn },
                );
            }
        }

        this.registerOutputs({
            namespace: this.namespace,
            controllerNamespace: this.controllerNamespace,
            modelNamespaces: this.modelNamespaces,
            inferenceUrls: this.inferenceUrls,
        });
    }

    /**
     * MinIO's scoped key Secret belongs to the object store; KServe also needs the endpoint on it (annotations it
     * reads when it mounts the keys), so they are added with a server-side-apply patch that owns only them.
     */
    /** See {@link ModelServer.grantClient}: every model's URL, and the client's flow to each model namespace. */
    public grantClient(args: { readonly namespace: ClientNamespace }): ModelClientAccess {
        const from = args.namespace.name;
        const why = `${from} calls the models`;
        const flows = this.modelNamespaces
            .filter((ns) => ns !== from)
            .map((to) => ({ from, to, ports: [MODEL_SERVER_PORT], toPods: { component: "predictor" }, why }));
        return { inferenceUrls: this.urls, flows, connection: { kind: "models", from, to: Object.values(this.urls).join(" "), why } };
    }

    private annotateS3Secret(prefix: string, namespace: pulumi.Input<string>, secretName: pulumi.Input<string>, store: ObjectStore): k8s.core.v1.SecretPatch {
        if (!store.s3Endpoint) throw new Error("Serving: a MinIO object store must expose s3Endpoint");
        const endpoint = store.s3Endpoint.apply((e) => new URL(e));
        return new k8s.core.v1.SecretPatch(
            `${prefix}-s3-endpoint`,
            {
                metadata: {
                    name: secretName,
                    namespace,
                    annotations: {
                        "serving.kserve.io/s3-endpoint": endpoint.apply((u) => u.host),
                        "serving.kserve.io/s3-usehttps": endpoint.apply((u) => (u.protocol === "https:" ? "1" : "0")),
                        // An existing S3-compatible store's region (MinIO accepts any, so the in-cluster one sets none).
                        ...(store.s3Region ? { "serving.kserve.io/s3-region": store.s3Region } : {}),
                    },
                },
            },
            { parent: this },
        );
    }
}
