import { z } from "zod";
import {
    componentSwitchesSchema,
    ingressSchema,
    lakehouseSchema,
    monitoringSchema,
    orchestratorSchema,
    servingSchema,
    streamingSchema,
    computeSchema,
    featureStoreSchema,
    notebooksSchema,
    ssoSchema,
} from "./components-schema";
import { cidrRe, ipv4Re } from "./cidr";
import { TRIGGER_KEYS } from "./upgrade";
import { LOGICAL_BUCKETS, LogicalBucket } from "./buckets";

export { NAMESPACE } from "./messages";

/** Config keys that hold secrets: read with `requireSecret`, never parsed into the object below, never printed. */
export const SECRET_KEYS = ["kubeconfig", "alertsSecret", "ssoClientSecret"] as const;


const cidr = z.string().regex(cidrRe, { error: 'expected an IPv4 CIDR such as "10.0.0.0/16"' });
const cidrWithPrefix = (prefix: number) =>
    cidr.refine((c) => c.endsWith(`/${prefix}`), { error: `expected an IPv4 CIDR with a /${prefix} prefix` });
const count = (min: number, max: number) =>
    z.number({ error: `expected a whole number from ${min} to ${max}` }).int({ error: `expected a whole number from ${min} to ${max}` })
        .min(min, { error: `expected a whole number from ${min} to ${max}` })
        .max(max, { error: `expected a whole number from ${min} to ${max}` });
const port = count(1, 65535);

/** DNS-label-like names that also fit GCP service-account IDs once suffixed with `-nodes`. */
const clusterName = z
    .string()
    .regex(/^[a-z]([-a-z0-9]{0,22}[a-z0-9])?$/, {
        error: "expected 1-24 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen",
    });

function nodePool(machineType: RegExp, machineHint: string) {
    return z
        .strictObject({
            machineType: z.string().regex(machineType, { error: `expected a machine type such as ${machineHint}` }),
            minNodes: count(0, 100),
            maxNodes: count(1, 1000),
            diskSizeGb: count(30, 4096).optional(),
        });
}
const gkePool = nodePool(/^[a-z][a-z0-9]*-[a-z0-9-]+$/, '"e2-standard-4"');
const gkeGpuPool = z.intersection(
    gkePool,
    z.object({
        acceleratorType: z.string().regex(/^nvidia-[a-z0-9-]+$/, { error: 'expected a GKE accelerator type such as "nvidia-l4"' }).optional(),
        acceleratorCount: count(1, 8).optional(),
    }),
);
const aksPool = nodePool(/^Standard_[A-Za-z0-9_]+$/, '"Standard_D4s_v5"');

export const kindClusterSchema = z.strictObject({
    provider: z.literal("kind"),
    name: clusterName,
    workers: count(0, 5),
    nodeImage: z.string().regex(/^[\w./-]+(:[\w.-]+)?(@sha256:[a-f0-9]{64})?$/, { error: "expected an image reference" }).optional(),
    httpPort: port,
    httpsPort: port,
});

export const gkeClusterSchema = z.strictObject({
    provider: z.literal("gke"),
    name: clusterName,
    project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { error: 'expected a GCP project ID such as "acme-ml-prod"' }),
    region: z.string().regex(/^[a-z]+-[a-z]+\d+$/, { error: 'expected a GCP region such as "europe-west1" (regional clusters only, not a zone)' }),
    releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]),
    network: z.strictObject({
        nodesCidr: cidr,
        podsCidr: cidr,
        servicesCidr: cidr,
        masterCidr: cidrWithPrefix(28),
    }),
    masterAuthorizedNetworks: z.array(z.strictObject({ cidr, displayName: z.string().min(1) })),
    systemPool: gkePool,
    workloadPool: gkePool,
    spotPool: gkePool.optional(),
    gpuPool: gkeGpuPool.optional(),
    deletionProtection: z.boolean(),
});

export const aksClusterSchema = z.strictObject({
    provider: z.literal("aks"),
    name: clusterName,
    location: z.string().regex(/^[a-z][a-z0-9]+$/, { error: 'expected an Azure region name such as "westeurope"' }),
    kubernetesVersion: z.string().regex(/^1\.\d{2}$/, { error: 'expected a Kubernetes minor version such as "1.33"' }),
    skuTier: z.enum(["Free", "Standard"]),
    network: z.strictObject({
        vnetCidr: cidr,
        nodesCidr: cidr,
        podsCidr: cidr,
        servicesCidr: cidr,
        dnsServiceIp: z.string().regex(ipv4Re, { error: 'expected an IPv4 address such as "10.2.0.10"' }),
        /** Subnet delegated to the Postgres Flexible Server, inside `vnetCidr`. */
        databaseCidr: cidr,
    }),
    adminGroupObjectIds: z
        .array(z.uuid({ error: "expected an Entra ID group object ID (a UUID)" }))
        .min(1, { error: "expected at least one Entra ID admin group object ID: with local accounts disabled nobody could administer the cluster" }),
    authorizedIpRanges: z.array(cidr).min(1, { error: "expected at least one CIDR allowed to reach the API server" }),
    availabilityZones: z.array(z.enum(["1", "2", "3"])).min(1).optional(),
    systemPool: aksPool,
    userPool: aksPool,
    spotPool: aksPool.optional(),
    gpuPool: aksPool.optional(),
});

