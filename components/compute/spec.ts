/**
 * Pure builders of the compute component: chart values of both operators, the RayCluster spec, sizing per
 * environment and the pod security both workloads run with. Plain data in, manifests out; no Pulumi.
 * RayCluster fields checked against ray-project/kuberay v1.7.0 `ray-operator/apis/ray/v1/raycluster_types.go`
 * and its CRD (helm-chart/kuberay-operator/crds/ray.io_rayclusters.yaml).
 */
import type { KuberayOperatorValues } from "../charts/kuberayOperator";
import type { Resources } from "../charts/kubernetes";
import { containerResources as res } from "../common/kubernetes";
import type { SparkOperatorValues } from "../charts/sparkOperator";

export type Environment = "dev" | "prod";

export const SPARK_OPERATOR_RELEASE = "spark-operator";
export const KUBERAY_RELEASE = "kuberay-operator";
/** The webhook's container port (the chart's Service maps 443 to it). */
export const SPARK_WEBHOOK_PORT = 9443;
export const SPARK_OPERATOR_METRICS_PORT = 8080;
export const KUBERAY_METRICS_PORT = 8080;
export const SPARK_HISTORY_PORT = 18080;
export const RAY_DASHBOARD_PORT = 8265;
export const RAY_METRICS_PORT = 8080;
export const RAY_CLIENT_PORT = 10001;
export const RAY_GCS_PORT = 6379;
/** The ServiceAccount Spark drivers run as (executors too), in the jobs namespace. */
export const SPARK_SERVICE_ACCOUNT = "spark";
export const RAY_SERVICE_ACCOUNT = "ray";
export const HISTORY_SERVICE_ACCOUNT = "spark-history";
export const HISTORY_NAME = "spark-history";
export const RAY_CLUSTER_NAME = "ray";

export const sparkOperatorPods = (component: "controller" | "webhook") => ({
    "app.kubernetes.io/name": "spark-operator",
    "app.kubernetes.io/instance": SPARK_OPERATOR_RELEASE,
    "app.kubernetes.io/component": component,
});
export const kuberayPods = { "app.kubernetes.io/name": "kuberay-operator", "app.kubernetes.io/instance": KUBERAY_RELEASE };
/** Labels KubeRay puts on every pod of a cluster (`ray.io/cluster`, `ray.io/node-type`). */
export const rayHeadPods = { "ray.io/cluster": RAY_CLUSTER_NAME, "ray.io/node-type": "head" };
export const historyPods = { "app.kubernetes.io/name": HISTORY_NAME };

/** Restricted Pod Security: every image here runs as a fixed non-root user (Spark 185, Ray 1000, operators 65532). */
export const restrictedContainer = {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};
export const podSecurity = (uid: number) => ({ runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: "RuntimeDefault" } });
export const SPARK_UID = 185;
export const RAY_UID = 1000;

export interface WorkerGroupSizing {
    readonly min: number;
    readonly max: number;
    readonly cpu: string;
    readonly memory: string;
}

export interface ComputeSizing {
    readonly operator: Resources;
    readonly historyServer: Resources;
    readonly rayHead: Resources;
    readonly rayWorkers: WorkerGroupSizing;
    readonly rayGpuWorkers: WorkerGroupSizing & { readonly gpus: number };
}

export const computeSizing: Record<Environment, ComputeSizing> = {
    // dev: the operators idle; a Ray cluster, when switched on, starts with its head only.
    dev: {
        operator: res("10m", "32Mi", "200m", "256Mi"),
        historyServer: res("50m", "512Mi", "500m", "1Gi"),
        rayHead: res("250m", "1Gi", "1", "2Gi"),
        rayWorkers: { min: 0, max: 2, cpu: "1", memory: "2Gi" },
        rayGpuWorkers: { min: 0, max: 1, cpu: "4", memory: "16Gi", gpus: 1 },
    },
    prod: {
        operator: res("100m", "128Mi", "1", "512Mi"),
        historyServer: res("250m", "2Gi", "1", "2Gi"),
        // The head schedules no tasks (num-cpus 0): GCS, dashboard and autoscaler only.
        rayHead: res("1", "4Gi", "2", "4Gi"),
        rayWorkers: { min: 1, max: 10, cpu: "4", memory: "16Gi" },
        rayGpuWorkers: { min: 0, max: 4, cpu: "8", memory: "32Gi", gpus: 1 },
    },
};

