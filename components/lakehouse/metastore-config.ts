/**
 * The Hive Metastore's configuration as pure functions: the site file, the environment that carries the
 * secrets into it, and the jars each storage flavor needs.
 *
 * The file is `hive-site.xml`, not `metastore-site.xml`: the full apache/hive image's schematool
 * (`HiveSchemaTool`) reads its connection through `HiveConf`, which loads hive-site.xml but never
 * metastore-site.xml, while the metastore server (`MetastoreConf`) reads both. One file serves both.
 *
 * Secrets never enter the file: Hadoop's Configuration expands `${env.NAME}` when a value is read
 * (hadoop-common 3.4.1 `Configuration.substituteVars`), and the metastore and schematool read the JDBC URL,
 * user and password through it (`MetastoreConf.getAsString`, `MetastoreConf.getPassword` ->
 * `Configuration.getPassword` -> `get`). The pod fills those variables from the database Secret.
 */
import { MavenArtifact, metastoreJars } from "./jars";
import { AZURE_WORKLOAD_IDENTITY_ENV, StorageSpec } from "./storage";

/** Thrift port of the metastore. */
export const METASTORE_PORT = 9083;

/** Port of the Prometheus JMX exporter agent (HTTP, `/metrics`), named `metrics` on the pod for Monitoring's PodMonitor. */
export const METASTORE_METRICS_PORT = 9404;

/**
 * Prometheus JMX exporter agent configuration (the agent's JVM metrics are always exported, independent of it).
 * Only the `metrics` domain is collected: the Dropwizard JmxReporter's default domain, under which the metastore
 * registers its own metrics (API call timers, open connections, object counts) once `metastore.metrics.enabled`
 * is set. Everything else (Hadoop metrics2, DataNucleus, Catalina) stays out, which keeps cardinality small.
 * Dropwizard counters go up and down (`open_connections`), so every value is a gauge. No secrets: the agent
 * reads MBeans in-process and needs no credentials.
 */
export const JMX_EXPORTER_CONFIG = `lowercaseOutputName: true
lowercaseOutputLabelNames: true
includeObjectNames: ["metrics:*"]
rules:
  # name= is matched wherever it sits: metrics 3.x names have no type=, 4.x puts type= after it.
  - pattern: 'metrics<.*name=([^,>]+).*><>(?:Count|Value):'
    name: hive_metastore_$1
    type: GAUGE
`;

/** The JVM flag that starts the exporter agent on `port` with the given configuration file. */
export function jmxExporterAgentOption(agentJar: string, configFile: string, port: number = METASTORE_METRICS_PORT): string {
    return `-javaagent:${agentJar}=${port}:${configFile}`;
}

/** Environment variables the site file references, and the database Secret key each comes from. */
export const METASTORE_DB_ENV = {
    url: "METASTORE_DB_URL",
    user: "METASTORE_DB_USER",
    password: "METASTORE_DB_PASSWORD",
} as const;

export interface MetastoreConfigInput {
    readonly storage: StorageSpec;
    /** Default location of managed tables and of schemas created without a location. */
    readonly warehouseDir: string;
    /** Default location of external tables created without a location. */
    readonly externalWarehouseDir: string;
}

const env = (name: string) => `\${env.${name}}`;

