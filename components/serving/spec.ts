/**
 * Pure specs of the models the platform serves: the typed model list, storage URI resolution (including models
 * registered in MLflow) and the InferenceService manifests KServe receives. No resources are created here.
 */
import * as pulumi from "@pulumi/pulumi";
import { platformLabels, containerResources as res } from "../common/kubernetes";
import { ObjectStoreFlavor } from "../storage/types";

type Environment = "dev" | "prod";

/** Model formats with a KServe ClusterServingRuntime in the kserve-runtime-configs chart. */
export type ModelFormat =
    | "sklearn"
    | "xgboost"
    | "lightgbm"
    | "tensorflow"
    | "pytorch"
    | "onnx"
    | "triton"
    | "pmml"
    | "paddle"
    | "huggingface"
    | "mlflow";

export type ProtocolVersion = "v1" | "v2";

/**
 * The runtime (ClusterServingRuntime) and inference protocol each format gets unless a model says otherwise. Naming
 * the runtime makes selection deterministic (sklearn, xgboost and lightgbm each match two runtimes). `mlflow` runs on
 * MLServer, whose upstream is no longer maintained: prefer the framework's own runtime, which loads the model file
 * MLflow saved (e.g. `model.pkl` of an `mlflow.sklearn` model) directly.
 */
export const formatDefaults: Record<ModelFormat, { readonly runtime: string; readonly protocol: ProtocolVersion }> = {
    sklearn: { runtime: "kserve-sklearnserver", protocol: "v1" },
    xgboost: { runtime: "kserve-xgbserver", protocol: "v1" },
    lightgbm: { runtime: "kserve-lgbserver", protocol: "v1" },
    tensorflow: { runtime: "kserve-tensorflow-serving", protocol: "v1" },
    pytorch: { runtime: "kserve-torchserve", protocol: "v1" },
    onnx: { runtime: "kserve-tritonserver", protocol: "v2" },
    triton: { runtime: "kserve-tritonserver", protocol: "v2" },
    pmml: { runtime: "kserve-pmmlserver", protocol: "v1" },
    paddle: { runtime: "kserve-paddleserver", protocol: "v1" },
    huggingface: { runtime: "kserve-huggingfaceserver", protocol: "v1" },
    mlflow: { runtime: "kserve-mlserver", protocol: "v2" },
};

export interface ModelResources {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
}

/** One model to serve. */
export interface InferenceServiceSpec {
    /** InferenceService name: a DNS label (lowercase letters, digits, hyphens; at most 45 characters). */
    readonly name: string;
    /** Namespace of the model. Default: the Serving component's model namespace (`ml-serving`). */
    readonly namespace?: string;
    readonly modelFormat: ModelFormat;
    /** ClusterServingRuntime name; default from {@link formatDefaults}. */
    readonly runtime?: string;
    /** Default from {@link formatDefaults}. */
    readonly protocolVersion?: ProtocolVersion;
    /**
     * Where the model files are:
     * - `mlflow-artifacts:/<path>`: a model logged to or registered in MLflow, exactly as MLflow reports its
     *   location (`MlflowClient().get_model_version_download_uri(name, version)`); it resolves to `<path>` in
     *   MLflow's artifacts bucket, which the model's ServiceAccount may read.
     * - any URI KServe's storage initializer reads: `s3://`, `gs://`, `https://<account>.blob.core.windows.net/...`,
     *   `hf://`, `pvc://`, `oci://` (modelcar), `http(s)://`.
     * `models:/` and `runs:/` URIs are resolved by an MLflow client, not by KServe: use the download URI instead.
     */
    readonly storageUri: string;
    /** HPA lower bound (KServe's raw deployments cannot scale to zero). Default 1 in dev, 2 in prod. */
    readonly minReplicas?: number;
    /** HPA upper bound. Default 2 in dev, 6 in prod. */
    readonly maxReplicas?: number;
    /** Average CPU utilisation (% of the request) the HPA keeps. Default 70. */
    readonly targetCpuUtilization?: number;
    /** Model server container resources; default per environment (see {@link modelDefaults}). */
    readonly resources?: ModelResources;
}

export const modelDefaults: Record<Environment, { minReplicas: number; maxReplicas: number; targetCpuUtilization: number; resources: ModelResources }> = {
    dev: { minReplicas: 1, maxReplicas: 2, targetCpuUtilization: 70, resources: res("100m", "256Mi", "1", "1Gi") },
    prod: { minReplicas: 2, maxReplicas: 6, targetCpuUtilization: 70, resources: res("500m", "1Gi", "2", "2Gi") },
};

/**
 * The documented example: the scikit-learn iris classifier KServe publishes in a public GCS bucket. Its storage
 * initializer downloads it anonymously from storage.googleapis.com, so the cluster needs egress to the internet
 * (on kind: the Docker host's network). Query it with
 * `{"instances": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}` POSTed to its inference URL.
 */
