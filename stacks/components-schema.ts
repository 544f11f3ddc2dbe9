import { z } from "zod";

/** Config sections of the platform components (the cluster's are in schema.ts). */

const dnsLabel = z.string().regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "expected a DNS label: lowercase letters, digits and hyphens" });
const whole = (min: number, max: number) =>
    z.number({ error: `expected a whole number from ${min} to ${max}` }).int({ error: `expected a whole number from ${min} to ${max}` })
        .min(min, { error: `expected a whole number from ${min} to ${max}` })
        .max(max, { error: `expected a whole number from ${min} to ${max}` });

export const componentSwitchesSchema = z.strictObject({
    lakehouse: z.boolean(),
    streaming: z.boolean(),
    orchestrator: z.boolean(),
    tracking: z.boolean(),
    serving: z.boolean(),
    monitoring: z.boolean(),
    compute: z.boolean(),
    featureStore: z.boolean(),
    notebooks: z.boolean(),
});

/** tls and domain are required off kind: rules.ts checks that, knowing the cluster provider. */
export const ingressSchema = z.strictObject({
    exposure: z.enum(["kind", "public", "internal"]),
    /**
     * How users log in to the UIs: `sso` (single sign-on through the `sso` section's provider: UIs that speak OIDC use
     * it themselves, the others sit behind oauth2-proxy), or `basic` (the fallback: a generated basic-auth login on
     * each UI without its own, every other UI with its own login). Default `sso`.
     */
    auth: z.enum(["sso", "basic"], { error: 'expected "sso" (single sign-on) or "basic" (the generated basic-auth logins, the fallback)' }),
    domain: z.string().regex(/^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { error: 'expected a DNS domain such as "ml.acme.io"' }).optional(),
    tls: z
        .union(
            [
                z.strictObject({ acme: z.strictObject({ email: z.email({ error: "expected an email address" }), server: z.url().optional() }) }),
                z.strictObject({ ca: z.strictObject({ secretName: dnsLabel }) }),
            ],
            { error: 'expected { acme: { email } } (Let\'s Encrypt) or { ca: { secretName } } (your own CA, a Secret in cert-manager\'s namespace)' },
        )
        .optional(),
});

export const lakehouseSchema = z.strictObject({
    workers: z.strictObject({ min: whole(0, 100), max: whole(0, 200) }).optional(),
});

export const streamingSchema = z.strictObject({
    topics: z.array(
        z.strictObject({
            name: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, { error: "expected a Kafka topic name (letters, digits, . _ -)" }),
            partitions: whole(1, 1000).optional(),
            replicas: whole(1, 5).optional(),
            retentionMs: z.number().int().min(-1, { error: "expected milliseconds, or -1 to keep forever" }).optional(),
        }),
    ),
    cdc: z.strictObject({
        /** `schema.table` names captured from the platform Postgres's `source` database. Empty: no CDC. */
        tables: z.array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_$]*\.[a-zA-Z_][a-zA-Z0-9_$]*$/, { error: 'expected "schema.table" (Postgres identifiers, not starting with a digit)' })),
        /** Where Strimzi pushes the Connect image with the Debezium plugin (Artifact Registry / ACR); prod only. */
        imageRepository: z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[\w.-]+)+$/, { error: "expected an image repository without tag" }).optional(),
        /** A kubernetes.io/dockerconfigjson Secret in the streaming namespace that may push there. */
        pushSecretName: dnsLabel.optional(),
    }),
});

export const orchestratorSchema = z.strictObject({
    executor: z.enum(["KubernetesExecutor", "CeleryExecutor"]),
    dags: z
        .strictObject({
            repo: z.string().regex(/^(https:\/\/|git@|ssh:\/\/)/, { error: "expected a git URL (https://, ssh:// or git@)" }),
            ref: z.string().min(1),
            subPath: z.string(),
            credentials: z
                .discriminatedUnion("kind", [
                    z.strictObject({ kind: z.literal("https"), secretName: dnsLabel }),
                    z.strictObject({ kind: z.literal("ssh"), secretName: dnsLabel, knownHosts: z.string().optional() }),
                ])
                .optional(),
        })
        .optional(),
    adminEmail: z.email({ error: "expected an email address" }).optional(),
});

const threshold = (what: string) => z.number({ error: `expected ${what} (a number >= 0)` }).min(0, { error: `expected ${what} (a number >= 0)` });

