import * as pulumi from "@pulumi/pulumi";
import type { AdlsObjectStorageArgs, ExistingAdlsObjectStorageArgs } from "./adls";
import { ObjectStoreParts } from "./common";
import type { ExistingGcsObjectStorageArgs, GcsObjectStorageArgs } from "./gcs";
import { ConnectionRecord, Flow, NetworkMember, WebUi } from "../network/spec";
import { MINIO_API_PORT } from "./minioSpec";
import type { MonitoringSource } from "../monitoring/source";
import { createMinio, MinioObjectStorageArgs } from "./minio";
import { minioMonitoring } from "./monitoring";
import { validateBucketNames } from "./names";
import { existingS3, ExistingS3ObjectStorageArgs } from "./s3";
import { ObjectStore, ObjectStoreAccess, ObjectStoreFlavor, ObjectStoreGrant } from "./types";
import { requireKubernetesProvider } from "../common/kubernetes";

export * from "./types";
// The cloud flavors load their SDK (@pulumi/gcp, @pulumi/azure-native) on first use only, so a program on kind or an
// existing cluster never loads them.
const gcs = () => require("./gcs") as typeof import("./gcs");
const adls = () => require("./adls") as typeof import("./adls");
export type { AdlsObjectStorageArgs, ExistingAdlsObjectStorageArgs } from "./adls";
export type { ExistingGcsObjectStorageArgs, GcsObjectStorageArgs } from "./gcs";
export { MinioObjectStorageArgs } from "./minio";
export { ExistingS3ObjectStorageArgs, S3CredentialsSecretRef } from "./s3";
export { ContainerResources } from "./pod";
export { RetainStorageClass, RetainStorageClassArgs, KIND_STORAGE_CLASS } from "./storageClass";

/**
 * Arguments of {@link ObjectStorage}, one shape per `flavor`, each either creating the store or bringing an existing
 * one (`existing`: buckets by name on GCS, containers of an ADLS account, or an S3-compatible endpoint).
 */
export type ObjectStorageArgs =
    | MinioObjectStorageArgs
    | GcsObjectStorageArgs
    | AdlsObjectStorageArgs
    | ExistingS3ObjectStorageArgs
    | ExistingGcsObjectStorageArgs
    | ExistingAdlsObjectStorageArgs;

/**
 * The platform's object storage: MinIO in the cluster (dev), GCS buckets (GKE) or an ADLS Gen2 account (AKS), or
 * with `existing` a store you already have (GCS buckets, an ADLS account's containers, an S3-compatible endpoint),
 * of which nothing is created. Consumers take it as an {@link ObjectStore} and call `grantAccess` for their
 * ServiceAccount.
 *
 * Flavor `minio` (created or existing) needs the Kubernetes provider (`opts.providers`); GCS and ADLS create only
 * cloud resources and depend on the cluster's network and identity info, not on the cluster being ready, so they
 * are created alongside it.
 */
export class ObjectStorage extends pulumi.ComponentResource implements ObjectStore, NetworkMember {
    public readonly flavor: ObjectStoreFlavor;
    /** MinIO's namespace; none for cloud storage. */
    public readonly namespaces: string[];
    public readonly flows: Flow[] = [];
    /** It connects to nothing as a client. */
    public readonly connections: ConnectionRecord[] = [];
    /** MinIO's metrics and alerts, for `Monitoring`'s `sources`; absent for GCS and ADLS (their cloud monitors them). */
    public readonly monitoring?: MonitoringSource;
    public readonly buckets: Readonly<Record<string, pulumi.Output<string>>>;
    public readonly s3Endpoint?: pulumi.Output<string>;
    public readonly s3Region?: pulumi.Output<string>;
    public readonly accountName?: pulumi.Output<string>;
    /** In-cluster URL of the MinIO console (MinIO only). */
    public readonly consoleEndpoint?: pulumi.Output<string>;
    /** The MinIO console, for the ingress (MinIO only). */
    public readonly console?: WebUi;
    /** The MinIO root login, which the console takes (MinIO only; both secrets). */
    public readonly consoleLogin?: { readonly username: pulumi.Output<string>; readonly password: pulumi.Output<string> };
    private readonly parts: ObjectStoreParts;