export const exampleModel: InferenceServiceSpec = {
    name: "sklearn-iris",
    modelFormat: "sklearn",
    storageUri: "gs://kfserving-examples/models/sklearn/1.0/model",
};

/** A model with every default filled in. */
export interface ResolvedModel {
    readonly name: string;
    readonly namespace: string;
    readonly modelFormat: ModelFormat;
    readonly runtime: string;
    readonly protocolVersion: ProtocolVersion;
    readonly storageUri: string;
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly targetCpuUtilization: number;
    readonly resources: ModelResources;
}

const MLFLOW_ARTIFACTS = "mlflow-artifacts:";
const SUPPORTED_SCHEMES = ["s3://", "gs://", "https://", "http://", "hf://", "pvc://", "oci://", "hdfs://", "webhdfs://"];

/** Whether a storage URI points into MLflow's artifacts (and so needs the artifacts bucket). */
export function isMlflowArtifact(uri: string): boolean {
    return uri.startsWith(MLFLOW_ARTIFACTS);
}

/** Fills defaults and checks every model, reporting all problems at once. */
export function resolveModels(models: readonly InferenceServiceSpec[], environment: Environment, defaultNamespace: string): ResolvedModel[] {
    const d = modelDefaults[environment];
    const problems: string[] = [];
    const seen = new Set<string>();
    const resolved = models.map((m, i) => {
        const where = `models[${i}] (${m.name})`;
        if (!/^[a-z]([-a-z0-9]{0,43}[a-z0-9])?$/.test(m.name)) {
            problems.push(`${where}: name must be 1-45 lowercase letters, digits or hyphens, starting with a letter`);
        }
        if (seen.has(m.name)) problems.push(`${where}: duplicate name (names key the inference URLs, so they are unique across namespaces)`);
        seen.add(m.name);
        if (!(m.modelFormat in formatDefaults)) problems.push(`${where}: unknown modelFormat "${m.modelFormat}"`);
        const fd = formatDefaults[m.modelFormat] ?? formatDefaults.sklearn;
        const r: ResolvedModel = {
            name: m.name,
            namespace: m.namespace ?? defaultNamespace,
            modelFormat: m.modelFormat,
            runtime: m.runtime ?? fd.runtime,
            protocolVersion: m.protocolVersion ?? fd.protocol,
            storageUri: m.storageUri,
            minReplicas: m.minReplicas ?? d.minReplicas,
            maxReplicas: m.maxReplicas ?? Math.max(d.maxReplicas, m.minReplicas ?? d.minReplicas),
            targetCpuUtilization: m.targetCpuUtilization ?? d.targetCpuUtilization,
            resources: m.resources ?? d.resources,
        };
        if (!Number.isInteger(r.minReplicas) || r.minReplicas < 1) problems.push(`${where}: minReplicas must be a whole number >= 1 (HPA does not scale to zero)`);
        if (!Number.isInteger(r.maxReplicas) || r.maxReplicas < r.minReplicas) problems.push(`${where}: maxReplicas must be a whole number >= minReplicas (${r.minReplicas})`);
        if (!Number.isInteger(r.targetCpuUtilization) || r.targetCpuUtilization < 1 || r.targetCpuUtilization > 100) {
            problems.push(`${where}: targetCpuUtilization must be a whole percentage from 1 to 100`);
        }
        const uriProblem = checkStorageUri(m.storageUri);
        if (uriProblem) problems.push(`${where}: ${uriProblem}`);
        return r;
    });
    if (problems.length) throw new Error(`Serving: invalid models:\n  - ${problems.join("\n  - ")}`);
    return resolved;
}

function checkStorageUri(uri: string): string | undefined {
    if (uri.startsWith("models:/") || uri.startsWith("runs:/")) {
        return (
            `storageUri "${uri}" is resolved by an MLflow client, not by KServe's storage initializer; use the version's ` +
            `storage location instead: MlflowClient().get_model_version_download_uri(name, version), e.g. mlflow-artifacts:/1/models/m-.../artifacts`
        );
    }
    if (isMlflowArtifact(uri)) return mlflowArtifactPath(uri) ? undefined : `storageUri "${uri}" names no path inside MLflow's artifacts`;
    if (!SUPPORTED_SCHEMES.some((s) => uri.startsWith(s))) {
        return `storageUri "${uri}" has a scheme KServe's storage initializer does not read (expected mlflow-artifacts:/, ${SUPPORTED_SCHEMES.join(", ")})`;
    }
    return undefined;
}

/** The path inside the artifacts root of `mlflow-artifacts:/p`, `mlflow-artifacts:///p` or `mlflow-artifacts://host:port/p`. */
export function mlflowArtifactPath(uri: string): string {
    let rest = uri.slice(MLFLOW_ARTIFACTS.length);
    if (rest.startsWith("//")) rest = rest.slice(2).replace(/^[^/]*/, "");
    return rest.replace(/^\/+/, "").replace(/\/+$/, "");
}

