/**
 * Config changes that would replace what a running prod platform holds, refused before anything is deployed.
 *
 * Some keys name or place stateful resources: a new value makes the provider delete the old cluster, bucket or
 * database and create an empty one (or fails half-way through an `up`). Each deployment records the values of
 * these keys as the stack output `replacementTriggers`; the next run reads them back from the stack itself and
 * refuses a change to any of them in prod, naming the key, unless `ml-platform:upgrade.allowReplacement` lists it.
 */
import * as pulumi from "@pulumi/pulumi";
import { cidrContains } from "./cidr";
import { NAMESPACE, show } from "./messages";
import type { PlatformConfig } from "./schema";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** One config key whose change replaces stateful resources. */
export interface ReplacementTrigger {
    /** The key under `ml-platform:`, as a user writes it. */
    readonly key: string;
    /** What a change does ("replaces the ...", "deletes the ..."), for the error message and the README. */
    readonly effect: string;
    /** Its value in a validated config; undefined where the key does not apply (another cluster provider). */
    value(config: PlatformConfig): Json | undefined;
    /** Whether going from `before` to `after` replaces something; any change does unless said otherwise. */
    replacedBy?(before: Json, after: Json): boolean;
}

const cluster = <P extends PlatformConfig["cluster"]["provider"]>(provider: P, get: (c: Extract<PlatformConfig["cluster"], { provider: P }>) => Json) =>
    (config: PlatformConfig): Json | undefined =>
        config.cluster.provider === provider ? get(config.cluster as Extract<PlatformConfig["cluster"], { provider: P }>) : undefined;

/** A switch turned off deletes the component's namespace, its volumes and its database. */
const switchedOff = (before: Json, after: Json) => before === true && after === false;

type ComponentName = keyof PlatformConfig["components"];
const componentData: Record<ComponentName, string> = {
    lakehouse: "the Hive Metastore database and the lakehouse namespace (the bucket data stays)",
    streaming: "the Kafka cluster, its volumes and every topic's records",
    orchestrator: "the Airflow database (DAG runs, connections, variables)",
    tracking: "the MLflow database (experiments, runs, registered models)",
    serving: "every InferenceService",
    monitoring: "Prometheus's volume and Grafana's state",
    compute: "running Spark applications, the Ray cluster and its jobs (event logs stay in the bucket)",
    notebooks: "the JupyterHub database (users, tokens, named servers) and every user's home volume",
    featureStore: "the Feast registry and online store databases (feature definitions, materialized values) and Valkey's volumes (the offline data stays in the bucket)",
};

/** A GCP subnet's primary range can grow in place; any other change replaces the subnet and the cluster in it. */
const notContaining = (before: Json, after: Json) => !cidrContains(String(after), String(before));

const AKS_NETWORK_PROFILE = "replaces the AKS cluster (its network profile is replaced on any change)";
const aksPoolVmSize = (pool: "userPool" | "spotPool" | "gpuPool") => ({
    key: `cluster.${pool}.machineType`,
    effect: "replaces that node pool (its VM size cannot change in place): every pod on it is evicted at once",
    value: cluster("aks", (c) => c[pool]?.machineType ?? null),
    replacedBy: (before: Json, after: Json) => before !== null && after !== null && before !== after,
});

/**
 * Checked against the provider schemas at the pinned versions: terraform-provider-google-beta v7.43.0 (the
 * upstream of @pulumi/gcp 9.34.0: `ForceNew` fields) and @pulumi/azure-native 3.18.0 (replace-on-change
 * properties, and every part of a resource's ID).
 */
