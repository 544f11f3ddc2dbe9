import { walkValues, validateReleaseValues } from "../lib/helm";
import { PlatformResourcePolicy } from "../lib/policy";
import { containersOf, describeWorkload, validateWorkloads } from "../lib/workloads";

export const noPrivilegeEscalation: PlatformResourcePolicy = {
    name: "k8s-no-privilege-escalation",
    description:
        "Every container sets allowPrivilegeEscalation: false, so no process in it can gain more privileges " +
        "than its parent (setuid binaries, file capabilities). Kubernetes allows escalation unless told otherwise.",
    remediationSteps:
        "Set `securityContext.allowPrivilegeEscalation: false` on every container and init container " +
        "(for charts, in the chart's container securityContext values).",
    severity: "high",
    tags: ["kubernetes", "pod-security"],
    validateResource: [
        ...validateWorkloads((w, _args, report) => {
            for (const c of containersOf(w.spec)) {
                if (c.container.securityContext?.allowPrivilegeEscalation !== false) {
                    report(`${describeWorkload(w)}: ${c.label} does not set securityContext.allowPrivilegeEscalation: false.`);
                }
            }
        }),
        validateReleaseValues((release, _args, report) => {
            for (const v of walkValues(release.values)) {
                if (v.key === "allowPrivilegeEscalation" && v.value === true) {
                    report(`Helm release ${release.id}: values.${v.path} is true.`);
                }
            }
        }),
    ],
};
