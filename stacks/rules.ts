/**
 * The rules that relate one config value to another, or to what a component and the cloud will accept later:
 * cross-field bounds, network layout, storage URIs, sections of switched-off components, credentials in URLs, and
 * every check a component makes on config-derived values. They run on the merged config whether or not the schema
 * accepted it (each rule reads only values of the type it needs), so one run reports every problem.
 */
import { monitoringSizing, sizeBytes } from "../components/monitoring/values";
import { sizing as streamingSizing } from "../components/streaming/sizing";
import { topicResourceName } from "../components/streaming/config";
import { addressInCidr, cidrContains, cidrRe, cidrsOverlap, canonicalCidr, ipInCidr, ipv4Re, isCanonicalCidr, isPrivateCidr } from "./cidr";
import { requiredBuckets } from "./data";
import type { PlatformConfig } from "./schema";
import { keyName, NAMESPACE, problem, show } from "./messages";

type Raw = Record<string, unknown>;
type Path = (string | number)[];
const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
const obj = (v: unknown): Raw => (isObject(v) ? v : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === "number" && Number.isInteger(v) ? v : undefined);
const cidrAt = (v: unknown): string | undefined => (typeof v === "string" && cidrRe.test(v) ? v : undefined);

/** What a rule needs besides the config: whether the secret kubeconfig is set, and how to look for a file. */
export interface RuleContext {
    readonly kubeconfigSecretSet: boolean;
    /** Whether the secret `ml-platform:alertsSecret` (the alert receiver's URL or password) is set. */
    readonly alertsSecretSet?: boolean;
    /** Whether the secret `ml-platform:ssoClientSecret` (the OIDC provider's client secret) is set. */
    readonly ssoClientSecretSet?: boolean;
    readonly fileExists: (path: string) => boolean;
}

export function configRules(config: Raw, user: Raw, ctx: RuleContext): string[] {
    const problems: string[] = [];
    const add = (path: Path, value: unknown, expected: string) => problems.push(problem(path, value, expected));
    const env = str(config.environment) === "prod" ? "prod" : "dev";
    const cluster = obj(config.cluster);
    const provider = str(cluster.provider);
    const knownProvider = provider === "kind" || provider === "gke" || provider === "aks" || provider === "existing";
    const on = obj(config.components);

    clusterRules(cluster, provider, ctx, add);
    if (provider === "gke") gcsBucketNameRules(cluster, on, add);
    if (provider === "existing") existingBucketRules(cluster, on, add);

    // Environment and cluster: only when the provider is one we know, so a misspelled provider yields one problem.
    if (knownProvider) {
        const onKind = provider === "kind";
        const ingress = obj(config.ingress);
        const exposure = str(ingress.exposure);
        if (exposure !== undefined && ["kind", "public", "internal"].includes(exposure) && (exposure === "kind") !== onKind) {
            add(["ingress", "exposure"], exposure, onKind ? '"kind" on a kind cluster' : '"public" or "internal": "kind" binds host ports only a kind node maps');
        }
        if (!onKind) {
            if (ingress.tls === undefined) add(["ingress", "tls"], undefined, `a certificate issuer when ${NAMESPACE}:cluster.provider is "${provider}": every route off kind is HTTPS`);
            if (ingress.domain === undefined) add(["ingress", "domain"], undefined, `the DNS domain of the UIs (<ui>.<domain>) when ${NAMESPACE}:cluster.provider is "${provider}"`);
        }
        if (str(config.environment) === "prod" && provider === "kind") {
            add(["environment"], "prod", `"dev" with ${NAMESPACE}:cluster.provider "kind": prod needs managed Postgres and object storage (gke or aks, or an existing cluster with its own)`);
        }
        if (str(config.environment) === "prod" && provider === "existing") {
            // The in-cluster Postgres StatefulSet and MinIO are dev footprints: prod brings its own data services.
            for (const key of ["postgres", "objectStorage"]) {
                if (cluster[key] === undefined) add(["cluster", key], undefined, `an existing ${key === "postgres" ? "Postgres server" : "S3-compatible store"} when ${NAMESPACE}:environment is "prod" on cluster.provider "existing" (the in-cluster one is for dev)`);
            }
        }
        const cdc = obj(obj(config.streaming).cdc);
        if (on.streaming === true && list(cdc.tables).length > 0 && !onKind && provider !== "existing") {
            for (const key of ["imageRepository", "pushSecretName"]) {
                if (cdc[key] === undefined) {
                    add(["streaming", "cdc", key], undefined, "a value when CDC tables are set on a cloud cluster (Strimzi pushes the Connect image with the Debezium plugin there)");
                }
            }
        }
        const logged = list(obj(config.serving).models).some((m) => obj(obj(m).feedback).logging === true);
        if (on.streaming === true && on.lakehouse === true && on.serving === true && logged && list(cdc.tables).length === 0 && !onKind && provider !== "existing") {
            for (const key of ["imageRepository", "pushSecretName"]) {
                if (cdc[key] === undefined) {
                    add(["streaming", "cdc", key], undefined, "a value when a model logs to the feedback loop on a cloud cluster (Strimzi pushes the Kafka Connect image with the Iceberg sink there)");
                }
            }
        }
    }

    disabledSectionRules(user, on, add);
    urlCredentialRules(config, add);
    lakehouseRules(obj(config.lakehouse), add);
    computeRules(obj(config.compute), on, add);
    featureStoreRules(obj(config.featureStore), on, env, add);
    streamingRules(obj(config.streaming), env, add);
    orchestratorRules(obj(config.orchestrator), add);
    servingRules(obj(config.serving), on, provider, add, obj(user.serving).models !== undefined, obj(obj(cluster.objectStorage).buckets));
    monitoringRules(obj(user.monitoring), env, add);
    alertRules(obj(config.monitoring).alerts, ctx.alertsSecretSet ?? false, add);
    // Like the other environment rules: only for a cluster provider we know (one problem for a misspelled one).
    if (knownProvider) ssoRules(config, provider, ctx.ssoClientSecretSet ?? false, add);
    return problems;
}

