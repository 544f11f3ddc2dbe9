/**
 * From a stack's outputs, the checks `npm run verify` runs: pure, so each plan (a pod, a kubectl read, a request
 * through the ingress) and each interpretation is unit-tested without a cluster.
 */
import { databaseSecretKeys } from "../../components/postgres/types";
import { exampleModel } from "../../components/serving/spec";
import { kafkaClientSecretKeys } from "../../components/streaming/types";
import {
    interpretFeastHealth,
    interpretInferenceServices,
    interpretKafka,
    interpretMlflow,
    interpretPostgres,
    interpretPredict,
    interpretReady,
    interpretTargets,
    interpretTrino,
} from "./interpret";
import { getScript, kafkaScript, mlflowScript, PodArgs, postgresScript, postScript, trinoScript, verifyPod } from "./pods";
import { Check, ConnectionRecord, StackOutputs, Verdict } from "./types";

export interface CheckOptions {
    /** Skip TLS verification through the ingress (dev only; `verify.ts` refuses it elsewhere). */
    readonly insecure?: boolean;
    /** Topic the Kafka check produces to and consumes from. */
    readonly kafkaTopic?: string;
    /** Pod-name suffix (random per run). */
    readonly suffix: string;
    /** A mirror registry for the check pods' images. */
    readonly imageRegistry?: string;
}

/** The topic verify uses when none is given: declare it in `streaming.topics` for clients with ACLs (prod). */
export const DEFAULT_KAFKA_TOPIC = "ml-platform.verify";
const KAFKA_MOUNT = "/etc/kafka-client";
/** The example model's documented request (components/serving/spec.ts). */
const IRIS_REQUEST = JSON.stringify({ instances: [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]] });

