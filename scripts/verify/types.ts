/**
 * What `npm run verify` reads from a stack and what it produces: the stack outputs it needs, a check as a plan plus
 * the function that reads the plan's result, and the report.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionRecord as DeclaredConnection } from "../../components/network/spec";

/** One connection the platform makes, as the stack output `connections` holds it (values resolved). */
export type ConnectionRecord = pulumi.Unwrap<DeclaredConnection>;

/** The stack outputs verify reads (`pulumi stack output --json --show-secrets`). */
export interface StackOutputs {
    readonly endpoints?: Record<string, { internal: string; external?: string }>;
    readonly credentials?: Record<string, { username: string; password: string }>;
    readonly kubeconfig?: string;
    /** Absent on stacks deployed before the output existed. */
    readonly connections?: ConnectionRecord[];
}

/** A Pod manifest, as `kubectl apply` takes it. */
export interface PodManifest {
    apiVersion: "v1";
    kind: "Pod";
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: Record<string, any>;
}

/**
 * How a check runs:
 * - `pod`: a short-lived pod in the client's namespace (its logs are the result's stdout, its exit code the code);
 * - `kubectl`: a read-only kubectl command from the runner (`get ... -o json`);
 * - `trino-http`: a query from the runner through the ingress, following `nextUri` (each response's body, then a
 *   line `@@status <code>`, as the in-cluster pod prints them).
 */
export type Plan =
    | { readonly type: "pod"; readonly manifest: PodManifest }
    | { readonly type: "kubectl"; readonly args: readonly string[] }
    | {
          readonly type: "trino-http";
          readonly url: string;
          readonly auth?: { readonly username: string; readonly password: string };
          /** Skip TLS verification (dev only: a cluster-local CA the runner does not trust). */
          readonly insecure: boolean;
      }
    | { readonly type: "skip"; readonly reason: string };

/** What running a plan gave: the exit code (0 for a successful HTTP exchange) and the output. */
export interface Outcome {
    readonly exitCode: number;
    readonly stdout: string;
    /** kubectl's error output, or the runner's own error (a pod that never started, a refused connection). */
    readonly stderr?: string;
}

export interface Verdict {
    readonly status: "pass" | "fail" | "skip";
    readonly reason: string;
}

export interface Check {
    /** Short, unique: `trino (ingress)`, `kafka ml-orchestrator -> ...`. */
    readonly name: string;
    readonly plan: Plan;
    readonly interpret: (outcome: Outcome) => Verdict;
}

export interface CheckResult extends Verdict {
    readonly name: string;
    readonly seconds: number;
}

export interface Report {
    readonly stack: string;
    readonly results: readonly CheckResult[];
    /** Seconds from the start (of `up` when the caller says when it started, else of verify) to every check passing. */
    readonly secondsToAllPassing?: number;
}
