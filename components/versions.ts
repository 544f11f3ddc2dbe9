/**
 * Every container image and Helm chart the platform deploys, pinned to an exact version, in one place.
 *
 * Air-gapped clusters pass a {@link Mirror} to the components: images are then pulled from the mirror
 * registry (same repository path) and charts from the mirror chart repository.
 */

/** An image pinned to an exact tag (and digest where the upstream publishes one we rely on). */
export interface ImagePin {
    /** Registry host, e.g. `docker.io`. */
    readonly registry: string;
    /** Repository path inside the registry, e.g. `kindest/node`. */
    readonly repository: string;
    /** Exact tag; never `latest`. */
    readonly tag: string;
    /** Optional content digest (`sha256:...`), appended as `@digest`. */
    readonly digest?: string;
}

/** A Helm chart pinned to an exact version in its upstream repository. */
export interface ChartPin {
    /** Chart name inside the repository. */
    readonly chart: string;
    /** Exact chart version. */
    readonly version: string;
    /** Upstream chart repository URL (HTTP index or `oci://`). */
    readonly repository: string;
}

/** Where an air-gapped installation pulls images and charts from instead of the upstreams. */
export interface Mirror {
    /** Registry host (optionally with a path prefix) that replaces every image's registry, e.g. `registry.corp/mirror`. */
    readonly imageRegistry?: string;
    /** Chart repository URL that replaces every chart's repository. */
    readonly chartRepository?: string;
}

