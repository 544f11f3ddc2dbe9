import type { ClientNamespace, Connected } from "../network/spec";
import type * as pulumi from "@pulumi/pulumi";
import { DatabaseConnection, Postgres } from "../postgres/types";
import { Mirror } from "../versions";
import type { ObjectStore } from "../storage/types";
import type { StreamingAlertThresholds } from "./monitoring";
import { KubernetesTargetArgs } from "../common/kubernetes";


export type StreamingEnvironment = "dev" | "prod";

/**
 * How clients reach the brokers.
 * `plaintext`: one internal listener without TLS or authentication (acceptable on a laptop kind cluster).
 * `scram-tls`: internal TLS listener with SCRAM-SHA-512 authentication, simple (ACL) authorization, and a
 * KafkaUser with ACLs for every client.
 */
export type KafkaSecurity = "plaintext" | "scram-tls";

/** A Kafka topic declared as code (a Strimzi KafkaTopic). */
export interface KafkaTopicSpec {
    /** Kafka topic name: letters, digits, `.`, `_`, `-`. */
    readonly name: string;
    /** Default: 1 in dev, 6 in prod. */
    readonly partitions?: number;
    /** Default: every broker's replica count for the environment (1 in dev, 3 in prod). */
    readonly replicas?: number;
    /** `retention.ms`. Default: 1 day in dev, 7 days in prod; -1 keeps records forever. */
    readonly retentionMs?: number;
    /** `cleanup.policy`. Default `delete`. */
    readonly cleanupPolicy?: "delete" | "compact" | "compact,delete";
    /** Further topic configs (e.g. `max.message.bytes`); must not repeat the fields above. */
    readonly config?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * A Kafka client (prod: a KafkaUser with a generated SCRAM password and ACLs). Topic and group names ending in
 * `*` are prefixes (`cdc.*` matches every topic starting with `cdc.`); others are literal names.
 */
export interface KafkaClientSpec {
    /** User name: lowercase letters, digits, `-`. */
    readonly name: string;
    /** Topics the client reads (Read + Describe). */
    readonly consumes?: readonly string[];
    /** Topics the client writes (Write + Describe + Create). */
    readonly produces?: readonly string[];
    /** Consumer groups the client uses (Read). */
    readonly groups?: readonly string[];
    /** Transactional IDs the client's producers use (Write + Describe): exactly-once writers such as Iceberg's sink. */
    readonly transactionalIds?: readonly string[];
}

/** Where the Kafka Connect image built with the Debezium plugin is pushed, and pulled from. */
export type ConnectImageOutput =
    | {
          /**
           * kind: a registry Deployment in the streaming namespace, pushed to by Strimzi's Buildah pod over the
           * cluster network. The nodes' containerd must map the registry's Service name to its NodePort
           * ({@link kindRegistryContainerdConfig}); the kind Cluster's config does that.
           */
          readonly type: "in-cluster-registry";
          /** NodePort the nodes pull through. Default 30500. */
          readonly nodePort?: number;
          /** Size of the registry's volume. Default `2Gi`. */
          readonly storageSize?: string;
      }
    | {
          /**
           * A registry outside the cluster: Artifact Registry on GKE (`<region>-docker.pkg.dev/<project>/<repo>/kafka-connect`),
           * ACR on AKS (`<registry>.azurecr.io/ml-platform/kafka-connect`). The tag is derived from the plugin pins.
           */
          readonly type: "registry";
          /** Image repository without a tag. */
          readonly repository: string;
          /** `kubernetes.io/dockerconfigjson` Secret in the streaming namespace with push rights. */
          readonly pushSecretName?: string;
          /** Secret for pulling, when the nodes' own identity cannot (GKE node SA / AKS kubelet identity usually can). */
          readonly pullSecretName?: string;
      };

/** One Debezium PostgreSQL connector. */
export interface CdcConnectorSpec {
    /** KafkaConnector name; also names the replication slot and publication. Lowercase letters, digits, `-`. */
    readonly name: string;
    /** Database on the platform's Postgres, created with `replication: true`. Default `source`. Ignored with `connection`. */
    readonly database?: string;
    /** Capture an existing database instead; its Secret must live in the streaming namespace. */
    readonly connection?: DatabaseConnection;
    /** Tables to capture, as `schema.table` (at least one). */
    readonly tables: readonly string[];
    /** Topics are `<topicPrefix>.<schema>.<table>`. Default `cdc.<database>`. */
    readonly topicPrefix?: string;
    /** Debezium `snapshot.mode`. Default `initial` (snapshot the tables once, then stream changes). */
    readonly snapshotMode?: "initial" | "initial_only" | "no_data" | "when_needed" | "always";
}

export interface CdcArgs {
    /** The platform's Postgres: every connector without `connection` gets its database from it. */
    readonly postgres?: Postgres;
    /** Default: none. */
    readonly connectors: readonly CdcConnectorSpec[];
    /** Where the Connect image is pushed. Required when there is a connector. */
    readonly image: ConnectImageOutput;
}

/** A Kafka Connect plugin Strimzi's build adds to the image: its artifacts as Strimzi's `build.plugins[].artifacts` take them. */
export interface ConnectPlugin {
    readonly name: string;
    readonly artifacts: readonly Readonly<Record<string, unknown>>[];
}

/**
 * What another component adds to the platform's Kafka Connect cluster (the one CDC runs on): its plugins, what
 * Connect's Kafka user may do for it, and the buckets its connectors write. With it, Connect runs even without CDC.
 */
export interface ConnectExtension {
    /** Plugins built into the image besides Debezium. */
    readonly plugins: readonly ConnectPlugin[];
    /** Names the plugin set in the image tag (the tag changes exactly when the plugins do), e.g. `iceberg-1.11.0-gcs-1a2b3c4d`. */
    readonly tagSuffix: string;
    /** Topics, groups and transactional IDs the Connect user needs for the extension's connectors (scram-tls ACLs). */
    readonly acls: Omit<KafkaClientSpec, "name">;
    /** Buckets the Connect pods write, with the object store's identity (workload identity, or MinIO keys as env). */
    readonly storage?: { readonly store: ObjectStore; readonly buckets: readonly string[] };
    /** Where the image is pushed when there is no CDC connector (with one, `cdc.image`). */
    readonly image?: ConnectImageOutput;
    /** Worker settings the extension's connectors need, added to the KafkaConnect's `spec.config`. Default none. */
    readonly workerConfig?: Readonly<Record<string, string | number | boolean>>;
}

/** Memory and CPU of a Flink JobManager or TaskManager. */
export interface FlinkResource {
    readonly cpu: number;
    /** Flink memory string, e.g. `1024m`, `2g`. */
    readonly memory: string;
}

/**
 * A Flink application (a FlinkDeployment in application mode).
 *
 * @example
 * {
 *   name: "orders-to-bronze",
 *   image: "europe-west1-docker.pkg.dev/acme/ml/orders-to-bronze:1.4.2",
 *   flinkVersion: "v2_2",
 *   jarURI: "local:///opt/flink/usrlib/orders-to-bronze.jar",
 *   entryClass: "com.acme.OrdersToBronze",
 *   args: ["--topic", "cdc.source.public.orders"],
 *   parallelism: 2,
 *   stateDir: "gs://acme-ml-prod-flink/orders-to-bronze",
 *   kafkaUser: "flink",
 * }
 */
export interface FlinkJobSpec {
    /** FlinkDeployment name: lowercase letters, digits, `-`. */
    readonly name: string;
    /** Job image with an exact tag (or digest); never `latest`. */
    readonly image: string;
    readonly flinkVersion: "v1_20" | "v2_0" | "v2_1" | "v2_2";
    /** e.g. `local:///opt/flink/usrlib/job.jar`. */
    readonly jarURI: string;
    readonly entryClass?: string;
    readonly args?: readonly string[];
    /** Default 1 in dev, 2 in prod. */
    readonly parallelism?: number;
    /**
     * Checkpoints, savepoints and (prod) JobManager HA metadata, e.g. `s3://bucket/flink/<job>`. Required in prod.
     * Without it (dev only) the job runs `stateless`.
     */
    readonly stateDir?: string;
    /** Default: `last-state` with a stateDir, `stateless` without. */
    readonly upgradeMode?: "stateless" | "last-state" | "savepoint";
    /** Default 0.5 CPU / 1024m in dev, 1 CPU / 2048m in prod. */
    readonly jobManager?: FlinkResource;
    /** Default 0.5 CPU / 1024m in dev, 1 CPU / 4096m in prod. */
    readonly taskManager?: FlinkResource & { readonly replicas?: number };
    /** Extra Flink configuration. */
    readonly flinkConfiguration?: Readonly<Record<string, string>>;
    /** Kafka client whose credentials the pods get as env (`KAFKA_*`). Default: none. */
    readonly kafkaUser?: string;
    /** ServiceAccount of the job pods (e.g. one with object-store workload identity). Default `flink` (created by the operator chart). */
    readonly serviceAccountName?: string;
    /** Extra pod labels (e.g. `azure.workload.identity/use: "true"`). */
    readonly podLabels?: Readonly<Record<string, string>>;
}

/** Node-port access from the laptop to a kind cluster's brokers (see README of the component). */
export interface KafkaExternalAccess {
    readonly type: "nodeport";
    /** Host the brokers advertise. Default `127.0.0.1`. */
    readonly advertisedHost?: string;
    /** Bootstrap NodePort; broker N uses the next ports in node-ID order. Default 30094. */
    readonly bootstrapNodePort?: number;
}

export interface StreamingArgs extends KubernetesTargetArgs {
    readonly environment: StreamingEnvironment;
    /** Namespace of Kafka, Kafka Connect, the operators and Flink jobs. Default `ml-streaming`. */
    readonly namespace?: string;
    /** Further namespaces the Strimzi operator watches (they must exist). Default none. */
    readonly watchNamespaces?: readonly string[];
    /** Name of the Kafka cluster (Strimzi resource names derive from it). Default `platform`. */
    readonly clusterName?: string;
    /** Default: `plaintext` in dev, `scram-tls` in prod. */
    readonly security?: KafkaSecurity;
    /** Spread brokers and controllers over zones and make Kafka rack-aware. Default: false in dev, true in prod. */
    readonly rackAware?: boolean;
    /** StorageClass of the Kafka volumes. Default: the cluster's default class. */
    readonly storageClassName?: string;
    /** Broker volume size. Default `5Gi` in dev, `100Gi` in prod. */
    readonly brokerStorageSize?: string;
    /** Topics as code. Default none. */
    readonly topics?: readonly KafkaTopicSpec[];
    /**
     * Kafka clients (KafkaUsers with ACLs when security is `scram-tls`). Default: `flink` (reads CDC topics and
     * declared topics, writes declared topics, groups `flink-*`) and `airflow` (reads and writes declared topics,
     * groups `airflow-*`). The Kafka Connect user is always added when there are connectors.
     */
    readonly clients?: readonly KafkaClientSpec[];
    /**
     * Further clients, each with what `flink` may do (read CDC and declared topics, write declared topics) in groups
     * `<name>-*`: interactive users such as the notebooks. Added to `clients` (or to the defaults). Default none.
     */
    readonly analystClients?: readonly string[];
    /** Clients added to `clients` (or to its default), e.g. those of the feedback loop. Default none. */
    readonly extraClients?: readonly KafkaClientSpec[];
    /** Laptop access to the brokers (kind). Default none. */
    readonly externalAccess?: KafkaExternalAccess;
    /**
     * Namespaces whose pods use the internal listener, besides the streaming namespace (Kafka Connect, Flink):
     * Strimzi's NetworkPolicy for the listener lets only them in. Default: every namespace (Strimzi's default).
     */
    readonly clientNamespaces?: readonly string[];
    /** Change data capture with Debezium. Default: none (no Kafka Connect). */
    readonly cdc?: CdcArgs;
    /** Further plugins and grants for the Kafka Connect cluster (e.g. the feedback loop's Iceberg sink). Default none. */
    readonly connect?: ConnectExtension;
    /** Install the Flink Kubernetes Operator. Default true. */
    readonly flinkOperator?: boolean;
    /**
     * Run the Flink operator's admission webhook (validates FlinkDeployments at admission). Needs cert-manager:
     * pass it in `dependsOn`. Default false: the jobs are generated from typed args, and the operator reports an
     * invalid spec in the resource status anyway.
     */
    readonly flinkWebhook?: boolean;
    /** Flink applications. Default none. */
    readonly flinkJobs?: readonly FlinkJobSpec[];
    /** PodMonitors for the Prometheus Operator (its CRDs must exist: pass the monitoring stack in `dependsOn`). Default false. */
    readonly podMonitors?: boolean;
    /** Thresholds of the alerts in `Streaming.monitoring`; defaults in `defaultStreamingAlertThresholds`. */
    readonly alerts?: Partial<StreamingAlertThresholds>;
    readonly mirror?: Mirror;
}

/** How a client connects, as the other components read it. */
export interface KafkaClientConnection {
    readonly bootstrapServers: string;
    readonly securityProtocol: "PLAINTEXT" | "SASL_SSL";
    readonly saslMechanism?: "SCRAM-SHA-512";
    /** Secret (streaming namespace) with the cluster CA certificate `ca.crt` (scram-tls). */
    readonly caSecretName?: string;
    /** Per client: the Secret (streaming namespace) with `password` and `sasl.jaas.config` (scram-tls). */
    readonly users: Readonly<Record<string, { readonly username: string; readonly secretName: string }>>;
}

/** Keys of a client's connection Secret (librdkafka / Kafka client property names). */
export const kafkaClientSecretKeys = {
    bootstrapServers: "bootstrap.servers",
    securityProtocol: "security.protocol",
    saslMechanism: "sasl.mechanism",
    username: "username",
    password: "password",
    caCertificate: "ca.crt",
} as const;

/** What a Kafka client gets for its own namespace (`Streaming.grantClient`). */
export interface KafkaClientAccess extends Connected {
    readonly bootstrapServers: string;
    readonly securityProtocol: "PLAINTEXT" | "SASL_SSL";
    readonly saslMechanism?: "SCRAM-SHA-512";
    /** The client's KafkaUser (scram-tls). */
    readonly username?: string;
    /** Its SCRAM password, a Pulumi secret (scram-tls). */
    readonly password?: pulumi.Output<string>;
    /** The cluster CA certificate (PEM) the brokers' certificates chain to (scram-tls). */
    readonly caCertificate?: pulumi.Output<string>;
    /** A consumer group the client's ACLs allow; none when it may use no group. */
    readonly groupId?: string;
    /** Secret in the client's namespace with the keys of {@link kafkaClientSecretKeys} that apply. */
    readonly secretName: pulumi.Output<string>;
}

/** The contract of a Kafka cluster other components connect to (implemented by `Streaming`). */
export interface KafkaServer {
    /**
     * Hands the declared client `client` (one of the cluster's `clients`, whose ACLs say what it may do) its
     * connection in `namespace`: endpoint, protocol, and with scram-tls its password and the cluster CA.
     */
    grantClient(name: string, args: { readonly namespace: ClientNamespace; readonly client: string }, parent: pulumi.Resource): KafkaClientAccess;
}