/** The model feedback loop of one model (components/feedback): logging to Kafka, the bronze table, drift alerts, retraining. */
export const modelFeedbackSchema = z.strictObject({
    /** Log requests and responses (KServe's logger) to the model's topic and bronze table. */
    logging: z.boolean({ error: "expected true or false" }),
    /** Fraction of request/response pairs kept, in (0, 1] (sampled by the receiver: KServe v0.20.0's logger cannot sample). */
    sampleRate: z.number({ error: "expected a fraction above 0 and at most 1" }).gt(0, { error: "expected a fraction above 0 and at most 1" }).max(1, { error: "expected a fraction above 0 and at most 1" }).optional(),
    /** `retention.ms` of the model's topic (how far back a replay reaches); -1 keeps forever. */
    retentionMs: z.number({ error: "expected milliseconds, or -1 to keep forever" }).int({ error: "expected milliseconds, or -1 to keep forever" }).min(-1, { error: "expected milliseconds, or -1 to keep forever" }).optional(),
    thresholds: z
        .strictObject({
            predictionPsi: threshold("a population stability index such as 0.2").optional(),
            featureMeanShift: threshold("baseline standard deviations such as 3").optional(),
            nullRateIncrease: threshold("a fraction such as 0.1").optional(),
            minRequests: threshold("a request count such as 100").optional(),
        })
        .optional(),
    /** The team's training DAG an alert triggers through Airflow's REST API. */
    retrainDag: z.string().regex(/^[a-zA-Z0-9_.-]{1,250}$/, { error: "expected an Airflow DAG id (letters, digits, _ . -)" }).optional(),
    /** The training baseline (catalog.schema.table); default lakehouse.feedback_gold.baseline. */
    baselineTable: z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, { error: 'expected "catalog.schema.table" such as "lakehouse.feedback_gold.baseline"' }).optional(),
});

export const modelFormats = ["sklearn", "xgboost", "lightgbm", "tensorflow", "pytorch", "onnx", "triton", "pmml", "paddle", "huggingface", "mlflow"] as const;

export const servingSchema = z.strictObject({
    models: z.array(
        z.strictObject({
            name: z.string().regex(/^[a-z]([-a-z0-9]{0,43}[a-z0-9])?$/, { error: "expected 1-45 lowercase letters, digits or hyphens" }),
            modelFormat: z.enum(modelFormats),
            /** Each scheme's form is checked in rules.ts (storageUriProblem). */
            storageUri: z.string().regex(/^(s3|gs|https|pvc|mlflow-artifacts):/, { error: "expected a storage URI: s3://<bucket>/<path>, gs://<bucket>/<path>, https://<host>/<path>, pvc://<claim>/<path> or mlflow-artifacts:/<path>" }),
            runtime: z.string().optional(),
            minReplicas: whole(1, 100).optional(),
            maxReplicas: whole(1, 500).optional(),
            feedback: modelFeedbackSchema.optional(),
        }),
    ),
});

export const computeSchema = z.strictObject({
    spark: z.strictObject({
        /** The Spark History Server behind the ingress. */
        historyServer: z.boolean(),
    }),
    ray: z.strictObject({
        /** A standing RayCluster (RayJobs bring their own clusters either way). */
        cluster: z.boolean(),
        /** Bounds of the autoscaled CPU worker group. */
        workers: z.strictObject({ min: whole(0, 100), max: whole(0, 500) }).optional(),
    }),
});

