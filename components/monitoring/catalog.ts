/**
 * How each platform component is scraped. Where another component decides its own labels and ports, the selector
 * is an input whose default matches the upstream chart/operator labels (or that component's spec in this repo).
 */
import {
    airflowMetrics,
    flinkJobMetrics,
    flinkOperatorMetrics,
    hiveMetastoreMetrics,
    kafkaBrokerMetrics,
    kafkaConnectMetrics,
    kafkaExporterMetrics,
    kserveMetrics,
    minioMetrics,
    mlflowMetrics,
    postgresMetrics,
    strimziOperatorMetrics,
    trinoMetrics,
} from "./metrics";
import { LabelSelector, Relabeling, ScrapeTarget } from "./scrape";

/** Where a component's metrics are and, for components another engineer builds, how its pods are labelled. */
export interface SelectorOverride {
    /** Labels of the Services (ServiceMonitor) or Pods (PodMonitor) to scrape. */
    readonly selector?: LabelSelector;
    /** Named port serving metrics. */
    readonly port?: string;
    /** Number behind the port (NetworkPolicy flow). */
    readonly portNumber?: number;
}

export interface StorageScrape extends SelectorOverride {
    /** Namespace of the in-cluster MinIO. Only MinIO is scraped: GCS and ADLS are monitored by their cloud. */
    readonly namespace: string;
}

export interface PostgresScrape {
    /** Namespace of the postgres-exporter Deployment (Monitoring's own namespace). */
    readonly namespace: string;
    /** Labels of the exporter's Service. */
    readonly selector: LabelSelector;
}

export interface LakehouseScrape {
    readonly namespace: string;
    /** Trino coordinator and workers. Default: the trinodb chart's Services (`app.kubernetes.io/name: trino`, port `http` 8080). */
    readonly trino?: SelectorOverride;
    /**
     * Hive Metastore with the Prometheus JMX exporter agent. Default: pods labelled
     * `app.kubernetes.io/name: hive-metastore`, port `metrics` 9404. `false`: not scraped.
     */
    readonly metastore?: SelectorOverride | false;
}

export interface StreamingScrape {
    /** Namespace of the Kafka cluster, Kafka Connect and Kafka Exporter pods (Strimzi puts them together). */
    readonly namespace: string;
    /** Namespace of the Strimzi cluster operator. Default: `namespace`. */
    readonly strimziOperatorNamespace?: string;
    /** Scrape Kafka Connect (Debezium). Default true. */
    readonly connect?: boolean;
    /**
     * Flink operator and jobs. Default: both in `namespace`; operator pods `app.kubernetes.io/name:
     * flink-kubernetes-operator` port `metrics` 9999, job pods `type: flink-native-kubernetes` port `metrics` 9249.
     * `false`: not scraped.
     */
    readonly flink?: { readonly operatorNamespace?: string; readonly jobNamespace?: string } | false;
    /**
     * Regex of the CDC topics whose consumer lag is alerted on. Default `cdc\..+` (Debezium `topic.prefix: cdc`,
     * so topics are `cdc.<schema>.<table>`).
     */
    readonly cdcTopicPattern?: string;
}

export interface OrchestratorScrape {
    readonly namespace: string;
    /** Helm release name of the official Airflow chart (its statsd Service carries `release: <name>`). Default `airflow`. */
    readonly release?: string;
}

export interface TrackingScrape extends SelectorOverride {
    /**
     * Namespace of the MLflow tracking server, started with `--expose-prometheus`. Default selector: the Service
     * labelled `app.kubernetes.io/name: mlflow`, port `metrics` 9090 (the tracking component's metrics sidecar).
     */
    readonly namespace: string;
}

export interface ServingScrape {
    /** Namespace of the InferenceServices. */
    readonly namespace: string;
}

/** The enabled platform components, as the stack composition describes them to Monitoring. */
export interface MonitoredPlatform {
    readonly storage?: StorageScrape;
    readonly postgres?: PostgresScrape;
    readonly lakehouse?: LakehouseScrape;
    readonly streaming?: StreamingScrape;
    readonly orchestrator?: OrchestratorScrape;
    readonly tracking?: TrackingScrape;
    readonly serving?: ServingScrape;
}

/** Name of the Secret (in the monitoring namespace) holding the user Prometheus presents to Trino. */
export const TRINO_SCRAPE_SECRET = "trino-scrape-user";
/** Trino with no password authenticator takes the user from Basic auth but refuses a password over HTTP. */
export const TRINO_SCRAPE_USER = "prometheus";

export const DEFAULT_INTERVAL = "30s";
export const DEFAULT_CDC_TOPIC_PATTERN = "cdc\\..+";

/** Strimzi's example PodMonitor keeps the `strimzi.io/*` pod labels on every series (cluster, kind, name). */
const strimziLabelmap: Relabeling[] = [{ action: "labelmap", regex: "__meta_kubernetes_pod_label_(strimzi_io_.+)" }];

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

const withDefaults = (o: SelectorOverride | undefined, d: Required<SelectorOverride>) => ({
    selector: o?.selector ?? d.selector,
    port: o?.port ?? d.port,
    portNumber: o?.portNumber ?? d.portNumber,
});