/** File system settings for the metastore's Hadoop client (it creates and removes schema and table directories). */
export function metastoreFileSystemProperties(storage: StorageSpec): Record<string, string> {
    switch (storage.flavor) {
        case "minio":
            return {
                // Trino writes `s3://` locations; S3A serves that scheme too.
                "fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
                "fs.AbstractFileSystem.s3.impl": "org.apache.hadoop.fs.s3a.S3A",
                "fs.s3a.endpoint": storage.s3Endpoint,
                "fs.s3a.endpoint.region": storage.region,
                "fs.s3a.path.style.access": "true",
                "fs.s3a.connection.ssl.enabled": String(storage.s3Endpoint.startsWith("https://")),
                // Only the keys from the grant's Secret: never probe instance metadata for other credentials.
                "fs.s3a.aws.credentials.provider": "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider",
            };
        case "gcs":
            return {
                "fs.gs.impl": "com.google.cloud.hadoop.fs.gcs.GoogleHadoopFileSystem",
                "fs.AbstractFileSystem.gs.impl": "com.google.cloud.hadoop.fs.gcs.GoogleHadoopFS",
                // GKE workload identity through the metadata server.
                "fs.gs.auth.type": "APPLICATION_DEFAULT",
            };
        case "adls":
            return {
                "fs.azure.account.auth.type": "OAuth",
                // hadoop-azure 3.4.1 exchanges the projected service-account token for an Entra token.
                "fs.azure.account.oauth.provider.type": "org.apache.hadoop.fs.azurebfs.oauth2.WorkloadIdentityTokenProvider",
                "fs.azure.account.oauth2.msi.tenant": env(AZURE_WORKLOAD_IDENTITY_ENV.tenantId),
                "fs.azure.account.oauth2.client.id": env(AZURE_WORKLOAD_IDENTITY_ENV.clientId),
                "fs.azure.account.oauth2.token.file": env(AZURE_WORKLOAD_IDENTITY_ENV.tokenFile),
            };
    }
}

/** Every property of hive-site.xml, in file order. */
export function metastoreProperties(input: MetastoreConfigInput): Record<string, string> {
    return {
        "javax.jdo.option.ConnectionDriverName": "org.postgresql.Driver",
        "javax.jdo.option.ConnectionURL": env(METASTORE_DB_ENV.url),
        "javax.jdo.option.ConnectionUserName": env(METASTORE_DB_ENV.user),
        "javax.jdo.option.ConnectionPassword": env(METASTORE_DB_ENV.password),
        // The schema Job owns the schema: a server never creates tables or runs against a mismatched version.
        "datanucleus.schema.autoCreateAll": "false",
        "metastore.schema.verification": "true",
        "metastore.thrift.port": String(METASTORE_PORT),
        "metastore.warehouse.dir": input.warehouseDir,
        "metastore.warehouse.external.dir": input.externalWarehouseDir,
        // Registers the metastore's own metrics as MBeans for the JMX exporter agent; the default reporters
        // also include `json`, which rewrites /tmp/report.json every minute for nobody.
        "metastore.metrics.enabled": "true",
        "metastore.metrics.reporters": "jmx",
        ...metastoreFileSystemProperties(input.storage),
    };
}

function xmlEscape(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A Hadoop configuration XML document. */
export function hadoopXml(props: Record<string, string>): string {
    const body = Object.entries(props)
        .map(([k, v]) => `  <property>\n    <name>${xmlEscape(k)}</name>\n    <value>${xmlEscape(v)}</value>\n  </property>`)
        .join("\n");
    return `<?xml version="1.0" encoding="UTF-8"?>\n<configuration>\n${body}\n</configuration>\n`;
}

export function metastoreSiteXml(input: MetastoreConfigInput): string {
    return hadoopXml(metastoreProperties(input));
}

/** Hadoop tool modules from the image's share/hadoop/tools/lib to put on the classpath, per flavor. */
export function hadoopOptionalTools(flavor: StorageSpec["flavor"]): string | undefined {
    switch (flavor) {
        case "minio":
            return "hadoop-aws";
        case "adls":
            return "hadoop-azure";
        case "gcs":
            return undefined;
    }
}

/** Jars fetched at start: the JDBC driver always, the GCS connector on GCS. */
export function metastoreArtifacts(flavor: StorageSpec["flavor"]): MavenArtifact[] {
    return flavor === "gcs" ? [metastoreJars.postgresJdbc, metastoreJars.gcsConnector] : [metastoreJars.postgresJdbc];
}
