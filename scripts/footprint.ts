/**
 * Prints the requests and limits of every workload of a shipped stack, per component and in total, computed
 * from the same program under Pulumi mocks (and the values passed to each chart), and for dev each line of the dev
 * budget (stacks/budget.ts) beside what its components request. No cluster is contacted.
 *   npm run footprint -- --stack dev
 */
import { constructStack, shippedStacks } from "../test/harness";
import { formatBudget } from "../stacks/budget";
import { footprint, formatFootprint } from "../stacks/footprint";

async function main() {
    const i = process.argv.indexOf("--stack");
    const stack = i >= 0 ? process.argv[i + 1] : "dev";
    if (!(shippedStacks as readonly string[]).includes(stack)) {
        console.error(`footprint: --stack must be one of ${shippedStacks.join(", ")}; got ${JSON.stringify(stack)}`);
        process.exit(2);
    }
    const run = await constructStack(stack);
    const report = footprint(run.resources);
    console.log(formatFootprint(report, stack));
    if (stack === "dev") console.log(`\n${formatBudget(report)}`);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
