/**
 * What the Pulumi engine does around a policy pack, for tests: the CLI's reconciliation of a
 * `--policy-pack-config` file with each policy's defaults (pkg/resource/analyzer/config.go), and the
 * analyzer server's per-resource and per-stack dispatch (@pulumi/policy server.js: enforcement level
 * per policy, `disabled` skipped, `notApplicable` caught). Policies run unchanged; only the transport
 * (gRPC, protobuf) is left out.
 */
import type {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { FixtureResource, pulumiTypeOf } from "./fixtures";

type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy;
export type JsonSchema = PolicyConfigSchema["properties"][string];

class NotApplicableError extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "Policy does not apply");
    }
}

const enforcementLevels = new Set<EnforcementLevel>(["advisory", "mandatory", "remediate", "disabled"]);

function isTypeOf(type: string, resourceClass: unknown): boolean {
    try {
        return pulumiTypeOf(resourceClass) === type;
    } catch {
        const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
        return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
    }
}

const isStackPolicy = (p: AnyPolicy): p is StackValidationPolicy => typeof (p as StackValidationPolicy).validateStack === "function";

// ---------------------------------------------------------------------------------------------
// Config: the JSON file format, the CLI's reconciliation, and JSON Schema validation of properties.
// ---------------------------------------------------------------------------------------------

export interface PolicyConfig {
    readonly enforcementLevel: EnforcementLevel;
    readonly properties: Record<string, unknown>;
}

/** Parses a `--policy-pack-config` file the way the CLI does: a level string, or an object with an optional level. */
export function parsePackConfig(json: Record<string, unknown>): Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }> {
    const result: Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }> = {};
    for (const [key, value] of Object.entries(json)) {
        if (typeof value === "string") {
            if (!enforcementLevels.has(value as EnforcementLevel)) throw new Error(`parsing enforcement level for "${key}": "${value}" is not a valid enforcement level`);
            result[key] = { enforcementLevel: value as EnforcementLevel, properties: {} };
        } else if (value && typeof value === "object" && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            if (enforcementLevel !== undefined && !enforcementLevels.has(enforcementLevel as EnforcementLevel)) {
                throw new Error(`parsing enforcement level for "${key}": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level`);
            }
            result[key] = { enforcementLevel: enforcementLevel as EnforcementLevel | undefined, properties };
        } else {
            throw new Error(`parsing "${key}": ${JSON.stringify(value)} is not a valid value; must be a string or object`);
        }
    }
    return result;
}

function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
    const defaults: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema?.properties ?? {})) {
        if (typeof property === "object" && property.default !== undefined) defaults[key] = structuredClone(property.default);
    }
    return defaults;
}

/**
 * Each policy's effective config: schema defaults and the policy's (or pack's) level, then `all`, then
 * per-policy entries from the file; properties validated against the policy's schema as the CLI does.
 */
export function reconcileConfig(
    policies: readonly AnyPolicy[],
    packLevel: EnforcementLevel,
    file: Record<string, unknown> = {},
): Record<string, PolicyConfig> {
    const given = parsePackConfig(file);
    const result: Record<string, PolicyConfig> = {};
    for (const p of policies) {
        let level = p.enforcementLevel ?? packLevel;
        if (given.all?.enforcementLevel) level = given.all.enforcementLevel;
        const own = given[p.name];
        if (own?.enforcementLevel) level = own.enforcementLevel;
        const properties = { ...schemaDefaults(p.configSchema), ...own?.properties };
        const errors = validateSchema({ type: "object", properties: p.configSchema?.properties ?? {}, required: p.configSchema?.required }, properties, p.name);
        if (errors.length > 0) throw new Error(`policy pack configuration is invalid: ${errors.join("; ")}`);
        result[p.name] = { enforcementLevel: level, properties };
    }
    return result;
}

const supportedKeywords = new Set([
    "type", "enum", "minLength", "pattern", "minimum", "maximum", "items", "properties", "required", "additionalProperties", "default", "description",
]);

/**
 * The JSON Schema subset the pack's config schemas use (the CLI validates with gojsonschema); returns the
 * errors, empty when valid. A schema using another keyword fails loudly rather than passing unchecked.
 */
export function validateSchema(schema: JsonSchema | boolean, value: unknown, path: string): string[] {
    if (typeof schema === "boolean") return schema ? [] : [`${path}: not allowed`];
    for (const keyword of Object.keys(schema)) {
        if (!supportedKeywords.has(keyword)) throw new Error(`${path}: JSON Schema keyword "${keyword}" is not supported here; extend validateSchema`);
    }
    const errors: string[] = [];
    const typeOk = (t: string) =>
        t === "array" ? Array.isArray(value)
        : t === "object" ? value !== null && typeof value === "object" && !Array.isArray(value)
        : t === "integer" ? Number.isInteger(value)
        : t === "null" ? value === null
        : typeof value === t;
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.length > 0 && !types.some(typeOk)) return [`${path}: expected ${types.join(" or ")}, got ${JSON.stringify(value)}`];
    if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) errors.push(`${path}: not one of ${JSON.stringify(schema.enum)}`);
    if (typeof value === "string") {
        if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${path}: shorter than ${schema.minLength}`);
        if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: does not match ${schema.pattern}`);
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: below ${schema.minimum}`);
        if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: above ${schema.maximum}`);
    }
    if (Array.isArray(value) && schema.items && !Array.isArray(schema.items)) {
        value.forEach((item, i) => errors.push(...validateSchema(schema.items as JsonSchema | boolean, item, `${path}[${i}]`)));
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        const obj = value as Record<string, unknown>;
        for (const key of schema.required ?? []) if (!(key in obj)) errors.push(`${path}: ${key} is required`);
        for (const [key, item] of Object.entries(obj)) {
            const property = schema.properties?.[key];
            if (property !== undefined) errors.push(...validateSchema(property, item, `${path}.${key}`));
            else if (schema.additionalProperties === false) errors.push(`${path}: additional property ${key} is not allowed`);
        }
    }
    return errors;
}

