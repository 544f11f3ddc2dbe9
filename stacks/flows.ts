import { Flow, isEntity } from "../components";
import { CERT_MANAGER_WEBHOOK_PODS } from "../components/certmanager/spec";
import { TRAEFIK_PODS } from "../components/ingress/spec";
import { PROMETHEUS_PODS } from "../components/monitoring/values";
import { PlatformConfig } from "./schema";

/** Every namespace the platform creates, by component; NetworkPolicies lock each one down. */
export const namespaces = {
    ingress: "ml-ingress",
    certManager: "cert-manager",
    storage: "ml-storage",
    postgres: "ml-postgres",
    lakehouse: "ml-lakehouse",
    streaming: "ml-streaming",
    orchestrator: "ml-orchestrator",
    tracking: "ml-tracking",
    serving: "ml-serving",
    kserve: "kserve",
    monitoring: "ml-monitoring",
} as const;

const anywhere = { cidr: "0.0.0.0/0" };
const apiServerEntity = { entity: "api-server" } as const;
/** The API server listens on 6443 on kind and 443 in the clouds (and behind the `kubernetes` Service). */
const apiServer = (from: string, why: string): Flow => ({ from, to: apiServerEntity, ports: [443, 6443], why: `${why} talks to the Kubernetes API` });
/** The API server calling an admission or conversion webhook served in `to`. */
const webhook = (to: string, port: number, what: string, toPods?: Flow["toPods"]): Flow => ({ from: apiServerEntity, to, ports: [port], why: `the API server calls ${what}`, toPods });
/**
 * Cloud object storage, Entra ID / Google token endpoints and the instance metadata endpoint; on GKE also the GKE
 * metadata server, which answers workload identity's 169.254.169.254 on 169.254.169.252:987/988 (Dataplane V2
 * checks both).
 */
const cloudApis = (from: string, why: string, onGke: boolean): Flow[] => [
    { from, to: anywhere, ports: [443], why: `${why} reaches cloud storage and identity endpoints over HTTPS` },
    { from, to: { cidr: "169.254.169.254/32" }, ports: [80], why: `${why} gets workload identity tokens from the metadata server` },
    ...(onGke ? [{ from, to: { cidr: "169.254.169.252/32" }, ports: [987, 988], why: `${why} reaches the GKE metadata server behind it` }] : []),
];

/**
 * The connections the platform needs, and nothing else. `extra` carries flows components compute themselves
 * (Prometheus's scrape targets).
 */