/** The keys each single sign-on provider needs, by name; none of them when the fallback `ingress.auth: basic` is chosen. */
function ssoRules(config: Raw, clusterProvider: string | undefined, secretSet: boolean, add: Add) {
    const auth = str(obj(config.ingress).auth);
    const sso = obj(config.sso);
    const provider = str(sso.provider);
    if (auth !== "sso") {
        if (!secretSet) return;
        add(["ssoClientSecret"], "(set)", `no secret when ${keyName(["ingress", "auth"])} is "${auth}" (nothing reads it), or ${keyName(["ingress", "auth"])} "sso"`);
        return;
    }
    if (provider === undefined) {
        add(
            ["sso", "provider"],
            undefined,
            `the organisation's OIDC provider ("google", "entra" or "oidc") when ${keyName(["ingress", "auth"])} is "sso" and ${keyName(["cluster", "provider"])} is "${clusterProvider}" ` +
                `(see README "Single sign-on"), or ${keyName(["ingress", "auth"])} "basic" for the generated basic-auth logins`,
        );
        return;
    }
    if (provider === "dex") {
        if (clusterProvider !== undefined && clusterProvider !== "kind") {
            add(["sso", "provider"], "dex", `"google", "entra" or "oidc" on a ${clusterProvider} cluster: Dex is the offline provider of kind (in-memory, one generated admin)`);
        }
        for (const key of ["clientId", "tenantId", "issuerUrl", "authorizeUrl", "tokenUrl", "userInfoUrl", "groupsClaim"]) {
            if (sso[key] !== undefined) add(["sso", key], sso[key], `nothing with ${keyName(["sso", "provider"])} "dex" (Dex's clients are generated)`);
        }
        if (secretSet) add(["ssoClientSecret"], "(set)", `no secret with ${keyName(["sso", "provider"])} "dex" (Dex's client secrets are generated)`);
        return;
    }
    if (!["google", "entra", "oidc"].includes(provider)) return;
    if (sso.users !== undefined) add(["sso", "users"], sso.users, `nothing with ${keyName(["sso", "provider"])} "${provider}": users and groups live in the provider (README "Single sign-on")`);
    if (sso.clientId === undefined) add(["sso", "clientId"], undefined, `the client (application) ID registered with ${provider} (README "Single sign-on")`);
    if (!secretSet) add(["ssoClientSecret"], undefined, `the client secret from ${provider} as a secret (pulumi config set --secret ssoClientSecret ...)`);
    const only = (key: string, who: string) => {
        if (sso[key] !== undefined && provider !== who) add(["sso", key], sso[key], `nothing with ${keyName(["sso", "provider"])} "${provider}" (only "${who}" takes it)`);
    };
    only("tenantId", "entra");
    for (const key of ["issuerUrl", "authorizeUrl", "tokenUrl", "userInfoUrl", "groupsClaim"]) only(key, "oidc");
    if (provider === "entra" && sso.tenantId === undefined) add(["sso", "tenantId"], undefined, `the Entra ID directory (tenant) ID with ${keyName(["sso", "provider"])} "entra"`);
    if (provider === "oidc") {
        for (const key of ["issuerUrl", "authorizeUrl", "tokenUrl", "userInfoUrl"]) {
            if (sso[key] === undefined) add(["sso", key], undefined, `the issuer's ${key === "issuerUrl" ? "URL" : key.replace(/Url$/, " endpoint")} with ${keyName(["sso", "provider"])} "oidc" (from its /.well-known/openid-configuration)`);
        }
    }
    if (provider === "google") {
        // Google's ID tokens carry no groups; and any Google account would pass without a domain.
        for (const key of ["adminGroups", "allowedGroups"]) {
            if (list(sso[key]).length) add(["sso", key], sso[key], `nothing with ${keyName(["sso", "provider"])} "google": its tokens carry no groups (use ${keyName(["sso", "adminUsers"])} and ${keyName(["sso", "emailDomains"])})`);
        }
        if (!list(sso.emailDomains).length) add(["sso", "emailDomains"], sso.emailDomains, `the organisation's e-mail domains with ${keyName(["sso", "provider"])} "google", such as ["acme.io"]: any Google account could log in otherwise`);
    }
    if (provider === "oidc" && sso.groupsClaim === undefined) {
        for (const key of ["adminGroups", "allowedGroups"]) {
            if (list(sso[key]).length) add(["sso", key], sso[key], `${keyName(["sso", "groupsClaim"])} set too: without it the tokens' groups are not read`);
        }
    }
}

