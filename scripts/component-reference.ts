/**
 * Writes components/README.md: for every component the package exports, its args (name, whether required, type, the
 * first sentence of its doc comment) and its public outputs, read from the TypeScript sources with the compiler's type
 * checker, so the reference cannot drift from the code (`test/library/reference.test.ts` fails when it is stale;
 * `npm run reference` rewrites it).
 */
import * as fs from "fs";
import * as path from "path";
import ts from "typescript";
import { namesCreated } from "./component-names";

const root = path.join(__dirname, "..");
export const REFERENCE_FILE = path.join(root, "components", "README.md");

/** The first sentence of a doc comment (up to a period before a capital), on one line, with table pipes escaped. */
function summary(symbol: ts.Symbol, checker: ts.TypeChecker): string {
    const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).replace(/\s+/g, " ").trim();
    const first = text.match(/^(.+?\.)(?=\s+[A-Z]|$)/)?.[1] ?? text;
    return cell(first.length > 240 ? `${first.slice(0, 239)}…` : first);
}

const cell = (s: string) => s.replace(/\|/g, "\\|");
const typeText = (type: ts.Type, checker: ts.TypeChecker) => {
    const t = checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope);
    return cell(t.length > 80 ? `${t.slice(0, 77)}...` : t);
};

function isComponent(decl: ts.ClassDeclaration, checker: ts.TypeChecker): boolean {
    for (let t: ts.Type | undefined = checker.getTypeAtLocation(decl); t; ) {
        const base: ts.Type | undefined = t.getBaseTypes?.()?.[0];
        if (!base) return false;
        if (base.getSymbol()?.getName() === "ComponentResource") return true;
        t = base;
    }
    return false;
}

/** The reference as markdown. */
/** `names`: what each component creates with its defaults ({@link namesCreated}). */
export function componentReference(names: Readonly<Record<string, readonly string[]>>): string {
    const entry = path.join(root, "components", "index.ts");
    const program = ts.createProgram([entry], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, skipLibCheck: true });
    const checker = program.getTypeChecker();
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    const sections: string[] = [];
    const exported = checker
        .getExportsOfModule(module)
        .map((s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s))
        .filter((s) => s.valueDeclaration && ts.isClassDeclaration(s.valueDeclaration) && isComponent(s.valueDeclaration, checker))
        .sort((a, b) => a.getName().localeCompare(b.getName()));
    for (const symbol of exported) {
        const decl = symbol.valueDeclaration as ts.ClassDeclaration;
        const ctor = decl.members.find(ts.isConstructorDeclaration);
        const argsParam = ctor?.parameters[1];
        const argsType = argsParam && checker.getTypeAtLocation(argsParam);
        const source = path.relative(root, decl.getSourceFile().fileName);
        const lines = [`## ${symbol.getName()}`, "", `${summary(symbol, checker)} (\`${source}\`)`, ""];
        if (argsType) {
            // A union of args (one shape per flavor) lists each key once, with the flavors it belongs to.
            const shapes = argsType.isUnion() ? argsType.types : [argsType];
            const discriminator = shapes.length > 1 ? checker.getPropertiesOfType(shapes[0]).find((p) => shapes.every((t) => checker.getTypeOfSymbolAtLocation(t.getProperty(p.getName()) ?? p, decl).isStringLiteral())) : undefined;
            const flavorOf = (t: ts.Type) => (checker.getTypeOfSymbolAtLocation(t.getProperty(discriminator!.getName())!, decl) as ts.StringLiteralType).value;
            const seen = new Map<string, { optional: boolean; type: string; doc: string; flavors: string[] }>();
            for (const shape of shapes) {
                for (const prop of checker.getPropertiesOfType(shape)) {
                    const type = typeText(checker.getTypeOfSymbolAtLocation(prop, decl), checker);
                    const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0;
                    const flavor = discriminator ? [flavorOf(shape)] : [];
                    const prev = seen.get(prop.getName());
                    seen.set(
                        prop.getName(),
                        prev
                            ? { ...prev, optional: prev.optional || optional, type: prev.type === type ? type : `${prev.type} / ${type}`, flavors: [...prev.flavors, ...flavor] }
                            : { optional, type, doc: summary(prop, checker), flavors: flavor },
                    );
                }
            }
            const only = (f: string[]) => (discriminator && f.length < shapes.length ? f.map((x) => `\`${x}\``).join(", ") : "");
            lines.push(
                `Args \`${checker.typeToString(argsType)}\`${discriminator ? ` (one shape per \`${discriminator.getName()}\`)` : ""}:`,
                "",
                `| arg | required | type |${discriminator ? ` only for |` : ""} what |`,
                `| --- | --- | --- |${discriminator ? " --- |" : ""} --- |`,
            );
            for (const [name, p] of seen) lines.push(`| \`${name}\` | ${p.optional ? "" : "yes"} | \`${p.type}\` |${discriminator ? ` ${only(p.flavors)} |` : ""} ${p.doc} |`);
            lines.push("");
        }
        const outputs = decl.members.filter(
            (m): m is ts.PropertyDeclaration =>
                ts.isPropertyDeclaration(m) &&
                !!m.name &&
                ts.isIdentifier(m.name) &&
                !(ts.getCombinedModifierFlags(m) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected | ts.ModifierFlags.Static)),
        );
        if (outputs.length) {
            lines.push("| output | type | what |", "| --- | --- | --- |");
            for (const m of outputs) {
                const prop = checker.getSymbolAtLocation(m.name)!;
                lines.push(`| \`${prop.getName()}\` | \`${typeText(checker.getTypeAtLocation(m), checker)}\` | ${summary(prop, checker)} |`);
            }
            lines.push("");
        }
        const created = names[symbol.getName()];
        if (created?.length) lines.push(`Creates, with its defaults: ${created.map((n) => `\`${n}\``).join(", ")}.`, "");
        sections.push(lines.join("\n"));
    }
    return `# Component reference

Generated from the sources by \`npm run reference\` (scripts/component-reference.ts); do not edit. Every component
takes \`(name, args, opts)\`; those that create Kubernetes objects need a Kubernetes provider in \`opts\` (or
\`kubernetesProvider: "default"\` in args). How components connect: the [README's Connections](../README.md#connections).
"Creates" lists the Kubernetes objects (\`Kind namespace/name\`) and Helm releases a component registers with its
defaults in dev, on the in-cluster MinIO and Postgres, including those its connection calls create in the
store's and the server's namespaces (scripts/component-names.ts, run under Pulumi's mocks). Objects another
namespace, database or bucket arg would rename follow it.

${sections.join("\n")}`;
}

if (require.main === module) {
    namesCreated().then((names) => {
        fs.writeFileSync(REFERENCE_FILE, componentReference(names));
        console.log(`wrote ${path.relative(process.cwd(), REFERENCE_FILE)}`);
        process.exit(0);
    });
}
