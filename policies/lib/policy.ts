import {
    PolicyConfigSchema,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
} from "@pulumi/policy";

/** One property of a policy's config schema (JSON Schema, as the CLI validates it). */
export type ConfigProperty = PolicyConfigSchema["properties"][string];

/** The pack's policy groups; the first tag of every policy names its group. */
export const policyGroups = ["kubernetes", "gke", "aks", "data"] as const;
export type PolicyGroup = (typeof policyGroups)[number];

/**
 * What every policy of this pack states besides its check: why (description), how to fix it
 * (remediationSteps), how bad a violation is (severity) and its group (first tag). Enforcement is not
 * set per policy: the pack default is `mandatory`, and `config/dev.json` relaxes it for dev stacks.
 */
interface Documented {
    readonly description: string;
    readonly remediationSteps: string;
    readonly severity: Severity;
    readonly tags: [PolicyGroup, ...string[]];
    readonly enforcementLevel?: never;
}

export type PlatformResourcePolicy = ResourceValidationPolicy & Documented;
export type PlatformStackPolicy = StackValidationPolicy & Documented;
export type PlatformPolicy = PlatformResourcePolicy | PlatformStackPolicy;

/**
 * A policy's config: the defaults its schema declares, overlaid with what `--policy-pack-config` set.
 * The CLI fills schema defaults in too; doing it here as well keeps a policy correct when it runs
 * without the CLI's reconciliation (older CLIs, unit tests).
 */
export function configOf<T extends object>(
    args: { getConfig<U extends object>(): U },
    schema: PolicyConfigSchema,
): T {
    const defaults: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema.properties)) {
        if (typeof property === "object" && property.default !== undefined) defaults[key] = property.default;
    }
    return { ...defaults, ...args.getConfig<Partial<T>>() } as T;
}

/** `namespace/name` allow-list entries, as the schema of several policies declares them. */
export const allowListSchema: ConfigProperty = {
    type: "array",
    items: { type: "string", pattern: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$" },
    default: [],
};
