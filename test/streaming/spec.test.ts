import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { images } from "../../components/versions";
import { planStreaming, StreamingArgs } from "../../components/streaming";
import { connectImageTag, debeziumPostgres, kafkaConnectorSpec, kafkaConnectSpec, kindRegistryContainerdConfig } from "../../components/streaming/connect";
import { flinkDeploymentSpec } from "../../components/streaming/flink";
import { acls, allClients, KAFKA_VERSION, kafkaSpec, nodePoolSpec, topicSpecs, userSpec } from "../../components/streaming/kafka";
import { connectMetricsRules, jmxExporterConfig, kafkaMetricsRules } from "../../components/streaming/metrics";
import { podMonitorSpecs } from "../../components/streaming/monitoring";
import { flinkOperatorConfig, flinkOperatorValues, strimziValues } from "../../components/streaming/operators";

const cdc: StreamingArgs["cdc"] = {
    connectors: [{ name: "source", tables: ["public.customers", "public.orders"] }],
    image: { type: "registry", repository: "europe-west1-docker.pkg.dev/acme/ml/kafka-connect", pushSecretName: "ar-push" },
    postgres: undefined,
};
const withConnection = {
    ...cdc!,
    connectors: [{ ...cdc!.connectors[0], connection: { host: undefined as any, port: 5432, database: "source", username: "source", secretName: undefined as any, uri: undefined as any, flows: [], connection: undefined as any } }],
};
const prod = planStreaming("t", { environment: "prod", topics: [{ name: "features.online" }], cdc: withConnection });
const dev = planStreaming("t", { environment: "dev", topics: [{ name: "features.online" }] });

describe("streaming plan: defaults and fail-fast validation", () => {
    it("prod: 3 controllers and 3 brokers in separate pools with pinned node IDs; dev: one combined node", () => {
        assert.deepEqual(prod.nodePools.map((p) => [p.name, p.roles, p.replicas, p.nodeIds]), [
            ["controller", ["controller"], 3, [0, 1, 2]],
            ["broker", ["broker"], 3, [3, 4, 5]],
        ]);
        assert.deepEqual(dev.nodePools.map((p) => [p.name, p.roles, p.replicas]), [["dual", ["controller", "broker"], 1]]);
        assert.equal(prod.security, "scram-tls");
        assert.equal(dev.security, "plaintext");
        assert.equal(prod.bootstrapServers, "platform-kafka-bootstrap.ml-streaming.svc:9093");
        assert.equal(dev.bootstrapServers, "platform-kafka-bootstrap.ml-streaming.svc:9092");
    });

    it("reports every conflicting argument at once, naming the inputs", () => {
        assert.throws(
            () =>
                planStreaming("bad", {
                    environment: "prod",
                    security: "plaintext",
                    topics: [{ name: "a", replicas: 4 }, { name: "b", replicas: 1 }, { name: "c", config: { "retention.ms": 1 } }],
                    cdc: { connectors: [{ name: "src", tables: ["orders"] }], image: { type: "registry", repository: "kafka-connect:1" } },
                    flinkJobs: [{ name: "j", image: "flink:latest", flinkVersion: "v2_2", jarURI: "local:///j.jar" }],
                }),
            (e: Error) => {
                for (const expected of [
                    'security: got "plaintext" in prod',
                    "topics.a.replicas: got 4; expected 1 to 3",
                    "topics.b.replicas: got 1; expected at least min.insync.replicas (2)",
                    'topics.c.config: "retention.ms" is set by retentionMs',
                    'cdc.connectors.src.tables: got "orders"; expected "schema.table"',
                    "cdc.postgres: required",
                    'cdc.image.repository: got "kafka-connect:1"',
                    'flinkJobs.j.image: got "flink:latest"',
                    "flinkJobs.j.stateDir: required in prod",
                ]) {
                    assert.ok(e.message.includes(expected), `missing "${expected}" in:\n${e.message}`);
                }
                return true;
            },
        );
    });

    it("rejects topic names that collide as Kubernetes names, and an unknown Kafka user for a job", () => {
        assert.throws(() => planStreaming("t", { environment: "dev", topics: [{ name: "a_b" }, { name: "a-b" }] }), /map to the same KafkaTopic name "a-b"/);
        assert.throws(
            () => planStreaming("t", { environment: "dev", flinkJobs: [{ name: "j", image: "flink:2.2.0", flinkVersion: "v2_2", jarURI: "local:///j.jar", kafkaUser: "nobody" }] }),
            /kafkaUser: got "nobody"/,
        );
    });
});