/** Every scrape target of the enabled components. A component that is absent gets no target. */
export function platformScrapeTargets(enabled: MonitoredPlatform): ScrapeTarget[] {
    const targets: ScrapeTarget[] = [];
    const interval = DEFAULT_INTERVAL;

    if (enabled.storage) {
        const s = withDefaults(enabled.storage, { selector: { matchLabels: { "app.kubernetes.io/name": "minio" } }, port: "s3", portNumber: 9000 });
        targets.push({
            component: "storage",
            name: "minio",
            namespace: enabled.storage.namespace,
            kind: "ServiceMonitor",
            ...s,
            path: "/minio/v2/metrics/cluster",
            interval,
            metrics: minioMetrics,
        });
    }

    if (enabled.postgres) {
        targets.push({
            component: "postgres",
            name: "postgres",
            namespace: enabled.postgres.namespace,
            kind: "ServiceMonitor",
            selector: enabled.postgres.selector,
            port: "metrics",
            portNumber: 9187,
            path: "/metrics",
            interval,
            metrics: postgresMetrics,
        });
    }

    if (enabled.lakehouse) {
        const { namespace, trino, metastore } = enabled.lakehouse;
        targets.push({
            component: "lakehouse",
            name: "trino",
            namespace,
            kind: "ServiceMonitor",
            // The chart's coordinator Service and headless worker Service share these labels: one monitor, all nodes.
            ...withDefaults(trino, { selector: { matchLabels: { "app.kubernetes.io/name": "trino" } }, port: "http", portNumber: 8080 }),
            path: "/metrics",
            interval,
            basicAuth: { secretName: TRINO_SCRAPE_SECRET, usernameKey: "username", passwordKey: "password" },
            metrics: trinoMetrics,
        });
        if (metastore !== false) {
            targets.push({
                component: "lakehouse",
                name: "hive-metastore",
                namespace,
                kind: "PodMonitor",
                ...withDefaults(metastore, { selector: { matchLabels: { "app.kubernetes.io/name": "hive-metastore" } }, port: "metrics", portNumber: 9404 }),
                path: "/metrics",
                interval,
                metrics: hiveMetastoreMetrics,
            });
        }
    }

    if (enabled.streaming) {
        const { namespace, connect = true, flink = {} } = enabled.streaming;
        targets.push({
            component: "streaming",
            name: "kafka",
            namespace,
            kind: "PodMonitor",
            // Brokers, controllers and the Kafka Exporter all carry strimzi.io/kind=Kafka and serve tcp-prometheus.
            selector: { matchLabels: { "strimzi.io/kind": "Kafka" } },
            port: "tcp-prometheus",
            portNumber: 9404,
            path: "/metrics",
            interval,
            relabelings: strimziLabelmap,
            metrics: [...kafkaBrokerMetrics, ...kafkaExporterMetrics],
        });
        if (connect) {
            targets.push({
                component: "streaming",
                name: "kafka-connect",
                namespace,
                kind: "PodMonitor",
                selector: { matchLabels: { "strimzi.io/kind": "KafkaConnect" } },
                port: "tcp-prometheus",
                portNumber: 9404,
                path: "/metrics",
                interval,
                relabelings: strimziLabelmap,
                metrics: kafkaConnectMetrics,
            });
        }
        targets.push({
            component: "streaming",
            name: "strimzi-operator",
            namespace: enabled.streaming.strimziOperatorNamespace ?? namespace,
            kind: "PodMonitor",
            selector: { matchLabels: { "strimzi.io/kind": "cluster-operator" } },
            port: "http",
            portNumber: 8080,
            path: "/metrics",
            interval,
            metrics: strimziOperatorMetrics,
        });
        if (flink !== false) {
            targets.push(
                {
                    component: "streaming",
                    name: "flink-operator",
                    namespace: flink.operatorNamespace ?? namespace,
                    kind: "PodMonitor",
                    selector: { matchLabels: { "app.kubernetes.io/name": "flink-kubernetes-operator" } },
                    port: "metrics",
                    portNumber: 9999,
                    path: "/metrics",
                    interval,
                    metrics: flinkOperatorMetrics,
                },
                {
                    component: "streaming",
                    name: "flink-jobs",
                    namespace: flink.jobNamespace ?? namespace,
                    kind: "PodMonitor",
                    // Flink's native Kubernetes integration labels every JobManager and TaskManager pod with this.
                    selector: { matchLabels: { type: "flink-native-kubernetes" } },
                    port: "metrics",
                    portNumber: 9249,
                    path: "/metrics",
                    interval,
                    metrics: flinkJobMetrics,
                },
            );
        }
    }

    if (enabled.orchestrator) {
        targets.push({
            component: "orchestrator",
            name: "airflow-statsd",
            namespace: enabled.orchestrator.namespace,
            kind: "ServiceMonitor",
            selector: { matchLabels: { tier: "airflow", component: "statsd", release: enabled.orchestrator.release ?? "airflow" } },
            port: "statsd-scrape",
            portNumber: 9102,
            path: "/metrics",
            interval,
            metrics: airflowMetrics,
        });
    }

    if (enabled.tracking) {
        targets.push({
            component: "tracking",
            name: "mlflow",
            namespace: enabled.tracking.namespace,
            kind: "ServiceMonitor",
            // The tracking component serves the workers' multiprocess metrics on their own port: /metrics on the API port sits behind basic auth.
            ...withDefaults(enabled.tracking, { selector: { matchLabels: { "app.kubernetes.io/name": "mlflow" } }, port: "metrics", portNumber: 9090 }),
            path: "/metrics",
            interval,
            metrics: mlflowMetrics,
        });
    }

    if (enabled.serving) {
        targets.push({
            component: "serving",
            name: "kserve-models",
            namespace: enabled.serving.namespace,
            kind: "PodMonitor",
            // KServe labels every predictor/transformer pod with the InferenceService it belongs to.
            selector: { matchExpressions: [{ key: "serving.kserve.io/inferenceservice", operator: "Exists" }] },
            portNumber: 8080,
            path: "/metrics",
            interval,
            relabelings: kserveRelabelings,
            metrics: kserveMetrics,
        });
    }

    const names = targets.map((t) => t.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new Error(`two scrape targets are named "${dup}"`);
    return targets;
}
