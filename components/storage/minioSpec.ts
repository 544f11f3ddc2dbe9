/**
 * Pure specs of the in-cluster MinIO: the StatefulSet, the bucket and user setup scripts and the per-grant bucket
 * policy. Plain data in, plain manifests out, tested without Pulumi.
 */
import { ContainerResources, containerSecurityContext, EnvVar, podSecurityContext, provisioningJobAnnotations, provisioningJobSpec } from "./pod";

export const MINIO_API_PORT = 9000;
export const MINIO_CONSOLE_PORT = 9001;
/** MinIO's image runs as root by default but needs nothing of root: it runs as this user, owning /data via fsGroup. */
export const MINIO_UID = 1000;
/** Keys of the root credentials Secret. */
export const minioRootSecretKeys = { user: "root-user", password: "root-password" } as const;

/** Dev sizing: single drive, enough for sample lakehouse tables, MLflow artifacts and Airflow logs. */
export const minioDevResources: ContainerResources = {
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "1", memory: "1Gi" },
};

export interface MinioStatefulSetSpec {
    readonly namespace: string;
    readonly image: string;
    readonly labels: Record<string, string>;
    /** Headless Service that governs the StatefulSet. */
    readonly serviceName: string;
    readonly rootSecretName: string;
    readonly storageClassName: string;
    readonly storageSize: string;
    readonly resources: ContainerResources;
}

