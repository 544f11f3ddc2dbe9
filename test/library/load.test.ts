import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";

const repoRoot = path.resolve(__dirname, "../..");

/** The cloud SDK modules a fresh Node process holds after running `script` against the library's entry. */
function cloudModulesAfter(script: string): number {
    const probe = `${script}; console.log(Object.keys(require.cache).filter((k) => /node_modules\\/@pulumi\\/(gcp|azure-native)\\//.test(k)).length)`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "-e", probe], { cwd: repoRoot, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    return Number(run.stdout.trim().split("\n").pop());
}

describe("library: a kind or existing-cluster program does not load the cloud SDKs", () => {
    it("importing every component loads neither @pulumi/gcp nor @pulumi/azure-native", () => {
        assert.equal(cloudModulesAfter(`require("./components")`), 0);
    });

    it("a cloud flavor loads its SDK when it is used", () => {
        assert.ok(cloudModulesAfter(`require("./components/cluster/gke")`) > 0, "the probe sees a loaded SDK");
    });
});
