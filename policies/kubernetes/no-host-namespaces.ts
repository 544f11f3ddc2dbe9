import { PolicyConfigSchema } from "@pulumi/policy";
import { allowListSchema, configOf, PlatformResourcePolicy } from "../lib/policy";
import { describeWorkload, validateWorkloads } from "../lib/workloads";

const configSchema: PolicyConfigSchema = {
    properties: {
        allowed: {
            ...allowListSchema,
            description: "Workloads (`namespace/name`) allowed to share the host's network, PID or IPC namespace.",
        },
    },
};

export const noHostNamespaces: PlatformResourcePolicy = {
    name: "k8s-no-host-namespaces",
    description:
        "No pod shares the node's network, PID or IPC namespace: with them a pod sees every process and " +
        "connection on the node and can bypass NetworkPolicies.",
    remediationSteps:
        "Remove `hostNetwork`, `hostPID` and `hostIPC` from the pod spec; expose ports through a Service. " +
        "A node agent that truly needs one is listed in this policy's `allowed` config as `namespace/name`.",
    severity: "high",
    tags: ["kubernetes", "pod-security"],
    configSchema,
    validateResource: validateWorkloads((w, args, report) => {
        const { allowed } = configOf<{ allowed: string[] }>(args, configSchema);
        if (allowed.includes(`${w.namespace}/${w.name}`)) return;
        for (const field of ["hostNetwork", "hostPID", "hostIPC"] as const) {
            if (w.spec[field] === true) report(`${describeWorkload(w)}: the pod spec sets ${field}: true.`);
        }
    }),
};
