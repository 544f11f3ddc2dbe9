import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { trinoCatalogs } from "../../components/lakehouse/catalogs";
import { defaultSizing, resolveSizing } from "../../components/lakehouse/sizing";
import { MINIO_REGION } from "../../components/lakehouse/storage";
import { trinoValues, TrinoValuesInput, trinoWorkerSelector } from "../../components/lakehouse/trino-values";
import { FAKE_S3_ENDPOINT } from "./fakes";

const catalogs = trinoCatalogs({ storage: { flavor: "minio", s3Endpoint: FAKE_S3_ENDPOINT, region: MINIO_REGION }, metastoreUri: "thrift://hms:9083" });
const base: TrinoValuesInput = {
    environment: "dev",
    sizing: defaultSizing("dev"),
    image: "docker.io/trinodb/trino:483",
    catalogs,
    serviceAccountAnnotations: {},
    podLabels: {},
    credentialsSecret: "trino-s3",
};
const dev: any = trinoValues(base);
const prod: any = trinoValues({
    ...base,
    environment: "prod",
    sizing: defaultSizing("prod"),
    credentialsSecret: undefined,
    serviceAccountAnnotations: { "azure.workload.identity/client-id": "abc" },
    podLabels: { "azure.workload.identity/use": "true" },
});

describe("lakehouse: Trino chart values, dev", () => {
    it("runs one coordinator that also schedules work, no workers, no autoscaler", () => {
        assert.equal(dev.server.workers, 0);
        assert.equal(dev.coordinator.config.nodeScheduler.includeCoordinator, true);
        assert.deepEqual(dev.server.autoscaling, { enabled: false });
        assert.equal(dev.worker.gracefulShutdown.enabled, false);
    });

    it("derives -Xmx and Trino's memory limits from the 1152Mi container limit", () => {
        // dev requests less than the limit (burstable) so the whole platform fits a laptop; the heap follows the limit.
        assert.deepEqual(dev.coordinator.resources, { requests: { cpu: "250m", memory: "976Mi" }, limits: { cpu: "2", memory: "1152Mi" } });
        assert.deepEqual(dev.coordinator.jvm, { maxHeapSize: "576M" });
        assert.deepEqual(dev.coordinator.config.memory, { heapHeadroomPerNode: "173MB" });
        assert.deepEqual(dev.coordinator.config.query, { maxMemoryPerNode: "345MB" });
        assert.equal(dev.server.config.query.maxMemory, "345MB");
    });

    it("reaches MinIO keys by Secret name only", () => {
        assert.deepEqual(dev.envFrom, [{ secretRef: { name: "trino-s3" } }]);
        assert.equal(JSON.stringify(dev).includes("AWS_SECRET_ACCESS_KEY="), false);
    });

    it("pins the image by full reference and re-adds the JVM flags the chart drops for such references", () => {
        assert.deepEqual(dev.image, { repository: "docker.io/trinodb/trino:483", useRepositoryAsSoleImageReference: true, pullPolicy: "IfNotPresent" });
        for (const role of [dev.coordinator, dev.worker]) {
            assert.deepEqual(role.additionalJVMConfig, ["-XX:+UnlockDiagnosticVMOptions", "-XX:G1NumCollectionsKeepPinned=10000000"]);
        }
    });

    it("passes the catalog files through untouched", () => {
        assert.equal(dev.catalogs, catalogs);
    });
});

describe("lakehouse: Trino chart values, prod", () => {
    it("autoscales 2-10 workers on CPU only (a JVM heap never shrinks), scaling in one drained worker at a time", () => {
        assert.equal(prod.server.workers, 2);
        assert.equal(prod.server.autoscaling.enabled, true);
        assert.equal(prod.server.autoscaling.maxReplicas, 10);
        assert.equal(prod.server.autoscaling.targetCPUUtilizationPercentage, 70);
        assert.equal(prod.server.autoscaling.targetMemoryUtilizationPercentage, 0);
        assert.deepEqual(prod.server.autoscaling.behavior.scaleDown.policies, [{ type: "Pods", value: 1, periodSeconds: 300 }]);
        assert.equal(prod.coordinator.config.nodeScheduler.includeCoordinator, false);
    });

    it("shuts workers down gracefully, with a termination grace the chart accepts", () => {
        assert.deepEqual(prod.worker.gracefulShutdown, { enabled: true, gracePeriodSeconds: 120 });
        assert.ok(prod.worker.terminationGracePeriodSeconds >= 2 * prod.worker.gracefulShutdown.gracePeriodSeconds);
    });

    it("sets requests and limits on coordinator and workers, memory request == limit", () => {
        for (const role of [prod.coordinator, prod.worker]) {
            assert.ok(role.resources.requests.cpu && role.resources.limits.cpu);
            assert.equal(role.resources.requests.memory, role.resources.limits.memory);
        }
        assert.deepEqual(prod.worker.jvm, { maxHeapSize: "9830M" });
    });

    it("spreads workers over zones and nodes by the chart's worker labels", () => {
        assert.deepEqual(
            prod.worker.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable, c.labelSelector.matchLabels]),
            [
                ["topology.kubernetes.io/zone", "ScheduleAnyway", trinoWorkerSelector],
                ["kubernetes.io/hostname", "ScheduleAnyway", trinoWorkerSelector],
            ],
        );
        assert.deepEqual(dev.worker.topologySpreadConstraints, []);
    });

    it("binds the workload identity: ServiceAccount annotations and pod labels on both roles", () => {
        assert.deepEqual(prod.serviceAccount, { create: true, name: "trino", annotations: { "azure.workload.identity/client-id": "abc" } });
        assert.deepEqual(prod.coordinator.labels, { "azure.workload.identity/use": "true" });
        assert.deepEqual(prod.worker.labels, { "azure.workload.identity/use": "true" });
        assert.deepEqual(prod.envFrom, []);
    });

    it("runs non-root, read-only, without privilege escalation or capabilities, with writable data and tmp dirs", () => {
        for (const v of [dev, prod]) {
            assert.deepEqual(v.securityContext, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } });
            assert.deepEqual(v.containerSecurityContext, {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ["ALL"] },
            });
            for (const role of [v.coordinator, v.worker]) {
                assert.deepEqual(role.additionalVolumeMounts.map((m: any) => m.mountPath), ["/data/trino", "/tmp"]);
            }
        }
    });

    it("keeps the coordinator Service internal", () => {
        assert.deepEqual(prod.service, { type: "ClusterIP", port: 8080 });
        assert.equal(prod.fullnameOverride, "trino");
    });

    it("follows sizing overrides", () => {
        const v: any = trinoValues({ ...base, environment: "prod", sizing: resolveSizing("prod", { workers: { minReplicas: 3, maxReplicas: 6 } }) });
        assert.equal(v.server.workers, 3);
        assert.equal(v.server.autoscaling.maxReplicas, 6);
    });
});