type Add = (path: Path, value: unknown, expected: string) => void;

const POOLS: Record<string, string[]> = { gke: ["systemPool", "workloadPool", "spotPool", "gpuPool"], aks: ["systemPool", "userPool", "spotPool", "gpuPool"] };
/** Ranges AKS keeps for itself: pods and services may not overlap them. */
const AKS_RESERVED = ["169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"];

function clusterRules(cluster: Raw, provider: string | undefined, ctx: RuleContext, add: Add) {
    for (const pool of POOLS[provider ?? ""] ?? []) {
        const p = obj(cluster[pool]);
        const [min, max] = [int(p.minNodes), int(p.maxNodes)];
        if (min !== undefined && max !== undefined && min > max) {
            add(["cluster", pool, "maxNodes"], max, `at least ${keyName(["cluster", pool, "minNodes"])} (${min})`);
        }
    }
    if (provider === "kind") {
        const [http, https] = [int(cluster.httpPort), int(cluster.httpsPort)];
        if (http !== undefined && http === https) {
            add(["cluster", "httpsPort"], https, `a host port other than ${keyName(["cluster", "httpPort"])} (${http}): each is its own mapping to the ingress`);
        }
    }
    if (provider === "gke") gkeNetworkRules(cluster, add);
    if (provider === "aks") aksNetworkRules(cluster, add);
    if (provider === "gke" || provider === "aks") {
        const key = provider === "gke" ? "masterAuthorizedNetworks" : "authorizedIpRanges";
        list(cluster[key]).forEach((entry, i) => {
            const path: Path = provider === "gke" ? ["cluster", key, i, "cidr"] : ["cluster", key, i];
            const cidr = cidrAt(provider === "gke" ? obj(entry).cidr : entry);
            if (cidr && !isCanonicalCidr(cidr)) add(path, cidr, canonicalHint(cidr));
        });
    }
    if (provider === "existing") existingClusterRules(cluster, ctx, add);
}