    constructor(name: string, args: ObjectStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        if (!["minio", "gcs", "adls"].includes(args?.flavor)) {
            throw new Error(`ObjectStorage "${name}": flavor ${JSON.stringify(args?.flavor)}: expected "minio" (or an existing S3-compatible store), "gcs" or "adls"`);
        }
        if (args.flavor === "minio") requireKubernetesProvider(`ObjectStorage "${name}"`, args, opts);
        // Everything is checked before the component registers, so bad input leaves nothing half-made.
        let build: (self: ObjectStorage) => ObjectStoreParts;
        if (isExisting(args)) {
            if ((args as { buckets?: unknown }).buckets !== undefined) {
                throw new Error(`ObjectStorage "${name}": buckets (to create) and existing were both given; an existing store takes its buckets as existing.buckets`);
            }
            const unused = Object.keys(args).filter((k) => (args[k as keyof typeof args] as unknown) !== undefined && !EXISTING_ARGS[args.flavor].includes(k));
            if (unused.length) {
                throw new Error(
                    `ObjectStorage "${name}": ${unused.join(", ")} configure a store the component creates and would not be used with existing; expected only ${EXISTING_ARGS[args.flavor].join(", ")}`,
                );
            }
            build = existingParts(name, args);
        } else {
            validateBucketNames(args.buckets);
            const created = args;
            build = (self) =>
                created.flavor === "minio" ? createMinio(name, created, self) : created.flavor === "gcs" ? gcs().createGcs(name, created, self) : adls().createAdls(name, created, self);
        }
        super("mlplatform:storage:ObjectStorage", name, {}, opts);
        this.flavor = args.flavor;
        this.parts = build(this);
        this.namespaces = this.parts.namespace ? [this.parts.namespace] : [];
        this.monitoring = this.parts.namespace ? minioMonitoring(this.parts.namespace) : undefined;
        this.buckets = this.parts.buckets;
        this.s3Endpoint = this.parts.s3Endpoint;
        this.s3Region = this.parts.s3Region;
        this.accountName = this.parts.accountName;
        this.consoleEndpoint = this.parts.consoleEndpoint;
        this.console = this.parts.console;
        this.consoleLogin = this.parts.consoleLogin;
        this.registerOutputs({
            buckets: this.buckets,
            s3Endpoint: this.s3Endpoint,
            accountName: this.accountName,
            consoleEndpoint: this.consoleEndpoint,
        });
    }

    uri(bucket: string, path?: string): pulumi.Output<string> {
        return this.parts.uri(bucket, path);
    }

    grantAccess(name: string, grant: ObjectStoreGrant, parent: pulumi.Resource): ObjectStoreAccess {
        const why = `${grant.namespace.name}/${grant.serviceAccountName} ${grant.access === "read" ? "reads" : "reads and writes"} ${grant.buckets.join(", ")}`;
        const from = grant.namespace.name;
        return {
            ...this.parts.grantAccess(name, grant, parent),
            flows: this.parts.clientFlows?.(from, why) ?? storeFlows(this.flavor, from, this.parts.namespace, why),
            connection: { kind: "object-store", from, to: this.uri(grant.buckets[0]), serviceAccount: grant.serviceAccountName, why },
        };
    }
}

/** What each flavor's `existing` form takes; anything else configures a store the component would create. */
const EXISTING_ARGS: Record<ObjectStoreFlavor, readonly string[]> = {
    minio: ["flavor", "existing", "kubernetesProvider"],
    gcs: ["flavor", "existing", "gcp", "namePrefix"],
    adls: ["flavor", "existing", "azure", "namePrefix"],
};

type ExistingStoreArgs = ExistingS3ObjectStorageArgs | ExistingGcsObjectStorageArgs | ExistingAdlsObjectStorageArgs;
const isExisting = (args: ObjectStorageArgs): args is ExistingStoreArgs => args.existing !== undefined;

/**
 * Validates an existing store's args and returns what builds its parts once the component exists. The cloud
 * flavors' checks run here too (their SDK loads, but no resource is registered before every check passed).
 */
function existingParts(
    name: string,
    args: ExistingStoreArgs,
): (self: ObjectStorage) => ObjectStoreParts {
    switch (args.flavor) {
        case "minio":
            return existingS3(name, args);
        case "gcs": {
            const parts = gcs().existingGcs(args);
            return () => parts;
        }
        case "adls": {
            const parts = adls().existingAdls(args);
            return () => parts;
        }
    }
}

const anywhere = { cidr: "0.0.0.0/0" };

/**
 * A client's flows to the store: MinIO's S3 port in the cluster; in the clouds, HTTPS to the storage and token
 * endpoints and the metadata server that hands out workload identity tokens (on GKE the GKE metadata server answers
 * 169.254.169.254 from 169.254.169.252:987/988, and Dataplane V2 checks both).
 */
function storeFlows(flavor: ObjectStoreFlavor, from: string, minioNamespace: string | undefined, why: string): Flow[] {
    if (flavor === "minio") return [{ from, to: minioNamespace!, ports: [MINIO_API_PORT], why }];
    return [
        { from, to: anywhere, ports: [443], why: `${why}: cloud storage and identity endpoints over HTTPS` },
        { from, to: { cidr: "169.254.169.254/32" }, ports: [80], why: `${why}: workload identity tokens from the metadata server` },
        ...(flavor === "gcs" ? [{ from, to: { cidr: "169.254.169.252/32" }, ports: [987, 988], why: `${why}: the GKE metadata server behind it` }] : []),
    ];
}
