import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Streaming } from "../../components/streaming";
import { mockCaCertificate, runProgram, unwrap } from "../harness";
import { clientNs } from "../fakes";

/** A Streaming cluster and a client component that asks it for the `airflow` client's connection. */
function grant(environment: "dev" | "prod") {
    return runProgram(() => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        const streaming = new Streaming("streaming", { environment, flinkOperator: false }, { providers: [provider] });
        const consumer = new pulumi.ComponentResource("test:client:Client", "client", {}, { providers: [provider] });
        return streaming.grantClient("client-kafka", { namespace: clientNs("ml-orchestrator"), client: "airflow" }, consumer);
    });
}

describe("streaming: a client's connection, in its own namespace", () => {
    it("prod: SASL_SSL with the client's SCRAM password and the cluster CA read from Strimzi's Secret", async () => {
        const run = await grant("prod");
        const secret = run.byType("kubernetes:core/v1:Secret").find((r) => r.inputs.metadata.name === "kafka-airflow")!;
        assert.equal(secret.inputs.metadata.namespace, "ml-orchestrator");
        assert.equal(secret.parent, run.one("test:client:Client").urn);
        assert.ok(secret.secretInputs.has("stringData"));
        assert.deepEqual(secret.inputs.stringData, {
            "bootstrap.servers": "platform-kafka-bootstrap.ml-streaming.svc:9093",
            "security.protocol": "SASL_SSL",
            "sasl.mechanism": "SCRAM-SHA-512",
            username: "airflow",
            password: "mock-password-streaming-airflow-password",
            "ca.crt": mockCaCertificate("ml-streaming/platform-cluster-ca-cert"),
        });
        const access = run.result;
        assert.equal(access.groupId, "airflow-default", "inside the client's `airflow-*` group ACL");
        assert.equal(await pulumi.isSecret(access.password!), true);
        assert.equal(await unwrap(access.caCertificate!), mockCaCertificate("ml-streaming/platform-cluster-ca-cert"));
    });

    it("prod: the same password the KafkaUser's Secret holds", async () => {
        const run = await grant("prod");
        const scram = run.byType("kubernetes:core/v1:Secret").find((r) => r.inputs.metadata.name === "airflow-scram-password")!;
        const client = run.byType("kubernetes:core/v1:Secret").find((r) => r.inputs.metadata.name === "kafka-airflow")!;
        assert.equal(client.inputs.stringData.password, scram.inputs.stringData.password);
    });

    it("dev: the plaintext listener, no credentials", async () => {
        const run = await grant("dev");
        const secret = run.byType("kubernetes:core/v1:Secret").find((r) => r.inputs.metadata.name === "kafka-airflow")!;
        assert.deepEqual(secret.inputs.stringData, { "bootstrap.servers": "platform-kafka-bootstrap.ml-streaming.svc:9092", "security.protocol": "PLAINTEXT" });
        assert.equal(run.result.password, undefined);
    });

    it("refuses a client the cluster does not declare, naming the declared ones", async () => {
        const run = await runProgram(() => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            const streaming = new Streaming("streaming", { environment: "prod", flinkOperator: false }, { providers: [provider] });
            try {
                return streaming.grantClient("client-kafka", { namespace: clientNs("ml-orchestrator"), client: "spark" }, streaming);
            } catch (e) {
                return e as Error;
            }
        });
        assert.match(String(run.result), /no Kafka client "spark" is declared \(known: flink, airflow\)/);
    });
});

describe("streaming: Strimzi's listener policy lets in only the namespaces that use Kafka", () => {
    it("the internal listener's peers: the streaming namespace's own pods and each client namespace", async () => {
        const run = await runProgram(() => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            return new Streaming("streaming", { environment: "prod", flinkOperator: false, clientNamespaces: ["ml-orchestrator"] }, { providers: [provider] });
        });
        const kafka = run.byType("kubernetes:kafka.strimzi.io/v1:Kafka")[0].inputs;
        assert.deepEqual(kafka.spec.kafka.listeners[0].networkPolicyPeers, [
            { podSelector: {} },
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ml-orchestrator" } } },
        ]);
    });

    it("without clientNamespaces, Strimzi's default (any namespace) is kept for library users", async () => {
        const run = await runProgram(() => new Streaming("streaming", { environment: "dev", flinkOperator: false }, { providers: [new k8s.Provider("k8s", { kubeconfig: "{}" })] }));
        assert.equal("networkPolicyPeers" in run.byType("kubernetes:kafka.strimzi.io/v1:Kafka")[0].inputs.spec.kafka.listeners[0], false);
    });
});
