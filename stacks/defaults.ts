/**
 * Per-environment defaults, as data. A stack file sets only what differs; its values are merged over
 * these (objects key by key, arrays and scalars replaced) before validation.
 * dev: small and cheap. prod: spread over zones, room to autoscale, protected against deletion.
 */
import { clusterDefaults } from "../components/cluster/defaults";

export type Environment = "dev" | "prod";

/** The dev example model (KServe's public iris classifier). */
const exampleModel = { name: "sklearn-iris", modelFormat: "sklearn", storageUri: "gs://kfserving-examples/models/sklearn/1.0/model" };

/** Every component on; what each needs set explicitly is named by the validation errors. */
const allComponents = { lakehouse: true, streaming: true, orchestrator: true, tracking: true, serving: true, monitoring: true, compute: true, featureStore: true, notebooks: true };

export interface Defaults {
    /** Per cluster provider. */
    readonly cluster: Record<string, Record<string, unknown>>;
    /** Every other top-level key. */
    readonly sections: Record<string, unknown>;
}

export const environmentDefaults: Record<Environment, Defaults> = {
    dev: {
        sections: {
            components: allComponents,
            lakehouse: {},
            streaming: { topics: [], cdc: { tables: [] } },
            orchestrator: { executor: "KubernetesExecutor" },
            serving: { models: [exampleModel] },
            monitoring: {},
            // Operators only: the dev budget has no room for a standing Ray head or the History Server.
            compute: { spark: { historyServer: false }, ray: { cluster: false } },
            // Online features in the platform's Postgres: no extra server in the dev budget.
            featureStore: { onlineStore: "postgres" },
            // The hub and the proxy only; user servers start on demand and stop after 30 idle minutes.
            notebooks: { storageSize: "5Gi", idleTimeoutMinutes: 30 },
            upgrade: { allowReplacement: [] },
            // Single sign-on everywhere; the provider follows the cluster (Dex on kind, see clusterDependentDefaults).
            ingress: { auth: "sso" },
            sso: {},
        },
        cluster: clusterDefaults.dev,
    },
    prod: {
        sections: {
            components: allComponents,
            lakehouse: {},
            streaming: { topics: [], cdc: { tables: [] } },
            orchestrator: { executor: "KubernetesExecutor" },
            serving: { models: [] },
            monitoring: {},
            compute: { spark: { historyServer: true }, ray: { cluster: true } },
            featureStore: { onlineStore: "postgres" },
            notebooks: { storageSize: "20Gi", idleTimeoutMinutes: 60 },
            upgrade: { allowReplacement: [] },
            // Single sign-on through the organisation's provider, which only it can name: ssoRules asks for
            // ml-platform:sso.provider (or an explicit ml-platform:ingress.auth "basic").
            ingress: { auth: "sso" },
            sso: {},
        },
        cluster: clusterDefaults.prod,
    },
};

/**
 * Defaults that follow the cluster rather than the environment: only a kind node maps host ports to the laptop,
 * and only kind has an in-cluster registry for the CDC Connect image (a cloud stack names its own registry).
 */
export function clusterDependentDefaults(clusterProvider: unknown): Record<string, unknown> {
    if (clusterProvider !== "kind") return { ingress: { exposure: "public" } };
    return {
        ingress: { exposure: "kind", domain: "localtest.me" },
        // Dex in the cluster: dev logs in offline, with a generated admin.
        sso: { provider: "dex" },
        // Declared but idle until the table exists: create public.orders in the `source` database.
        streaming: { cdc: { tables: ["public.orders"] } },
        // The example model logs its traffic through the feedback loop (topic, bronze table, drift metrics); its
        // Connect image goes to the in-cluster registry, as CDC's (a cloud stack names a registry and opts in).
        serving: { models: [{ ...exampleModel, feedback: { logging: true } }] },
    };
}

/** The cluster name a stack gets when its file sets none. */
export function defaultClusterName(project: string, stack: string): string {
    return `${project}-${stack}`;
}
