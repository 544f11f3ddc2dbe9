/**
 * Records what a release deploys, so later versions can be checked against it (test/upgrade/upgrade.test.ts):
 * every registration of every shipped stack, by URN and physical identity, under test/upgrade/releases/<version>/.
 *   npm run upgrade:snapshot -- --release 0.2.0
 * Run it when cutting a release (with the CHANGELOG entry and the package.json version); it prints how the new
 * snapshot differs from the newest recorded release, for the release notes.
 */
import * as fs from "fs";
import * as path from "path";
import { constructStack, repoRoot, shippedStacks } from "../test/harness";
import { compareWithBaseline, currentEntries, formatSnapshot } from "../test/upgrade/identity";
import { newestRelease, readSnapshot, releasesDir } from "../test/upgrade/releases";

async function main() {
    const i = process.argv.indexOf("--release");
    const release = i >= 0 ? process.argv[i + 1] : undefined;
    if (!release || !/^\d+\.\d+\.\d+$/.test(release)) {
        console.error(`upgrade:snapshot: --release must be a version such as 0.2.0; got ${JSON.stringify(release)}`);
        process.exit(2);
    }
    const dir = path.join(releasesDir, release);
    if (fs.existsSync(dir)) {
        console.error(`upgrade:snapshot: ${path.relative(repoRoot, dir)} exists; a released snapshot is never rewritten`);
        process.exit(2);
    }
    const previous = newestRelease();
    fs.mkdirSync(dir, { recursive: true });
    for (const stack of shippedStacks) {
        const entries = currentEntries((await constructStack(stack)).resources);
        fs.writeFileSync(path.join(dir, `${stack}.json`), formatSnapshot(release, stack, entries));
        console.log(`${stack}: ${entries.length} resources`);
        if (!previous) continue;
        const { violations, notes } = compareWithBaseline(readSnapshot(previous, stack), entries);
        for (const line of [...violations.map((v) => `  NEEDS ACTION ${v}`), ...notes.map((n) => `  ${n}`)]) console.log(line);
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
