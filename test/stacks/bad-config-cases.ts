/**
 * Bad stack configs as a user writes them (the `ml-platform:*` keys of a stack file), each with the exact problems
 * the program must report. `npx tsx test/stacks/bad-config-cases.ts` prints them all with their messages.
 */
import { aks, gke, prodIngress } from "./examples";

const kind = { environment: "dev", cluster: { provider: "kind" } };
/** The cluster cases keep the basic-auth fallback: single sign-on's own keys have their cases below. */
const prodGke = (cluster: Record<string, unknown>) => ({ environment: "prod", cluster: { ...gke, ...cluster }, ingress: { ...prodIngress, auth: "basic" } });
const prodAks = (cluster: Record<string, unknown>) => ({ environment: "prod", cluster: { ...aks, ...cluster }, ingress: { ...prodIngress, auth: "basic" } });
const model = (storageUri: string, extra: Record<string, unknown> = {}) => ({ name: "churn", modelFormat: "sklearn", storageUri, ...extra });

export interface BadConfigCase {
    readonly name: string;
    /** `ml-platform:<key>` values (other namespaces spelled out in full, e.g. `ml-platfrom:cluster`). */
    readonly config: Record<string, unknown>;
    /** Keys of `config` stored as secrets. */
    readonly secretKeys?: string[];
    readonly problems: string[];
}

