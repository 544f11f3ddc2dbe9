/**
 * Pure builders for the notebooks component: sizing per environment, the user profiles, the login configuration
 * (GenericOAuthenticator from an OIDC client, or NativeAuthenticator with admin approval) and the values of the
 * official JupyterHub chart (zero-to-jupyterhub-k8s). Plain data in, plain data out; no Pulumi.
 */
import type { ExtraEnv, JupyterHubValues } from "../charts/jupyterhub";
import type { ImagePin } from "../versions";
import type { OidcSettings } from "../identity/types";

export const COMPONENT = "notebooks";
export type Environment = "dev" | "prod";

/** The Helm release; the chart names its objects `hub`, `proxy-public`, `proxy-api` regardless of it. */
export const RELEASE = "jupyterhub";
/**
 * The Service the ingress routes to: the platform's own, in front of the proxy's pods on the pod's port (the chart's
 * `proxy-public` maps 80 to 8000, and a NetworkPolicy matches the pod's port, so the route names 8000 throughout).
 */
export const PROXY_SERVICE = "notebooks-proxy";
/** Ports of the proxy's pod: user traffic and the REST API the hub drives it through. */
export const PROXY_PORT = 8000;
export const PROXY_API_PORT = 8001;
/** The hub's API and its Prometheus metrics (`/hub/metrics`). */
export const HUB_PORT = 8081;
/** Where a user's server listens (KubeSpawner's default). */
export const SINGLEUSER_PORT = 8888;
/** The ServiceAccount every user server runs as: the identity the object store and the compute RBAC are bound to. */
export const NOTEBOOK_SERVICE_ACCOUNT = "notebook";
/** The chart's user image runs as jovyan (uid 1000) in group users (gid 100). */
export const NOTEBOOK_UID = 1000;
export const NOTEBOOK_GID = 100;

/** The chart's pod labels (its `matchLabels`): `component` tells the hub, the proxy and user servers apart. */
const chartPods = (component: string) => ({ app: "jupyterhub", release: RELEASE, component });
export const hubPods = chartPods("hub");
export const proxyPods = chartPods("proxy");
/** KubeSpawner labels every user server `component: singleuser-server`. */
export const singleuserPods = chartPods("singleuser-server");

/** Keys of the Secret the hub reads the client credentials of its OIDC client from (by env, never in values). */
export const OAUTH_ENV = { clientId: "OAUTH_CLIENT_ID", clientSecret: "OAUTH_CLIENT_SECRET" } as const;

export interface Resources {
    readonly cpu: string;
    readonly memory: string;
    readonly cpuLimit: string;
    readonly memoryLimit: string;
}

/** One user profile: what a user picks when starting a server. */
export interface ProfileSizing {
    /** CPU cores guaranteed / at most. */
    readonly cpu: number;
    readonly cpuLimit: number;
    /** Memory guaranteed / at most, as KubeSpawner takes it (`2G`). */
    readonly memory: string;
    readonly memoryLimit: string;
}

export interface NotebooksSizing {
    readonly hub: Resources;
    readonly proxy: Resources;
    readonly small: ProfileSizing;
    readonly large: ProfileSizing;
    readonly gpu: ProfileSizing;
    /** Default size of each user's home volume. */
    readonly storage: string;
    /** Default idle timeout before the culler stops a server, in seconds. */
    readonly cullTimeoutSeconds: number;
}

/**
 * dev: the hub and the proxy only, sized for a laptop (no user server runs until someone starts one). Measured idle
 * with JupyterHub 5.5.0, KubeSpawner 7.0.0, NativeAuthenticator 1.3.0 and oauthenticator 17.4.0 loaded, and
 * psycopg2 (PyPI, Python 3.11): the hub process 162 MiB PSS plus the idle culler it runs 22 MiB, so 192Mi; the
 * proxy (configurable-http-proxy 5.2.0, node) 58 MiB RSS, so 64Mi. KubeSpawner's pod and event watches add to the
 * hub once users exist (limit 512Mi).
 * prod: room for many users' spawns and API calls; JupyterHub runs one hub and one proxy (no HA), so no PDB.
 */
