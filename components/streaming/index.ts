import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { createNamespace, createSecret, platformLabels, requireKubernetesProvider } from "../common/kubernetes";
import { ClientNamespace, connect, ConnectionRecord, Flow, NetworkMember, toApiServer } from "../network/spec";
import { chartSource, charts } from "../versions";
import { planStreaming, StreamingPlan } from "./config";
import { createCdc } from "./cdc";
import { flinkDeploymentSpec } from "./flink";
import { allClients, clientGroupId, COMPONENT, kafkaSpec, nodePoolSpec, passwordSecretName, topicSpecs, userSpec } from "./kafka";
import { jmxExporterConfig, kafkaMetricsRules, METRICS_CONFIG_KEY } from "./metrics";
import type { MonitoringSource } from "../monitoring/source";
import { podMonitorSpecs, streamingMonitoring } from "./monitoring";
import { FLINK_OPERATOR_SELECTOR, flinkOperatorValues, strimziValues } from "./operators";
import { KafkaClientAccess, kafkaClientSecretKeys, KafkaClientConnection, KafkaServer, StreamingArgs } from "./types";

export * from "./types";
export { planStreaming } from "./config";
export type { StreamingPlan } from "./config";
export { connectImageTag, debeziumPostgres, kindRegistryContainerdConfig } from "./connect";
export { KAFKA_VERSION } from "./kafka";

/** A Strimzi custom resource (or any CR): the objects are built by the pure spec modules. */
function customResource(name: string, spec: Record<string, any>, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
    const { apiVersion, kind, metadata, ...rest } = spec;
    return new k8s.apiextensions.CustomResource(name, { apiVersion, kind, metadata, ...rest }, opts);
}

/**
 * Streaming: Kafka on Strimzi (KRaft, node pools), topics and users as code, change data capture from Postgres
 * with Debezium on Kafka Connect, and the Flink Kubernetes Operator with FlinkDeployments.
 */
export class Streaming extends pulumi.ComponentResource implements KafkaServer, NetworkMember {
    public readonly namespaces: string[];
    /** Its operators' and Connect's flows; each `grantClient` adds the client's flow on the client's side. */
    public readonly flows: Flow[];
    /** Kafka Connect's source databases. */
    public readonly connections: ConnectionRecord[] = [];
    public readonly namespace: pulumi.Output<string>;
    /** In-cluster bootstrap address (`host:port`). */
    public readonly bootstrapServers: pulumi.Output<string>;
    /** From the laptop, with `externalAccess` (kind). */
    public readonly externalBootstrapServers?: pulumi.Output<string>;
    /** Kafka Connect REST API (Strimzi limits it to the operator and Connect pods by NetworkPolicy; use port-forward). */
    public readonly connectUrl?: pulumi.Output<string>;
    /** The KafkaConnect cluster a KafkaConnector names in its `strimzi.io/cluster` label, when Connect runs. */
    public readonly connectCluster?: string;
    /** The KafkaConnect resource, when Connect runs: KafkaConnectors created elsewhere depend on it. */
    public readonly connectResource?: pulumi.Resource;
    /** Declared topics, then the CDC topics (`<prefix>.<schema>.<table>`). */
    public readonly topicNames: pulumi.Output<string[]>;
    public readonly flinkOperatorNamespace?: pulumi.Output<string>;
    /** How a client connects (protocol, CA Secret, per-client credential Secrets). */
    public readonly clientConnection: KafkaClientConnection;
    /** The Strimzi operator release: depend on it before creating further Strimzi resources. */
    public readonly strimzi: k8s.helm.v3.Release;
    public readonly plan: StreamingPlan;
    /** Kafka, Connect, Strimzi and Flink metrics, alerts and the Kafka/CDC dashboard, for `Monitoring`'s `sources`. */
    public readonly monitoring: MonitoringSource;
    private readonly kafka: k8s.apiextensions.CustomResource;
    private readonly passwords: Record<string, pulumi.Output<string>> = {};

