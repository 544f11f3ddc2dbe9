import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import {
    exampleModel,
    inferenceServiceManifest,
    inferenceUrl,
    InferenceServiceSpec,
    kserveRuntimeValues,
    kserveValues,
    metricsServerValues,
    mirroredImageRepository,
    mlflowArtifactPath,
    resolveModels,
    resolveStorageUri,
    Serving,
    ServingArgs,
} from "../../components/serving";
import { charts, chartSource } from "../../components/versions";
import { footprint } from "../../stacks/footprint";
import { kubernetesResourcesWithoutProvider, runProgram, unwrap } from "../harness";
import { ADLS_ACCOUNT, AZURE_CLIENT_ID, allStrings, fakeObjectStore, GCP_PROJECT } from "../tracking/fakes";

const registered: InferenceServiceSpec = {
    name: "churn",
    modelFormat: "sklearn",
    storageUri: "mlflow-artifacts:/3/models/m-4f2a9c/artifacts",
    minReplicas: 2,
    maxReplicas: 8,
    targetCpuUtilization: 60,
};

async function deploy(environment: "dev" | "prod", flavor: "minio" | "gcs" | "adls", extra: Partial<ServingArgs> = {}) {
    const store = fakeObjectStore(flavor);
    const run = await runProgram(() => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        // Stands in for CertManager.release.
        const certManager = new k8s.helm.v3.Release("cert-manager", { chart: "cert-manager", namespace: "cert-manager", values: {} }, { provider });
        return new Serving("serving", { environment, certManager, objectStore: store, models: [exampleModel, registered], ...extra }, { providers: [provider] });
    });
    const isvc = (n: string) => run.one("kubernetes:serving.kserve.io/v1beta1:InferenceService", `serving-${n}`);
    const release = (n: string) => run.one("kubernetes:helm.sh/v3:Release", `serving-${n}`);
    return { run, store, isvc, release };
}

