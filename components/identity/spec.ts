/**
 * Pure functions of single sign-on: Dex's config, the Dex and oauth2-proxy chart values, Traefik's forward-auth
 * Middleware, the CoreDNS rewrite that gives pods on kind the browsers' issuer URL, and the OIDC settings of the UIs
 * that speak OIDC themselves (Grafana, Airflow). No Pulumi resources here: the spec tests read them without mocks.
 */
import type { DexValues } from "../charts/dex";
import type { OAuth2ProxyValues } from "../charts/oauth2Proxy";
import type { ContainerSecurityContext, PodSecurityContext } from "../charts/kubernetes";
import { containerResources, platformLabels } from "../common/kubernetes";
import { ImagePin, images, Mirror } from "../versions";
import type { OidcSettings } from "./types";

export const IDENTITY_COMPONENT = "identity";
/** The identity namespace: Dex (dev) and oauth2-proxy. */
export const IDENTITY_NAMESPACE = "ml-identity";

/** Dex's release (its fullname, Service and selector `instance`); HTTP on 5556, metrics and health on 5558. */
export const DEX = { release: "dex", service: "dex", port: 5556, telemetryPort: 5558 } as const;
export const DEX_PODS = { "app.kubernetes.io/name": "dex", "app.kubernetes.io/instance": DEX.release } as const;
/** oauth2-proxy's release; its Service listens on 80 and forwards to the container's 4180; metrics on 44180. */
export const OAUTH2_PROXY = { release: "oauth2-proxy", service: "oauth2-proxy", servicePort: 80, port: 4180, metricsPort: 44180 } as const;
export const OAUTH2_PROXY_PODS = { "app.kubernetes.io/name": "oauth2-proxy", "app.kubernetes.io/instance": OAUTH2_PROXY.release } as const;

/** Subdomains of the identity routes: Dex's login pages (dev) and oauth2-proxy's callback. */
export const SSO_SUBDOMAINS = { dex: "dex", auth: "auth" } as const;
/** The Secret key Dex reads its config from (the chart mounts the Secret at /etc/dex). */
export const DEX_CONFIG_KEY = "config.yaml";
/** Keys of a UI's OIDC client Secret (the contract's `clientIdKey` and `clientSecretKey`). */
export const CLIENT_KEYS = { id: "client-id", secret: "client-secret" } as const;
/** The group the generated dev admin belongs to; dev's default admin group. */
export const DEV_ADMIN_GROUP = "ml-platform-admins";
/** Headers oauth2-proxy answers forward-auth with (`set_xauthrequest`), which Traefik passes to the UI. */
export const FORWARD_AUTH_HEADERS = ["X-Auth-Request-User", "X-Auth-Request-Email", "X-Auth-Request-Groups", "X-Auth-Request-Preferred-Username"] as const;

/** Who may log in and who is admin, the same in every UI. */
export interface AccessPolicy {
    readonly adminGroups: readonly string[];
    readonly adminUsers: readonly string[];
    /** Empty: every user the provider authenticates (within `emailDomains`). */
    readonly allowedGroups: readonly string[];
    /** E-mail domains allowed to log in; `["*"]`: any. */
    readonly emailDomains: readonly string[];
}

/** How users and groups appear in the provider's tokens. */
export interface ClaimSettings {
    readonly scopes: readonly string[];
    readonly usernameClaim: string;
    /** Absent when the provider sends no groups (Google). */
    readonly groupsClaim?: string;
}

// --- Dex ------------------------------------------------------------------------------------------------------

export interface DexStaticClient {
    readonly id: string;
    readonly name: string;
    readonly secret: string;
    readonly redirectURIs: readonly string[];
}

export interface DexUser {
    readonly email: string;
    readonly username: string;
    readonly userID: string;
    /** bcrypt hash of the password. */
    readonly hash: string;
    readonly groups: readonly string[];
}

export interface DexConfigArgs {
    readonly issuer: string;
    readonly clients: readonly DexStaticClient[];
    readonly users: readonly DexUser[];
}

/**
 * Dex's config: the issuer browsers and pods share, in-memory storage (dev: sessions and signing keys are lost on a
 * restart, users log in again; no CRDs, no API access), the local password database with static users (their
 * `groups` need Dex >= 2.45) and one static client per UI. It holds secrets: it goes into a Secret, never into values.
 */