describe("streaming: Kafka resources", () => {
    it("prod Kafka: RF 3, min ISR 2, internal topics RF 3, rack awareness, TLS + SCRAM listener, simple authorization, PDB", () => {
        const k = kafkaSpec(prod);
        assert.equal(k.apiVersion, "kafka.strimzi.io/v1");
        // TLS clients get the cluster CA, which exists once the cluster is Ready: `up` waits for that.
        assert.deepEqual(k.metadata.annotations, { "strimzi.io/node-pools": "enabled", "strimzi.io/kraft": "enabled", "pulumi.com/waitFor": "condition=Ready" });
        const c = k.spec.kafka.config;
        assert.equal(c["default.replication.factor"], 3);
        assert.equal(c["min.insync.replicas"], 2);
        assert.equal(c["offsets.topic.replication.factor"], 3);
        assert.equal(c["transaction.state.log.replication.factor"], 3);
        assert.equal(c["transaction.state.log.min.isr"], 2);
        assert.equal(c["auto.create.topics.enable"], false);
        assert.deepEqual(k.spec.kafka.rack, { type: "topology-label", topologyKey: "topology.kubernetes.io/zone" });
        assert.deepEqual(k.spec.kafka.listeners, [{ name: "tls", port: 9093, type: "internal", tls: true, authentication: { type: "scram-sha-512" } }]);
        assert.deepEqual(k.spec.kafka.authorization, { type: "simple" });
        assert.deepEqual(k.spec.kafka.template.podDisruptionBudget, { maxUnavailable: 1 });
        assert.ok(k.spec.entityOperator.userOperator, "the User Operator reconciles the KafkaUsers");
        assert.equal(k.spec.kafka.version, KAFKA_VERSION);
        assert.equal(images.strimziKafka.tag, `${images.strimziOperator.tag}-kafka-${KAFKA_VERSION}`, "Kafka version and image pin agree");
    });

    it("prod node pools: persistent volumes kept on delete, spread over zones", () => {
        for (const pool of prod.nodePools) {
            const np = nodePoolSpec(prod, pool);
            const vol = np.spec.storage.volumes[0];
            assert.deepEqual([vol.type, vol.deleteClaim, vol.kraftMetadata], ["persistent-claim", false, "shared"]);
            const spread = np.spec.template.pod.topologySpreadConstraints[0];
            assert.deepEqual([spread.topologyKey, spread.whenUnsatisfiable], ["topology.kubernetes.io/zone", "DoNotSchedule"]);
            assert.deepEqual(spread.labelSelector.matchLabels, { "strimzi.io/cluster": "platform", "strimzi.io/pool-name": pool.name });
            assert.ok(np.spec.resources.limits.memory && np.spec.resources.requests.cpu);
        }
        assert.equal(nodePoolSpec(prod, prod.nodePools[1]).spec.storage.volumes[0].size, "100Gi");
    });

    it("dev: plaintext listener, replication 1, no rack, small deletable volume", () => {
        const k = kafkaSpec(dev);
        assert.deepEqual(k.spec.kafka.listeners, [{ name: "plain", port: 9092, type: "internal", tls: false }]);
        assert.equal(k.spec.kafka.config["default.replication.factor"], 1);
        assert.equal(k.spec.kafka.rack, undefined);
        assert.equal(k.spec.entityOperator.userOperator, undefined);
        const vol = nodePoolSpec(dev, dev.nodePools[0]).spec.storage.volumes[0];
        assert.deepEqual([vol.size, vol.deleteClaim], ["5Gi", true]);
    });

    it("external NodePort listener advertises the laptop address for every broker", () => {
        const plan = planStreaming("t", { environment: "dev", externalAccess: { type: "nodeport" } });
        const ext = kafkaSpec(plan).spec.kafka.listeners[1];
        assert.equal(ext.type, "nodeport");
        assert.deepEqual(ext.configuration, { bootstrap: { nodePort: 30094 }, brokers: [{ broker: 0, nodePort: 30095, advertisedHost: "127.0.0.1" }] });
    });

    it("topics come from the input with per-environment defaults", () => {
        const plan = planStreaming("t", { environment: "prod", topics: [{ name: "features.online" }, { name: "Orders_Raw", partitions: 12, retentionMs: -1, cleanupPolicy: "compact" }] });
        assert.deepEqual(topicSpecs(plan).map((t) => [t.metadata.name, t.spec]), [
            ["features.online", { topicName: "features.online", partitions: 6, replicas: 3, config: { "retention.ms": 604800000, "cleanup.policy": "delete" } }],
            ["orders-raw", { topicName: "Orders_Raw", partitions: 12, replicas: 3, config: { "retention.ms": -1, "cleanup.policy": "compact" } }],
        ]);
        assert.deepEqual(topicSpecs(dev)[0].spec, { topicName: "features.online", partitions: 1, replicas: 1, config: { "retention.ms": 86400000, "cleanup.policy": "delete" } });
        assert.equal(topicSpecs(plan)[0].metadata.labels["strimzi.io/cluster"], "platform");
    });

    it("KafkaUsers: Connect plus the default clients, SCRAM passwords from our Secrets, prefix ACLs", () => {
        assert.deepEqual(allClients(prod).map((c) => c.name), ["connect", "flink", "airflow"]);
        const connect = userSpec(prod, allClients(prod)[0]);
        assert.deepEqual(connect.spec.authentication, { type: "scram-sha-512", password: { valueFrom: { secretKeyRef: { name: "connect-scram-password", key: "password" } } } });
        assert.ok(connect.spec.authorization.acls.some((a: any) => a.resource.name === "cdc.source." && a.resource.patternType === "prefix" && a.operations.includes("Write")));
        assert.ok(connect.spec.authorization.acls.some((a: any) => a.resource.type === "group" && a.resource.name === "cdc-connect"));
        assert.deepEqual(acls({ name: "x", consumes: ["cdc.*"], groups: ["flink-*"] }), [
            { resource: { type: "topic", name: "cdc.", patternType: "prefix" }, operations: ["Read", "Describe", "DescribeConfigs"] },
            { resource: { type: "group", name: "flink-", patternType: "prefix" }, operations: ["Read", "Describe"] },
        ]);
        const flink = allClients(prod).find((c) => c.name === "flink")!;
        assert.deepEqual(flink.consumes, ["cdc.source.*", "features.online"]);
    });

    it("JMX exporter configs are valid JSON (thus YAML) with the alerting-relevant metrics", () => {
        const kafka = JSON.parse(jmxExporterConfig(kafkaMetricsRules));
        const names = kafka.rules.map((r: any) => r.name);
        for (const n of ["kafka_server_replicamanager_$1", "kafka_controller_kafkacontroller_$1", "kafka_network_requestmetrics_totaltimems"]) assert.ok(names.includes(n), n);
        assert.ok(JSON.parse(jmxExporterConfig(connectMetricsRules)).rules.some((r: any) => r.name === "debezium_postgres_$3"));
        for (const r of [...kafkaMetricsRules, ...connectMetricsRules]) assert.doesNotThrow(() => new RegExp(r.pattern), r.pattern);
    });
});

