/**
 * What Monitoring scrapes, alerts on and draws for serving: the KServe model servers (every InferenceService's
 * predictor/transformer pods) and the KServe controller manager.
 */
import { dashboard, DashboardSpec, green, orange, red } from "../monitoring/grafana";
import { AlertGroup, promString, ruleOf as rule, targetSelector, targetSelector as sel } from "../monitoring/rules";
import type { Relabeling, ScrapeTarget } from "../monitoring/scrape";
import type { MonitoringSource } from "../monitoring/source";

/**
 * KServe model servers. The KServe Python model server (`python/kserve/kserve/metrics.py`, v0.20.0) exports
 * per-model latency histograms (label `model_name`); MLServer (the runtime KServe picks for MLflow models) exports
 * `model_infer_request_success`/`_failure` counters (labels `model`, `version`; prometheus_client adds `_total`).
 */
export const kserveMetrics = [
    "request_predict_seconds_bucket",
    "request_predict_seconds_count",
    "request_preprocess_seconds_bucket",
    "request_postprocess_seconds_bucket",
    "model_infer_request_success_total",
    "model_infer_request_failure_total",
] as const;

/**
 * The KServe controller manager (controller-runtime v0.22.5, the `replace` in KServe v0.20.0's go.mod): reconcile
 * counters from `pkg/internal/controller/metrics/metrics.go` (label `controller`, e.g. `inferenceservice`, the
 * lower-cased kind `For()` names; `result` on the total).
 */
export const kserveControllerMetrics = ["controller_runtime_reconcile_total", "controller_runtime_reconcile_errors_total"] as const;

/** Alert thresholds of the serving rules. */
export interface ServingAlertThresholds {
    /** p95 predict latency (seconds) per model, over 10 minutes. Default 1. */
    readonly inferenceP95Seconds: number;
    /** Failed / all inference requests per model, over 10 minutes. Default 0.05. */
    readonly inferenceErrorRatio: number;
}

export const defaultServingAlertThresholds: ServingAlertThresholds = { inferenceP95Seconds: 1, inferenceErrorRatio: 0.05 };

/**
 * KServe runtimes put their metrics port in the pod annotation `prometheus.kserve.io/port` (the kserve
 * ClusterServingRuntimes set it) and do not always declare a container port, so the address is built from the
 * pod IP and that annotation; 8080 (the KServe default HTTP port) where the annotation is missing. Only the model
 * server container is kept (not the storage initializer or agent).
 */
const kserveRelabelings: Relabeling[] = [
    { action: "keep", sourceLabels: ["__meta_kubernetes_pod_container_name"], regex: "kserve-container" },
    { action: "keep", sourceLabels: ["__meta_kubernetes_pod_phase"], regex: "Running" },
    {
        action: "replace",
        sourceLabels: ["__meta_kubernetes_pod_annotation_prometheus_kserve_io_port"],
        regex: "^$",
        targetLabel: "__meta_kubernetes_pod_annotation_prometheus_kserve_io_port",
        replacement: "8080",
    },
    {
        action: "replace",
        sourceLabels: ["__meta_kubernetes_pod_ip", "__meta_kubernetes_pod_annotation_prometheus_kserve_io_port"],
        separator: ";",
        regex: "(.+);(\\d+)",
        targetLabel: "__address__",
        replacement: "$1:$2",
    },
    { action: "replace", sourceLabels: ["__meta_kubernetes_pod_label_serving_kserve_io_inferenceservice"], targetLabel: "inferenceservice" },
];

/**
 * The controller's metrics as the kserve-resources chart v0.20.0 serves them (`charts/kserve-resources/files/kserve/
 * resources.yaml` and `deployment-patch.yaml` at tag v0.20.0): the manager binds them to 127.0.0.1:8080
 * (`metricsBindAddress`/`metricsBindPort`), and a kube-rbac-proxy sidecar serves them on 0.0.0.0:8443 over TLS with
 * a self-signed certificate, behind a TokenReview and a SubjectAccessReview. The Service
 * `kserve-controller-manager-metrics-service` (labels `control-plane: kserve-controller-manager`) names that port
 * `https`; the other Service with the same labels leaves its port unnamed, so the port name picks the metrics one.
 */
