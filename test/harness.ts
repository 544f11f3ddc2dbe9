/**
 * The one test harness: run a Pulumi program under mocks, capture every resource registration with its
 * options (provider, parent, protect, ...) straight from the engine request, and load real stack files.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { mergeDefaults } from "../stacks/config";

export const repoRoot = path.resolve(__dirname, "..");
export const PROJECT = "ml-platform";

/** One resource registration as the engine received it. */
export interface Registration {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly custom: boolean;
    readonly parent: string;
    /** Provider reference `urn::id`, or "" when the default provider would be used. */
    readonly provider: string;
    /** Inputs with secrets unwrapped. */
    readonly inputs: Record<string, any>;
    /** Top-level input names whose value was a Pulumi secret. */
    readonly secretInputs: ReadonlySet<string>;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly deleteBeforeReplace: boolean;
    readonly ignoreChanges: readonly string[];
    readonly additionalSecretOutputs: readonly string[];
    readonly dependencies: readonly string[];
    /** URNs this resource answers to besides its own (its `aliases`, plus those inherited from its parents). */
    readonly aliases: readonly string[];
}

export interface RunResult<T> {
    readonly result: T;
    readonly resources: Registration[];
    /** Every registration of a type token, e.g. `kubernetes:apps/v1:StatefulSet`. */
    byType(type: string): Registration[];
    /** The one registration of a type (and logical name, when given); throws when there is not exactly one. */
    one(type: string, name?: string): Registration;
}

export interface RunOptions {
    readonly stack?: string;
    /** Full config map, `namespace:key` to string (objects JSON-encoded), as the engine passes it. */
    readonly config?: Record<string, string>;
    readonly secretKeys?: string[];
    readonly preview?: boolean;
    /** Extra outputs a mocked resource reports, by type token. */
    readonly outputs?: Record<string, (inputs: any, name: string) => Record<string, unknown>>;
}

const secretSig = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };
const isWrappedSecret = (v: any) => v && typeof v === "object" && v[secretSig.key] === secretSig.value;

/** Deep copy with every secret wrapper replaced by its value. */
export function unwrapSecrets(v: any): any {
    if (isWrappedSecret(v)) return unwrapSecrets(v.value);
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
    return v;
}

export const fakeKubeconfig = (server: string) =>
    `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: ${server}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\nusers:\n- name: u\n  user: {}\n`;

/** Computed outputs the real providers would return, for the types whose outputs the program reads. */
const defaultOutputs: Record<string, (inputs: any, name: string) => Record<string, unknown>> = {
    "command:local:Command": () => ({ stdout: fakeKubeconfig("https://127.0.0.1:6443") }),
    // A stack reference reads a stack with no outputs: the stack's first deployment.
    "pulumi:pulumi:StackReference": () => ({ outputs: {}, secretOutputNames: [] }),
    // Distinct, recognisable values so tests can scan other resources' inputs for leaks.
    "random:index/randomPassword:RandomPassword": (_i, name) => ({ result: `mock-password-${name}`, bcryptHash: `$2a$10$mock-bcrypt-${name}` }),
    "random:index/randomBytes:RandomBytes": (i) => ({ base64: Buffer.alloc(i.length ?? 32, 7).toString("base64"), hex: Buffer.alloc(i.length ?? 32, 7).toString("hex") }),
    "gcp:container/cluster:Cluster": () => ({ endpoint: "203.0.113.10", masterAuth: { clusterCaCertificate: "Q0EtQ0VSVA==" } }),
    "gcp:serviceaccount/account:Account": (i) => ({ email: `${i.accountId}@${i.project}.iam.gserviceaccount.com` }),
    "gcp:compute/network:Network": (i) => ({ selfLink: `https://www.googleapis.com/compute/v1/projects/${i.project}/global/networks/${i.name}` }),
    "gcp:compute/subnetwork:Subnetwork": (i) => ({
        selfLink: `https://www.googleapis.com/compute/v1/projects/${i.project}/regions/${i.region}/subnetworks/${i.name}`,
    }),
    "azure-native:resources:ResourceGroup": (i) => ({ name: i.resourceGroupName }),
    "azure-native:network:VirtualNetwork": (i) => ({ name: i.virtualNetworkName }),
    "gcp:sql/databaseInstance:DatabaseInstance": () => ({ privateIpAddress: "10.60.0.5" }),
    "azure-native:storage:StorageAccount": (i) => ({ name: i.accountName }),
    "azure-native:storage:BlobContainer": (i) => ({ name: i.containerName }),
    "azure-native:managedidentity:UserAssignedIdentity": (i) => ({
        name: i.resourceName,
        clientId: `client-id-of-${i.resourceName}`,
        principalId: `principal-id-of-${i.resourceName}`,
    }),
    "azure-native:privatedns:PrivateZone": (i) => ({ name: i.privateZoneName }),
    "azure-native:dbforpostgresql:Server": (i) => ({ name: i.serverName, fullyQualifiedDomainName: `${i.serverName}.postgres.database.azure.com` }),
    "azure-native:containerservice:ManagedCluster": (i) => ({
        name: i.resourceName,
        oidcIssuerProfile: { enabled: true, issuerURL: `https://oidc.example.invalid/${i.resourceName}/` },
    }),
};