describe("streaming: Kafka Connect and Debezium", () => {
    const connect = kafkaConnectSpec(prod, prod.connectImage!);

    it("builds the Connect image with the pinned, checksum-verified Debezium artifact into the given repository", () => {
        assert.equal(connect.metadata.annotations["strimzi.io/use-connector-resources"], "true");
        assert.deepEqual(connect.spec.build.plugins, [{ name: "debezium-postgres", artifacts: [{ type: "tgz", url: debeziumPostgres.url, sha512sum: debeziumPostgres.sha512sum }] }]);
        assert.match(debeziumPostgres.sha512sum, /^[0-9a-f]{128}$/);
        assert.equal(connect.spec.build.output.image, `europe-west1-docker.pkg.dev/acme/ml/kafka-connect:${connectImageTag()}`);
        assert.equal(connect.spec.build.output.pushSecret, "ar-push");
        assert.equal(connect.spec.version, KAFKA_VERSION);
    });

    it("prod Connect: 2 workers, TLS with the cluster CA, SCRAM as `connect`, secret config provider, PDB, zone spread", () => {
        assert.equal(connect.spec.replicas, 2);
        assert.equal(connect.spec.bootstrapServers, "platform-kafka-bootstrap:9093");
        assert.deepEqual(connect.spec.tls, { trustedCertificates: [{ secretName: "platform-cluster-ca-cert", pattern: "*.crt" }] });
        assert.deepEqual(connect.spec.authentication, { type: "scram-sha-512", username: "connect", passwordSecret: { secretName: "connect-scram-password", password: "password" } });
        assert.equal(connect.spec.config["config.providers.secrets.class"], "io.strimzi.kafka.KubernetesSecretConfigProvider");
        // Kafka's default offset-flush interval unless an extension asks otherwise (the feedback loop's Iceberg sink).
        assert.equal(connect.spec.config["offset.flush.interval.ms"], undefined);
        assert.deepEqual(connect.spec.template.podDisruptionBudget, { maxUnavailable: 1 });
        assert.equal(connect.spec.template.pod.topologySpreadConstraints[0].topologyKey, "topology.kubernetes.io/zone");
    });

    it("the connector names Secrets for the credentials, never values", () => {
        const spec = kafkaConnectorSpec(prod, prod.connectors[0], { host: "10.1.2.3", port: 5432, database: "source", secretName: "source-db" });
        const config = spec.spec.config;
        assert.equal(config["database.password"], "${secrets:ml-streaming/source-db:password}");
        assert.equal(config["database.user"], "${secrets:ml-streaming/source-db:username}");
        assert.equal(config["table.include.list"], "public.customers,public.orders");
        assert.equal(config["topic.prefix"], "cdc.source");
        assert.equal(config["slot.name"], "debezium_source");
        assert.equal(config["publication.autocreate.mode"], "filtered");
        assert.equal(spec.metadata.labels["strimzi.io/cluster"], "cdc");
        assert.equal(spec.spec.tasksMax, 1);
    });

    it("kind: pushes to the in-cluster registry over HTTP, and containerd maps its name to the NodePort", () => {
        const plan = planStreaming("t", { environment: "dev", cdc: { ...withConnection, image: { type: "in-cluster-registry" } } });
        const spec = kafkaConnectSpec(plan, plan.connectImage!);
        assert.match(spec.spec.build.output.image, /^connect-registry\.ml-streaming\.svc\.cluster\.local:5000\/ml-platform\/kafka-connect:1\.2\.0-kafka-4\.3\.1-debezium-3\.7\.0\.Final$/);
        assert.deepEqual(spec.spec.build.output.additionalPushOptions, ["--tls-verify=false"]);
        assert.equal(spec.spec.authentication, undefined);
        const cfg = kindRegistryContainerdConfig();
        assert.equal(cfg.host, "connect-registry.ml-streaming.svc.cluster.local:5000");
        assert.equal(cfg.hostsToml, 'server = "http://connect-registry.ml-streaming.svc.cluster.local:5000"\n\n[host."http://localhost:30500"]\n  capabilities = ["pull", "resolve"]\n');
    });
});

