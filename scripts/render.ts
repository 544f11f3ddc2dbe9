/**
 * Writes what a stack deploys, for review next to `pulumi preview` and for diffing before an upgrade: every
 * Kubernetes object the program creates (YAML, secrets redacted) and, per Helm release, its chart, version,
 * repository, namespace and values. Computed under Pulumi mocks; no cluster or registry is contacted.
 *   npm run render -- --stack dev [--out DIR] [--charts DIR] [--with '<key>=<json>']
 * `--with` merges a JSON object into one config key of the stack file, to render a variant the file does not set
 * (e.g. `--with 'featureStore={"onlineStore":"valkey"}'`).
 * With `--charts DIR` (one chart source directory per chart, named after the chart) and `helm` on PATH, it also
 * runs `helm template` for each release (which validates the values against the chart's values.schema.json),
 * writes the manifests next to the values (what an install creates: chart tests, which only `helm test` runs, are
 * left out), and exits non-zero when any release fails or has no chart source.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { constructStack, repoRoot, shippedStacks } from "../test/harness";
import { formatResults, ReleaseSpec, renderStack, TemplateResult } from "./render/objects";

/** The Kubernetes version charts are templated for (the kind node image's; GKE and AKS run 1.33-1.34). */
const KUBE_VERSION = "1.34.0";

function arg(name: string): string | undefined {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
}

function template(release: ReleaseSpec, chartsDir: string, dir: string): TemplateResult {
    const chartDir = path.resolve(chartsDir, release.chart);
    const chartFile = path.join(chartDir, "Chart.yaml");
    if (!fs.existsSync(chartFile)) return { release, status: "no chart source", detail: `${chartDir}/Chart.yaml not found` };
    const version = String(parseYaml(fs.readFileSync(chartFile, "utf8")).version);
    if (version !== release.version) return { release, status: "error", detail: `chart source is version ${version}, the program pins ${release.version}` };
    const valuesFile = path.join(dir, "values.yaml");
    const helm = spawnSync(
        "helm",
        ["template", release.release, chartDir, "--namespace", release.namespace, "--values", valuesFile, "--kube-version", KUBE_VERSION, "--include-crds", "--skip-tests"],
        { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
    );
    if (helm.error) return { release, status: "error", detail: `helm: ${helm.error.message}` };
    if (helm.status !== 0) return { release, status: "error", detail: helm.stderr.trim() };
    fs.writeFileSync(path.join(dir, "manifest.yaml"), helm.stdout);
    return { release, status: "OK" };
}

async function main() {
    const stack = arg("stack") ?? "dev";
    if (!(shippedStacks as readonly string[]).includes(stack)) {
        console.error(`render: --stack must be one of ${shippedStacks.join(", ")}; got ${JSON.stringify(stack)}`);
        process.exit(2);
    }
    const out = path.resolve(arg("out") ?? path.join(repoRoot, "render", stack));
    const chartsDir = arg("charts");
    const variant = arg("with");
    const match = variant === undefined ? undefined : /^(\w+)=(\{.*\})$/s.exec(variant);
    if (variant !== undefined && !match) {
        console.error(`render: --with ${JSON.stringify(variant)}: expected <config key>=<JSON object>, e.g. 'featureStore={"onlineStore":"valkey"}'`);
        process.exit(2);
    }
    const run = await constructStack(stack, match ? { [`ml-platform:${match[1]}`]: JSON.parse(match[2]) } : undefined);
    const { files, releases } = renderStack(run.resources);
    fs.rmSync(out, { recursive: true, force: true });
    for (const f of files) {
        fs.mkdirSync(path.dirname(path.join(out, f.path)), { recursive: true });
        fs.writeFileSync(path.join(out, f.path), f.content);
    }
    console.log(`${stack}: ${files.length - 2 * releases.length} Kubernetes objects and ${releases.length} Helm releases in ${path.relative(process.cwd(), out) || "."}`);
    const leaking = releases.filter((r) => r.secretInputs.length);
    for (const r of leaking) console.error(`render: release ${r.namespace}/${r.release} takes secret inputs (${r.secretInputs.join(", ")}): chart values must reference Secrets by name`);
    if (!chartsDir) process.exit(leaking.length ? 1 : 0);

    const results = releases.map((r) => template(r, chartsDir, path.join(out, "releases", r.namespace, r.release)));
    const table = formatResults(stack, results);
    fs.writeFileSync(path.join(out, "helm-template.md"), `${table}\n`);
    console.log(table);
    process.exit(leaking.length || results.some((r) => r.status !== "OK") ? 1 : 0);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
