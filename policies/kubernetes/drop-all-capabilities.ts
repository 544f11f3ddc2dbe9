import { PolicyConfigSchema } from "@pulumi/policy";
import { configOf, PlatformResourcePolicy } from "../lib/policy";
import { containersOf, describeWorkload, validateWorkloads } from "../lib/workloads";

const configSchema: PolicyConfigSchema = {
    properties: {
        allowedAdd: {
            type: "array",
            items: { type: "string" },
            description: "Capabilities a container may add back after dropping ALL (Pod Security `restricted` allows only NET_BIND_SERVICE).",
            default: ["NET_BIND_SERVICE"],
        },
    },
};

export const dropAllCapabilities: PlatformResourcePolicy = {
    name: "k8s-drop-all-capabilities",
    description:
        "Every container drops ALL Linux capabilities and adds back at most NET_BIND_SERVICE: the runtime's " +
        "default set (CHOWN, SETUID, NET_RAW, ...) is more than an application needs.",
    remediationSteps:
        "Set `securityContext.capabilities.drop: [\"ALL\"]` on every container; add back only what the process " +
        "needs, and only capabilities in this policy's `allowedAdd` config.",
    severity: "high",
    tags: ["kubernetes", "pod-security"],
    configSchema,
    validateResource: validateWorkloads((w, args, report) => {
        const { allowedAdd } = configOf<{ allowedAdd: string[] }>(args, configSchema);
        const allowed = new Set(allowedAdd.map((c) => c.toUpperCase()));
        for (const c of containersOf(w.spec)) {
            const caps = c.container.securityContext?.capabilities;
            if (!(caps?.drop ?? []).some((d) => d.toUpperCase() === "ALL")) {
                report(`${describeWorkload(w)}: ${c.label} does not drop ALL capabilities.`);
            }
            const extra = (caps?.add ?? []).filter((a) => !allowed.has(a.toUpperCase()));
            if (extra.length > 0) report(`${describeWorkload(w)}: ${c.label} adds capabilities ${extra.join(", ")}.`);
        }
    }),
};
