import { PlatformResourcePolicy } from "../lib/policy";
import { describeWorkload, validateWorkloads } from "../lib/workloads";

export const probesOnLongRunningContainers: PlatformResourcePolicy = {
    name: "k8s-probes-on-long-running-containers",
    description:
        "Every container of a Deployment, StatefulSet or DaemonSet has a readiness and a liveness probe: " +
        "without readiness a rollout sends traffic to pods that cannot serve it, without liveness a hung " +
        "process is never restarted.",
    remediationSteps:
        "Add `readinessProbe` and `livenessProbe` (HTTP health endpoint, TCP socket or exec) to every container; " +
        "give slow starters a `startupProbe` rather than a long liveness delay.",
    severity: "medium",
    tags: ["kubernetes", "reliability"],
    validateResource: validateWorkloads((w, _args, report) => {
        if (!w.longRunning) return;
        for (const container of w.spec.containers ?? []) {
            const missing = (["readinessProbe", "livenessProbe"] as const).filter((p) => !container[p]);
            if (missing.length > 0) {
                report(`${describeWorkload(w)}: container "${container.name}" has no ${missing.join(" and no ")}.`);
            }
        }
    }),
};