/**
 * Labels the charts may add to their pods: not the name/instance/component keys, which the charts' own selectors use
 * (a later duplicate key in the template would replace the chart's value, and the Deployment's selector would no
 * longer match its pods). Rendering spark-operator 2.5.2 with `app.kubernetes.io/component: compute` showed it.
 */
export function chartPodLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
    const chartOwned = ["app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component"];
    return Object.fromEntries(Object.entries(labels).filter(([key]) => !chartOwned.includes(key)));
}

export function sparkOperatorValues(args: { environment: Environment; image: { registry: string; repository: string; tag: string }; jobNamespace: string; labels: Record<string, string>; resources: Resources }): SparkOperatorValues {
    const prod = args.environment === "prod";
    const part = {
        replicas: prod ? 2 : 1,
        leaderElection: { enable: true },
        labels: chartPodLabels(args.labels),
        podSecurityContext: { runAsNonRoot: true, fsGroup: SPARK_UID, seccompProfile: { type: "RuntimeDefault" } },
        securityContext: { ...restrictedContainer, readOnlyRootFilesystem: true, privileged: false },
        resources: args.resources,
        podDisruptionBudget: { enable: prod, minAvailable: 1 },
    };
    return {
        image: { registry: args.image.registry, repository: args.image.repository, tag: args.image.tag, pullPolicy: "IfNotPresent" },
        // Pulumi's Release installs the chart's crds/ itself; no kubectl hook Job with its own image.
        hook: { upgradeCrd: false },
        controller: { ...part, uiService: { enable: true }, uiIngress: { enable: false } },
        webhook: { ...part, enable: true, port: SPARK_WEBHOOK_PORT, failurePolicy: "Fail", timeoutSeconds: 10 },
        // The component creates the Spark ServiceAccount (with its object-store identity) and Role itself.
        spark: { jobNamespaces: [args.jobNamespace], serviceAccount: { create: false, name: SPARK_SERVICE_ACCOUNT }, rbac: { create: false } },
        prometheus: { metrics: { enable: true, port: SPARK_OPERATOR_METRICS_PORT, portName: "metrics", endpoint: "/metrics" }, podMonitor: { create: false } },
        certManager: { enable: false },
    };
}

export function kuberayValues(args: { environment: Environment; image: string; jobNamespace: string; labels: Record<string, string>; resources: Resources }): KuberayOperatorValues {
    const [repository, tag] = [args.image.slice(0, args.image.lastIndexOf(":")), args.image.slice(args.image.lastIndexOf(":") + 1)];
    return {
        // One active operator (the chart's strategy is Recreate); the operator pod is not on any data path.
        replicas: 1,
        image: { repository, tag, pullPolicy: "IfNotPresent" },
        labels: chartPodLabels(args.labels),
        metrics: { enabled: true, serviceMonitor: { enabled: false } },
        leaderElectionEnabled: true,
        rbacEnable: true,
        // Namespaced RBAC in the jobs namespace only: the operator watches nothing else.
        singleNamespaceInstall: true,
        crNamespacedRbacEnable: true,
        watchNamespace: [args.jobNamespace],
        resources: args.resources,
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        securityContext: { ...restrictedContainer, readOnlyRootFilesystem: true },
    };
}

export interface RayClusterInput {
    readonly image: string;
    readonly rayVersion: string;
    readonly sizing: ComputeSizing;
    /** The cluster's GPU pool, when it has one: a GPU worker group that schedules onto it. */
    readonly gpuPool?: { readonly gpus: number };
    /** Secrets with the environment of every Ray container (MLflow's client Secret, MinIO keys). */
    readonly envFromSecrets: readonly string[];
    /** Pod labels of the object-store identity (AKS). */
    readonly podLabels: Record<string, string>;
    readonly labels: Record<string, string>;
}

const container = (name: string, image: string, resources: Resources, envFrom: readonly string[], ports: { name: string; containerPort: number }[]) => ({
    name,
    image,
    imagePullPolicy: "IfNotPresent",
    resources,
    envFrom: envFrom.map((name) => ({ secretRef: { name } })),
    ports,
    securityContext: restrictedContainer,
});

