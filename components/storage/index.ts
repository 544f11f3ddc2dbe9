import * as pulumi from "@pulumi/pulumi";
import { AdlsObjectStorageArgs, createAdls } from "./adls";
import { ObjectStoreParts } from "./common";
import { createGcs, GcsObjectStorageArgs } from "./gcs";
import type { MonitoringSource } from "../monitoring/source";
import { createMinio, DEFAULT_MINIO_NAMESPACE, MinioObjectStorageArgs } from "./minio";
import { minioMonitoring } from "./monitoring";
import { validateBucketNames } from "./names";
import { ObjectStore, ObjectStoreAccess, ObjectStoreFlavor, ObjectStoreGrant } from "./types";

export * from "./types";
export { AdlsObjectStorageArgs } from "./adls";
export { GcsObjectStorageArgs } from "./gcs";
export { MinioObjectStorageArgs } from "./minio";
export { ContainerResources } from "./pod";
export { RetainStorageClass, RetainStorageClassArgs, KIND_STORAGE_CLASS } from "./storageClass";

/** Arguments of {@link ObjectStorage}, one shape per `flavor`. */
export type ObjectStorageArgs = MinioObjectStorageArgs | GcsObjectStorageArgs | AdlsObjectStorageArgs;

/**
 * The platform's object storage: MinIO in the cluster (dev), GCS buckets (GKE) or an ADLS Gen2 account (AKS).
 * Consumers take it as an {@link ObjectStore} and call `grantAccess` for their ServiceAccount.
 *
 * MinIO needs the Kubernetes provider (`opts.providers`); GCS and ADLS create only cloud resources and depend on
 * the cluster's network and identity info, not on the cluster being ready, so they are created alongside it.
 */
export class ObjectStorage extends pulumi.ComponentResource implements ObjectStore {
    public readonly flavor: ObjectStoreFlavor;
    /** MinIO's metrics and alerts, for `Monitoring`'s `sources`; absent for GCS and ADLS (their cloud monitors them). */
    public readonly monitoring?: MonitoringSource;
    public readonly buckets: Readonly<Record<string, pulumi.Output<string>>>;
    public readonly s3Endpoint?: pulumi.Output<string>;
    public readonly accountName?: pulumi.Output<string>;
    /** In-cluster URL of the MinIO console (MinIO only). */
    public readonly consoleEndpoint?: pulumi.Output<string>;
    /** The MinIO root login, which the console takes (MinIO only; both secrets). */
    public readonly consoleLogin?: { readonly username: pulumi.Output<string>; readonly password: pulumi.Output<string> };
    private readonly parts: ObjectStoreParts;

    constructor(name: string, args: ObjectStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mlplatform:storage:ObjectStorage", name, {}, opts);
        validateBucketNames(args.buckets);
        this.flavor = args.flavor;
        this.monitoring = args.flavor === "minio" ? minioMonitoring(args.namespace ?? DEFAULT_MINIO_NAMESPACE) : undefined;
        switch (args.flavor) {
            case "minio":
                this.parts = createMinio(name, args, this);
                break;
            case "gcs":
                this.parts = createGcs(name, args, this);
                break;
            case "adls":
                this.parts = createAdls(name, args, this);
                break;
        }
        this.buckets = this.parts.buckets;
        this.s3Endpoint = this.parts.s3Endpoint;
        this.accountName = this.parts.accountName;
        this.consoleEndpoint = this.parts.consoleEndpoint;
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
        return this.parts.grantAccess(name, grant, parent);
    }
}
