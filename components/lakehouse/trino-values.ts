/**
 * Values for the official Trino chart (`charts.trino`, trinodb/charts 1.42.2), as a pure function of plain
 * data. Nothing secret is ever a value: storage keys reach the pods through `envFrom` a Secret by name, and
 * the catalogs reference them as `${ENV:...}`.
 */
import type { TrinoValues } from "../charts/trino";
import { containerSecurityContext, jvmResources, podSecurityContext } from "./pods";
import { jvmHeapMiB, JvmResources, LakehouseSizing, trinoNodeMemory, trinoQueryMaxMemory } from "./sizing";

/** Release name and `fullnameOverride`: the coordinator Service is `trino`. */
export const TRINO_RELEASE = "trino";
export const TRINO_HTTP_PORT = 8080;
/** The ServiceAccount the chart creates for coordinator and workers (the storage grant binds to it). */
export const TRINO_SERVICE_ACCOUNT = "trino";

/** Labels the chart puts on every Trino pod (coordinator and workers). */
export const trinoSelector = { "app.kubernetes.io/name": "trino", "app.kubernetes.io/instance": TRINO_RELEASE } as const;

/** Labels the chart puts on worker pods; the PDB and the spread constraints select them. */
export const trinoWorkerSelector = {
    "app.kubernetes.io/name": "trino",
    "app.kubernetes.io/instance": TRINO_RELEASE,
    "app.kubernetes.io/component": "worker",
} as const;

export interface TrinoValuesInput {
    readonly environment: "dev" | "prod";
    readonly sizing: LakehouseSizing;
    /** Full image reference (already mirrored). */
    readonly image: string;
    /** Catalog file name to body (`trinoCatalogs`). */
    readonly catalogs: Record<string, string>;
    /** Workload identity annotations for the ServiceAccount. */
    readonly serviceAccountAnnotations: Record<string, string>;
    /** Workload identity labels for every Trino pod. */
    readonly podLabels: Record<string, string>;
    /** Secret with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (MinIO only). */
    readonly credentialsSecret?: string;
}

function jvmSettings(r: JvmResources) {
    const mem = trinoNodeMemory(jvmHeapMiB(r.memory));
    return {
        jvm: { maxHeapSize: mem.maxHeapSize },
        memory: { heapHeadroomPerNode: mem.heapHeadroomPerNode },
        query: { maxMemoryPerNode: mem.maxMemoryPerNode },
    };
}

// The read-only root file system leaves Trino two writable places: its data dir and /tmp.
const volumes = [
    { name: "data", emptyDir: { sizeLimit: "2Gi" } },
    { name: "tmp", emptyDir: { sizeLimit: "2Gi" } },
];
const volumeMounts = [
    { name: "data", mountPath: "/data/trino" },
    { name: "tmp", mountPath: "/tmp" },
];

/**
 * The chart adds these JDK-8329528 flags only for its own default image reference; with a pinned (possibly
 * mirrored) reference it skips them, so they are passed explicitly.
 */
const jvmWorkaround = ["-XX:+UnlockDiagnosticVMOptions", "-XX:G1NumCollectionsKeepPinned=10000000"];

export function trinoValues(input: TrinoValuesInput): TrinoValues {
    const { sizing } = input;
    const hasWorkers = sizing.workers.minReplicas > 0;
    const coordinator = jvmSettings(sizing.coordinator);
    const worker = jvmSettings(sizing.workers.resources);
    const spread =
        input.environment === "prod"
            ? ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
                  maxSkew: 1,
                  topologyKey,
                  // Workers autoscale: never leave a pod Pending because one zone is momentarily full.
                  whenUnsatisfiable: "ScheduleAnyway",
                  labelSelector: { matchLabels: { ...trinoWorkerSelector } },
              }))
            : [];

    return {
        fullnameOverride: TRINO_RELEASE,
        image: { repository: input.image, useRepositoryAsSoleImageReference: true, pullPolicy: "IfNotPresent" },
        server: {
            workers: sizing.workers.minReplicas,
            node: { environment: input.environment },
            config: { query: { maxMemory: trinoQueryMaxMemory(sizing) } },
            autoscaling: hasWorkers
                ? {
                      enabled: true,
                      maxReplicas: sizing.workers.maxReplicas,
                      targetCPUUtilizationPercentage: sizing.workers.targetCpuUtilization,
                      // A JVM never returns heap: memory utilisation would only ever scale up. 0 drops the metric.
                      targetMemoryUtilizationPercentage: 0,
                      behavior: {
                          scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: "Pods", value: 2, periodSeconds: 60 }] },
                          // Each removed worker drains its tasks first: remove them one at a time, slowly.
                          scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: "Pods", value: 1, periodSeconds: 300 }] },
                      },
                  }
                : { enabled: false },
        },
        catalogs: input.catalogs,
        serviceAccount: { create: true, name: TRINO_SERVICE_ACCOUNT, annotations: input.serviceAccountAnnotations },
        service: { type: "ClusterIP", port: TRINO_HTTP_PORT },
        // Behind Traefik every request carries X-Forwarded-*; Trino answers 406 to those unless told to process them.
        additionalConfigProperties: ["http-server.process-forwarded=true"],
        commonLabels: { "app.kubernetes.io/part-of": "ml-platform" },
        envFrom: input.credentialsSecret ? [{ secretRef: { name: input.credentialsSecret } }] : [],
        securityContext: podSecurityContext,
        containerSecurityContext,
        coordinator: {
            jvm: coordinator.jvm,
            additionalJVMConfig: jvmWorkaround,
            config: {
                memory: coordinator.memory,
                // Without workers the coordinator runs the splits itself.
                nodeScheduler: { includeCoordinator: !hasWorkers },
                query: coordinator.query,
            },
            resources: jvmResources(sizing.coordinator),
            labels: input.podLabels,
            additionalVolumes: volumes,
            additionalVolumeMounts: volumeMounts,
        },
        worker: {
            jvm: worker.jvm,
            additionalJVMConfig: jvmWorkaround,
            config: { memory: worker.memory, query: worker.query },
            resources: jvmResources(sizing.workers.resources),
            labels: input.podLabels,
            additionalVolumes: volumes,
            additionalVolumeMounts: volumeMounts,
            // preStop PUTs SHUTTING_DOWN to /v1/info/state and waits for the worker to finish its tasks and exit.
            gracefulShutdown: { enabled: hasWorkers, gracePeriodSeconds: sizing.shutdownGraceSeconds },
            terminationGracePeriodSeconds: sizing.workerTerminationGraceSeconds,
            topologySpreadConstraints: spread,
        },
    };
}