    constructor(name: string, args: StreamingArgs, opts?: pulumi.ComponentResourceOptions) {
        requireKubernetesProvider(`Streaming "${name}"`, args, opts);
        super("mlplatform:streaming:Streaming", name, {}, opts);
        const plan = planStreaming(name, args);
        this.plan = plan;
        this.monitoring = streamingMonitoring(plan, { sourceSlots: plan.connectors.length > 0 && args.cdc?.postgres?.flavor === "in-cluster", alerts: args.alerts });
        const prod = plan.environment === "prod";
        const scram = plan.security === "scram-tls";

        // Strimzi's Connect build runs Buildah as root: the namespace enforces `baseline` only when there is a build.
        const ns = createNamespace(
            `${name}-ns`,
            { namespace: plan.namespace, component: COMPONENT, podSecurity: plan.runsConnect ? "baseline" : "restricted" },
            { parent: this, protect: prod },
        );
        this.namespace = ns.metadata.name;
        this.namespaces = [plan.namespace];
        this.flows = [toApiServer(plan.namespace, plan.flinkOperator ? "the Strimzi and Flink operators" : "the Strimzi operator")];

        this.strimzi = new k8s.helm.v3.Release(
            `${name}-strimzi`,
            {
                ...chartSource(charts.strimziKafkaOperator, args.mirror),
                name: "strimzi",
                namespace: ns.metadata.name,
                values: strimziValues(plan, args.watchNamespaces ?? [], args.mirror),
                atomic: true,
                cleanupOnFail: true,
                maxHistory: 5,
            },
            { parent: this },
        );
        // The CRDs come with the chart: every Strimzi resource waits for the release.
        const afterStrimzi = (extra: pulumi.Resource[] = [], more: pulumi.CustomResourceOptions = {}) => ({
            parent: this,
            dependsOn: [this.strimzi, ...extra],
            ...more,
        });

        const metrics = new k8s.core.v1.ConfigMap(
            `${name}-kafka-metrics`,
            {
                metadata: { name: plan.names.metricsConfigMap, namespace: ns.metadata.name, labels: platformLabels(COMPONENT) },
                data: { [METRICS_CONFIG_KEY]: jmxExporterConfig(kafkaMetricsRules) },
            },
            { parent: this },
        );
        const pools = plan.nodePools.map((p) => customResource(`${name}-pool-${p.name}`, nodePoolSpec(plan, p), afterStrimzi([], { protect: prod })));
        const kafka = customResource(
            `${name}-kafka`,
            kafkaSpec(plan),
            afterStrimzi([metrics, ...pools], { protect: prod, ...(scram ? { customTimeouts: { create: "30m", update: "30m" } } : {}) }),
        );
        this.kafka = kafka;

        // Removing a topic from the list must not delete its data: prod KafkaTopics stay in the cluster.
        for (const topic of topicSpecs(plan)) {
            customResource(`${name}-topic-${topic.metadata.name}`, topic, afterStrimzi([kafka], { retainOnDelete: prod }));
        }

        const users: Record<string, { username: string; secretName: string }> = {};
        const userResources: Record<string, pulumi.Resource> = {};
        if (scram) {
            for (const client of allClients(plan)) {
                const password = new random.RandomPassword(`${name}-${client.name}-password`, { length: 32, special: false }, { parent: this });
                const secret = createSecret(
                    `${name}-${client.name}-scram`,
                    { name: passwordSecretName(client.name), namespace: ns.metadata.name, component: COMPONENT, data: { password: password.result } },
                    { parent: this },
                );
                userResources[client.name] = customResource(`${name}-user-${client.name}`, userSpec(plan, client), afterStrimzi([kafka, secret]));
                this.passwords[client.name] = pulumi.secret(password.result);
                users[client.name] = { username: client.name, secretName: client.name };
            }
        }

        const cdc = plan.runsConnect
            ? createCdc(name, plan, args, { namespace: { name: plan.namespace, created: ns.metadata.name }, dependsOn: [this.strimzi, kafka, ...Object.values(userResources)], parent: this })
            : undefined;

        let flinkRelease: k8s.helm.v3.Release | undefined;
        if (plan.flinkOperator) {
            flinkRelease = new k8s.helm.v3.Release(
                `${name}-flink-operator`,
                {
                    ...chartSource(charts.flinkKubernetesOperator, args.mirror),
                    name: "flink-kubernetes-operator",
                    namespace: ns.metadata.name,
                    values: flinkOperatorValues(plan, args.mirror),
                    atomic: true,
                    cleanupOnFail: true,
                    maxHistory: 5,
                },
                { parent: this },
            );
            if (plan.sizing.flinkOperator.replicas > 1) {
                // The chart has no PodDisruptionBudget of its own.
                new k8s.policy.v1.PodDisruptionBudget(
                    `${name}-flink-operator-pdb`,
                    {
                        metadata: { name: "flink-kubernetes-operator", namespace: ns.metadata.name, labels: platformLabels(COMPONENT) },
                        spec: { minAvailable: 1, selector: { matchLabels: FLINK_OPERATOR_SELECTOR } },
                    },
                    { parent: this, dependsOn: [flinkRelease] },
                );
            }
            for (const job of plan.flinkJobs) {
                const deps: pulumi.Resource[] = [flinkRelease, kafka, ...(job.kafkaUser && userResources[job.kafkaUser] ? [userResources[job.kafkaUser]] : [])];
                customResource(`${name}-flink-${job.name}`, flinkDeploymentSpec(plan, job), { parent: this, dependsOn: deps });
            }
            this.flinkOperatorNamespace = ns.metadata.name;
        }

        if (args.podMonitors) {
            for (const pm of podMonitorSpecs(plan)) {
                customResource(`${name}-podmonitor-${pm.metadata.name}`, pm, { parent: this, dependsOn: [this.strimzi, ...(flinkRelease ? [flinkRelease] : [])] });
            }
        }

        this.bootstrapServers = pulumi.output(plan.bootstrapServers);
        if (plan.external) this.externalBootstrapServers = pulumi.output(`${plan.external.advertisedHost}:${plan.external.bootstrapNodePort}`);
        this.connectUrl = cdc?.connectUrl;
        this.connectCluster = cdc ? plan.names.connect : undefined;
        this.connectResource = cdc?.connect;
        this.flows.push(...(cdc?.flows ?? []));
        connect(this, ...(cdc?.databases ?? []), cdc?.storage);
        this.topicNames = pulumi.output([...plan.topics.map((t) => t.name), ...(cdc?.topicNames ?? [])]);
        this.clientConnection = {
            bootstrapServers: plan.bootstrapServers,
            securityProtocol: scram ? "SASL_SSL" : "PLAINTEXT",
            ...(scram ? { saslMechanism: "SCRAM-SHA-512" as const, caSecretName: plan.names.caCertSecret } : {}),
            users,
        };

        this.registerOutputs({
            namespace: this.namespace,
            bootstrapServers: this.bootstrapServers,
            externalBootstrapServers: this.externalBootstrapServers,
            connectUrl: this.connectUrl,
            topicNames: this.topicNames,
            flinkOperatorNamespace: this.flinkOperatorNamespace,
        });
    }