describe("serving: models from config", () => {
    it("fills per-environment defaults: dev 1..2 replicas, prod 2..6, CPU target 70%, the format's runtime and protocol", () => {
        const [dev] = resolveModels([exampleModel], "dev", "ml-serving");
        assert.deepEqual(dev, {
            name: "sklearn-iris",
            namespace: "ml-serving",
            modelFormat: "sklearn",
            runtime: "kserve-sklearnserver",
            protocolVersion: "v1",
            storageUri: "gs://kfserving-examples/models/sklearn/1.0/model",
            minReplicas: 1,
            maxReplicas: 2,
            targetCpuUtilization: 70,
            resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        });
        const [prod] = resolveModels([{ ...exampleModel, modelFormat: "mlflow" }], "prod", "ml-serving");
        assert.deepEqual([prod.minReplicas, prod.maxReplicas, prod.runtime, prod.protocolVersion], [2, 6, "kserve-mlserver", "v2"]);
    });

    it("reports every invalid model at once, with what to use instead of models:/ URIs", () => {
        assert.throws(
            () =>
                resolveModels(
                    [
                        { name: "a", modelFormat: "sklearn", storageUri: "models:/churn/3" },
                        { name: "a", modelFormat: "sklearn", storageUri: "gs://b/m", minReplicas: 3, maxReplicas: 2 },
                        { name: "Bad_Name", modelFormat: "sklearn", storageUri: "ftp://x/y", minReplicas: 0 },
                    ],
                    "dev",
                    "ml-serving",
                ),
            (e: Error) => {
                assert.match(e.message, /models\[0\] \(a\): storageUri "models:\/churn\/3" is resolved by an MLflow client.*get_model_version_download_uri/);
                assert.match(e.message, /models\[1\] \(a\): duplicate name/);
                assert.match(e.message, /models\[1\] \(a\): maxReplicas must be a whole number >= minReplicas \(3\)/);
                assert.match(e.message, /models\[2\] \(Bad_Name\): name must be/);
                assert.match(e.message, /models\[2\] \(Bad_Name\): minReplicas must be a whole number >= 1/);
                assert.match(e.message, /models\[2\] \(Bad_Name\): storageUri "ftp:\/\/x\/y" has a scheme/);
                return true;
            },
        );
    });

    it("maps a model registered in MLflow to its files under the artifacts bucket, per object store", () => {
        const uri = "mlflow-artifacts:/3/models/m-4f2a9c/artifacts";
        assert.equal(resolveStorageUri(uri, { flavor: "minio", mlflowBucket: "mlflow" }), "s3://mlflow/3/models/m-4f2a9c/artifacts");
        assert.equal(resolveStorageUri(uri, { flavor: "gcs", mlflowBucket: "p-mlflow" }), "gs://p-mlflow/3/models/m-4f2a9c/artifacts");
        assert.equal(
            resolveStorageUri(uri, { flavor: "adls", mlflowBucket: "mlflow", accountName: "acct" }),
            "https://acct.blob.core.windows.net/mlflow/3/models/m-4f2a9c/artifacts",
        );
        assert.equal(resolveStorageUri("gs://kfserving-examples/m", { flavor: "adls" }), "gs://kfserving-examples/m");
        for (const form of ["mlflow-artifacts:/3/a", "mlflow-artifacts:///3/a", "mlflow-artifacts://mlflow.ml-tracking:5000/3/a/"]) {
            assert.equal(mlflowArtifactPath(form), "3/a", form);
        }
    });

    it("gives each model an in-cluster inference URL for its protocol", () => {
        assert.equal(inferenceUrl({ name: "iris", namespace: "ml-serving", protocolVersion: "v1" }, "cluster.local"), "http://iris-predictor.ml-serving.svc.cluster.local/v1/models/iris:predict");
        assert.equal(inferenceUrl({ name: "m", namespace: "team", protocolVersion: "v2" }, "cluster.local"), "http://m-predictor.team.svc.cluster.local/v2/models/m/infer");
    });

    it("the example InferenceService, dev, as a whole document", () => {
        const [model] = resolveModels([exampleModel], "dev", "ml-serving");
        assert.deepEqual(inferenceServiceManifest({ model, environment: "dev", storageUri: model.storageUri, serviceAccountName: "kserve-models", podLabels: {} }), {
            apiVersion: "serving.kserve.io/v1beta1",
            kind: "InferenceService",
            metadata: {
                name: "sklearn-iris",
                namespace: "ml-serving",
                labels: { "app.kubernetes.io/part-of": "ml-platform", "app.kubernetes.io/component": "serving", "networking.kserve.io/visibility": "cluster-local" },
                annotations: { "serving.kserve.io/deploymentMode": "Standard", "serving.kserve.io/autoscalerClass": "hpa" },
            },
            spec: {
                predictor: {
                    serviceAccountName: "kserve-models",
                    minReplicas: 1,
                    maxReplicas: 2,
                    autoScaling: { metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }] },
                    deploymentStrategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
                    labels: { "app.kubernetes.io/part-of": "ml-platform", "app.kubernetes.io/component": "serving" },
                    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                    model: {
                        modelFormat: { name: "sklearn" },
                        runtime: "kserve-sklearnserver",
                        protocolVersion: "v1",
                        storageUri: "gs://kfserving-examples/models/sklearn/1.0/model",
                        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
                        securityContext: { allowPrivilegeEscalation: false, privileged: false, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
                    },
                },
            },
        });
    });
});

