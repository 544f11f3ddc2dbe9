import * as pulumi from "@pulumi/pulumi";
import type { AdlsObjectStorageArgs } from "./adls";
import { ObjectStoreParts } from "./common";
import type { GcsObjectStorageArgs } from "./gcs";
import { ConnectionRecord, Flow, NetworkMember, WebUi } from "../network/spec";
import { MINIO_API_PORT } from "./minioSpec";
import type { MonitoringSource } from "../monitoring/source";
import { createMinio, MinioObjectStorageArgs } from "./minio";
import { minioMonitoring } from "./monitoring";
import { validateBucketNames } from "./names";
import { ObjectStore, ObjectStoreAccess, ObjectStoreFlavor, ObjectStoreGrant } from "./types";
import { requireKubernetesProvider } from "../common/kubernetes";

export * from "./types";
// The cloud flavors load their SDK (@pulumi/gcp, @pulumi/azure-native) on first use only, so a program on kind or an
// existing cluster never loads them.
const gcs = () => require("./gcs") as typeof import("./gcs");
const adls = () => require("./adls") as typeof import("./adls");
export type { AdlsObjectStorageArgs } from "./adls";
export type { GcsObjectStorageArgs } from "./gcs";
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
    public readonly accountName?: pulumi.Output<string>;
    /** In-cluster URL of the MinIO console (MinIO only). */
    public readonly consoleEndpoint?: pulumi.Output<string>;
    /** The MinIO console, for the ingress (MinIO only). */
    public readonly console?: WebUi;
    /** The MinIO root login, which the console takes (MinIO only; both secrets). */
    public readonly consoleLogin?: { readonly username: pulumi.Output<string>; readonly password: pulumi.Output<string> };
    private readonly parts: ObjectStoreParts;

    constructor(name: string, args: ObjectStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        if (args.flavor === "minio") requireKubernetesProvider(`ObjectStorage "${name}"`, args, opts);
        super("mlplatform:storage:ObjectStorage", name, {}, opts);
        validateBucketNames(args.buckets);
        this.flavor = args.flavor;
        switch (args.flavor) {
            case "minio":
                this.parts = createMinio(name, args, this);
                break;
            case "gcs":
                this.parts = gcs().createGcs(name, args, this);
                break;
            case "adls":
                this.parts = adls().createAdls(name, args, this);
                break;
        }
        this.namespaces = this.parts.namespace ? [this.parts.namespace] : [];
        this.monitoring = this.parts.namespace ? minioMonitoring(this.parts.namespace) : undefined;
        this.buckets = this.parts.buckets;
        this.s3Endpoint = this.parts.s3Endpoint;
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
            flows: storeFlows(this.flavor, from, this.parts.namespace, why),
            connection: { kind: "object-store", from, to: this.uri(grant.buckets[0]), serviceAccount: grant.serviceAccountName, why },
        };
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
