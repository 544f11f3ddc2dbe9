/**
 * The Hive Metastore: a schema Job per image version, then stateless Thrift servers behind a ClusterIP Service.
 *
 * Schema lifecycle: the image's entrypoint would run `schematool -initOrUpgradeSchema` on every start of every
 * replica (unless IS_RESUME=true), so replicas would race on a fresh database and every restart would touch
 * the schema. Instead one Job runs it (init on an empty database, upgrade after an image bump, no-op
 * otherwise); Pulumi waits for it, and the servers start with IS_RESUME=true and `metastore.schema.verification`
 * so none ever serves a schema of another version. Any change to the Job's pod (image, jars) replaces it and
 * so runs it again.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { platformLabels } from "../common/kubernetes";
import { DatabaseConnection, databaseSecretKeys } from "../postgres/types";
import { ObjectStoreAccess } from "../storage/types";
import { artifactFileName, fetchJarsScript, jarList, MavenArtifact, metastoreJars } from "./jars";
import { JMX_EXPORTER_CONFIG, jmxExporterAgentOption, METASTORE_DB_ENV, METASTORE_METRICS_PORT, METASTORE_PORT } from "./metastore-config";
import { containerSecurityContext, fetchJarsResources, jvmResources, podSecurityContext } from "./pods";
import { jvmHeapMiB, LakehouseSizing } from "./sizing";

export const METASTORE_NAME = "hive-metastore";
const AUX_JARS = "/opt/hive/aux-jars";
const SITE_FILE = "hive-site.xml";
const EXPORTER_FILE = "jmx-exporter.yaml";
const EXPORTER_CONFIG_PATH = `/opt/hive/conf/${EXPORTER_FILE}`;
const EXPORTER_AGENT = metastoreJars.jmxPrometheusJavaagent;

export interface MetastoreArgs {
    readonly environment: "dev" | "prod";
    readonly namespace: pulumi.Output<string>;
    readonly sizing: LakehouseSizing["metastore"];
    readonly hiveImage: string;
    readonly curlImage: string;
    readonly siteXml: pulumi.Output<string>;
    readonly artifacts: readonly MavenArtifact[];
    readonly mavenRepository?: string;
    readonly hadoopOptionalTools?: string;
    readonly database: DatabaseConnection;
    readonly access: ObjectStoreAccess;
}

export interface Metastore {
    readonly service: k8s.core.v1.Service;
    readonly deployment: k8s.apps.v1.Deployment;
    readonly schemaJob: k8s.batch.v1.Job;
    readonly uri: pulumi.Output<string>;
}

function dbEnv(secretName: pulumi.Output<string>) {
    const ref = (key: string) => ({ secretKeyRef: { name: secretName, key } });
    return [
        { name: METASTORE_DB_ENV.url, valueFrom: ref(databaseSecretKeys.jdbcUrl) },
        { name: METASTORE_DB_ENV.user, valueFrom: ref(databaseSecretKeys.username) },
        { name: METASTORE_DB_ENV.password, valueFrom: ref(databaseSecretKeys.password) },
    ];
}

export function createMetastore(name: string, args: MetastoreArgs, parent: pulumi.Resource): Metastore {
    const opts = { parent };
    const labels = { ...platformLabels("lakehouse"), "app.kubernetes.io/name": METASTORE_NAME };
    const selector = { "app.kubernetes.io/name": METASTORE_NAME, "app.kubernetes.io/instance": name };
    const prod = args.environment === "prod";

    const serviceAccount = new k8s.core.v1.ServiceAccount(
        `${name}-metastore`,
        {
            metadata: { name: METASTORE_NAME, namespace: args.namespace, labels, annotations: args.access.serviceAccountAnnotations },
            automountServiceAccountToken: false,
        },
        opts,
    );

    const config = new k8s.core.v1.ConfigMap(
        `${name}-metastore`,
        {
            metadata: { name: `${METASTORE_NAME}-config`, namespace: args.namespace, labels },
            data: { [SITE_FILE]: args.siteXml, [EXPORTER_FILE]: JMX_EXPORTER_CONFIG },
        },
        opts,
    );

    const fetchJars = (artifacts: readonly MavenArtifact[]) => ({
        name: "fetch-jars",
        image: args.curlImage,
        command: ["/bin/sh", "-c", fetchJarsScript],
        env: [
            { name: "JAR_DIR", value: "/jars" },
            { name: "JARS", value: jarList(artifacts, args.mavenRepository) },
        ],
        volumeMounts: [{ name: "aux-jars", mountPath: "/jars" }],
        resources: fetchJarsResources,
        securityContext: containerSecurityContext,
    });
    const volumes = [
        { name: "config", configMap: { name: config.metadata.name } },
        { name: "aux-jars", emptyDir: { sizeLimit: "256Mi" } },
        { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
    ];
    const mounts = [
        // Replaces the image's own hive-site.xml (HiveServer2/Tez settings the metastore does not use).
        { name: "config", mountPath: `/opt/hive/conf/${SITE_FILE}`, subPath: SITE_FILE, readOnly: true },
        { name: "aux-jars", mountPath: AUX_JARS, readOnly: true },
        { name: "tmp", mountPath: "/tmp" },
    ];
    const commonEnv = [
        // bin/hive adds every jar of this directory to the classpath.
        { name: "HIVE_AUX_JARS_PATH", value: AUX_JARS },
        ...(args.hadoopOptionalTools ? [{ name: "HADOOP_OPTIONAL_TOOLS", value: args.hadoopOptionalTools }] : []),
        ...dbEnv(args.database.secretName),
    ];
    const envFrom = args.access.credentialsSecret ? [{ secretRef: { name: args.access.credentialsSecret } }] : [];

    const schemaJob = new k8s.batch.v1.Job(
        `${name}-metastore-schema`,
        {
            // Auto-named: a changed pod template creates a new Job (and so a new run) before the old one goes.
            metadata: { namespace: args.namespace, labels: { ...labels, "app.kubernetes.io/name": `${METASTORE_NAME}-schema` } },
            spec: {
                backoffLimit: 8,
                template: {
                    metadata: { labels: { ...labels, "app.kubernetes.io/name": `${METASTORE_NAME}-schema` } },
                    spec: {
                        restartPolicy: "OnFailure",
                        serviceAccountName: serviceAccount.metadata.name,
                        automountServiceAccountToken: false,
                        securityContext: podSecurityContext,
                        // schematool needs the JDBC driver only.
                        initContainers: [fetchJars([metastoreJars.postgresJdbc])],
                        containers: [
                            {
                                name: "schematool",
                                image: args.hiveImage,
                                // Creates the schema on an empty database, upgrades an older one, else does nothing.
                                command: ["/opt/hive/bin/schematool", "-dbType", "postgres", "-initOrUpgradeSchema"],
                                env: [...commonEnv, { name: "HADOOP_CLIENT_OPTS", value: "-Xmx256m" }],
                                volumeMounts: mounts,
                                resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "1", memory: "512Mi" } },
                                securityContext: containerSecurityContext,
                            },
                        ],
                        volumes,
                    },
                },
            },
        },
        // On kind the database may still be starting: the Job retries, Pulumi waits for it to complete.
        { ...opts, customTimeouts: { create: "20m", update: "20m" } },
    );

    const heap = jvmHeapMiB(args.sizing.resources.memory);
    const podLabels = { ...labels, ...selector, ...args.access.podLabels };
    const spread = prod
        ? ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
              maxSkew: 1,
              topologyKey,
              whenUnsatisfiable: "ScheduleAnyway",
              labelSelector: { matchLabels: selector },
          }))
        : undefined;
    const probe = (extra: Record<string, number>) => ({ tcpSocket: { port: "thrift" }, ...extra });

    const deployment = new k8s.apps.v1.Deployment(
        `${name}-metastore`,
        {
            metadata: { name: METASTORE_NAME, namespace: args.namespace, labels },
            spec: {
                replicas: args.sizing.replicas,
                selector: { matchLabels: selector },
                strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                template: {
                    metadata: {
                        labels: podLabels,
                        // Both files are mounted with subPath, which never updates in place: roll on change.
                        annotations: {
                            "checksum/config": args.siteXml.apply((x) => createHash("sha256").update(x).update(JMX_EXPORTER_CONFIG).digest("hex")),
                        },
                    },
                    spec: {
                        serviceAccountName: serviceAccount.metadata.name,
                        automountServiceAccountToken: false,
                        securityContext: podSecurityContext,
                        topologySpreadConstraints: spread,
                        // The exporter agent is fetched and verified like the other jars; the flag below needs it.
                        initContainers: [fetchJars([...args.artifacts, EXPORTER_AGENT])],
                        containers: [
                            {
                                name: "metastore",
                                image: args.hiveImage,
                                env: [
                                    { name: "SERVICE_NAME", value: "metastore" },
                                    // The image entrypoint's switch to skip schematool: the schema Job owns the schema.
                                    { name: "IS_RESUME", value: "true" },
                                    { name: "DB_DRIVER", value: "postgres" },
                                    // The entrypoint appends SERVICE_OPTS after its own -Xmx1G, so this heap wins. Only
                                    // the server gets the exporter agent: the schema Job's JVM would bind the same port.
                                    {
                                        name: "SERVICE_OPTS",
                                        value: `-Xmx${heap}m -XX:+ExitOnOutOfMemoryError ${jmxExporterAgentOption(
                                            `${AUX_JARS}/${artifactFileName(EXPORTER_AGENT)}`,
                                            EXPORTER_CONFIG_PATH,
                                        )}`,
                                    },
                                    ...commonEnv,
                                ],
                                envFrom,
                                ports: [
                                    { name: "thrift", containerPort: METASTORE_PORT, protocol: "TCP" },
                                    // Scraped by Monitoring's PodMonitor (port name `metrics`); not on the Service.
                                    { name: "metrics", containerPort: METASTORE_METRICS_PORT, protocol: "TCP" },
                                ],
                                startupProbe: probe({ periodSeconds: 5, failureThreshold: 60 }),
                                readinessProbe: probe({ periodSeconds: 10, failureThreshold: 3 }),
                                livenessProbe: probe({ periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 }),
                                resources: jvmResources(args.sizing.resources),
                                volumeMounts: [
                                    ...mounts,
                                    { name: "config", mountPath: EXPORTER_CONFIG_PATH, subPath: EXPORTER_FILE, readOnly: true },
                                ],
                                securityContext: containerSecurityContext,
                            },
                        ],
                        volumes,
                    },
                },
            },
        },
        { ...opts, dependsOn: [schemaJob] },
    );

    const service = new k8s.core.v1.Service(
        `${name}-metastore`,
        {
            metadata: { name: METASTORE_NAME, namespace: args.namespace, labels },
            spec: {
                // Thrift has no authentication here: reachable inside the cluster only.
                type: "ClusterIP",
                selector,
                ports: [{ name: "thrift", port: METASTORE_PORT, targetPort: "thrift", protocol: "TCP" }],
            },
        },
        opts,
    );

    // A one-replica PDB would block every node drain; with two or more, drains keep one server up.
    if (args.sizing.replicas > 1) {
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-metastore`,
            { metadata: { name: METASTORE_NAME, namespace: args.namespace, labels }, spec: { minAvailable: 1, selector: { matchLabels: selector } } },
            opts,
        );
    }

    const uri = pulumi.interpolate`thrift://${service.metadata.name}.${args.namespace}.svc.cluster.local:${METASTORE_PORT}`;
    return { service, deployment, schemaJob, uri };
}