export const monitoringSchema = z.strictObject({
    retention: z.string().regex(/^[1-9]\d*[smhdwy]$/, { error: 'expected a Prometheus duration above zero, such as "15d"' }).optional(),
    retentionSize: z.string().regex(/^[1-9]\d*(KB|MB|GB|TB)$/, { error: 'expected a size above zero, such as "45GB"' }).optional(),
    storageSize: z.string().regex(/^[1-9]\d*(Mi|Gi|Ti)$/, { error: 'expected a volume size above zero, such as "50Gi"' }).optional(),
    /** Where Alertmanager sends alerts; the URL or password is the secret `ml-platform:alertsSecret`. */
    alerts: z
        .discriminatedUnion("type", [
            z.strictObject({ type: z.literal("slack"), channel: z.string().regex(/^[#@]?[\w.-]+$/, { error: 'expected a Slack channel such as "#ml-alerts"' }) }),
            z.strictObject({ type: z.literal("webhook") }),
            z.strictObject({
                type: z.literal("email"),
                to: z.email({ error: "expected an email address" }),
                from: z.email({ error: "expected an email address" }),
                smarthost: z.string().regex(/^[\w.-]+:\d{1,5}$/, { error: 'expected an SMTP relay as host:port, such as "smtp.acme.io:587"' }),
                username: z.string().min(1, { error: "expected the SMTP user name" }),
            }),
        ])
        .optional(),
});

export const featureStoreSchema = z.strictObject({
    /** Feast project name. */
    project: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, { error: "expected a Feast project name: letters, digits and underscores, starting with a letter" }).optional(),
    /** Where online features live: the platform's Postgres, or Valkey (official chart) for lower read latency. */
    onlineStore: z.enum(["postgres", "valkey"]),
    /** Bounds of the feature server's autoscaling (prod: min >= 2). */
    replicas: z.strictObject({ min: whole(1, 50), max: whole(1, 200) }).optional(),
    /** Hours since a feature view's last materialization before FeastMaterializationStale fires. */
    maxStalenessHours: z.number({ error: "expected hours above zero" }).positive({ error: "expected hours above zero" }).max(24 * 30, { error: "expected at most 720 hours" }).optional(),
});

export const notebooksSchema = z.strictObject({
    /** Size of each user's home volume (a PVC per user, kept when the server stops). */
    storageSize: z.string().regex(/^[1-9]\d*(Mi|Gi|Ti)$/, { error: 'expected a volume size above zero, such as "10Gi"' }),
    /** Minutes without activity before the culler stops a user's server (the home volume stays). */
    idleTimeoutMinutes: whole(5, 7 * 24 * 60),
    /** Without single sign-on: the JupyterHub users who authorize sign-ups (they sign up first, under these names). */
    adminUsers: z.array(z.string().regex(/^[a-z0-9][a-z0-9._@-]{0,63}$/, { error: "expected a JupyterHub user name: lowercase letters, digits, . _ @ -" })).min(1).optional(),
});

const httpsUrl = z.url({ protocol: /^https$/, error: "expected an https:// URL" });
const groupName = z.string().min(1, { error: "expected a group name or ID" }).max(256, { error: "expected at most 256 characters" });

/**
 * Single sign-on (with `ingress.auth: sso`). The provider's client secret is the secret key `ml-platform:ssoClientSecret`.
 * Which keys each provider needs is checked in rules.ts (ssoRules), naming the key.
 */
export const ssoSchema = z.strictObject({
    /**
     * `dex`: Dex in the cluster with a generated admin (kind only; the dev default). `google`: Google Identity (an
     * OAuth client of a Google Cloud project). `entra`: Microsoft Entra ID (an app registration). `oidc`: any other
     * OIDC issuer, endpoints given. No default off kind: the organisation's provider is its own to name.
     */
    provider: z.enum(["dex", "google", "entra", "oidc"], { error: 'expected "dex" (kind only), "google", "entra" or "oidc"' }).optional(),
    /** The client (application) ID registered with the provider. */
    clientId: z.string().regex(/^[\w.@:/-]{1,256}$/, { error: "expected the client (application) ID the provider issued" }).optional(),
    /** Entra ID: the directory (tenant) ID. */
    tenantId: z.uuid({ error: "expected the Entra ID directory (tenant) ID, a UUID" }).optional(),
    /** `oidc`: the issuer and its endpoints (as its discovery document lists them). */
    issuerUrl: httpsUrl.optional(),
    authorizeUrl: httpsUrl.optional(),
    tokenUrl: httpsUrl.optional(),
    userInfoUrl: httpsUrl.optional(),
    /** `oidc`: the claim with the user's groups; absent: the provider sends none. */
    groupsClaim: z.string().regex(/^[\w.:/-]{1,128}$/, { error: "expected a claim name such as \"groups\"" }).optional(),
    /** Groups (Entra ID: group object IDs) whose members are admin in every UI. */
    adminGroups: z.array(groupName).optional(),
    /** Users (by e-mail) who are admin in every UI. */
    adminUsers: z.array(z.email({ error: "expected an e-mail address" })).optional(),
    /** Groups whose members may log in at all; absent: everybody the provider authenticates (within emailDomains). */
    allowedGroups: z.array(groupName).optional(),
    /** `dex` only: more static users (each gets a generated password, in the `credentials` output) and their groups. */
    users: z
        .array(z.strictObject({ email: z.email({ error: "expected an e-mail address" }), groups: z.array(groupName).optional() }))
        .optional(),
    /** E-mail domains whose users may log in, e.g. ["acme.io"]; required with Google (any Google account could log in otherwise). */
    emailDomains: z.array(z.string().regex(/^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { error: 'expected a DNS domain such as "acme.io"' })).optional(),
});
