/**
 * The pack as the Pulumi engine runs it: started by @pulumi/pulumi's own policy-pack runner
 * (`cmd/run-policy-pack`, what the Node.js language host and the `pulumi-analyzer-policy` shim execute: it
 * compiles the pack with ts-node, type-checking it, and its PolicyPack starts the @pulumi/policy analyzer
 * server and prints the port), then driven over gRPC with the engine's protocol messages: GetAnalyzerInfo,
 * Configure (the reconciled --policy-pack-config), Analyze per resource and AnalyzeStack. Only the CLI's
 * config reconciliation is emulated (engine.ts).
 */
import { ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import type { EnforcementLevel } from "@pulumi/policy";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { repoRoot } from "../harness";
import { PolicyConfig, Violation } from "./engine";
import { FixtureResource } from "./fixtures";

// The proto modules' own dependencies, resolved where @pulumi/pulumi resolves them.
const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc = pulumiRequire("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const { Struct } = pulumiRequire("google-protobuf/google/protobuf/struct_pb") as typeof import("google-protobuf/google/protobuf/struct_pb");
const { Empty } = pulumiRequire("google-protobuf/google/protobuf/empty_pb") as typeof import("google-protobuf/google/protobuf/empty_pb");

const toWire: Record<EnforcementLevel, analyzer.EnforcementLevel> = {
    advisory: analyzer.EnforcementLevel.ADVISORY,
    mandatory: analyzer.EnforcementLevel.MANDATORY,
    disabled: analyzer.EnforcementLevel.DISABLED,
    remediate: analyzer.EnforcementLevel.REMEDIATE,
};
const fromWire = Object.fromEntries(Object.entries(toWire).map(([k, v]) => [v, k])) as Record<number, EnforcementLevel>;

export interface PackInfo {
    readonly name: string;
    readonly version: string;
    readonly supportsConfig: boolean;
    readonly policies: { name: string; enforcementLevel: EnforcementLevel; configurable: boolean }[];
}

/** A Struct holds JSON: undefined fields do not cross the wire. */
const wire = (props: Record<string, unknown>) => JSON.parse(JSON.stringify(props));

function options(r: FixtureResource): analyzer.AnalyzerResourceOptions {
    const opts = new analyzer.AnalyzerResourceOptions();
    opts.setProtect(r.opts.protect);
    opts.setIgnorechangesList([...r.opts.ignoreChanges]);
    opts.setAliasesList([...r.opts.aliases]);
    opts.setAdditionalsecretoutputsList([...r.opts.additionalSecretOutputs]);
    if (r.opts.deleteBeforeReplace !== undefined) {
        opts.setDeletebeforereplacedefined(true);
        opts.setDeletebeforereplace(r.opts.deleteBeforeReplace);
    }
    if (r.opts.parent) opts.setParent(r.opts.parent);
    return opts;
}

function provider(r: FixtureResource): analyzer.AnalyzerProviderResource | undefined {
    if (!r.provider) return undefined;
    const p = new analyzer.AnalyzerProviderResource();
    p.setType(r.provider.type);
    p.setName(r.provider.name);
    p.setUrn(r.provider.urn);
    p.setProperties(Struct.fromJavaScript(wire(r.provider.props)));
    return p;
}

export class PackServer {
    private constructor(
        private readonly child: ChildProcess,
        private readonly client: analyzerRpc.AnalyzerClient,
    ) {}

    /**
     * Starts the pack in policies/ (the runner's working directory, where PolicyPack reads its package.json)
     * and connects. The runner's first argument is the engine address, which a policy pack does not use.
     */
    static async start(timeoutMs = 240_000): Promise<PackServer> {
        const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
        const child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], {
            cwd: path.join(repoRoot, "policies"),
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr += d));
        const port = await new Promise<number>((resolve, reject) => {
            let stdout = "";
            const timer = setTimeout(() => {
                child.kill();
                reject(new Error(`policy pack did not print its port within ${timeoutMs} ms: ${stderr}`));
            }, timeoutMs);
            child.stdout!.on("data", (d) => {
                stdout += d;
                const line = /^(\d+)\s*$/m.exec(stdout);
                if (line) {
                    clearTimeout(timer);
                    resolve(Number(line[1]));
                }
            });
            child.on("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`policy pack exited with ${code}: ${stderr}`));
            });
        });
        const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        return new PackServer(child, client);
    }

    private call<Req, Res>(method: (req: Req, cb: (err: Error | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
        return new Promise((resolve, reject) => method.call(this.client, req, (err, res) => (err ? reject(err) : resolve(res))));
    }

    async info(): Promise<PackInfo> {
        const info = await this.call<InstanceType<typeof Empty>, analyzer.AnalyzerInfo>(this.client.getAnalyzerInfo, new Empty());
        return {
            name: info.getName(),
            version: info.getVersion(),
            supportsConfig: info.getSupportsconfig(),
            policies: info.getPoliciesList().map((p) => ({
                name: p.getName(),
                enforcementLevel: fromWire[p.getEnforcementlevel()],
                configurable: p.hasConfigschema(),
            })),
        };
    }

    /** What the CLI sends after reconciling the config file with the policies' defaults. */
    async configure(config: Record<string, PolicyConfig>): Promise<void> {
        const req = new analyzer.ConfigureAnalyzerRequest();
        for (const [name, { enforcementLevel, properties }] of Object.entries(config)) {
            const c = new analyzer.PolicyConfig();
            c.setEnforcementlevel(toWire[enforcementLevel]);
            c.setProperties(Struct.fromJavaScript(properties as Record<string, never>));
            req.getPolicyconfigMap().set(name, c);
        }
        await this.call(this.client.configure, req);
    }

    private static violations(res: analyzer.AnalyzeResponse): Violation[] {
        return res.getDiagnosticsList().map((d) => ({
            policy: d.getPolicyname(),
            enforcementLevel: fromWire[d.getEnforcementlevel()],
            urn: d.getUrn(),
            // The server sends `description\nmessage`; keep the policy's own message.
            message: d.getMessage().startsWith(`${d.getDescription()}\n`) ? d.getMessage().slice(d.getDescription().length + 1) : d.getMessage(),
        }));
    }

    async analyze(r: FixtureResource): Promise<Violation[]> {
        const req = new analyzer.AnalyzeRequest();
        req.setType(r.type);
        req.setName(r.name);
        req.setUrn(r.urn);
        req.setProperties(Struct.fromJavaScript(wire(r.props)));
        req.setOptions(options(r));
        const p = provider(r);
        if (p) req.setProvider(p);
        const res = await this.call<analyzer.AnalyzeRequest, analyzer.AnalyzeResponse>(this.client.analyze, req);
        // Resource violations carry no URN on the wire; the engine attributes them to the resource analyzed.
        return PackServer.violations(res).map((v) => ({ ...v, urn: v.urn || r.urn }));
    }

    async analyzeStack(resources: readonly FixtureResource[]): Promise<Violation[]> {
        const req = new analyzer.AnalyzeStackRequest();
        req.setResourcesList(
            resources.map((r) => {
                const ar = new analyzer.AnalyzerResource();
                ar.setType(r.type);
                ar.setName(r.name);
                ar.setUrn(r.urn);
                ar.setProperties(Struct.fromJavaScript(wire(r.props)));
                ar.setOptions(options(r));
                const p = provider(r);
                if (p) ar.setProvider(p);
                if (r.parent) ar.setParent(r.parent);
                ar.setDependenciesList([...r.dependencies]);
                return ar;
            }),
        );
        return PackServer.violations(await this.call<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>(this.client.analyzeStack, req));
    }

    /** Every resource through Analyze, then the stack through AnalyzeStack: a preview's policy pass. */
    async analyzeAll(resources: readonly FixtureResource[]): Promise<Violation[]> {
        const perResource = (await Promise.all(resources.map((r) => this.analyze(r)))).flat();
        return [...perResource, ...(await this.analyzeStack(resources))];
    }

    stop(): void {
        this.client.close();
        this.child.kill();
    }
}
