/** The released snapshots under test/upgrade/releases/<version>/<stack>.json. */
import * as fs from "fs";
import * as path from "path";
import type { SnapshotEntry } from "./identity";

export const releasesDir = path.join(__dirname, "releases");

const byVersion = (a: string, b: string) => {
    const [x, y] = [a, b].map((v) => v.split(".").map(Number));
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};

/** Every recorded release, oldest first. */
export function releases(): string[] {
    return fs.existsSync(releasesDir) ? fs.readdirSync(releasesDir).filter((d) => /^\d+\.\d+\.\d+$/.test(d)).sort(byVersion) : [];
}

export const newestRelease = (): string | undefined => releases().at(-1);

export function readSnapshot(release: string, stack: string): SnapshotEntry[] {
    return JSON.parse(fs.readFileSync(path.join(releasesDir, release, `${stack}.json`), "utf8")).resources;
}