export const notebooksSizing: Record<Environment, NotebooksSizing> = {
    dev: {
        hub: { cpu: "50m", memory: "192Mi", cpuLimit: "1", memoryLimit: "512Mi" },
        proxy: { cpu: "10m", memory: "64Mi", cpuLimit: "200m", memoryLimit: "256Mi" },
        small: { cpu: 0.25, cpuLimit: 1, memory: "1G", memoryLimit: "2G" },
        large: { cpu: 1, cpuLimit: 2, memory: "2G", memoryLimit: "4G" },
        gpu: { cpu: 1, cpuLimit: 4, memory: "4G", memoryLimit: "16G" },
        storage: "5Gi",
        cullTimeoutSeconds: 1800,
    },
    prod: {
        hub: { cpu: "250m", memory: "512Mi", cpuLimit: "2", memoryLimit: "2Gi" },
        proxy: { cpu: "100m", memory: "128Mi", cpuLimit: "1", memoryLimit: "512Mi" },
        small: { cpu: 1, cpuLimit: 2, memory: "4G", memoryLimit: "8G" },
        large: { cpu: 4, cpuLimit: 8, memory: "16G", memoryLimit: "32G" },
        gpu: { cpu: 4, cpuLimit: 8, memory: "16G", memoryLimit: "32G" },
        storage: "20Gi",
        cullTimeoutSeconds: 3600,
    },
};

/** The KubeSpawner profile list: small and large CPU, and a GPU profile when the cluster has a GPU pool. */
export function profileList(sizing: NotebooksSizing, gpuPool?: { readonly gpus: number }): Record<string, unknown>[] {
    const override = (p: ProfileSizing) => ({ cpu_guarantee: p.cpu, cpu_limit: p.cpuLimit, mem_guarantee: p.memory, mem_limit: p.memoryLimit });
    const describe = (p: ProfileSizing) => `${p.cpu}-${p.cpuLimit} CPU, ${p.memory.replace(/G$/, " GB")}-${p.memoryLimit.replace(/G$/, " GB")} memory`;
    const profiles: Record<string, unknown>[] = [
        { display_name: "Small CPU", slug: "small", description: describe(sizing.small), default: true, kubespawner_override: override(sizing.small) },
        { display_name: "Large CPU", slug: "large", description: describe(sizing.large), kubespawner_override: override(sizing.large) },
    ];
    if (gpuPool) {
        if (!Number.isInteger(gpuPool.gpus) || gpuPool.gpus < 1) throw new Error(`notebooks: gpuPool.gpus must be a whole number >= 1 (got ${gpuPool.gpus})`);
        profiles.push({
            display_name: "GPU",
            slug: "gpu",
            description: `${describe(sizing.gpu)}, ${gpuPool.gpus} NVIDIA GPU${gpuPool.gpus > 1 ? "s" : ""}`,
            kubespawner_override: {
                ...override(sizing.gpu),
                extra_resource_guarantees: { "nvidia.com/gpu": String(gpuPool.gpus) },
                extra_resource_limits: { "nvidia.com/gpu": String(gpuPool.gpus) },
                // The cluster's GPU pool is labelled and tainted so only GPU work lands there (components/cluster).
                node_selector: { "ml-platform/pool": "gpu" },
                tolerations: [{ key: "nvidia.com/gpu", operator: "Equal", value: "present", effect: "NoSchedule" }],
            },
        });
    }
    return profiles;
}

/** What the hub's login needs: the OIDC client's resolved settings (the identity contract's) and its callback. */
export interface OidcLogin extends OidcSettings {
    /** `<notebooks url>/hub/oauth_callback`. */
    readonly callbackUrl: string;
}

export function validateOidcClaims(o: Pick<OidcLogin, "usernameClaim" | "groupsClaim" | "allowedGroups" | "adminGroups">): void {
    if (!o.usernameClaim) throw new Error("notebooks: the OIDC client names no username claim");
    if ((o.allowedGroups.length > 0 || o.adminGroups.length > 0) && !o.groupsClaim) {
        throw new Error("notebooks: the OIDC client restricts or maps groups (allowedGroups/adminGroups) but names no groups claim: JupyterHub could not read them");
    }
}

export type Login = { readonly kind: "oidc"; readonly oidc: OidcLogin } | { readonly kind: "native"; readonly adminUsers: readonly string[] };

/**
 * The `hub.config` sections of the login. OIDC: oauthenticator 17.4.0 (the k8s-hub 4.4.0 image's)
 * GenericOAuthenticator; groups come from the userinfo response (`auth_state.oauth_user.<claim>`), which needs
 * `manage_groups` (17.0 replaced `claim_groups_key` with `auth_state_groups_key`). Client id and secret are not
 * here: the authenticator reads `OAUTH_CLIENT_ID` and `OAUTH_CLIENT_SECRET` from the hub's environment.
 * Native: jupyterhub-nativeauthenticator 1.3.0 (in the same image): users sign up with their own password and
 * wait until an admin authorizes them at `/hub/authorize`; the admin users are authorized as they sign up.
 */
