/**
 * Pure Helm values and chart sources for KServe (CRDs, controller, serving runtimes) and metrics-server.
 * Images the charts pull are pinned by the chart versions; with a mirror, their registries are rewritten.
 */
import { imageRef, images, Mirror } from "../versions";
import { containerResources as res } from "../common/kubernetes";
import type { KserveResourcesValues, ServingRuntimeKey, KserveRuntimeConfigsValues } from "../charts/kserve";
import type { MetricsServerValues } from "../charts/metricsServer";

type Environment = "dev" | "prod";

/**
 * An image repository as a chart takes it (`kserve/sklearnserver`, `docker.io/seldonio/mlserver`), moved to the
 * mirror registry when there is one; the registry host, if the reference names one, is replaced.
 */
export function mirroredImageRepository(repository: string, mirror?: Mirror): string {
    if (!mirror?.imageRegistry) return repository;
    const [first, ...rest] = repository.split("/");
    const hasRegistry = rest.length > 0 && (first.includes(".") || first.includes(":") || first === "localhost");
    return `${mirror.imageRegistry.replace(/\/+$/, "")}/${hasRegistry ? rest.join("/") : repository}`;
}

/** Controller sizes: the chart asks 100m/300Mi for each of its two containers, more than a laptop should spend. */
export const kserveControllerSizing: Record<Environment, { manager: ReturnType<typeof res>; rbacProxy: ReturnType<typeof res> }> = {
    dev: { manager: res("50m", "128Mi", "500m", "384Mi"), rbacProxy: res("5m", "16Mi", "100m", "64Mi") },
    prod: { manager: res("100m", "300Mi", "1", "1Gi"), rbacProxy: res("10m", "32Mi", "200m", "128Mi") },
};

/**
 * What KServe v0.20.0 gives the agent sidecar it injects into a predictor that logs (`spec.predictor.logger`). The
 * chart writes these into its `inferenceservice-config` ConfigMap as fixed text (`files/common/configmap-patch.yaml`,
 * key `agent`), not from values, so they are stated here for the footprint rather than set.
 */
export const KSERVE_AGENT_RESOURCES = { requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "1", memory: "1Gi" } } as const;

/**
 * kserve-resources values: raw Kubernetes deployments (`Standard`, the v0.20 name of `RawDeployment`; no Knative or
 * Istio), no Ingress per model (models are cluster-local; the platform ingress exposes what it chooses), webhook
 * certificates from cert-manager, and Prometheus scrape annotations on model pods.
 */
export function kserveValues(environment: Environment, mirror?: Mirror): KserveResourcesValues {
    const size = kserveControllerSizing[environment];
    const image = (repo: string) => (mirror?.imageRegistry ? { image: mirroredImageRepository(repo, mirror) } : {});
    return {
        kserve: {
            controller: {
                deploymentMode: "Standard",
                // Tags are pinned by the chart version; Always would re-pull on every restart.
                imagePullPolicy: "IfNotPresent",
                ...image("kserve/kserve-controller"),
                rbacProxyImage: imageRef(images.kubeRbacProxy, mirror),
                resources: size.manager,
                rbacProxy: { resources: size.rbacProxy },
                gateway: { disableIngressCreation: true },
            },
            storage: { ...image("kserve/storage-initializer") },
            agent: { ...image("kserve/agent") },
            router: { ...image("kserve/router") },
            metricsaggregator: { enablePrometheusScraping: "true" },
        },
    };
}

/** Runtime images by values key, for the mirror. */
const runtimeImages: Partial<Record<ServingRuntimeKey, string>> = {
    sklearnserver: "kserve/sklearnserver",
    xgbserver: "kserve/xgbserver",
    lgbserver: "kserve/lgbserver",
    pmmlserver: "kserve/pmmlserver",
    paddleserver: "kserve/paddleserver",
    predictiveserver: "kserve/predictiveserver",
    autogluonserver: "kserve/autogluonserver",
    huggingfaceserver: "kserve/huggingfaceserver",
    mlserver: "docker.io/seldonio/mlserver",
    tensorflow: "tensorflow/serving",
    tritonserver: "nvcr.io/nvidia/tritonserver",
    torchserve: "pytorch/torchserve-kfs",
};

/**
 * kserve-runtime-configs values: the ClusterServingRuntimes (the chart installs none by default). The vLLM runtime
 * stays disabled: the chart points it at `vllm/vllm-openai:latest`, an unpinned image.
 */
export function kserveRuntimeValues(mirror?: Mirror): KserveRuntimeConfigsValues {
    const mirrored = mirror?.imageRegistry
        ? Object.fromEntries(Object.entries(runtimeImages).map(([key, repo]) => [key, { image: mirroredImageRepository(repo, mirror) }]))
        : {};
    return {
        kserve: {
            servingruntime: { enabled: true, ...mirrored, vllmserver: { disabled: true } },
            llmisvcConfigs: { enabled: false },
        },
    };
}

/**
 * metrics-server for the HPA's CPU metrics where the cluster has none (kind). kind's kubelets serve self-signed
 * certificates, so dev skips their verification; an installation on a real cluster verifies them.
 */
export function metricsServerValues(environment: Environment, mirror?: Mirror): MetricsServerValues {
    const prod = environment === "prod";
    return {
        ...(mirror?.imageRegistry ? { image: { repository: mirroredImageRepository("registry.k8s.io/metrics-server/metrics-server", mirror) } } : {}),
        args: prod ? [] : ["--kubelet-insecure-tls"],
        replicas: prod ? 2 : 1,
        podDisruptionBudget: prod ? { enabled: true, minAvailable: 1 } : { enabled: false },
        resources: prod ? res("50m", "128Mi", "500m", "256Mi") : res("20m", "48Mi", "200m", "128Mi"),
    };
}