export function kserveControllerTarget(controllerNamespace: string): ScrapeTarget {
    return {
        component: "serving",
        name: "kserve-controller",
        namespace: controllerNamespace,
        kind: "ServiceMonitor",
        selector: { matchLabels: { "control-plane": "kserve-controller-manager" } },
        port: "https",
        portNumber: 8443,
        path: "/metrics",
        interval: "30s",
        tls: { insecureSkipVerify: true },
        serviceAccountToken: true,
        metrics: kserveControllerMetrics,
    };
}

export interface ServingMonitoringArgs {
    /** Namespace of the InferenceServices. */
    readonly namespace: string;
    /** Namespace of the KServe controller. */
    readonly controllerNamespace: string;
    readonly alerts?: Partial<ServingAlertThresholds>;
}

export function servingMonitoring(args: ServingMonitoringArgs): MonitoringSource {
    const models: ScrapeTarget = {
        component: "serving",
        name: "kserve-models",
        namespace: args.namespace,
        kind: "PodMonitor",
        // KServe labels every predictor/transformer pod with the InferenceService it belongs to.
        selector: { matchExpressions: [{ key: "serving.kserve.io/inferenceservice", operator: "Exists" }] },
        portNumber: 8080,
        path: "/metrics",
        interval: "30s",
        relabelings: kserveRelabelings,
        metrics: kserveMetrics,
    };
    const controller = kserveControllerTarget(args.controllerNamespace);
    return {
        targets: [models, controller],
        alertGroups: [servingGroup(models, controller, { ...defaultServingAlertThresholds, ...args.alerts })],
        dashboards: [dashboard("serving", servingDashboard(models, controller))],
        headlines: [
            {
                title: "Inference p95 (all models)",
                type: "stat",
                unit: "s",
                queries: [{ expr: `histogram_quantile(0.95, sum by (le) (rate(request_predict_seconds_bucket${sel(models)}[5m])))` }],
                thresholds: [{ value: null, color: green }, { value: 1, color: orange }],
            },
        ],
    };
}

function servingGroup(target: ScrapeTarget, controller: ScrapeTarget, t: ServingAlertThresholds): AlertGroup {
    const sel = targetSelector(target);
    const failures = `sum by (namespace, model) (rate(model_infer_request_failure_total${sel}[5m]))`;
    const successes = `sum by (namespace, model) (rate(model_infer_request_success_total${sel}[5m]))`;
    const c = targetSelector(controller);
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
            rule(
                "serving",
                "KServeControllerDown",
                "critical",
                "10m",
                `absent(up${c} == 1)`,
                "The KServe controller cannot be scraped",
                "No KServe controller manager has answered a scrape for 10 minutes: InferenceServices are not reconciled and its admission webhook (new or changed models) fails.",
                "kubectl -n <controller namespace> get pods -l control-plane=kserve-controller-manager; read the manager and kube-rbac-proxy logs; check its webhook certificate (cert-manager) and that a NetworkPolicy lets the monitoring namespace reach port 8443.",
            ),
            rule(
                "serving",
                "KServeReconcileErrors",
                "warning",
                "15m",
                `sum by (namespace, controller) (rate(controller_runtime_reconcile_errors_total${c}[5m])) > 0`,
                "The KServe {{ $labels.controller }} controller keeps failing to reconcile",
                "The KServe controller's {{ $labels.controller }} reconciler has returned errors continuously for 15 minutes: the resources it manages do not converge.",
                "kubectl get inferenceservice -A (READY and the conditions' messages); read the KServe manager log for the failing object (storage URI, runtime, RBAC on the model namespace).",
            ),
        ],
    };
}

