import { containerResources as r } from "../common/kubernetes";

/**
 * Replicas and container resources for every container the Airflow chart runs, per environment. Data, not
 * logic: the values builder copies these into the chart's `resources` keys, and tests sum them.
 */

export type Environment = "dev" | "prod";

export interface Quantity {
    readonly cpu: string;
    readonly memory: string;
}

export interface Resources {
    readonly requests: Quantity;
    readonly limits: Quantity;
}

export interface AirflowSizing {
    readonly scheduler: { readonly replicas: number; readonly resources: Resources; readonly logGroomer: Resources };
    /** Airflow 3 requires a standalone DAG processor; more than one on the same bundle only duplicates parsing. */
    readonly dagProcessor: { readonly replicas: 1; readonly resources: Resources; readonly logGroomer: Resources; readonly parsingProcesses: number };
    readonly triggerer: { readonly replicas: number; readonly resources: Resources; readonly logGroomer: Resources };
    readonly apiServer: { readonly replicas: number; readonly resources: Resources; readonly workers: number };
    readonly statsd: Resources;
    /** One per pod that mounts DAGs (sidecar in DAG processor, triggerer and Celery workers; init container in task pods). */
    readonly gitSync: Resources;
    /** KubernetesExecutor: each task pod. CeleryExecutor: each Celery worker. */
    readonly workers: { readonly replicas: number; readonly resources: Resources };
    readonly pgbouncer: {
        readonly replicas: number;
        readonly resources: Resources;
        readonly exporter: Resources;
        /** Server connections PgBouncer keeps to Postgres for the metadata database. */
        readonly poolSize: number;
        readonly maxClientConnections: number;
    };
    readonly redis: Resources;
    readonly jobs: { readonly migrateDatabase: Resources; readonly createUser: Resources; readonly cleanup: Resources; readonly databaseCleanup: Resources };
    /** Days each sidecar keeps local log files; the durable copy is in the object store. */
    readonly localLogRetentionDays: number;
}

export const airflowSizing: Record<Environment, AirflowSizing> = {
    // Requests are what scripts/measure-airflow-memory.sh measured (Airflow 3.2.2, dev's config and DAGs, working set
    // of each process tree): the scheduler with its executor's children 425 MiB, the DAG processor 352 MiB (median) to
    // 459 (with a parsing child) and 0.55-0.6 CPU re-parsing the example DAGs, the triggerer 191, the API server
    // 211-234. Limits leave room for parsing spikes.
    dev: {
        scheduler: { replicas: 1, resources: r("100m", "448Mi", "1", "1Gi"), logGroomer: r("10m", "32Mi", "100m", "64Mi") },
        dagProcessor: { replicas: 1, resources: r("600m", "464Mi", "1", "1Gi"), logGroomer: r("10m", "32Mi", "100m", "64Mi"), parsingProcesses: 1 },
        triggerer: { replicas: 1, resources: r("50m", "208Mi", "500m", "768Mi"), logGroomer: r("10m", "32Mi", "100m", "64Mi") },
        apiServer: { replicas: 1, resources: r("100m", "256Mi", "1", "1536Mi"), workers: 1 },
        statsd: r("10m", "32Mi", "100m", "64Mi"),
        gitSync: r("10m", "32Mi", "200m", "256Mi"),
        workers: { replicas: 1, resources: r("100m", "256Mi", "1", "1Gi") },
        pgbouncer: { replicas: 1, resources: r("10m", "32Mi", "200m", "128Mi"), exporter: r("10m", "32Mi", "100m", "64Mi"), poolSize: 10, maxClientConnections: 100 },
        redis: r("20m", "64Mi", "200m", "256Mi"),
        jobs: {
            migrateDatabase: r("100m", "256Mi", "1", "1Gi"),
            createUser: r("50m", "256Mi", "500m", "512Mi"),
            cleanup: r("10m", "128Mi", "200m", "256Mi"),
            databaseCleanup: r("50m", "256Mi", "500m", "512Mi"),
        },
        localLogRetentionDays: 3,
    },
    // Two of everything that can run twice, sized for a few hundred DAGs; limits leave room for parsing spikes.
    prod: {
        scheduler: { replicas: 2, resources: r("500m", "1Gi", "2", "2Gi"), logGroomer: r("20m", "64Mi", "200m", "128Mi") },
        dagProcessor: { replicas: 1, resources: r("500m", "1Gi", "2", "2Gi"), logGroomer: r("20m", "64Mi", "200m", "128Mi"), parsingProcesses: 2 },
        triggerer: { replicas: 2, resources: r("250m", "512Mi", "1", "1Gi"), logGroomer: r("20m", "64Mi", "200m", "128Mi") },
        apiServer: { replicas: 2, resources: r("500m", "1Gi", "2", "2Gi"), workers: 2 },
        statsd: r("50m", "64Mi", "200m", "128Mi"),
        gitSync: r("50m", "64Mi", "500m", "256Mi"),
        workers: { replicas: 2, resources: r("500m", "1Gi", "2", "4Gi") },
        pgbouncer: { replicas: 2, resources: r("100m", "64Mi", "1", "256Mi"), exporter: r("20m", "32Mi", "100m", "64Mi"), poolSize: 20, maxClientConnections: 250 },
        redis: r("100m", "256Mi", "500m", "512Mi"),
        jobs: {
            migrateDatabase: r("500m", "512Mi", "1", "1Gi"),
            createUser: r("100m", "256Mi", "500m", "512Mi"),
            cleanup: r("50m", "128Mi", "200m", "256Mi"),
            databaseCleanup: r("100m", "256Mi", "1", "1Gi"),
        },
        localLogRetentionDays: 7,
    },
};
