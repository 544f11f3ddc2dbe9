import { sizing, StreamingSizing } from "./sizing";
import {
    CdcConnectorSpec,
    ConnectExtension,
    ConnectImageOutput,
    StreamingEnvironment,
    FlinkJobSpec,
    KafkaClientSpec,
    KafkaSecurity,
    StreamingArgs,
    KafkaTopicSpec,
} from "./types";

/** A topic with every default filled in. */
export interface ResolvedTopic {
    readonly name: string;
    readonly partitions: number;
    readonly replicas: number;
    readonly config: Readonly<Record<string, string | number | boolean>>;
}

/** A connector with its source database name and topic prefix decided (the connection is joined later). */
export interface ResolvedConnector {
    readonly spec: CdcConnectorSpec;
    readonly database: string;
    readonly topicPrefix: string;
    /** Replication slot and publication: Postgres identifiers, so underscores. */
    readonly slotName: string;
    readonly publicationName: string;
}

export interface NodePoolPlan {
    readonly name: string;
    readonly roles: readonly ("controller" | "broker")[];
    readonly replicas: number;
    /** Node IDs pinned with `strimzi.io/next-node-ids`, so per-broker NodePorts stay stable. */
    readonly nodeIds: readonly number[];
    readonly resources: StreamingSizing["nodePools"][number]["resources"];
    readonly heap: StreamingSizing["nodePools"][number]["heap"];
    readonly storageSize: string;
}

/** The validated, defaulted settings every spec function reads. */
export interface StreamingPlan {
    readonly environment: StreamingEnvironment;
    readonly namespace: string;
    readonly clusterName: string;
    readonly security: KafkaSecurity;
    readonly rackAware: boolean;
    readonly storageClassName?: string;
    readonly sizing: StreamingSizing;
    readonly nodePools: readonly NodePoolPlan[];
    readonly brokerIds: readonly number[];
    readonly topics: readonly ResolvedTopic[];
    readonly clients: readonly KafkaClientSpec[];
    readonly external?: { readonly advertisedHost: string; readonly bootstrapNodePort: number };
    /** Namespaces besides this one allowed to the internal listener; undefined: any. */
    readonly clientNamespaces?: readonly string[];
    readonly connectors: readonly ResolvedConnector[];
    readonly connectImage?: ConnectImageOutput;
    /** Kafka Connect runs: there is a CDC connector or a {@link ConnectExtension}. */
    readonly runsConnect: boolean;
    readonly connectExtension?: ConnectExtension;
    readonly flinkOperator: boolean;
    readonly flinkWebhook: boolean;
    readonly flinkJobs: readonly FlinkJobSpec[];
    /** Strimzi's names, derived from the cluster name. */
    readonly names: {
        readonly bootstrapService: string;
        readonly caCertSecret: string;
        readonly metricsConfigMap: string;
        readonly connect: string;
        readonly connectMetricsConfigMap: string;
    };
    readonly internalPort: 9092 | 9093;
    readonly bootstrapServers: string;
}

const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const TABLE = /^[a-zA-Z_][a-zA-Z0-9_$]*\.[a-zA-Z_][a-zA-Z0-9_$]*$/;
const PG_IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/** Prefix patterns end in `*`: `cdc.*` is every topic starting with `cdc.`. */
export function isPrefix(pattern: string): boolean {
    return pattern.endsWith("*");
}

/** Kubernetes object name of a KafkaTopic (the Kafka name goes in `spec.topicName`). */
export function topicResourceName(topic: string): string {
    return topic.toLowerCase().replace(/[^a-z0-9.-]/g, "-").replace(/^[^a-z0-9]+/, "").replace(/[^a-z0-9]+$/, "");
}