export function dexConfig(args: DexConfigArgs): Record<string, unknown> {
    const ids = args.clients.map((c) => c.id);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) throw new Error(`Dex: two OIDC clients are named "${dup}"`);
    return {
        issuer: args.issuer,
        storage: { type: "memory" },
        web: { http: `0.0.0.0:${DEX.port}` },
        telemetry: { http: `0.0.0.0:${DEX.telemetryPort}` },
        oauth2: { skipApprovalScreen: true, responseTypes: ["code"] },
        expiry: { idTokens: "1h" },
        // Dex 2.45 deprecates `expiry.signingKeys` for this (it warns at start and will drop it).
        signer: { type: "local", config: { keysRotationPeriod: "6h" } },
        enablePasswordDB: true,
        // `preferredUsername` (Dex >= 2.45) is the `preferred_username` claim, which oauth2-proxy forwards as
        // X-Auth-Request-Preferred-Username; `username` only names the user (`name`).
        staticPasswords: args.users.map((u) => ({ email: u.email, username: u.username, preferredUsername: u.username, userID: u.userID, hash: u.hash, groups: [...u.groups] })),
        staticClients: args.clients.map((c) => ({ id: c.id, name: c.name, secret: c.secret, redirectURIs: [...c.redirectURIs] })),
    };
}

const seccomp = { seccompProfile: { type: "RuntimeDefault" } };
/** Pod Security `restricted`: non-root, no privilege escalation, every capability dropped, RuntimeDefault seccomp. */
const restrictedContainer: ContainerSecurityContext = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    ...seccomp,
};
const podSecurity = (uid: number): PodSecurityContext => ({ runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, ...seccomp });

const imageRepository = (pin: ImagePin, mirror?: Mirror) => `${mirror?.imageRegistry?.replace(/\/+$/, "") ?? pin.registry}/${pin.repository}`;

export const identitySizing = {
    // Dex peaked at 36 MiB RSS and oauth2-proxy at 22 MiB over the login round trips of `npm run test:sso`, which
    // checks that each peak fits its dev request.
    dev: { replicas: 1, dex: containerResources("10m", "48Mi", "100m", "96Mi"), proxy: containerResources("10m", "32Mi", "100m", "64Mi") },
    prod: { replicas: 2, dex: containerResources("50m", "64Mi", "500m", "128Mi"), proxy: containerResources("50m", "64Mi", "500m", "128Mi") },
} as const;

/** Values for the Dex chart: the config Secret by name, restricted pods, no chart RBAC (in-memory storage). */
export function dexValues(args: { configSecret: string; mirror?: Mirror }): DexValues {
    const size = identitySizing.dev;
    return {
        replicaCount: 1,
        fullnameOverride: DEX.release,
        image: { repository: imageRepository(images.dex, args.mirror), tag: images.dex.tag },
        configSecret: { create: false, name: args.configSecret },
        serviceAccount: { create: true },
        rbac: { create: false, createClusterScoped: false },
        commonLabels: platformLabels(IDENTITY_COMPONENT),
        // The image's `dex` user (uid 1001).
        podSecurityContext: podSecurity(1001),
        securityContext: restrictedContainer,
        resources: size.dex,
        // The image's entrypoint renders /etc/dex/config.yaml through gomplate into /tmp before `dex serve` reads it:
        // the root filesystem stays read-only, /tmp is an emptyDir.
        volumes: [{ name: "tmp", emptyDir: { sizeLimit: "16Mi" } }],
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
        https: { enabled: false },
        grpc: { enabled: false },
        service: { type: "ClusterIP", ports: { http: { port: DEX.port } } },
        ingress: { enabled: false },
        serviceMonitor: { enabled: false },
        networkPolicy: { enabled: false },
    };
}

// --- oauth2-proxy ----------------------------------------------------------------------------------------------