function servingDashboard(kserve: ScrapeTarget, controller: ScrapeTarget): DashboardSpec {
    const s = sel(kserve);
    const failures = `sum by (model) (rate(model_infer_request_failure_total${s}[5m]))`;
    const successes = `sum by (model) (rate(model_infer_request_success_total${s}[5m]))`;
    const quantile = (q: number) => `histogram_quantile(${q}, sum by (model_name, le) (rate(request_predict_seconds_bucket${s}[5m])))`;
    return {
        uid: "mlp-serving",
        title: "ML platform / Model serving",
        description: "KServe model servers: predict latency percentiles and request rate (KServe Python runtimes), error ratio (MLServer), and the model pods' resources.",
        tags: ["kserve", "serving"],
        rows: [
            {
                panels: [
                    { title: "Model server pods scraped", type: "stat", queries: [{ expr: `sum(up${s})` }] },
                    { title: "Predictions/s", type: "stat", unit: "reqps", queries: [{ expr: `sum(rate(request_predict_seconds_count${s}[5m]))` }] },
                    { title: "p95 predict latency (all models)", type: "stat", unit: "s", queries: [{ expr: `histogram_quantile(0.95, sum by (le) (rate(request_predict_seconds_bucket${s}[5m])))` }], thresholds: [{ value: null, color: green }, { value: 1, color: orange }] },
                    { title: "Error ratio (MLServer)", type: "stat", unit: "percentunit", queries: [{ expr: `sum(rate(model_infer_request_failure_total${s}[5m])) / (sum(rate(model_infer_request_success_total${s}[5m])) + sum(rate(model_infer_request_failure_total${s}[5m])))` }], thresholds: [{ value: null, color: green }, { value: 0.05, color: red }] },
                ],
            },
            {
                panels: [
                    {
                        title: "Predict latency by model",
                        type: "timeseries",
                        unit: "s",
                        queries: [
                            { expr: quantile(0.5), legend: "p50 {{model_name}}" },
                            { expr: quantile(0.95), legend: "p95 {{model_name}}" },
                            { expr: quantile(0.99), legend: "p99 {{model_name}}" },
                        ],
                    },
                    {
                        title: "Pre/post-processing p95 by model",
                        type: "timeseries",
                        unit: "s",
                        queries: [
                            { expr: `histogram_quantile(0.95, sum by (model_name, le) (rate(request_preprocess_seconds_bucket${s}[5m])))`, legend: "pre {{model_name}}" },
                            { expr: `histogram_quantile(0.95, sum by (model_name, le) (rate(request_postprocess_seconds_bucket${s}[5m])))`, legend: "post {{model_name}}" },
                        ],
                    },
                ],
            },
            {
                panels: [
                    { title: "Predictions/s by model", type: "timeseries", unit: "reqps", queries: [{ expr: `sum by (model_name) (rate(request_predict_seconds_count${s}[5m]))`, legend: "{{model_name}}" }] },
                    { title: "Error ratio by model (MLServer)", type: "timeseries", unit: "percentunit", queries: [{ expr: `${failures} / (${successes} + ${failures})`, legend: "{{model}}" }] },
                ],
            },
            {
                panels: [
                    {
                        title: "CPU by InferenceService",
                        type: "timeseries",
                        queries: [{ expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{namespace=${promString(kserve.namespace)}, container="kserve-container"}[5m]))`, legend: "{{pod}}" }],
                    },
                    {
                        title: "Memory by InferenceService",
                        type: "timeseries",
                        unit: "bytes",
                        queries: [{ expr: `sum by (pod) (container_memory_working_set_bytes{namespace=${promString(kserve.namespace)}, container="kserve-container"})`, legend: "{{pod}}" }],
                    },
                ],
            },
            {
                title: "KServe controller",
                panels: [
                    { title: "Controller up", type: "stat", width: 4, queries: [{ expr: `max(up${sel(controller)})` }], thresholds: [{ value: null, color: red }, { value: 1, color: green }] },
                    {
                        title: "Reconciles/s by controller and result",
                        type: "timeseries",
                        width: 10,
                        queries: [{ expr: `sum by (controller, result) (rate(controller_runtime_reconcile_total${sel(controller)}[5m]))`, legend: "{{controller}} {{result}}" }],
                    },
                    {
                        title: "Reconcile errors/s by controller",
                        type: "timeseries",
                        width: 10,
                        queries: [{ expr: `sum by (controller) (rate(controller_runtime_reconcile_errors_total${sel(controller)}[5m]))`, legend: "{{controller}}" }],
                    },
                ],
            },
        ],
    };
}