const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: "expected a Kubernetes name: lowercase letters, digits and -" });
const secretKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, { error: "expected a Secret key: letters, digits, - . _" });

/** A Postgres server the cluster's workloads already reach (bring your own): each component gets its database and role on it. */
const existingPostgresSchema = z.strictObject({
    /** DNS name or IPv4 address, as pods reach it. */
    host: z.string().min(1),
    port: port.optional(),
    sslMode: z.enum(["require", "disable"]),
    /** A Secret (created before `pulumi up`) with an admin that has CREATEROLE and CREATEDB. */
    adminSecret: z.strictObject({ namespace: k8sName, name: k8sName, usernameKey: secretKey.optional(), passwordKey: secretKey.optional() }),
    /** `managed` (a cloud service's admin, the default) or `superuser`. */
    admin: z.enum(["managed", "superuser"]).optional(),
    /** The server's range, for the NetworkPolicies (a DNS name cannot be named in one); default any address on the port. */
    peerCidr: cidr.optional(),
});

/** An S3-compatible store (AWS S3, a shared MinIO, Ceph RGW): the platform's buckets by logical name, one access key. */
const existingObjectStorageSchema = z.strictObject({
    endpoint: z.url({ error: 'expected the S3 API endpoint, such as "https://s3.eu-west-1.amazonaws.com"' }),
    region: z.string().min(1),
    /** Real bucket name per logical bucket: every one the enabled components use (rules.ts names a missing one). */
    buckets: z.strictObject(Object.fromEntries(LOGICAL_BUCKETS.map((b) => [b, z.string().min(3).max(63).optional()])) as Record<LogicalBucket, z.ZodOptional<z.ZodString>>),
    /** A Secret (created before `pulumi up`) with the access key; every workload with a grant gets a copy. */
    credentials: z.strictObject({
        namespace: k8sName,
        name: k8sName,
        accessKeyIdKey: secretKey.optional(),
        secretAccessKeyKey: secretKey.optional(),
        access: z.enum(["read", "readwrite"]).optional(),
    }),
    peerCidr: cidr.optional(),
});

export const existingClusterSchema = z.strictObject({
    provider: z.literal("existing"),
    name: clusterName,
    /** Path of a kubeconfig file; or set the secret key `ml-platform:kubeconfig` to its content. */
    kubeconfigPath: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
    /** Default: a Postgres StatefulSet in the cluster (dev only). */
    postgres: existingPostgresSchema.optional(),
    /** Default: MinIO in the cluster (dev only). */
    objectStorage: existingObjectStorageSchema.optional(),
});

export const clusterSchema = z.discriminatedUnion("provider", [
    kindClusterSchema,
    gkeClusterSchema,
    aksClusterSchema,
    existingClusterSchema,
]);

export const platformConfigSchema = z.strictObject({
    environment: z.enum(["dev", "prod"]),
    cluster: clusterSchema,
    mirror: z
        .strictObject({
            imageRegistry: z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[\w.-]+)*$/, { error: 'expected a registry host with an optional path, such as "registry.corp:5000/mirror"' }).optional(),
            chartRepository: z.url({ error: 'expected a chart repository URL such as "https://charts.corp/mirror"' }).optional(),
        })
        .optional(),
    components: componentSwitchesSchema,
    ingress: ingressSchema,
    sso: ssoSchema,
    lakehouse: lakehouseSchema,
    streaming: streamingSchema,
    orchestrator: orchestratorSchema,
    serving: servingSchema,
    monitoring: monitoringSchema,
    compute: computeSchema,
    featureStore: featureStoreSchema,
    notebooks: notebooksSchema,
    upgrade: z.strictObject({
        /** Trigger keys whose change this update may make, replacing what they hold (see stacks/upgrade.ts). */
        allowReplacement: z.array(z.enum(TRIGGER_KEYS as [string, ...string[]])),
    }),
});

/** Rules across keys (bounds, network layout, URIs, switched-off sections) are in rules.ts: they run even where this schema fails. */
export type PlatformConfig = z.infer<typeof platformConfigSchema>;
export type ClusterConfig = z.infer<typeof clusterSchema>;
