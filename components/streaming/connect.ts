/**
 * Pure specs of change data capture: the KafkaConnect cluster that Strimzi builds with the Debezium PostgreSQL
 * plugin, one KafkaConnector per source, and (kind) the registry the build pushes to.
 */
import type * as k8s from "@pulumi/kubernetes";
import { platformLabels } from "../common/kubernetes";
import { databaseSecretKeys } from "../postgres/types";
import { images, imageRef, Mirror } from "../versions";
import { ResolvedConnector, StreamingPlan } from "./config";
import { COMPONENT, KAFKA_VERSION, passwordSecretName, STRIMZI_API, ZONE_KEY } from "./kafka";
import { METRICS_CONFIG_KEY } from "./metrics";
import { ConnectImageOutput } from "./types";

/**
 * Debezium 3.7.0.Final (2026-11), built against Kafka 4.3.1 like the Strimzi Kafka image it is added to. The
 * SHA-512 was computed from two downloads of the Maven Central artifact, whose connector jar matches Central's
 * published SHA-1; Strimzi's build refuses any other file.
 */
export const debeziumPostgres = {
    version: "3.7.0.Final",
    url: "https://repo1.maven.org/maven2/io/debezium/debezium-connector-postgres/3.7.0.Final/debezium-connector-postgres-3.7.0.Final-plugin.tar.gz",
    sha512sum:
        "dc5334e087c7405f5b423e77373c60a89a3d7538ad38016f3959c431ad7078361ab95300a7e926c50621e7aa8375b7f4f3c5ecec4fe04ac484804d325009b6c0",
} as const;

export const REGISTRY_PORT = 5000;

/** The Connect image's tag: it changes exactly when the base image or the plugins change. */
export function connectImageTag(plan?: Pick<StreamingPlan, "connectors" | "connectExtension">): string {
    const debezium = !plan || plan.connectors.length > 0 ? [`debezium-${debeziumPostgres.version}`] : [];
    const ext = plan?.connectExtension ? [plan.connectExtension.tagSuffix] : [];
    return [images.strimziKafka.tag, ...debezium, ...ext].join("-");
}

export const REGISTRY_NAME = "connect-registry";
export const DEFAULT_REGISTRY_NODE_PORT = 30500;

/** Host (name:port) of the in-cluster registry as the build pod and, through containerd's mapping, the nodes see it. */
export function inClusterRegistryHost(namespace: string): string {
    return `${REGISTRY_NAME}.${namespace}.svc.cluster.local:${REGISTRY_PORT}`;
}

export function connectOutputImage(plan: StreamingPlan, output: ConnectImageOutput): string {
    const repository = output.type === "registry" ? output.repository : `${inClusterRegistryHost(plan.namespace)}/ml-platform/kafka-connect`;
    return `${repository}:${connectImageTag(plan)}`;
}

/**
 * What the kind nodes' containerd needs to pull the image the build pushed: the registry's Service name does not
 * resolve on the node, so containerd maps it to the registry's NodePort on the node's own loopback, over plain
 * HTTP. The kind Cluster adds `containerdConfigPatch` to its config and writes `hostsToml` to
 * `/etc/containerd/certs.d/<host>/hosts.toml` on every node (the kind local-registry recipe). Defaults match
 * {@link StreamingArgs}' defaults.
 */
export function kindRegistryContainerdConfig(
    namespace = "ml-streaming",
    nodePort = DEFAULT_REGISTRY_NODE_PORT,
): { host: string; hostsToml: string; containerdConfigPatch: string } {
    const host = inClusterRegistryHost(namespace);
    return {
        host,
        hostsToml: `server = "http://${host}"\n\n[host."http://localhost:${nodePort}"]\n  capabilities = ["pull", "resolve"]\n`,
        containerdConfigPatch: '[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
    };
}

const secretsRef = (plan: StreamingPlan, secret: string, key: string) => `\${secrets:${plan.namespace}/${secret}:${key}}`;

/** What the Connect pods get for the object store (a {@link ConnectExtension}'s buckets). */
export interface ConnectStorageAccess {
    readonly serviceAccountAnnotations: Record<string, string>;
    readonly podLabels: Record<string, string>;
    /** MinIO: the Secret with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, put in the Connect container's environment. */
    readonly credentialsSecret?: string;
}