/** A single-drive MinIO StatefulSet (dev): S3 API on 9000, console on 9001, data on a PVC that outlives the pod. */
export function minioStatefulSet(spec: MinioStatefulSetSpec) {
    const secretEnv = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: spec.rootSecretName, key } } });
    return {
        metadata: { name: "minio", namespace: spec.namespace, labels: spec.labels },
        spec: {
            serviceName: spec.serviceName,
            replicas: 1,
            selector: { matchLabels: spec.labels },
            // Deleting or scaling the StatefulSet must never take the data with it.
            persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
            template: {
                metadata: { labels: spec.labels },
                spec: {
                    securityContext: podSecurityContext(MINIO_UID),
                    automountServiceAccountToken: false,
                    containers: [
                        {
                            name: "minio",
                            image: spec.image,
                            // --certs-dir: the default (~/.minio/certs) is on the read-only root filesystem.
                            args: [
                                "server",
                                "/data",
                                "--address",
                                `:${MINIO_API_PORT}`,
                                "--console-address",
                                `:${MINIO_CONSOLE_PORT}`,
                                "--certs-dir",
                                "/tmp/certs",
                            ],
                            env: [
                                secretEnv("MINIO_ROOT_USER", minioRootSecretKeys.user),
                                secretEnv("MINIO_ROOT_PASSWORD", minioRootSecretKeys.password),
                                // Monitoring scrapes /minio/v2/metrics/cluster without a token. The endpoint serves
                                // metrics only (capacity, request counts), never objects or credentials; the
                                // alternative, a bearer token (`mc admin prometheus generate`), would need the root
                                // credentials at deploy time and a token Secret to keep in step with them.
                                { name: "MINIO_PROMETHEUS_AUTH_TYPE", value: "public" },
                            ],
                            ports: [
                                { name: "s3", containerPort: MINIO_API_PORT },
                                { name: "console", containerPort: MINIO_CONSOLE_PORT },
                            ],
                            readinessProbe: {
                                httpGet: { path: "/minio/health/ready", port: MINIO_API_PORT },
                                periodSeconds: 10,
                                failureThreshold: 3,
                            },
                            livenessProbe: {
                                httpGet: { path: "/minio/health/live", port: MINIO_API_PORT },
                                initialDelaySeconds: 10,
                                periodSeconds: 20,
                                failureThreshold: 6,
                            },
                            resources: spec.resources,
                            securityContext: containerSecurityContext(),
                            volumeMounts: [
                                { name: "data", mountPath: "/data" },
                                { name: "tmp", mountPath: "/tmp" },
                            ],
                        },
                    ],
                    volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
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

/** Idempotent bucket setup: creates missing buckets and makes sure none allows anonymous access. */
export function minioBucketsScript(buckets: readonly string[]): string {
    return [
        "set -eu",
        ...buckets.flatMap((b) => [`mc mb --ignore-existing "local/${b}"`, `mc anonymous set none "local/${b}"`]),
    ].join("\n") + "\n";
}

/**
 * Idempotent user setup for one grant: (re)writes its bucket policy, upserts the user with its current secret key
 * and attaches the policy. MinIO answers a repeated attach with "already in effect", which is success here.
 * The secret key comes from the environment (a Secret reference), never from the script.
 */
export function minioGrantScript(policy: object): string {
    return [
        "set -eu",
        "cat > /tmp/policy.json <<'POLICY'",
        JSON.stringify(policy, null, 2),
        "POLICY",
        'mc admin policy create local "$POLICY_NAME" /tmp/policy.json',
        'mc admin user add local "$ACCESS_KEY" "$SECRET_KEY"',
        'if ! out="$(mc admin policy attach local "$POLICY_NAME" --user "$ACCESS_KEY" 2>&1)"; then',
        '  case "$out" in',
        '    *"already in effect"*) ;;',
        '    *) echo "$out" >&2; exit 1 ;;',
        "  esac",
        "fi",
    ].join("\n") + "\n";
}

/** An IAM-style policy granting exactly the listed buckets: list + read, plus write/delete for `readwrite`. */
export function minioBucketPolicy(buckets: readonly string[], access: "read" | "readwrite") {
    const bucketArns = buckets.map((b) => `arn:aws:s3:::${b}`);
    const objectArns = buckets.map((b) => `arn:aws:s3:::${b}/*`);
    const objectActions =
        access === "read"
            ? ["s3:GetObject"]
            : ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];
    const bucketActions =
        access === "read"
            ? ["s3:GetBucketLocation", "s3:ListBucket"]
            : ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"];
    return {
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Action: bucketActions, Resource: bucketArns },
            { Effect: "Allow", Action: objectActions, Resource: objectArns },
        ],
    };
}

/** Environment of an `mc` container: the alias `local` from the root credentials, config on the writable /tmp. */
export function mcEnvironment(rootSecretName: string, endpointHost: string): EnvVar[] {
    return [
        { name: "ROOT_USER", valueFrom: { secretKeyRef: { name: rootSecretName, key: minioRootSecretKeys.user } } },
        { name: "ROOT_PASSWORD", valueFrom: { secretKeyRef: { name: rootSecretName, key: minioRootSecretKeys.password } } },
        // Kubernetes expands $(VAR) at container start: the manifest holds only the references.
        { name: "MC_HOST_local", value: `http://$(ROOT_USER):$(ROOT_PASSWORD)@${endpointHost}:${MINIO_API_PORT}` },
        { name: "MC_CONFIG_DIR", value: "/tmp/.mc" },
    ];
}

/** `A` is the annotation value type: plain strings in tests, Pulumi Outputs (checksums of secrets) in components. */
export interface McJobSpec<A = string> {
    /** Fixed name: at most 63 characters (it becomes the pods' `job-name` label). */
    readonly name: string;
    readonly namespace: string;
    readonly image: string;
    readonly labels: Record<string, string>;
    readonly script: string;
    readonly env: readonly EnvVar[];
    /** Pod annotations, e.g. a checksum that re-runs the Job when a credential rotates. */
    readonly annotations?: Record<string, A>;
    readonly resources: ContainerResources;
}

/** A run-to-completion `mc` Job, hardened like the server. */
export function mcJob<A = string>(spec: McJobSpec<A>) {
    return {
        metadata: { name: spec.name, namespace: spec.namespace, labels: spec.labels, annotations: provisioningJobAnnotations },
        spec: {
            ...provisioningJobSpec,
            template: {
                metadata: { labels: spec.labels, annotations: spec.annotations },
                spec: {
                    restartPolicy: "Never",
                    automountServiceAccountToken: false,
                    securityContext: podSecurityContext(MINIO_UID),
                    containers: [
                        {
                            name: "mc",
                            image: spec.image,
                            command: ["/bin/sh", "-ec", spec.script],
                            env: [...spec.env],
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
