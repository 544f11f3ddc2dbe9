import * as pulumi from "@pulumi/pulumi";
import type { ClientNamespace, Connected } from "../network/spec";

/**
 * MinIO in the kind cluster, GCS on GKE, ADLS Gen2 on AKS. `minio` stands for the S3 API at `s3Endpoint` with key
 * credentials: the in-cluster MinIO, or an existing S3-compatible store brought with `existing`.
 */
export type ObjectStoreFlavor = "minio" | "gcs" | "adls";

/** What a workload's ServiceAccount and pods need to reach the store. */
export interface ObjectStoreAccess extends Connected {
    /** Annotations for the workload's ServiceAccount (GKE: `iam.gke.io/gcp-service-account`; AKS: `azure.workload.identity/client-id`). */
    readonly serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
    /** Labels for the workload's pods (AKS: `azure.workload.identity/use: "true"`). */
    readonly podLabels: Record<string, string>;
    /**
     * Only where no cloud identity can be used (MinIO on kind, and documented exceptions): a Secret in the
     * workload's namespace holding `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` for the granted buckets.
     */
    readonly credentialsSecret?: pulumi.Output<string>;
}

export interface ObjectStoreGrant {
    /** Namespace of the workload's ServiceAccount. */
    readonly namespace: ClientNamespace;
    /** Name of the workload's ServiceAccount (the workload creates it, with the returned annotations). */
    readonly serviceAccountName: string;
    /** Logical bucket names (keys of `ObjectStore.buckets`). */
    readonly buckets: readonly string[];
    readonly access: "read" | "readwrite";
}

/** The platform's object storage, as every consumer (Lakehouse, Airflow logs, MLflow, KServe) sees it. */
export interface ObjectStore {
    readonly flavor: ObjectStoreFlavor;
    /** Real bucket (MinIO/GCS) or container (ADLS) name per logical name, e.g. `{ bronze: "mlp-prod-bronze" }`. */
    readonly buckets: Readonly<Record<string, pulumi.Output<string>>>;
    /** `s3://bucket/path` (MinIO), `gs://bucket/path` (GCS), `abfss://container@account.dfs.core.windows.net/path` (ADLS). */
    uri(bucket: string, path?: string): pulumi.Output<string>;
    /** S3 API endpoint, e.g. `http://minio.ml-storage.svc.cluster.local:9000` (flavor `minio` only). */
    readonly s3Endpoint?: pulumi.Output<string>;
    /** Region S3 requests are signed for (flavor `minio` only); `us-east-1` when absent, which MinIO accepts. */
    readonly s3Region?: pulumi.Output<string>;
    /** Storage account name (ADLS only). */
    readonly accountName?: pulumi.Output<string>;
    /**
     * Grants one Kubernetes ServiceAccount access to some buckets: workload identity on GKE/AKS, a scoped
     * credential Secret on MinIO. `name` prefixes the resources created; `parent` owns them.
     */
    grantAccess(name: string, grant: ObjectStoreGrant, parent: pulumi.Resource): ObjectStoreAccess;
}
