import * as k8s from "@pulumi/kubernetes";
import * as gcp from "@pulumi/gcp";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as storage from "@pulumi/azure-native/storage";
import { ReportViolation, ResourceValidationArgs, validateResourceOfType } from "@pulumi/policy";
import { PlatformResourcePolicy } from "../lib/policy";
import { objectId } from "../lib/workloads";

/**
 * CrossGuard exposes `protect` but not `retainOnDelete` (PolicyResourceOptions has no such field), so
 * `protect` is what this policy can see and requires; retainOnDelete may be set in addition.
 */
function requireProtect(what: string, args: ResourceValidationArgs, report: ReportViolation) {
    if (!args.opts.protect) report(`${what} is not protected: set the resource option protect: true.`);
}

export const prodDataProtected: PlatformResourcePolicy = {
    name: "data-prod-protected",
    description:
        "Prod data cannot be deleted by a Pulumi operation: Cloud SQL instances, Flexible Servers, GCS buckets, " +
        "storage accounts and PersistentVolumeClaims are `protect`ed, Cloud SQL keeps its deletion protection, " +
        "buckets are not force-destroyable, and StatefulSets keep their volume claims. Disabled for dev stacks " +
        "by config/dev.json.",
    remediationSteps:
        "Pass `{ protect: true }` (retainOnDelete too, if you like) in the resource options of every prod data " +
        "resource; leave Cloud SQL `deletionProtection` at true, do not set a bucket's `forceDestroy`, and leave a " +
        "StatefulSet's `persistentVolumeClaimRetentionPolicy` at Retain. Deleting prod data is a separate, reviewed " +
        "change that first removes the protection.",
    severity: "critical",
    tags: ["data", "data-safety"],
    validateResource: [
        validateResourceOfType(gcp.sql.DatabaseInstance, (db, args, report) => {
            requireProtect(`Cloud SQL instance ${db.name ?? args.name}`, args, report);
            if (db.deletionProtection === false) report(`Cloud SQL instance ${db.name ?? args.name} sets deletionProtection: false.`);
        }),
        validateResourceOfType(dbforpostgresql.Server, (server, args, report) =>
            requireProtect(`Flexible Server ${server.serverName ?? args.name}`, args, report)),
        validateResourceOfType(gcp.storage.Bucket, (bucket, args, report) => {
            requireProtect(`Bucket ${bucket.name ?? args.name}`, args, report);
            if (bucket.forceDestroy === true) report(`Bucket ${bucket.name ?? args.name} sets forceDestroy: true (destroy deletes every object).`);
        }),
        validateResourceOfType(storage.StorageAccount, (account, args, report) =>
            requireProtect(`Storage account ${account.accountName ?? args.name}`, args, report)),
        validateResourceOfType(k8s.core.v1.PersistentVolumeClaim, (pvc, args, report) =>
            requireProtect(`PersistentVolumeClaim ${objectId(pvc.metadata, args.name).id}`, args, report)),
        validateResourceOfType(k8s.apps.v1.StatefulSet, (set, args, report) => {
            const retention = set.spec?.persistentVolumeClaimRetentionPolicy;
            for (const when of ["whenDeleted", "whenScaled"] as const) {
                if (retention?.[when] === "Delete") {
                    report(`StatefulSet ${objectId(set.metadata, args.name).id} deletes its volume claims (persistentVolumeClaimRetentionPolicy.${when}: Delete).`);
                }
            }
        }),
    ],
};
