/** Every logical bucket a component of the platform may use (stacks/data.ts's requiredBuckets picks the enabled ones). */
export const LOGICAL_BUCKETS = ["bronze", "silver", "gold", "airflow-logs", "mlflow", "models", "spark-logs", "notebooks"] as const;
export type LogicalBucket = (typeof LOGICAL_BUCKETS)[number];
