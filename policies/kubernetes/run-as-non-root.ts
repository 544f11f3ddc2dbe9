import { PolicyConfigSchema } from "@pulumi/policy";
import { RootException, rootExceptions } from "../exceptions";
import { configOf, PlatformResourcePolicy } from "../lib/policy";
import { containersOf, describeWorkload, validateWorkloads } from "../lib/workloads";

/** The label that names a pod's platform component (see platformLabels in components/common). */
export const componentLabel = "app.kubernetes.io/component";

const configSchema: PolicyConfigSchema = {
    properties: {
        exceptions: {
            type: "array",
            description: "Containers allowed to run as root, in addition to the pack's own list (policies/exceptions.ts).",
            items: {
                type: "object",
                properties: {
                    component: { type: "string", minLength: 1 },
                    container: { type: "string", minLength: 1 },
                    reason: { type: "string", minLength: 20 },
                },
                required: ["component", "container", "reason"],
                additionalProperties: false,
            },
            default: [],
        },
    },
};

export const runAsNonRoot: PlatformResourcePolicy = {
    name: "k8s-run-as-non-root",
    description:
        "Every container runs as a non-root user: runAsNonRoot: true (pod or container securityContext) and " +
        "no runAsUser: 0, so the kubelet refuses to start an image that would run as UID 0. Exceptions are " +
        "listed with their reason in policies/exceptions.ts.",
    remediationSteps:
        "Set `securityContext.runAsNonRoot: true` on the pod (and a non-zero `runAsUser` when the image has no " +
        "numeric USER), with `fsGroup` if it writes to volumes. If the image cannot run as non-root, add an " +
        "entry (component label, container name, reason) to policies/exceptions.ts.",
    severity: "high",
    tags: ["kubernetes", "pod-security"],
    configSchema,
    validateResource: validateWorkloads((w, args, report) => {
        const { exceptions } = configOf<{ exceptions: RootException[] }>(args, configSchema);
        const component = w.podLabels[componentLabel];
        const excepted = (container: string) =>
            [...rootExceptions, ...exceptions].some((e) => e.component === component && e.container === container);
        const pod = w.spec.securityContext;
        for (const c of containersOf(w.spec)) {
            if (excepted(c.container.name)) continue;
            const own = c.container.securityContext;
            const nonRoot = own?.runAsNonRoot ?? pod?.runAsNonRoot;
            const user = own?.runAsUser ?? pod?.runAsUser;
            if (nonRoot !== true) {
                report(`${describeWorkload(w)}: ${c.label} does not set runAsNonRoot: true (pod or container securityContext).`);
            }
            if (user === 0) report(`${describeWorkload(w)}: ${c.label} sets runAsUser: 0 (root).`);
        }
    }),
};
