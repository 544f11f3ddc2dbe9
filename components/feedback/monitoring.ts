/**
 * What Monitoring scrapes, alerts on and draws for the feedback loop.
 *
 * Two metric paths: the receiver's own (Vector's `internal_metrics` on its `prometheus_exporter`, a PodMonitor here)
 * and the monitoring job's results. No pushgateway: the DAG sends each window's values as StatsD gauges with
 * DogStatsD tags (`feedback.prediction_psi:0.12|g|#model:sklearn-iris`) to the Airflow chart's statsd-exporter,
 * which Monitoring already scrapes (target `airflow-statsd`) and which turns them into
 * `feedback_prediction_psi{model="sklearn-iris"}`. The gold table keeps the history; the gauges hold the last
 * window until the next run.
 */
import { dashboard, DashboardSpec, green, orange, red } from "../monitoring/grafana";
import { AlertGroup, AlertRule, promString, ruleOf as rule, targetSelector } from "../monitoring/rules";
import type { ScrapeTarget } from "../monitoring/scrape";
import type { MonitoringSource } from "../monitoring/source";
import { COMPONENT, FeedbackModel, RECEIVER_METRICS_PORT, receiverPods } from "./spec";

/** Vector 0.57.0 internal metrics (prometheus_exporter adds the `vector_` namespace). */
export const receiverMetrics = [
    "vector_component_received_events_total",
    "vector_component_sent_events_total",
    "vector_component_discarded_events_total",
    "vector_component_errors_total",
    "vector_buffer_events",
] as const;

/** The gauges the monitoring DAG sends (one per metric of sql.ts's METRICS), as statsd-exporter names them. */
export const jobMetrics = ["request_count", "prediction_mean", "prediction_stddev", "prediction_psi", "feature_mean_shift", "null_rate_increase"].map((m) => `feedback_${m}`);

/** The statsd-exporter target the job's gauges arrive through (the Orchestrator's). */
export const JOB_METRICS_TARGET = "airflow-statsd";
const job = (metric: string, model: string) => `feedback_${metric}{platform_target=${promString(JOB_METRICS_TARGET)}, model=${promString(model)}}`;