/** Every bucket the enabled components use has a real name in `cluster.objectStorage.buckets`, and no name is used twice. */
function existingBucketRules(cluster: Raw, on: Raw, add: Add) {
    const store = obj(cluster.objectStorage);
    if (cluster.objectStorage === undefined || !isObject(store.buckets)) return;
    const names = store.buckets as Record<string, unknown>;
    const needed = requiredBuckets(on as PlatformConfig["components"]);
    const missing = needed.filter((b) => typeof names[b] !== "string");
    if (missing.length) add(["cluster", "objectStorage", "buckets"], Object.keys(names), `a real bucket name for each of ${needed.join(", ")} (missing: ${missing.join(", ")})`);
    const seen = new Map<string, string>();
    for (const b of needed) {
        const real = names[b];
        if (typeof real !== "string") continue;
        if (seen.has(real)) add(["cluster", "objectStorage", "buckets", b], real, `a bucket of its own ("${real}" is already ${seen.get(real)}'s)`);
        seen.set(real, b);
    }
}

const canonicalHint = (cidr: string) => `a range without host bits, such as "${canonicalCidr(cidr)}"`;

/** Canonical and private ranges; returns the ones that are, by key, for the overlap checks. */
function checkRanges(network: Raw, keys: string[], add: Add): Record<string, string> {
    const ok: Record<string, string> = {};
    for (const key of keys) {
        const cidr = cidrAt(network[key]);
        if (!cidr) continue;
        if (!isCanonicalCidr(cidr)) add(["cluster", "network", key], cidr, canonicalHint(cidr));
        else if (!isPrivateCidr(cidr)) add(["cluster", "network", key], cidr, "a private range (inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10)");
        else ok[key] = cidr;
    }
    return ok;
}

function overlapRules(ranges: Record<string, string>, pairs: [string, string][], add: Add) {
    for (const [a, b] of pairs) {
        if (ranges[a] && ranges[b] && cidrsOverlap(ranges[a], ranges[b])) {
            add(["cluster", "network", b], ranges[b], `a range that does not overlap ${keyName(["cluster", "network", a])} ("${ranges[a]}")`);
        }
    }
}

function gkeNetworkRules(cluster: Raw, add: Add) {
    const network = obj(cluster.network);
    const keys = ["nodesCidr", "podsCidr", "servicesCidr", "masterCidr"];
    const ranges = checkRanges(network, keys, add);
    overlapRules(ranges, keys.flatMap((a, i) => keys.slice(i + 1).map((b): [string, string] => [a, b])), add);
}

function aksNetworkRules(cluster: Raw, add: Add) {
    const network = obj(cluster.network);
    const ranges = checkRanges(network, ["vnetCidr", "nodesCidr", "databaseCidr", "podsCidr", "servicesCidr"], add);
    // The nodes' and the database's subnets are carved out of the VNet; pods (overlay) and services are not in it.
    for (const key of ["nodesCidr", "databaseCidr"]) {
        if (ranges.vnetCidr && ranges[key] && !cidrContains(ranges.vnetCidr, ranges[key])) {
            add(["cluster", "network", key], ranges[key], `a subnet inside ${keyName(["cluster", "network", "vnetCidr"])} ("${ranges.vnetCidr}")`);
            delete ranges[key];
        }
    }
    overlapRules(ranges, [["nodesCidr", "databaseCidr"], ["vnetCidr", "podsCidr"], ["vnetCidr", "servicesCidr"], ["podsCidr", "servicesCidr"]], add);
    for (const key of ["podsCidr", "servicesCidr"]) {
        const reserved = ranges[key] && AKS_RESERVED.find((r) => cidrsOverlap(r, ranges[key]));
        if (reserved) add(["cluster", "network", key], ranges[key], `a range outside ${reserved}, which AKS reserves`);
    }
    const dns = str(network.dnsServiceIp);
    const services = cidrAt(network.servicesCidr);
    if (dns && ipv4Re.test(dns) && services) {
        if (!ipInCidr(dns, services)) {
            add(["cluster", "network", "dnsServiceIp"], dns, `an address inside ${keyName(["cluster", "network", "servicesCidr"])} ("${services}")`);
        } else if (dns === addressInCidr(services, 0) || dns === addressInCidr(services, 1)) {
            add(["cluster", "network", "dnsServiceIp"], dns, `an address other than the first two of ${keyName(["cluster", "network", "servicesCidr"])} (the range's own address and the kubernetes Service's), such as "${addressInCidr(services, 10)}"`);
        }
    }
}