/** The PEM a read Secret's `ca.crt` holds, naming the Secret read (`namespace/name`). */
export const mockCaCertificate = (id: string) => `-----BEGIN CERTIFICATE-----\nMOCK CA of ${id}\n-----END CERTIFICATE-----\n`;

/** The value a read Secret (`namespace/name`) holds under `key`, other than `ca.crt`. */
export const mockSecretValue = (id: string, key: string) => `mock-${key}-of-${id}`;

/** What reading an existing object finds, by type token. */
const readResults: Record<string, (id: string) => Record<string, unknown>> = {
    // A CA (Strimzi's cluster CA), and the keys an existing credential Secret (S3 keys, a Postgres admin) carries.
    "kubernetes:core/v1:Secret": (id) => ({
        data: Object.fromEntries(
            Object.entries({
                "ca.crt": mockCaCertificate(id),
                ...Object.fromEntries(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "username", "password"].map((k) => [k, mockSecretValue(id, k)])),
            }).map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
        ),
    }),
};

const invokeResults: Record<string, (args: any) => Record<string, unknown>> = {
    "azure-native:containerservice:listManagedClusterUserCredentials": () => ({
        kubeconfigs: [{ name: "clusterUser", value: Buffer.from(fakeKubeconfig("https://aks.example.invalid:443")).toString("base64") }],
    }),
};

export const MOCK_SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";

/** `<name>-id`, or an ARM-shaped ID for Azure resources (code derives subscriptions and scopes from them). */
export function mockId(type: string, name: string): string {
    const [pkg, module, kind] = type.split(":");
    return pkg === "azure-native" ? `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/mock-rg/providers/Microsoft.${module}/${kind}/${name}` : `${name}-id`;
}

