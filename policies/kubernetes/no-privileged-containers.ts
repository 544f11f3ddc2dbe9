import { walkValues, validateReleaseValues } from "../lib/helm";
import { PlatformResourcePolicy } from "../lib/policy";
import { containersOf, describeWorkload, validateWorkloads } from "../lib/workloads";

export const noPrivilegedContainers: PlatformResourcePolicy = {
    name: "k8s-no-privileged-containers",
    description:
        "No container runs privileged: a privileged container has every capability and the host's devices, " +
        "so a compromise of it is a compromise of the node.",
    remediationSteps:
        "Remove `securityContext.privileged: true` (in chart values too). If the workload needs one kernel " +
        "feature, grant that single capability instead, or run it as a node-level DaemonSet maintained by the cluster provider.",
    severity: "critical",
    tags: ["kubernetes", "pod-security"],
    validateResource: [
        ...validateWorkloads((w, _args, report) => {
            for (const c of containersOf(w.spec)) {
                if (c.container.securityContext?.privileged === true) {
                    report(`${describeWorkload(w)}: ${c.label} sets securityContext.privileged: true.`);
                }
            }
        }),
        validateReleaseValues((release, _args, report) => {
            for (const v of walkValues(release.values)) {
                if (v.key === "privileged" && v.value === true) {
                    report(`Helm release ${release.id}: values.${v.path} is true.`);
                }
            }
        }),
    ],
};
