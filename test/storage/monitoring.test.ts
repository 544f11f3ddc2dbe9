import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { minioMonitoring } from "../../components/storage/monitoring";
import { checkSource } from "../monitoring/sourceChecks";

describe("storage: MinIO's monitoring source", () => {
    const source = minioMonitoring("ml-storage");
    checkSource(source);

    it("scrapes MinIO's v2 cluster endpoint on its S3 port in its namespace", () => {
        const [minio] = source.targets;
        assert.deepEqual([minio.name, minio.namespace, minio.kind, minio.port, minio.portNumber, minio.path], ["minio", "ml-storage", "ServiceMonitor", "s3", 9000, "/minio/v2/metrics/cluster"]);
        assert.deepEqual(minio.selector, { matchLabels: { "app.kubernetes.io/name": "minio" } });
    });

    it("alerts on offline nodes and low capacity", () => {
        assert.deepEqual(source.alertGroups!.flatMap((g) => g.rules.map((r) => r.alert)), ["MinioNodesOffline", "MinioCapacityLow"]);
    });
});
