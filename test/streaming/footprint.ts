import { RunResult } from "../harness";

/** Millicores of a Kubernetes CPU quantity (`100m`, `1`, `0.5`). */
export function cpuMillis(q: string | number): number {
    const s = String(q);
    return s.endsWith("m") ? Number(s.slice(0, -1)) : Math.round(Number(s) * 1000);
}

/** MiB of a Kubernetes memory quantity (`256Mi`, `2Gi`). */
export function memoryMi(q: string): number {
    const m = /^(\d+(?:\.\d+)?)(Mi|Gi|Ki)$/.exec(q);
    if (!m) throw new Error(`unsupported memory quantity ${q}`);
    return Number(m[1]) * { Ki: 1 / 1024, Mi: 1, Gi: 1024 }[m[2] as "Ki" | "Mi" | "Gi"];
}

/**
 * Sum of the resource requests of every long-running pod the streaming component asks for, read from what the
 * program passes: chart values (operators), Strimzi resources (Kafka nodes, entity operator, exporter, Connect)
 * and plain Deployments. The Connect build pod runs only when the plugin pins change and is not counted.
 */
export function footprint(run: RunResult<unknown>) {
    const parts: Record<string, [number, number]> = {};
    const add = (key: string, replicas: number, r: { requests: { cpu: string; memory: string } } | undefined) => {
        if (!r) throw new Error(`${key}: no resources`);
        parts[key] = [cpuMillis(r.requests.cpu) * replicas, memoryMi(r.requests.memory) * replicas];
    };
    for (const rel of run.byType("kubernetes:helm.sh/v3:Release")) {
        const v = rel.inputs.values;
        if (rel.inputs.chart === "strimzi-kafka-operator") add("strimzi-operator", v.replicas, v.resources);
        if (rel.inputs.chart === "flink-kubernetes-operator") {
            add("flink-operator", v.replicas, v.operatorPod.resources);
            if (v.webhook.create) add("flink-webhook", v.replicas, v.operatorPod.webhook.resources);
        }
    }
    for (const pool of run.byType("kubernetes:kafka.strimzi.io/v1:KafkaNodePool")) {
        add(`kafka ${pool.inputs.metadata.name} x${pool.inputs.spec.replicas}`, pool.inputs.spec.replicas, pool.inputs.spec.resources);
    }
    for (const kafka of run.byType("kubernetes:kafka.strimzi.io/v1:Kafka")) {
        const s = kafka.inputs.spec;
        add("topic-operator", 1, s.entityOperator.topicOperator.resources);
        if (s.entityOperator.userOperator) add("user-operator", 1, s.entityOperator.userOperator.resources);
        if (s.kafkaExporter) add("kafka-exporter", 1, s.kafkaExporter.resources);
    }
    for (const connect of run.byType("kubernetes:kafka.strimzi.io/v1:KafkaConnect")) {
        add(`connect x${connect.inputs.spec.replicas}`, connect.inputs.spec.replicas, connect.inputs.spec.resources);
    }
    for (const dep of run.byType("kubernetes:apps/v1:Deployment")) {
        for (const c of dep.inputs.spec.template.spec.containers) add(c.name, dep.inputs.spec.replicas, c.resources);
    }
    const cpu = Object.values(parts).reduce((a, [c]) => a + c, 0);
    const mem = Object.values(parts).reduce((a, [, m]) => a + m, 0);
    return { cpuMillis: cpu, memoryMi: mem, parts };
}