export const images = {
    /** kind v0.30.0's node image for Kubernetes 1.34.0 (digest from the kind release notes). */
    kindNode: {
        registry: "docker.io",
        repository: "kindest/node",
        tag: "v1.34.0",
        digest: "sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a",
    },
    // --- storage and postgres ---
    /**
     * MinIO server (dev object store). MinIO stopped publishing community images in October 2025 and Docker Hub's
     * minio/minio is gone; quay.io keeps the archived ones. This is the last community release published there.
     */
    minio: { registry: "quay.io", repository: "minio/minio", tag: "RELEASE.2025-09-07T16-13-09Z" },
    /** MinIO client for the declarative bucket and user setup Jobs; last community `mc` release on quay.io. */
    minioClient: { registry: "quay.io", repository: "minio/mc", tag: "RELEASE.2025-08-13T08-35-41Z" },
    /**
     * Official Postgres image (dev server, and the psql client of the provisioning Jobs on every flavor). Major 17
     * everywhere: Cloud SQL POSTGRES_17 and Flexible Server "17" match it, so dev and prod behave alike.
     */
    postgres: { registry: "docker.io", repository: "library/postgres", tag: "17.11-trixie" },
    // --- lakehouse ---
    /**
     * Apache Hive 4.1.0, the full image: the metastore service and schematool. Not 4.2.x: Trino 483's Iceberg DDL
     * has been reported failing against HMS 4.2.1 (`Invalid method name: 'get_table'`). The full image (not
     * `standalone-metastore-*`) because it ships Hadoop 3.4.1's complete tarball, whose tools directory already
     * holds hadoop-aws with the AWS SDK v2 bundle and hadoop-azure (put on the classpath with
     * HADOOP_OPTIONAL_TOOLS instead of a 560 MB download per pod start).
     */
    hive: { registry: "docker.io", repository: "apache/hive", tag: "4.1.0" },
    /**
     * Trino 483. The chart's default is 480; 483 is pinned because every catalog property this platform writes was
     * checked against 483's sources (481 renamed `fs.native-*.enabled` to `fs.*.enabled` and added `gcs.auth-type`).
     */
    trino: { registry: "docker.io", repository: "trinodb/trino", tag: "483" },
    /** curl + sha256sum (Alpine/BusyBox) for the init container that fetches the metastore's checksum-pinned jars. */
    curl: { registry: "docker.io", repository: "curlimages/curl", tag: "8.16.0" },
    // --- streaming ---
    /** Strimzi 1.2.0 (2026-08), the newest release: cluster operator, topic/user operators and Kafka init image. */
    strimziOperator: { registry: "quay.io", repository: "strimzi/operator", tag: "1.2.0" },
    /**
     * Strimzi's Kafka image for Kafka 4.3.1 (Strimzi 1.2.0's default Kafka): brokers, controllers, Kafka Exporter
     * and the base of the Kafka Connect image. The operator picks it from `spec.kafka.version`; listed so a mirror
     * can serve it.
     */
    strimziKafka: { registry: "quay.io", repository: "strimzi/kafka", tag: "1.2.0-kafka-4.3.1" },
    /** Strimzi's Buildah image, used by the operator to build the Kafka Connect image with the Debezium plugin. */
    strimziBuildah: { registry: "quay.io", repository: "strimzi/buildah", tag: "1.2.0" },
    /** CNCF Distribution registry 3.0.0: the in-cluster registry the Kafka Connect build pushes to on kind. */
    containerRegistry: { registry: "docker.io", repository: "library/registry", tag: "3.0.0" },
    /** Flink Kubernetes Operator 1.15.0 (2026-05), the newest release; Docker Hub carries the version tags. */
    flinkOperator: { registry: "docker.io", repository: "apache/flink-kubernetes-operator", tag: "1.15.0" },
    /**
     * Vector 0.57.0 (2026-07-14; vectordotdev/vector tag v0.57.0), distroless: the model feedback loop's inference-log
     * receiver (http_server source with `headers`, `path_key`; sample `ratio` + `key_field`; kafka sink with SCRAM/TLS).
     */
    vector: { registry: "docker.io", repository: "timberio/vector", tag: "0.57.0-distroless-libc" },
    // --- orchestrator ---
    /** Apache Airflow 3.2.2: the default (appVersion) of the official chart 1.22.0, so chart and image are tested together. */
    airflow: { registry: "docker.io", repository: "apache/airflow", tag: "3.2.2" },
    /** git-sync v4 (the chart sets both GIT_SYNC_* and GITSYNC_* variables, so v4 is supported); the chart's own default. */
    airflowGitSync: { registry: "registry.k8s.io", repository: "git-sync/git-sync", tag: "v4.4.2" },
    /** The chart's default StatsD exporter, which turns Airflow's StatsD metrics into Prometheus metrics. */
    airflowStatsd: { registry: "quay.io", repository: "prometheus/statsd-exporter", tag: "v0.28.0" },
    /** PgBouncer 1.23.1 as built by the Airflow project for its chart (the chart's default). */
    airflowPgbouncer: { registry: "docker.io", repository: "apache/airflow", tag: "airflow-pgbouncer-2025.03.05-1.23.1" },
    /** PgBouncer exporter 0.18.0 as built by the Airflow project for its chart (the chart's default). */
    airflowPgbouncerExporter: { registry: "docker.io", repository: "apache/airflow", tag: "airflow-pgbouncer-exporter-2025.03.05-0.18.0" },
    /** Celery broker (CeleryExecutor only): the chart stays on Redis 7.2 (BSD licence); pinned to the patch release instead of its floating `7.2-bookworm`. */
    airflowRedis: { registry: "docker.io", repository: "redis", tag: "7.2.16-bookworm" },
    // --- tracking and serving ---
    /**
     * MLflow's official image, `-full` variant: mlflow[extras,azure,db,gateway,genai,auth], so psycopg2/psycopg,
     * boto3, google-cloud-storage, azure-storage-blob + azure-identity, prometheus-flask-exporter and Flask-WTF
     * (basic auth) are baked in and nothing is pip-installed at start. 3.18.0 is the newest release (2026-11-03);
     * it includes `mlflow db upgrade` on an empty database (mlflow/mlflow#23752).
     */
    mlflow: { registry: "ghcr.io", repository: "mlflow/mlflow", tag: "v3.18.0-full" },
    /** The KServe chart's metrics proxy in front of the controller (its v0.20.0 default), listed so a mirror can serve it. */
    kubeRbacProxy: { registry: "quay.io", repository: "brancz/kube-rbac-proxy", tag: "v0.18.0" },
    // --- compute ---
    /** Kubeflow Spark operator 2.5.2 (2026-07-30), the newest release: controller and webhook (the chart's appVersion). */
    sparkOperator: { registry: "ghcr.io", repository: "kubeflow/spark-operator/controller", tag: "2.5.2" },
    /**
     * Apache Spark 4.0.4 (Scala 2.13, Hadoop 3.4.1 client, Java 17) for drivers, executors and the History Server:
     * the base image of the Spark operator 2.5.2 and of its examples; digest as pinned in its Dockerfile.
     */
    spark: {
        registry: "docker.io",
        repository: "apache/spark",
        tag: "4.0.4",
        digest: "sha256:94ad730f7510002d8a1615de269f27cdeca4d4eef51657384db3fa9246b5a4d8",
    },
    /** KubeRay operator v1.7.0 (2026-08-19), the newest release (the chart's default). */
    kuberayOperator: { registry: "quay.io", repository: "kuberay/operator", tag: "v1.7.0" },
    /** Ray 2.52.0, the version KubeRay 1.7.0's samples and e2e tests run (`rayVersion` must match the image). */
    ray: { registry: "docker.io", repository: "rayproject/ray", tag: "2.52.0" },
    // --- feature store ---
    /**
     * Feast 0.66.0 (2026-08-21), the newest release: the project's own feature-server image (`feast[minimal]`:
     * the file/dask and DuckDB offline stores, the SQL registry, Postgres (psycopg 3) and Redis online stores, S3 and
     * GCS clients, pyarrow with its S3, GCS and Azure file systems). It runs as uid 1001 (UBI 9 Python 3.12).
     */
    feastFeatureServer: { registry: "quay.io", repository: "feastdev/feature-server", tag: "0.66.0" },
    /** Valkey 9.1.1, the official Valkey chart 0.11.0's appVersion: the optional online store (`onlineStore: valkey`). */
    valkey: { registry: "docker.io", repository: "valkey/valkey", tag: "9.1.1" },
    /** redis_exporter v1.79.0, the Valkey chart 0.11.0's own metrics sidecar default. */
    redisExporter: { registry: "ghcr.io", repository: "oliver006/redis_exporter", tag: "v1.79.0" },
    // --- notebooks ---
    /**
     * JupyterHub 5.5.0's hub as built by zero-to-jupyterhub-k8s 4.4.0 (the chart's own tag): KubeSpawner 7.0.0,
     * oauthenticator 17.4.0 (GenericOAuthenticator), jupyterhub-nativeauthenticator 1.3.0, jupyterhub-idle-culler 1.4.0
     * and psycopg2 2.9.12 (the Postgres hub database).
     */
    jupyterhubHub: { registry: "quay.io", repository: "jupyterhub/k8s-hub", tag: "4.4.0" },
    /** configurable-http-proxy 5.2.0, the chart 4.4.0's default proxy. */
    jupyterhubProxy: { registry: "quay.io", repository: "jupyterhub/configurable-http-proxy", tag: "5.2.0" },
    /** The chart 4.4.0's user image (jupyterhub-singleuser with JupyterLab; user jovyan, uid 1000, gid 100). */
    jupyterhubSingleuser: { registry: "quay.io", repository: "jupyterhub/k8s-singleuser-sample", tag: "4.4.0" },
    // --- identity (single sign-on) ---
    /**
     * Dex v2.45.1 (2026-03-03), the dev identity provider. Newer than the chart's appVersion (2.44.0): static users
     * carry `groups` only from v2.45.0 (dexidp/dex#4456), and the dev admin's group maps to the admin role in every
     * UI. The image runs as uid 1001 (`dex`); the chart 0.24.0 templates start it the same way (`dex serve <config>`).
     */
    dex: { registry: "ghcr.io", repository: "dexidp/dex", tag: "v2.45.1" },
    /** oauth2-proxy v7.15.3, the oauth2-proxy chart 10.7.0's appVersion: the authenticating proxy behind Traefik's forward-auth. */
    oauth2Proxy: { registry: "quay.io", repository: "oauth2-proxy/oauth2-proxy", tag: "v7.15.3" },
    // --- monitoring ---
    /** postgres_exporter v0.20.1 (2026-07-07), the newest release: `pg_replication_slots_*` names (renamed in 0.20). */
    postgresExporter: { registry: "quay.io", repository: "prometheuscommunity/postgres-exporter", tag: "v0.20.1" },
} as const satisfies Record<string, ImagePin>;

