/** Compliant Kubernetes objects to start from; each violating fixture changes one thing. */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { resource } from "../fixtures";

export type Container = pulumi.Unwrap<k8s.types.input.core.v1.Container>;
export type PodSpec = pulumi.Unwrap<k8s.types.input.core.v1.PodSpec>;

export const secureContext = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
};

export function container(overrides: Partial<Container> = {}): Container {
    return {
        name: "app",
        image: "registry.example.com/team/app:1.4.2",
        securityContext: secureContext,
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
        livenessProbe: { httpGet: { path: "/health", port: 8080 } },
        env: [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "app-db", key: "password" } } }],
        ...overrides,
    };
}

export const podLabels = { "app.kubernetes.io/name": "app", "app.kubernetes.io/component": "tracking" };

export function podSpec(overrides: Partial<PodSpec> = {}, containers: Container[] = [container()]): PodSpec {
    return {
        securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
        containers,
        ...overrides,
    };
}

const metadata = (name: string) => ({ name, namespace: "ml-tracking", labels: podLabels });

export const deployment = (spec: PodSpec = podSpec(), replicas = 2, name = "app") =>
    resource(k8s.apps.v1.Deployment, {
        metadata: metadata(name),
        spec: { replicas, selector: { matchLabels: podLabels }, template: { metadata: { labels: podLabels }, spec } },
    }, { name });

export const statefulSet = (spec: PodSpec = podSpec(), replicas = 3, name = "db") =>
    resource(k8s.apps.v1.StatefulSet, {
        metadata: metadata(name),
        spec: { replicas, serviceName: name, selector: { matchLabels: podLabels }, template: { metadata: { labels: podLabels }, spec } },
    }, { name });

export const daemonSet = (spec: PodSpec = podSpec()) =>
    resource(k8s.apps.v1.DaemonSet, {
        metadata: metadata("agent"),
        spec: { selector: { matchLabels: podLabels }, template: { metadata: { labels: podLabels }, spec } },
    }, { name: "agent" });

export const job = (spec: PodSpec = podSpec({ restartPolicy: "Never" })) =>
    resource(k8s.batch.v1.Job, { metadata: metadata("migrate"), spec: { template: { metadata: { labels: podLabels }, spec } } }, { name: "migrate" });

export const cronJob = (spec: PodSpec = podSpec({ restartPolicy: "OnFailure" })) =>
    resource(k8s.batch.v1.CronJob, {
        metadata: metadata("compact"),
        spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template: { metadata: { labels: podLabels }, spec } } } },
    }, { name: "compact" });

export const pod = (spec: PodSpec = podSpec()) => resource(k8s.core.v1.Pod, { metadata: metadata("debug"), spec }, { name: "debug" });

/** Compliant objects of every workload kind, for policies that cover them all. */
export const allWorkloads = () => [deployment(), statefulSet(), daemonSet(), job(), cronJob(), pod()];

export const release = (values: Record<string, unknown>, name = "airflow") =>
    resource(k8s.helm.v3.Release, {
        chart: "airflow",
        version: "1.18.0",
        namespace: "ml-orchestrator",
        name,
        repositoryOpts: { repo: "https://airflow.apache.org" },
        values,
    }, { name });
