import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { constructStack, runProgram, shippedStacks } from "../harness";
import { namespaceOf, namespaceOrderViolations } from "./namespaces";

describe("every namespaced object waits for its Namespace (a first up on an empty cluster)", () => {
    for (const stack of shippedStacks) {
        it(`${stack}: each namespaced object has a dependency path to its Namespace resource`, async (t) => {
            const run = await constructStack(stack);
            const namespaced = run.resources.filter((r) => namespaceOf(r));
            assert.ok(namespaced.length > 50, `${namespaced.length} namespaced objects`);
            assert.deepEqual(namespaceOrderViolations(run.resources), []);
            t.diagnostic(`${namespaced.length} namespaced objects, ${run.byType("kubernetes:core/v1:Namespace").length} namespaces: all ordered`);
        });
    }
});

class Part extends pulumi.ComponentResource {
    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("mlplatform:test:Part", name, {}, opts);
    }
}

describe("the namespace-order check", () => {
    const violationsOf = async (program: (provider: k8s.Provider, ns: k8s.core.v1.Namespace) => void) => {
        const run = await runProgram(() => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            const ns = new k8s.core.v1.Namespace("ns", { metadata: { name: "ml-x" } }, { provider });
            program(provider, ns);
        });
        return namespaceOrderViolations(run.resources).map((v) => v.replace(/^urn:pulumi:[^:]+::ml-platform::/, ""));
    };

    it("flags an object that names its namespace as a literal and depends on nothing", async () => {
        const v = await violationsOf((provider) => {
            new k8s.core.v1.Secret("role", { metadata: { name: "role-a", namespace: "ml-x" } }, { provider });
        });
        assert.equal(v.length, 1);
        assert.match(v[0], /^kubernetes:core\/v1:Secret::role: no dependency path to Namespace "ml-x"/);
    });

    it("accepts the Namespace's output, an explicit dependsOn, or a dependency on something that waits for it", async () => {
        const v = await violationsOf((provider, ns) => {
            new k8s.core.v1.Secret("by-output", { metadata: { name: "a", namespace: ns.metadata.name } }, { provider });
            const first = new k8s.core.v1.ConfigMap("by-depends-on", { metadata: { name: "b", namespace: "ml-x" } }, { provider, dependsOn: [ns] });
            new k8s.core.v1.ConfigMap("transitive", { metadata: { name: "c", namespace: "ml-x" } }, { provider, dependsOn: [first] });
            new k8s.helm.v3.Release("chart", { chart: "c", namespace: ns.metadata.name }, { provider });
        });
        assert.deepEqual(v, []);
    });

    it("accepts a child of a component that depends on the Namespace, and not one of a component that does not", async () => {
        const v = await violationsOf((provider, ns) => {
            const after = new Part("after", { dependsOn: [ns] });
            new k8s.core.v1.ConfigMap("in-after", { metadata: { name: "a", namespace: "ml-x" } }, { provider, parent: after });
            const loose = new Part("loose");
            new k8s.core.v1.ConfigMap("in-loose", { metadata: { name: "b", namespace: "ml-x" } }, { provider, parent: loose });
        });
        assert.equal(v.length, 1);
        assert.match(v[0], /ConfigMap::in-loose: no dependency path/);
    });

    it("flags a Helm release whose namespace is a literal, and a namespace nobody creates; built-in namespaces pass", async () => {
        const v = await violationsOf((provider) => {
            new k8s.helm.v3.Release("chart", { chart: "c", namespace: "ml-x" }, { provider });
            new k8s.core.v1.ConfigMap("elsewhere", { metadata: { name: "a", namespace: "ml-missing" } }, { provider });
            new k8s.core.v1.ConfigMap("system", { metadata: { name: "b", namespace: "kube-system" } }, { provider });
        });
        assert.deepEqual(v.map((x) => x.split(": ")[0]), ["kubernetes:helm.sh/v3:Release::chart", "kubernetes:core/v1:ConfigMap::elsewhere"]);
        assert.match(v[1], /namespace "ml-missing" is not created by the program/);
    });
});
