/**
 * Pure specs of the Strimzi custom resources: Kafka, KafkaNodePool, KafkaTopic, KafkaUser. Strimzi 1.x serves
 * only the `kafka.strimzi.io/v1` API (v1beta2 was removed in 1.0.0); KRaft and node pools are the only mode.
 */
import { platformLabels } from "../common/kubernetes";
import { isPrefix, NodePoolPlan, StreamingPlan, topicResourceName } from "./config";
import { METRICS_CONFIG_KEY } from "./metrics";
import { KafkaClientSpec } from "./types";

export const STRIMZI_API = "kafka.strimzi.io/v1";
/** Strimzi 1.2.0's default Kafka version, and its metadata version. The image pin `strimziKafka` carries the same. */
export const KAFKA_VERSION = "4.3.1";
export const KAFKA_METADATA_VERSION = "4.3-IV0";
export const ZONE_KEY = "topology.kubernetes.io/zone";
export const COMPONENT = "streaming";

type Obj = Record<string, any>;

const clusterLabel = (plan: StreamingPlan) => ({ ...platformLabels(COMPONENT), "strimzi.io/cluster": plan.clusterName });

/** `[0-2]`, or `[0]` for a single node: the format of `strimzi.io/next-node-ids`. */
function idRange(ids: readonly number[]): string {
    return ids.length === 1 ? `[${ids[0]}]` : `[${ids[0]}-${ids[ids.length - 1]}]`;
}

export function listeners(plan: StreamingPlan): Obj[] {
    const scram = plan.security === "scram-tls";
    // Strimzi opens each listener to every namespace unless told which peers use it.
    const peers = plan.clientNamespaces && {
        networkPolicyPeers: [
            { podSelector: {} },
            ...plan.clientNamespaces.map((ns) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } })),
        ],
    };
    const internal: Obj = scram
        ? { name: "tls", port: 9093, type: "internal", tls: true, authentication: { type: "scram-sha-512" }, ...peers }
        : { name: "plain", port: 9092, type: "internal", tls: false, ...peers };
    if (!plan.external) return [internal];
    const { advertisedHost, bootstrapNodePort } = plan.external;
    return [
        internal,
        {
            name: "external",
            port: 9094,
            type: "nodeport",
            tls: scram,
            ...(scram ? { authentication: { type: "scram-sha-512" } } : {}),
            configuration: {
                bootstrap: { nodePort: bootstrapNodePort },
                // Brokers advertise the laptop-side address: kind maps (or `kubectl port-forward` forwards) each port 1:1.
                brokers: plan.brokerIds.map((id, i) => ({ broker: id, nodePort: bootstrapNodePort + 1 + i, advertisedHost })),
            },
        },
    ];
}

export function kafkaConfig(plan: StreamingPlan): Record<string, string | number | boolean> {
    const { factor, minInsync } = plan.sizing.replication;
    return {
        "default.replication.factor": factor,
        "min.insync.replicas": minInsync,
        "offsets.topic.replication.factor": factor,
        "transaction.state.log.replication.factor": factor,
        "transaction.state.log.min.isr": minInsync,
        // Topics are declared as KafkaTopics or created by Connect's admin client, never by a typo in a producer.
        "auto.create.topics.enable": false,
        "unclean.leader.election.enable": false,
        ...(plan.rackAware ? { "replica.selector.class": "org.apache.kafka.common.replica.RackAwareReplicaSelector" } : {}),
    };
}

export function kafkaSpec(plan: StreamingPlan): Obj {
    const s = plan.sizing;
    const scram = plan.security === "scram-tls";
    return {
        apiVersion: STRIMZI_API,
        kind: "Kafka",
        metadata: {
            name: plan.clusterName,
            namespace: plan.namespace,
            labels: platformLabels(COMPONENT),
            annotations: {
                // Strimzi >= 0.46 runs only KRaft with node pools and no longer reads these; they state the mode for readers and tools.
                "strimzi.io/node-pools": "enabled",
                "strimzi.io/kraft": "enabled",
                // With TLS, clients are handed the cluster CA, which Strimzi creates while it brings the cluster up:
                // `pulumi up` waits until the cluster is Ready before reading it.
                ...(scram ? { "pulumi.com/waitFor": "condition=Ready" } : {}),
            },
        },
        spec: {
            kafka: {
                version: KAFKA_VERSION,
                metadataVersion: KAFKA_METADATA_VERSION,
                listeners: listeners(plan),
                config: kafkaConfig(plan),
                ...(scram ? { authorization: { type: "simple" } } : {}),
                ...(plan.rackAware ? { rack: { type: "topology-label", topologyKey: ZONE_KEY } } : {}),
                metricsConfig: {
                    type: "jmxPrometheusExporter",
                    valueFrom: { configMapKeyRef: { name: plan.names.metricsConfigMap, key: METRICS_CONFIG_KEY } },
                },
                template: {
                    // One budget over every KRaft node: drains take one broker or controller at a time.
                    podDisruptionBudget: { maxUnavailable: 1 },
                    pod: { metadata: { labels: platformLabels(COMPONENT) } },
                },
            },
            entityOperator: {
                topicOperator: { resources: s.topicOperator },
                ...(scram ? { userOperator: { resources: s.userOperator } } : {}),
            },
            kafkaExporter: { topicRegex: ".*", groupRegex: ".*", resources: s.kafkaExporter },
        },
    };
}

