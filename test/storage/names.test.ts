import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    gcpServiceAccountId,
    gcsBucketName,
    kubernetesName,
    storageAccountName,
    validateBucketNames,
    validateStorageAccountName,
} from "../../components/storage/names";
import { VNET_ID } from "./fixtures";

describe("storage names (pure)", () => {
    it("accepts logical bucket names valid on MinIO, GCS and ADLS alike", () => {
        assert.doesNotThrow(() => validateBucketNames(["bronze", "silver", "gold", "airflow-logs", "mlflow", "models"]));
    });

    it("rejects names one of the three backends would refuse, naming each", () => {
        assert.throws(() => validateBucketNames([]), /at least one bucket/);
        assert.throws(() => validateBucketNames(["ab"]), /"ab"/);
        assert.throws(() => validateBucketNames(["Bronze"]), /"Bronze"/);
        assert.throws(() => validateBucketNames(["my_bucket"]), /"my_bucket"/);
        assert.throws(() => validateBucketNames(["a--b"]), /"a--b"/); // ADLS forbids consecutive hyphens
        assert.throws(() => validateBucketNames(["-edge"]), /"-edge"/);
        assert.throws(() => validateBucketNames(["x".repeat(64)]), /expected 3-63/);
        assert.throws(() => validateBucketNames(["gold", "gold"]), /"gold": listed twice/);
    });

    it("GCS bucket names lead with the globally unique project ID, then the stack prefix", () => {
        assert.equal(gcsBucketName("acme-ml-prod", "mlp-prod", "bronze"), "acme-ml-prod-mlp-prod-bronze");
    });

    it("GCS bucket names over 63 characters fail with the inputs to shorten", () => {
        assert.throws(
            () => gcsBucketName("a-very-long-project-id-12345", "ml-platform-production", "airflow-logs"),
            /is 64 characters; GCS allows 63\. Shorten namePrefix \("ml-platform-production"\) or the bucket name \("airflow-logs"\)/,
        );
        assert.throws(() => gcsBucketName("acme", "google-team", "gold"), /google/);
    });

    it("storage account names are deterministic, 3-24 lowercase alphanumerics, unique per VNet (subscription)", () => {
        const a = storageAccountName("ml-platform-prod", VNET_ID);
        assert.match(a, /^mlplatformprod[0-9a-f]{8}$/);
        assert.equal(storageAccountName("ml-platform-prod", VNET_ID), a);
        assert.notEqual(storageAccountName("ml-platform-prod", VNET_ID.replace("0001", "0002")), a);
        assert.ok(storageAccountName("a-very-long-cluster-name-x", VNET_ID).length <= 24);
        assert.doesNotThrow(() => validateStorageAccountName(a));
        assert.throws(() => validateStorageAccountName("Has-Dash"), /3-24 lowercase/);
    });

    it("GCP service account IDs fit 6-30 characters and stay distinct after truncation", () => {
        assert.equal(gcpServiceAccountId("mlp-prod", "mlflow"), "mlp-prod-mlflow");
        const a = gcpServiceAccountId("ml-platform-prod", "lakehouse-metastore");
        const b = gcpServiceAccountId("ml-platform-prod", "lakehouse-metastore-2");
        assert.ok(a.length <= 30 && b.length <= 30, `${a} ${b}`);
        assert.notEqual(a, b);
        assert.match(a, /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
    });

    it("Kubernetes names from grant and database names are DNS-1123 labels", () => {
        assert.equal(kubernetesName("mlflow_auth", "postgres"), "mlflow-auth-postgres");
        assert.ok(kubernetesName("x".repeat(80)).length <= 63);
    });
});
