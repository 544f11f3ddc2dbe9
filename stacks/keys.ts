/**
 * Misspelled keys, found by walking what the user wrote along the schema: a key that is not a setting but is close
 * to one that is (and that the user did not also set) is reported as that misspelling and read as the key it
 * resembles for the rest of the validation, so one run reports everything else too (and picks the right
 * cluster-dependent defaults when the misspelled key is `cluster.provider`).
 */
import { z } from "zod";
import { closest, keyName, NAMESPACE, show } from "./messages";

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

// zod 4 keeps a schema's structure in `_zod.def`; only the kinds the platform schema uses are walked.
type Def = {
    type: string;
    shape?: Record<string, z.ZodType>;
    innerType?: z.ZodType;
    in?: z.ZodType;
    left?: z.ZodType;
    right?: z.ZodType;
    options?: z.ZodType[];
    discriminator?: string;
    element?: z.ZodType;
};
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The object schemas `schema` may stand for (several for a union), after unwrapping optional and intersection. */
function objectShapes(schema: z.ZodType): Record<string, z.ZodType>[] {
    const def = defOf(schema);
    switch (def.type) {
        case "optional":
        case "nullable":
        case "default":
            return objectShapes(def.innerType!);
        case "pipe":
            return objectShapes(def.in!);
        case "object":
            return [def.shape!];
        case "intersection": {
            const [left, right] = [objectShapes(def.left!), objectShapes(def.right!)];
            return left.flatMap((l) => right.map((r) => ({ ...l, ...r })));
        }
        case "union":
            return def.options!.flatMap(objectShapes);
        default:
            return [];
    }
}

function arrayElement(schema: z.ZodType): z.ZodType | undefined {
    const def = defOf(schema);
    if (def.type === "optional" || def.type === "nullable" || def.type === "default") return arrayElement(def.innerType!);
    return def.type === "array" ? def.element : undefined;
}

function discriminatorOf(schema: z.ZodType): string | undefined {
    const def = defOf(schema);
    if (def.type === "optional" || def.type === "nullable") return discriminatorOf(def.innerType!);
    return def.type === "union" ? def.discriminator : undefined;
}

/** The one shape of a (possibly discriminated) union that `value` is meant as, or undefined when that is unclear. */
function shapeFor(schema: z.ZodType, value: Raw): Record<string, z.ZodType> | undefined {
    const shapes = objectShapes(schema);
    if (shapes.length <= 1) return shapes[0];
    const discriminator = discriminatorOf(schema);
    if (discriminator) {
        return shapes.find((s) => {
            const literal = defOf(s[discriminator]) as Def & { values?: unknown[] };
            return literal.values?.includes(value[discriminator]);
        });
    }
    // A plain union (ingress.tls): the option sharing a key with the value.
    const matching = shapes.filter((s) => Object.keys(value).some((k) => k in s));
    return matching.length === 1 ? matching[0] : undefined;
}

/**
 * Returns a copy of `raw` (the user's own config, before defaults) with every misspelled key renamed to the key it
 * resembles, and one problem per misspelling.
 */
export function correctMisspelledKeys(schema: z.ZodType, raw: Raw): { corrected: Raw; problems: string[] } {
    const problems: string[] = [];
    const walk = (s: z.ZodType, value: unknown, path: PropertyKey[]): unknown => {
        const element = arrayElement(s);
        if (element && Array.isArray(value)) return value.map((v, i) => walk(element, v, [...path, i]));
        if (!isObject(value)) return value;
        const out: Raw = { ...value };
        // A discriminator goes first: it decides which keys the rest may be.
        const discriminator = discriminatorOf(s);
        if (discriminator && !(discriminator in out)) rename(out, [discriminator], path);
        const shape = shapeFor(s, out);
        if (!shape) return out;
        rename(out, Object.keys(shape), path);
        for (const [k, v] of Object.entries(out)) if (k in shape) out[k] = walk(shape[k], v, [...path, k]);
        return out;
    };
    const rename = (out: Raw, valid: string[], path: PropertyKey[]) => {
        for (const key of Object.keys(out)) {
            if (valid.includes(key)) continue;
            const meant = closest(key, valid.filter((v) => !(v in out)));
            if (meant === undefined) continue;
            problems.push(`${keyName([...path, key])}: got ${show(out[key])}; expected no such key: did you mean ${keyName([...path, meant])}?`);
            out[meant] = out[key];
            delete out[key];
        }
    };
    return { corrected: walk(schema, raw, []) as Raw, problems };
}

/** Problems for config keys in a namespace that is a misspelling of this project's (`ml-platfrom:cluster`). */
export function misspelledNamespaceKeys(fullKeys: readonly string[]): string[] {
    return fullKeys.flatMap((fullKey) => {
        const [ns, ...rest] = fullKey.split(":");
        if (ns === NAMESPACE || rest.length === 0 || closest(ns, [NAMESPACE]) === undefined) return [];
        return [`${fullKey}: got a value in namespace "${ns}"; expected no such namespace: did you mean ${NAMESPACE}:${rest.join(":")}?`];
    });
}