/** GCS bucket names are `<project>-<cluster name>-<bucket>`, at most 63 characters (components/storage/names.ts). */
function gcsBucketNameRules(cluster: Raw, on: Raw, add: Add) {
    const [project, name] = [str(cluster.project), str(cluster.name)];
    if (!project || !name) return;
    const buckets = requiredBuckets({ lakehouse: on.lakehouse === true, streaming: false, orchestrator: on.orchestrator === true, tracking: on.tracking === true, serving: on.serving === true, monitoring: false, compute: on.compute === true, featureStore: false, notebooks: on.notebooks === true });
    const longest = buckets.reduce((a, b) => (b.length > a.length ? b : a), "");
    const bucket = `${project}-${name}-${longest}`;
    if (longest && bucket.length > 63) {
        add(["cluster", "name"], name, `at most ${63 - project.length - longest.length - 2} characters with ${keyName(["cluster", "project"])} "${project}": GCS bucket names are <project>-<cluster name>-<bucket>, at most 63 characters ("${bucket}" is ${bucket.length})`);
    }
}

function existingClusterRules(cluster: Raw, ctx: RuleContext, add: Add) {
    const path = str(cluster.kubeconfigPath);
    if (path && ctx.kubeconfigSecretSet) {
        add(["cluster", "kubeconfigPath"], path, `it unset when the secret ${NAMESPACE}:kubeconfig is set (choose one)`);
    } else if (!path && !ctx.kubeconfigSecretSet) {
        add(["cluster", "kubeconfigPath"], undefined, `a kubeconfig file path, or the secret ${NAMESPACE}:kubeconfig, when ${NAMESPACE}:cluster.provider is "existing"`);
    } else if (path && !ctx.fileExists(path)) {
        add(["cluster", "kubeconfigPath"], path, "a readable kubeconfig file (no such file)");
    }
}

/** The switch each section belongs to. tracking has no section. */
const SECTION_SWITCH: Record<string, string> = { lakehouse: "lakehouse", streaming: "streaming", orchestrator: "orchestrator", serving: "serving", monitoring: "monitoring", compute: "compute", featureStore: "featureStore", notebooks: "notebooks" };

/** A section the user set for a switched-off component would be ignored: say which switch to turn on. Only what the user set counts, never a default. */
function disabledSectionRules(user: Raw, on: Raw, add: Add) {
    for (const [section, component] of Object.entries(SECTION_SWITCH)) {
        if (on[component] !== false || !isObject(user[section])) continue;
        for (const [key, value] of Object.entries(user[section])) {
            add([section, key], value, `it unset while ${keyName(["components", component])} is false (it would be ignored): turn ${keyName(["components", component])} on, or remove the key`);
        }
    }
}

/** `https://user:token@host/...` with the credential shown as `***`, so the message never prints it. */
function redactUserinfo(url: string): string {
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1***@");
}

/** A login in a URL lands in resource inputs and the state in plaintext. ssh's `git@` names a user, not a secret. */
function credentialInUrl(url: string): boolean {
    const m = /^([a-z][a-z0-9+.-]*):\/\/([^/@]*)@/i.exec(url);
    if (!m) return false;
    return m[1].toLowerCase() === "ssh" ? m[2].includes(":") : true;
}

function urlCredentialRules(config: Raw, add: Add) {
    const checks: [Path, unknown, string][] = [
        [["mirror", "chartRepository"], obj(config.mirror).chartRepository, "a mirror that needs a login is not supported: serve it to the cluster without one (a pull-through cache on your network)"],
        [
            ["orchestrator", "dags", "repo"],
            obj(obj(config.orchestrator).dags).repo,
            `put the credential in a Secret in the Airflow namespace and set ${keyName(["orchestrator", "dags", "credentials"])} to {kind: "https", secretName: <its name>} (or {kind: "ssh", secretName, knownHosts} for an ssh:// or git@ URL)`,
        ],
        [["ingress", "tls", "acme", "server"], obj(obj(obj(config.ingress).tls).acme).server, "an ACME directory URL without a login (external account binding is not supported)"],
    ];
    for (const [path, value, alternative] of checks) {
        if (typeof value === "string" && credentialInUrl(value)) add(path, redactUserinfo(value), `a URL without credentials (they would be stored in plaintext): ${alternative}`);
    }
}