// ---------------------------------------------------------------------------------------------
// Dispatch.
// ---------------------------------------------------------------------------------------------

export interface Violation {
    readonly policy: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly urn: string;
    readonly message: string;
}

function validationArgs(r: FixtureResource, config: Record<string, unknown>): ResourceValidationArgs {
    return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.props,
        opts: r.opts,
        ...(r.provider ? { provider: r.provider } : {}),
        stackTags: new Map(),
        isType: (resourceClass) => isTypeOf(r.type, resourceClass),
        asType: ((resourceClass: unknown) => (isTypeOf(r.type, resourceClass) ? r.props : undefined)) as any,
        getConfig: <T extends object>() => structuredClone(config) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicableError(reason);
        },
    };
}

function policyResources(resources: readonly FixtureResource[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const list = resources.map((r) => {
        const pr: PolicyResource = {
            type: r.type,
            name: r.name,
            urn: r.urn,
            props: r.props,
            opts: r.opts,
            ...(r.provider ? { provider: r.provider } : {}),
            dependencies: [],
            propertyDependencies: {},
            isType: (resourceClass) => isTypeOf(r.type, resourceClass),
            asType: ((resourceClass: unknown) => (isTypeOf(r.type, resourceClass) ? r.props : undefined)) as any,
        };
        byUrn.set(r.urn, pr);
        return pr;
    });
    resources.forEach((r, i) => {
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        if (parent) list[i].parent = parent;
        list[i].dependencies = r.dependencies.flatMap((d) => byUrn.get(d) ?? []);
    });
    return list;
}

export interface Outcome {
    /** Did any validation of the policy apply to the input (not `notApplicable`)? */
    readonly applicable: boolean;
    readonly violations: { readonly message: string; readonly urn: string }[];
}

async function runValidations(validations: ResourceValidation[], r: FixtureResource, config: Record<string, unknown>): Promise<Outcome> {
    const violations: { message: string; urn: string }[] = [];
    let applicable = false;
    for (const validate of validations) {
        try {
            await validate(validationArgs(r, config), (message) => violations.push({ message, urn: r.urn }));
            applicable = true;
        } catch (e) {
            if (!(e instanceof NotApplicableError)) throw e;
        }
    }
    return { applicable, violations };
}

/** Runs one policy (resource or stack) over `resources` with `config` (its properties; schema defaults filled in). */
export async function runPolicy(policy: AnyPolicy, resources: readonly FixtureResource[], config: Record<string, unknown> = {}): Promise<Outcome> {
    const [reconciled] = Object.values(reconcileConfig([policy], "mandatory", { [policy.name]: config }));
    const properties = reconciled.properties;
    if (isStackPolicy(policy)) {
        const violations: { message: string; urn: string }[] = [];
        const args: StackValidationArgs = {
            resources: policyResources(resources),
            stackTags: new Map(),
            getConfig: <T extends object>() => structuredClone(properties) as T,
            notApplicable: (reason?: string): never => {
                throw new NotApplicableError(reason);
            },
        };
        try {
            await policy.validateStack(args, (message, urn) => violations.push({ message, urn: urn ?? "" }));
            return { applicable: true, violations };
        } catch (e) {
            if (e instanceof NotApplicableError) return { applicable: false, violations };
            throw e;
        }
    }
    const validate = policy.validateResource;
    const validations = validate === undefined ? [] : Array.isArray(validate) ? validate : [validate];
    const outcomes = await Promise.all(resources.map((r) => runValidations(validations, r, properties)));
    return { applicable: outcomes.some((o) => o.applicable), violations: outcomes.flatMap((o) => o.violations) };
}

export interface PackResult {
    readonly violations: Violation[];
    /** Policies that applied to at least one resource (or ran over the stack). */
    readonly applied: string[];
}

/** Runs a whole pack over a stack's resources with reconciled config: every resource policy per resource, then every stack policy. */
export async function analyzePack(
    policies: readonly AnyPolicy[],
    config: Record<string, PolicyConfig>,
    resources: readonly FixtureResource[],
): Promise<PackResult> {
    const violations: Violation[] = [];
    const applied: string[] = [];
    for (const policy of policies) {
        const { enforcementLevel, properties } = config[policy.name];
        if (enforcementLevel === "disabled") continue;
        // The server reports remediate-level violations that remain after remediation as mandatory.
        const level = enforcementLevel === "remediate" ? "mandatory" : enforcementLevel;
        const outcome = await runPolicy(policy, resources, properties);
        if (outcome.applicable) applied.push(policy.name);
        for (const v of outcome.violations) violations.push({ policy: policy.name, enforcementLevel: level, urn: v.urn, message: v.message });
    }
    return { violations, applied };
}