export const REPLACEMENT_TRIGGERS: readonly ReplacementTrigger[] = [
    {
        key: "environment",
        effect: "replaces the Kafka node pools and their volumes (dev runs one combined pool, prod separate controllers and brokers)",
        value: (c) => (c.components.streaming ? c.environment : null),
    },
    { key: "cluster.provider", effect: "replaces the cluster and every resource of the platform", value: (c) => c.cluster.provider },
    {
        key: "cluster.name",
        effect: "replaces the cluster, its network and node pools, and every bucket, database server and storage account named after it",
        value: (c) => c.cluster.name,
    },
    { key: "cluster.project", effect: "replaces every GCP resource of the platform (cluster, Cloud SQL, buckets)", value: cluster("gke", (c) => c.project) },
    { key: "cluster.region", effect: "replaces the GKE cluster, its subnet, the Cloud SQL instance and the buckets", value: cluster("gke", (c) => c.region) },
    { key: "cluster.network.masterCidr", effect: "replaces the GKE cluster (its private control-plane range cannot change)", value: cluster("gke", (c) => c.network.masterCidr) },
    {
        key: "cluster.network.nodesCidr",
        effect: "replaces the nodes' subnet and the GKE cluster in it (the range may only grow to one containing the old)",
        value: cluster("gke", (c) => c.network.nodesCidr),
        replacedBy: notContaining,
    },
    { key: "cluster.location", effect: "replaces the resource group and everything in it (AKS, Flexible Server, storage)", value: cluster("aks", (c) => c.location) },
    { key: "cluster.network.podsCidr", effect: AKS_NETWORK_PROFILE, value: cluster("aks", (c) => c.network.podsCidr) },
    { key: "cluster.network.servicesCidr", effect: AKS_NETWORK_PROFILE, value: cluster("aks", (c) => c.network.servicesCidr) },
    { key: "cluster.network.dnsServiceIp", effect: AKS_NETWORK_PROFILE, value: cluster("aks", (c) => c.network.dnsServiceIp) },
    aksPoolVmSize("userPool"),
    aksPoolVmSize("spotPool"),
    aksPoolVmSize("gpuPool"),
    ...(Object.keys(componentData) as ComponentName[]).map((name) => ({
        key: `components.${name}`,
        effect: `deletes ${componentData[name]}`,
        value: (c: PlatformConfig) => c.components[name],
        replacedBy: switchedOff,
    })),
    {
        key: "streaming.topics",
        effect: "deletes every topic removed from the list, with its records",
        value: (c) => (c.components.streaming ? c.streaming.topics.map((t) => t.name).sort() : null),
        replacedBy: (before, after) => Array.isArray(before) && Array.isArray(after) && before.some((t) => !after.includes(t)),
    },
];

/** The keys `ml-platform:upgrade.allowReplacement` may list. */
export const TRIGGER_KEYS = REPLACEMENT_TRIGGERS.map((t) => t.key);

/** Recorded with the triggers: the guard holds when the deployed or the new config is prod. */
const ENVIRONMENT = "deployedEnvironment";

/** The value of every trigger that applies to this config, by key: what the stack records as an output. */
export function replacementTriggers(config: PlatformConfig): Record<string, Json> {
    const values: Record<string, Json> = { [ENVIRONMENT]: config.environment };
    for (const t of REPLACEMENT_TRIGGERS) {
        const value = t.value(config);
        if (value !== undefined) values[t.key] = value;
    }
    return values;
}

/**
 * The problems with going from the deployed trigger values to this config's: every changed trigger of a prod
 * stack (before or after the change) that `upgrade.allowReplacement` does not list.
 */
export function replacementProblems(deployed: Record<string, Json> | undefined, config: PlatformConfig): string[] {
    if (!deployed || (config.environment !== "prod" && deployed[ENVIRONMENT] !== "prod")) return [];
    const current = replacementTriggers(config);
    const allowed = new Set(config.upgrade.allowReplacement);
    const problems: string[] = [];
    for (const t of REPLACEMENT_TRIGGERS) {
        const [before, after] = [deployed[t.key], current[t.key]];
        if (before === undefined || after === undefined || allowed.has(t.key)) continue;
        const replaced = t.replacedBy ? t.replacedBy(before, after) : JSON.stringify(before) !== JSON.stringify(after);
        if (!replaced) continue;
        problems.push(
            `${NAMESPACE}:${t.key}: got ${show(after)}; expected ${show(before)} as deployed: this ${t.effect}. ` +
                `To do it anyway, list "${t.key}" in ${NAMESPACE}:upgrade.allowReplacement for that one update.`,
        );
    }
    return problems;
}

/** The trigger values recorded by this stack's last deployment (undefined on its first), read from the stack itself. */
export async function deployedTriggers(): Promise<Record<string, Json> | undefined> {
    const self = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`);
    const { value } = await self.getOutputDetails(TRIGGERS_OUTPUT);
    return value as Record<string, Json> | undefined;
}

/** The stack output that records the trigger values. */
export const TRIGGERS_OUTPUT = "replacementTriggers";