function lakehouseRules(lakehouse: Raw, add: Add) {
    const workers = obj(lakehouse.workers);
    const [min, max] = [int(workers.min), int(workers.max)];
    if (min === undefined || max === undefined) return;
    if (min > max) add(["lakehouse", "workers", "max"], max, `at least ${keyName(["lakehouse", "workers", "min"])} (${min})`);
    else if (min === 0 && max > 0) add(["lakehouse", "workers", "min"], min, `at least 1 when ${keyName(["lakehouse", "workers", "max"])} is above 0 (the autoscaler cannot scale workers up from zero); 0/0 runs the coordinator alone`);
}

function computeRules(compute: Raw, on: Raw, add: Add) {
    if (on.compute === true && on.lakehouse === false) {
        add(["components", "compute"], true, `false while ${keyName(["components", "lakehouse"])} is false: Spark's default catalog is the lakehouse's (turn the lakehouse on, or compute off)`);
    }
    const workers = obj(obj(compute.ray).workers);
    const [min, max] = [int(workers.min), int(workers.max)];
    if (min !== undefined && max !== undefined && min > max) add(["compute", "ray", "workers", "max"], max, `at least ${keyName(["compute", "ray", "workers", "min"])} (${min})`);
}

function featureStoreRules(featureStore: Raw, on: Raw, env: "dev" | "prod", add: Add) {
    if (on.featureStore === true && on.lakehouse === false) {
        add(["components", "featureStore"], true, `false while ${keyName(["components", "lakehouse"])} is false: Feast reads the lakehouse's gold zone (turn the lakehouse on, or the feature store off)`);
    }
    const replicas = obj(featureStore.replicas);
    const [min, max] = [int(replicas.min), int(replicas.max)];
    if (min !== undefined && max !== undefined && min > max) add(["featureStore", "replicas", "max"], max, `at least ${keyName(["featureStore", "replicas", "min"])} (${min})`);
    if (env === "prod" && min !== undefined && min < 2) add(["featureStore", "replicas", "min"], min, "at least 2 in prod (the feature server serves models: one pod is a single point of failure)");
}

function streamingRules(streaming: Raw, env: "dev" | "prod", add: Add) {
    const size = streamingSizing[env];
    const brokers = size.nodePools.filter((p) => p.roles.includes("broker")).reduce((n, p) => n + p.replicas, 0);
    const seen = new Map<string, string>();
    list(streaming.topics).forEach((t, i) => {
        const topic = obj(t);
        const name = str(topic.name);
        if (name === "." || name === "..") add(["streaming", "topics", i, "name"], name, 'a Kafka topic name other than "." and ".."');
        if (name) {
            const resource = topicResourceName(name);
            const other = seen.get(resource);
            if (other === name) add(["streaming", "topics", i, "name"], name, "a name not listed before (each topic once)");
            else if (other !== undefined) add(["streaming", "topics", i, "name"], name, `a name that differs from "${other}" in more than case and punctuation: both would be the KafkaTopic "${resource}"`);
            seen.set(resource, name);
        }
        const replicas = int(topic.replicas);
        const minIsr = size.replication.minInsync;
        if (replicas !== undefined && (replicas > brokers || replicas < minIsr)) {
            add(["streaming", "topics", i, "replicas"], replicas, minIsr === brokers ? `${brokers} in ${env} (${brokers} broker${brokers === 1 ? "" : "s"})` : `${minIsr} to ${brokers} in ${env}: at most the ${brokers} brokers, at least min.insync.replicas (${minIsr}) or producers with acks=all are refused`);
        }
        if (topic.retentionMs === 0) add(["streaming", "topics", i, "retentionMs"], 0, "milliseconds >= 1, or -1 to keep forever");
    });
}

