import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    cpuMillis,
    defaultSizing,
    HEAP_FRACTION,
    jvmHeapMiB,
    JVM_NON_HEAP_MIB,
    memoryMiB,
    resolveSizing,
    trinoNodeMemory,
    trinoQueryMaxMemory,
} from "../../components/lakehouse/sizing";

const mb = (s: string) => Number(/^(\d+)M[B]?$/.exec(s)![1]);

describe("lakehouse: JVM sizing", () => {
    it("derives the heap from the container memory limit: 80%, but always 640Mi non-heap, and at least 50%", () => {
        assert.deepEqual(HEAP_FRACTION, { min: 0.5, max: 0.8 });
        assert.equal(JVM_NON_HEAP_MIB, 640);
        assert.equal(jvmHeapMiB("512Mi"), 256); // 50% floor
        assert.equal(jvmHeapMiB("1536Mi"), 896); // limit - 640
        assert.equal(jvmHeapMiB("2Gi"), 1408); // limit - 640
        assert.equal(jvmHeapMiB("8Gi"), 6553); // 80%
        assert.equal(jvmHeapMiB("12Gi"), 9830); // 80%
        for (let limit = 512; limit <= 65536; limit += 256) {
            const heap = jvmHeapMiB(`${limit}Mi`);
            assert.ok(heap >= limit * 0.5 && heap <= limit * 0.8, `${limit}Mi -> ${heap}`);
            assert.ok(limit - heap >= Math.min(JVM_NON_HEAP_MIB, limit * 0.5), `${limit}Mi leaves ${limit - heap}Mi non-heap`);
        }
    });

    it("parses only the quantities it can do exact arithmetic on", () => {
        assert.equal(memoryMiB("2Gi"), 2048);
        assert.equal(memoryMiB("1.5Gi"), 1536);
        assert.throws(() => memoryMiB("2G"), /must be a whole quantity in Mi or Gi/);
        assert.throws(() => memoryMiB("1.3Mi"), /whole number of MiB/);
        assert.equal(cpuMillis("250m"), 250);
        assert.equal(cpuMillis("1.5"), 1500);
        assert.throws(() => cpuMillis("two"), /cores/);
    });

    it("keeps Trino's per-node query memory plus headroom within the heap, for every default node", () => {
        for (const env of ["dev", "prod"] as const) {
            const s = defaultSizing(env);
            for (const node of [s.coordinator, s.workers.resources]) {
                const heap = jvmHeapMiB(node.memory);
                const m = trinoNodeMemory(heap);
                assert.equal(mb(m.maxHeapSize), heap);
                assert.ok(mb(m.maxMemoryPerNode) + mb(m.heapHeadroomPerNode) <= heap, `${env}: ${JSON.stringify(m)} vs heap ${heap}`);
                assert.ok(mb(m.maxMemoryPerNode) > 0);
            }
        }
        assert.deepEqual(trinoNodeMemory(896), { maxHeapSize: "896M", heapHeadroomPerNode: "269MB", maxMemoryPerNode: "537MB" });
    });

    it("caps one query at its per-node share on every node of the largest cluster", () => {
        assert.equal(trinoQueryMaxMemory(defaultSizing("dev")), "345MB"); // the coordinator alone
        assert.equal(trinoQueryMaxMemory(defaultSizing("prod")), `${Math.floor(9830 * 0.6) * 10}MB`); // 10 workers of 12Gi
    });
});

describe("lakehouse: sizing per environment", () => {
    it("dev: one metastore, a coordinator that does the work, no workers", () => {
        const s = defaultSizing("dev");
        assert.equal(s.metastore.replicas, 1);
        assert.equal(s.workers.minReplicas, 0);
        assert.equal(s.workers.maxReplicas, 0);
    });

    it("prod: two metastores, 2-10 workers autoscaled on CPU, termination grace covering the drain", () => {
        const s = defaultSizing("prod");
        assert.equal(s.metastore.replicas, 2);
        assert.ok(s.workers.minReplicas >= 2);
        assert.ok(s.workers.maxReplicas > s.workers.minReplicas);
        assert.ok(s.workerTerminationGraceSeconds >= 2 * s.shutdownGraceSeconds);
    });

    it("dev stays small: the lakehouse's long-running pods request at most 0.5 vCPU and 2 GiB", () => {
        const s = defaultSizing("dev");
        const cpu = cpuMillis(s.metastore.resources.cpuRequest) * s.metastore.replicas + cpuMillis(s.coordinator.cpuRequest);
        const mem = memoryMiB(s.metastore.resources.memory) * s.metastore.replicas + memoryMiB(s.coordinator.memory);
        assert.ok(cpu <= 500, `${cpu}m`);
        assert.ok(mem <= 2048, `${mem}Mi`);
    });

    it("merges overrides field by field and validates the result", () => {
        const s = resolveSizing("prod", { workers: { maxReplicas: 20, resources: { memory: "24Gi" } }, metastore: { replicas: 3 } });
        assert.equal(s.workers.maxReplicas, 20);
        assert.equal(s.workers.minReplicas, defaultSizing("prod").workers.minReplicas);
        assert.equal(s.workers.resources.memory, "24Gi");
        assert.equal(s.workers.resources.cpuRequest, defaultSizing("prod").workers.resources.cpuRequest);
        assert.equal(s.metastore.replicas, 3);
        assert.deepEqual(resolveSizing("dev"), defaultSizing("dev"));
    });

    it("rejects sizings the chart, Kubernetes or the JVM would reject later", () => {
        assert.throws(() => resolveSizing("prod", { coordinator: { cpuRequest: "8", cpuLimit: "4" } }), /sizing\.coordinator\.cpuRequest \(8\) exceeds cpuLimit \(4\)/);
        assert.throws(() => resolveSizing("dev", { coordinator: { memory: "256Mi" } }), /at least 512Mi/);
        assert.throws(() => resolveSizing("prod", { workers: { minReplicas: 5, maxReplicas: 3 } }), /minReplicas <= maxReplicas/);
        assert.throws(() => resolveSizing("dev", { workers: { maxReplicas: 3 } }), /cannot scale from zero/);
        assert.throws(() => resolveSizing("prod", { shutdownGraceSeconds: 600 }), /at least 2 x shutdownGraceSeconds/);
        assert.throws(() => resolveSizing("prod", { metastore: { replicas: 0 } }), /metastore\.replicas must be at least 1/);
    });
});
