import { Cluster, ObjectStorageArgs, PostgresServerArgs } from "../components";
import { LogicalBucket } from "./buckets";
import { PlatformConfig } from "./schema";

/** The buckets every enabled consumer needs, by logical name. */
export function requiredBuckets(on: PlatformConfig["components"]): LogicalBucket[] {
    const when = (on: boolean | undefined, ...buckets: LogicalBucket[]) => (on ? buckets : []);
    return [
        ...when(on.lakehouse, "bronze", "silver", "gold"),
        ...when(on.orchestrator, "airflow-logs"),
        ...when(on.tracking || on.serving, "mlflow"),
        ...when(on.serving, "models"),
        ...when(on.compute, "spark-logs"),
        ...when(on.notebooks, "notebooks"),
    ];
}

/** MinIO on kind (and existing clusters without `objectStorage`), GCS on GKE, ADLS Gen2 on AKS, or the existing S3 store. */
export function objectStorageArgs(config: PlatformConfig, cluster: Cluster, buckets: LogicalBucket[]): ObjectStorageArgs {
    const environment = config.environment;
    if (config.cluster.provider === "existing" && config.cluster.objectStorage) {
        const { endpoint, region, buckets: names, credentials, peerCidr } = config.cluster.objectStorage;
        // Only the buckets the enabled components use (rules.ts checks each has a name).
        const existing = { endpoint, region, buckets: Object.fromEntries(buckets.map((b) => [b, names[b]!])), credentials, ...(peerCidr ? { peer: { cidr: peerCidr } } : {}) };
        return { flavor: "minio", existing };
    }
    switch (config.cluster.provider) {
        case "gke":
            return { flavor: "gcs", environment, buckets, gcp: cluster.gcp!, namePrefix: config.cluster.name };
        case "aks":
            return { flavor: "adls", environment, buckets, azure: cluster.azure!, namePrefix: config.cluster.name };
        default:
            return { flavor: "minio", environment, buckets, mirror: config.mirror };
    }
}

/** In-cluster Postgres on kind (and existing clusters without `postgres`), Cloud SQL on GKE, Flexible Server on AKS, or the existing server. */
export function postgresArgs(config: PlatformConfig, cluster: Cluster): PostgresServerArgs {
    const environment = config.environment;
    if (config.cluster.provider === "existing" && config.cluster.postgres) {
        const { peerCidr, ...server } = config.cluster.postgres;
        return { flavor: "existing", ...server, ...(peerCidr ? { peer: { cidr: peerCidr } } : {}) };
    }
    switch (config.cluster.provider) {
        case "gke":
            return { flavor: "cloudsql", environment, gcp: cluster.gcp!, instanceName: `${config.cluster.name}-pg` };
        case "aks":
            return { flavor: "flexible", environment, azure: cluster.azure!, namePrefix: config.cluster.name, subnetCidr: config.cluster.network.databaseCidr };
        default:
            return { flavor: "in-cluster", environment, mirror: config.mirror };
    }
}