describe("streaming: operators and Flink", () => {
    it("Strimzi chart: pinned images (mirror-aware), restricted pod security for operands, HA in prod", () => {
        const v = strimziValues(prod, ["ml-data"], { imageRegistry: "registry.corp/mirror/" });
        assert.deepEqual([v.defaultImageRegistry, v.defaultImageRepository, v.defaultImageTag], ["registry.corp/mirror", "strimzi", "1.2.0"]);
        assert.deepEqual(v.extraEnvs, [{ name: "STRIMZI_POD_SECURITY_PROVIDER_CLASS", value: "restricted" }]);
        assert.deepEqual(v.watchNamespaces, ["ml-data"]);
        assert.equal(v.replicas, 2);
        assert.deepEqual(v.podDisruptionBudget, { enabled: true, minAvailable: 1 });
        assert.equal(v.securityContext?.readOnlyRootFilesystem, true);
        assert.equal(strimziValues(dev, []).defaultImageRegistry, "quay.io");
    });

    it("Flink operator chart: no webhook by default, pinned image, leader election with 2 replicas in prod", () => {
        const v = flinkOperatorValues(prod);
        assert.deepEqual(v.webhook, { create: false });
        assert.deepEqual(v.image, { repository: "docker.io/apache/flink-kubernetes-operator", tag: "1.15.0", pullPolicy: "IfNotPresent" });
        assert.equal(v.replicas, 2);
        assert.equal(v.strategy?.type, "RollingUpdate");
        assert.match(flinkOperatorConfig(prod), /kubernetes\.operator\.leader-election\.enabled: true/);
        assert.doesNotMatch(flinkOperatorConfig(dev), /leader-election/);
        assert.deepEqual(v.watchNamespaces, ["ml-streaming"]);
        assert.equal(v.operatorSecurityContext?.readOnlyRootFilesystem, true);
    });

    it("FlinkDeployment: HA and checkpoints under stateDir, last-state upgrades, Kafka credentials by reference", () => {
        const job = { name: "orders", image: "acme/orders:1.0.0", flinkVersion: "v2_2" as const, jarURI: "local:///opt/flink/usrlib/orders.jar", stateDir: "gs://b/flink/orders", kafkaUser: "flink" };
        const plan = planStreaming("t", { environment: "prod", flinkJobs: [job] });
        const d = flinkDeploymentSpec(plan, job);
        assert.equal(d.spec.flinkConfiguration["high-availability.type"], "kubernetes");
        assert.equal(d.spec.flinkConfiguration["execution.checkpointing.dir"], "gs://b/flink/orders/checkpoints");
        assert.equal(d.spec.jobManager.replicas, 2);
        assert.equal(d.spec.job.upgradeMode, "last-state");
        const env = d.spec.podTemplate.spec.containers[0].env;
        assert.deepEqual(env.find((e: any) => e.name === "KAFKA_SASL_JAAS_CONFIG"), { name: "KAFKA_SASL_JAAS_CONFIG", valueFrom: { secretKeyRef: { name: "flink", key: "sasl.jaas.config" } } });
        assert.equal(d.spec.podTemplate.spec.securityContext.runAsNonRoot, true);
    });
    it("PodMonitors scrape the JMX exporter port of Kafka and Connect pods, and both operators", () => {
        const pms = podMonitorSpecs(prod);
        assert.deepEqual(pms.map((p) => [p.metadata.name, p.spec.podMetricsEndpoints[0].port]), [
            ["strimzi-kafka", "tcp-prometheus"],
            ["strimzi-cluster-operator", "http"],
            ["strimzi-topic-operator", "healthcheck-to"],
            ["strimzi-user-operator", "healthcheck-uo"],
            ["flink-operator", "metrics"],
        ]);
        assert.deepEqual(pms[0].spec.selector.matchExpressions[0].values, ["Kafka", "KafkaConnect"]);
    });
});