export const badConfigCases: BadConfigCase[] = [
    // --- keys, types and enums
    { name: "unknown environment", config: { environment: "staging", cluster: { provider: "kind" } }, problems: ['ml-platform:environment: got "staging"; expected one of "dev"|"prod"'] },
    { name: "missing environment", config: { cluster: { provider: "kind" } }, problems: ['ml-platform:environment: got nothing; expected one of "dev"|"prod" (required)'] },
    { name: "missing cluster", config: { environment: "dev" }, problems: ["ml-platform:cluster: got nothing; expected object (required)"] },
    {
        name: "unknown cluster provider",
        config: { environment: "dev", cluster: { provider: "minikube" } },
        problems: ['ml-platform:cluster.provider: got "minikube"; expected one of "kind"|"gke"|"aks"|"existing"'],
    },
    {
        name: "misspelled cluster provider value",
        config: { environment: "dev", cluster: { provider: "gk" } },
        problems: ['ml-platform:cluster.provider: got "gk"; expected one of "kind"|"gke"|"aks"|"existing" (did you mean "gke"?)'],
    },
    {
        name: "misspelled discriminator key: named, and the rest validated as meant (no cloud ingress errors on kind)",
        config: { environment: "dev", cluster: { provder: "kind", workers: 9 } },
        problems: [
            'ml-platform:cluster.provder: got "kind"; expected no such key: did you mean ml-platform:cluster.provider?',
            "ml-platform:cluster.workers: got 9; expected a whole number from 0 to 5",
        ],
    },
    {
        name: "misspelled top-level key, read as meant",
        config: { environment: "dev", clusterr: { provider: "kind", workers: 9 } },
        problems: ['ml-platform:clusterr: got {"provider":"kind","workers":9}; expected no such key: did you mean ml-platform:cluster?', "ml-platform:cluster.workers: got 9; expected a whole number from 0 to 5"],
    },
    { name: "unknown top-level key", config: { ...kind, networking: {} }, problems: ["ml-platform:networking: got {}; expected no such key (it is not a setting of the ml-platform namespace)"] },
    { name: "misspelled cluster key", config: { environment: "dev", cluster: { provider: "kind", worker: 2 } }, problems: ["ml-platform:cluster.worker: got 2; expected no such key: did you mean ml-platform:cluster.workers?"] },
    {
        name: "misspelled component switch",
        config: { ...kind, components: { lakehose: false } },
        problems: [
            "ml-platform:components.lakehose: got false; expected no such key: did you mean ml-platform:components.lakehouse?",
            "ml-platform:components.compute: got true; expected false while ml-platform:components.lakehouse is false: Spark's default catalog is the lakehouse's (turn the lakehouse on, or compute off)",
            "ml-platform:components.featureStore: got true; expected false while ml-platform:components.lakehouse is false: Feast reads the lakehouse's gold zone (turn the lakehouse on, or the feature store off)",
        ],
    },
    {
        name: "misspelled project namespace",
        config: { environment: "dev", "ml-platfrom:cluster": { provider: "kind" } },
        problems: ['ml-platfrom:cluster: got a value in namespace "ml-platfrom"; expected no such namespace: did you mean ml-platform:cluster?'],
    },
    { name: "kind workers out of range", config: { environment: "dev", cluster: { provider: "kind", workers: 9 } }, problems: ["ml-platform:cluster.workers: got 9; expected a whole number from 0 to 5"] },
    { name: "kind workers wrong type", config: { environment: "dev", cluster: { provider: "kind", workers: "two" } }, problems: ['ml-platform:cluster.workers: got "two"; expected a whole number from 0 to 5'] },
    { name: "kind port out of range", config: { environment: "dev", cluster: { provider: "kind", httpPort: 70000 } }, problems: ["ml-platform:cluster.httpPort: got 70000; expected a whole number from 1 to 65535"] },
    {
        name: "kind http and https on one host port",
        config: { environment: "dev", cluster: { provider: "kind", httpPort: 8080, httpsPort: 8080 } },
        problems: ["ml-platform:cluster.httpsPort: got 8080; expected a host port other than ml-platform:cluster.httpPort (8080): each is its own mapping to the ingress"],
    },
    {
        name: "cluster name with capitals",
        config: { environment: "dev", cluster: { provider: "kind", name: "ML_Dev" } },
        problems: ['ml-platform:cluster.name: got "ML_Dev"; expected 1-24 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen'],
    },
    {
        name: "secret key stored in plaintext",
        config: { ...kind, kubeconfig: "(plaintext)" },
        problems: ["ml-platform:kubeconfig: got a plaintext value; expected a secret (set it with: pulumi config set --secret kubeconfig ...)"],
    },
    {
        name: "prod on kind",
        config: { environment: "prod", cluster: { provider: "kind" } },
        problems: ['ml-platform:environment: got "prod"; expected "dev" with ml-platform:cluster.provider "kind": prod needs managed Postgres and object storage (gke or aks, or an existing cluster with its own)'],
    },
    {
        name: "cloud cluster without domain and issuer",
        config: { environment: "prod", cluster: gke },
        problems: [
            'ml-platform:ingress.tls: got nothing; expected a certificate issuer when ml-platform:cluster.provider is "gke": every route off kind is HTTPS',
            'ml-platform:ingress.domain: got nothing; expected the DNS domain of the UIs (<ui>.<domain>) when ml-platform:cluster.provider is "gke"',
            'ml-platform:sso.provider: got nothing; expected the organisation\'s OIDC provider ("google", "entra" or "oidc") when ml-platform:ingress.auth is "sso" and ml-platform:cluster.provider is "gke" (see README "Single sign-on"), or ml-platform:ingress.auth "basic" for the generated basic-auth logins',
        ],
    },
    {
        name: "kind exposure on a cloud cluster",
        config: { ...prodGke({}), ingress: { ...prodIngress, auth: "basic", exposure: "kind" } },
        problems: ['ml-platform:ingress.exposure: got "kind"; expected "public" or "internal": "kind" binds host ports only a kind node maps'],
    },
    // --- GKE
    {
        name: "gke project missing",
        config: { environment: "prod", cluster: { provider: "gke", region: "europe-west1" }, ingress: prodIngress },
        problems: [
            'ml-platform:cluster.project: got nothing; expected string (required when ml-platform:cluster.provider is "gke")',
            'ml-platform:sso.provider: got nothing; expected the organisation\'s OIDC provider ("google", "entra" or "oidc") when ml-platform:ingress.auth is "sso" and ml-platform:cluster.provider is "gke" (see README "Single sign-on"), or ml-platform:ingress.auth "basic" for the generated basic-auth logins',
        ],
    },
    {
        name: "gke zone given as region",
        config: prodGke({ region: "europe-west1-b" }),
        problems: ['ml-platform:cluster.region: got "europe-west1-b"; expected a GCP region such as "europe-west1" (regional clusters only, not a zone)'],
    },
    {
        name: "gke malformed CIDR",
        config: prodGke({ network: { podsCidr: "10.20.0.0/33" } }),
        problems: ['ml-platform:cluster.network.podsCidr: got "10.20.0.0/33"; expected an IPv4 CIDR such as "10.0.0.0/16"'],
    },
    {
        name: "gke master CIDR not /28",
        config: prodGke({ network: { masterCidr: "172.16.0.0/24" } }),
        problems: ['ml-platform:cluster.network.masterCidr: got "172.16.0.0/24"; expected an IPv4 CIDR with a /28 prefix'],
    },
    {
        name: "gke CIDR with host bits",
        config: prodGke({ network: { nodesCidr: "10.10.0.1/20" } }),
        problems: ['ml-platform:cluster.network.nodesCidr: got "10.10.0.1/20"; expected a range without host bits, such as "10.10.0.0/20"'],
    },
    {
        name: "gke public master range",
        config: prodGke({ network: { masterCidr: "8.8.8.0/28" } }),
        problems: ['ml-platform:cluster.network.masterCidr: got "8.8.8.0/28"; expected a private range (inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10)'],
    },
    {
        name: "gke overlapping ranges",
        config: prodGke({ network: { podsCidr: "10.8.0.0/14", servicesCidr: "10.10.0.0/20" } }),
        problems: [
            'ml-platform:cluster.network.podsCidr: got "10.8.0.0/14"; expected a range that does not overlap ml-platform:cluster.network.nodesCidr ("10.10.0.0/20")',
            'ml-platform:cluster.network.servicesCidr: got "10.10.0.0/20"; expected a range that does not overlap ml-platform:cluster.network.nodesCidr ("10.10.0.0/20")',
            'ml-platform:cluster.network.servicesCidr: got "10.10.0.0/20"; expected a range that does not overlap ml-platform:cluster.network.podsCidr ("10.8.0.0/14")',
        ],
    },
    {
        name: "gke release channel",
        config: prodGke({ releaseChannel: "FAST" }),
        problems: ['ml-platform:cluster.releaseChannel: got "FAST"; expected one of "RAPID"|"REGULAR"|"STABLE"'],
    },
    {
        name: "pool min above max, reported with a type error in the same pool",
        config: prodGke({ workloadPool: { minNodes: 5, maxNodes: 2, diskSizeGb: "big" } }),
        problems: [
            'ml-platform:cluster.workloadPool.diskSizeGb: got "big"; expected a whole number from 30 to 4096',
            "ml-platform:cluster.workloadPool.maxNodes: got 2; expected at least ml-platform:cluster.workloadPool.minNodes (5)",
        ],
    },
    {
        name: "gke machine type in AKS form",
        config: prodGke({ systemPool: { machineType: "Standard_D4s_v5" } }),
        problems: ['ml-platform:cluster.systemPool.machineType: got "Standard_D4s_v5"; expected a machine type such as "e2-standard-4"'],
    },
    {
        name: "gke authorized network entry",
        config: prodGke({ masterAuthorizedNetworks: [{ cidr: "office", displayName: "office" }] }),
        problems: ['ml-platform:cluster.masterAuthorizedNetworks[0].cidr: got "office"; expected an IPv4 CIDR such as "10.0.0.0/16"'],
    },
    {
        name: "gke bucket names too long for project and cluster name",
        config: prodGke({ project: "acme-machine-learning-prod", name: "ml-platform-production-1" }),
        problems: [
            'ml-platform:cluster.name: got "ml-platform-production-1"; expected at most 23 characters with ml-platform:cluster.project "acme-machine-learning-prod": GCS bucket names are <project>-<cluster name>-<bucket>, at most 63 characters ("acme-machine-learning-prod-ml-platform-production-1-airflow-logs" is 64)',
        ],
    },
    // --- AKS
    {
        name: "aks admin groups missing",
        config: prodAks({ adminGroupObjectIds: [] }),
        problems: ["ml-platform:cluster.adminGroupObjectIds: got []; expected at least one Entra ID admin group object ID: with local accounts disabled nobody could administer the cluster"],
    },
    {
        name: "aks admin group not a UUID",
        config: prodAks({ adminGroupObjectIds: ["platform-admins"] }),
        problems: ['ml-platform:cluster.adminGroupObjectIds[0]: got "platform-admins"; expected an Entra ID group object ID (a UUID)'],
    },
    {
        name: "aks version with patch",
        config: prodAks({ kubernetesVersion: "1.33.2" }),
        problems: ['ml-platform:cluster.kubernetesVersion: got "1.33.2"; expected a Kubernetes minor version such as "1.33"'],
    },
    {
        name: "aks zones as numbers",
        config: prodAks({ availabilityZones: [1, 2] }),
        problems: [
            'ml-platform:cluster.availabilityZones[0]: got 1; expected one of "1"|"2"|"3"',
            'ml-platform:cluster.availabilityZones[1]: got 2; expected one of "1"|"2"|"3"',
        ],
    },
    {
        name: "aks DNS IP outside service CIDR",
        config: prodAks({ network: { dnsServiceIp: "10.99.0.10" } }),
        problems: ['ml-platform:cluster.network.dnsServiceIp: got "10.99.0.10"; expected an address inside ml-platform:cluster.network.servicesCidr ("10.31.0.0/16")'],
    },
    {
        name: "aks DNS IP on the kubernetes Service's address",
        config: prodAks({ network: { dnsServiceIp: "10.31.0.1" } }),
        problems: [
            'ml-platform:cluster.network.dnsServiceIp: got "10.31.0.1"; expected an address other than the first two of ml-platform:cluster.network.servicesCidr (the range\'s own address and the kubernetes Service\'s), such as "10.31.0.10"',
        ],
    },
    {
        name: "aks nodes subnet outside the VNet, pods overlapping it",
        config: prodAks({ network: { nodesCidr: "10.40.0.0/20", podsCidr: "10.30.0.0/16" } }),
        problems: [
            'ml-platform:cluster.network.nodesCidr: got "10.40.0.0/20"; expected a subnet inside ml-platform:cluster.network.vnetCidr ("10.30.0.0/16")',
            'ml-platform:cluster.network.podsCidr: got "10.30.0.0/16"; expected a range that does not overlap ml-platform:cluster.network.vnetCidr ("10.30.0.0/16")',
        ],
    },
    {
        name: "aks database subnet inside the nodes subnet",
        config: prodAks({ network: { databaseCidr: "10.30.1.0/24" } }),
        problems: ['ml-platform:cluster.network.databaseCidr: got "10.30.1.0/24"; expected a range that does not overlap ml-platform:cluster.network.nodesCidr ("10.30.0.0/20")'],
    },
    {
        name: "aks services in a range AKS reserves",
        config: prodAks({ network: { servicesCidr: "172.30.0.0/16", dnsServiceIp: "172.30.0.10" } }),
        problems: ['ml-platform:cluster.network.servicesCidr: got "172.30.0.0/16"; expected a range outside 172.30.0.0/16, which AKS reserves'],
    },
    {
        name: "aks authorized range with host bits",
        config: prodAks({ authorizedIpRanges: ["198.51.100.7/24"] }),
        problems: ['ml-platform:cluster.authorizedIpRanges[0]: got "198.51.100.7/24"; expected a range without host bits, such as "198.51.100.0/24"'],
    },
    {
        name: "aks authorized IP ranges missing",
        config: prodAks({ authorizedIpRanges: undefined }),
        problems: ['ml-platform:cluster.authorizedIpRanges: got nothing; expected array (required when ml-platform:cluster.provider is "aks")'],
    },
    // --- existing cluster (the kubeconfig file check runs in the same pass)
    {
        name: "existing: missing kubeconfig file, reported with a schema error",
        config: { environment: "dev", cluster: { provider: "existing", kubeconfigPath: "/nonexistent/kubeconfig", context: "" }, ingress: { domain: "ml.corp.io", tls: { ca: { secretName: "corp-ca" } }, auth: "basic" } },
        problems: [
            'ml-platform:cluster.context: got ""; expected string to have >=1 characters',
            'ml-platform:cluster.kubeconfigPath: got "/nonexistent/kubeconfig"; expected a readable kubeconfig file (no such file)',
        ],
    },
    {
        name: "existing: neither file nor secret",
        config: { environment: "dev", cluster: { provider: "existing" }, ingress: { domain: "ml.corp.io", tls: { ca: { secretName: "corp-ca" } }, auth: "basic" } },
        problems: ['ml-platform:cluster.kubeconfigPath: got nothing; expected a kubeconfig file path, or the secret ml-platform:kubeconfig, when ml-platform:cluster.provider is "existing"'],
    },
    {
        name: "existing: both file and secret",
        config: { environment: "dev", cluster: { provider: "existing", kubeconfigPath: "/etc/hosts" }, ingress: { domain: "ml.corp.io", tls: { ca: { secretName: "corp-ca" } }, auth: "basic" }, kubeconfig: "apiVersion: v1" },
        secretKeys: ["ml-platform:kubeconfig"],
        problems: ['ml-platform:cluster.kubeconfigPath: got "/etc/hosts"; expected it unset when the secret ml-platform:kubeconfig is set (choose one)'],
    },
    {
        name: "existing: prod without its own data services",
        config: { environment: "prod", cluster: { provider: "existing", kubeconfigPath: "/etc/hosts" }, ingress: { domain: "ml.corp.io", tls: { ca: { secretName: "corp-ca" } }, auth: "basic" } },
        problems: [
            'ml-platform:cluster.postgres: got nothing; expected an existing Postgres server when ml-platform:environment is "prod" on cluster.provider "existing" (the in-cluster one is for dev)',
            'ml-platform:cluster.objectStorage: got nothing; expected an existing S3-compatible store when ml-platform:environment is "prod" on cluster.provider "existing" (the in-cluster one is for dev)',
        ],
    },
    {
        name: "existing: an S3 store missing a bucket the components use, and one bucket named twice",
        config: {
            environment: "dev",
            cluster: {
                provider: "existing",
                kubeconfigPath: "/etc/hosts",
                objectStorage: {
                    endpoint: "https://s3.eu-west-1.amazonaws.com",
                    region: "eu-west-1",
                    buckets: { bronze: "acme-bronze", silver: "acme-bronze", gold: "acme-gold", mlflow: "acme-mlflow", models: "acme-models", "airflow-logs": "acme-logs" },
                    credentials: { namespace: "ml-secrets", name: "s3-key" },
                },
            },
            ingress: { domain: "ml.corp.io", tls: { ca: { secretName: "corp-ca" } }, auth: "basic" },
        },
        problems: [
            'ml-platform:cluster.objectStorage.buckets: got ["bronze","silver","gold","mlflow","models","airflow-logs"]; expected a real bucket name for each of bronze, silver, gold, airflow-logs, mlflow, models, spark-logs, notebooks (missing: spark-logs, notebooks)',
            'ml-platform:cluster.objectStorage.buckets.silver: got "acme-bronze"; expected a bucket of its own ("acme-bronze" is already bronze\'s)',
        ],
    },
    {
        name: "existing: a Postgres admin Secret that is not a Kubernetes name",
        config: {
            environment: "dev",
            cluster: { provider: "existing", kubeconfigPath: "/etc/hosts", postgres: { host: "pg.corp.io", sslMode: "verify", adminSecret: { namespace: "ml-secrets", name: "PG_Admin" } } },
            ingress: { domain: "ml.corp.io", tls: { ca: { secretName: "corp-ca" } }, auth: "basic" },
        },
        problems: [
            'ml-platform:cluster.postgres.sslMode: got "verify"; expected one of "require"|"disable"',
            'ml-platform:cluster.postgres.adminSecret.name: got "PG_Admin"; expected a Kubernetes name: lowercase letters, digits and -',
        ],
    },
    // --- credentials in URLs (never printed)
    {
        name: "chart mirror URL with a login",
        config: { ...kind, mirror: { chartRepository: "https://bob:s3cret@charts.corp/mirror" } },
        problems: [
            'ml-platform:mirror.chartRepository: got "https://***@charts.corp/mirror"; expected a URL without credentials (they would be stored in plaintext): a mirror that needs a login is not supported: serve it to the cluster without one (a pull-through cache on your network)',
        ],
    },
    {
        name: "DAG repository URL with a token",
        config: { ...kind, orchestrator: { dags: { repo: "https://x-access-token:ghp_abc123@github.com/acme/dags.git", ref: "main", subPath: "dags" } } },
        problems: [
            'ml-platform:orchestrator.dags.repo: got "https://***@github.com/acme/dags.git"; expected a URL without credentials (they would be stored in plaintext): put the credential in a Secret in the Airflow namespace and set ml-platform:orchestrator.dags.credentials to {kind: "https", secretName: <its name>} (or {kind: "ssh", secretName, knownHosts} for an ssh:// or git@ URL)',
        ],
    },
    {
        name: "mirror chart repository not a URL",
        config: { ...kind, mirror: { chartRepository: "charts.corp" } },
        problems: ['ml-platform:mirror.chartRepository: got "charts.corp"; expected a chart repository URL such as "https://charts.corp/mirror"'],
    },
    {
        name: "DAG credentials of the wrong kind for the URL",
        config: { ...kind, orchestrator: { dags: { repo: "git@github.com:acme/dags.git", ref: "main", subPath: "dags", credentials: { kind: "https", secretName: "dags-token" } } } },
        problems: ['ml-platform:orchestrator.dags.credentials.kind: got "https"; expected "ssh" for ml-platform:orchestrator.dags.repo "git@github.com:acme/dags.git" (https credentials need an https:// URL)'],
    },
    // --- components
    {
        name: "sections of switched-off components (what the user set, not the defaults)",
        config: { ...kind, components: { streaming: false, serving: false }, streaming: { topics: [{ name: "orders" }], cdc: { tables: ["public.orders"] } } },
        problems: [
            'ml-platform:streaming.topics: got [{"name":"orders"}]; expected it unset while ml-platform:components.streaming is false (it would be ignored): turn ml-platform:components.streaming on, or remove the key',
            'ml-platform:streaming.cdc: got {"tables":["public.orders"]}; expected it unset while ml-platform:components.streaming is false (it would be ignored): turn ml-platform:components.streaming on, or remove the key',
        ],
    },
    {
        name: "duplicate topics and topics that map to one KafkaTopic",
        config: { ...kind, streaming: { topics: [{ name: "orders" }, { name: "orders" }, { name: "Orders_v1" }, { name: "orders-v1" }] } },
        problems: [
            'ml-platform:streaming.topics[1].name: got "orders"; expected a name not listed before (each topic once)',
            'ml-platform:streaming.topics[3].name: got "orders-v1"; expected a name that differs from "Orders_v1" in more than case and punctuation: both would be the KafkaTopic "orders-v1"',
        ],
    },
    {
        name: "topic replicas above the brokers of the environment",
        config: { ...kind, streaming: { topics: [{ name: "orders", replicas: 3, retentionMs: 0 }] } },
        problems: [
            "ml-platform:streaming.topics[0].replicas: got 3; expected 1 in dev (1 broker)",
            "ml-platform:streaming.topics[0].retentionMs: got 0; expected milliseconds >= 1, or -1 to keep forever",
        ],
    },
    {
        name: "CDC table starting with a digit",
        config: { ...kind, streaming: { cdc: { tables: ["public.1orders"] } } },
        problems: ['ml-platform:streaming.cdc.tables[0]: got "public.1orders"; expected "schema.table" (Postgres identifiers, not starting with a digit)'],
    },
    {
        name: "CDC on a cloud cluster without the Connect image repository",
        config: { ...prodGke({}), streaming: { cdc: { tables: ["public.orders"] } } },
        problems: [
            "ml-platform:streaming.cdc.imageRepository: got nothing; expected a value when CDC tables are set on a cloud cluster (Strimzi pushes the Connect image with the Debezium plugin there)",
            "ml-platform:streaming.cdc.pushSecretName: got nothing; expected a value when CDC tables are set on a cloud cluster (Strimzi pushes the Connect image with the Debezium plugin there)",
        ],
    },
    {
        name: "lakehouse workers min above max, reported with an unknown key beside them",
        config: { ...kind, lakehouse: { workers: { min: 5, max: 2, maxx: 1 } } },
        problems: [
            "ml-platform:lakehouse.workers.maxx: got 1; expected no such key (it is not a setting of ml-platform:lakehouse.workers)",
            "ml-platform:lakehouse.workers.max: got 2; expected at least ml-platform:lakehouse.workers.min (5)",
        ],
    },
    {
        name: "compute: Ray workers min above max",
        config: { ...kind, compute: { ray: { workers: { min: 3, max: 1 } } } },
        problems: ["ml-platform:compute.ray.workers.max: got 1; expected at least ml-platform:compute.ray.workers.min (3)"],
    },
    {
        name: "compute without the lakehouse, and a compute section with compute off",
        config: { ...kind, components: { lakehouse: false } },
        problems: [
            "ml-platform:components.compute: got true; expected false while ml-platform:components.lakehouse is false: Spark's default catalog is the lakehouse's (turn the lakehouse on, or compute off)",
            "ml-platform:components.featureStore: got true; expected false while ml-platform:components.lakehouse is false: Feast reads the lakehouse's gold zone (turn the lakehouse on, or the feature store off)",
        ],
    },
    {
        name: "featureStore: replicas min above max, an unknown online store, a bad project name",
        config: { ...kind, featureStore: { onlineStore: "redis", project: "feature-store", replicas: { min: 4, max: 2 } } },
        problems: [
            'ml-platform:featureStore.project: got "feature-store"; expected a Feast project name: letters, digits and underscores, starting with a letter',
            'ml-platform:featureStore.onlineStore: got "redis"; expected one of "postgres"|"valkey"',
            "ml-platform:featureStore.replicas.max: got 2; expected at least ml-platform:featureStore.replicas.min (4)",
        ],
    },
    {
        name: "featureStore: one feature server replica in prod",
        config: { ...prodGke({}), featureStore: { replicas: { min: 1, max: 4 } } },
        problems: ["ml-platform:featureStore.replicas.min: got 1; expected at least 2 in prod (the feature server serves models: one pod is a single point of failure)"],
    },
    {
        name: "a featureStore section while the feature store is off",
        config: { ...kind, components: { featureStore: false }, featureStore: { onlineStore: "valkey" } },
        problems: [
            'ml-platform:featureStore.onlineStore: got "valkey"; expected it unset while ml-platform:components.featureStore is false (it would be ignored): turn ml-platform:components.featureStore on, or remove the key',
        ],
    },
    {
        name: "a compute section while compute is off",
        config: { ...kind, components: { compute: false }, compute: { spark: { historyServer: true } } },
        problems: [
            "ml-platform:compute.spark: got {\"historyServer\":true}; expected it unset while ml-platform:components.compute is false (it would be ignored): turn ml-platform:components.compute on, or remove the key",
        ],
    },
    {
        name: "lakehouse autoscaling from zero workers",
        config: { ...kind, lakehouse: { workers: { min: 0, max: 4 } } },
        problems: [
            "ml-platform:lakehouse.workers.min: got 0; expected at least 1 when ml-platform:lakehouse.workers.max is above 0 (the autoscaler cannot scale workers up from zero); 0/0 runs the coordinator alone",
        ],
    },
    {
        name: "model storage URIs that are not one",
        config: { ...kind, serving: { models: [model("s3:bucket/x"), model("gs://", { name: "fraud" }), model("pvc://Models/x", { name: "ranker" }), model("mlflow-artifacts:", { name: "llm" })] } },
        problems: [
            'ml-platform:serving.models[0].storageUri: got "s3:bucket/x"; expected s3://<bucket>/<path> (two slashes after "s3:")',
            'ml-platform:serving.models[1].storageUri: got "gs://"; expected gs://<bucket>/<path> with a valid bucket name (got none)',
            'ml-platform:serving.models[2].storageUri: got "pvc://Models/x"; expected pvc://<claim name>/<path>: a PersistentVolumeClaim in the model\'s namespace and the path on it',
            'ml-platform:serving.models[3].storageUri: got "mlflow-artifacts:"; expected mlflow-artifacts:/<path>: the path of a model version\'s artifacts',
        ],
    },
    {
        name: "model URI scheme KServe is not given here",
        config: { ...kind, serving: { models: [model("models:/churn/3")] } },
        problems: [
            'ml-platform:serving.models[0].storageUri: got "models:/churn/3"; expected a storage URI: s3://<bucket>/<path>, gs://<bucket>/<path>, https://<host>/<path>, pvc://<claim>/<path> or mlflow-artifacts:/<path>',
        ],
    },
    {
        name: "model on MLflow's artifacts while tracking is off",
        config: { ...kind, components: { tracking: false }, serving: { models: [model("mlflow-artifacts:/1/models/m-1/artifacts")] } },
        problems: [
            'ml-platform:serving.models[0].storageUri: got "mlflow-artifacts:/1/models/m-1/artifacts"; expected a URI MLflow resolves only with ml-platform:components.tracking true: turn tracking on, or give the model\'s s3://, gs:// or https:// location',
        ],
    },
    {
        name: "model in a bucket the kind MinIO does not have",
        config: { ...kind, serving: { models: [model("s3://ml-models/churn/3")] } },
        problems: [
            'ml-platform:serving.models[0].storageUri: got "s3://ml-models/churn/3"; expected a bucket of the platform\'s MinIO (bronze, silver, gold, airflow-logs, mlflow, models, spark-logs, notebooks): on kind the s3:// scheme reads from it',
        ],
    },
    {
        name: "two models of one name, replicas reversed",
        config: { ...kind, serving: { models: [model("gs://acme-models/m"), model("gs://acme-models/n", { minReplicas: 3, maxReplicas: 2 })] } },
        problems: [
            'ml-platform:serving.models[1].name: got "churn"; expected a name no other model has (names key the inference URLs)',
            "ml-platform:serving.models[1].maxReplicas: got 2; expected at least ml-platform:serving.models[1].minReplicas (3)",
        ],
    },
    {
        name: "zero volume and zero retention",
        config: { ...kind, monitoring: { storageSize: "0Gi", retention: "0d" } },
        problems: [
            'ml-platform:monitoring.retention: got "0d"; expected a Prometheus duration above zero, such as "15d"',
            'ml-platform:monitoring.storageSize: got "0Gi"; expected a volume size above zero, such as "50Gi"',
        ],
    },
    {
        name: "Prometheus size cap above 90% of the default prod volume",
        config: { ...prodGke({}), monitoring: { retentionSize: "48GB" } },
        problems: [
            'ml-platform:monitoring.retentionSize: got "48GB"; expected at most 46080MB, 90% of the prod default of ml-platform:monitoring.storageSize "50Gi" (the WAL and compaction need the rest): lower it, or raise ml-platform:monitoring.storageSize',
        ],
    },
    {
        name: "Prometheus size cap above 90% of the volume the user set",
        config: { ...kind, monitoring: { storageSize: "2Gi", retentionSize: "2GB" } },
        problems: [
            'ml-platform:monitoring.retentionSize: got "2GB"; expected at most 1843MB, 90% of ml-platform:monitoring.storageSize "2Gi" (the WAL and compaction need the rest): lower it, or raise ml-platform:monitoring.storageSize',
        ],
    },
    // --- the alert receiver and its secret
    {
        name: "alert receiver without its secret",
        config: { ...kind, monitoring: { alerts: { type: "slack", channel: "#ml-alerts" } } },
        problems: ["ml-platform:alertsSecret: got nothing; expected a secret with the URL to post alerts to when ml-platform:monitoring.alerts is set (pulumi config set --secret alertsSecret ...)"],
    },
    {
        name: "alert secret without a receiver",
        config: { ...kind, alertsSecret: "https://hooks.slack.example/T0/B0/X" },
        secretKeys: ["ml-platform:alertsSecret"],
        problems: ["ml-platform:monitoring.alerts: got nothing; expected a receiver ({type: slack|webhook|email, ...}) for the secret ml-platform:alertsSecret, or that secret removed"],
    },
    {
        name: "email receiver with a relay missing its port",
        config: { ...kind, monitoring: { alerts: { type: "email", to: "oncall@acme.io", from: "am@acme.io", smarthost: "smtp.acme.io", username: "am" } }, alertsSecret: "pw" },
        secretKeys: ["ml-platform:alertsSecret"],
        problems: ['ml-platform:monitoring.alerts.smarthost: got "smtp.acme.io"; expected an SMTP relay as host:port, such as "smtp.acme.io:587"'],
    },
    {
        name: "alert secret stored in plaintext",
        config: { ...kind, monitoring: { alerts: { type: "webhook" } }, alertsSecret: "https://alerts.acme.io/hook" },
        problems: ["ml-platform:alertsSecret: got a plaintext value; expected a secret (set it with: pulumi config set --secret alertsSecret ...)"],
    },
    // --- single sign-on
    {
        name: "sso: an Entra ID stack without its tenant, client ID and secret",
        config: { ...prodAks({}), ingress: prodIngress, sso: { provider: "entra" } },
        problems: [
            'ml-platform:sso.clientId: got nothing; expected the client (application) ID registered with entra (README "Single sign-on")',
            "ml-platform:ssoClientSecret: got nothing; expected the client secret from entra as a secret (pulumi config set --secret ssoClientSecret ...)",
            'ml-platform:sso.tenantId: got nothing; expected the Entra ID directory (tenant) ID with ml-platform:sso.provider "entra"',
        ],
    },
    {
        name: "sso: a client secret stored in plaintext, and one the basic-auth fallback would not read",
        config: { ...prodGke({}), ssoClientSecret: "hunter2" },
        problems: [
            "ml-platform:ssoClientSecret: got a plaintext value; expected a secret (set it with: pulumi config set --secret ssoClientSecret ...)",
            'ml-platform:ssoClientSecret: got "(set)"; expected no secret when ml-platform:ingress.auth is "basic" (nothing reads it), or ml-platform:ingress.auth "sso"',
        ],
    },
    {
        name: "sso: an unknown provider and a non-https issuer",
        config: { ...prodGke({}), ingress: prodIngress, sso: { provider: "okta", issuerUrl: "http://idp.acme.io" } },
        problems: [
            'ml-platform:sso.provider: got "okta"; expected "dex" (kind only), "google", "entra" or "oidc"',
            'ml-platform:sso.issuerUrl: got "http://idp.acme.io"; expected an https:// URL',
        ],
    },
];

if (require.main === module) {
    for (const c of badConfigCases) console.log(`${c.name}\n${c.problems.map((p) => `  - ${p}`).join("\n")}\n`);
    console.log(`${badConfigCases.length} cases`);
}
