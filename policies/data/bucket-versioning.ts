import * as gcp from "@pulumi/gcp";
import * as storage from "@pulumi/azure-native/storage";
import { validateResourceOfType } from "@pulumi/policy";
import { PlatformResourcePolicy } from "../lib/policy";

export const bucketVersioning: PlatformResourcePolicy = {
    name: "data-bucket-versioning",
    description:
        "Object storage keeps overwritten and deleted data recoverable: GCS buckets have object versioning on; " +
        "Azure blob services keep deleted blobs and containers (soft delete) and version blobs where the account " +
        "supports it (ADLS Gen2 accounts with a hierarchical namespace cannot version, so soft delete is their guard).",
    remediationSteps:
        "GCS: set `versioning: { enabled: true }` with a lifecycle rule that deletes old noncurrent versions. Azure: " +
        "create the account's BlobServiceProperties with `deleteRetentionPolicy` and `containerDeleteRetentionPolicy` " +
        "enabled (and `isVersioningEnabled: true` on accounts without a hierarchical namespace).",
    severity: "high",
    tags: ["data", "backup"],
    validateResource: [
        validateResourceOfType(gcp.storage.Bucket, (bucket, args, report) => {
            if (bucket.versioning?.enabled !== true) report(`Bucket ${bucket.name ?? args.name} does not enable versioning.`);
        }),
        validateResourceOfType(storage.BlobServiceProperties, (blob, args, report) => {
            const account = `${blob.accountName ?? args.name}`;
            if (blob.deleteRetentionPolicy?.enabled !== true) report(`Blob service of storage account ${account} does not enable blob soft delete (deleteRetentionPolicy.enabled: true).`);
            if (blob.containerDeleteRetentionPolicy?.enabled !== true) {
                report(`Blob service of storage account ${account} does not enable container soft delete (containerDeleteRetentionPolicy.enabled: true).`);
            }
        }),
    ],
};