export function feedbackMonitoring(namespace: string, models: readonly FeedbackModel[]): MonitoringSource {
    const receiver: ScrapeTarget = {
        component: COMPONENT,
        name: "feedback-logger",
        namespace,
        kind: "PodMonitor",
        selector: { matchLabels: { ...receiverPods } },
        port: "metrics",
        portNumber: RECEIVER_METRICS_PORT,
        path: "/metrics",
        interval: "30s",
        metrics: receiverMetrics,
    };
    const s = (extra = "") => targetSelector(receiver, extra);
    const perModel: AlertRule[] = models.flatMap((m) => {
        const t = m.thresholds;
        const labels = `model ${m.name}${m.retrainDag ? `; retraining DAG ${m.retrainDag}` : ""}`;
        const runbook = `Query ${"lakehouse.feedback_gold.model_metrics"} for model '${m.name}' and compare with its baseline; ${m.retrainDag ? `the alert's webhook triggers Airflow DAG ${m.retrainDag}` : "no retraining DAG is configured (serving.models[].feedback.retrainDag)"}.`;
        return [
            rule(COMPONENT, "FeedbackPredictionDrift", "warning", "5m", `${job("prediction_psi", m.name)} > ${t.predictionPsi}`,
                `${m.name}: prediction PSI {{ $value | humanize }} against the training baseline`,
                `The population stability index of ${m.name}'s predictions over the last window is above ${t.predictionPsi} (${labels}).`, runbook),
            rule(COMPONENT, "FeedbackInputDrift", "warning", "5m", `${job("feature_mean_shift", m.name)} > ${t.featureMeanShift}`,
                `${m.name}: an input feature's mean moved {{ $value | humanize }} baseline standard deviations`,
                `An input feature of ${m.name} drifted by more than ${t.featureMeanShift} standard deviations of the training data (${labels}).`, runbook),
            rule(COMPONENT, "FeedbackNullRateIncrease", "warning", "5m", `${job("null_rate_increase", m.name)} > ${t.nullRateIncrease}`,
                `${m.name}: an input feature's null rate rose by {{ $value | humanizePercentage }}`,
                `The null rate of an input feature of ${m.name} is more than ${t.nullRateIncrease} above the training data's (${labels}).`, runbook),
            rule(COMPONENT, "FeedbackTooFewRequests", "warning", "5m", `${job("request_count", m.name)} < ${t.minRequests}`,
                `${m.name}: only {{ $value }} logged requests in the last window`,
                `Fewer than ${t.minRequests} requests of ${m.name} were logged in the window: drift numbers are not meaningful (sampling, idle model, or the logger path is broken).`,
                "Check the receiver's dashboard (sent vs received events) and the model's agent log.",
            ),
        ].map((r) => ({ ...r, labels: { ...r.labels, model: m.name, ...(m.retrainDag ? { retrain_dag: m.retrainDag } : {}) } }));
    });
    const receiverGroup: AlertGroup = {
        name: "ml-platform.feedback",
        rules: [
            rule(COMPONENT, "FeedbackLoggerErrors", "warning", "10m",
                `sum(rate(vector_component_errors_total${s()}[5m])) > 0`,
                "The inference-log receiver reports {{ $value | humanize }} errors/s",
                "Vector fails to receive or deliver inference events (Kafka unreachable, authentication, or malformed requests): events are being lost.",
                `kubectl -n ${namespace} logs deploy/feedback-logger; check the Kafka connection Secret and the brokers.`),
        ],
    };
    return {
        targets: [receiver],
        alertGroups: [receiverGroup, ...(perModel.length ? [{ name: "ml-platform.feedback.models", rules: perModel }] : [])],
        dashboards: models.map((m) => dashboard(COMPONENT, modelDashboard(m, receiver))),
        headlines: [{ title: "Inference events logged/s", type: "stat", unit: "reqps", queries: [{ expr: `sum(rate(vector_component_sent_events_total${s(', component_id="kafka"')}[5m]))` }] }],
    };
}

function modelDashboard(m: FeedbackModel, receiver: ScrapeTarget): DashboardSpec {
    const t = m.thresholds;
    const steps = (limit: number) => [{ value: null, color: green }, { value: limit * 0.75, color: orange }, { value: limit, color: red }];
    return {
        uid: `mlp-feedback-${m.name}`.slice(0, 40),
        title: `ML platform / Feedback / ${m.name}`,
        description: `Prediction behaviour and input drift of ${m.name} per monitoring window (gold table lakehouse.feedback_gold.model_metrics), and its logging path.`,
        tags: ["feedback", "drift", m.name],
        rows: [
            {
                panels: [
                    { title: "Prediction PSI", type: "stat", queries: [{ expr: job("prediction_psi", m.name) }], thresholds: steps(t.predictionPsi) },
                    { title: "Largest feature mean shift (σ)", type: "stat", queries: [{ expr: job("feature_mean_shift", m.name) }], thresholds: steps(t.featureMeanShift) },
                    { title: "Largest null-rate increase", type: "stat", unit: "percentunit", queries: [{ expr: job("null_rate_increase", m.name) }], thresholds: steps(t.nullRateIncrease) },
                    { title: "Requests in window", type: "stat", queries: [{ expr: job("request_count", m.name) }] },
                ],
            },
            {
                panels: [
                    { title: "Prediction mean and stddev", type: "timeseries", queries: [{ expr: job("prediction_mean", m.name), legend: "mean" }, { expr: job("prediction_stddev", m.name), legend: "stddev" }] },
                    { title: "Drift over time", type: "timeseries", queries: [{ expr: job("prediction_psi", m.name), legend: "PSI" }, { expr: job("feature_mean_shift", m.name), legend: "mean shift" }] },
                    {
                        title: "Events to Kafka/s",
                        type: "timeseries",
                        unit: "reqps",
                        queries: [{ expr: `sum by (component_id) (rate(vector_component_sent_events_total${targetSelector(receiver)}[5m]))`, legend: "{{component_id}}" }],
                    },
                ],
            },
        ],
    };
}
