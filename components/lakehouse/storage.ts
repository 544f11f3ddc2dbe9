/** The three data zones of the lakehouse, each its own bucket (MinIO/GCS) or container (ADLS). */
export const ZONES = ["bronze", "silver", "gold"] as const;
export type Zone = (typeof ZONES)[number];

/** S3 region sent to MinIO: it ignores regions, but the S3 SDKs insist on one for request signing. */
export const MINIO_REGION = "us-east-1";

/**
 * How Trino and the metastore reach the object store, as plain data for the spec functions:
 * - `minio`: S3 API, path-style, static keys read from the environment (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`,
 *   filled from the grant's Secret);
 * - `gcs`: Application Default Credentials, i.e. GKE workload identity through the metadata server;
 * - `adls`: Entra workload identity, from the variables and token file the AKS webhook injects.
 */
export type StorageSpec =
    | { readonly flavor: "minio"; readonly s3Endpoint: string; readonly region: string }
    | { readonly flavor: "gcs" }
    | { readonly flavor: "adls" };

/** Environment variables holding the MinIO keys; the ObjectStore's credential Secret uses exactly these keys. */
export const S3_KEY_ENV = { accessKey: "AWS_ACCESS_KEY_ID", secretKey: "AWS_SECRET_ACCESS_KEY" } as const;

/** Environment the AKS workload identity webhook injects into pods labelled `azure.workload.identity/use`. */
export const AZURE_WORKLOAD_IDENTITY_ENV = {
    clientId: "AZURE_CLIENT_ID",
    tenantId: "AZURE_TENANT_ID",
    tokenFile: "AZURE_FEDERATED_TOKEN_FILE",
} as const;

/** A zone root as a location: the bucket/container root, always with a trailing slash. */
export function zoneLocation(uri: string): string {
    return uri.endsWith("/") ? uri : `${uri}/`;
}