export function nodePoolSpec(plan: StreamingPlan, pool: NodePoolPlan): Obj {
    return {
        apiVersion: STRIMZI_API,
        kind: "KafkaNodePool",
        metadata: {
            name: pool.name,
            namespace: plan.namespace,
            labels: clusterLabel(plan),
            annotations: { "strimzi.io/next-node-ids": idRange(pool.nodeIds) },
        },
        spec: {
            replicas: pool.replicas,
            roles: pool.roles,
            storage: {
                type: "jbod",
                volumes: [
                    {
                        id: 0,
                        type: "persistent-claim",
                        size: pool.storageSize,
                        ...(plan.storageClassName ? { class: plan.storageClassName } : {}),
                        // Prod volumes outlive the Kafka resource; dev ones go with `pulumi destroy`.
                        deleteClaim: plan.environment === "dev",
                        kraftMetadata: "shared",
                    },
                ],
            },
            resources: pool.resources,
            jvmOptions: pool.heap,
            ...(plan.rackAware
                ? {
                      template: {
                          pod: {
                              topologySpreadConstraints: [
                                  {
                                      maxSkew: 1,
                                      topologyKey: ZONE_KEY,
                                      whenUnsatisfiable: "DoNotSchedule",
                                      labelSelector: { matchLabels: { "strimzi.io/cluster": plan.clusterName, "strimzi.io/pool-name": pool.name } },
                                  },
                              ],
                          },
                      },
                  }
                : {}),
        },
    };
}

export function topicSpecs(plan: StreamingPlan): Obj[] {
    return plan.topics.map((t) => ({
        apiVersion: STRIMZI_API,
        kind: "KafkaTopic",
        metadata: { name: topicResourceName(t.name), namespace: plan.namespace, labels: clusterLabel(plan) },
        spec: { topicName: t.name, partitions: t.partitions, replicas: t.replicas, config: t.config },
    }));
}

/** The Kafka Connect worker's client: its internal topics and group, and every CDC topic prefix. */
export function connectClient(plan: StreamingPlan): KafkaClientSpec {
    const c = plan.names.connect;
    const internal = [`${c}-connect-configs`, `${c}-connect-offsets`, `${c}-connect-status`];
    const cdc = plan.connectors.flatMap((k) => [`${k.topicPrefix}.*`, `__debezium-heartbeat.${k.topicPrefix}`]);
    const ext = plan.connectExtension?.acls ?? {};
    return {
        name: "connect",
        consumes: [...internal, ...(ext.consumes ?? [])],
        produces: [...internal, ...cdc, ...(ext.produces ?? [])],
        groups: [`${c}-connect`, ...(ext.groups ?? [])],
        ...(ext.transactionalIds?.length ? { transactionalIds: [...ext.transactionalIds] } : {}),
    };
}

/** Every client that gets a KafkaUser: the declared ones plus Kafka Connect when it runs. */
export function allClients(plan: StreamingPlan): KafkaClientSpec[] {
    return plan.runsConnect ? [connectClient(plan), ...plan.clients] : [...plan.clients];
}

function resource(type: "topic" | "group" | "transactionalId", pattern: string) {
    return isPrefix(pattern)
        ? { type, name: pattern.slice(0, -1), patternType: "prefix" }
        : { type, name: pattern, patternType: "literal" };
}

export function acls(client: KafkaClientSpec): Obj[] {
    return [
        ...(client.consumes ?? []).map((p) => ({ resource: resource("topic", p), operations: ["Read", "Describe", "DescribeConfigs"] })),
        ...(client.produces ?? []).map((p) => ({ resource: resource("topic", p), operations: ["Write", "Describe", "Create"] })),
        ...(client.groups ?? []).map((p) => ({ resource: resource("group", p), operations: ["Read", "Describe"] })),
        ...(client.transactionalIds ?? []).map((p) => ({ resource: resource("transactionalId", p), operations: ["Write", "Describe"] })),
    ];
}

/** A consumer group the client's ACLs allow: its first group, a prefix completed with `default`. */
export function clientGroupId(client: KafkaClientSpec): string | undefined {
    const group = client.groups?.[0];
    return group && isPrefix(group) ? `${group.slice(0, -1)}default` : group;
}

/** Secret we create with the client's generated SCRAM password; the KafkaUser points at it. */
export const passwordSecretName = (client: string) => `${client}-scram-password`;

export function userSpec(plan: StreamingPlan, client: KafkaClientSpec): Obj {
    return {
        apiVersion: STRIMZI_API,
        kind: "KafkaUser",
        metadata: { name: client.name, namespace: plan.namespace, labels: clusterLabel(plan) },
        spec: {
            authentication: {
                type: "scram-sha-512",
                password: { valueFrom: { secretKeyRef: { name: passwordSecretName(client.name), key: "password" } } },
            },
            authorization: { type: "simple", acls: acls(client) },
        },
    };
}
