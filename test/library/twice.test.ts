import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { FeatureStore, Lakehouse, ObjectStorage, Orchestrator, PostgresServer, Tracking } from "../../components";
import { fakeObjectStore, fakePostgres } from "../fakes";
import { runProgram } from "../harness";

/**
 * The components a team may run twice in one cluster (two MLflows, two lakehouses, two Airflows, two feature stores) on one Postgres and
 * one object store. Not in it: the ones that install a cluster-wide operator with its CRDs (cert-manager, Traefik,
 * Strimzi, KServe, the Prometheus operator, the Spark operator and KubeRay), of which a cluster holds one.
 */
function twoOfEach() {
    const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
    const opts = { providers: [provider] };
    const buckets = ["mlflow", "mlflow-b", "bronze", "silver", "gold", "bronze-b", "silver-b", "gold-b", "airflow-logs", "airflow-logs-b"];
    const objectStore = new ObjectStorage("storage", { flavor: "minio", environment: "dev", buckets }, opts);
    const postgres = new PostgresServer("postgres", { flavor: "in-cluster", environment: "dev" }, opts);
    const shared = { environment: "dev" as const, objectStore, postgres };
    new Tracking("tracking", shared, opts);
    new Tracking("tracking-b", { ...shared, namespace: "ml-tracking-b", database: "mlflow_b", artifactsBucket: "mlflow-b" }, opts);
    new Lakehouse("lakehouse", shared, opts);
    new Lakehouse("lakehouse-b", { ...shared, namespace: "ml-lakehouse-b", metastoreDatabase: "metastore_b", zones: { bronze: "bronze-b", silver: "silver-b", gold: "gold-b" } }, opts);
    new Orchestrator("orchestrator", shared, opts);
    new Orchestrator("orchestrator-b", { ...shared, namespace: "ml-orchestrator-b", database: "airflow_b", logBucket: "airflow-logs-b" }, opts);
    new FeatureStore("features", shared, opts);
    new FeatureStore("features-b", { ...shared, namespace: "ml-featurestore-b", database: "feast_b", offlineBuckets: ["gold-b"] }, opts);
}

describe("library: two instances of a component in one program, on one Postgres and one object store", () => {
    it("no two Kubernetes objects share a kind, namespace and name, and no two instances share a database", async () => {
        const run = await runProgram(twoOfEach);
        const objects = run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== "pulumi:providers:kubernetes");
        // Objects without a name get Pulumi's unique auto-name (the one-shot schema Jobs): they cannot clash.
        const identity = (r: (typeof objects)[number]) =>
            r.type === "kubernetes:helm.sh/v3:Release"
                ? `${r.type} ${r.inputs.namespace}/${r.inputs.name}`
                : `${r.type} ${r.inputs.metadata?.namespace ?? ""}/${r.inputs.metadata?.name ?? `auto:${r.urn}`}`;
        const seen = new Map<string, string[]>();
        for (const r of objects) seen.set(identity(r), [...(seen.get(identity(r)) ?? []), r.name]);
        assert.deepEqual([...seen].filter(([, names]) => names.length > 1), []);

        const databases = run.byType("kubernetes:batch/v1:Job").map((j) => j.inputs.metadata?.labels?.["ml-platform/database"]).filter(Boolean);
        assert.deepEqual(databases.sort(), ["airflow", "airflow-b", "feast", "feast-b", "feast-b-online", "feast-online", "metastore", "metastore-b", "mlflow", "mlflow-auth", "mlflow-b", "mlflow-b-auth"]);
    });

    it("a database name Postgres would refuse is refused before anything is registered", async () => {
        const run = await runProgram(() => {
            try {
                return new Tracking("t", { environment: "dev", objectStore: fakeObjectStore("minio", ["mlflow"]), postgres: fakePostgres("in-cluster"), database: "pg_mlflow" }, { providers: [new k8s.Provider("k8s", { kubeconfig: "{}" })] });
            } catch (e) {
                return e as Error;
            }
        });
        assert.match(String(run.result), /database "pg_mlflow": the name is reserved/);
        assert.deepEqual(run.resources.filter((r) => r.type.startsWith("mlplatform:")), []);
    });
});