export const charts = {
    // --- storage and postgres ---
    // --- lakehouse ---
    /** The official Trino chart (trinodb/charts) 1.42.2, the newest release: coordinator, workers, HPA, graceful shutdown. */
    trino: { chart: "trino", version: "1.42.2", repository: "https://trinodb.github.io/charts" },
    // --- streaming ---
    /** Strimzi 1.2.0: KRaft only, `kafka.strimzi.io/v1` API, Kafka 4.2.x/4.3.x. */
    strimziKafkaOperator: { chart: "strimzi-kafka-operator", version: "1.2.0", repository: "https://strimzi.io/charts/" },
    /**
     * Flink Kubernetes Operator 1.15.0 from the Apache release repository. archive.apache.org keeps every release
     * (downloads.apache.org drops a version once the next one ships), so the pin keeps resolving.
     */
    flinkKubernetesOperator: {
        chart: "flink-kubernetes-operator",
        version: "1.15.0",
        repository: "https://archive.apache.org/dist/flink/flink-kubernetes-operator-1.15.0/",
    },
    // --- orchestrator ---
    /** The official Apache Airflow chart 1.22.0 (2026-06-13), the newest release; ships Airflow 3.2.2. */
    airflow: { chart: "airflow", version: "1.22.0", repository: "https://airflow.apache.org" },
    // --- tracking and serving ---
    /** KServe v0.20.0 (2026-08-05), the newest release: its CRDs, installed before the controller chart. */
    kserveCrd: { chart: "kserve-crd", version: "v0.20.0", repository: "oci://ghcr.io/kserve/charts" },
    /** The KServe controller, webhooks and inferenceservice-config (published as `kserve` up to v0.16). */
    kserveResources: { chart: "kserve-resources", version: "v0.20.0", repository: "oci://ghcr.io/kserve/charts" },
    /** KServe's ClusterServingRuntimes (sklearn, xgboost, ...); off by default in the chart, so values enable them. */
    kserveRuntimeConfigs: { chart: "kserve-runtime-configs", version: "v0.20.0", repository: "oci://ghcr.io/kserve/charts" },
    /** metrics-server 0.8.1 for HPA on kind (GKE and AKS run their own); 3.13.1 is the newest chart release. */
    metricsServer: { chart: "metrics-server", version: "3.13.1", repository: "https://kubernetes-sigs.github.io/metrics-server/" },
    // --- compute ---
    /** The Kubeflow Spark operator's official chart 2.5.2 (CRDs SparkApplication, ScheduledSparkApplication, SparkConnect). */
    sparkOperator: { chart: "spark-operator", version: "2.5.2", repository: "https://kubeflow.github.io/spark-operator" },
    /** The KubeRay operator's official chart 1.7.0 (CRDs RayCluster, RayJob, RayService, RayCronJob). */
    kuberayOperator: { chart: "kuberay-operator", version: "1.7.0", repository: "https://ray-project.github.io/kuberay-helm/" },
    // --- feature store ---
    /**
     * The Valkey project's official chart (valkey-io/valkey-helm) 0.11.0: standalone (a Deployment) or a primary with
     * replicas (a StatefulSet), ACL users from an existing Secret, restricted pod security by default. Not Bitnami.
     * Chart 1.0.0 (2026-11) renamed several values; its source was not available to check, so the pin stays here.
     */
    valkey: { chart: "valkey", version: "0.11.0", repository: "https://valkey.io/valkey-helm/" },
    // --- notebooks ---
    /**
     * zero-to-jupyterhub-k8s 4.4.0 (2026-06-10), the newest release: JupyterHub 5.5.0. Its images are pinned above
     * and set explicitly in the values (the chart's own defaults are the same tags).
     */
    jupyterhub: { chart: "jupyterhub", version: "4.4.0", repository: "https://hub.jupyter.org/helm-chart/" },
    // --- monitoring ---
    /**
     * kube-prometheus-stack 88.5.3 (2026-08-21), the newest release: prometheus-operator v0.93.1, Prometheus v3.14.0,
     * Alertmanager v0.34.0, Grafana chart 12.11.1 (Grafana 13.2.0). The chart pins every image it deploys.
     */
    kubePrometheusStack: { chart: "kube-prometheus-stack", version: "88.5.3", repository: "https://prometheus-community.github.io/helm-charts" },
    // --- identity (single sign-on) ---
    /** The Dex project's official chart (dexidp/helm-charts) 0.24.0, the newest release: config from an existing Secret (`configSecret.create: false`). */
    dex: { chart: "dex", version: "0.24.0", repository: "https://charts.dexidp.io" },
    /** The oauth2-proxy project's official chart (oauth2-proxy/manifests) 10.7.0: credentials from an existing Secret (`config.existingSecret`). */
    oauth2Proxy: { chart: "oauth2-proxy", version: "10.7.0", repository: "https://oauth2-proxy.github.io/manifests" },
    // --- ingress ---
    /** cert-manager, shared by ingress TLS and KServe's webhooks. */
    certManager: { chart: "cert-manager", version: "v1.21.1", repository: "https://charts.jetstack.io" },
    /** Traefik v3.7.11 (ingress-nginx was retired in March 2026: no more security fixes). */
    traefik: { chart: "traefik", version: "41.3.0", repository: "https://traefik.github.io/charts" },
} as const satisfies Record<string, ChartPin>;

/** Full image reference for a pin, honouring a mirror registry. */
export function imageRef(pin: ImagePin, mirror?: Mirror): string {
    const registry = mirror?.imageRegistry?.replace(/\/+$/, "") ?? pin.registry;
    const digest = pin.digest ? `@${pin.digest}` : "";
    return `${registry}/${pin.repository}:${pin.tag}${digest}`;
}

/**
 * The `chart`/`version`/`repositoryOpts` of a `kubernetes.helm.v3.Release`, honouring a mirror. Helm reads an `oci://`
 * chart by reference (`oci://host/path/chart`), never through a repository index, so for an OCI upstream or an OCI
 * mirror the chart is that reference and no `repositoryOpts` is set.
 */
export function chartSource(pin: ChartPin, mirror?: Mirror): { chart: string; version: string; repositoryOpts?: { repo: string } } {
    const repo = mirror?.chartRepository ?? pin.repository;
    if (repo.startsWith("oci://")) return { chart: `${repo.replace(/\/+$/, "")}/${pin.chart}`, version: pin.version };
    return { chart: pin.chart, version: pin.version, repositoryOpts: { repo } };
}
