import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeSizing, rayClusterSpec, renderSparkDefaults, sparkDefaults } from "../../components/compute";
import { computeMonitoring } from "../../components/compute/monitoring";
import { platformLabels } from "../../components/common/kubernetes";
import { kuberayValues, sparkOperatorValues } from "../../components/compute/spec";
import { checkSource } from "../monitoring/sourceChecks";

const base = { metastoreUri: "thrift://hive-metastore.ml-lakehouse.svc.cluster.local:9083", warehouse: "s3://silver/warehouse/", eventLogDir: "s3a://spark-logs/events/" };

describe("compute: the default Spark configuration per object store", () => {
    const minio = sparkDefaults({ ...base, storage: { flavor: "minio", s3Endpoint: "http://minio.ml-storage.svc.cluster.local:9000", region: "us-east-1" } });
    const gcs = sparkDefaults({ ...base, warehouse: "gs://p-silver/warehouse/", eventLogDir: "gs://p-spark-logs/events/", storage: { flavor: "gcs" } });
    const adls = sparkDefaults({ ...base, warehouse: "abfss://silver@acct.dfs.core.windows.net/warehouse/", eventLogDir: "abfss://spark-logs@acct.dfs.core.windows.net/events/", storage: { flavor: "adls" } });

    it("every flavor: Iceberg catalog `lakehouse` on the metastore as the default catalog, event logs on", () => {
        for (const c of [minio, gcs, adls]) {
            assert.equal(c["spark.sql.defaultCatalog"], "lakehouse");
            assert.equal(c["spark.sql.catalog.lakehouse"], "org.apache.iceberg.spark.SparkCatalog");
            assert.equal(c["spark.sql.catalog.lakehouse.type"], "hive");
            assert.equal(c["spark.sql.catalog.lakehouse.uri"], base.metastoreUri);
            assert.equal(c["spark.eventLog.enabled"], "true");
            assert.equal(c["spark.history.fs.logDirectory"], c["spark.eventLog.dir"]);
            assert.match(c["spark.jars.packages"], /iceberg-spark-runtime-4\.0_2\.13/);
        }
    });

    it("each store's Hadoop file system at the Spark build's Hadoop version, nothing the others need", () => {
        const packages = (c: Record<string, string>) => c["spark.jars.packages"].split(",").slice(1);
        assert.deepEqual(packages(minio), ["org.apache.hadoop:hadoop-aws:3.4.1"]);
        assert.deepEqual(packages(adls), ["org.apache.hadoop:hadoop-azure:3.4.1"]);
        assert.deepEqual(packages(gcs), []);
    });

    it("MinIO: S3A for s3:// with path style and the endpoint, keys only from the environment", () => {
        assert.equal(minio["spark.hadoop.fs.s3.impl"], "org.apache.hadoop.fs.s3a.S3AFileSystem");
        assert.equal(minio["spark.hadoop.fs.s3a.path.style.access"], "true");
        assert.equal(minio["spark.hadoop.fs.s3a.endpoint"], "http://minio.ml-storage.svc.cluster.local:9000");
        assert.equal(minio["spark.hadoop.fs.s3a.connection.ssl.enabled"], "false");
        assert.match(minio["spark.hadoop.fs.s3a.aws.credentials.provider"], /EnvironmentVariableCredentialsProvider/);
        assert.ok(!Object.keys(minio).some((k) => /secret|access\.key/i.test(k)), "no key in the configuration");
    });

    it("GCS: the connector with workload identity (ADC), and its shaded jar", () => {
        assert.equal(gcs["spark.hadoop.fs.gs.auth.type"], "APPLICATION_DEFAULT");
        assert.match(gcs["spark.jars"], /gcs-connector-3\.1\.18-shaded\.jar$/);
        assert.equal(minio["spark.jars"], undefined);
    });

    it("ADLS: OAuth with the workload identity token file the AKS webhook injects", () => {
        assert.equal(adls["spark.hadoop.fs.azure.account.oauth.provider.type"], "org.apache.hadoop.fs.azurebfs.oauth2.WorkloadIdentityTokenProvider");
        assert.equal(adls["spark.hadoop.fs.azure.account.oauth2.token.file"], "${env.AZURE_FEDERATED_TOKEN_FILE}");
    });

    it("renders spark-defaults.conf lines", () => {
        assert.match(renderSparkDefaults(minio), /^spark\.sql\.defaultCatalog lakehouse$/m);
    });
});