export function loginConfig(login: Login): Record<string, Record<string, unknown>> {
    if (login.kind === "native") {
        if (login.adminUsers.length === 0) throw new Error("notebooks: the native login needs at least one admin user to authorize the others");
        return {
            JupyterHub: { authenticator_class: "nativeauthenticator.NativeAuthenticator" },
            Authenticator: { admin_users: [...login.adminUsers], allow_all: true },
            NativeAuthenticator: {
                open_signup: false,
                minimum_password_length: 12,
                check_common_password: true,
                allowed_failed_logins: 5,
                seconds_before_next_try: 600,
            },
        };
    }
    const o = login.oidc;
    validateOidcClaims(o);
    const generic: Record<string, unknown> = {
        oauth_callback_url: o.callbackUrl,
        authorize_url: o.authorizeUrl,
        token_url: o.tokenUrl,
        userdata_url: o.userInfoUrl,
        scope: [...o.scopes],
        username_claim: o.usernameClaim,
        login_service: "single sign-on",
        admin_users: [...o.adminUsers],
        ...(o.allowedGroups.length ? { allowed_groups: [...o.allowedGroups] } : { allow_all: true }),
        ...(o.groupsClaim ? { manage_groups: true, auth_state_groups_key: `oauth_user.${o.groupsClaim}` } : {}),
        ...(o.adminGroups.length ? { admin_groups: [...o.adminGroups] } : {}),
    };
    return { JupyterHub: { authenticator_class: "generic-oauth" }, GenericOAuthenticator: generic };
}

/**
 * A user server's environment variable: a literal, `valueFrom` a Secret's key, or a KubeSpawner template (`expand`,
 * e.g. `{unescaped_username}`, filled per user at spawn). KubeSpawner runs every string through Python's
 * `str.format`, so literals are written with their braces doubled (see {@link kubespawnerLiteral}).
 */
export type EnvValue =
    | string
    | { readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string; readonly optional?: boolean } } }
    | { readonly expand: string };

/** The JupyterHub user's own name, as KubeSpawner fills it into a user server's environment. */
export const USERNAME_TEMPLATE: EnvValue = { expand: "{unescaped_username}" };

/** A literal that comes out of KubeSpawner's `str.format` expansion unchanged (a JSON value keeps its braces). */
export const kubespawnerLiteral = (s: string) => s.replace(/\{/g, "{{").replace(/\}/g, "}}");

/** A hub environment variable: a literal or a Secret's key (the hub does not expand templates). */
export type HubEnvValue = Exclude<EnvValue, { readonly expand: string }>;

function userEnvValue(v: EnvValue): ExtraEnv[string] {
    if (typeof v === "string") return kubespawnerLiteral(v);
    if ("expand" in v) return v.expand;
    return v;
}

export const fromSecret = (name: string, key: string, optional?: boolean): HubEnvValue => ({ valueFrom: { secretKeyRef: { name, key, ...(optional ? { optional } : {}) } } });

/** The hub's database: a Postgres URL without the password (libpq reads `PGPASSWORD` from the environment). */
export interface HubDatabase {
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly username: string;
    readonly sslMode: "disable" | "require";
    /** The connection Secret in the notebooks namespace (key `password`). */
    readonly secretName: string;
}

export function hubDatabaseUrl(db: HubDatabase): string {
    return `postgresql+psycopg2://${encodeURIComponent(db.username)}@${db.host}:${db.port}/${encodeURIComponent(db.database)}?sslmode=${db.sslMode}`;
}

const image = (pin: ImagePin, registry?: string) => ({
    name: `${registry?.replace(/\/+$/, "") ?? pin.registry}/${pin.repository}`,
    tag: pin.digest ? `${pin.tag}@${pin.digest}` : pin.tag,
});

/** Restricted Pod Security at container level, for the chart's own containers. */
export const restrictedContainer = () => ({
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
});

export interface NotebooksValuesInput {
    readonly environment: Environment;
    readonly sizing: NotebooksSizing;
    readonly images: { readonly hub: ImagePin; readonly proxy: ImagePin; readonly singleuser: ImagePin };
    /** A mirror registry that replaces every image's registry. */
    readonly imageRegistry?: string;
    readonly login: Login;
    readonly database: HubDatabase;
    /** The hub's environment besides the database password (the OIDC client's credentials). */
    readonly hubEnv: Readonly<Record<string, HubEnvValue>>;
    /** Every user server's environment: the platform's connections, literals or from Secrets in the namespace. */
    readonly userEnv: Readonly<Record<string, EnvValue>>;
    /** Labels every user server gets (AKS workload identity's `azure.workload.identity/use`). */
    readonly userPodLabels: Readonly<Record<string, string>>;
    readonly gpuPool?: { readonly gpus: number };
    /** Size of each user's home volume (`10Gi`). */
    readonly storageSize: string;
    /** StorageClass of the home volumes; the cluster's default when absent. */
    readonly storageClassName?: string;
    /** Seconds without activity before a server is stopped. */
    readonly cullTimeoutSeconds: number;
}

