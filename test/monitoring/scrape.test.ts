import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { monitorManifest, scrapeFlows, ScrapeTarget } from "../../components/monitoring/scrape";

const target: ScrapeTarget = {
    component: "lakehouse",
    name: "trino",
    namespace: "ml-lakehouse",
    kind: "ServiceMonitor",
    selector: { matchLabels: { "app.kubernetes.io/name": "trino" } },
    port: "http",
    portNumber: 8080,
    path: "/metrics",
    interval: "30s",
    basicAuth: { username: "prometheus" },
    metrics: ["trino_execution_name_QueryManager_RunningQueries"],
};
const opts = { namespace: "ml-monitoring", labels: { "app.kubernetes.io/part-of": "ml-platform" } };

describe("monitorManifest", () => {
    it("builds a ServiceMonitor in the monitoring namespace that selects the target namespace", () => {
        assert.deepEqual(monitorManifest(target, opts), {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "ServiceMonitor",
            metadata: { name: "trino", namespace: "ml-monitoring", labels: { "app.kubernetes.io/part-of": "ml-platform" } },
            spec: {
                selector: { matchLabels: { "app.kubernetes.io/name": "trino" } },
                namespaceSelector: { matchNames: ["ml-lakehouse"] },
                endpoints: [
                    {
                        port: "http",
                        path: "/metrics",
                        interval: "30s",
                        basicAuth: {
                            username: { name: "trino-scrape-user", key: "username" },
                            password: { name: "trino-scrape-user", key: "password" },
                        },
                        relabelings: [
                            { action: "replace", targetLabel: "platform_component", replacement: "lakehouse" },
                            { action: "replace", targetLabel: "platform_target", replacement: "trino" },
                        ],
                    },
                ],
            },
        });
    });

    it("builds a PodMonitor with podMetricsEndpoints, keeping the target's relabelings before the platform labels", () => {
        const pod = monitorManifest(
            { ...target, kind: "PodMonitor", basicAuth: undefined, relabelings: [{ action: "labelmap", regex: "__meta_kubernetes_pod_label_(strimzi_io_.+)" }] },
            opts,
        );
        assert.equal(pod.kind, "PodMonitor");
        assert.equal((pod.spec as any).endpoints, undefined);
        const [endpoint] = (pod.spec as any).podMetricsEndpoints;
        assert.equal(endpoint.basicAuth, undefined);
        assert.deepEqual(
            endpoint.relabelings.map((r: any) => r.targetLabel ?? r.action),
            ["labelmap", "platform_component", "platform_target"],
        );
    });

    it("omits the port when the address comes from relabeling", () => {
        const [endpoint] = (monitorManifest({ ...target, port: undefined }, opts).spec as any).endpoints;
        assert.equal("port" in endpoint, false);
    });

    it("rejects an empty selector (it would scrape every pod of the namespace) and invalid names", () => {
        assert.throws(() => monitorManifest({ ...target, selector: {} }, opts), /empty selector/);
        assert.throws(() => monitorManifest({ ...target, selector: { matchLabels: {}, matchExpressions: [] } }, opts), /empty selector/);
        assert.throws(() => monitorManifest({ ...target, name: "Trino_Coordinator" }, opts), /not a valid Kubernetes object name/);
    });
});

describe("scrapeFlows", () => {
    it("asks for one flow per namespace with the distinct metrics ports, none inside the monitoring namespace", () => {
        const flows = scrapeFlows(
            [
                { ...target, name: "kafka", namespace: "ml-streaming", portNumber: 9404 },
                { ...target, name: "kafka-connect", namespace: "ml-streaming", portNumber: 9404 },
                { ...target, name: "flink-jobs", namespace: "ml-streaming", portNumber: 9249 },
                target,
                { ...target, name: "postgres", namespace: "ml-monitoring", portNumber: 9187 },
            ],
            "ml-monitoring",
        );
        assert.deepEqual(flows, [
            { from: "ml-monitoring", to: "ml-lakehouse", ports: [8080], why: "Prometheus scrapes trino" },
            { from: "ml-monitoring", to: "ml-streaming", ports: [9249, 9404], why: "Prometheus scrapes kafka, kafka-connect, flink-jobs" },
        ]);
    });
});
