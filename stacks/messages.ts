/** The Pulumi config namespace of every key (`ml-platform:<key>`). */
export const NAMESPACE = "ml-platform";

/** A config value as error messages quote it: JSON, shortened; "nothing" when unset. */
export function show(value: unknown): string {
    if (value === undefined) return "nothing";
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The full key of a config path as a user writes it: `ml-platform:cluster.systemPool.minNodes`, `...models[0].name`. */
export function keyName(keyPath: readonly PropertyKey[]): string {
    const [top, ...rest] = keyPath.map(String);
    return `${NAMESPACE}:${top ?? ""}${rest.map((k) => (/^\d+$/.test(k) ? `[${k}]` : `.${k}`)).join("")}`;
}

/** One problem in the one format: `ml-platform:<key>: got <value>; expected <what>`. */
export function problem(keyPath: readonly PropertyKey[], value: unknown, expected: string): string {
    return `${keyName(keyPath)}: got ${show(value)}; expected ${expected}`;
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps), for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1;
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.length][b.length];
}

/** The candidate closest to `word` when it is close enough to be a misspelling of it (at most 1 edit per 3 letters, 3 at most). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
    const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const c of candidates) {
        const distance = editDistance(word, c);
        if (distance < bestDistance) [best, bestDistance] = [c, distance];
    }
    return bestDistance <= limit ? best : undefined;
}
