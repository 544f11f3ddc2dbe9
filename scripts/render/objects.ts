/**
 * What `npm run render` writes: every Kubernetes object the program registers (as YAML, secrets redacted) and
 * every Helm release's chart, version, repository, namespace and values. Pure: takes registrations, returns files.
 */
import { stringify } from "yaml";
import type { Registration } from "../../test/harness";

/** The parts of a registration (see test/harness.ts) the render reads. */
export type RenderInput = Pick<Registration, "type" | "name" | "urn" | "custom" | "inputs" | "secretInputs">;

export interface RenderedFile {
    /** Relative to the output directory. */
    readonly path: string;
    readonly content: string;
}

/** One Helm release as the program declares it. */
export interface ReleaseSpec {
    readonly urn: string;
    readonly release: string;
    /** Chart name, without the repository or `oci://` prefix. */
    readonly chart: string;
    readonly version: string;
    readonly repository: string;
    readonly namespace: string;
    readonly values: Record<string, unknown>;
    /** Top-level release inputs that were Pulumi secrets (values must never be one). */
    readonly secretInputs: readonly string[];
}

export const REDACTED = "<redacted>";

/**
 * Strings the test harness's mocks produce for generated secrets (`random` passwords, bcrypt hashes, bytes):
 * every occurrence, wherever it was interpolated, is replaced.
 */
const mockSecret = /mock-password-[\w.-]+|\$2a\$10\$mock-bcrypt-[\w.-]+|(?:BwcH){8,}[\w+/=]*|(?:07){16,}/g;

/** A deep copy with every generated secret value replaced by {@link REDACTED}. */
export function redactSecrets<T>(value: T): T {
    if (typeof value === "string") return value.replace(mockSecret, REDACTED) as T;
    if (Array.isArray(value)) return value.map(redactSecrets) as T;
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v)])) as T;
    return value;
}

const redactValues = (m: unknown) =>
    m && typeof m === "object" ? Object.fromEntries(Object.keys(m as object).map((k) => [k, REDACTED])) : m;

/**
 * The object a Kubernetes registration creates: apiVersion and kind from its type token, then its inputs.
 * A Secret's `data` and `stringData` keep their keys and lose their values. Undefined for non-objects
 * (providers, Helm releases, YAML groups).
 */
export function kubernetesObject(r: RenderInput): Record<string, unknown> | undefined {
    const [pkg, module, kind] = r.type.split(":");
    if (pkg !== "kubernetes" || !r.custom || !module || module === "helm.sh/v3" || module.startsWith("yaml")) return undefined;
    const [group, version] = module.split("/");
    const apiVersion = group === "core" ? version : `${group}/${version}`;
    const { apiVersion: _a, kind: _k, ...rest } = r.inputs;
    const object: Record<string, any> = { apiVersion, kind, ...rest };
    if (kind === "Secret" || kind === "SecretPatch") {
        if ("data" in object) object.data = redactValues(object.data);
        if ("stringData" in object) object.stringData = redactValues(object.stringData);
    }
    return redactSecrets(object);
}

/** A Helm release registration as a {@link ReleaseSpec}. */
export function releaseSpec(r: RenderInput): ReleaseSpec | undefined {
    if (r.type !== "kubernetes:helm.sh/v3:Release") return undefined;
    const chart = String(r.inputs.chart);
    const repository = r.inputs.repositoryOpts?.repo ?? chart.slice(0, chart.lastIndexOf("/"));
    return {
        urn: r.urn,
        release: r.inputs.name ?? r.name,
        chart: chart.split("/").pop()!,
        version: r.inputs.version,
        repository,
        namespace: r.inputs.namespace ?? "default",
        values: redactSecrets(r.inputs.values ?? {}),
        secretInputs: [...r.secretInputs],
    };
}

const yaml = (doc: unknown) => stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
const fileName = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, "_");

/** Everything the program creates, as files: `objects/<namespace or _cluster>/<Kind>-<name>.yaml`, `releases/<namespace>/<release>/`. */
export function renderStack(resources: readonly RenderInput[]): { files: RenderedFile[]; releases: ReleaseSpec[] } {
    const files: RenderedFile[] = [];
    const releases: ReleaseSpec[] = [];
    for (const r of resources) {
        const object = kubernetesObject(r);
        if (object) {
            const meta = (object.metadata ?? {}) as { name?: string; namespace?: string };
            const dir = meta.namespace ? fileName(meta.namespace) : "_cluster";
            files.push({ path: `objects/${dir}/${fileName(`${object.kind}-${meta.name ?? r.name}`)}.yaml`, content: `# ${r.urn}\n${yaml(object)}` });
            continue;
        }
        const release = releaseSpec(r);
        if (release) {
            releases.push(release);
            const dir = `releases/${fileName(release.namespace)}/${fileName(release.release)}`;
            const { values, ...about } = release;
            files.push({ path: `${dir}/release.yaml`, content: yaml(about) });
            files.push({ path: `${dir}/values.yaml`, content: `# values the program passes to ${release.chart} ${release.version}\n${yaml(values)}` });
        }
    }
    const paths = new Set<string>();
    for (const f of files) {
        if (paths.has(f.path)) throw new Error(`render: two objects would be written to ${f.path}`);
        paths.add(f.path);
    }
    return { files: files.sort((a, b) => a.path.localeCompare(b.path)), releases };
}

/** The result of templating one release with its chart's source. */
export interface TemplateResult {
    readonly release: ReleaseSpec;
    readonly status: "OK" | "error" | "no chart source";
    readonly detail?: string;
}

/** The results as a Markdown table (release, chart, version, namespace, result). */
export function formatResults(stack: string, results: readonly TemplateResult[]): string {
    const rows = results.map(({ release: r, status, detail }) => {
        const result = status === "OK" ? "OK" : `${status}${detail ? `: ${detail.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim()}` : ""}`;
        return `| ${stack} | ${r.release} | ${r.chart} | ${r.version} | ${r.namespace} | ${result} |`;
    });
    return ["| stack | release | chart | version | namespace | helm template |", "| --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}