function workerGroup(groupName: string, input: RayClusterInput, size: WorkerGroupSizing, gpus?: number) {
    const resources = {
        requests: { cpu: size.cpu, memory: size.memory, ...(gpus ? { "nvidia.com/gpu": String(gpus) } : {}) },
        limits: { cpu: size.cpu, memory: size.memory, ...(gpus ? { "nvidia.com/gpu": String(gpus) } : {}) },
    };
    return {
        groupName,
        replicas: size.min,
        minReplicas: size.min,
        maxReplicas: size.max,
        rayStartParams: {},
        template: {
            metadata: { labels: { ...input.labels, ...input.podLabels } },
            spec: {
                serviceAccountName: RAY_SERVICE_ACCOUNT,
                securityContext: podSecurity(RAY_UID),
                containers: [container("ray-worker", input.image, resources, input.envFromSecrets, [])],
                // The cluster's GPU pool is labelled and tainted so only GPU work lands there (components/cluster).
                ...(gpus ? { nodeSelector: { "ml-platform/pool": "gpu" }, tolerations: [{ key: "nvidia.com/gpu", operator: "Equal", value: "present", effect: "NoSchedule" }] } : {}),
            },
        },
    };
}

/** The RayCluster `spec`: a head that runs no tasks, an autoscaled CPU group, and a GPU group only with a GPU pool. */
export function rayClusterSpec(input: RayClusterInput) {
    const s = input.sizing;
    return {
        rayVersion: input.rayVersion,
        enableInTreeAutoscaling: true,
        autoscalerOptions: {
            version: "v2",
            upscalingMode: "Default",
            idleTimeoutSeconds: 300,
            resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
            securityContext: restrictedContainer,
        },
        headGroupSpec: {
            // num-cpus 0: tasks never land on the head, so it stays responsive; the dashboard for the ingress and RayJobs.
            rayStartParams: { "num-cpus": "0", "dashboard-host": "0.0.0.0", "metrics-export-port": String(RAY_METRICS_PORT) },
            template: {
                metadata: { labels: { ...input.labels, ...input.podLabels } },
                spec: {
                    serviceAccountName: RAY_SERVICE_ACCOUNT,
                    securityContext: podSecurity(RAY_UID),
                    containers: [
                        container("ray-head", input.image, s.rayHead, input.envFromSecrets, [
                            { name: "gcs", containerPort: RAY_GCS_PORT },
                            { name: "dashboard", containerPort: RAY_DASHBOARD_PORT },
                            { name: "client", containerPort: RAY_CLIENT_PORT },
                            { name: "metrics", containerPort: RAY_METRICS_PORT },
                        ]),
                    ],
                },
            },
        },
        workerGroupSpecs: [
            workerGroup("cpu", input, s.rayWorkers),
            ...(input.gpuPool ? [workerGroup("gpu", input, s.rayGpuWorkers, input.gpuPool.gpus)] : []),
        ],
    };
}

/**
 * A SparkApplication template (`sparkoperator.k8s.io/v1beta2`, fields checked against the v2.5.2 CRD) that runs
 * with the platform's defaults: DAGs and users copy it and set `mainApplicationFile`. The defaults reach the job
 * through `sparkConfigMap` (the operator mounts it as SPARK_CONF_DIR).
 */
export type SparkApplicationTemplate = ReturnType<typeof sparkApplicationTemplate>;

export function sparkApplicationTemplate(args: { namespace: string; image: string; configMap: string; envFromSecrets: readonly string[]; podLabels: Record<string, string> }) {
    const pod = (cores: number, memory: string) => ({
        cores,
        memory,
        serviceAccount: SPARK_SERVICE_ACCOUNT,
        labels: args.podLabels,
        envFrom: args.envFromSecrets.map((name) => ({ secretRef: { name } })),
        podSecurityContext: podSecurity(SPARK_UID),
        securityContext: restrictedContainer,
    });
    return {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "SparkApplication",
        metadata: { namespace: args.namespace },
        spec: {
            type: "Python",
            mode: "cluster",
            image: args.image,
            sparkVersion: "4.0.4",
            sparkConfigMap: args.configMap,
            restartPolicy: { type: "Never" },
            driver: pod(1, "1g"),
            executor: { ...pod(1, "2g"), instances: 1 },
            dynamicAllocation: { enabled: true, initialExecutors: 0, minExecutors: 0, maxExecutors: 10 },
        },
    };
}