    /** See {@link KafkaServer.grantClient}; the resources are the client's (`parent`), named after `name`. */
    public grantClient(name: string, args: { readonly namespace: ClientNamespace; readonly client: string }, parent: pulumi.Resource): KafkaClientAccess {
        const client = this.plan.clients.find((c) => c.name === args.client);
        if (!client) throw new Error(`Streaming: no Kafka client "${args.client}" is declared (known: ${this.plan.clients.map((c) => c.name).join(", ")})`);
        // Strimzi's own listener policy admits only the namespaces it was told about when the cluster was declared.
        const admitted = this.plan.clientNamespaces;
        if (admitted && !admitted.includes(args.namespace.name)) {
            throw new Error(`Streaming: client "${args.client}" runs in ${args.namespace.name}, which is not in clientNamespaces (${admitted.join(", ") || "none"}): the listener would refuse it`);
        }
        const plain = { bootstrapServers: this.plan.bootstrapServers, groupId: clientGroupId(client), securityProtocol: "PLAINTEXT" as const };
        const access = this.plan.security === "scram-tls" ? { ...plain, ...this.scramAccess(name, args.client, parent) } : plain;
        const keys = kafkaClientSecretKeys;
        const secret = createSecret(
            `${name}-connection`,
            {
                name: `kafka-${args.client}`,
                namespace: args.namespace.created,
                component: COMPONENT,
                data: {
                    [keys.bootstrapServers]: access.bootstrapServers,
                    [keys.securityProtocol]: access.securityProtocol,
                    ...("password" in access
                        ? { [keys.saslMechanism]: access.saslMechanism, [keys.username]: access.username, [keys.password]: access.password, [keys.caCertificate]: access.caCertificate }
                        : {}),
                },
            },
            { parent },
        );
        const brokers = { "strimzi.io/cluster": this.plan.clusterName, "strimzi.io/kind": "Kafka" };
        const from = args.namespace.name;
        const why = `${from} produces and consumes as Kafka client ${args.client}`;
        return {
            ...access,
            secretName: secret.metadata.name,
            flows: [{ from, to: this.plan.namespace, ports: [this.plan.internalPort], toPods: brokers, why }],
            connection: { kind: "kafka", from, to: access.bootstrapServers, secret: secret.metadata.name, why },
        };
    }

    /** TLS + SCRAM: the client's password, and the cluster CA Strimzi generates. */
    private scramAccess(name: string, client: string, parent: pulumi.Resource) {
        // The CA Secret is read once the cluster exists: its ID is unknown until then, which defers the read past a
        // first preview.
        const caSecretId = pulumi.all([this.namespace, this.kafka.id]).apply(([ns]) => `${ns}/${this.plan.names.caCertSecret}`);
        const ca = k8s.core.v1.Secret.get(`${name}-cluster-ca`, caSecretId, { parent });
        return {
            securityProtocol: "SASL_SSL" as const,
            saslMechanism: "SCRAM-SHA-512" as const,
            username: client,
            password: this.passwords[client],
            caCertificate: ca.data.apply((d) => Buffer.from(d?.["ca.crt"] ?? "", "base64").toString("utf8")),
        };
    }
}