function orchestratorRules(orchestrator: Raw, add: Add) {
    const dags = obj(orchestrator.dags);
    const [repo, kind] = [str(dags.repo), str(obj(dags.credentials).kind)];
    if (!repo || !kind) return;
    const https = repo.startsWith("https://");
    if (kind === "https" && !https) add(["orchestrator", "dags", "credentials", "kind"], kind, `"ssh" for ${keyName(["orchestrator", "dags", "repo"])} ${show(repo)} (https credentials need an https:// URL)`);
    if (kind === "ssh" && https) add(["orchestrator", "dags", "credentials", "kind"], kind, `"https" for ${keyName(["orchestrator", "dags", "repo"])} ${show(redactUserinfo(repo))} (ssh credentials need an ssh:// or git@ URL)`);
}

const GCS_BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** What is wrong with a model's storage URI, per scheme; undefined when it is well formed. */
export function storageUriProblem(uri: string): string | undefined {
    const scheme = /^([a-z][a-z0-9+.-]*):/.exec(uri)?.[1];
    const path = (rest: string) => rest.split("/").slice(1).join("/");
    switch (scheme) {
        case "s3":
        case "gs": {
            const m = /^(s3|gs):\/\/([^/]*)(\/.*)?$/.exec(uri);
            if (!m) return `${scheme}://<bucket>/<path> (two slashes after "${scheme}:")`;
            if (!(scheme === "s3" ? S3_BUCKET : GCS_BUCKET).test(m[2])) return `${scheme}://<bucket>/<path> with a valid bucket name (got ${m[2] ? `"${m[2]}"` : "none"})`;
            if (!path(`${m[2]}${m[3] ?? ""}`)) return `${scheme}://${m[2]}/<path>: the model's path inside the bucket`;
            return undefined;
        }
        case "https": {
            let url: URL;
            try {
                url = new URL(uri);
            } catch {
                return "https://<host>/<path>";
            }
            return url.hostname && url.pathname.length > 1 ? undefined : "https://<host>/<path>: a host and the model's path";
        }
        case "pvc": {
            const m = /^pvc:\/\/([^/]*)\/(.+)$/.exec(uri);
            return m && DNS_LABEL.test(m[1]) ? undefined : "pvc://<claim name>/<path>: a PersistentVolumeClaim in the model's namespace and the path on it";
        }
        case "mlflow-artifacts": {
            const rest = uri.slice("mlflow-artifacts:".length).replace(/^\/\/[^/]*/, "").replace(/^\/+|\/+$/g, "");
            return rest ? undefined : "mlflow-artifacts:/<path>: the path of a model version's artifacts";
        }
        default:
            return undefined; // the schema names the schemes
    }
}