export function kafkaConnectSpec(plan: StreamingPlan, output: ConnectImageOutput, storage?: ConnectStorageAccess): Record<string, any> {
    const s = plan.sizing;
    const c = plan.names.connect;
    const scram = plan.security === "scram-tls";
    const inCluster = output.type === "in-cluster-registry";
    return {
        apiVersion: STRIMZI_API,
        kind: "KafkaConnect",
        metadata: {
            name: c,
            namespace: plan.namespace,
            labels: platformLabels(COMPONENT),
            // Connectors are declared as KafkaConnector resources, never through the REST API.
            annotations: { "strimzi.io/use-connector-resources": "true" },
        },
        spec: {
            version: KAFKA_VERSION,
            replicas: s.connect.replicas,
            bootstrapServers: `${plan.names.bootstrapService}:${plan.internalPort}`,
            groupId: `${c}-connect`,
            configStorageTopic: `${c}-connect-configs`,
            offsetStorageTopic: `${c}-connect-offsets`,
            statusStorageTopic: `${c}-connect-status`,
            ...(scram
                ? {
                      tls: { trustedCertificates: [{ secretName: plan.names.caCertSecret, pattern: "*.crt" }] },
                      authentication: {
                          type: "scram-sha-512",
                          username: "connect",
                          passwordSecret: { secretName: passwordSecretName("connect"), password: "password" },
                      },
                  }
                : {}),
            config: {
                // -1: the broker's default.replication.factor (3 in prod, 1 in dev).
                "config.storage.replication.factor": -1,
                "offset.storage.replication.factor": -1,
                "status.storage.replication.factor": -1,
                "key.converter": "org.apache.kafka.connect.json.JsonConverter",
                "value.converter": "org.apache.kafka.connect.json.JsonConverter",
                "key.converter.schemas.enable": false,
                "value.converter.schemas.enable": false,
                // Connector configs name Secrets as ${secrets:<namespace>/<name>:<key>}; values are read at task start.
                "config.providers": "secrets",
                "config.providers.secrets.class": "io.strimzi.kafka.KubernetesSecretConfigProvider",
                ...(plan.connectExtension?.workerConfig ?? {}),
            },
            resources: s.connect.resources,
            jvmOptions: s.connect.heap,
            ...(plan.rackAware ? { rack: { type: "topology-label", topologyKey: ZONE_KEY } } : {}),
            metricsConfig: {
                type: "jmxPrometheusExporter",
                valueFrom: { configMapKeyRef: { name: plan.names.connectMetricsConfigMap, key: METRICS_CONFIG_KEY } },
            },
            build: {
                output: {
                    type: "docker",
                    image: connectOutputImage(plan, output),
                    ...(output.type === "registry" && output.pushSecretName ? { pushSecret: output.pushSecretName } : {}),
                    // The in-cluster registry speaks plain HTTP inside the cluster network.
                    ...(inCluster ? { additionalPushOptions: ["--tls-verify=false"] } : {}),
                },
                plugins: [
                    ...(plan.connectors.length > 0
                        ? [{ name: "debezium-postgres", artifacts: [{ type: "tgz", url: debeziumPostgres.url, sha512sum: debeziumPostgres.sha512sum }] }]
                        : []),
                    ...(plan.connectExtension?.plugins ?? []).map((p) => ({ name: p.name, artifacts: p.artifacts.map((a) => ({ ...a })) })),
                ],
                resources: s.connectBuild,
            },
            template: {
                pod: {
                    metadata: { labels: { ...platformLabels(COMPONENT), ...(storage?.podLabels ?? {}) } },
                    ...(output.type === "registry" && output.pullSecretName ? { imagePullSecrets: [{ name: output.pullSecretName }] } : {}),
                    ...(plan.rackAware
                        ? {
                              topologySpreadConstraints: [
                                  {
                                      maxSkew: 1,
                                      topologyKey: ZONE_KEY,
                                      whenUnsatisfiable: "ScheduleAnyway",
                                      labelSelector: { matchLabels: { "strimzi.io/cluster": c, "strimzi.io/kind": "KafkaConnect" } },
                                  },
                              ],
                          }
                        : {}),
                },
                ...(storage && Object.keys(storage.serviceAccountAnnotations).length ? { serviceAccount: { metadata: { annotations: storage.serviceAccountAnnotations } } } : {}),
                ...(storage?.credentialsSecret
                    ? {
                          connectContainer: {
                              env: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].map((k) => ({ name: k, valueFrom: { secretKeyRef: { name: storage.credentialsSecret, key: k } } })),
                          },
                      }
                    : {}),
                podDisruptionBudget: { maxUnavailable: 1 },
                // Buildah builds as root with the runtime's default capabilities: it cannot run under the restricted
                // profile (Strimzi refuses to start a build there unless this is set), hence the namespace's `baseline`.
                buildContainer: { securityContext: { runAsUser: 0, runAsNonRoot: false } },
            },
        },
    };
}