export function platformFlows(config: PlatformConfig, extra: readonly Flow[] = []): { namespaces: string[]; flows: Flow[] } {
    const on = config.components;
    const ns = namespaces;
    const inCluster = config.cluster.provider === "kind" || config.cluster.provider === "existing";
    const onGke = config.cluster.provider === "gke";
    // ACME HTTP-01: cert-manager's solver pod answers in the route's own namespace, behind the same ingress.
    const acmeSolver = config.ingress.tls && "acme" in config.ingress.tls ? [8089] : [];
    const toUi = (to: string, ports: number[], why: string): Flow => ({ from: ns.ingress, to, ports: [...ports, ...acmeSolver], why });
    const present = new Set<string>([ns.ingress, ns.certManager, ns.postgres, ...(inCluster ? [ns.storage] : [])]);
    const flows: Flow[] = [
        { from: { entity: "load-balancer" }, to: ns.ingress, ports: [8000, 8443], why: "users reach the UIs through Traefik", toPods: TRAEFIK_PODS },
        apiServer(ns.ingress, "Traefik"),
        apiServer(ns.certManager, "cert-manager"),
        webhook(ns.certManager, 10250, "cert-manager's webhook", CERT_MANAGER_WEBHOOK_PODS),
        { from: ns.certManager, to: anywhere, ports: [443], why: "cert-manager talks to the ACME server" },
        ...(acmeSolver.length
            ? [
                  // The HTTP-01 self-check fetches http://<host>/.well-known/... : through the public load balancer, or
                  // straight to Traefik where the cluster short-circuits traffic to its own load balancer's address.
                  { from: ns.certManager, to: anywhere, ports: [80], why: "cert-manager's HTTP-01 self-check reaches the ingress's public address" },
                  { from: ns.certManager, to: ns.ingress, ports: [8000], why: "cert-manager's HTTP-01 self-check, short-circuited to Traefik", toPods: TRAEFIK_PODS },
              ]
            : []),
        apiServer(ns.postgres, "the database provisioning Jobs"),
    ];
    // Each consumer reaches Postgres and the object store: in the cluster on kind, cloud endpoints elsewhere.
    const dataConsumer = (from: string, why: string) => {
        flows.push({ from, to: ns.postgres, ports: [5432], why: `${why} uses its database` });
        if (inCluster) flows.push({ from, to: ns.storage, ports: [9000], why: `${why} reads and writes the object store` });
        else flows.push(...cloudApis(from, why, onGke), { from, to: anywhere, ports: [5432], why: `${why} reaches the managed Postgres on its private IP` });
    };
    if (!inCluster) flows.push({ from: ns.postgres, to: anywhere, ports: [5432], why: "provisioning Jobs create consumer roles on the managed Postgres" });
    if (inCluster) flows.push(toUi(ns.storage, [9001], "users reach the MinIO console"));

    if (on.lakehouse) {
        present.add(ns.lakehouse);
        dataConsumer(ns.lakehouse, "the Hive Metastore and Trino");
        flows.push(
            { from: ns.lakehouse, to: anywhere, ports: [443], why: "the metastore fetches its pinned, checksum-verified JDBC driver from Maven" },
            toUi(ns.lakehouse, [8080], "users reach the Trino UI"),
        );
    }
    if (on.streaming) {
        present.add(ns.streaming);
        flows.push(
            apiServer(ns.streaming, "the Strimzi and Flink operators"),
            { from: ns.streaming, to: inCluster ? ns.postgres : anywhere, ports: [5432], why: "Debezium reads the source database's change stream" },
            { from: ns.streaming, to: anywhere, ports: [443], why: "Strimzi's build fetches the Debezium plugin and pushes the Connect image" },
        );
    }
    if (on.tracking) {
        present.add(ns.tracking);
        dataConsumer(ns.tracking, "MLflow");
        flows.push(toUi(ns.tracking, [5000], "users reach the MLflow UI"));
    }
    if (on.orchestrator) {
        present.add(ns.orchestrator);
        dataConsumer(ns.orchestrator, "Airflow");
        flows.push(
            apiServer(ns.orchestrator, "Airflow's KubernetesExecutor"),
            { from: ns.orchestrator, to: anywhere, ports: [443, 22], why: "git-sync pulls the DAG repository" },
            toUi(ns.orchestrator, [8080], "users reach the Airflow UI"),
            ...(on.lakehouse ? [{ from: ns.orchestrator, to: ns.lakehouse, ports: [8080], why: "DAGs query Trino" }] : []),
            ...(on.streaming ? [{ from: ns.orchestrator, to: ns.streaming, ports: [9092, 9093], why: "DAGs produce to and consume from Kafka" }] : []),
            ...(on.tracking ? [{ from: ns.orchestrator, to: ns.tracking, ports: [5000], why: "training DAGs log to MLflow" }] : []),
        );
    }
    if (on.serving) {
        present.add(ns.serving).add(ns.kserve);
        flows.push(
            apiServer(ns.kserve, "the KServe controller"),
            webhook(ns.kserve, 9443, "KServe's webhook"),
            { from: ns.serving, to: anywhere, ports: [443], why: "the storage initializer downloads models (the example model lives in a public bucket)" },
            ...(inCluster
                ? [{ from: ns.serving, to: ns.storage, ports: [9000], why: "the storage initializer reads models from the object store" }]
                : cloudApis(ns.serving, "model servers", onGke)),
            ...(on.orchestrator ? [{ from: ns.orchestrator, to: ns.serving, ports: [8080], why: "DAGs call the models" }] : []),
        );
    }
    if (on.monitoring) {
        present.add(ns.monitoring);
        flows.push(
            apiServer(ns.monitoring, "the Prometheus operator and kube-state-metrics"),
            webhook(ns.monitoring, 10250, "the Prometheus operator's webhook"),
            { from: ns.monitoring, to: { entity: "nodes" }, ports: [10250, 9100], why: "Prometheus scrapes kubelets and node-exporter on the nodes", fromPods: PROMETHEUS_PODS },
            { from: ns.monitoring, to: inCluster ? ns.postgres : anywhere, ports: [5432], why: "the Postgres exporter and Grafana's database" },
            toUi(ns.monitoring, [3000, 9090], "users reach Grafana and Prometheus"),
            ...extra,
        );
    }
    return { namespaces: [...present].sort(), flows: flows.filter((f) => typeof f.to !== "string" || present.has(f.to)) };
}

/** The ports on which the API server calls webhooks in the platform's namespaces. */
export function webhookPorts(flows: readonly Flow[]): number[] {
    const ports = flows.filter((f) => isEntity(f.from) && f.from.entity === "api-server").flatMap((f) => f.ports);
    return [...new Set(ports)].sort((a, b) => a - b);
}
