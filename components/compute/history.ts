/**
 * The Spark History Server: Spark's own image, reading the event logs the jobs write to the object store with the
 * same `spark-defaults.conf`. It runs through `spark-submit ... spark-internal` (as Spark's Thrift server script
 * does) so the configured `spark.jars.packages` (Iceberg, the store's Hadoop file system) are resolved onto its classpath.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Resources } from "../charts/kubernetes";
import type { ObjectStoreAccess } from "../storage/types";
import { HISTORY_NAME, historyPods, podSecurity, restrictedContainer, SPARK_HISTORY_PORT, SPARK_UID } from "./spec";

export interface HistoryServerArgs {
    readonly namespace: pulumi.Input<string>;
    readonly image: string;
    readonly sparkDefaults: pulumi.Output<string>;
    readonly access: ObjectStoreAccess;
    readonly resources: Resources;
    readonly labels: Record<string, string>;
    readonly replicas: number;
}

export function createHistoryServer(name: string, args: HistoryServerArgs, parent: pulumi.Resource) {
    const opts = { parent };
    const labels = { ...args.labels, ...historyPods };
    const sa = new k8s.core.v1.ServiceAccount(
        `${name}-history`,
        { metadata: { name: HISTORY_NAME, namespace: args.namespace, labels, annotations: args.access.serviceAccountAnnotations }, automountServiceAccountToken: false },
        opts,
    );
    const config = new k8s.core.v1.ConfigMap(`${name}-history`, { metadata: { name: `${HISTORY_NAME}-conf`, namespace: args.namespace, labels }, data: { "spark-defaults.conf": args.sparkDefaults } }, opts);
    const deployment = new k8s.apps.v1.Deployment(
        `${name}-history`,
        {
            metadata: { name: HISTORY_NAME, namespace: args.namespace, labels },
            spec: {
                replicas: args.replicas,
                selector: { matchLabels: { ...historyPods } },
                template: {
                    metadata: { labels: { ...labels, ...args.access.podLabels } },
                    spec: {
                        serviceAccountName: HISTORY_NAME,
                        securityContext: podSecurity(SPARK_UID),
                        containers: [
                            {
                                name: "history-server",
                                image: args.image,
                                command: ["/opt/spark/bin/spark-submit"],
                                args: ["--class", "org.apache.spark.deploy.history.HistoryServer", "spark-internal"],
                                env: [{ name: "SPARK_CONF_DIR", value: "/opt/spark/conf-platform" }, { name: "HOME", value: "/tmp" }],
                                envFrom: args.access.credentialsSecret ? [{ secretRef: { name: args.access.credentialsSecret } }] : [],
                                ports: [{ name: "http", containerPort: SPARK_HISTORY_PORT }],
                                // It fetches its packages at start: the startup probe allows 10 minutes before liveness applies.
                                startupProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 10, failureThreshold: 60 },
                                readinessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 10 },
                                livenessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 20, failureThreshold: 3 },
                                resources: args.resources,
                                securityContext: { ...restrictedContainer, readOnlyRootFilesystem: true },
                                volumeMounts: [
                                    { name: "conf", mountPath: "/opt/spark/conf-platform", readOnly: true },
                                    { name: "tmp", mountPath: "/tmp" },
                                ],
                            },
                        ],
                        volumes: [
                            { name: "conf", configMap: { name: config.metadata.name } },
                            { name: "tmp", emptyDir: { sizeLimit: "2Gi" } },
                        ],
                    },
                },
            },
        },
        { parent, dependsOn: [sa] },
    );
    const service = new k8s.core.v1.Service(
        `${name}-history`,
        { metadata: { name: HISTORY_NAME, namespace: args.namespace, labels }, spec: { selector: { ...historyPods }, ports: [{ name: "http", port: SPARK_HISTORY_PORT, targetPort: "http" }] } },
        opts,
    );
    return { deployment, service };
}