export interface OAuth2ProxyConfigArgs {
    readonly issuerUrl: string;
    /** `http(s)://auth.<domain>/oauth2/callback`. */
    readonly redirectUrl: string;
    /** The UIs' DNS zone: the session cookie is set for `.<domain>`, and redirects back may go to any `<ui>.<domain>`. */
    readonly domain: string;
    /** Whether the UIs are HTTPS (cookie `Secure`). */
    readonly tls: boolean;
    readonly claims: ClaimSettings;
    readonly access: AccessPolicy;
    /**
     * Ask for a refresh token (`offline_access`), which oauth2-proxy uses every `cookie_refresh`: without one the
     * session ends when the ID token expires (Dex's after 1h), long before `cookie_expire`. Only for issuers that
     * know the scope (Dex does; Google refuses it).
     */
    readonly refreshTokens?: boolean;
}

/**
 * oauth2-proxy's cookie secret from 32 random bytes given as standard base64 (random.RandomBytes' `base64`): the same
 * bytes as URL-safe base64. oauth2-proxy decodes the secret as URL-safe base64 only (v7.15.3 pkg/encryption
 * SecretBytes: RawURLEncoding) and otherwise takes its 44 characters as the key, which it refuses at start
 * ("cookie_secret must be 16, 24, or 32 bytes"): standard base64 holds a `+` or `/` for 3 random secrets in 4.
 */
