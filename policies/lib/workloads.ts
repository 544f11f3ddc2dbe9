import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ReportViolation, ResourceValidation, ResourceValidationArgs, validateResourceOfType } from "@pulumi/policy";

export type PodSpec = pulumi.Unwrap<k8s.types.input.core.v1.PodSpec>;
export type Container = pulumi.Unwrap<k8s.types.input.core.v1.Container>;
type ObjectMeta = pulumi.Unwrap<k8s.types.input.meta.v1.ObjectMeta> | undefined;

export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob" | "Pod";

/** Any object that runs pods, reduced to what the workload policies read. */
export interface Workload {
    readonly kind: WorkloadKind;
    readonly namespace: string;
    readonly name: string;
    /** Labels of the pods it runs (the pod template's, else the object's own). */
    readonly podLabels: Readonly<Record<string, string>>;
    readonly spec: PodSpec;
    /** Runs until replaced (Deployment, StatefulSet, DaemonSet), as opposed to running to completion. */
    readonly longRunning: boolean;
}

/**
 * `namespace/name` of an object. Without `metadata.name` the provider auto-names the object from its
 * Pulumi name, so that name stands in (allow-lists match on it).
 */
export function objectId(metadata: ObjectMeta, resourceName: string): { namespace: string; name: string; id: string } {
    const namespace = metadata?.namespace || "default";
    const name = metadata?.name || resourceName;
    return { namespace, name, id: `${namespace}/${name}` };
}

export type ContainerRole = "container" | "init container" | "ephemeral container";

export interface ContainerEntry {
    readonly role: ContainerRole;
    readonly container: Container;
    /** `"<role> \"<name>\""`, for messages. */
    readonly label: string;
}

/** Every container of a pod spec: regular, init and ephemeral. */
export function containersOf(spec: PodSpec): ContainerEntry[] {
    const entries = (role: ContainerRole, list: readonly Container[] | undefined) =>
        (list ?? []).map((container) => ({ role, container, label: `${role} "${container.name}"` }));
    return [
        ...entries("container", spec.containers),
        ...entries("init container", spec.initContainers),
        // Ephemeral containers have the same security-relevant fields as containers.
        ...entries("ephemeral container", spec.ephemeralContainers as Container[] | undefined),
    ];
}

type WorkloadCheck = (workload: Workload, args: ResourceValidationArgs, reportViolation: ReportViolation) => void;

function workload(
    kind: WorkloadKind,
    args: ResourceValidationArgs,
    metadata: ObjectMeta,
    template: { metadata?: ObjectMeta; spec?: PodSpec } | undefined,
    longRunning: boolean,
): Workload | undefined {
    if (!template?.spec) return undefined;
    const { namespace, name } = objectId(metadata, args.name);
    const podLabels = template.metadata?.labels ?? metadata?.labels ?? {};
    return { kind, namespace, name, podLabels, spec: template.spec, longRunning };
}

/**
 * One validation per workload type (typed by the provider SDK's classes), each normalised to a
 * {@link Workload}: a policy states its check once and covers every kind of object that runs pods.
 */
export function validateWorkloads(check: WorkloadCheck): ResourceValidation[] {
    const run = (w: Workload | undefined, args: ResourceValidationArgs, report: ReportViolation) => {
        if (w) check(w, args, report);
    };
    return [
        validateResourceOfType(k8s.apps.v1.Deployment, (d, args, report) =>
            run(workload("Deployment", args, d.metadata, d.spec?.template, true), args, report)),
        validateResourceOfType(k8s.apps.v1.StatefulSet, (s, args, report) =>
            run(workload("StatefulSet", args, s.metadata, s.spec?.template, true), args, report)),
        validateResourceOfType(k8s.apps.v1.DaemonSet, (d, args, report) =>
            run(workload("DaemonSet", args, d.metadata, d.spec?.template, true), args, report)),
        validateResourceOfType(k8s.batch.v1.Job, (j, args, report) =>
            run(workload("Job", args, j.metadata, j.spec?.template, false), args, report)),
        validateResourceOfType(k8s.batch.v1.CronJob, (c, args, report) =>
            run(workload("CronJob", args, c.metadata, c.spec?.jobTemplate?.spec?.template, false), args, report)),
        validateResourceOfType(k8s.core.v1.Pod, (p, args, report) =>
            run(workload("Pod", args, p.metadata, { metadata: p.metadata, spec: p.spec }, false), args, report)),
    ];
}

/** `Deployment ml-airflow/airflow-webserver` */
export const describeWorkload = (w: Workload) => `${w.kind} ${w.namespace}/${w.name}`;
