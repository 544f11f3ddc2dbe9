/**
 * Prints the requests and limits of every workload of a shipped stack, per component and in total, computed
 * from the same program under Pulumi mocks (and the values passed to each chart). No cluster is contacted.
 *   npm run footprint -- --stack dev
 */
import { constructStack, shippedStacks } from "../test/harness";
import { footprint, formatFootprint } from "../stacks/footprint";

async function main() {
    const i = process.argv.indexOf("--stack");
    const stack = i >= 0 ? process.argv[i + 1] : "dev";
    if (!(shippedStacks as readonly string[]).includes(stack)) {
        console.error(`footprint: --stack must be one of ${shippedStacks.join(", ")}; got ${JSON.stringify(stack)}`);
        process.exit(2);
    }
    const run = await constructStack(stack);
    console.log(formatFootprint(footprint(run.resources), stack));
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
