import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../stacks/config";
import { main } from "../../stacks/main";
import { runProgram } from "../harness";
import { badConfigCases } from "./bad-config-cases";

/** A case's keys as the engine hands them to the program: `ml-platform:` added where no namespace is given, objects as JSON. */
function engineConfig(config: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = { "pulumi:disable-default-providers": '["kubernetes"]' };
    for (const [key, value] of Object.entries(config)) {
        if (value === undefined) continue;
        out[key.includes(":") ? key : `ml-platform:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return out;
}

describe("bad config: the real program reports every problem by key in one message and registers nothing", () => {
    it("has at least 40 cases", () => assert.ok(badConfigCases.length >= 40, `${badConfigCases.length} cases`));

    for (const c of badConfigCases) {
        it(c.name, async () => {
            const run = await runProgram(() => main().then(() => undefined, (e: unknown) => e), { stack: "test", config: engineConfig(c.config), secretKeys: c.secretKeys });
            assert.ok(run.result instanceof ConfigError, `expected a ConfigError, got ${run.result}`);
            assert.deepEqual(run.result.problems, c.problems);
            assert.equal(run.result.message.split("\n")[0], `Invalid configuration for stack "test" (${c.problems.length} problem${c.problems.length === 1 ? "" : "s"}); nothing was deployed:`);
            assert.deepEqual(run.resources.map((r) => r.type), []);
        });
    }
});
