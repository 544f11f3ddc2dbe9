import type { ContainerResources } from "../common/kubernetes";
/**
 * Pod and container settings every workload of the data foundations shares (MinIO, in-cluster Postgres and the
 * provisioning Jobs): Pod Security `restricted`, explicit requests and limits.
 */

/** CPU and memory requests and limits of one container. */
export type { ContainerResources } from "../common/kubernetes";

/** A container environment variable: a literal, or a reference to one key of a Secret. */
export interface EnvVar {
    readonly name: string;
    readonly value?: string;
    readonly valueFrom?: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

/** Pod-level security: a fixed non-root user whose group owns the mounted volumes. */
export function podSecurityContext(uid: number) {
    return {
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: uid,
        fsGroup: uid,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** Container-level security: no privilege escalation, no capabilities, a read-only root filesystem. */
export function containerSecurityContext() {
    return {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
    };
}

/** Resources of the short-lived provisioning Jobs (bucket setup, users, databases). */
export const jobResources: ContainerResources = {
    requests: { cpu: "50m", memory: "64Mi" },
    limits: { cpu: "200m", memory: "128Mi" },
};

/** Settings of an idempotent, run-to-completion provisioning Job. */
export const provisioningJobSpec = {
    /** A database or MinIO that is still starting makes the first attempts fail; retry with back-off. */
    backoffLimit: 6,
    /** Never hang a `pulumi up`: a Job that cannot finish in 10 minutes fails it with the pod's logs. */
    activeDeadlineSeconds: 600,
} as const;

/**
 * A Job that failed (MinIO or the database was not reachable in time, a precondition check failed) is replaced on
 * the next `pulumi up` instead of being awaited forever: the setup scripts are idempotent, so re-running is safe.
 */
export const provisioningJobAnnotations = { "pulumi.com/replaceUnready": "true" } as const;

/**
 * Jobs are immutable: a changed script or credential replaces the Job. Their names are fixed (short and
 * predictable for `kubectl logs job/...`), so the old run is deleted before the new one is created.
 */
export const provisioningJobOptions = { deleteBeforeReplace: true } as const;
