import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MonitoredPlatform, platformScrapeTargets, TRINO_SCRAPE_SECRET } from "../../components/monitoring/catalog";
import { monitorManifest, platformComponents } from "../../components/monitoring/scrape";
import { fullPlatformWithPostgres } from "./fixtures";

const byName = (enabled: MonitoredPlatform) => new Map(platformScrapeTargets(enabled).map((t) => [t.name, t]));

describe("platformScrapeTargets", () => {
    it("gives every enabled component at least one monitor", () => {
        const targets = platformScrapeTargets(fullPlatformWithPostgres);
        for (const component of platformComponents) {
            assert.ok(targets.some((t) => t.component === component), `no scrape target for ${component}`);
        }
    });

    it("gives each component alone exactly its own targets, and nothing when nothing is enabled", () => {
        assert.deepEqual(platformScrapeTargets({}), []);
        for (const component of platformComponents) {
            const targets = platformScrapeTargets({ [component]: fullPlatformWithPostgres[component] });
            assert.ok(targets.length > 0, component);
            assert.deepEqual([...new Set(targets.map((t) => t.component))], [component]);
        }
    });

    it("scrapes each target in its component's namespace", () => {
        const t = byName(fullPlatformWithPostgres);
        assert.equal(t.get("minio")!.namespace, "ml-storage");
        assert.equal(t.get("trino")!.namespace, "ml-lakehouse");
        assert.equal(t.get("kafka")!.namespace, "ml-streaming");
        assert.equal(t.get("airflow-statsd")!.namespace, "ml-orchestrator");
        assert.equal(t.get("mlflow")!.namespace, "ml-tracking");
        assert.equal(t.get("kserve-models")!.namespace, "ml-serving");
        assert.equal(t.get("postgres")!.namespace, "ml-monitoring");
    });

    it("selects Strimzi pods as Strimzi's example PodMonitors do, keeping the strimzi.io labels", () => {
        const t = byName(fullPlatformWithPostgres);
        for (const [name, kind] of [["kafka", "Kafka"], ["kafka-connect", "KafkaConnect"], ["strimzi-operator", "cluster-operator"]]) {
            const target = t.get(name)!;
            assert.equal(target.kind, "PodMonitor");
            assert.deepEqual(target.selector, { matchLabels: { "strimzi.io/kind": kind } });
        }
        assert.equal(t.get("kafka")!.port, "tcp-prometheus");
        assert.deepEqual(t.get("kafka")!.relabelings, [{ action: "labelmap", regex: "__meta_kubernetes_pod_label_(strimzi_io_.+)" }]);
        // The Kafka Exporter runs under the same selector: its lag metrics belong to the kafka target.
        assert.ok(t.get("kafka")!.metrics.includes("kafka_consumergroup_lag"));
    });

    it("scrapes Airflow through the official chart's statsd Service of the named release", () => {
        const airflow = byName({ orchestrator: { namespace: "ml-orchestrator", release: "orchestrator" } }).get("airflow-statsd")!;
        assert.equal(airflow.kind, "ServiceMonitor");
        assert.deepEqual(airflow.selector, { matchLabels: { tier: "airflow", component: "statsd", release: "orchestrator" } });
        assert.equal(airflow.port, "statsd-scrape");
        assert.equal(airflow.portNumber, 9102);
        assert.equal(byName({ orchestrator: { namespace: "x" } }).get("airflow-statsd")!.selector.matchLabels!.release, "airflow");
    });

    it("scrapes Trino's built-in /metrics on every node with a password-less user from a Secret", () => {
        const trino = byName(fullPlatformWithPostgres).get("trino")!;
        assert.equal(trino.path, "/metrics");
        assert.equal(trino.port, "http");
        assert.deepEqual(trino.basicAuth, { secretName: TRINO_SCRAPE_SECRET, usernameKey: "username", passwordKey: "password" });
    });

    it("scrapes MinIO's v2 cluster endpoint", () => {
        const minio = byName(fullPlatformWithPostgres).get("minio")!;
        assert.equal(minio.path, "/minio/v2/metrics/cluster");
        assert.deepEqual(minio.selector, { matchLabels: { "app.kubernetes.io/name": "minio" } });
        assert.equal(minio.port, "s3");
    });

    it("scrapes KServe model server pods by their InferenceService label, on the runtime's annotated port", () => {
        const kserve = byName(fullPlatformWithPostgres).get("kserve-models")!;
        assert.equal(kserve.kind, "PodMonitor");
        assert.deepEqual(kserve.selector, { matchExpressions: [{ key: "serving.kserve.io/inferenceservice", operator: "Exists" }] });
        assert.equal(kserve.port, undefined);
        const address = kserve.relabelings!.find((r) => r.targetLabel === "__address__")!;
        assert.deepEqual(address.sourceLabels, ["__meta_kubernetes_pod_ip", "__meta_kubernetes_pod_annotation_prometheus_kserve_io_port"]);
        assert.equal(address.replacement, "$1:$2");
        assert.ok(kserve.relabelings!.some((r) => r.action === "keep" && r.regex === "kserve-container"));
    });

    it("honours selector overrides and the opt-outs", () => {
        const t = byName({
            lakehouse: { namespace: "lh", trino: { selector: { matchLabels: { app: "my-trino" } }, port: "web", portNumber: 8443 }, metastore: false },
            streaming: { namespace: "st", connect: false, flink: false, strimziOperatorNamespace: "strimzi" },
            tracking: { namespace: "tr", selector: { matchLabels: { app: "mlflow-server" } }, port: "api", portNumber: 8080 },
        });
        assert.deepEqual(t.get("trino")!.selector, { matchLabels: { app: "my-trino" } });
        assert.equal(t.get("trino")!.port, "web");
        assert.equal(t.has("hive-metastore"), false);
        assert.equal(t.has("kafka-connect"), false);
        assert.equal(t.has("flink-jobs"), false);
        assert.equal(t.has("flink-operator"), false);
        assert.equal(t.get("strimzi-operator")!.namespace, "strimzi");
        assert.deepEqual(t.get("mlflow")!.selector, { matchLabels: { app: "mlflow-server" } });
        assert.equal(t.get("mlflow")!.portNumber, 8080);
    });

    it("lists the metrics every target is relied on for (only the Flink operator is liveness-only)", () => {
        for (const t of platformScrapeTargets(fullPlatformWithPostgres)) {
            if (t.name === "flink-operator") assert.deepEqual([...t.metrics], []);
            else assert.ok(t.metrics.length > 0, `${t.name} lists no metrics`);
        }
    });

    it("produces a valid monitor for every target", () => {
        for (const t of platformScrapeTargets(fullPlatformWithPostgres)) {
            const m = monitorManifest(t, { namespace: "ml-monitoring", labels: {} });
            assert.equal(m.kind, t.kind);
            assert.deepEqual(m.spec.namespaceSelector, { matchNames: [t.namespace] });
        }
    });
});
