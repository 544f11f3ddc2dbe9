import { Flow } from "../components";
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
/** The API server is outside every namespace and its address differs per cluster (6443 on kind, 443 in the clouds). */
const apiServer = (from: string, why: string): Flow => ({ from, to: anywhere, ports: [443, 6443], why: `${why} talks to the Kubernetes API` });
/** Cloud object storage, Entra ID / Google token endpoints and the GKE metadata server. */
const cloudApis = (from: string, why: string): Flow[] => [
    { from, to: anywhere, ports: [443], why: `${why} reaches cloud storage and identity endpoints over HTTPS` },
    { from, to: { cidr: "169.254.169.254/32" }, ports: [80], why: `${why} gets workload identity tokens from the metadata server` },
];

/**
 * The connections the platform needs, and nothing else. `extra` carries flows components compute themselves
 * (Prometheus's scrape targets).
 */
export function platformFlows(config: PlatformConfig, extra: readonly Flow[] = []): { namespaces: string[]; flows: Flow[] } {
    const on = config.components;
    const ns = namespaces;
    const inCluster = config.cluster.provider === "kind" || config.cluster.provider === "existing";
    // ACME HTTP-01: cert-manager's solver pod answers in the route's own namespace, behind the same ingress.
    const acmeSolver = config.ingress.tls && "acme" in config.ingress.tls ? [8089] : [];
    const toUi = (to: string, ports: number[], why: string): Flow => ({ from: ns.ingress, to, ports: [...ports, ...acmeSolver], why });
    const present = new Set<string>([ns.ingress, ns.certManager, ns.postgres, ...(inCluster ? [ns.storage] : [])]);
    const flows: Flow[] = [
        { from: anywhere, to: ns.ingress, ports: [8000, 8443], why: "users reach the UIs through Traefik" },
        apiServer(ns.ingress, "Traefik"),
        apiServer(ns.certManager, "cert-manager"),
        { from: anywhere, to: ns.certManager, ports: [10250], why: "the API server calls cert-manager's webhook" },
        { from: ns.certManager, to: anywhere, ports: [443], why: "cert-manager talks to the ACME server" },
        apiServer(ns.postgres, "the database provisioning Jobs"),
    ];
    // Each consumer reaches Postgres and the object store: in the cluster on kind, cloud endpoints elsewhere.
    const dataConsumer = (from: string, why: string) => {
        flows.push({ from, to: ns.postgres, ports: [5432], why: `${why} uses its database` });
        if (inCluster) flows.push({ from, to: ns.storage, ports: [9000], why: `${why} reads and writes the object store` });
        else flows.push(...cloudApis(from, why), { from, to: anywhere, ports: [5432], why: `${why} reaches the managed Postgres on its private IP` });
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
            { from: ns.streaming, to: ns.postgres, ports: [5432], why: "Debezium reads the source database's change stream" },
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
            { from: anywhere, to: ns.kserve, ports: [9443], why: "the API server calls KServe's webhook" },
            { from: ns.serving, to: anywhere, ports: [443], why: "the storage initializer downloads models (the example model lives in a public bucket)" },
            ...(inCluster
                ? [{ from: ns.serving, to: ns.storage, ports: [9000], why: "the storage initializer reads models from the object store" }]
                : cloudApis(ns.serving, "model servers")),
            ...(on.orchestrator ? [{ from: ns.orchestrator, to: ns.serving, ports: [8080], why: "DAGs call the models" }] : []),
        );
    }
    if (on.monitoring) {
        present.add(ns.monitoring);
        flows.push(
            apiServer(ns.monitoring, "the Prometheus operator and kube-state-metrics"),
            { from: anywhere, to: ns.monitoring, ports: [10250], why: "the API server calls the Prometheus operator's webhook" },
            { from: ns.monitoring, to: anywhere, ports: [10250, 9100], why: "Prometheus scrapes kubelets and node-exporter on the nodes" },
            { from: ns.monitoring, to: inCluster ? ns.postgres : anywhere, ports: [5432], why: "the Postgres exporter and Grafana's database" },
            toUi(ns.monitoring, [3000, 9090], "users reach Grafana and Prometheus"),
            ...extra,
        );
    }
    return { namespaces: [...present].sort(), flows: flows.filter((f) => typeof f.to !== "string" || present.has(f.to)) };
}
