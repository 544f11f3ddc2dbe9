/**
 * Sizes of every lakehouse pod per environment, and the JVM settings derived from them. Pure data and
 * arithmetic: the component and the tests read the same numbers.
 */

/** One container's resources. JVMs get memory request == limit: a JVM never hands heap back, so overcommitted
 * memory would only turn into OOM kills under node pressure. */
export interface JvmResources {
    /** CPU request, e.g. `250m`. */
    readonly cpuRequest: string;
    /** CPU limit, e.g. `2`. */
    readonly cpuLimit: string;
    /** Memory limit (and request, unless `memoryRequest` is set), in `Mi` or `Gi`, e.g. `1536Mi`. The heap is derived from it. */
    readonly memory: string;
    /**
     * Dev only: a lower memory request, so the whole dev platform schedules on a laptop. The JVM still sizes
     * its heap from the limit; on a busy node the pod may then be evicted first, which dev accepts.
     */
    readonly memoryRequest?: string;
}

export interface LakehouseSizing {
    /** Hive Metastore: stateless Thrift servers in front of Postgres. */
    readonly metastore: { readonly replicas: number; readonly resources: JvmResources };
    /** Trino coordinator (always exactly one). */
    readonly coordinator: JvmResources;
    /**
     * Trino workers. `minReplicas: 0` means no worker Deployment: the coordinator also schedules splits
     * (`node-scheduler.include-coordinator=true`), the dev layout. With workers, an HPA scales them on CPU
     * between `minReplicas` and `maxReplicas`.
     */
    readonly workers: {
        readonly minReplicas: number;
        readonly maxReplicas: number;
        readonly resources: JvmResources;
        /** Average CPU utilisation (% of request) the HPA aims for. */
        readonly targetCpuUtilization: number;
    };
    /**
     * Trino `shutdown.grace-period` in seconds: a worker told to shut down waits this long, finishes its running
     * tasks, then waits this long again before exiting.
     */
    readonly shutdownGraceSeconds: number;
    /** Pod termination grace for workers: covers twice the grace period plus the longest task we let finish. */
    readonly workerTerminationGraceSeconds: number;
}

const sizing: Record<"dev" | "prod", LakehouseSizing> = {
    // dev: fits a laptop next to the rest of the platform; one coordinator does all the work.
    dev: {
        // Measured with scripts/measure-jvm-memory.sh under these limits: the metastore held 319-334 MiB RSS after
        // Trino's Thrift calls (request 384Mi covers it).
        metastore: { replicas: 1, resources: { cpuRequest: "100m", cpuLimit: "1", memory: "512Mi", memoryRequest: "384Mi" } },
        // 1152Mi leaves a 576M heap (the 50% floor) for dev's small tables. Measured (same script): 566 MiB RSS idle,
        // 960 after two minutes of queries, as the heap grows to its maximum and stays; the 976Mi request covers that.
        // The measurement loads three plugins where the image loads all of them: the limit leaves 176 MiB for those.
        // (At 1536Mi, with an 896M heap, the coordinator held 1296 MiB after the same load, over its 896Mi request.)
        coordinator: { cpuRequest: "250m", cpuLimit: "2", memory: "1152Mi", memoryRequest: "976Mi" },
        workers: {
            minReplicas: 0,
            maxReplicas: 0,
            resources: { cpuRequest: "250m", cpuLimit: "2", memory: "1536Mi" },
            targetCpuUtilization: 70,
        },
        shutdownGraceSeconds: 30,
        workerTerminationGraceSeconds: 120,
    },
    // prod: sized for 8 vCPU / 32 GiB workload nodes (n2-standard-8, Standard_D8s_v5): two workers per node.
    prod: {
        metastore: { replicas: 2, resources: { cpuRequest: "500m", cpuLimit: "2", memory: "2Gi" } },
        coordinator: { cpuRequest: "1", cpuLimit: "4", memory: "8Gi" },
        workers: {
            minReplicas: 2,
            maxReplicas: 10,
            resources: { cpuRequest: "3", cpuLimit: "6", memory: "12Gi" },
            targetCpuUtilization: 70,
        },
        shutdownGraceSeconds: 120,
        workerTerminationGraceSeconds: 900,
    },
};

/** The default sizing of an environment. */
export function defaultSizing(environment: "dev" | "prod"): LakehouseSizing {
    return sizing[environment];
}

/** A memory quantity in MiB. Accepts the binary suffixes we write (`Mi`, `Gi`). */
export function memoryMiB(quantity: string): number {
    const m = /^(\d+(?:\.\d+)?)(Mi|Gi)$/.exec(quantity);
    if (!m) throw new Error(`lakehouse: memory "${quantity}" must be a whole quantity in Mi or Gi, e.g. "1536Mi" or "8Gi"`);
    const value = Number(m[1]) * (m[2] === "Gi" ? 1024 : 1);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`lakehouse: memory "${quantity}" must be a positive whole number of MiB`);
    return value;
}

/**
 * Heap bounds as fractions of the container memory limit, and the non-heap memory a JVM needs whatever its heap:
 * metaspace for Trino's plugin classloaders or Hive's jars, JIT code cache, thread stacks, direct buffers.
 */
export const HEAP_FRACTION = { min: 0.5, max: 0.8 } as const;
export const JVM_NON_HEAP_MIB = 640;

