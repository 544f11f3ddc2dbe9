import { Cluster, ObjectStorageArgs, PostgresServerArgs } from "../components";
import { PlatformConfig } from "./schema";

/** The buckets every enabled consumer needs, by logical name. */
export function requiredBuckets(on: PlatformConfig["components"]): string[] {
    return [
        ...(on.lakehouse ? ["bronze", "silver", "gold"] : []),
        ...(on.orchestrator ? ["airflow-logs"] : []),
        ...(on.tracking || on.serving ? ["mlflow"] : []),
        ...(on.serving ? ["models"] : []),
        ...(on.compute ? ["spark-logs"] : []),
        ...(on.notebooks ? ["notebooks"] : []),
    ];
}

/** MinIO on kind (and existing dev clusters), GCS on GKE, ADLS Gen2 on AKS. */
export function objectStorageArgs(config: PlatformConfig, cluster: Cluster, buckets: string[]): ObjectStorageArgs {
    const environment = config.environment;
    switch (config.cluster.provider) {
        case "gke":
            return { flavor: "gcs", environment, buckets, gcp: cluster.gcp!, namePrefix: config.cluster.name };
        case "aks":
            return { flavor: "adls", environment, buckets, azure: cluster.azure!, namePrefix: config.cluster.name };
        default:
            return { flavor: "minio", environment, buckets, mirror: config.mirror };
    }
}

/** In-cluster Postgres on kind, Cloud SQL on GKE, Flexible Server on AKS. */
export function postgresArgs(config: PlatformConfig, cluster: Cluster): PostgresServerArgs {
    const environment = config.environment;
    switch (config.cluster.provider) {
        case "gke":
            return { flavor: "cloudsql", environment, gcp: cluster.gcp!, instanceName: `${config.cluster.name}-pg` };
        case "aks":
            return { flavor: "flexible", environment, azure: cluster.azure!, namePrefix: config.cluster.name, subnetCidr: config.cluster.network.databaseCidr };
        default:
            return { flavor: "in-cluster", environment, mirror: config.mirror };
    }
}
