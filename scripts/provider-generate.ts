/**
 * Writes provider/args.ts, then provider/schema.json (the package schema the SDK's component analyzer derives from the
 * provider's sources, as `pulumi package add` will see it).
 *
 * args.ts: the stack config schema (stacks/schema.ts) as the plain-data TypeScript interfaces the Pulumi
 * component analyzer can turn into a package schema, so a Python, Go, C# or Java program passes the `Platform`
 * component the very settings a stack file holds. One source of truth: the zod schema; `test/provider` fails when
 * either file is stale (`npm run provider:generate` rewrites both).
 *
 * How the schema's shapes become types the analyzer accepts:
 * - objects become interfaces named after their key path (`cluster.network` → `ClusterNetworkSettings`, so no name
 *   clashes with a component's own args type in the generated SDKs);
 * - a union of objects (`cluster` per provider, `ingress.tls`, ...) becomes one interface with every variant's keys,
 *   its discriminator an enum: the config's own validation, run when the component is constructed, still enforces
 *   which keys belong to which variant, with the same messages as for a stack file;
 * - string enums and literals become TypeScript enums;
 * - every key is optional except `environment`, `cluster` and `cluster.provider`, since the environment's defaults
 *   fill the rest exactly as they do for a stack (README, configuration reference).
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { components } from "../provider/components";
import { platformConfigSchema, SECRET_KEYS } from "../stacks/schema";

export const PROVIDER_DIR = path.join(__dirname, "..", "provider");
export const PACKAGE_NAME = "ml-platform";

type Json = {
    type?: string | string[];
    properties?: Record<string, Json>;
    items?: Json;
    enum?: (string | number)[];
    const?: string | number | boolean;
    oneOf?: Json[];
    anyOf?: Json[];
    allOf?: Json[];
    additionalProperties?: boolean | Json;
};

const REQUIRED = new Set(["environment", "cluster", "cluster.provider"]);

const pascal = (s: string) =>
    s
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w[0].toUpperCase() + w.slice(1))
        .join("");
/** An enum member name for a value: `"prod-aks"` → `ProdAks`, `"RAPID"` → `Rapid`, `"24h"` → `V24h`. */
const memberName = (v: string) => {
    const name = pascal(v === v.toUpperCase() ? v.toLowerCase() : v);
    return /^[0-9]/.test(name) ? `V${name}` : name;
};

/** Merges the variants of a union (or the parts of an intersection) into one shape. */
function merge(path: string, parts: Json[]): Json {
    const flat = parts.map((p) => normalize(path, p));
    if (flat.every((p) => p.type === "object")) {
        const properties: Record<string, Json> = {};
        for (const p of flat) for (const [k, v] of Object.entries(p.properties ?? {})) properties[k] = k in properties ? merge(`${path}.${k}`, [properties[k], v]) : v;
        return { type: "object", properties };
    }
    // normalize turned string literals into one-value enums.
    if (flat.every((p) => p.type === "string" && p.enum)) return { type: "string", enum: [...new Set(flat.flatMap((p) => p.enum!))] };
    if (flat.every((p) => p.type === flat[0].type && !p.enum && p.const === undefined)) return flat[0];
    throw new Error(`provider-args: ${path}: cannot express ${JSON.stringify(parts)} as one plain type`);
}

function normalize(path: string, s: Json): Json {
    const union = s.oneOf ?? s.anyOf ?? s.allOf;
    if (union) return merge(path, union);
    if (s.const !== undefined && typeof s.const === "string") return { type: "string", enum: [s.const] };
    return s;
}

/** The TypeScript source of provider/args.ts. */
export function platformArgsSource(): string {
    const root = z.toJSONSchema(platformConfigSchema, { io: "input", unrepresentable: "throw" }) as Json;
    const declarations: string[] = [];

    const typeOf = (keyPath: string, schema: Json): string => {
        const s = normalize(keyPath, schema);
        if (s.enum) {
            const name = pascal(keyPath);
            const strings = s.enum.map(String);
            declarations.push(`/** \`${keyPath}\` */\nexport enum ${name} {\n${strings.map((v) => `    ${memberName(v)} = ${JSON.stringify(v)},`).join("\n")}\n}`);
            return name;
        }
        switch (s.type) {
            case "string":
                return "string";
            case "integer":
            case "number":
                return "number";
            case "boolean":
                return "boolean";
            case "array":
                return `${typeOf(keyPath, s.items!)}[]`;
            case "object":
                if (!s.properties) throw new Error(`provider-args: ${keyPath}: an object without properties cannot be schema'd`);
                return objectType(keyPath, s);
            default:
                throw new Error(`provider-args: ${keyPath}: unsupported JSON schema ${JSON.stringify(schema)}`);
        }
    };

    const objectType = (keyPath: string, s: Json, name = `${pascal(keyPath)}Settings`, extra: string[] = []): string => {
        const fields = Object.entries(s.properties!).map(([key, value]) => {
            const at = keyPath ? `${keyPath}.${key}` : key;
            const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
            return `    /** \`ml-platform:${at}\` */\n    ${name}${REQUIRED.has(at) ? "" : "?"}: ${typeOf(at, value)};`;
        });
        declarations.push(`/** \`${keyPath || "ml-platform"}\`${keyPath ? "" : ": the settings of a stack file's ml-platform namespace"} */\nexport interface ${name} {\n${[...fields, ...extra].join("\n")}\n}`);
        return name;
    };

    const secrets = SECRET_KEYS.map((key) => `    /** \`ml-platform:${key}\`, a secret in a stack file. */\n    ${key}?: pulumi.Input<string>;`);
    objectType("", root, "PlatformArgs", secrets);
    return `// Generated by scripts/provider-args.ts from stacks/schema.ts (npm run provider:generate). Do not edit.
import * as pulumi from "@pulumi/pulumi";

${declarations.join("\n\n")}
`;
}

/** The package schema, as the component provider serves it (the analyzer reads the provider's sources on disk). */
export async function packageSchema(): Promise<Record<string, unknown>> {
    const provider = new ComponentProvider({ components, name: PACKAGE_NAME, dirname: PROVIDER_DIR });
    return JSON.parse(await provider.getSchema());
}

export const renderSchema = (schema: Record<string, unknown>) => `${JSON.stringify(schema, null, 2)}\n`;

if (require.main === module) {
    (async () => {
        fs.writeFileSync(path.join(PROVIDER_DIR, "args.ts"), platformArgsSource());
        fs.writeFileSync(path.join(PROVIDER_DIR, "schema.json"), renderSchema(await packageSchema()));
        console.log("wrote provider/args.ts and provider/schema.json");
    })().catch((e) => {
        console.error(e instanceof Error ? e.message : e);
        process.exit(1);
    });
}
