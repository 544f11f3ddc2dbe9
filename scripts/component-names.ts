/**
 * The names each component creates with its defaults (dev, on the in-cluster MinIO and Postgres), for the component
 * reference: Kubernetes objects as `Kind namespace/name`, Helm releases, and the databases it asks Postgres for. Run
 * under Pulumi's mocks, so it is what the code registers, not what a comment says.
 */
import * as k8s from "@pulumi/kubernetes";
import { CertManager, Compute, FeatureStore, Ingress, Lakehouse, Monitoring, Notebooks, ObjectStorage, Orchestrator, PostgresServer, Serving, Streaming, Tracking } from "../components";
import { Registration, runProgram } from "../test/harness";

function everyComponentWithDefaults() {
    const opts = { providers: [new k8s.Provider("k8s", { kubeconfig: "{}" })] };
    const buckets = ["mlflow", "bronze", "silver", "gold", "airflow-logs", "models", "spark-logs", "notebooks"];
    const objectStore = new ObjectStorage("storage", { flavor: "minio", environment: "dev", buckets }, opts);
    const postgres = new PostgresServer("postgres", { flavor: "in-cluster", environment: "dev" }, opts);
    const shared = { environment: "dev" as const, objectStore, postgres };
    const certs = new CertManager("cert-manager", { environment: "dev" }, opts);
    new Ingress("ingress", { environment: "dev" }, opts);
    new Tracking("tracking", shared, opts);
    const lakehouse = new Lakehouse("lakehouse", shared, opts);
    new FeatureStore("featurestore", shared, opts);
    new Serving("serving", { environment: "dev", certManager: certs.release!, objectStore }, opts);
    new Streaming("streaming", { environment: "dev" }, opts);
    new Orchestrator("orchestrator", shared, opts);
    new Compute("compute", { environment: "dev", objectStore, lakehouse }, opts);
    new Monitoring("monitoring", { environment: "dev", postgres }, opts);
    new Notebooks("notebooks", { ...shared, buckets: ["notebooks"], url: "http://notebooks.localtest.me" }, opts);
}

/** `Kind namespace/name` of a Kubernetes object, `Release namespace/name` of a Helm release. */
function identity(r: Registration): string | undefined {
    if (!r.custom || !r.type.startsWith("kubernetes:") || r.type.includes("Patch")) return undefined;
    if (r.type === "kubernetes:helm.sh/v3:Release") return `Release ${r.inputs.namespace}/${r.inputs.name}`;
    const kind = r.type.split(":").pop()!;
    const name = r.inputs.metadata?.name ?? "(generated)";
    return `${kind} ${r.inputs.metadata?.namespace ? `${r.inputs.metadata.namespace}/` : ""}${name}`;
}

/** Component type name (e.g. `Tracking`) to the sorted identities of what it and the calls it made created. */
export async function namesCreated(): Promise<Record<string, string[]>> {
    const run = await runProgram(everyComponentWithDefaults, { stack: "dev" });
    const names: Record<string, Set<string>> = {};
    for (const r of run.resources) {
        // The URN's type is qualified by every ancestor's: its first part is the top component.
        const top = r.urn.split("::")[2].split("$")[0];
        const id = identity(r);
        if (!top.startsWith("mlplatform:") || !id) continue;
        (names[top.split(":")[2]] ??= new Set()).add(id);
    }
    return Object.fromEntries(Object.entries(names).map(([c, ids]) => [c, [...ids].sort()]));
}
