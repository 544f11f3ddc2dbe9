import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { GcpClusterInfo } from "../cluster/types";
import { joinPath, ObjectStoreParts, requireKnownBuckets, validateServiceAccountName } from "./common";
import { gcpServiceAccountId, gcsBucketName } from "./names";
import { ObjectStoreGrant } from "./types";

/** GCS buckets for a GKE platform, reached through GKE workload identity. */
export interface GcsObjectStorageArgs {
    readonly flavor: "gcs";
    /** Logical bucket names; each becomes the bucket `<project>-<namePrefix>-<bucket>`. */
    readonly buckets: readonly string[];
    /** `prod` protects every bucket (Pulumi `protect`, no force-destroy); `dev` lets `pulumi destroy` empty them. */
    readonly environment: "dev" | "prod";
    /** Project, region and workload identity pool of the cluster (`Cluster.gcp`). Buckets live in its region. */
    readonly gcp: GcpClusterInfo;
    /** Distinguishes stacks sharing a project: bucket names and grant service account IDs start with it. Usually the cluster name. */
    readonly namePrefix: string;
    /** Days a replaced or deleted object version is kept before lifecycle deletes it. Default 7 (dev), 30 (prod). */
    readonly noncurrentVersionDays?: number;
    /** Days a deleted object stays restorable in GCS soft delete (0 turns it off). Default 7 (dev), 14 (prod). */
    readonly softDeleteDays?: number;
    /** Days after which an unfinished multipart (XML API) upload is aborted. Default 7. */
    readonly abortIncompleteUploadDays?: number;
}

/** The lifecycle rules of every bucket. Pure, so the retention policy is testable without Pulumi. */
export function gcsLifecycleRules(noncurrentVersionDays: number, abortIncompleteUploadDays: number) {
    return [
        // Versioning keeps overwritten and deleted objects; this bounds what that costs.
        { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: noncurrentVersionDays, withState: "ARCHIVED" } },
        { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: abortIncompleteUploadDays } },
    ];
}

/**
 * Roles one grant receives on each of its buckets. `legacyBucketReader` adds only `storage.buckets.get` and object
 * listing, which the Hadoop/Spark GCS connector needs to stat a bucket root; the object roles carry the rest.
 */
export function gcsBucketRoles(access: "read" | "readwrite"): string[] {
    return ["roles/storage.legacyBucketReader", access === "read" ? "roles/storage.objectViewer" : "roles/storage.objectUser"];
}

const DAY = 86_400;

export function createGcs(name: string, args: GcsObjectStorageArgs, parent: pulumi.Resource): ObjectStoreParts {
    const { project, region, workloadIdentityPool } = args.gcp;
    const prod = args.environment === "prod";
    const noncurrentDays = args.noncurrentVersionDays ?? (prod ? 30 : 7);
    const softDeleteDays = args.softDeleteDays ?? (prod ? 14 : 7);
    const labels = { "part-of": "ml-platform", component: "storage", environment: args.environment };

    const buckets: Record<string, gcp.storage.Bucket> = {};
    for (const bucket of args.buckets) {
        buckets[bucket] = new gcp.storage.Bucket(
            `${name}-${bucket}`,
            {
                project,
                name: gcsBucketName(project, args.namePrefix, bucket),
                location: region.toUpperCase(),
                storageClass: "STANDARD",
                uniformBucketLevelAccess: true,
                publicAccessPrevention: "enforced",
                versioning: { enabled: true },
                softDeletePolicy: { retentionDurationSeconds: softDeleteDays * DAY },
                lifecycleRules: gcsLifecycleRules(noncurrentDays, args.abortIncompleteUploadDays ?? 7),
                forceDestroy: !prod,
                labels,
            },
            // Only the project and region (plain values) are needed: buckets are created in parallel with the cluster.
            { parent, protect: prod },
        );
    }

    return {
        buckets: Object.fromEntries(Object.entries(buckets).map(([k, b]) => [k, b.name])),
        uri: (bucket, path) => {
            requireKnownBuckets("gcs", args.buckets, [bucket], "uri");
            return buckets[bucket].name.apply((n) => joinPath(`gs://${n}`, path));
        },
        grantAccess(grantName: string, grant: ObjectStoreGrant, grantParent: pulumi.Resource) {
            requireKnownBuckets("gcs", args.buckets, grant.buckets, `grantAccess("${grantName}")`);
            validateServiceAccountName(grant.serviceAccountName);
            const opts = { parent: grantParent };
            const account = new gcp.serviceaccount.Account(
                `${grantName}-gsa`,
                {
                    project,
                    accountId: gcpServiceAccountId(args.namePrefix, grantName),
                    displayName: pulumi.interpolate`ml-platform ${grantName}: ${grant.namespace.name}/${grant.serviceAccountName}`.apply((d) => d.slice(0, 100)),
                    description: `Workload identity of one Kubernetes ServiceAccount; ${grant.access} on ${grant.buckets.join(", ")} only.`,
                },
                opts,
            );
            const member = pulumi.interpolate`serviceAccount:${account.email}`;
            for (const bucket of grant.buckets) {
                for (const role of gcsBucketRoles(grant.access)) {
                    new gcp.storage.BucketIAMMember(
                        `${grantName}-${bucket}-${role.split(".")[1]}`,
                        { bucket: buckets[bucket].name, role, member },
                        opts,
                    );
                }
            }
            // Only this namespace/ServiceAccount pair may act as the GCP service account.
            new gcp.serviceaccount.IAMMember(
                `${grantName}-workload-identity`,
                {
                    serviceAccountId: account.name,
                    role: "roles/iam.workloadIdentityUser",
                    member: pulumi.interpolate`serviceAccount:${workloadIdentityPool}[${grant.namespace.name}/${grant.serviceAccountName}]`,
                },
                opts,
            );
            return {
                serviceAccountAnnotations: account.email.apply((email): Record<string, string> => ({ "iam.gke.io/gcp-service-account": email })),
                podLabels: {},
            };
        },
    };
}