/**
 * JVM max heap in MiB for a container memory limit: 80% of the limit on large containers, but never leaving
 * less than {@link JVM_NON_HEAP_MIB} for non-heap memory, and never under 50% (a flat percentage would either
 * starve small containers into OOM kills or waste large ones).
 */
export function jvmHeapMiB(memoryLimit: string): number {
    const limit = memoryMiB(memoryLimit);
    return Math.floor(Math.max(limit * HEAP_FRACTION.min, Math.min(limit * HEAP_FRACTION.max, limit - JVM_NON_HEAP_MIB)));
}

/**
 * Trino's memory settings for a node whose heap is `heapMiB`. Trino refuses to start unless
 * `query.max-memory-per-node + memory.heap-headroom-per-node <= heap`: headroom 30% (Trino's own default
 * fraction) and per-query 60% keep 10% slack for rounding and the coordinator's own bookkeeping.
 */
export function trinoNodeMemory(heapMiB: number): { maxHeapSize: string; heapHeadroomPerNode: string; maxMemoryPerNode: string } {
    const headroom = Math.ceil(heapMiB * 0.3);
    const perQuery = Math.floor(heapMiB * 0.6);
    return { maxHeapSize: `${heapMiB}M`, heapHeadroomPerNode: `${headroom}MB`, maxMemoryPerNode: `${perQuery}MB` };
}

/**
 * Cluster-wide `query.max-memory`: one query may use its per-node share on every node that runs tasks at the
 * largest scale (the coordinator alone when there are no workers).
 */
export function trinoQueryMaxMemory(s: LakehouseSizing): string {
    const node = s.workers.maxReplicas > 0 ? s.workers.resources : s.coordinator;
    const perNode = Math.floor(jvmHeapMiB(node.memory) * 0.6);
    return `${perNode * Math.max(1, s.workers.maxReplicas)}MB`;
}

/** CPU quantity in millicores (`250m`, `2`, `1.5`). */
export function cpuMillis(quantity: string): number {
    const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity);
    if (!m) throw new Error(`lakehouse: CPU "${quantity}" must be cores ("2", "1.5") or millicores ("250m")`);
    return m[2] === "m" ? Number(m[1]) : Math.round(Number(m[1]) * 1000);
}

/** Fails fast on a sizing Kubernetes or Trino would reject later, naming the field. */
export function validateSizing(s: LakehouseSizing): void {
    const check = (where: string, r: JvmResources) => {
        memoryMiB(r.memory);
        if (cpuMillis(r.cpuRequest) > cpuMillis(r.cpuLimit)) {
            throw new Error(`lakehouse: sizing.${where}.cpuRequest (${r.cpuRequest}) exceeds cpuLimit (${r.cpuLimit})`);
        }
        if (memoryMiB(r.memory) < 512) throw new Error(`lakehouse: sizing.${where}.memory must be at least 512Mi for a JVM`);
    };
    check("metastore.resources", s.metastore.resources);
    check("coordinator", s.coordinator);
    check("workers.resources", s.workers.resources);
    if (s.metastore.replicas < 1) throw new Error("lakehouse: sizing.metastore.replicas must be at least 1");
    if (s.workers.minReplicas < 0 || s.workers.maxReplicas < s.workers.minReplicas) {
        throw new Error("lakehouse: sizing.workers needs 0 <= minReplicas <= maxReplicas");
    }
    if (s.workers.minReplicas === 0 && s.workers.maxReplicas > 0) {
        throw new Error("lakehouse: sizing.workers.minReplicas must be at least 1 when maxReplicas > 0 (the HPA cannot scale from zero)");
    }
    // The Trino chart refuses a termination grace below twice the shutdown grace period.
    if (s.workerTerminationGraceSeconds < 2 * s.shutdownGraceSeconds) {
        throw new Error("lakehouse: sizing.workerTerminationGraceSeconds must be at least 2 x shutdownGraceSeconds");
    }
}

/** Per-field overrides of {@link LakehouseSizing}; anything left out keeps the environment's default. */
export interface LakehouseSizingOverrides {
    readonly metastore?: { readonly replicas?: number; readonly resources?: Partial<JvmResources> };
    readonly coordinator?: Partial<JvmResources>;
    readonly workers?: Partial<Omit<LakehouseSizing["workers"], "resources">> & { readonly resources?: Partial<JvmResources> };
    readonly shutdownGraceSeconds?: number;
    readonly workerTerminationGraceSeconds?: number;
}

/** The environment's sizing with `overrides` merged in field by field, validated. */
export function resolveSizing(environment: "dev" | "prod", overrides: LakehouseSizingOverrides = {}): LakehouseSizing {
    const d = defaultSizing(environment);
    const s: LakehouseSizing = {
        metastore: {
            replicas: overrides.metastore?.replicas ?? d.metastore.replicas,
            resources: { ...d.metastore.resources, ...overrides.metastore?.resources },
        },
        coordinator: { ...d.coordinator, ...overrides.coordinator },
        workers: {
            ...d.workers,
            ...overrides.workers,
            resources: { ...d.workers.resources, ...overrides.workers?.resources },
        },
        shutdownGraceSeconds: overrides.shutdownGraceSeconds ?? d.shutdownGraceSeconds,
        workerTerminationGraceSeconds: overrides.workerTerminationGraceSeconds ?? d.workerTerminationGraceSeconds,
    };
    validateSizing(s);
    return s;
}