describe("serving: KServe charts", () => {
    it("raw deployments (Standard), no per-model Ingress, small controller in dev", () => {
        const v: any = kserveValues("dev");
        assert.equal(v.kserve.controller.deploymentMode, "Standard");
        assert.equal(v.kserve.controller.gateway.disableIngressCreation, true);
        assert.equal(v.kserve.controller.imagePullPolicy, "IfNotPresent");
        assert.deepEqual(v.kserve.controller.resources, { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "384Mi" } });
        assert.equal(v.kserve.controller.rbacProxyImage, "quay.io/brancz/kube-rbac-proxy:v0.18.0");
        assert.equal(v.kserve.controller.image, undefined, "the chart's own (version-pinned) image without a mirror");
        assert.equal(v.kserve.metricsaggregator.enablePrometheusScraping, "true");
    });

    it("installs the serving runtimes, except vLLM (an unpinned `latest` image)", () => {
        const v: any = kserveRuntimeValues();
        assert.equal(v.kserve.servingruntime.enabled, true);
        assert.deepEqual(v.kserve.servingruntime.vllmserver, { disabled: true });
    });

    it("moves every chart-pulled image to the mirror registry", () => {
        const mirror = { imageRegistry: "registry.corp/mirror/" };
        assert.equal(mirroredImageRepository("kserve/sklearnserver", mirror), "registry.corp/mirror/kserve/sklearnserver");
        assert.equal(mirroredImageRepository("docker.io/seldonio/mlserver", mirror), "registry.corp/mirror/seldonio/mlserver");
        assert.equal(mirroredImageRepository("nvcr.io/nvidia/tritonserver", mirror), "registry.corp/mirror/nvidia/tritonserver");
        const k: any = kserveValues("prod", mirror);
        assert.equal(k.kserve.controller.image, "registry.corp/mirror/kserve/kserve-controller");
        assert.equal(k.kserve.storage.image, "registry.corp/mirror/kserve/storage-initializer");
        assert.equal(k.kserve.controller.rbacProxyImage, "registry.corp/mirror/brancz/kube-rbac-proxy:v0.18.0");
        const r: any = kserveRuntimeValues(mirror);
        assert.equal(r.kserve.servingruntime.sklearnserver.image, "registry.corp/mirror/kserve/sklearnserver");
        assert.equal((metricsServerValues("dev", mirror) as any).image.repository, "registry.corp/mirror/metrics-server/metrics-server");
    });

    it("installs OCI charts by reference and HTTP charts through their repository, upstream or mirrored", () => {
        assert.deepEqual(chartSource(charts.kserveCrd), { chart: "oci://ghcr.io/kserve/charts/kserve-crd", version: "v0.20.0" });
        assert.deepEqual(chartSource(charts.metricsServer), {
            chart: "metrics-server",
            version: "3.13.1",
            repositoryOpts: { repo: "https://kubernetes-sigs.github.io/metrics-server/" },
        });
        assert.deepEqual(chartSource(charts.kserveResources, { chartRepository: "oci://registry.corp/charts/" }), {
            chart: "oci://registry.corp/charts/kserve-resources",
            version: "v0.20.0",
        });
        // Every chart follows an OCI mirror by reference, and an HTTP mirror through its index, whatever its upstream.
        assert.deepEqual(chartSource(charts.trino, { chartRepository: "oci://registry.corp/charts" }), { chart: "oci://registry.corp/charts/trino", version: charts.trino.version });
        assert.deepEqual(chartSource(charts.kserveCrd, { chartRepository: "https://charts.corp/mirror" }), {
            chart: "kserve-crd",
            version: "v0.20.0",
            repositoryOpts: { repo: "https://charts.corp/mirror" },
        });
    });

    it("metrics-server skips kubelet TLS verification only on kind (dev), and is HA elsewhere", () => {
        const dev: any = metricsServerValues("dev");
        const prod: any = metricsServerValues("prod");
        assert.deepEqual(dev.args, ["--kubelet-insecure-tls"]);
        assert.deepEqual(prod.args, []);
        assert.equal(prod.replicas, 2);
        assert.deepEqual(prod.podDisruptionBudget, { enabled: true, minAvailable: 1 });
    });
});