/**
 * The chart's values. Everything the platform provides itself is off: the chart's NetworkPolicies (the platform
 * writes them from the declared flows), its LoadBalancer and autohttps (the platform's ingress and cert-manager),
 * the user scheduler and placeholders, the image pullers, and the iptables init container that blocks the cloud
 * metadata server (it needs NET_ADMIN, which `restricted` forbids; the default-deny NetworkPolicies have no flow
 * there). No secret is in them: cookie secret, proxy token and crypt key are generated by the chart into its own
 * Secret and kept across upgrades; the database password and the OIDC client credentials reach the hub by env
 * from Secrets.
 */
export function notebooksValues(input: NotebooksValuesInput): JupyterHubValues {
    const { sizing, database } = input;
    if (!/^[1-9]\d*(Mi|Gi|Ti)$/.test(input.storageSize)) throw new Error(`notebooks: storageSize must be a volume size such as "10Gi" (got ${JSON.stringify(input.storageSize)})`);
    if (!Number.isInteger(input.cullTimeoutSeconds) || input.cullTimeoutSeconds < 300) {
        throw new Error(`notebooks: the idle timeout must be a whole number of seconds >= 300 (got ${input.cullTimeoutSeconds})`);
    }
    const resources = (r: Resources) => ({ requests: { cpu: r.cpu, memory: r.memory }, limits: { cpu: r.cpuLimit, memory: r.memoryLimit } });
    const login = loginConfig(input.login);
    const podSecurity = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
    const netpolOff = { enabled: false };
    return {
        hub: {
            image: image(input.images.hub, input.imageRegistry),
            resources: resources(sizing.hub),
            // The hub runs as jovyan (1000) like its image; the pod level adds the seccomp profile `restricted` wants.
            podSecurityContext: { ...podSecurity, fsGroup: 1000 },
            containerSecurityContext: { ...restrictedContainer(), runAsUser: 1000, runAsGroup: 1000 },
            db: { type: "postgres", url: hubDatabaseUrl(database), upgrade: true },
            extraEnv: { PGPASSWORD: fromSecret(database.secretName, "password"), ...input.hubEnv } ,
            networkPolicy: netpolOff,
            config: {
                ...login,
                JupyterHub: {
                    ...login.JupyterHub,
                    // Prometheus scrapes /hub/metrics without a token; only the monitoring namespace may reach the port.
                    authenticate_prometheus: false,
                },
                KubeSpawner: {
                    // Restricted Pod Security for user servers. KubeSpawner adds runAsUser/runAsGroup (uid, gid),
                    // allowPrivilegeEscalation (false) and fsGroup (fsGid) itself.
                    pod_security_context: podSecurity,
                    container_security_context: { runAsNonRoot: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
                    // The token of the `notebook` ServiceAccount: Spark and Ray submissions through the API server.
                    automount_service_account_token: true,
                },
            },
        },
        proxy: {
            service: { type: "ClusterIP" },
            https: { enabled: false },
            chp: {
                image: image(input.images.proxy, input.imageRegistry),
                resources: resources(sizing.proxy),
                containerSecurityContext: { ...restrictedContainer(), runAsUser: 65534, runAsGroup: 65534 },
                networkPolicy: netpolOff,
            },
        },
        singleuser: {
            image: image(input.images.singleuser, input.imageRegistry),
            uid: NOTEBOOK_UID,
            fsGid: NOTEBOOK_GID,
            allowPrivilegeEscalation: false,
            serviceAccountName: NOTEBOOK_SERVICE_ACCOUNT,
            cloudMetadata: { blockWithIptables: false },
            networkPolicy: netpolOff,
            extraLabels: { ...input.userPodLabels },
            extraEnv: Object.fromEntries(Object.entries(input.userEnv).map(([k, v]) => [k, userEnvValue(v)])) as ExtraEnv,
            storage: {
                type: "dynamic",
                capacity: input.storageSize,
                homeMountPath: "/home/jovyan",
                dynamic: { storageClass: input.storageClassName ?? null, storageAccessModes: ["ReadWriteOnce"] },
            },
            // The small profile's sizes; each profile overrides them.
            cpu: { guarantee: sizing.small.cpu, limit: sizing.small.cpuLimit },
            memory: { guarantee: sizing.small.memory, limit: sizing.small.memoryLimit },
            profileList: profileList(sizing, input.gpuPool),
            startTimeout: 600,
        },
        scheduling: { userScheduler: { enabled: false }, userPlaceholder: { enabled: false }, podPriority: { enabled: false } },
        prePuller: { hook: { enabled: false }, continuous: { enabled: false } },
        ingress: { enabled: false },
        cull: { enabled: true, timeout: input.cullTimeoutSeconds, every: Math.min(600, Math.max(60, Math.floor(input.cullTimeoutSeconds / 6))), users: false, adminUsers: true },
        debug: { enabled: false },
    };
}
