import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { clusterDependentDefaults, defaultClusterName, Environment, environmentDefaults } from "./defaults";
import { configRules } from "./rules";
import { correctMisspelledKeys, misspelledNamespaceKeys } from "./keys";
import { closest, keyName, show } from "./messages";
import { NAMESPACE, PlatformConfig, platformConfigSchema, SECRET_KEYS } from "./schema";

/**
 * Every problem with a stack's config, reported at once before any resource is registered. A RunError, so the
 * engine prints the message alone, without a stack trace of the program's internals.
 */
export class ConfigError extends pulumi.RunError {
    constructor(
        readonly stackName: string,
        readonly problems: string[],
    ) {
        super(
            `Invalid configuration for stack "${stackName}" (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was deployed:\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** The validated stack config plus its secrets, which stay Pulumi secrets. */
export interface StackConfig {
    readonly stack: string;
    readonly config: PlatformConfig;
    readonly secrets: { readonly kubeconfig?: pulumi.Output<string>; readonly alertsSecret?: pulumi.Output<string>; readonly ssoClientSecret?: pulumi.Output<string> };
}

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

/** Objects merge key by key; anything else in `over` replaces what is in `base`. */
export function mergeDefaults(base: unknown, over: unknown): unknown {
    if (over === undefined) return base;
    if (!isObject(base) || !isObject(over)) return over;
    const out: Raw = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = mergeDefaults(base[k], v);
    return out;
}

function valueAt(root: unknown, keyPath: PropertyKey[]): unknown {
    return keyPath.reduce<unknown>((v, k) => (isObject(v) || Array.isArray(v) ? (v as Raw)[k as string] : undefined), root);
}

function describe(issue: z.core.$ZodIssue, input: unknown): string[] {
    const given = valueAt(input, issue.path);
    if (issue.code === "unrecognized_keys") {
        const parent = valueAt(input, issue.path);
        return issue.keys.map(
            (k) => `${keyName([...issue.path, k])}: got ${show((parent as Raw)[k])}; expected no such key (it is not a setting of ${issue.path.length ? keyName(issue.path) : `the ${NAMESPACE} namespace`})`,
        );
    }
    const required = given === undefined ? ` (required${requiredFor(issue.path, input)})` : "";
    if (issue.code === "invalid_union" && "options" in issue && Array.isArray(issue.options)) {
        // A discriminator (cluster.provider, orchestrator.dags.credentials.kind) with no matching option.
        const options = issue.options.map(String);
        const meant = typeof given === "string" ? closest(given, options) : undefined;
        return [`${keyName(issue.path)}: got ${show(given)}; expected one of ${options.map((o) => JSON.stringify(o)).join("|")}${meant ? ` (did you mean "${meant}"?)` : ""}${required}`];
    }
    const expected = issue.message
        .replace(/^Invalid (input|option): /, "")
        .replace(/^Too (big|small): /, "")
        .replace(/, received \w+$/, "");
    return [`${keyName(issue.path)}: got ${show(given)}; ${expected}${required}`];
}

function requiredFor(keyPath: PropertyKey[], input: unknown): string {
    const provider = valueAt(input, ["cluster", "provider"]);
    return keyPath[0] === "cluster" && keyPath.length > 1 && keyPath[1] !== "provider" && typeof provider === "string"
        ? ` when ${NAMESPACE}:cluster.provider is "${provider}"`
        : "";
}

/** What validation needs besides the config itself. */
export interface ValidationContext {
    readonly project: string;
    readonly stack: string;
    /** Whether the secret `ml-platform:kubeconfig` is set (for an `existing` cluster). Default false. */
    readonly kubeconfigSecretSet?: boolean;
    /** Whether the secret `ml-platform:alertsSecret` is set. Default false. */
    readonly alertsSecretSet?: boolean;
    /** Whether the secret `ml-platform:ssoClientSecret` is set. Default false. */
    readonly ssoClientSecretSet?: boolean;
    /** How to look for the `existing` cluster's kubeconfig file. Default: the file system (`~/` expanded). */
    readonly fileExists?: (path: string) => boolean;
    /** Every config key of the stack, any namespace (to find a misspelled `ml-platform` namespace). */
    readonly allKeys?: readonly string[];
}

/**
 * Validates the plain (non-secret) config of a stack in one pass: misspelled keys, then the environment's defaults
 * merged under what the stack file sets and parsed with the one zod schema, then the rules across keys
 * (rules.ts), which run even where the schema failed. Throws one ConfigError with every problem. Pure apart from
 * the kubeconfig file check.
 */
export function parsePlatformConfig(raw: Raw, ctx: ValidationContext): PlatformConfig {
    const { problems, parsed } = check(raw, ctx);
    if (problems.length || !parsed.success) throw new ConfigError(ctx.stack, problems);
    return parsed.data;
}

/**
 * The same validation for `environment` and `cluster` alone (the cluster as a component of its own): the problems
 * with those keys, by the same messages; the other sections' defaults fill the rest and are not reported on.
 */
export function parseClusterConfig(raw: { environment: unknown; cluster: unknown }, ctx: ValidationContext): Pick<PlatformConfig, "environment" | "cluster"> {
    const { problems, withDefaults } = check(raw, ctx);
    const own = problems.filter((p) => p.startsWith(`${NAMESPACE}:cluster`) || p.startsWith(`${NAMESPACE}:environment`) || p.startsWith(`${NAMESPACE}:kubeconfig`));
    const result = platformConfigSchema.pick({ environment: true, cluster: true }).safeParse({ environment: withDefaults.environment, cluster: withDefaults.cluster });
    if (own.length || !result.success) throw new ConfigError(ctx.stack, own);
    return result.data;
}

/** Every problem, and the config with the environment's defaults merged under it. */
function check(raw: Raw, ctx: ValidationContext) {
    const problems: string[] = [];
    for (const key of SECRET_KEYS) {
        if (key in raw) {
            problems.push(`${NAMESPACE}:${key}: got a plaintext value; expected a secret (set it with: pulumi config set --secret ${key} ...)`);
        }
    }
    problems.push(...misspelledNamespaceKeys(ctx.allKeys ?? []));
    const plain: Raw = Object.fromEntries(Object.entries(raw).filter(([k]) => !(SECRET_KEYS as readonly string[]).includes(k)));
    const { corrected: user, problems: misspelled } = correctMisspelledKeys(platformConfigSchema, plain);
    problems.push(...misspelled);

    // An invalid environment is reported on its own; dev defaults keep it from cascading into more errors.
    const defaults = environmentDefaults[user.environment as Environment] ?? environmentDefaults.dev;
    const cluster = user.cluster;
    const provider = isObject(cluster) ? cluster.provider : undefined;
    const withDefaults = mergeDefaults(mergeDefaults(defaults.sections, clusterDependentDefaults(provider)), user) as Raw;
    if (isObject(cluster) && typeof provider === "string") {
        withDefaults.cluster = mergeDefaults({ name: defaultClusterName(ctx.project, ctx.stack), ...defaults.cluster[provider] }, cluster);
    }

    const parsed = platformConfigSchema.safeParse(withDefaults);
    if (!parsed.success) problems.push(...parsed.error.issues.flatMap((issue) => describe(issue, withDefaults)));
    problems.push(
        ...configRules(withDefaults, user, {
            kubeconfigSecretSet: ctx.kubeconfigSecretSet ?? false,
            alertsSecretSet: ctx.alertsSecretSet ?? false,
            ssoClientSecretSet: ctx.ssoClientSecretSet ?? false,
            fileExists: ctx.fileExists ?? ((p) => fs.existsSync(expandHome(p))),
        }),
    );
    return { problems: [...new Set(problems)], withDefaults, parsed };
}

// Exported by the SDK's runtime but left out of its type declarations.
const isConfigSecret = (key: string): boolean =>
    (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret?.(key) ?? true;

/** The stack's `ml-platform:*` config as the engine hands it over, object values decoded from JSON. */
export function readNamespaceConfig(all: Record<string, string>): Raw {
    const raw: Raw = {};
    for (const [fullKey, value] of Object.entries(all)) {
        const [ns, key] = fullKey.split(":");
        // A misspelled namespace is reported (misspelledNamespaceKeys) and its keys read as meant, unless also set right.
        if (!key || (ns !== NAMESPACE && (closest(ns, [NAMESPACE]) === undefined || `${NAMESPACE}:${key}` in all))) continue;
        if ((SECRET_KEYS as readonly string[]).includes(key)) {
            if (!isConfigSecret(fullKey)) raw[key] = "(plaintext)";
            continue;
        }
        try {
            raw[key] = /^\s*[[{]/.test(value) ? JSON.parse(value) : value;
        } catch {
            raw[key] = value;
        }
    }
    return raw;
}

/** Reads, validates and returns the whole stack config. The only place the program reads `pulumi.Config`. */
export function loadStackConfig(): StackConfig {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const all = pulumi.runtime.allConfig();
    const cfg = new pulumi.Config(NAMESPACE);
    const secretKubeconfig = cfg.getSecret("kubeconfig");
    const alertsSecret = cfg.getSecret("alertsSecret");
    const config = parsePlatformConfig(readNamespaceConfig(all), {
        project,
        stack,
        kubeconfigSecretSet: secretKubeconfig !== undefined,
        alertsSecretSet: alertsSecret !== undefined,
        ssoClientSecretSet: `${NAMESPACE}:ssoClientSecret` in all,
        allKeys: Object.keys(all),
    });
    // Validation has made sure it is set whenever an external provider needs it.
    const ssoClientSecret = needsSsoClientSecret(config) ? cfg.requireSecret("ssoClientSecret") : undefined;

    return { stack, config, secrets: platformSecrets(config, { kubeconfig: secretKubeconfig, alertsSecret, ssoClientSecret }) };
}

/** Whether the platform logs users in through the organisation's provider, whose client secret the stack holds. */
export function needsSsoClientSecret(config: Pick<PlatformConfig, "ingress" | "sso">): boolean {
    return config.ingress.auth === "sso" && config.sso.provider !== undefined && config.sso.provider !== "dex";
}

/** The secrets the platform is built with: an `existing` cluster's kubeconfig is the secret given, or its file read as a secret. */
export function platformSecrets(
    config: Pick<PlatformConfig, "cluster">,
    given: { kubeconfig?: pulumi.Input<string>; alertsSecret?: pulumi.Input<string>; ssoClientSecret?: pulumi.Input<string> },
): StackConfig["secrets"] {
    const alertsSecret = given.alertsSecret === undefined ? undefined : pulumi.secret(given.alertsSecret);
    const ssoClientSecret = given.ssoClientSecret === undefined ? undefined : pulumi.secret(given.ssoClientSecret);
    if (config.cluster.provider !== "existing") return { alertsSecret, ssoClientSecret };
    const kubeconfig = given.kubeconfig === undefined ? pulumi.secret(fs.readFileSync(expandHome(config.cluster.kubeconfigPath!), "utf8")) : pulumi.secret(given.kubeconfig);
    return { kubeconfig, alertsSecret, ssoClientSecret };
}

function expandHome(p: string): string {
    return p.startsWith("~/") ? path.join(os.homedir(), p.slice(2)) : p;
}
