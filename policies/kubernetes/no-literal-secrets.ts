import * as k8s from "@pulumi/kubernetes";
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { walkValues, validateReleaseValues } from "../lib/helm";
import { configOf, PlatformResourcePolicy } from "../lib/policy";
import { isLiteralSecretValue, isSecretName } from "../lib/secrets";
import { containersOf, describeWorkload, objectId, validateWorkloads } from "../lib/workloads";

const configSchema: PolicyConfigSchema = {
    properties: {
        allowedNames: {
            type: "array",
            items: { type: "string" },
            description: "Environment variable or value names that look secret but are not (e.g. PARTITION_KEY).",
            default: [],
        },
    },
};

type Config = { allowedNames: string[] };

export const noLiteralSecrets: PlatformResourcePolicy = {
    name: "k8s-no-literal-secrets",
    description:
        "No secret is written as a literal: an env var named like a password, secret, token or key has a " +
        "`valueFrom` reference instead of a `value`, and neither ConfigMap data nor Helm chart values carry one. " +
        "Literals end up readable in the object (and, for charts, in Helm's release record) by anyone who can " +
        "read it, instead of in a Secret with its own RBAC.",
    remediationSteps:
        "Generate the value with @pulumi/random, store it with createSecret (components/common/kubernetes.ts) and " +
        "reference it: `valueFrom.secretKeyRef` or `envFrom.secretRef` in pods, the chart's `existingSecret`-style " +
        "value in Helm releases. A name that only looks secret goes in this policy's `allowedNames` config.",
    severity: "critical",
    tags: ["kubernetes", "secrets"],
    configSchema,
    validateResource: [
        ...validateWorkloads((w, args, report) => {
            const { allowedNames } = configOf<Config>(args, configSchema);
            for (const c of containersOf(w.spec)) {
                for (const env of c.container.env ?? []) {
                    if (isSecretName(env.name) && !allowedNames.includes(env.name) && isLiteralSecretValue(env.value)) {
                        report(`${describeWorkload(w)}: ${c.label} sets env ${env.name} to a literal value; use valueFrom.secretKeyRef.`);
                    }
                }
            }
        }),
        validateResourceOfType(k8s.core.v1.ConfigMap, (configMap, args, report) => {
            const { allowedNames } = configOf<Config>(args, configSchema);
            const { id } = objectId(configMap.metadata, args.name);
            for (const [key, value] of Object.entries(configMap.data ?? {})) {
                if (isSecretName(key) && !allowedNames.includes(key) && isLiteralSecretValue(value)) {
                    report(`ConfigMap ${id}: data.${key} holds a literal secret; put it in a Secret.`);
                }
            }
        }),
        validateReleaseValues((release, args, report) => {
            const { allowedNames } = configOf<Config>(args, configSchema);
            for (const v of walkValues(release.values)) {
                if (isSecretName(v.key) && !allowedNames.includes(v.key) && isLiteralSecretValue(v.value)) {
                    report(`Helm release ${release.id}: values.${v.path} is a literal secret; pass a reference to a Secret.`);
                }
                // An env list inside the values: `{name: DB_PASSWORD, value: ...}`.
                const entry = v.value as { name?: unknown; value?: unknown } | null;
                if (Array.isArray(v.parent) && entry && typeof entry === "object" && typeof entry.name === "string" &&
                    isSecretName(entry.name) && !allowedNames.includes(entry.name) && isLiteralSecretValue(entry.value)) {
                    report(`Helm release ${release.id}: values.${v.path} sets env ${entry.name} to a literal value; use valueFrom.secretKeyRef.`);
                }
            }
        }),
    ],
};
