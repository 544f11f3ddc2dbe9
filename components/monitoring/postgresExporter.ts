/**
 * prometheus-community/postgres_exporter for the in-cluster Postgres: a Deployment and its Service. The
 * connection string comes from the database Secret by reference (`DATA_SOURCE_NAME` ← key `uri`).
 */
import { Resources } from "./values";

export const POSTGRES_EXPORTER_PORT = 9187;

export interface PostgresExporterSpec {
    readonly namespace: string;
    readonly image: string;
    readonly labels: Record<string, string>;
    /** Secret with the exporter's database connection (`databaseSecretKeys`). */
    readonly secretName: string;
    /** Key of the `postgresql://...` URI in that Secret. */
    readonly uriKey: string;
    readonly resources: Resources;
}

/** Exporter sizing: it holds one connection and answers a scrape every 30 s. */
export const postgresExporterResources: Resources = {
    requests: { cpu: "10m", memory: "32Mi" },
    limits: { cpu: "100m", memory: "64Mi" },
};

export function postgresExporterDeployment(spec: PostgresExporterSpec) {
    return {
        metadata: { name: "postgres-exporter", namespace: spec.namespace, labels: spec.labels },
        spec: {
            replicas: 1,
            selector: { matchLabels: spec.labels },
            template: {
                metadata: { labels: spec.labels },
                spec: {
                    automountServiceAccountToken: false,
                    securityContext: {
                        // The image's user is `nobody` (65534).
                        runAsNonRoot: true,
                        runAsUser: 65534,
                        runAsGroup: 65534,
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                    containers: [
                        {
                            name: "postgres-exporter",
                            image: spec.image,
                            args: [`--web.listen-address=:${POSTGRES_EXPORTER_PORT}`, "--web.telemetry-path=/metrics"],
                            env: [{ name: "DATA_SOURCE_NAME", valueFrom: { secretKeyRef: { name: spec.secretName, key: spec.uriKey } } }],
                            ports: [{ name: "metrics", containerPort: POSTGRES_EXPORTER_PORT, protocol: "TCP" }],
                            // The landing page, not /metrics: a readiness check must not run a full collection against the database.
                            readinessProbe: { httpGet: { path: "/", port: "metrics" }, periodSeconds: 15, timeoutSeconds: 5 },
                            // /metrics answers even when Postgres is down (pg_up 0), so liveness only checks the process serves.
                            livenessProbe: { tcpSocket: { port: "metrics" }, periodSeconds: 30, failureThreshold: 3 },
                            resources: spec.resources,
                            securityContext: {
                                allowPrivilegeEscalation: false,
                                readOnlyRootFilesystem: true,
                                runAsNonRoot: true,
                                capabilities: { drop: ["ALL"] },
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                        },
                    ],
                },
            },
        },
    };
}

export function postgresExporterService(spec: Pick<PostgresExporterSpec, "namespace" | "labels">) {
    return {
        metadata: { name: "postgres-exporter", namespace: spec.namespace, labels: spec.labels },
        spec: {
            type: "ClusterIP",
            selector: spec.labels,
            ports: [{ name: "metrics", port: POSTGRES_EXPORTER_PORT, targetPort: "metrics", protocol: "TCP" }],
        },
    };
}
