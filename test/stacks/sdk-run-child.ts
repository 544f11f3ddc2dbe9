/**
 * Runs a Pulumi program through the SDK's own program runner (@pulumi/pulumi's cmd/run `run`, what the language host
 * starts), under mocks instead of an engine: the config comes from SDK_RUN_CONFIG (JSON), every registration is
 * printed as `REGISTERED <type>` on stdout, and the runner's error handler prints what the engine would show.
 *   usage: node --import tsx test/stacks/sdk-run-child.ts <program>
 */
import * as pulumi from "@pulumi/pulumi";

async function start() {
    pulumi.runtime.setAllConfig(JSON.parse(process.env.SDK_RUN_CONFIG ?? "{}"), []);
    await pulumi.runtime.setMocks(
        {
            newResource: (a) => {
                console.log(`REGISTERED ${a.type}`);
                return { id: `${a.name}-id`, state: a.inputs };
            },
            call: () => ({}),
        },
        "ml-platform",
        "dev",
        false,
    );
    // cmd/run/index.js parses the language host's command line when loaded; run.js only needs its exit-code constant.
    const index = require.resolve("@pulumi/pulumi/cmd/run/index.js");
    require.cache[index] = { id: index, filename: index, loaded: true, exports: { nodeJSProcessExitedAfterLoggingUserActionableMessage: 32 } } as NodeJS.Module;
    const { run } = require("@pulumi/pulumi/cmd/run/run");
    const reported = new Set<unknown>();
    // As cmd/run/index.js does: the runner's own handler logs an error once and records it.
    run({ _: [process.argv[2]] }, () => undefined, (e: unknown) => reported.add(e), (e: unknown) => reported.has(e));
}
start();
