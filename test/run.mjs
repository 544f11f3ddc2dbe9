// Runs every *.test.ts under test/ with Node's test runner (each file in its own process, so Pulumi's
// global mock state never leaks between files). Its closing lines are the runner's standard summary.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".test.ts") ? [join(dir, e.name)] : [],
    );
const files = walk(join(root, "test")).map((f) => relative(root, f)).sort();
const filter = process.argv.slice(2);
const selected = filter.length ? files.filter((f) => filter.some((x) => f.includes(x))) : files;

const { status } = spawnSync(
    process.execPath,
    ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=2", ...selected],
    { cwd: root, stdio: "inherit" },
);
process.exit(status ?? 1);