function fail(component: string, problems: string[]): never {
    throw new Error(`Streaming ${component}: invalid arguments:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}

/** Fills the defaults of {@link StreamingArgs} and rejects conflicting arguments, all problems at once. */
export function planStreaming(component: string, args: StreamingArgs): StreamingPlan {
    const problems: string[] = [];
    const env = args.environment;
    const size = sizing[env];
    const namespace = args.namespace ?? "ml-streaming";
    const clusterName = args.clusterName ?? "platform";
    const security = args.security ?? (env === "prod" ? "scram-tls" : "plaintext");
    const rackAware = args.rackAware ?? env === "prod";

    if (!K8S_NAME.test(namespace)) problems.push(`namespace: got "${namespace}"; expected a DNS label`);
    if (!K8S_NAME.test(clusterName)) problems.push(`clusterName: got "${clusterName}"; expected a DNS label`);
    if (env === "prod" && security === "plaintext") {
        problems.push('security: got "plaintext" in prod; expected "scram-tls" (clients must authenticate and be authorized)');
    }

    let nextId = 0;
    const nodePools: NodePoolPlan[] = size.nodePools.map((p) => {
        const nodeIds = Array.from({ length: p.replicas }, () => nextId++);
        const isBroker = p.roles.includes("broker");
        return { ...p, nodeIds, storageSize: isBroker && args.brokerStorageSize ? args.brokerStorageSize : p.storageSize };
    });
    const brokerIds = nodePools.filter((p) => p.roles.includes("broker")).flatMap((p) => p.nodeIds);

    const topics = (args.topics ?? []).map((t) => resolveTopic(t, size, brokerIds.length, problems));
    const seenTopics = new Map<string, string>();
    for (const t of topics) {
        const k8sName = topicResourceName(t.name);
        const other = seenTopics.get(k8sName);
        if (other !== undefined) problems.push(`topics: "${other}" and "${t.name}" map to the same KafkaTopic name "${k8sName}"`);
        seenTopics.set(k8sName, t.name);
    }

    const connectors = (args.cdc?.connectors ?? []).map((c) => resolveConnector(c, problems));
    if (args.cdc && connectors.length > 0) {
        if (connectors.some((c) => !c.spec.connection) && !args.cdc.postgres) {
            problems.push("cdc.postgres: required when a connector has no `connection` (its database is created on the platform's Postgres)");
        }
        const image = args.cdc.image;
        if (image.type === "registry" && (/[:@]/.test(image.repository.split("/").pop() ?? "") || !image.repository.includes("/"))) {
            problems.push(`cdc.image.repository: got "${image.repository}"; expected a repository without tag, e.g. "europe-west1-docker.pkg.dev/acme/ml/kafka-connect"`);
        }
    }
    if (args.connect && connectors.length === 0 && !args.connect.image) problems.push("connect.image: required when there is no CDC connector (where Strimzi pushes the Connect image)");
    if (args.connect && !/^[a-z0-9][a-z0-9.-]*$/.test(args.connect.tagSuffix)) problems.push(`connect.tagSuffix: got "${args.connect.tagSuffix}"; expected lowercase letters, digits, "." and "-"`);
    duplicates(connectors.map((c) => c.spec.name), "cdc.connectors", problems);
    duplicates(connectors.map((c) => c.slotName), "cdc.connectors (replication slot names)", problems);

    const declared = topics.map((t) => t.name);
    const cdcPrefixes = connectors.map((c) => `${c.topicPrefix}.*`);
    const clients: KafkaClientSpec[] = args.clients
        ? [...args.clients]
        : [
              { name: "flink", consumes: [...cdcPrefixes, ...declared], produces: declared, groups: ["flink-*"] },
              { name: "airflow", consumes: declared, produces: declared, groups: ["airflow-*"] },
          ];
    // Interactive clients (notebooks) read what Flink reads and write the declared topics, in groups of their own.
    for (const name of args.analystClients ?? []) clients.push({ name, consumes: [...cdcPrefixes, ...declared], produces: declared, groups: [`${name}-*`] });
    clients.push(...(args.extraClients ?? []));
    for (const c of clients) {
        if (!K8S_NAME.test(c.name)) problems.push(`clients: got name "${c.name}"; expected lowercase letters, digits and "-"`);
        if (c.name === "connect" && (connectors.length > 0 || args.connect)) problems.push('clients: "connect" is reserved for Kafka Connect');
        for (const p of [...(c.consumes ?? []), ...(c.produces ?? []), ...(c.groups ?? []), ...(c.transactionalIds ?? [])]) {
            if (!/^[a-zA-Z0-9._-]+\*?$/.test(p)) problems.push(`clients.${c.name}: got pattern "${p}"; expected a name or a prefix ending in "*"`);
        }
    }
    duplicates(clients.map((c) => c.name), "clients", problems);

    const flinkOperator = args.flinkOperator ?? true;
    const flinkJobs = args.flinkJobs ?? [];
    if (flinkJobs.length > 0 && !flinkOperator) problems.push("flinkJobs: set, but flinkOperator is false");
    for (const j of flinkJobs) validateFlinkJob(j, env, clients, problems);
    duplicates(flinkJobs.map((j) => j.name), "flinkJobs", problems);

    const external = args.externalAccess
        ? { advertisedHost: args.externalAccess.advertisedHost ?? "127.0.0.1", bootstrapNodePort: args.externalAccess.bootstrapNodePort ?? 30094 }
        : undefined;
    if (external) {
        const last = external.bootstrapNodePort + brokerIds.length;
        if (external.bootstrapNodePort < 30000 || last > 32767) {
            problems.push(`externalAccess.bootstrapNodePort: got ${external.bootstrapNodePort}; expected ports ${external.bootstrapNodePort}-${last} inside 30000-32767`);
        }
    }

    if (problems.length) fail(component, problems);

    const internalPort = security === "scram-tls" ? 9093 : 9092;
    const names = {
        bootstrapService: `${clusterName}-kafka-bootstrap`,
        caCertSecret: `${clusterName}-cluster-ca-cert`,
        metricsConfigMap: `${clusterName}-kafka-metrics`,
        connect: "cdc",
        connectMetricsConfigMap: "cdc-connect-metrics",
    };
    return {
        environment: env,
        namespace,
        clusterName,
        security,
        rackAware,
        storageClassName: args.storageClassName,
        sizing: size,
        nodePools,
        brokerIds,
        topics,
        clients,
        external,
        clientNamespaces: args.clientNamespaces,
        connectors,
        connectImage: connectors.length > 0 ? args.cdc?.image : args.connect?.image,
        runsConnect: connectors.length > 0 || args.connect !== undefined,
        connectExtension: args.connect,
        flinkOperator,
        flinkWebhook: args.flinkWebhook ?? false,
        flinkJobs,
        names,
        internalPort,
        bootstrapServers: `${names.bootstrapService}.${namespace}.svc:${internalPort}`,
    };
}

function resolveTopic(t: KafkaTopicSpec, size: StreamingSizing, brokers: number, problems: string[]): ResolvedTopic {
    if (!TOPIC_NAME.test(t.name) || t.name === "." || t.name === "..") problems.push(`topics: got name "${t.name}"; expected letters, digits, ".", "_", "-"`);
    const partitions = t.partitions ?? size.topic.partitions;
    const replicas = t.replicas ?? size.topic.replicas;
    if (!Number.isInteger(partitions) || partitions < 1) problems.push(`topics.${t.name}.partitions: got ${partitions}; expected a whole number >= 1`);
    if (!Number.isInteger(replicas) || replicas < 1 || replicas > brokers) {
        problems.push(`topics.${t.name}.replicas: got ${replicas}; expected 1 to ${brokers} (the number of brokers)`);
    }
    const minIsr = Number(t.config?.["min.insync.replicas"] ?? size.replication.minInsync);
    if (replicas < minIsr) {
        problems.push(`topics.${t.name}.replicas: got ${replicas}; expected at least min.insync.replicas (${minIsr}), or producers with acks=all are refused`);
    }
    for (const k of ["retention.ms", "cleanup.policy"]) {
        if (t.config && k in t.config) problems.push(`topics.${t.name}.config: "${k}" is set by ${k === "retention.ms" ? "retentionMs" : "cleanupPolicy"}; set it there`);
    }
    const retentionMs = t.retentionMs ?? size.topic.retentionMs;
    if (!Number.isInteger(retentionMs) || (retentionMs < 1 && retentionMs !== -1)) {
        problems.push(`topics.${t.name}.retentionMs: got ${retentionMs}; expected milliseconds >= 1, or -1 (forever)`);
    }
    return {
        name: t.name,
        partitions,
        replicas,
        config: { ...t.config, "retention.ms": retentionMs, "cleanup.policy": t.cleanupPolicy ?? "delete" },
    };
}

function resolveConnector(c: CdcConnectorSpec, problems: string[]): ResolvedConnector {
    if (!K8S_NAME.test(c.name)) problems.push(`cdc.connectors: got name "${c.name}"; expected lowercase letters, digits and "-"`);
    const database = c.connection?.database ?? c.database ?? "source";
    if (!c.connection && !/^[a-z][a-z0-9_]*$/.test(database)) {
        problems.push(`cdc.connectors.${c.name}.database: got "${database}"; expected lowercase letters, digits and underscores`);
    }
    if (c.tables.length === 0) problems.push(`cdc.connectors.${c.name}.tables: expected at least one "schema.table"`);
    for (const t of c.tables) if (!TABLE.test(t)) problems.push(`cdc.connectors.${c.name}.tables: got "${t}"; expected "schema.table"`);
    const topicPrefix = c.topicPrefix ?? `cdc.${database}`;
    if (!/^[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)*$/.test(topicPrefix)) {
        problems.push(`cdc.connectors.${c.name}.topicPrefix: got "${topicPrefix}"; expected dot-separated words`);
    }
    const slotName = `debezium_${c.name.replace(/-/g, "_")}`;
    if (!PG_IDENT.test(slotName)) problems.push(`cdc.connectors.${c.name}: name too long for a replication slot (${slotName})`);
    return { spec: c, database, topicPrefix, slotName, publicationName: `${slotName}_pub` };
}

function validateFlinkJob(j: FlinkJobSpec, env: StreamingEnvironment, clients: readonly KafkaClientSpec[], problems: string[]) {
    const at = `flinkJobs.${j.name}`;
    if (!K8S_NAME.test(j.name) || j.name.length > 45) problems.push(`flinkJobs: got name "${j.name}"; expected a DNS label of at most 45 characters`);
    const tag = j.image.includes("@") ? j.image.split("@")[1] : j.image.split("/").pop()!.split(":")[1];
    if (!tag || tag === "latest") problems.push(`${at}.image: got "${j.image}"; expected an exact tag or digest, never latest`);
    if (env === "prod" && !j.stateDir) problems.push(`${at}.stateDir: required in prod (checkpoints, savepoints and JobManager HA)`);
    if (!j.stateDir && j.upgradeMode && j.upgradeMode !== "stateless") problems.push(`${at}.upgradeMode: "${j.upgradeMode}" needs a stateDir`);
    if (j.parallelism !== undefined && (!Number.isInteger(j.parallelism) || j.parallelism < 1)) problems.push(`${at}.parallelism: got ${j.parallelism}; expected >= 1`);
    if (j.kafkaUser && !clients.some((c) => c.name === j.kafkaUser)) problems.push(`${at}.kafkaUser: got "${j.kafkaUser}"; expected one of clients (${clients.map((c) => c.name).join(", ")})`);
}

function duplicates(values: string[], at: string, problems: string[]) {
    const seen = new Set<string>();
    for (const v of values) {
        if (seen.has(v)) problems.push(`${at}: "${v}" appears twice`);
        seen.add(v);
    }
}
