/**
 * Pure manifests of the in-cluster Postgres and of the psql provisioning Job every flavor uses.
 */
import {
    ContainerResources,
    containerSecurityContext,
    EnvVar,
    podSecurityContext,
    provisioningJobAnnotations,
    provisioningJobSpec,
} from "../storage/pod";

export const POSTGRES_PORT = 5432;
/** The `postgres` user of the official image: it owns PGDATA and runs the server and psql without root. */
export const POSTGRES_UID = 999;
/** Keys of the admin credentials Secret every flavor keeps in its own namespace. */
export const adminSecretKeys = { username: "username", password: "password" } as const;

/** Dev sizing of the in-cluster server. */
export const postgresDevResources: ContainerResources = {
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "1", memory: "1Gi" },
};

/**
 * Server settings passed as `-c` flags: logical decoding for CDC (Debezium), with a cap on the WAL an abandoned
 * replication slot may pin, so a stopped connector cannot fill the disk.
 */
export function postgresServerFlags(): string[] {
    const settings: Record<string, string> = {
        wal_level: "logical",
        max_wal_senders: "10",
        max_replication_slots: "10",
        max_slot_wal_keep_size: "2GB",
        password_encryption: "scram-sha-256",
    };
    return Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]);
}

export interface PostgresStatefulSetSpec {
    readonly namespace: string;
    readonly image: string;
    readonly labels: Record<string, string>;
    readonly serviceName: string;
    readonly adminSecretName: string;
    readonly storageClassName: string;
    readonly storageSize: string;
    readonly resources: ContainerResources;
}

/** A single Postgres server (dev): data on a PVC that outlives the pod and the StatefulSet. */
export function postgresStatefulSet(spec: PostgresStatefulSetSpec) {
    const probe = (initialDelaySeconds: number, periodSeconds: number, failureThreshold: number) => ({
        exec: { command: ["pg_isready", "-h", "127.0.0.1", "-p", String(POSTGRES_PORT), "-U", "postgres"] },
        initialDelaySeconds,
        periodSeconds,
        timeoutSeconds: 5,
        failureThreshold,
    });
    return {
        metadata: { name: "postgres", namespace: spec.namespace, labels: spec.labels },
        spec: {
            serviceName: spec.serviceName,
            replicas: 1,
            selector: { matchLabels: spec.labels },
            persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
            template: {
                metadata: { labels: spec.labels },
                spec: {
                    securityContext: podSecurityContext(POSTGRES_UID),
                    automountServiceAccountToken: false,
                    // Let Postgres finish a fast shutdown checkpoint before the kubelet kills it.
                    terminationGracePeriodSeconds: 60,
                    containers: [
                        {
                            name: "postgres",
                            image: spec.image,
                            args: postgresServerFlags(),
                            env: [
                                { name: "POSTGRES_USER", value: "postgres" },
                                {
                                    name: "POSTGRES_PASSWORD",
                                    valueFrom: { secretKeyRef: { name: spec.adminSecretName, key: adminSecretKeys.password } },
                                },
                                // A subdirectory: the volume's root may hold lost+found, which initdb refuses.
                                { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
                            ],
                            ports: [{ name: "postgres", containerPort: POSTGRES_PORT }],
                            readinessProbe: probe(5, 10, 3),
                            livenessProbe: probe(30, 20, 6),
                            resources: spec.resources,
                            securityContext: containerSecurityContext(),
                            volumeMounts: [
                                { name: "data", mountPath: "/var/lib/postgresql/data" },
                                { name: "run", mountPath: "/var/run/postgresql" },
                                { name: "tmp", mountPath: "/tmp" },
                                { name: "shm", mountPath: "/dev/shm" },
                            ],
                        },
                    ],
                    volumes: [
                        { name: "run", emptyDir: { sizeLimit: "16Mi" } },
                        { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
                        { name: "shm", emptyDir: { medium: "Memory", sizeLimit: "128Mi" } },
                    ],
                },
            },
            volumeClaimTemplates: [
                {
                    metadata: { name: "data", labels: spec.labels },
                    spec: {
                        accessModes: ["ReadWriteOnce"],
                        storageClassName: spec.storageClassName,
                        resources: { requests: { storage: spec.storageSize } },
                    },
                },
            ],
        },
    };
}

/** `H` is the host's type: a string in tests, a Pulumi Output (a cloud server's address) in components. */
export interface PsqlJobSpec<H = string, A = string> {
    /** Fixed name: at most 63 characters (it becomes the pods' `job-name` label). */
    readonly name: string;
    readonly namespace: string;
    readonly image: string;
    readonly labels: Record<string, string>;
    readonly host: H;
    readonly port: number;
    readonly sslMode: string;
    readonly adminSecretName: string;
    /** Secret (in `namespace`) holding the consumer role's password under `password`. */
    readonly roleSecretName: string;
    readonly script: string;
    readonly annotations?: Record<string, A>;
    readonly resources: ContainerResources;
}

/** A run-to-completion psql Job: connects as the admin (credentials by Secret reference) and runs `script` from stdin. */
export function psqlJob<H = string, A = string>(spec: PsqlJobSpec<H, A>) {
    const fromSecret = (name: string, secret: string, key: string): EnvVar => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
    return {
        metadata: { name: spec.name, namespace: spec.namespace, labels: spec.labels, annotations: provisioningJobAnnotations },
        spec: {
            ...provisioningJobSpec,
            template: {
                metadata: { labels: spec.labels, annotations: spec.annotations },
                spec: {
                    restartPolicy: "Never",
                    automountServiceAccountToken: false,
                    securityContext: podSecurityContext(POSTGRES_UID),
                    containers: [
                        {
                            name: "psql",
                            image: spec.image,
                            command: ["/bin/sh", "-ec", `psql --no-psqlrc --file=- <<'SQL'\n${spec.script}SQL\n`],
                            env: [
                                { name: "PGHOST", value: spec.host },
                                { name: "PGPORT", value: String(spec.port) },
                                { name: "PGDATABASE", value: "postgres" },
                                { name: "PGSSLMODE", value: spec.sslMode },
                                { name: "PGCONNECT_TIMEOUT", value: "10" },
                                { name: "PGAPPNAME", value: "ml-platform-provisioning" },
                                fromSecret("PGUSER", spec.adminSecretName, adminSecretKeys.username),
                                fromSecret("PGPASSWORD", spec.adminSecretName, adminSecretKeys.password),
                                fromSecret("ROLE_PASSWORD", spec.roleSecretName, "password"),
                            ],
                            resources: spec.resources,
                            securityContext: containerSecurityContext(),
                            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                        },
                    ],
                    volumes: [{ name: "tmp", emptyDir: { sizeLimit: "16Mi" } }],
                },
            },
        },
    };
}