describe("serving: the component", () => {
    it("orders cert-manager -> kserve-crd -> kserve -> runtimes -> InferenceServices", async () => {
        const { run, isvc, release } = await deploy("dev", "minio");
        const certManager = run.one("kubernetes:helm.sh/v3:Release", "cert-manager");
        const crd = release("kserve-crd");
        const controller = release("kserve");
        const runtimes = release("kserve-runtimes");
        const releasesIn = (r: { dependencies: readonly string[] }) => r.dependencies.filter((d) => d.includes("helm.sh/v3:Release"));
        assert.deepEqual(releasesIn(crd), [certManager.urn]);
        assert.ok(controller.dependencies.includes(crd.urn) && controller.dependencies.includes(certManager.urn));
        assert.ok(runtimes.dependencies.includes(controller.urn));
        for (const n of ["sklearn-iris", "churn"]) {
            assert.ok(isvc(n).dependencies.includes(runtimes.urn), `${n} after the runtimes`);
            assert.ok(isvc(n).dependencies.includes(controller.urn), `${n} after the controller (its webhooks)`);
        }
        assert.deepEqual(
            [crd, controller, runtimes].map((r) => [r.inputs.name, r.inputs.chart, r.inputs.version, r.inputs.namespace]),
            [
                ["kserve-crd", "oci://ghcr.io/kserve/charts/kserve-crd", "v0.20.0", "kserve"],
                ["kserve", "oci://ghcr.io/kserve/charts/kserve-resources", "v0.20.0", "kserve"],
                ["kserve-runtime-configs", "oci://ghcr.io/kserve/charts/kserve-runtime-configs", "v0.20.0", "kserve"],
            ],
        );
        assert.deepEqual(controller.inputs.values, kserveValues("dev"));
    });

    it("'preinstalled' cert-manager: the CRDs wait for no release", async () => {
        const run = await runProgram(() => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            return new Serving("serving", { environment: "prod", certManager: "preinstalled", objectStore: fakeObjectStore("gcs") }, { providers: [provider] });
        });
        const crd = run.one("kubernetes:helm.sh/v3:Release", "serving-kserve-crd");
        assert.deepEqual(crd.dependencies.filter((d) => d.includes("helm.sh/v3:Release")), []);
        assert.equal(run.byType("kubernetes:serving.kserve.io/v1beta1:InferenceService").length, 0);
    });

    it("dev on MinIO: the InferenceService as the program passes it, HPA bounds from config", async () => {
        const { isvc } = await deploy("dev", "minio");
        const churn = isvc("churn").inputs;
        assert.deepEqual(churn.metadata.annotations, { "serving.kserve.io/deploymentMode": "Standard", "serving.kserve.io/autoscalerClass": "hpa" });
        const p = churn.spec.predictor;
        assert.deepEqual([p.minReplicas, p.maxReplicas], [2, 8]);
        assert.deepEqual(p.autoScaling.metrics[0].resource, { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } });
        assert.equal(p.serviceAccountName, "kserve-models");
        assert.equal(p.model.storageUri, "s3://mlflow/3/models/m-4f2a9c/artifacts");
        assert.equal(p.topologySpreadConstraints, undefined);
        assert.equal(isvc("sklearn-iris").inputs.spec.predictor.model.storageUri, "gs://kfserving-examples/models/sklearn/1.0/model");
    });

    it("MinIO: a scoped read key for the model namespace, attached to its ServiceAccount, with KServe's S3 annotations", async () => {
        const { run, store } = await deploy("dev", "minio");
        assert.deepEqual(store.grants.map((g) => [g.name, g.grant.serviceAccountName, g.grant.buckets, g.grant.access]), [
            ["serving-ml-serving-models", "kserve-models", ["mlflow"], "read"],
        ]);
        const sa = run.one("kubernetes:core/v1:ServiceAccount").inputs;
        assert.deepEqual(sa.secrets, [{ name: "serving-ml-serving-models-s3-credentials" }]);
        const patch = run.one("kubernetes:core/v1:SecretPatch").inputs;
        assert.deepEqual(patch.metadata, {
            name: "serving-ml-serving-models-s3-credentials",
            namespace: "ml-serving",
            annotations: { "serving.kserve.io/s3-endpoint": "minio.ml-storage.svc.cluster.local:9000", "serving.kserve.io/s3-usehttps": "0" },
        });
        assert.ok(run.one("kubernetes:serving.kserve.io/v1beta1:InferenceService", "serving-churn").dependencies.includes(run.one("kubernetes:core/v1:SecretPatch").urn));
    });

    it("prod on GKE: workload identity, zone spread, a PDB per model, no metrics-server", async () => {
        const { run, isvc, store } = await deploy("prod", "gcs", { modelBuckets: ["models"] });
        assert.deepEqual(store.grants[0].grant.buckets, ["mlflow", "models"]);
        const sa = run.one("kubernetes:core/v1:ServiceAccount").inputs;
        assert.deepEqual(sa.metadata.annotations, { "iam.gke.io/gcp-service-account": `kserve-models@${GCP_PROJECT}.iam.gserviceaccount.com` });
        assert.deepEqual(sa.secrets, []);
        assert.equal(run.byType("kubernetes:core/v1:SecretPatch").length, 0);
        const p = isvc("churn").inputs.spec.predictor;
        assert.equal(p.model.storageUri, `gs://${GCP_PROJECT}-mlp-mlflow/3/models/m-4f2a9c/artifacts`);
        assert.deepEqual(p.topologySpreadConstraints.map((t: any) => t.topologyKey), ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
        assert.deepEqual(isvc("sklearn-iris").inputs.spec.predictor.minReplicas, 2);
        const pdbs = run.byType("kubernetes:policy/v1:PodDisruptionBudget").map((r) => r.inputs);
        assert.deepEqual(pdbs.map((d) => [d.metadata.name, d.spec.maxUnavailable, d.spec.selector.matchLabels]), [
            ["sklearn-iris-predictor", 1, { "serving.kserve.io/inferenceservice": "sklearn-iris", component: "predictor" }],
            ["churn-predictor", 1, { "serving.kserve.io/inferenceservice": "churn", component: "predictor" }],
        ]);
        assert.equal(run.byType("kubernetes:helm.sh/v3:Release").some((r) => r.name === "serving-metrics-server"), false);
    });

    it("prod on AKS: client-id annotation, the identity label on model pods, Blob URIs", async () => {
        const { run, isvc } = await deploy("prod", "adls");
        assert.deepEqual(run.one("kubernetes:core/v1:ServiceAccount").inputs.metadata.annotations, { "azure.workload.identity/client-id": AZURE_CLIENT_ID });
        const p = isvc("churn").inputs.spec.predictor;
        assert.equal(p.labels["azure.workload.identity/use"], "true");
        assert.equal(p.model.storageUri, `https://${ADLS_ACCOUNT}.blob.core.windows.net/mlflow/3/models/m-4f2a9c/artifacts`);
    });

    it("models in other namespaces get their own namespace, ServiceAccount and grant", async () => {
        const { run, store } = await deploy("dev", "gcs", { models: [exampleModel, { ...registered, namespace: "team-fraud" }] });
        assert.deepEqual(run.result.modelNamespaces, ["ml-serving", "team-fraud"]);
        assert.deepEqual(run.byType("kubernetes:core/v1:ServiceAccount").map((s) => s.inputs.metadata.namespace), ["ml-serving", "team-fraud"]);
        assert.deepEqual(await Promise.all(store.grants.map((g) => unwrap(g.grant.namespace.created))), ["ml-serving", "team-fraud"]);
        for (const ns of run.byType("kubernetes:core/v1:Namespace")) assert.equal(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    });

    it("outputs an inference URL per model", async () => {
        const { run } = await deploy("dev", "minio");
        assert.deepEqual(await unwrap(pulumi.all(run.result.inferenceUrls)), {
            "sklearn-iris": "http://sklearn-iris-predictor.ml-serving.svc.cluster.local/v1/models/sklearn-iris:predict",
            churn: "http://churn-predictor.ml-serving.svc.cluster.local/v1/models/churn:predict",
        });
    });

    it("dev installs metrics-server into kube-system for the HPAs", async () => {
        const { release } = await deploy("dev", "minio");
        const ms = release("metrics-server");
        assert.equal(ms.inputs.namespace, "kube-system");
        assert.deepEqual(ms.inputs.values.args, ["--kubelet-insecure-tls"]);
    });

    it("fails fast when a model reads MLflow artifacts the store does not have", async () => {
        await assert.rejects(
            runProgram(() => new Serving("s", { environment: "dev", certManager: "preinstalled", objectStore: fakeObjectStore("minio", ["bronze"]), models: [registered] })),
            /churn read mlflow-artifacts:\/ but "mlflow" is not a bucket of the minio object store \(known: bronze\)/,
        );
    });

    it("keeps models out of the controller's and system namespaces", async () => {
        await assert.rejects(
            runProgram(() => new Serving("s", { environment: "dev", certManager: "preinstalled", objectStore: fakeObjectStore("gcs"), models: [{ ...exampleModel, namespace: "kserve" }] })),
            /sklearn-iris \(kserve\): models do not run in the controller's or a system namespace/,
        );
    });

    for (const flavor of ["minio", "gcs", "adls"] as const) {
        it(`${flavor}: every Kubernetes object goes through the explicit provider, and no secret reaches values or manifests`, async () => {
            const { run } = await deploy("prod", flavor);
            assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, run.one("pulumi:providers:kubernetes").urn).map((r) => `${r.type} ${r.name}`), []);
            const generated = run.byType("random:index/randomPassword:RandomPassword").map((p) => `mock-password-${p.name}`);
            for (const r of run.resources.filter((x) => x.type !== "kubernetes:core/v1:Secret")) {
                assert.deepEqual(allStrings(r.inputs).filter((s) => generated.some((g) => s.includes(g))), [], `${r.type} ${r.name}`);
            }
        });
    }

    it("dev footprint: controller, metrics-server and the two models, measured from what the program registers", async () => {
        const { run } = await deploy("dev", "minio");
        const report = footprint(run.resources.filter((r) => r.name !== "cert-manager"));
        const serving = report.byComponent.serving;
        // kserve manager 50m/128Mi + rbac proxy 5m/16Mi + metrics-server 20m/48Mi + iris 100m/256Mi + churn 2 x 100m/256Mi.
        assert.equal(Number(serving.requests.cpu.toFixed(3)), 0.375);
        assert.equal(serving.requests.memory, (128 + 16 + 48 + 256 * 3) * 2 ** 20);
        assert.ok(report.workloads.every((w) => w.missingRequests.length === 0));
    });
});
