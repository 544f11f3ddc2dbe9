/** Stack outputs as `pulumi stack output --json --show-secrets` prints them, for the verify tests. */
import { ConnectionRecord, StackOutputs } from "../../scripts/verify/types";

export const SECRETS = { trino: "trino-pass-9f3a1c", mlflow: "mlflow-pass-77b2e0", prometheus: "prom-pass-c41d9e", grafana: "graf-pass-0aa7", kubeconfigToken: "kubeconfig-token-5e6f" };

const credentials = {
    trino: { username: "admin", password: SECRETS.trino },
    mlflow: { username: "admin", password: SECRETS.mlflow },
    prometheus: { username: "admin", password: SECRETS.prometheus },
    grafana: { username: "admin", password: SECRETS.grafana },
};
const kubeconfig = `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: ${SECRETS.kubeconfigToken}\n`;

const connections = (kafkaTo: string): ConnectionRecord[] => [
    { kind: "trino", from: "ml-orchestrator", to: "http://trino.ml-lakehouse.svc.cluster.local:8080", why: "DAGs query Trino" },
    { kind: "mlflow", from: "ml-orchestrator", to: "http://mlflow.ml-tracking.svc.cluster.local:5000", secret: "mlflow-airflow", why: "training DAGs log to MLflow" },
    { kind: "kafka", from: "ml-orchestrator", to: kafkaTo, secret: "kafka-airflow", why: "DAGs produce to and consume from Kafka" },
    { kind: "postgres", from: "ml-orchestrator", to: "postgres.ml-postgres.svc:5432", secret: "airflow-db", why: "Airflow's metadata database" },
    { kind: "object-store", from: "ml-orchestrator", to: "http://minio.ml-storage.svc:9000", secret: "airflow-store", serviceAccount: "airflow-worker", why: "task logs" },
    { kind: "models", from: "ml-serving", to: "s3://models", serviceAccount: "kserve-models", why: "the storage initializer downloads models" },
    { kind: "models", from: "ml-orchestrator", to: "http://sklearn-iris-predictor.ml-serving.svc.cluster.local/v1/models/sklearn-iris:predict", why: "DAGs call the models" },
];

/** dev on kind: http endpoints, PLAINTEXT Kafka, the example model. */
export const devOutputs: StackOutputs = {
    kubeconfig,
    credentials,
    endpoints: {
        trino: { internal: "http://trino.ml-lakehouse.svc.cluster.local:8080", external: "http://trino.localtest.me" },
        "trino-jdbc": { internal: "jdbc:trino://trino.ml-lakehouse.svc.cluster.local:8080" },
        mlflow: { internal: "http://mlflow.ml-tracking.svc.cluster.local:5000", external: "http://mlflow.localtest.me" },
        airflow: { internal: "http://airflow-api-server.ml-orchestrator.svc.cluster.local:8080", external: "http://airflow.localtest.me" },
        kafka: { internal: "platform-kafka-bootstrap.ml-streaming.svc:9092", external: "127.0.0.1:30094" },
        "model-sklearn-iris": { internal: "http://sklearn-iris-predictor.ml-serving.svc.cluster.local/v1/models/sklearn-iris:predict" },
        grafana: { internal: "http://kps-grafana.ml-monitoring.svc.cluster.local", external: "http://grafana.localtest.me" },
        prometheus: { internal: "http://kps-prometheus.ml-monitoring.svc.cluster.local:9090", external: "http://prometheus.localtest.me" },
    },
    connections: connections("platform-kafka-bootstrap.ml-streaming.svc:9092"),
};

/** prod on GKE: https, SASL_SSL Kafka, no models configured. */
export const prodOutputs: StackOutputs = {
    kubeconfig,
    credentials,
    endpoints: {
        trino: { internal: "http://trino.ml-lakehouse.svc.cluster.local:8080", external: "https://trino.ml.example.com" },
        mlflow: { internal: "http://mlflow.ml-tracking.svc.cluster.local:5000", external: "https://mlflow.ml.example.com" },
        airflow: { internal: "http://airflow-api-server.ml-orchestrator.svc.cluster.local:8080", external: "https://airflow.ml.example.com" },
        kafka: { internal: "platform-kafka-bootstrap.ml-streaming.svc:9093" },
        prometheus: { internal: "http://kps-prometheus.ml-monitoring.svc.cluster.local:9090", external: "https://prometheus.ml-monitoring.example.com" },
    },
    connections: connections("platform-kafka-bootstrap.ml-streaming.svc:9093").filter((c) => c.kind !== "models"),
};
