import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import { charts } from "../../components/versions";
import { formatResults, kubernetesObject, REDACTED, redactSecrets, releaseSpec, renderStack } from "../../scripts/render/objects";
import { constructStack } from "../harness";

const reg = (type: string, inputs: Record<string, any>, secretInputs: string[] = []) => ({
    type,
    name: "x",
    urn: `urn:pulumi:dev::ml-platform::${type}::x`,
    custom: true,
    inputs,
    secretInputs: new Set(secretInputs),
});

describe("render: objects and releases", () => {
    it("gives each object its apiVersion and kind, and a Secret its keys without their values", () => {
        assert.deepEqual(kubernetesObject(reg("kubernetes:apps/v1:Deployment", { metadata: { name: "d" } })), { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" } });
        const secret = kubernetesObject(reg("kubernetes:core/v1:Secret", { metadata: { name: "s" }, stringData: { password: "hunter2", user: "u" } }));
        assert.deepEqual(secret, { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, stringData: { password: REDACTED, user: REDACTED } });
        assert.equal(kubernetesObject(reg("kubernetes:helm.sh/v3:Release", {})), undefined);
        assert.equal(kubernetesObject(reg("pulumi:providers:kubernetes", {})), undefined);
    });

    it("redacts generated secrets wherever they were interpolated", () => {
        const base64 = Buffer.alloc(32, 7).toString("base64");
        assert.deepEqual(redactSecrets({ uri: "postgresql://u:mock-password-db@h/db", env: [{ value: `$2a$10$mock-bcrypt-login` }], key: base64 }), {
            uri: `postgresql://u:${REDACTED}@h/db`,
            env: [{ value: REDACTED }],
            key: REDACTED,
        });
    });

    it("describes a release by chart, version, repository and namespace, OCI charts included", () => {
        const oci = releaseSpec(reg("kubernetes:helm.sh/v3:Release", { name: "kserve", chart: "oci://ghcr.io/kserve/charts/kserve-crd", version: "v0.20.0", namespace: "kserve" }));
        assert.deepEqual({ ...oci, urn: undefined }, { urn: undefined, release: "kserve", chart: "kserve-crd", version: "v0.20.0", repository: "oci://ghcr.io/kserve/charts", namespace: "kserve", values: {}, secretInputs: [] });
        assert.match(formatResults("dev", [{ release: oci!, status: "error", detail: "a | b" }]), /\| dev \| kserve \| kserve-crd \| v0\.20\.0 \| kserve \| error: a \\\| b \|$/m);
    });
});

describe("render: the dev stack", () => {
    it("writes every Kubernetes object and release once, with no generated secret in any file", async () => {
        const run = await constructStack("dev");
        const { files, releases } = renderStack(run.resources);
        const objects = run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v3:Release");
        assert.equal(files.filter((f) => f.path.startsWith("objects/")).length, objects.length);
        assert.equal(releases.length, run.byType("kubernetes:helm.sh/v3:Release").length);
        const all = files.map((f) => f.content).join("\n");
        assert.doesNotMatch(all, /mock-password-|mock-bcrypt-/);
        assert.ok(files.some((f) => f.path === "objects/ml-postgres/Secret-role-metastore.yaml"));
        const traefik = files.find((f) => f.path === "releases/ml-ingress/traefik/release.yaml")!;
        assert.deepEqual(
            { ...parseYaml(traefik.content), urn: undefined },
            { urn: undefined, release: "traefik", chart: "traefik", version: charts.traefik.version, repository: charts.traefik.repository, namespace: "ml-ingress", secretInputs: [] },
        );
        const values = parseYaml(files.find((f) => f.path === "releases/ml-ingress/traefik/values.yaml")!.content);
        assert.equal(values.service.spec.type, "NodePort");
        for (const r of releases) assert.deepEqual(r.secretInputs, [], `${r.release}: chart values must not carry secrets`);
    });
});
