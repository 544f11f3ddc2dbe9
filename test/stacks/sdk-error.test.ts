import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "../harness";

/** The real program (index.ts) run by the SDK's program runner; its stderr is what the engine prints after "error: ". */
function runThroughSdk(config: Record<string, string>, program = path.join(repoRoot, "index.ts")) {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "sdk-run-child.ts"), program], {
        cwd: repoRoot,
        env: { ...process.env, SDK_RUN_CONFIG: JSON.stringify(config) },
        encoding: "utf8",
        timeout: 300_000, // a loaded machine takes long to load the SDK and the program
    });
    assert.equal(r.error, undefined, `the runner did not finish: ${r.error}`);
    return { stdout: r.stdout, stderr: r.stderr };
}

describe("a config error through the SDK's own error path (cmd/run)", () => {
    it("prints the message once, as written, with no stack trace, and registers nothing but the stack", () => {
        const { stdout, stderr } = runThroughSdk({
            "ml-platform:environment": "staging",
            "ml-platform:cluster": JSON.stringify({ provder: "kind", workers: 9 }),
        });
        assert.equal(
            stderr,
            'error: [runtime] Invalid configuration for stack "dev" (3 problems); nothing was deployed:\n' +
                '  - ml-platform:cluster.provder: got "kind"; expected no such key: did you mean ml-platform:cluster.provider?\n' +
                '  - ml-platform:environment: got "staging"; expected one of "dev"|"prod"\n' +
                "  - ml-platform:cluster.workers: got 9; expected a whole number from 0 to 5\n",
        );
        assert.doesNotMatch(stderr, /^\s+at /m);
        assert.equal(stdout, "REGISTERED pulumi:pulumi:Stack\n");
    });

    it("a plain Error, by contrast, comes with the runner's preamble and a stack trace (so the test above can fail)", () => {
        const { stderr } = runThroughSdk({}, path.join(__dirname, "sdk-run-plain-error.ts"));
        assert.match(stderr, /^error: \[runtime\] Running program '.*sdk-run-plain-error\.ts' failed with an unhandled exception:\n/);
        assert.match(stderr, /^\s+at /m);
    });
});