const skip = (name: string, reason: string): Check => ({ name, plan: { type: "skip", reason }, interpret: (): Verdict => ({ status: "skip", reason }) });
/** The namespace of an in-cluster Service URL (`http://<service>.<namespace>.svc...`). */
const namespaceOf = (url: string) => /^https?:\/\/[^.]+\.([^.]+)\.svc/.exec(url)?.[1];
const hostOf = (to: string) => to.replace(/^[a-z]+:\/\//, "").replace(/\/.*$/, "");

export function buildChecks(outputs: StackOutputs, opts: CheckOptions): Check[] {
    const endpoints = outputs.endpoints ?? {};
    let n = 0;
    // Numbered, so two checks from one namespace never share a pod name.
    const pod = (a: Omit<PodArgs, "suffix" | "imageRegistry">) => ({ type: "pod" as const, manifest: verifyPod({ ...a, suffix: `${opts.suffix}-${n++}`, imageRegistry: opts.imageRegistry }) });
    const checks: Check[] = [];

    // --- through the ingress, from where the user sits ---
    const trino = endpoints.trino;
    if (trino?.external) {
        const login = outputs.credentials?.trino;
        checks.push({
            name: "trino (ingress)",
            plan: { type: "trino-http", url: trino.external, auth: login && { username: login.username, password: login.password }, insecure: !!opts.insecure },
            interpret: (o) => interpretTrino(o, { via: `through ${hostOf(trino.external!)}`, origin: new URL(trino.external!).origin }),
        });
    }

    // --- every connection, from the client's namespace with its own credentials ---
    const connections = outputs.connections;
    if (!connections) {
        checks.push(skip("connections", "skipped: stack exports no connections (deployed before the `connections` output)"));
        // Trino needs no credential in the cluster: its endpoint is enough to check the orchestrator's path.
        const orchestrator = endpoints.airflow && namespaceOf(String(endpoints.airflow.internal));
        if (trino && orchestrator) checks.push(trinoInCluster(orchestrator, trino.internal, pod));
    } else {
        for (const c of connections) {
            const check = connectionCheck(c, opts, pod);
            if (check) checks.push(check);
        }
    }

    // --- models: loaded with the serving identity, and answering ---
    const models = Object.entries(endpoints)
        .filter(([name]) => name.startsWith("model-"))
        .map(([name, e]) => ({ name: name.slice("model-".length), url: e.internal, namespace: namespaceOf(e.internal) ?? "ml-serving" }));
    for (const ns of [...new Set(models.map((m) => m.namespace))]) {
        const names = models.filter((m) => m.namespace === ns).map((m) => m.name);
        const identity = connections?.find((c) => c.kind === "models" && c.from === ns && c.serviceAccount)?.serviceAccount;
        checks.push({
            name: `models ready (${ns})`,
            plan: { type: "kubectl", args: ["get", "inferenceservices.serving.kserve.io", "-n", ns, "-o", "json"] },
            interpret: (o) => interpretInferenceServices(o, { models: names, identity: identity && `${ns}/${identity}` }),
        });
    }
    const example = models.find((m) => m.name === exampleModel.name && m.url.endsWith(":predict"));
    if (example) {
        // From the client the models were granted to (the orchestrator), else beside the model.
        const from = connections?.find((c) => c.kind === "models" && !c.serviceAccount)?.from ?? example.namespace;
        checks.push({
            name: `predict ${example.name} (${from})`,
            plan: pod({ slug: `predict-${example.name}`, namespace: from, image: "curl", script: postScript, env: { URL: example.url, BODY: IRIS_REQUEST } }),
            interpret: (o) => interpretPredict(o, { model: example.name }),
        });
    }

    // --- Prometheus: every target it scrapes ---
    const prometheus = endpoints.prometheus;
    if (prometheus) {
        checks.push({
            name: "prometheus targets",
            plan: pod({ slug: "prometheus-targets", namespace: namespaceOf(prometheus.internal) ?? "ml-monitoring", image: "curl", script: getScript, env: { URL: `${prometheus.internal.replace(/\/$/, "")}/api/v1/targets?state=active` } }),
            interpret: interpretTargets,
        });
    }

    // --- cert-manager: issuers and certificates ---
    checks.push(
        { name: "cluster issuers", plan: { type: "kubectl", args: ["get", "clusterissuers.cert-manager.io", "-o", "json"] }, interpret: (o) => interpretReady(o, { what: "ClusterIssuers" }) },
        { name: "certificates", plan: { type: "kubectl", args: ["get", "certificates.cert-manager.io", "-A", "-o", "json"] }, interpret: (o) => interpretReady(o, { what: "Certificates" }) },
    );
    return uniqueNames(checks);
}

type PodPlan = (a: Omit<PodArgs, "suffix" | "imageRegistry">) => { type: "pod"; manifest: ReturnType<typeof verifyPod> };

function trinoInCluster(from: string, url: string, pod: PodPlan): Check {
    return {
        name: `trino ${from} -> ${hostOf(url)}`,
        plan: pod({ slug: `trino-${from}`, namespace: from, image: "curl", script: trinoScript, env: { TRINO_URL: url } }),
        interpret: (o) => interpretTrino(o, { via: `from ${from}` }),
    };
}

function connectionCheck(c: ConnectionRecord, opts: CheckOptions, pod: PodPlan): Check | undefined {
    const name = `${c.kind} ${c.from} -> ${hostOf(c.to)}`;
    const needsSecret = () => skip(name, `skipped: the connection names no Secret in ${c.from}`);
    switch (c.kind) {
        case "trino":
            return trinoInCluster(c.from, c.to, pod);
        case "mlflow":
            if (!c.secret) return needsSecret();
            return { name, plan: pod({ slug: `mlflow-${c.from}`, namespace: c.from, image: "curl", script: mlflowScript, envFromSecret: c.secret }), interpret: interpretMlflow };
        case "kafka": {
            if (!c.secret) return needsSecret();
            const topic = opts.kafkaTopic ?? DEFAULT_KAFKA_TOPIC;
            return {
                name,
                plan: pod({
                    slug: `kafka-${c.from}`,
                    namespace: c.from,
                    image: "strimziKafka",
                    script: kafkaScript(kafkaClientSecretKeys),
                    env: { TOPIC: topic, CONN: KAFKA_MOUNT },
                    // Its keys (`bootstrap.servers`, ...) are not shell variable names: files instead of envFrom.
                    secretVolume: { secret: c.secret, mountPath: KAFKA_MOUNT },
                }),
                interpret: (o) => interpretKafka(o, { topic }),
            };
        }
        case "postgres":
            if (!c.secret) return needsSecret();
            return {
                name,
                plan: pod({ slug: `postgres-${c.from}`, namespace: c.from, image: "postgres", script: postgresScript(databaseSecretKeys.uri), envFromSecret: c.secret }),
                interpret: interpretPostgres,
            };
        case "object-store":
            return skip(name, "skipped: verify has no object-store client; the models check covers reads with the serving identity");
        case "models":
            // Covered by `models ready`, which names this identity.
            return undefined;
        case "metastore":
            return skip(name, "skipped: verify has no Thrift client; Trino's check goes through the same metastore");
        case "compute-jobs":
            return skip(name, "skipped: verify does not submit Spark or Ray jobs (RBAC only)");
        case "ray":
            return skip(name, "skipped: verify has no Ray client; the Ray head's metrics and the compute dashboard cover the cluster");
        case "oidc":
            return skip(name, "skipped: a login needs a browser; the issuer's discovery document is what `npm run verify` would reach (see the README's single sign-on section)");
        case "feast":
            return {
                name,
                plan: pod({ slug: `feast-${c.from}`, namespace: c.from, image: "curl", script: getScript, env: { URL: `${String(c.to).replace(/\/$/, "")}/health` } }),
                interpret: interpretFeastHealth,
            };
        case "feast-materialize":
            return skip(name, "skipped: verify does not run materialization (RBAC only; the feature server's freshness metric and alert cover it)");
        case "airflow-api":
            return skip(name, "skipped: verify does not trigger DAG runs (the retraining trigger logs each call it makes)");
    }
}

/** Two connections of a kind between the same namespaces and host get a number, so each name is unique. */
function uniqueNames(checks: Check[]): Check[] {
    const seen = new Map<string, number>();
    return checks.map((c) => {
        const n = (seen.get(c.name) ?? 0) + 1;
        seen.set(c.name, n);
        return n === 1 ? c : { ...c, name: `${c.name} #${n}` };
    });
}