/** A connector's source, once its database exists: host, port and database name, and the Secret holding the credentials. */
export interface ConnectorSource {
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly secretName: string;
}

export function connectorMetadata(plan: StreamingPlan, connector: ResolvedConnector) {
    return {
        name: connector.spec.name,
        namespace: plan.namespace,
        labels: { ...platformLabels(COMPONENT), "strimzi.io/cluster": plan.names.connect },
    };
}

export function kafkaConnectorSpec(plan: StreamingPlan, connector: ResolvedConnector, source: ConnectorSource): Record<string, any> {
    return {
        apiVersion: STRIMZI_API,
        kind: "KafkaConnector",
        metadata: connectorMetadata(plan, connector),
        spec: {
            class: "io.debezium.connector.postgresql.PostgresConnector",
            // The PostgreSQL connector streams one replication slot: one task.
            tasksMax: 1,
            autoRestart: { enabled: true },
            config: {
                "plugin.name": "pgoutput",
                "database.hostname": source.host,
                "database.port": source.port,
                "database.dbname": source.database,
                "database.user": secretsRef(plan, source.secretName, databaseSecretKeys.username),
                "database.password": secretsRef(plan, source.secretName, databaseSecretKeys.password),
                "database.sslmode": "prefer",
                "topic.prefix": connector.topicPrefix,
                "table.include.list": connector.spec.tables.join(","),
                "slot.name": connector.slotName,
                "publication.name": connector.publicationName,
                // A publication for exactly the captured tables: needs table ownership, not superuser (Cloud SQL, Flexible Server).
                "publication.autocreate.mode": "filtered",
                "snapshot.mode": connector.spec.snapshotMode ?? "initial",
                // Heartbeats move the slot forward while the captured tables are idle, so the WAL does not pile up.
                "heartbeat.interval.ms": 10000,
                // Schemaless JSON carries no scale: decimals as strings keep their exact value.
                "decimal.handling.mode": "string",
                "topic.creation.default.replication.factor": -1,
                "topic.creation.default.partitions": -1,
                "topic.creation.default.cleanup.policy": "delete",
                "topic.creation.default.retention.ms": plan.sizing.topic.retentionMs,
            },
        },
    };
}

/** The topics a connector writes: one per captured table. */
export function cdcTopicNames(connector: ResolvedConnector): string[] {
    return connector.spec.tables.map((t) => `${connector.topicPrefix}.${t}`);
}

export const registryLabels = (plan: StreamingPlan) => ({ ...platformLabels(COMPONENT), "app.kubernetes.io/name": REGISTRY_NAME });

/** The in-cluster registry's pod spec: distribution as a non-root user, writing only to its volume. */
export function registryDeploymentSpec(plan: StreamingPlan, pvcName: string, mirror?: Mirror): k8s.types.input.apps.v1.DeploymentSpec {
    const labels = registryLabels(plan);
    const probe = (initialDelaySeconds: number) => ({ httpGet: { path: "/", port: "registry" }, initialDelaySeconds, periodSeconds: 10 });
    return {
        replicas: 1,
        // One writer on a ReadWriteOnce volume.
        strategy: { type: "Recreate" },
        selector: { matchLabels: { "app.kubernetes.io/name": REGISTRY_NAME } },
        template: {
            metadata: { labels },
            spec: {
                automountServiceAccountToken: false,
                securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
                containers: [
                    {
                        name: "registry",
                        image: imageRef(images.containerRegistry, mirror),
                        ports: [{ name: "registry", containerPort: REGISTRY_PORT }],
                        env: [
                            { name: "REGISTRY_STORAGE_DELETE_ENABLED", value: "true" },
                            { name: "OTEL_TRACES_EXPORTER", value: "none" },
                        ],
                        volumeMounts: [{ name: "data", mountPath: "/var/lib/registry" }],
                        resources: plan.sizing.registry,
                        readinessProbe: probe(2),
                        livenessProbe: probe(10),
                        securityContext: {
                            allowPrivilegeEscalation: false,
                            readOnlyRootFilesystem: true,
                            capabilities: { drop: ["ALL"] },
                        },
                    },
                ],
                volumes: [{ name: "data", persistentVolumeClaim: { claimName: pvcName } }],
            },
        },
    };
}

export function registryServiceSpec(plan: StreamingPlan, nodePort: number): k8s.types.input.core.v1.ServiceSpec {
    return {
        type: "NodePort",
        selector: { "app.kubernetes.io/name": REGISTRY_NAME },
        ports: [{ name: "registry", port: REGISTRY_PORT, targetPort: "registry", nodePort }],
    };
}