describe("compute: RayCluster", () => {
    const input = { image: "docker.io/rayproject/ray:2.52.0", rayVersion: "2.52.0", sizing: computeSizing.dev, envFromSecrets: ["mlflow-ray"], podLabels: {}, labels: {} };
    it("dev: a head that runs no tasks, a CPU group autoscaling from 0, no GPU group without a GPU pool", () => {
        const spec = rayClusterSpec(input);
        assert.equal(spec.enableInTreeAutoscaling, true);
        assert.equal(spec.headGroupSpec.rayStartParams["num-cpus"], "0");
        assert.deepEqual(spec.workerGroupSpecs.map((g) => [g.groupName, g.minReplicas, g.maxReplicas]), [["cpu", 0, 2]]);
        assert.deepEqual(spec.headGroupSpec.template.spec.containers[0].envFrom, [{ secretRef: { name: "mlflow-ray" } }]);
    });
    it("a GPU group scheduled onto the GPU pool when the cluster has one", () => {
        const gpu = rayClusterSpec({ ...input, gpuPool: { gpus: 2 } }).workerGroupSpecs[1];
        assert.equal(gpu.groupName, "gpu");
        assert.deepEqual(gpu.template.spec.nodeSelector, { "ml-platform/pool": "gpu" });
        assert.equal((gpu.template.spec.containers[0].resources.limits as Record<string, string>)["nvidia.com/gpu"], "2");
    });
    it("every container restricted: non-root, no escalation, all capabilities dropped", () => {
        const spec = rayClusterSpec(input);
        for (const c of [spec.headGroupSpec.template.spec.containers[0], spec.workerGroupSpecs[0].template.spec.containers[0]]) {
            assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] });
            assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        }
    });
});

describe("compute: operator values", () => {
    it("the Spark operator watches the jobs namespace only; the component owns the Spark SA and Role", () => {
        const v = sparkOperatorValues({ environment: "prod", image: { registry: "ghcr.io", repository: "kubeflow/spark-operator/controller", tag: "2.5.2" }, jobNamespace: "ml-compute-jobs", labels: {}, resources: {} });
        assert.deepEqual(v.spark?.jobNamespaces, ["ml-compute-jobs"]);
        assert.equal(v.spark?.serviceAccount?.create, false);
        assert.equal(v.controller?.podDisruptionBudget?.enable, true);
        assert.equal(v.webhook?.replicas, 2);
    });
    it("KubeRay: namespaced RBAC for the jobs namespace", () => {
        const v = kuberayValues({ environment: "dev", image: "quay.io/kuberay/operator:v1.7.0", jobNamespace: "ml-compute-jobs", labels: {}, resources: {} });
        assert.deepEqual([v.image?.repository, v.image?.tag, v.singleNamespaceInstall, v.watchNamespace], ["quay.io/kuberay/operator", "v1.7.0", true, ["ml-compute-jobs"]]);
    });
    it("the platform's labels reach the operator pods without replacing the labels the charts' selectors use", () => {
        const labels = platformLabels("compute");
        const spark = sparkOperatorValues({ environment: "dev", image: { registry: "ghcr.io", repository: "r", tag: "t" }, jobNamespace: "j", labels, resources: {} });
        const ray = kuberayValues({ environment: "dev", image: "quay.io/kuberay/operator:v1.7.0", jobNamespace: "j", labels, resources: {} });
        for (const podLabels of [spark.controller?.labels, spark.webhook?.labels, ray.labels]) {
            assert.deepEqual(podLabels, { "app.kubernetes.io/part-of": "ml-platform" });
        }
    });
});

describe("compute: monitoring source", () => {
    checkSource(computeMonitoring("ml-compute", "ml-compute-jobs", true));
    checkSource(computeMonitoring("ml-compute", "ml-compute-jobs", false));
    it("a dashboard of Spark applications and Ray clusters; Ray node panels only with a standing cluster", () => {
        const panels = (ray: boolean) => computeMonitoring("ml-compute", "ml-compute-jobs", ray).dashboards!.flatMap((d) => (d.json.panels as { title?: string }[]).map((p) => p.title));
        assert.ok(panels(true).includes("Ray node memory used"));
        assert.ok(!panels(false).includes("Ray node memory used"));
        assert.ok(panels(false).includes("Spark applications finished/h"));
    });
});