/**
 * The URI KServe's storage initializer reads for a model. `mlflow-artifacts:/<path>` maps to `<path>` under the
 * MLflow artifacts bucket, in the scheme the initializer understands for the store (ADLS: the Blob endpoint).
 */
export function resolveStorageUri(uri: string, store: { flavor: ObjectStoreFlavor; mlflowBucket?: string; accountName?: string }): string {
    if (!isMlflowArtifact(uri)) return uri;
    if (!store.mlflowBucket) throw new Error(`storageUri "${uri}": the object store has no MLflow artifacts bucket`);
    const path = mlflowArtifactPath(uri);
    switch (store.flavor) {
        case "minio":
            return `s3://${store.mlflowBucket}/${path}`;
        case "gcs":
            return `gs://${store.mlflowBucket}/${path}`;
        case "adls":
            if (!store.accountName) throw new Error(`storageUri "${uri}": the adls object store has no accountName`);
            return `https://${store.accountName}.blob.core.windows.net/${store.mlflowBucket}/${path}`;
    }
}

/** The predict endpoint of a model inside the cluster (KServe raw deployments serve on the `<name>-predictor` Service). */
export function inferenceUrl(model: Pick<ResolvedModel, "name" | "namespace" | "protocolVersion">, clusterDomain: string): string {
    const base = `http://${model.name}-predictor.${model.namespace}.svc.${clusterDomain}`;
    return model.protocolVersion === "v2" ? `${base}/v2/models/${model.name}/infer` : `${base}/v1/models/${model.name}:predict`;
}

/** Labels KServe puts on a model's predictor pods. */
export const predictorSelector = (name: string) => ({ "serving.kserve.io/inferenceservice": name, component: "predictor" });

/**
 * The InferenceService: raw Kubernetes Deployment (KServe's `Standard` mode, formerly `RawDeployment`), HPA on CPU
 * between the model's bounds, cluster-local only, run as the namespace's model ServiceAccount.
 */
export function inferenceServiceManifest(args: {
    readonly model: ResolvedModel;
    readonly environment: Environment;
    /** The resolved storage URI (see {@link resolveStorageUri}). */
    readonly storageUri: pulumi.Input<string>;
    readonly serviceAccountName: string;
    /** Pod labels the object store's identity needs (AKS workload identity). */
    readonly podLabels: Record<string, string>;
    /** Environment of the model server (the feature server's URL). Default none. */
    readonly env?: readonly { readonly name: string; readonly value: string }[];
    /**
     * KServe's payload logger (v0.20.0 `LoggerSpec`): the agent sidecar posts each request and response as a
     * CloudEvent to `url`. Default none.
     */
    readonly logger?: { readonly url: string; readonly mode: "all" | "request" | "response" };
}) {
    const m = args.model;
    const spread = (topologyKey: string) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: predictorSelector(m.name) },
    });
    return {
        apiVersion: "serving.kserve.io/v1beta1",
        kind: "InferenceService",
        metadata: {
            name: m.name,
            namespace: m.namespace,
            labels: {
                ...platformLabels("serving"),
                // No Ingress: models are reached in-cluster; exposing one is the platform ingress's decision.
                "networking.kserve.io/visibility": "cluster-local",
            },
            annotations: {
                "serving.kserve.io/deploymentMode": "Standard",
                "serving.kserve.io/autoscalerClass": "hpa",
            },
        },
        spec: {
            predictor: {
                serviceAccountName: args.serviceAccountName,
                minReplicas: m.minReplicas,
                maxReplicas: m.maxReplicas,
                autoScaling: {
                    metrics: [
                        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: m.targetCpuUtilization } } },
                    ],
                },
                // Surge first: a rollout never drops below the current replicas.
                deploymentStrategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
                labels: { ...platformLabels("serving"), ...args.podLabels },
                securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                ...(args.logger ? { logger: { url: args.logger.url, mode: args.logger.mode } } : {}),
                ...(args.environment === "prod"
                    ? { topologySpreadConstraints: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")] }
                    : {}),
                model: {
                    modelFormat: { name: m.modelFormat },
                    runtime: m.runtime,
                    protocolVersion: m.protocolVersion,
                    storageUri: args.storageUri,
                    resources: m.resources,
                    ...(args.env?.length ? { env: args.env } : {}),
                    // Model servers write caches and compiled code next to their install; the root stays writable.
                    securityContext: {
                        allowPrivilegeEscalation: false,
                        privileged: false,
                        runAsNonRoot: true,
                        capabilities: { drop: ["ALL"] },
                    },
                },
            },
        },
    };
}
