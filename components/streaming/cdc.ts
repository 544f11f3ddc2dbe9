import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { platformLabels } from "../common/kubernetes";
import { ANYWHERE, ClientNamespace, Flow } from "../network/spec";
import { DatabaseConnection } from "../postgres/types";
import type { ObjectStoreAccess } from "../storage/types";
import { StreamingPlan } from "./config";
import {
    cdcTopicNames,
    connectorMetadata,
    DEFAULT_REGISTRY_NODE_PORT,
    kafkaConnectorSpec,
    kafkaConnectSpec,
    REGISTRY_NAME,
    registryDeploymentSpec,
    registryLabels,
    registryServiceSpec,
} from "./connect";
import { COMPONENT, STRIMZI_API } from "./kafka";
import { connectMetricsRules, jmxExporterConfig, METRICS_CONFIG_KEY } from "./metrics";
import { StreamingArgs } from "./types";

export interface CdcResources {
    readonly connectUrl: pulumi.Output<string>;
    readonly topicNames: string[];
    /** The source databases Connect reads. */
    readonly databases: readonly DatabaseConnection[];
    /** Out for the image build. */
    readonly flows: readonly Flow[];
    /** The Connect pods' object-store access (a ConnectExtension's buckets). */
    readonly storage?: ObjectStoreAccess;
    readonly connect: k8s.apiextensions.CustomResource;
}

/**
 * Kafka Connect with the Debezium PostgreSQL plugin and one KafkaConnector per source. Each source database is
 * created on the platform's Postgres (replication enabled) unless an existing connection is given; the connector
 * reads the credentials from that database's Secret through Strimzi's KubernetesSecretConfigProvider, so no
 * password ever appears in a Kubernetes object other than the Secret.
 */
export function createCdc(
    name: string,
    plan: StreamingPlan,
    args: StreamingArgs,
    ctx: { namespace: ClientNamespace; dependsOn: pulumi.Resource[]; parent: pulumi.Resource },
): CdcResources {
    const cdc = args.cdc;
    const output = plan.connectImage!;
    const { parent } = ctx;
    const namespace = ctx.namespace.created;
    const connectName = plan.names.connect;

    const buildDeps: pulumi.Resource[] = [];
    if (output.type === "in-cluster-registry") {
        const pvc = new k8s.core.v1.PersistentVolumeClaim(
            `${name}-registry-data`,
            {
                metadata: { name: `${REGISTRY_NAME}-data`, namespace, labels: registryLabels(plan) },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    ...(plan.storageClassName ? { storageClassName: plan.storageClassName } : {}),
                    resources: { requests: { storage: output.storageSize ?? "2Gi" } },
                },
            },
            { parent },
        );
        const deployment = new k8s.apps.v1.Deployment(
            `${name}-registry`,
            { metadata: { name: REGISTRY_NAME, namespace, labels: registryLabels(plan) }, spec: registryDeploymentSpec(plan, `${REGISTRY_NAME}-data`, args.mirror) },
            { parent, dependsOn: [pvc] },
        );
        const service = new k8s.core.v1.Service(
            `${name}-registry`,
            { metadata: { name: REGISTRY_NAME, namespace, labels: registryLabels(plan) }, spec: registryServiceSpec(plan, output.nodePort ?? DEFAULT_REGISTRY_NODE_PORT) },
            { parent },
        );
        buildDeps.push(deployment, service);
    }

    const metrics = new k8s.core.v1.ConfigMap(
        `${name}-connect-metrics`,
        {
            metadata: { name: plan.names.connectMetricsConfigMap, namespace, labels: platformLabels(COMPONENT) },
            data: { [METRICS_CONFIG_KEY]: jmxExporterConfig(connectMetricsRules) },
        },
        { parent },
    );

    // One database (and Secret) per distinct source database, however many connectors read it.
    const databases = new Map<string, DatabaseConnection>();
    const connections = plan.connectors.map((c) => {
        if (c.spec.connection) return c.spec.connection;
        let conn = databases.get(c.database);
        if (!conn) {
            conn = cdc!.postgres!.database(`${name}-${c.database.replace(/_/g, "-")}-db`, { namespace: ctx.namespace, database: c.database, replication: true }, parent);
            databases.set(c.database, conn);
        }
        return conn;
    });

    // The config provider reads Secrets as the Connect pods' ServiceAccount: only these Secrets, only `get`. No
    // connector reads a database without CDC, and an empty resourceNames would mean every Secret: then no Role.
    const role = connections.length === 0 ? undefined : new k8s.rbac.v1.Role(
        `${name}-connect-secrets`,
        {
            metadata: { name: `${connectName}-connect-secrets`, namespace, labels: platformLabels(COMPONENT) },
            rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: pulumi.all(connections.map((c) => c.secretName)).apply((n) => [...new Set(n)]) }],
        },
        { parent },
    );
    const binding = !role ? undefined : new k8s.rbac.v1.RoleBinding(
        `${name}-connect-secrets`,
        {
            metadata: { name: `${connectName}-connect-secrets`, namespace, labels: platformLabels(COMPONENT) },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
            // Strimzi names the Connect ServiceAccount `<connect>-connect`.
            subjects: [{ kind: "ServiceAccount", name: `${connectName}-connect`, namespace }],
        },
        { parent },
    );

    // A ConnectExtension's buckets: the Connect ServiceAccount (Strimzi names it `<connect>-connect`) gets the store's identity.
    const ext = plan.connectExtension?.storage;
    const storage = ext?.store.grantAccess(
        `${name}-connect-store`,
        { namespace: ctx.namespace, serviceAccountName: `${connectName}-connect`, buckets: ext.buckets, access: "readwrite" },
        parent,
    );
    const spec = storage
        ? pulumi
              .all([storage.serviceAccountAnnotations, storage.credentialsSecret ?? pulumi.output(undefined)])
              .apply(([annotations, credentialsSecret]) => kafkaConnectSpec(plan, output, { serviceAccountAnnotations: annotations, podLabels: storage.podLabels, credentialsSecret }))
        : pulumi.output(kafkaConnectSpec(plan, output));
    const { apiVersion, kind, metadata } = kafkaConnectSpec(plan, output);
    const connect = new k8s.apiextensions.CustomResource(
        `${name}-connect`,
        { apiVersion, kind, metadata, spec: spec.apply((s) => s.spec) },
        { parent, dependsOn: [...ctx.dependsOn, metrics, ...buildDeps] },
    );

    plan.connectors.forEach((c, i) => {
        const conn = connections[i];
        const spec = pulumi
            .all([conn.host, conn.secretName])
            .apply(([host, secretName]) => kafkaConnectorSpec(plan, c, { host, port: conn.port, database: conn.database, secretName }).spec);
        new k8s.apiextensions.CustomResource(
            `${name}-connector-${c.spec.name}`,
            { apiVersion: STRIMZI_API, kind: "KafkaConnector", metadata: connectorMetadata(plan, c), spec },
            { parent, dependsOn: [...ctx.dependsOn, connect, ...(binding ? [binding] : [])] },
        );
    });

    return {
        connectUrl: pulumi.interpolate`http://${connectName}-connect-api.${namespace}.svc:8083`,
        topicNames: plan.connectors.flatMap(cdcTopicNames),
        databases: [...new Set(connections)],
        flows: [{ from: ctx.namespace.name, to: ANYWHERE, ports: [443], why: "Strimzi's build fetches the Connect plugins and pushes the Connect image" }],
        storage,
        connect,
    };
}
