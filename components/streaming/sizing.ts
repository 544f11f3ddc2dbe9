import { StreamingEnvironment } from "./types";
import { containerResources as res } from "../common/kubernetes";

/** Requests and limits of one container. Memory requests equal limits for the JVMs: heap + off-heap are sized to it. */
export interface Resources {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface JvmHeap {
    readonly "-Xms": string;
    readonly "-Xmx": string;
}

const heap = (size: string): JvmHeap => ({ "-Xms": size, "-Xmx": size });

export interface StreamingSizing {
    readonly strimziOperator: { readonly replicas: number; readonly resources: Resources };
    /** dev: one node with both roles; prod: separate controller and broker pools. */
    readonly nodePools: readonly {
        readonly name: string;
        readonly roles: readonly ("controller" | "broker")[];
        readonly replicas: number;
        readonly resources: Resources;
        readonly heap: JvmHeap;
        readonly storageSize: string;
    }[];
    readonly topicOperator: Resources;
    readonly userOperator: Resources;
    readonly kafkaExporter: Resources;
    readonly connect: { readonly replicas: number; readonly resources: Resources; readonly heap: JvmHeap };
    /** The Buildah pod that builds the Connect image; runs only when the plugin pins change. */
    readonly connectBuild: Resources;
    readonly registry: Resources;
    readonly flinkOperator: { readonly replicas: number; readonly resources: Resources; readonly jvmArgs: string };
    /** Topic defaults. */
    readonly topic: { readonly partitions: number; readonly replicas: number; readonly retentionMs: number };
    /** Replication of the internal topics and the min ISR every topic inherits. */
    readonly replication: { readonly factor: number; readonly minInsync: number };
    readonly flinkJob: {
        readonly parallelism: number;
        readonly jobManager: { readonly cpu: number; readonly memory: string; readonly replicas: number };
        readonly taskManager: { readonly cpu: number; readonly memory: string };
    };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * dev fits a laptop next to the rest of the platform (one combined KRaft node, one Connect worker, small heaps);
 * prod survives the loss of a zone (3 controllers, 3 brokers, RF 3 / min ISR 2, 2 Connect workers, 2 operators).
 */
export const sizing: Record<StreamingEnvironment, StreamingSizing> = {
    dev: {
        strimziOperator: { replicas: 1, resources: res("100m", "256Mi", "500m", "384Mi") },
        // Requests from scripts/measure-jvm-memory.sh (Kafka 4.3.1 under the pod's limits, with the JMX exporter):
        // the KRaft node held 410 MiB RSS after producing and consuming 800k messages (+15%: 480Mi); Connect 542 MiB,
        // of which 408 anonymous and the rest the JDK's modules file read while scanning plugins (reclaimable cache).
        nodePools: [
            { name: "dual", roles: ["controller", "broker"], replicas: 1, resources: res("150m", "480Mi", "1", "640Mi"), heap: heap("256m"), storageSize: "5Gi" },
        ],
        topicOperator: res("50m", "192Mi", "250m", "256Mi"),
        userOperator: res("50m", "192Mi", "250m", "256Mi"),
        kafkaExporter: res("20m", "32Mi", "200m", "64Mi"),
        connect: { replicas: 1, resources: res("150m", "448Mi", "1", "576Mi"), heap: heap("256m") },
        connectBuild: res("200m", "512Mi", "1", "1Gi"),
        registry: res("10m", "32Mi", "200m", "128Mi"),
        flinkOperator: { replicas: 1, resources: res("50m", "256Mi", "500m"), jvmArgs: "-Xms96m -Xmx128m" },
        topic: { partitions: 1, replicas: 1, retentionMs: DAY_MS },
        replication: { factor: 1, minInsync: 1 },
        flinkJob: { parallelism: 1, jobManager: { cpu: 0.5, memory: "1024m", replicas: 1 }, taskManager: { cpu: 0.5, memory: "1024m" } },
    },
    prod: {
        strimziOperator: { replicas: 2, resources: res("200m", "512Mi", "1") },
        nodePools: [
            { name: "controller", roles: ["controller"], replicas: 3, resources: res("500m", "2Gi", "1"), heap: heap("1g"), storageSize: "20Gi" },
            { name: "broker", roles: ["broker"], replicas: 3, resources: res("1", "6Gi", "2"), heap: heap("2g"), storageSize: "100Gi" },
        ],
        topicOperator: res("100m", "384Mi", "500m", "512Mi"),
        userOperator: res("100m", "384Mi", "500m", "512Mi"),
        kafkaExporter: res("50m", "64Mi", "500m", "256Mi"),
        connect: { replicas: 2, resources: res("500m", "2Gi", "2"), heap: heap("1g") },
        connectBuild: res("500m", "1Gi", "2", "2Gi"),
        registry: res("50m", "64Mi", "500m", "256Mi"),
        flinkOperator: { replicas: 2, resources: res("200m", "768Mi", "1"), jvmArgs: "-Xms384m -Xmx384m" },
        topic: { partitions: 6, replicas: 3, retentionMs: 7 * DAY_MS },
        replication: { factor: 3, minInsync: 2 },
        flinkJob: { parallelism: 2, jobManager: { cpu: 1, memory: "2048m", replicas: 2 }, taskManager: { cpu: 1, memory: "4096m" } },
    },
};
