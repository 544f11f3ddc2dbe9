/**
 * Trino catalog files of the lakehouse, as pure functions of plain data. Verified against Trino 483
 * (`images.trino`): native file systems only (`fs.s3.enabled`, `fs.gcs.enabled`, `fs.azure.enabled`; the
 * `fs.native-*` names are their pre-481 aliases), credentials only through `${ENV:...}` references.
 */
import { S3_KEY_ENV, StorageSpec } from "./storage";

/** Catalog names: `lakehouse` (Iceberg, the default for new tables) and `hive` (raw files in the zones). */
export const CATALOGS = { iceberg: "lakehouse", hive: "hive" } as const;

export interface CatalogInput {
    readonly storage: StorageSpec;
    /** `thrift://host:9083` of the Hive Metastore. */
    readonly metastoreUri: string;
}

/** Native file system properties shared by both catalogs. No secret value is ever written here. */
export function fileSystemProperties(storage: StorageSpec): Record<string, string> {
    switch (storage.flavor) {
        case "minio":
            return {
                "fs.s3.enabled": "true",
                "s3.endpoint": storage.s3Endpoint,
                "s3.region": storage.region,
                // MinIO serves buckets under the path, not as virtual-host subdomains.
                "s3.path-style-access": "true",
                // Trino substitutes these at startup from the pod environment (secretKeyRef/envFrom).
                "s3.aws-access-key": `\${ENV:${S3_KEY_ENV.accessKey}}`,
                "s3.aws-secret-key": `\${ENV:${S3_KEY_ENV.secretKey}}`,
            };
        case "gcs":
            return {
                "fs.gcs.enabled": "true",
                // GKE workload identity: ADC resolves to the metadata server, which hands out the bound GSA's token.
                "gcs.auth-type": "APPLICATION_DEFAULT",
            };
        case "adls":
            return {
                "fs.azure.enabled": "true",
                // DefaultAzureCredential picks up the workload identity the AKS webhook injects.
                "azure.auth-type": "DEFAULT",
            };
    }
}

/** `lakehouse`: Iceberg tables whose metadata lives in the Hive Metastore. */
export function icebergCatalog(input: CatalogInput): Record<string, string> {
    return {
        "connector.name": "iceberg",
        "iceberg.catalog.type": "hive_metastore",
        "hive.metastore.uri": input.metastoreUri,
        "iceberg.file-format": "PARQUET",
        "iceberg.compression-codec": "ZSTD",
        // A plain Hive table met through this catalog is read through the `hive` catalog instead of failing.
        "iceberg.hive-catalog-name": CATALOGS.hive,
        ...fileSystemProperties(input.storage),
    };
}

/** `hive`: raw files (CSV, JSON, Parquet, ...) registered as external tables over the zones. */
export function hiveCatalog(input: CatalogInput): Record<string, string> {
    return {
        "connector.name": "hive",
        "hive.metastore.uri": input.metastoreUri,
        // Landing raw data into bronze means writing to external tables.
        "hive.non-managed-table-writes-enabled": "true",
        "hive.storage-format": "PARQUET",
        // Iceberg tables share the metastore: queries through `hive` are redirected to `lakehouse`.
        "hive.iceberg-catalog-name": CATALOGS.iceberg,
        ...fileSystemProperties(input.storage),
    };
}

/** A `.properties` file body, in the given key order. */
export function renderProperties(props: Record<string, string>): string {
    return `${Object.entries(props)
        .map(([k, v]) => `${k}=${v}`)
        .join("\n")}\n`;
}

/** The chart's `catalogs` value: file name (without `.properties`) to file body. */
export function trinoCatalogs(input: CatalogInput): Record<string, string> {
    return {
        [CATALOGS.iceberg]: renderProperties(icebergCatalog(input)),
        [CATALOGS.hive]: renderProperties(hiveCatalog(input)),
    };
}