/** Runs `program` under Pulumi mocks and returns what it registered. */
export async function runProgram<T>(program: () => T | Promise<T>, options: RunOptions = {}): Promise<RunResult<T>> {
    const resources: Registration[] = [];
    const outputs = { ...defaultOutputs, ...options.outputs };
    pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                // A read (`Resource.get`) carries the ID of the object it reads.
                if (args.id && readResults[args.type]) return { id: args.id, state: readResults[args.type](args.id) };
                const extra = outputs[args.type]?.(unwrapSecrets(args.inputs), args.name) ?? {};
                return { id: args.custom ? mockId(args.type, args.name) : undefined, state: { ...args.inputs, ...extra } };
            },
            call: (args) => {
                const fn = invokeResults[args.token];
                if (!fn) throw new Error(`test harness: no mock result for invoke ${args.token}`);
                return fn(args.inputs);
            },
        },
        PROJECT,
        options.stack ?? "test",
        options.preview ?? false,
        "organization", // what a self-managed backend reports
    );

    const runtime = pulumi.runtime as any;
    const aliasesByUrn = new Map<string, string[]>();
    const monitor = runtime.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, res: any) => void) =>
        register(req, (err: any, res: any) => {
            if (!err) {
                const raw = pulumi.runtime.deserializeProperties(req.getObject());
                const aliases = resolveAliases(req, res.getUrn(), aliasesByUrn);
                aliasesByUrn.set(res.getUrn(), aliases);
                resources.push({
                    type: req.getType(),
                    name: req.getName(),
                    urn: res.getUrn(),
                    custom: req.getCustom(),
                    parent: req.getParent(),
                    provider: req.getProvider(),
                    inputs: unwrapSecrets(raw),
                    secretInputs: new Set(Object.keys(raw).filter((k) => isWrappedSecret(raw[k]))),
                    protect: req.getProtect?.() ?? false,
                    retainOnDelete: req.getRetainondelete?.() ?? false,
                    deleteBeforeReplace: req.getDeletebeforereplace?.() ?? false,
                    ignoreChanges: req.getIgnorechangesList?.() ?? [],
                    additionalSecretOutputs: req.getAdditionalsecretoutputsList?.() ?? [],
                    dependencies: req.getDependenciesList?.() ?? [],
                    aliases,
                });
            }
            callback(err, res);
        });

    const result = await program();
    await runtime.waitForRPCs();

    const byType = (type: string) => resources.filter((r) => r.type === type);
    return {
        result,
        resources,
        byType,
        one(type: string, name?: string) {
            const found = byType(type).filter((r) => name === undefined || r.name === name);
            if (found.length !== 1) {
                throw new Error(`expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
            }
            return found[0];
        },
    };
}

/** A URN as the engine builds it: the parent's qualified type prefixes the type (the root stack's does not). */
function urnOf(name: string, type: string, parent: string, project = PROJECT, stack = pulumi.getStack()): string {
    const parentType = parent ? parent.split("::")[2] : "";
    const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * The alias URNs of a registration, resolved as the engine resolves the SDK's alias specs: each alias's missing
 * name, type and parent default to the resource's own, and every alias of the parent yields one more alias of the
 * child (with the parent's old name in place of its new one where the child's name starts with it).
 */
function resolveAliases(req: any, urn: string, aliasesByUrn: Map<string, string[]>): string[] {
    const [name, type, parent] = [req.getName(), req.getType(), req.getParent()];
    const own: string[] = (req.getAliasesList?.() ?? []).map((alias: any) => {
        if (alias.getUrn()) return alias.getUrn();
        const spec = alias.getSpec();
        const aliasParent = spec.getNoparent() ? "" : spec.getParenturn() || parent;
        return urnOf(spec.getName() || name, spec.getType() || type, aliasParent, spec.getProject() || undefined, spec.getStack() || undefined);
    });
    const parentName = parent ? parent.split("::")[3] : "";
    const inherited = (aliasesByUrn.get(parent) ?? []).flatMap((parentAlias) =>
        [urn, ...own].map((child) => {
            const [childType, childName] = [child.split("::")[2].split("$").pop()!, child.split("::")[3]];
            const oldParentName = parentAlias.split("::")[3];
            const aliasName = childName.startsWith(parentName) ? oldParentName + childName.slice(parentName.length) : childName;
            return urnOf(aliasName, childType, parentAlias);
        }),
    );
    return [...new Set([...own, ...inherited])].filter((a) => a !== urn);
}

/** The value of an Output (known under mocks outside preview). */
export function unwrap<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/** The config map of a real `Pulumi.<stack>.yaml`, as the engine would pass it, plus project defaults. */
export function loadStackFile(
    stack: string,
    overrides: Record<string, unknown> = {},
): { config: Record<string, string>; secretKeys: string[] } {
    const project = parseYaml(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8"));
    const file = parseYaml(fs.readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8"));
    const values: Record<string, unknown> = {};
    for (const [key, decl] of Object.entries<any>(project.config ?? {})) {
        if (decl && typeof decl === "object" && "default" in decl) values[`${PROJECT}:${key}`] = decl.default;
    }
    Object.assign(values, file.config ?? {}, overrides);

    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        const isSecure = value && typeof value === "object" && "secure" in (value as object);
        if (isSecure) secretKeys.push(key);
        config[key] = isSecure ? "test-secret-value" : typeof value === "string" ? value : JSON.stringify(value);
    }
    return { config, secretKeys };
}

/** Deep-merges each patch into its object-valued config key of a loaded stack file (for tests that set org values). */
export function withConfig(stack: string, patches: Record<string, Record<string, unknown>>) {
    const file = parseYaml(fs.readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8"));
    const merged = Object.fromEntries(Object.entries(patches).map(([key, patch]) => [key, mergeDefaults(file.config?.[key] ?? {}, patch)]));
    return loadStackFile(stack, merged);
}

/** Kubernetes objects (not the provider itself) that do not name `providerUrn` as their provider. */
export function kubernetesResourcesWithoutProvider(resources: Registration[], providerUrn: string): Registration[] {
    return resources.filter(
        (r) => r.custom && r.type.startsWith("kubernetes:") && !r.provider.startsWith(`${providerUrn}::`),
    );
}

/**
 * The organisation-specific values each prod stack file documents as required (see its header comment),
 * standing in for what a team sets with `pulumi config set`.
 */
const exampleIngress = { domain: "ml.acme.io", tls: { acme: { email: "platform@acme.io" } } };
/** The client secret a team sets with `pulumi config set --secret ssoClientSecret ...`. */
const exampleSsoSecret = { secure: "AAABAExampleCipherText" };
export const exampleOrgValues: Record<string, Record<string, Record<string, unknown>>> = {
    prod: {
        "ml-platform:cluster": { project: "acme-ml-prod", masterAuthorizedNetworks: [{ cidr: "198.51.100.0/24", displayName: "office" }] },
        "ml-platform:ingress": exampleIngress,
        "ml-platform:sso": { provider: "google", clientId: "123456789012-abc.apps.googleusercontent.com", emailDomains: ["acme.io"], adminUsers: ["ops@acme.io"] },
        "ml-platform:ssoClientSecret": exampleSsoSecret,
    },
    "prod-aks": {
        "ml-platform:cluster": { adminGroupObjectIds: ["6f1c2a3b-1d2e-4f50-9a6b-7c8d9e0f1a2b"], authorizedIpRanges: ["198.51.100.0/24"] },
        "ml-platform:ingress": exampleIngress,
        "ml-platform:sso": {
            provider: "entra",
            tenantId: "0b6f2c1e-3d4a-4b5c-8d9e-1f2a3b4c5d6e",
            clientId: "5a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d",
            adminGroups: ["6f1c2a3b-1d2e-4f50-9a6b-7c8d9e0f1a2b"],
        },
        "ml-platform:ssoClientSecret": exampleSsoSecret,
    },
};

/** The stacks this repository ships, by name. */
export const shippedStacks = ["dev", "prod", "prod-aks"] as const;

/** The config map of a shipped stack, completed with {@link exampleOrgValues}. */
export function shippedStackConfig(stack: string, patches: Record<string, Record<string, unknown>> = {}) {
    const org = { ...exampleOrgValues[stack], ...patches };
    return Object.keys(org).length ? withConfig(stack, org) : loadStackFile(stack);
}

/** Runs the real stack program (index.ts's composition) for a shipped stack under mocks, with optional config `patches`. */
export async function constructStack(stack: string, patches?: Record<string, Record<string, unknown>>) {
    // Imported lazily so tests that only need the mocks do not load the whole platform.
    const { loadStackConfig } = await import("../stacks/config");
    const { buildPlatform } = await import("../stacks/platform");
    const { config, secretKeys } = shippedStackConfig(stack, patches);
    return runProgram(() => buildPlatform(loadStackConfig()), { stack, config, secretKeys });
}
