import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { GcpClusterInfo } from "../cluster/types";
import { existingBucketNames, joinPath, ObjectStoreParts, requireKnownBuckets, validateServiceAccountName } from "./common";
import { gcpServiceAccountId, gcsBucketName } from "./names";
import { ObjectStoreGrant } from "./types";

/** GCS buckets for a GKE platform, reached through GKE workload identity. */
export interface GcsObjectStorageArgs {
    readonly flavor: "gcs";
    /** Absent: the component creates the buckets. See {@link ExistingGcsObjectStorageArgs} for buckets you already have. */
    readonly existing?: undefined;
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

/**
 * GCS buckets that already exist (bring your own): the component creates no bucket and changes none of their
 * settings; `grantAccess` still gives each workload its own Google service account with roles on the buckets it
 * names and binds it to the workload's Kubernetes ServiceAccount (GKE workload identity). Whoever runs the program
 * needs `storage.buckets.getIamPolicy`/`setIamPolicy` on those buckets (e.g. Storage Admin on them) and may create
 * service accounts in `gcp.project`.
 */
export interface ExistingGcsObjectStorageArgs {
    readonly flavor: "gcs";
    readonly existing: {
        /**
         * Real bucket name per logical name, e.g. `{ mlflow: "acme-shared-mlflow" }`. Logical names are what consumers
         * ask for; a real name may be another stack's output.
         */
        readonly buckets: Readonly<Record<string, pulumi.Input<string>>>;
    };
    /**
     * Where the grants' Google service accounts are created, and the cluster's workload identity pool
     * (`<project>.svc.id.goog`). `Cluster.gcp` fits; on a GKE cluster the program did not create, write both.
     */
    readonly gcp: { readonly project: string; readonly workloadIdentityPool: string };
    /** Starts the grants' service account IDs, so two stacks in one project do not collide. Usually the cluster name. */
    readonly namePrefix: string;
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
    const { project, region } = args.gcp;
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
    return gcsParts(args, Object.fromEntries(Object.entries(buckets).map(([k, b]) => [k, b.name])));
}

/** Buckets that exist already: nothing is created until a grant. */
export function existingGcs(args: ExistingGcsObjectStorageArgs): ObjectStoreParts {
    if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(args.gcp.project)) {
        throw new Error(`ObjectStorage gcs: gcp.project "${args.gcp.project}": expected a Google Cloud project ID (6-30 lowercase letters, digits or hyphens)`);
    }
    if (args.gcp.workloadIdentityPool !== `${args.gcp.project}.svc.id.goog`) {
        throw new Error(
            `ObjectStorage gcs: gcp.workloadIdentityPool "${args.gcp.workloadIdentityPool}": expected "${args.gcp.project}.svc.id.goog" (GKE's pool is the cluster project's)`,
        );
    }
    return gcsParts(args, existingBucketNames("gcs", args.existing.buckets));
}

/** URIs and grants over real bucket names, created or brought. */
function gcsParts(
    args: { readonly gcp: { readonly project: string; readonly workloadIdentityPool: string }; readonly namePrefix: string },
    buckets: Record<string, pulumi.Output<string>>,
): ObjectStoreParts {
    const { project, workloadIdentityPool } = args.gcp;
    const known = Object.keys(buckets);
    return {
        buckets,
        uri: (bucket, path) => {
            requireKnownBuckets("gcs", known, [bucket], "uri");
            return buckets[bucket].apply((n) => joinPath(`gs://${n}`, path));
        },
        grantAccess(grantName: string, grant: ObjectStoreGrant, grantParent: pulumi.Resource) {
            requireKnownBuckets("gcs", known, grant.buckets, `grantAccess("${grantName}")`);
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
                    // A member binding adds this one member to the role; the bucket's other bindings stay as they are.
                    new gcp.storage.BucketIAMMember(`${grantName}-${bucket}-${role.split(".")[1]}`, { bucket: buckets[bucket], role, member }, opts);
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
