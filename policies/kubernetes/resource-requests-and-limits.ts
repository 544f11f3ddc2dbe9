import { PlatformResourcePolicy } from "../lib/policy";
import { containersOf, describeWorkload, validateWorkloads } from "../lib/workloads";

export const resourceRequestsAndLimits: PlatformResourcePolicy = {
    name: "k8s-resource-requests-and-limits",
    description:
        "Every container and init container sets CPU and memory requests and limits: requests let the " +
        "scheduler place pods and the platform's footprint be measured, limits keep one workload from " +
        "starving its neighbours on a shared node.",
    remediationSteps:
        "Set `resources.requests.cpu`, `resources.requests.memory`, `resources.limits.cpu` and " +
        "`resources.limits.memory` on every container (components size them per environment).",
    severity: "medium",
    tags: ["kubernetes", "reliability"],
    validateResource: validateWorkloads((w, _args, report) => {
        // Ephemeral containers cannot declare resources.
        for (const c of containersOf(w.spec).filter((e) => e.role !== "ephemeral container")) {
            const r = c.container.resources;
            const missing = [
                ...["cpu", "memory"].filter((k) => r?.requests?.[k] === undefined).map((k) => `requests.${k}`),
                ...["cpu", "memory"].filter((k) => r?.limits?.[k] === undefined).map((k) => `limits.${k}`),
            ];
            if (missing.length > 0) report(`${describeWorkload(w)}: ${c.label} has no resources.${missing.join(", resources.")}.`);
        }
    }),
};
