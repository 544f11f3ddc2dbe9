import * as k8s from "@pulumi/kubernetes";
import { Streaming, StreamingArgs } from "../../components/streaming";
import { runProgram, RunResult } from "../harness";
import { fakePostgres, FakePostgres } from "./fake-postgres";

const mockPasswords = { "random:index/randomPassword:RandomPassword": (_: unknown, name: string) => ({ result: `mock-scram-${name}-9f3a` }) };

/** Runs the component under mocks with an explicit provider and a fake Postgres (one run per test file). */
export async function deploy(args: (pg: FakePostgres) => StreamingArgs) {
    const pg = fakePostgres();
    const run = await runProgram(
        () => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            return new Streaming("streaming", args(pg), { providers: [provider] });
        },
        { outputs: mockPasswords },
    );
    return { run, pg };
}

export const CR = (kind: string) => `kubernetes:kafka.strimzi.io/v1:${kind}`;
export const strimziRelease = (run: RunResult<unknown>) => run.byType("kubernetes:helm.sh/v3:Release").find((r) => r.name === "streaming-strimzi")!;

export const cdc = (pg: FakePostgres, image: NonNullable<StreamingArgs["cdc"]>["image"]): StreamingArgs["cdc"] => ({
    postgres: pg,
    connectors: [{ name: "source", tables: ["public.customers", "public.orders"] }],
    image,
});
