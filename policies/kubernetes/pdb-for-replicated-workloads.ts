import * as k8s from "@pulumi/kubernetes";
import { PolicyResource, ReportViolation } from "@pulumi/policy";
import { PlatformStackPolicy } from "../lib/policy";
import { objectId } from "../lib/workloads";

interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Kubernetes label-selector semantics: an empty selector selects everything, a missing one nothing. */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
    if (!selector) return false;
    const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    const byExpression = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
        switch (operator) {
            case "In":
                return key in labels && values.includes(labels[key]);
            case "NotIn":
                return !(key in labels) || !values.includes(labels[key]);
            case "Exists":
                return key in labels;
            case "DoesNotExist":
                return !(key in labels);
            default:
                return false;
        }
    });
    return byLabel && byExpression;
}

/** An int-or-percent scaled the way the disruption controller does it (percentages round up). */
function scaled(value: number | string, total: number): number {
    if (typeof value === "number") return value;
    const percent = /^(\d+)%$/.exec(value);
    return percent ? Math.ceil((Number(percent[1]) * total) / 100) : Number(value);
}

interface Budget {
    readonly maxUnavailable?: number | string;
    readonly minAvailable?: number | string;
}

/** Pods of `replicas` the budget lets a drain evict at once. With neither field set, the API defaults minAvailable to 1. */
export function allowedDisruptions(budget: Budget, replicas: number): number {
    if (budget.maxUnavailable !== undefined && budget.maxUnavailable !== null) return scaled(budget.maxUnavailable, replicas);
    return replicas - scaled(budget.minAvailable ?? 1, replicas);
}

interface Replicated {
    readonly resource: PolicyResource;
    readonly kind: "Deployment" | "StatefulSet";
    readonly namespace: string;
    readonly name: string;
    readonly podLabels: Record<string, string>;
    readonly replicas: number;
}

function replicatedWorkloads(resources: PolicyResource[]): Replicated[] {
    const autoscalers = resources.flatMap((r) => {
        const hpa = r.asType(k8s.autoscaling.v2.HorizontalPodAutoscaler);
        return hpa ? [{ ...objectId(hpa.metadata, r.name), target: hpa.spec?.scaleTargetRef, min: hpa.spec?.minReplicas ?? 1 }] : [];
    });
    const workloads: Replicated[] = [];
    for (const resource of resources) {
        const deployment = resource.asType(k8s.apps.v1.Deployment);
        const statefulSet = resource.asType(k8s.apps.v1.StatefulSet);
        const found = deployment
            ? { kind: "Deployment" as const, metadata: deployment.metadata, spec: deployment.spec }
            : statefulSet
              ? { kind: "StatefulSet" as const, metadata: statefulSet.metadata, spec: statefulSet.spec }
              : undefined;
        if (!found) continue;
        const { namespace, name } = objectId(found.metadata, resource.name);
        const hpaMin = autoscalers
            .filter((a) => a.namespace === namespace && a.target?.kind === found.kind && a.target?.name === name)
            .reduce((max, a) => Math.max(max, a.min), 1);
        const podLabels = found.spec?.template?.metadata?.labels ?? {};
        workloads.push({ resource, kind: found.kind, namespace, name, podLabels, replicas: Math.max(found.spec?.replicas ?? 1, hpaMin) });
    }
    return workloads;
}

export const pdbForReplicatedWorkloads: PlatformStackPolicy = {
    name: "k8s-pdb-for-replicated-workloads",
    description:
        "Every Deployment or StatefulSet with two or more replicas (spec.replicas or an HPA's minReplicas) has a " +
        "PodDisruptionBudget that still lets a drain evict at least one pod: node upgrades then keep the service " +
        "up, and no budget (maxUnavailable: 0, minAvailable equal to the replicas) blocks them.",
    remediationSteps:
        "Create a policy/v1 PodDisruptionBudget in the workload's namespace whose selector matches its pod labels, " +
        "with `maxUnavailable: 1` (or a `minAvailable` below the replica count).",
    severity: "medium",
    tags: ["kubernetes", "reliability"],
    validateStack: (args, report: ReportViolation) => {
        const budgets = args.resources.flatMap((r) => {
            const pdb = r.asType(k8s.policy.v1.PodDisruptionBudget);
            return pdb ? [{ resource: r, ...objectId(pdb.metadata, r.name), spec: pdb.spec }] : [];
        });
        const workloads = replicatedWorkloads(args.resources);
        if (workloads.length === 0) args.notApplicable("the stack has no Deployment or StatefulSet");
        for (const w of workloads) {
            const covering = budgets.filter((b) => b.namespace === w.namespace && selects(b.spec?.selector, w.podLabels));
            if (w.replicas >= 2 && covering.length === 0) {
                report(`${w.kind} ${w.namespace}/${w.name} runs ${w.replicas} replicas and no PodDisruptionBudget selects its pods.`, w.resource.urn);
            }
            for (const b of covering) {
                const allowed = allowedDisruptions(b.spec ?? {}, w.replicas);
                if (allowed < 1) {
                    report(
                        `PodDisruptionBudget ${b.id} allows ${allowed} of the ${w.replicas} pods of ${w.kind} ${w.namespace}/${w.name} ` +
                            "to be evicted, so it blocks node drains and upgrades.",
                        b.resource.urn,
                    );
                }
            }
        }
    },
};
