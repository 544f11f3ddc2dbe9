/**
 * The default Spark configuration of the platform's Spark jobs, as a pure function of plain data: the lakehouse's
 * Iceberg catalog (`lakehouse`, tables in the Hive Metastore) as Spark's default catalog, and the object store's
 * native file system with the job's own identity (no key is ever written here; on MinIO the keys come from the
 * environment, filled from the grant's Secret). Checked against Spark 4.0.4 (`images.spark`: Hadoop 3.4.1 client)
 * and Iceberg 1.10's Spark runtime.
 */
import { S3_KEY_ENV, StorageSpec } from "../lakehouse/storage";
import { metastoreFileSystemProperties } from "../lakehouse/metastore-config";
import { artifactUrl, MAVEN_CENTRAL, metastoreJars } from "../lakehouse/jars";

/** The Iceberg catalog name, the same as Trino's (`lakehouse.silver.orders` means the same table in both). */
export const SPARK_CATALOG = "lakehouse";

/**
 * Maven packages Spark resolves at submit (Ivy, checked against Central's checksums): Iceberg's Spark runtime, and the
 * Hadoop file system of the object store at the Hadoop version of the Spark build (3.4.1): hadoop-aws (S3A, with the
 * AWS SDK v2 bundle) for MinIO, hadoop-azure (ABFS) for ADLS. GCS's connector comes as the metastore's shaded jar.
 * (Spark's own `spark-hadoop-cloud_2.13` is not published for 4.0.4: Maven Central has it up to 4.0.2.)
 */
export const sparkPackages = {
    iceberg: "org.apache.iceberg:iceberg-spark-runtime-4.0_2.13:1.10.0",
    minio: "org.apache.hadoop:hadoop-aws:3.4.1",
    adls: "org.apache.hadoop:hadoop-azure:3.4.1",
} as const;

export interface SparkConfigInput {
    readonly storage: StorageSpec;
    /** `thrift://host:9083` of the Hive Metastore. */
    readonly metastoreUri: string;
    /** Iceberg warehouse root for tables created without a location (the silver zone's `warehouse/`). */
    readonly warehouse: string;
    /** Where drivers write event logs and the History Server reads them, e.g. `s3a://spark-logs/events/`. */
    readonly eventLogDir: string;
    /** Maven repository for the packages. Default Maven Central. */
    readonly mavenRepository?: string;
}

/** `s3://` locations (how the lakehouse records them on MinIO) opened with S3A, as Spark names its file systems. */
export function eventLogUri(storage: StorageSpec, bucketUri: string): string {
    return storage.flavor === "minio" ? bucketUri.replace(/^s3:\/\//, "s3a://") : bucketUri;
}

/**
 * Hadoop file system settings per object-store flavor, as `spark.hadoop.*`: the very settings the lakehouse's
 * metastore uses, so Spark opens every location the metastore records the same way.
 */
export function sparkFileSystem(storage: StorageSpec): Record<string, string> {
    return Object.fromEntries(Object.entries(metastoreFileSystemProperties(storage)).map(([key, value]) => [`spark.hadoop.${key}`, value]));
}

/** Every `spark.*` property of the default configuration, in a stable order. */
export function sparkDefaults(input: SparkConfigInput): Record<string, string> {
    const repository = input.mavenRepository ?? MAVEN_CENTRAL;
    return {
        "spark.jars.packages": [sparkPackages.iceberg, ...(input.storage.flavor === "gcs" ? [] : [sparkPackages[input.storage.flavor]])].join(","),
        "spark.jars.repositories": repository,
        // The image's home is read-only for the job's user under restricted Pod Security; Ivy resolves into /tmp.
        "spark.jars.ivy": "/tmp/.ivy2",
        // GCS: the same pinned shaded connector jar as the metastore's.
        ...(input.storage.flavor === "gcs" ? { "spark.jars": artifactUrl(metastoreJars.gcsConnector, repository) } : {}),
        "spark.sql.extensions": "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        [`spark.sql.catalog.${SPARK_CATALOG}`]: "org.apache.iceberg.spark.SparkCatalog",
        [`spark.sql.catalog.${SPARK_CATALOG}.type`]: "hive",
        [`spark.sql.catalog.${SPARK_CATALOG}.uri`]: input.metastoreUri,
        [`spark.sql.catalog.${SPARK_CATALOG}.warehouse`]: input.warehouse,
        "spark.sql.defaultCatalog": SPARK_CATALOG,
        "spark.hadoop.hive.metastore.uris": input.metastoreUri,
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": input.eventLogDir,
        "spark.history.fs.logDirectory": input.eventLogDir,
        ...sparkFileSystem(input.storage),
    };
}

/** `spark-defaults.conf`: one `key value` line per property. */
export function renderSparkDefaults(props: Record<string, string>): string {
    return `${Object.entries(props)
        .map(([k, v]) => `${k} ${v}`)
        .join("\n")}\n`;
}

export { S3_KEY_ENV };