export function oauth2ProxyCookieSecret(base64: string): string {
    return base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const toml = (v: string | boolean | readonly string[]) => (typeof v === "boolean" ? String(v) : JSON.stringify(v));

/**
 * oauth2_proxy.cfg for Traefik forward-auth: the answer to every authenticated request is 202 (`static://202`)
 * with the user in X-Auth-Request-* headers; an unauthenticated browser is redirected to the provider, comes back
 * to `auth.<domain>/oauth2/callback`, and is sent on to the UI it asked for (`whitelist_domains`).
 */
export function oauth2ProxyConfig(args: OAuth2ProxyConfigArgs): string {
    const a = args.access;
    const entries: [string, string | boolean | readonly string[]][] = [
        ["provider", "oidc"],
        ["oidc_issuer_url", args.issuerUrl],
        ["redirect_url", args.redirectUrl],
        ["scope", [...args.claims.scopes, ...(args.refreshTokens ? ["offline_access"] : [])].join(" ")],
        ["oidc_email_claim", "email"],
        ...(args.claims.groupsClaim ? ([["oidc_groups_claim", args.claims.groupsClaim]] as [string, string][]) : []),
        ["code_challenge_method", "S256"],
        // oauth2-proxy's default `approval_prompt=force` makes Dex show its approval screen at every login
        // (ForceApprovalPrompt overrides skipApprovalScreen), and asks Google for consent every time: `auto` does not.
        ["approval_prompt", "auto"],
        ["email_domains", a.emailDomains],
        ...(a.allowedGroups.length ? ([["allowed_groups", a.allowedGroups]] as [string, readonly string[]][]) : []),
        ["upstreams", ["static://202"]],
        ["reverse_proxy", true],
        ["set_xauthrequest", true],
        ["skip_provider_button", true],
        ["cookie_domains", [`.${args.domain}`]],
        ["whitelist_domains", [`.${args.domain}`]],
        ["cookie_secure", args.tls],
        ["cookie_samesite", "lax"],
        ["cookie_expire", "12h"],
        ["cookie_refresh", "1h"],
        ["silence_ping_logging", true],
    ];
    return entries.map(([k, v]) => `${k} = ${toml(v)}`).join("\n") + "\n";
}

export function oauth2ProxyValues(args: { environment: "dev" | "prod"; existingSecret: string; configFile: string; mirror?: Mirror }): OAuth2ProxyValues {
    const size = identitySizing[args.environment];
    const replicas = size.replicas;
    return {
        fullnameOverride: OAUTH2_PROXY.release,
        replicaCount: replicas,
        image: { registry: args.mirror?.imageRegistry?.replace(/\/+$/, "") ?? images.oauth2Proxy.registry, repository: images.oauth2Proxy.repository, tag: images.oauth2Proxy.tag },
        config: { existingSecret: args.existingSecret, configFile: args.configFile },
        // No customLabels: the chart's own `app.kubernetes.io/component` and `part-of` would be written twice.
        // The chart's own container context is already restricted (uid 2000); the pod's seccomp completes it.
        podSecurityContext: podSecurity(2000),
        securityContext: { enabled: true, ...restrictedContainer, runAsUser: 2000, runAsGroup: 2000 },
        resources: size.proxy,
        // It calls no Kubernetes API.
        serviceAccount: { enabled: true, automountServiceAccountToken: false },
        service: { type: "ClusterIP", portNumber: OAUTH2_PROXY.servicePort },
        metrics: { enabled: true, port: OAUTH2_PROXY.metricsPort, serviceMonitor: { enabled: false } },
        // The chart's default PDB (minAvailable 1) would block every drain with a single replica.
        podDisruptionBudget: replicas > 1 ? { enabled: true, minAvailable: 1 } : { enabled: false },
        // Sessions live in the encrypted cookie: no Redis.
        sessionStorage: { type: "cookie" },
        "redis-ha": { enabled: false },
        ingress: { enabled: false },
    };
}

// --- Traefik forward-auth --------------------------------------------------------------------------------------

/** oauth2-proxy's in-cluster address as Traefik calls it for every request to a proxied UI. */
export function forwardAuthAddress(namespace: string): string {
    return `http://${OAUTH2_PROXY.service}.${namespace}.svc.cluster.local:${OAUTH2_PROXY.servicePort}/`;
}

/**
 * A Traefik `forwardAuth` Middleware (traefik.io/v1alpha1, field names as in the Traefik chart 41.3.0's CRD): every
 * request first goes to oauth2-proxy; 2xx lets it through with the user headers, anything else (the redirect to
 * the provider) goes back to the browser. One per UI namespace: the chart keeps `allowCrossNamespace` off.
 */
export function forwardAuthMiddleware(args: { name: string; namespace: string; address: string }) {
    return {
        apiVersion: "traefik.io/v1alpha1",
        kind: "Middleware",
        metadata: { name: args.name, namespace: args.namespace, labels: platformLabels("ingress") },
        spec: {
            forwardAuth: {
                address: args.address,
                // oauth2-proxy builds the URL to return to from X-Forwarded-Host/-Uri, which only Traefik sets.
                trustForwardHeader: false,
                authResponseHeaders: [...FORWARD_AUTH_HEADERS],
            },
        },
    };
}

// --- kind: one issuer URL for browsers and pods ---------------------------------------------------------------

/**
 * kind's CoreDNS Corefile (kubeadm's default, as kind v0.30 installs it) plus one rewrite: the issuer's host
 * (`dex.localtest.me`, 127.0.0.1 for a browser on the laptop, and for a pod its own loopback) answers inside the
 * cluster with the address of Traefik's Service, so pods reach Dex through the same ingress route and the same URL
 * as browsers; the issuer in tokens matches for both. The answer is renamed back, so clients see the name they asked.
 */
export function kindCorefile(args: { issuerHost: string; target: string }): string {
    const esc = (s: string) => s.replace(/\./g, "\\.");
    return `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    rewrite stop {
       name exact ${args.issuerHost} ${args.target}
       answer name ${esc(args.target)} ${args.issuerHost}
    }
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
`;
}

// --- UIs that speak OIDC ---------------------------------------------------------------------------------------
// Grafana's settings are Monitoring's own (components/monitoring/grafanaOidc.ts): Monitoring names no component.

/** The env names Airflow's api-server reads the client credentials from (webserver_config.py reads them). */
export const AIRFLOW_OIDC_ENV = { id: "AIRFLOW_OIDC_CLIENT_ID", secret: "AIRFLOW_OIDC_CLIENT_SECRET" } as const;
/** The FAB OAuth provider name: the callback is `<airflow>/auth/oauth-authorized/<name>`. */
export const AIRFLOW_OAUTH_PROVIDER = "platform";
/** The role key a user in `adminUsers` gets (mapped to Admin), besides their groups. */
const AIRFLOW_ADMIN_USER_KEY = "ml-platform-admin-user";

const py = (v: unknown) => JSON.stringify(v);

/**
 * Airflow's webserver_config.py for the FAB auth manager: AUTH_OAUTH with one provider (the platform's issuer, by
 * its discovery document), users created at first login, roles from AUTH_ROLES_MAPPING on every login (admin groups
 * -> Admin, allowed groups -> User; everybody else Viewer when no group restricts login, else Public, which may do
 * nothing), admin users by name. The client ID and secret are read from the environment.
 */
export function airflowWebserverConfig(s: OidcSettings): string {
    const mapping: Record<string, string[]> = {};
    for (const g of s.groupsClaim ? s.allowedGroups : []) mapping[g] = ["User"];
    for (const g of s.groupsClaim ? s.adminGroups : []) mapping[g] = ["Admin"];
    mapping[AIRFLOW_ADMIN_USER_KEY] = ["Admin"];
    const domains = (s.emailDomains ?? []).filter((d) => d !== "*");
    const restricted = s.groupsClaim !== undefined && s.allowedGroups.length > 0;
    return `# Written by ml-platform (components/identity/spec.ts): single sign-on through the platform's OIDC issuer.
import os

from flask_appbuilder.const import AUTH_OAUTH
from airflow.providers.fab.auth_manager.security_manager.override import FabAirflowSecurityManagerOverride

AUTH_TYPE = AUTH_OAUTH
AUTH_USER_REGISTRATION = True
AUTH_USER_REGISTRATION_ROLE = ${py(restricted ? "Public" : "Viewer")}
AUTH_ROLES_SYNC_AT_LOGIN = True
AUTH_ROLES_MAPPING = ${py(mapping)}

ISSUER = ${py(s.issuerUrl)}
USERNAME_CLAIM = ${py(s.usernameClaim)}
GROUPS_CLAIM = ${py(s.groupsClaim ?? null).replace("null", "None")}
ADMIN_USERS = ${py(s.adminUsers)}
EMAIL_DOMAINS = ${py(domains)}

OAUTH_PROVIDERS = [
    {
        "name": ${py(AIRFLOW_OAUTH_PROVIDER)},
        "icon": "fa-key",
        "token_key": "access_token",
        "remote_app": {
            "client_id": os.environ[${py(AIRFLOW_OIDC_ENV.id)}],
            "client_secret": os.environ[${py(AIRFLOW_OIDC_ENV.secret)}],
            "server_metadata_url": ISSUER + "/.well-known/openid-configuration",
            "api_base_url": ISSUER,
            "client_kwargs": {"scope": ${py(s.scopes.join(" "))}, "code_challenge_method": "S256"},
        },
    }
]


class PlatformSecurityManager(FabAirflowSecurityManagerOverride):
    def get_oauth_user_info(self, provider, resp):
        claims = resp.get("userinfo") or self.oauth_remotes[provider].userinfo(token=resp)
        email = claims.get("email", "")
        if EMAIL_DOMAINS and email.rpartition("@")[2] not in EMAIL_DOMAINS:
            return {}
        username = claims.get(USERNAME_CLAIM) or email
        groups = list(claims.get(GROUPS_CLAIM) or []) if GROUPS_CLAIM else []
        if username in ADMIN_USERS:
            groups.append(${py(AIRFLOW_ADMIN_USER_KEY)})
        return {
            "username": username,
            "email": email,
            "first_name": claims.get("given_name", ""),
            "last_name": claims.get("family_name", ""),
            "role_keys": groups,
        }


SECURITY_MANAGER_CLASS = PlatformSecurityManager
`;
}

/** The api-server's env for the client credentials, from the client Secret. */
export function airflowOidcEnv(s: Pick<OidcSettings, "secretName" | "clientIdKey" | "clientSecretKey">) {
    return [
        { name: AIRFLOW_OIDC_ENV.id, valueFrom: { secretKeyRef: { name: s.secretName, key: s.clientIdKey } } },
        { name: AIRFLOW_OIDC_ENV.secret, valueFrom: { secretKeyRef: { name: s.secretName, key: s.clientSecretKey } } },
    ];
}

/** Redirect URIs each UI registers (the org registers the same list with Google or Entra ID). */
export const redirectPaths = {
    oauth2Proxy: "/oauth2/callback",
    /** Grafana's generic_oauth callback (Monitoring keeps its own copy: GRAFANA_REDIRECT_PATH). */
    grafana: "/login/generic_oauth",
    airflow: `/auth/oauth-authorized/${AIRFLOW_OAUTH_PROVIDER}`,
} as const;
