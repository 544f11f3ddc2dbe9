import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { kubernetesResourcesWithoutProvider, Registration, unwrap } from "../harness";
import { cdc, CR, deploy, strimziRelease } from "./deploy";
import { FAKE_DB_PASSWORD } from "./fake-postgres";

describe("streaming component, prod (GKE-like)", async () => {
    const { run, pg } = await deploy((pg) => ({
        environment: "prod",
        topics: [{ name: "features.online" }, { name: "predictions", partitions: 3 }],
        cdc: cdc(pg, { type: "registry", repository: "europe-west1-docker.pkg.dev/acme/ml/kafka-connect", pushSecretName: "ar-push" }),
        flinkJobs: [{ name: "orders", image: "acme/orders:1.0.0", flinkVersion: "v2_2", jarURI: "local:///opt/flink/usrlib/orders.jar", stateDir: "gs://b/f", kafkaUser: "flink" }],
    }));
    const release = strimziRelease(run);

    it("names the explicit provider on every Kubernetes resource", () => {
        const provider = run.one("pulumi:providers:kubernetes");
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, provider.urn).map((r) => `${r.type} ${r.name}`), []);
        assert.ok(run.resources.filter((r) => r.type.startsWith("kubernetes:")).length > 20);
    });

    it("creates every Strimzi custom resource after the operator release (its CRDs)", () => {
        const crs = run.resources.filter((r) => r.type.startsWith("kubernetes:kafka.strimzi.io/"));
        assert.deepEqual([...new Set(crs.map((r) => r.type.split(":")[2]))].sort(), ["Kafka", "KafkaConnect", "KafkaConnector", "KafkaNodePool", "KafkaTopic", "KafkaUser"]);
        for (const cr of crs) assert.ok(cr.dependencies.includes(release.urn), `${cr.name} does not depend on the Strimzi release`);
        const flinkRelease = run.byType("kubernetes:helm.sh/v3:Release").find((r) => r.name === "streaming-flink-operator")!;
        assert.ok(run.one("kubernetes:flink.apache.org/v1beta1:FlinkDeployment").dependencies.includes(flinkRelease.urn));
    });

    it("runs 3 controllers + 3 brokers, RF 3, min ISR 2, rack-aware, TLS+SCRAM, with a PDB, protected", () => {
        const pools = run.byType(CR("KafkaNodePool"));
        assert.deepEqual(pools.map((p) => [p.inputs.spec.roles.join("+"), p.inputs.spec.replicas, p.protect]).sort(), [["broker", 3, true], ["controller", 3, true]]);
        const kafka = run.one(CR("Kafka"));
        assert.equal(kafka.protect, true);
        const k = kafka.inputs.spec.kafka;
        assert.deepEqual([k.config["default.replication.factor"], k.config["min.insync.replicas"], k.config["offsets.topic.replication.factor"]], [3, 2, 3]);
        assert.equal(k.rack.topologyKey, "topology.kubernetes.io/zone");
        assert.deepEqual(k.listeners.map((l: any) => [l.tls, l.authentication?.type]), [[true, "scram-sha-512"]]);
        assert.equal(k.template.podDisruptionBudget.maxUnavailable, 1);
        assert.equal(run.one("kubernetes:core/v1:Namespace").protect, true);
    });

    it("declares the topics from the input, kept in the cluster when removed from the list", () => {
        const topics = run.byType(CR("KafkaTopic"));
        assert.deepEqual(topics.map((t) => [t.inputs.spec.topicName, t.inputs.spec.partitions, t.inputs.spec.replicas, t.retainOnDelete]).sort(), [
            ["features.online", 6, 3, true],
            ["predictions", 3, 3, true],
        ]);
    });

    it("gives each client a KafkaUser whose SCRAM password lives only in a Secret", () => {
        const users = run.byType(CR("KafkaUser"));
        assert.deepEqual(users.map((u) => u.name).sort(), ["streaming-user-airflow", "streaming-user-connect", "streaming-user-flink"]);
        for (const u of users) {
            const ref = u.inputs.spec.authentication.password.valueFrom.secretKeyRef;
            const secret = run.byType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === ref.name)!;
            assert.ok(secret.secretInputs.has("stringData"), `${ref.name} stringData must be a Pulumi secret`);
            assert.match(secret.inputs.stringData.password, /^mock-scram-/);
        }
    });

    it("creates the `source` database with replication and reads its password through the config provider", async () => {
        assert.deepEqual(pg.requests.map((r) => [r.request.database, r.request.replication]), [["source", true]]);
        const connector = run.one(CR("KafkaConnector"));
        assert.equal(connector.inputs.spec.config["database.password"], "${secrets:ml-streaming/source-db:password}");
        assert.equal(connector.inputs.spec.config["database.hostname"], "postgres.ml-data.svc.cluster.local");
        const role = run.one("kubernetes:rbac.authorization.k8s.io/v1:Role");
        assert.deepEqual(role.inputs.rules, [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["source-db"] }]);
        const binding = run.one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding");
        assert.deepEqual(binding.inputs.subjects, [{ kind: "ServiceAccount", name: "cdc-connect", namespace: "ml-streaming" }]);
    });

    it("puts no password value in any input but the Secrets that hold them", () => {
        const secretsByDesign = (r: Registration) => r.type === "kubernetes:core/v1:Secret" || r.type === "random:index/randomPassword:RandomPassword";
        const leaks = run.resources.filter((r) => {
            const text = JSON.stringify(r.inputs);
            return !secretsByDesign(r) && (text.includes(FAKE_DB_PASSWORD) || /mock-scram-/.test(text));
        });
        assert.deepEqual(leaks.map((r) => r.name), []);
        // The scan itself can find the value where it is.
        assert.ok(run.byType("kubernetes:core/v1:Secret").some((s) => JSON.stringify(s.inputs).includes(FAKE_DB_PASSWORD)));
    });

    it("namespace enforces baseline (the Connect build runs Buildah as root) and warns on restricted", () => {
        const labels = run.one("kubernetes:core/v1:Namespace").inputs.metadata.labels;
        assert.equal(labels["pod-security.kubernetes.io/enforce"], "baseline");
        assert.equal(labels["pod-security.kubernetes.io/warn"], "restricted");
    });

    it("outputs the TLS bootstrap, the Connect REST URL, declared and CDC topics, and the Flink operator namespace", async () => {
        const s = run.result;
        assert.equal(await unwrap(s.bootstrapServers), "platform-kafka-bootstrap.ml-streaming.svc:9093");
        assert.equal(s.externalBootstrapServers, undefined);
        assert.equal(await unwrap(s.connectUrl!), "http://cdc-connect-api.ml-streaming.svc:8083");
        assert.deepEqual(await unwrap(s.topicNames), ["features.online", "predictions", "cdc.source.public.customers", "cdc.source.public.orders"]);
        assert.equal(await unwrap(s.flinkOperatorNamespace!), "ml-streaming");
        assert.deepEqual(s.clientConnection.users.flink, { username: "flink", secretName: "flink" });
        assert.equal(s.clientConnection.securityProtocol, "SASL_SSL");
    });

    it("adds a PodDisruptionBudget for the two Flink operator replicas", () => {
        const pdb = run.one("kubernetes:policy/v1:PodDisruptionBudget");
        assert.deepEqual(pdb.inputs.spec, { minAvailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "flink-kubernetes-operator" } } });
    });
    it("sets requests and limits on every container it sizes", () => {
        const sized: [string, any][] = [];
        for (const rel of run.byType("kubernetes:helm.sh/v3:Release")) {
            const v = rel.inputs.values;
            sized.push([rel.name, v.resources ?? v.operatorPod.resources]);
        }
        for (const p of run.byType(CR("KafkaNodePool"))) sized.push([p.name, p.inputs.spec.resources]);
        const k = run.one(CR("Kafka")).inputs.spec;
        sized.push(["topic-operator", k.entityOperator.topicOperator.resources], ["user-operator", k.entityOperator.userOperator.resources], ["exporter", k.kafkaExporter.resources]);
        const connect = run.one(CR("KafkaConnect")).inputs.spec;
        sized.push(["connect", connect.resources], ["connect-build", connect.build.resources]);
        for (const [what, r] of sized) {
            assert.ok(r?.requests?.cpu && r?.requests?.memory && r?.limits?.cpu && r?.limits?.memory, `${what}: requests and limits`);
        }
        assert.equal(sized.length, 9, "2 operator charts, 2 node pools, topic and user operators, exporter, Connect and its build");
    });
});
