/** Alert rules of the platform components, one group per component; only scraped components get theirs. */
import { AlertGroup, AlertThresholds, ruleOf as rule, targetSelector } from "./rules";
import { ScrapeTarget } from "./scrape";

export function orchestratorGroup(target: ScrapeTarget): AlertGroup {
    const sel = targetSelector(target);
    return {
        name: "ml-platform.orchestrator",
        rules: [
            rule(
                "orchestrator",
                "AirflowSchedulerHeartbeatMissing",
                "critical",
                "5m",
                `sum by (namespace) (rate(airflow_scheduler_heartbeat${sel}[5m])) == 0 or absent(airflow_scheduler_heartbeat${sel})`,
                "Airflow scheduler heartbeat is missing",
                "No Airflow scheduler has sent a heartbeat for 5 minutes: no DAG runs or tasks are being scheduled.",
                "kubectl -n <airflow namespace> get pods -l component=scheduler; read the scheduler log (database connectivity, DAG parsing stalls); check the statsd exporter pod is up.",
            ),
            rule(
                "orchestrator",
                "AirflowDagImportErrors",
                "warning",
                "15m",
                `max by (namespace) (airflow_dag_processing_import_errors${sel}) > 0`,
                "Airflow has DAG import errors",
                "{{ $value }} DAG files fail to import: their DAGs are not scheduled.",
                "Open Browse → DAG import errors in the Airflow UI, or airflow dags list-import-errors in the scheduler pod.",
            ),
        ],
    };
}

export function lakehouseGroup(trino: ScrapeTarget): AlertGroup {
    const sel = targetSelector(trino);
    const nodes = `trino_node_name_CoordinatorNodeManager_ActiveNodeCount${sel}`;
    return {
        name: "ml-platform.lakehouse",
        rules: [
            rule(
                "lakehouse",
                "TrinoNoActiveWorkers",
                "critical",
                "5m",
                // The coordinator counts itself among the active nodes.
                `max by (namespace) (${nodes}) - 1 < 1`,
                "Trino has no active workers",
                "The Trino coordinator in {{ $labels.namespace }} sees no active worker: every query queues until one joins.",
                "kubectl -n <lakehouse namespace> get pods -l app.kubernetes.io/component=worker; check worker logs for discovery/announce errors and that workers fit on the nodes (memory requests).",
            ),
            rule(
                "lakehouse",
                "TrinoCoordinatorMetricsMissing",
                "critical",
                "5m",
                `absent(${nodes})`,
                "Trino coordinator reports no node count",
                "No Trino coordinator has reported its active nodes for 5 minutes: the coordinator is down or cannot be scraped.",
                "kubectl -n <lakehouse namespace> get pods -l app.kubernetes.io/component=coordinator; read its log; check Prometheus /targets for the trino target's error (401 means authentication was enabled).",
            ),
        ],
    };
}

export function servingGroup(target: ScrapeTarget, t: AlertThresholds): AlertGroup {
    const sel = targetSelector(target);
    const failures = `sum by (namespace, model) (rate(model_infer_request_failure_total${sel}[5m]))`;
    const successes = `sum by (namespace, model) (rate(model_infer_request_success_total${sel}[5m]))`;
    return {
        name: "ml-platform.serving",
        rules: [
            rule(
                "serving",
                "InferenceLatencyP95High",
                "warning",
                "10m",
                `histogram_quantile(0.95, sum by (namespace, model_name, le) (rate(request_predict_seconds_bucket${sel}[5m]))) > ${t.inferenceP95Seconds}`,
                "Model {{ $labels.model_name }} p95 latency is {{ $value | humanizeDuration }}",
                `The 95th percentile predict latency of model {{ $labels.namespace }}/{{ $labels.model_name }} has been above ${t.inferenceP95Seconds}s for 10 minutes.`,
                "Check the predictor pods' CPU throttling and memory on the serving dashboard; raise replicas (minReplicas/scaleTarget) or resources; look for slow preprocessing in request_preprocess_seconds.",
            ),
            rule(
                "serving",
                "InferenceErrorRateHigh",
                "warning",
                "10m",
                `${failures} / (${successes} + ${failures}) > ${t.inferenceErrorRatio}`,
                "Model {{ $labels.model }} fails {{ $value | humanizePercentage }} of requests",
                `More than ${t.inferenceErrorRatio * 100}% of inference requests to model {{ $labels.namespace }}/{{ $labels.model }} have failed for 10 minutes.`,
                "Read the kserve-container log for the exception; check the request payloads match the model signature and that the model artifact loaded (InferenceService status).",
            ),
        ],
    };
}

export function storageGroup(target: ScrapeTarget): AlertGroup {
    const sel = targetSelector(target);
    return {
        name: "ml-platform.storage",
        rules: [
            rule(
                "storage",
                "MinioNodesOffline",
                "critical",
                "5m",
                `max by (namespace) (minio_cluster_nodes_offline_total${sel}) > 0`,
                "MinIO has offline nodes",
                "{{ $value }} MinIO nodes are offline in {{ $labels.namespace }}.",
                "kubectl -n <storage namespace> get pods -l app.kubernetes.io/name=minio; check the pod log and its PVC.",
            ),
            rule(
                "storage",
                "MinioCapacityLow",
                "warning",
                "30m",
                `min by (namespace) (minio_cluster_capacity_usable_free_bytes${sel} / minio_cluster_capacity_usable_total_bytes${sel}) < 0.1`,
                "MinIO has less than 10% usable capacity left",
                "Only {{ $value | humanizePercentage }} of MinIO's usable capacity is free in {{ $labels.namespace }}.",
                "Expire old objects (bucket lifecycle rules for raw/bronze data, MLflow artifacts) or expand the MinIO volume.",
            ),
        ],
    };
}

export function postgresGroup(target: ScrapeTarget): AlertGroup {
    const sel = targetSelector(target);
    return {
        name: "ml-platform.postgres",
        rules: [
            rule(
                "postgres",
                "PostgresDown",
                "critical",
                "2m",
                `max by (namespace) (pg_up${sel}) == 0`,
                "Postgres is unreachable",
                "postgres-exporter cannot connect to the platform Postgres: the metastore, Airflow and MLflow are failing.",
                "Check the Postgres pod/instance status and its log; verify the exporter's credentials Secret is current.",
            ),
        ],
    };
}

export function trackingGroup(target: ScrapeTarget): AlertGroup {
    const sel = (extra = "") => targetSelector(target, extra);
    return {
        name: "ml-platform.tracking",
        rules: [
            rule(
                "tracking",
                "MlflowServerErrors",
                "warning",
                "10m",
                `sum by (namespace) (rate(mlflow_http_request_total${sel(', status=~"5.."')}[5m])) / sum by (namespace) (rate(mlflow_http_request_total${sel()}[5m])) > 0.05`,
                "MLflow answers {{ $value | humanizePercentage }} of requests with 5xx",
                "More than 5% of MLflow tracking requests have failed for 10 minutes: runs and models are not being logged.",
                "Read the MLflow server log; check its Postgres backend store and artifact store credentials.",
            ),
        ],
    };
}
