import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { budgetRows } from "../../stacks/budget";
import { chartFootprint, chartWorkloads, componentOf, footprint, parseCpu, parseMemory, workloadsOf } from "../../stacks/footprint";

const urn = (chain: string, name: string) => `urn:pulumi:dev::ml-platform::${chain}::${name}`;

describe("footprint: quantities", () => {
    it("parses CPU in cores", () => {
        assert.equal(parseCpu("250m"), 0.25);
        assert.equal(parseCpu("2"), 2);
        assert.equal(parseCpu(0.5), 0.5);
        assert.equal(parseCpu(undefined), 0);
        assert.throws(() => parseCpu("two"), /not a CPU quantity: "two"/);
    });

    it("parses memory in bytes, binary and decimal suffixes", () => {
        assert.equal(parseMemory("512Mi"), 512 * 2 ** 20);
        assert.equal(parseMemory("1Gi"), 2 ** 30);
        assert.equal(parseMemory("1G"), 1e9);
        assert.equal(parseMemory("1e9"), 1e9);
        assert.equal(parseMemory("1048576"), 2 ** 20);
        assert.throws(() => parseMemory("1 GB"), /not a memory quantity/);
    });
});

describe("footprint: workloads", () => {
    it("attributes a resource to its outermost platform component", () => {
        assert.equal(componentOf(urn("mlplatform:lakehouse:Lakehouse$kubernetes:apps/v1:Deployment", "trino")), "lakehouse");
        assert.equal(componentOf(urn("kubernetes:apps/v1:Deployment", "loose")), "other");
    });

    it("multiplies Deployment container requests by replicas and lists containers without requests", () => {
        const deployment = {
            type: "kubernetes:apps/v1:Deployment",
            name: "mlflow",
            urn: urn("mlplatform:tracking:Tracking$kubernetes:apps/v1:Deployment", "mlflow"),
            inputs: {
                metadata: { name: "mlflow" },
                spec: {
                    replicas: 2,
                    template: {
                        spec: {
                            initContainers: [{ name: "migrate" }],
                            containers: [
                                { name: "server", resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } } },
                                { name: "sidecar", resources: { requests: { cpu: "50m", memory: "64Mi" } } },
                            ],
                        },
                    },
                },
            },
        };
        const [w] = workloadsOf(deployment);
        assert.deepEqual(w.requests, { cpu: 0.3, memory: 576 * 2 ** 20 });
        assert.deepEqual(w.missingRequests, ["migrate"]);
        const report = footprint([deployment]);
        assert.deepEqual(report.byComponent.tracking.requests, { cpu: 0.6, memory: 1152 * 2 ** 20 });
    });

    it("counts a Deployment an HPA scales (no replicas of its own) at the HPA's minimum, in its namespace only", () => {
        const chain = "mlplatform:featurestore:FeatureStore$kubernetes:";
        const server = { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "2", memory: "1Gi" } };
        const deployment = {
            type: "kubernetes:apps/v1:Deployment",
            name: "feast",
            urn: urn(`${chain}apps/v1:Deployment`, "feast"),
            inputs: { metadata: { name: "feast", namespace: "ml-featurestore" }, spec: { template: { spec: { containers: [{ name: "feature-server", resources: server }] } } } },
        };
        const hpa = (namespace: string) => ({
            type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            name: "feast-hpa",
            urn: urn(`${chain}autoscaling/v2:HorizontalPodAutoscaler`, "feast-hpa"),
            inputs: { metadata: { name: "feast", namespace }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "feast" }, minReplicas: 2, maxReplicas: 6 } },
        });
        assert.equal(footprint([deployment, hpa("ml-featurestore")]).workloads[0].replicas, 2);
        assert.equal(footprint([deployment, hpa("elsewhere")]).workloads[0].replicas, 1);
        assert.equal(footprint([deployment]).workloads[0].replicas, 1);
    });

    it("reads chart values: resources beside replicas, skipping disabled sections", () => {
        const found = chartWorkloads({
            scheduler: { replicas: 2, resources: { requests: { cpu: "500m", memory: "1Gi" } } },
            triggerer: { enabled: false, resources: { requests: { cpu: "1", memory: "1Gi" } } },
            grafana: { sidecar: { resources: { requests: { cpu: "10m", memory: "32Mi" } } } },
        });
        assert.deepEqual(
            found.map((w) => [w.workload, w.replicas]),
            [["scheduler", 2], ["grafana.sidecar", 1]],
        );
    });

    it("leaves out charts' one-shot Jobs and task templates, and reads replica counts kept elsewhere", () => {
        const res = { resources: { requests: { cpu: "100m", memory: "256Mi" } } };
        const airflow = chartFootprint("airflow", { executor: "KubernetesExecutor", scheduler: res, workers: res, migrateDatabaseJob: res, dags: { gitSync: res } });
        assert.deepEqual(airflow.map((w) => [w.workload, w.replicas]), [["scheduler", 1], ["dags.gitSync", 2]]);
        const celery = chartFootprint("airflow", { executor: "CeleryExecutor", workers: { ...res, replicas: 2 } });
        assert.deepEqual(celery.map((w) => [w.workload, w.replicas]), [["workers", 2]]);
        assert.deepEqual(chartFootprint("trino", { server: { workers: 0 }, coordinator: res, worker: res }).map((w) => w.workload), ["coordinator"]);
        assert.deepEqual(chartFootprint("oci://x/flink-kubernetes-operator", { webhook: { create: false }, operatorPod: { ...res, webhook: res } }).map((w) => w.workload), ["operatorPod"]);
    });

    it("counts Grafana's sidecars per kind that runs as a container, and the config reloader in Prometheus and Alertmanager", () => {
        const res = { resources: { requests: { cpu: "10m", memory: "64Mi" } } };
        const kps = (datasources: object, alertmanager: object = {}) =>
            chartFootprint("kube-prometheus-stack", {
                grafana: { sidecar: { ...res, dashboards: { enabled: true }, datasources } },
                alertmanager,
                prometheusOperator: { prometheusConfigReloader: res },
            }).map((w) => [w.workload, w.replicas]);
        assert.deepEqual(kps({ enabled: true }), [["grafana.sidecar", 2], ["prometheusOperator.prometheusConfigReloader", 2]]);
        assert.deepEqual(kps({ enabled: true, initDatasources: true }, { enabled: false }), [["grafana.sidecar", 1], ["prometheusOperator.prometheusConfigReloader", 1]]);
    });

    it("counts KServe's agent beside a predictor that logs, as the feedback loop's", () => {
        const res = { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } };
        const isvc = (logger?: object) => ({
            type: "kubernetes:serving.kserve.io/v1beta1:InferenceService",
            name: "iris",
            urn: urn("mlplatform:serving:Serving$kubernetes:serving.kserve.io/v1beta1:InferenceService", "iris"),
            inputs: { spec: { predictor: { minReplicas: 2, ...(logger ? { logger } : {}), model: { resources: res } } } },
        });
        assert.deepEqual(footprint([isvc()]).total.requests, { cpu: 0.2, memory: 512 * 2 ** 20 });
        const logging = footprint([isvc({ url: "http://receiver", mode: "all" })]);
        assert.deepEqual(logging.total.requests, { cpu: 0.4, memory: 712 * 2 ** 20 });
        assert.deepEqual(logging.byComponent.feedback.requests, { cpu: 0.2, memory: 200 * 2 ** 20 });
    });

    it("counts Valkey's pods as the chart makes them: one standalone, a primary plus replicas, the exporter in each", () => {
        const res = { resources: { requests: { cpu: "100m", memory: "256Mi" } } };
        const standalone = chartFootprint("valkey", { ...res, replica: { enabled: false }, metrics: { enabled: true, exporter: res } });
        assert.deepEqual(standalone.map((w) => [w.workload, w.replicas]), [["(root)", 1], ["metrics.exporter", 1]]);
        const replicated = chartFootprint("valkey", { ...res, replica: { enabled: true, replicas: 2 }, metrics: { enabled: true, exporter: res } });
        assert.deepEqual(replicated.map((w) => [w.workload, w.replicas]), [["(root)", 3], ["metrics.exporter", 3]]);
    });

    it("counts Strimzi node pools, Kafka operators and KServe predictors", () => {
        const chain = "mlplatform:streaming:Streaming$kubernetes:kafka.strimzi.io/v1beta2:";
        const res = { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } };
        const report = footprint([
            { type: "kubernetes:kafka.strimzi.io/v1beta2:KafkaNodePool", name: "brokers", urn: urn(`${chain}KafkaNodePool`, "brokers"), inputs: { spec: { replicas: 3, resources: res } } },
            { type: "kubernetes:kafka.strimzi.io/v1beta2:Kafka", name: "kafka", urn: urn(`${chain}Kafka`, "kafka"), inputs: { spec: { entityOperator: { topicOperator: { resources: res } } } } },
            {
                type: "kubernetes:serving.kserve.io/v1beta1:InferenceService",
                name: "iris",
                urn: urn("mlplatform:serving:Serving$kubernetes:serving.kserve.io/v1beta1:InferenceService", "iris"),
                inputs: { spec: { predictor: { minReplicas: 1, model: { resources: res } } } },
            },
        ]);
        assert.equal(report.byComponent.streaming.requests.cpu, 2);
        assert.equal(report.byComponent.serving.requests.memory, 2 ** 30);
        assert.equal(report.total.limits.cpu, 5);
    });

    it("counts a RayCluster's head with its autoscaler and each worker group at its minimum", () => {
        const pod = (cpu: string) => ({ spec: { containers: [{ name: "ray", resources: { requests: { cpu, memory: "1Gi" }, limits: { cpu, memory: "1Gi" } } }] } });
        const report = footprint([
            {
                type: "kubernetes:ray.io/v1:RayCluster",
                name: "ray",
                urn: urn("mlplatform:compute:Compute$kubernetes:ray.io/v1:RayCluster", "ray"),
                inputs: {
                    spec: {
                        enableInTreeAutoscaling: true,
                        autoscalerOptions: { resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } } },
                        headGroupSpec: { template: pod("1") },
                        workerGroupSpecs: [
                            { groupName: "cpu", minReplicas: 2, template: pod("4") },
                            { groupName: "gpu", minReplicas: 0, template: pod("8") },
                        ],
                    },
                },
            },
        ]);
        assert.equal(report.byComponent.compute.requests.cpu, 1 + 0.1 + 2 * 4);
        assert.equal(report.byComponent.compute.requests.memory, 2 ** 30 + 256 * 2 ** 20 + 2 * 2 ** 30);
    });
});

describe("footprint: the dev budget", () => {
    it("sets each budget line beside what its components request, and names the components no line covers", () => {
        const mib = (n: number) => ({ requests: { cpu: 0.1, memory: n * 2 ** 20 }, limits: { cpu: 1, memory: 2 * n * 2 ** 20 } });
        const report = { workloads: [], byComponent: { lakehouse: mib(900), streaming: mib(300), notebooks: mib(300), extra: mib(10) }, total: mib(1510) };
        const { rows, uncovered } = budgetRows(report, [
            { components: ["lakehouse", "streaming"], memoryMiB: 1200, why: "core" },
            { components: ["notebooks"], memoryMiB: 256, why: "hub" },
        ]);
        assert.deepEqual(rows.map((r) => [r.components.join("+"), r.requestedMiB, r.requestedMiB <= r.memoryMiB]), [["lakehouse+streaming", 1200, true], ["notebooks", 300, false]]);
        assert.deepEqual(uncovered, ["extra"]);
    });
});