function servingRules(serving: Raw, on: Raw, provider: string | undefined, add: Add, modelsSetByUser: boolean, existingBuckets: Raw) {
    const names = new Set<string>();
    const platformBuckets = requiredBuckets({ lakehouse: on.lakehouse === true, streaming: false, orchestrator: on.orchestrator === true, tracking: on.tracking === true, serving: true, monitoring: false, compute: on.compute === true, featureStore: false, notebooks: on.notebooks === true });
    // An existing S3 store (cluster.objectStorage) names its buckets; MinIO's are the logical names.
    const minioBuckets = Object.keys(existingBuckets).length ? platformBuckets.flatMap((b) => (typeof existingBuckets[b] === "string" ? [existingBuckets[b] as string] : [])) : platformBuckets;
    list(serving.models).forEach((m, i) => {
        const model = obj(m);
        const name = str(model.name);
        if (name !== undefined && names.has(name)) add(["serving", "models", i, "name"], name, "a name no other model has (names key the inference URLs)");
        if (name !== undefined) names.add(name);
        const [min, max] = [int(model.minReplicas), int(model.maxReplicas)];
        if (min !== undefined && max !== undefined && min > max) add(["serving", "models", i, "maxReplicas"], max, `at least ${keyName(["serving", "models", i, "minReplicas"])} (${min})`);
        // Only models the user listed: the dev example logs by default, and simply does not when streaming is off.
        if (modelsSetByUser && obj(model.feedback).logging === true) {
            for (const needed of ["streaming", "lakehouse"]) {
                if (on[needed] === false) {
                    add(["serving", "models", i, "feedback", "logging"], true, `false while ${keyName(["components", needed])} is false: the feedback loop logs to Kafka and lands in the lakehouse (turn ${needed} on, or logging off)`);
                }
            }
            if (obj(model.feedback).retentionMs === 0) add(["serving", "models", i, "feedback", "retentionMs"], 0, "milliseconds >= 1, or -1 to keep forever");
            if (obj(model.feedback).retrainDag !== undefined && on.orchestrator === false) {
                add(["serving", "models", i, "feedback", "retrainDag"], obj(model.feedback).retrainDag, `no DAG while ${keyName(["components", "orchestrator"])} is false: the alert triggers it in Airflow`);
            }
        }
        const uri = str(model.storageUri);
        if (uri === undefined || !/^(s3|gs|https|pvc|mlflow-artifacts):/.test(uri)) return;
        const shape = storageUriProblem(uri);
        if (shape) return add(["serving", "models", i, "storageUri"], redactUserinfo(uri), shape);
        if (credentialInUrl(uri)) {
            return add(["serving", "models", i, "storageUri"], redactUserinfo(uri), "a URL without credentials (they would be stored in plaintext): serve the model from the platform's object store, or mlflow-artifacts:/");
        }
        if (uri.startsWith("mlflow-artifacts:") && on.tracking === false) {
            add(["serving", "models", i, "storageUri"], uri, `a URI MLflow resolves only with ${keyName(["components", "tracking"])} true: turn tracking on, or give the model's s3://, gs:// or https:// location`);
        }
        const bucket = /^s3:\/\/([^/]+)/.exec(uri)?.[1];
        if (bucket && (provider === "kind" || provider === "existing") && !minioBuckets.includes(bucket)) {
            add(["serving", "models", i, "storageUri"], uri, `a bucket of the platform's ${Object.keys(existingBuckets).length ? "S3 store" : "MinIO"} (${minioBuckets.join(", ")}): on ${provider} the s3:// scheme reads from it`);
        }
    });
}

/**
 * Prometheus's size cap must leave room on its volume, or compaction fills it (components/monitoring/values.ts).
 * Checked when the user set either side; a volume set alone lowers the default cap to fit (see prometheusRetentionSize).
 */
function monitoringRules(userMonitoring: Raw, env: "dev" | "prod", add: Add) {
    const retentionSize = str(userMonitoring.retentionSize);
    if (retentionSize === undefined) return;
    const storageSize = str(userMonitoring.storageSize) ?? monitoringSizing[env].prometheus.storageSize;
    if (storageSize === undefined) return; // no volume (dev's emptyDir): the cap only bounds memory-backed blocks
    const [cap, volume] = [sizeBytes(retentionSize, "prometheus"), sizeBytes(storageSize, "kubernetes")];
    if (cap === undefined || volume === undefined || Number.isNaN(volume) || cap <= 0.9 * volume) return;
    const whose = userMonitoring.storageSize === undefined ? `the ${env} default of ${keyName(["monitoring", "storageSize"])}` : keyName(["monitoring", "storageSize"]);
    add(
        ["monitoring", "retentionSize"],
        retentionSize,
        `at most ${Math.floor((0.9 * volume) / 2 ** 20)}MB, 90% of ${whose} "${storageSize}" (the WAL and compaction need the rest): lower it, or raise ${keyName(["monitoring", "storageSize"])}`,
    );
}

/** A receiver needs its secret (Slack or webhook URL, SMTP password), and the secret needs a receiver. */
function alertRules(alerts: unknown, secretSet: boolean, add: Add) {
    const type = str(obj(alerts).type);
    if (alerts !== undefined && !secretSet) {
        const what = type === "email" ? "the SMTP password" : "the URL to post alerts to";
        add(["alertsSecret"], undefined, `a secret with ${what} when ${keyName(["monitoring", "alerts"])} is set (pulumi config set --secret alertsSecret ...)`);
    }
    if (alerts === undefined && secretSet) {
        add(["monitoring", "alerts"], undefined, `a receiver ({type: slack|webhook|email, ...}) for the secret ${NAMESPACE}:alertsSecret, or that secret removed`);
    }
}
