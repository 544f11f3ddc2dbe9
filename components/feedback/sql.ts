/**
 * The Trino SQL of the feedback loop, shipped here and executed as written: the bronze and gold DDL (run by the
 * Feedback component's bootstrap Job with Trino's CLI) and the monitoring query the Airflow DAG runs per model
 * and window. Events are KServe v1-protocol JSON (`{"instances": [[...]]}` in, `{"predictions": [...]}` out);
 * other payloads land in bronze all the same, and only the metrics below assume v1.
 */
import { BRONZE_SCHEMA, FeedbackModel, GOLD_SCHEMA, ICEBERG_CATALOG } from "./spec";

export const REQUEST_TYPE = "org.kubeflow.serving.inference.request";
export const RESPONSE_TYPE = "org.kubeflow.serving.inference.response";
export const GOLD_TABLE = `${ICEBERG_CATALOG}.${GOLD_SCHEMA}.model_metrics`;
export const BASELINE_TABLE = `${ICEBERG_CATALOG}.${GOLD_SCHEMA}.baseline`;

/** The metrics the DAG writes to the gold table and exports as `feedback_<metric>{model=...}` gauges. */
export const METRICS = ["request_count", "prediction_mean", "prediction_stddev", "prediction_psi", "feature_mean_shift", "null_rate_increase"] as const;
export type Metric = (typeof METRICS)[number];

/** Schemas at the zones' roots, the gold tables, and one bronze table per model partitioned by day. Idempotent. */
export function bootstrapSql(models: readonly FeedbackModel[], zones: { readonly bronze: string; readonly gold: string }): string {
    const bronze = models.map(
        (m) => `CREATE TABLE IF NOT EXISTS ${ICEBERG_CATALOG}.${BRONZE_SCHEMA}.${m.table} (
    event_id varchar,
    event_type varchar,
    model varchar,
    namespace varchar,
    component varchar,
    endpoint varchar,
    event_time timestamp(6) with time zone,
    payload varchar
) WITH (format = 'PARQUET', partitioning = ARRAY['day(event_time)']);`,
    );
    return [
        `CREATE SCHEMA IF NOT EXISTS ${ICEBERG_CATALOG}.${BRONZE_SCHEMA} WITH (location = '${zones.bronze}${BRONZE_SCHEMA}');`,
        `CREATE SCHEMA IF NOT EXISTS ${ICEBERG_CATALOG}.${GOLD_SCHEMA} WITH (location = '${zones.gold}${GOLD_SCHEMA}');`,
        ...bronze,
        `CREATE TABLE IF NOT EXISTS ${GOLD_TABLE} (
    model varchar,
    window_start timestamp(6) with time zone,
    window_end timestamp(6) with time zone,
    metric varchar,
    value double,
    computed_at timestamp(6) with time zone
) WITH (format = 'PARQUET', partitioning = ARRAY['model', 'month(window_start)']);`,
        // The training pipeline writes its baseline here: metric in (class_share: bucket = class; feature_mean,
        // feature_stddev, feature_null_rate: feature = index of the input column).
        `CREATE TABLE IF NOT EXISTS ${BASELINE_TABLE} (
    model varchar,
    metric varchar,
    feature integer,
    bucket varchar,
    value double
) WITH (format = 'PARQUET');`,
    ].join("\n\n") + "\n";
}

/**
 * One model's metrics over `[window_start, window_end)` (ISO-8601 parameters `:window_start`, `:window_end`
 * substituted by the DAG), inserted into the gold table. Returns the inserted rows' source as a SELECT too,
 * so the DAG reads back what it wrote.
 */
export function monitoringSql(model: Pick<FeedbackModel, "name" | "table" | "baselineTable">): string {
    const bronze = `${ICEBERG_CATALOG}.${BRONZE_SCHEMA}.${model.table}`;
    const m = `'${model.name}'`;
    const win = `event_time >= from_iso8601_timestamp(:window_start) AND event_time < from_iso8601_timestamp(:window_end)`;
    return `INSERT INTO ${GOLD_TABLE}
WITH
responses AS (
    SELECT CAST(json_extract(payload, '$.predictions') AS array(json)) AS predictions
    FROM ${bronze} WHERE event_type = '${RESPONSE_TYPE}' AND ${win}
),
predictions AS (
    SELECT json_format(p) AS label, TRY_CAST(json_format(p) AS double) AS num
    FROM responses CROSS JOIN UNNEST(predictions) AS t(p)
),
requests AS (
    SELECT CAST(json_extract(payload, '$.instances') AS array(array(json))) AS instances
    FROM ${bronze} WHERE event_type = '${REQUEST_TYPE}' AND ${win}
),
cells AS (
    SELECT i - 1 AS feature, TRY_CAST(json_format(row_values[i]) AS double) AS x
    FROM requests CROSS JOIN UNNEST(instances) AS r(row_values) CROSS JOIN UNNEST(sequence(1, cardinality(row_values))) AS s(i)
),
features AS (
    SELECT feature, avg(x) AS mean, count_if(x IS NULL) * 1e0 / count(*) AS null_rate FROM cells GROUP BY feature
),
shares AS (
    SELECT label, count(*) * 1e0 / sum(count(*)) OVER () AS share FROM predictions GROUP BY label
),
baseline AS (SELECT * FROM ${model.baselineTable} WHERE model = ${m}),
psi AS (
    SELECT sum((greatest(coalesce(s.share, 0), 1e-4) - greatest(coalesce(b.value, 0), 1e-4))
             * ln(greatest(coalesce(s.share, 0), 1e-4) / greatest(coalesce(b.value, 0), 1e-4))) AS value
    FROM shares s FULL OUTER JOIN (SELECT bucket, value FROM baseline WHERE metric = 'class_share') b ON s.label = b.bucket
),
shift AS (
    SELECT max(abs(f.mean - bm.value) / nullif(bs.value, 0)) AS mean_shift, max(f.null_rate - coalesce(bn.value, 0)) AS null_increase
    FROM features f
    LEFT JOIN baseline bm ON bm.metric = 'feature_mean' AND bm.feature = f.feature
    LEFT JOIN baseline bs ON bs.metric = 'feature_stddev' AND bs.feature = f.feature
    LEFT JOIN baseline bn ON bn.metric = 'feature_null_rate' AND bn.feature = f.feature
),
metrics (metric, value) AS (
    SELECT 'request_count', CAST(count(*) AS double) FROM requests
    UNION ALL SELECT 'prediction_mean', avg(num) FROM predictions
    UNION ALL SELECT 'prediction_stddev', stddev(num) FROM predictions
    UNION ALL SELECT 'prediction_psi', value FROM psi
    UNION ALL SELECT 'feature_mean_shift', mean_shift FROM shift
    UNION ALL SELECT 'null_rate_increase', null_increase FROM shift
)
SELECT ${m}, from_iso8601_timestamp(:window_start), from_iso8601_timestamp(:window_end), metric, value, current_timestamp
FROM metrics WHERE value IS NOT NULL`;
}

/** What the DAG reads back after the insert: the window's metrics of one model. */
export function readBackSql(model: Pick<FeedbackModel, "name">): string {
    return `SELECT metric, value FROM ${GOLD_TABLE} WHERE model = '${model.name}' AND window_start = from_iso8601_timestamp(:window_start)`;
}
