import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { stringify as toYaml } from "yaml";
import { createNamespace, createSecret, KubernetesTargetArgs, requireKubernetesProvider } from "../common/kubernetes";
import type { Ingress } from "../ingress";
import { TRAEFIK_PODS, TRAEFIK_PORTS } from "../ingress/spec";
import { ANYWHERE, ConnectionRecord, Flow, NetworkMember, WebUi } from "../network/spec";
import type { MonitoringSource } from "../monitoring/source";
import { chartSource, charts, Mirror } from "../versions";
import { identityMonitoring } from "./monitoring";
import {
    AccessPolicy,
    ClaimSettings,
    CLIENT_KEYS,
    DEV_ADMIN_GROUP,
    DEX,
    DEX_CONFIG_KEY,
    DEX_PODS,
    dexConfig,
    DexStaticClient,
    dexValues,
    forwardAuthAddress,
    IDENTITY_COMPONENT,
    IDENTITY_NAMESPACE,
    kindCorefile,
    OAUTH2_PROXY,
    OAUTH2_PROXY_PODS,
    oauth2ProxyConfig,
    oauth2ProxyCookieSecret,
    oauth2ProxyValues,
    redirectPaths,
    SSO_SUBDOMAINS,
} from "./spec";
import type { IdentityProvider, OidcClient, OidcClientArgs } from "./types";

export * from "./spec";
export * from "./types";

/** The Secret oauth2-proxy reads its client ID, client secret and cookie secret from (`config.existingSecret`). */
const PROXY_SECRET = "oauth2-proxy-credentials";

/**
 * The organisation's own OIDC provider (prod): Google, Entra ID or any issuer. One client (one app registration)
 * serves every UI: each UI's redirect URI is registered on it, and its credentials are delivered into each UI's
 * namespace.
 */
export interface ExternalOidcProvider {
    readonly type: "external";
    /** e.g. `https://accounts.google.com`, `https://login.microsoftonline.com/<tenant>/v2.0`. */
    readonly issuerUrl: string;
    readonly authorizeUrl: string;
    readonly tokenUrl: string;
    readonly userInfoUrl: string;
    readonly clientId: string;
    /** A Pulumi secret (stack config `ml-platform:ssoClientSecret`). */
    readonly clientSecret: pulumi.Input<string>;
    readonly claims: ClaimSettings;
}

/** Dex in the cluster (dev on kind): offline, with a generated admin user. */
export interface DexProvider {
    readonly type: "dex";
    /** The generated admin's e-mail (its login). Default `admin@<domain>`. */
    readonly adminEmail?: string;
    /** More static users, each with a generated password (`Identity.devUsers`) and its groups. */
    readonly users?: readonly { readonly email: string; readonly groups?: readonly string[] }[];
}

export interface IdentityArgs extends KubernetesTargetArgs {
    readonly environment: "dev" | "prod";
    readonly provider: ExternalOidcProvider | DexProvider;
    /** The platform's ingress: Dex's pages and oauth2-proxy's callback are routed through it; it must be the platform's own Traefik. */
    readonly ingress: Ingress;
    /** Who may log in and who is admin. Default: everybody the provider authenticates; on Dex, the admin's group is admin. */
    readonly access?: Partial<AccessPolicy>;
    /**
     * kind only: rewrite the issuer's host in CoreDNS to Traefik's Service, so pods reach Dex at the browsers' URL
     * (see {@link kindCorefile}). Default: on with Dex.
     */
    readonly kindDns?: boolean;
    /** Default `ml-identity`. */
    readonly namespace?: string;
    readonly mirror?: Mirror;
}

/** What the ingress needs to put the authenticating proxy in front of a UI. */
export interface ForwardAuth {
    /** oauth2-proxy's in-cluster URL. */
    readonly address: string;
    readonly namespace: string;
    readonly port: number;
    readonly pods: Readonly<Record<string, string>>;
}

/** One registered client, as the stack reports it: what to register with Google or Entra ID. */
export interface RegisteredClient {
    readonly name: string;
    readonly redirectUris: pulumi.Output<string[]>;
}

/**
 * Single sign-on: the issuer every UI trusts (Dex on dev, the organisation's provider in prod), oauth2-proxy for the
 * UIs that cannot speak OIDC (Traefik forward-auth), and an OIDC client per UI that can.
 *
 * Call {@link finish} once every UI has asked for its client (`oidcClient`): with Dex, the clients are part of
 * Dex's config, which is written then. The stack does.
 */
export class Identity extends pulumi.ComponentResource implements IdentityProvider, NetworkMember {
    public readonly namespace: pulumi.Output<string>;
    public readonly namespaces: string[];
    public readonly flows: Flow[];
    public readonly connections: ConnectionRecord[] = [];
    /** Dex's and oauth2-proxy's metrics and alerts. */
    public readonly monitoring: MonitoringSource;
    /** The issuer URL, the same for browsers and pods. */
    public readonly issuerUrl: pulumi.Output<string>;
    /** For `Ingress.expose`'s `sso`. */
    public readonly forwardAuth: ForwardAuth;
    /** Every client and its redirect URIs (the oauth2-proxy's first). */
    public readonly clients: RegisteredClient[] = [];
    /** Dev (Dex) only: the generated admin's login; the password is a secret. */
    public readonly adminLogin?: { readonly username: string; readonly password: pulumi.Output<string> };
    /** Dev (Dex) only: the other static users' logins, by e-mail; passwords are secrets. */
    public readonly devUsers: Record<string, { readonly username: string; readonly password: pulumi.Output<string> }> = {};
    /** The routes of Dex (dev) and oauth2-proxy's callback. */
    public readonly urls: { readonly issuer: string; readonly auth: string };

    /** The issuer and the namespace as plain strings: flows, configs and routes are written when the program runs. */
    private readonly issuer: string;
    private readonly nsName: string;
    private readonly name: string;
    private readonly provider: ExternalOidcProvider | DexProvider;
    private readonly claims: ClaimSettings;
    private readonly access: AccessPolicy;
    private readonly dexClients: pulumi.Output<DexStaticClient>[] = [];
    private readonly endpoints: { authorize: string; token: string; userInfo: string };
    private readonly ns?: k8s.core.v1.Namespace;
    private readonly args: IdentityArgs;
    private readonly dexUsers: pulumi.Output<{ email: string; hash: string; groups: string[]; id: string }>[] = [];
    private finished = false;
    private readonly proxy: { secret: k8s.core.v1.Secret; configFile: string; dnsReady: pulumi.Resource[] };

    constructor(name: string, args: IdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        requireKubernetesProvider(`Identity "${name}"`, args, opts);
        validate(name, args);
        super("mlplatform:identity:Identity", name, {}, opts);
        this.name = name;
        this.args = args;
        this.provider = args.provider;
        const ingress = args.ingress;
        const namespace = args.namespace ?? IDENTITY_NAMESPACE;
        this.nsName = namespace;
        this.namespace = pulumi.output(namespace);
        this.namespaces = [namespace];
        const dex = args.provider.type === "dex";
        const scheme = ingress.tls ? "https" : "http";
        const authUrl = `${scheme}://${SSO_SUBDOMAINS.auth}.${ingress.domain}`;
        this.issuer = dex ? `${scheme}://${SSO_SUBDOMAINS.dex}.${ingress.domain}` : (args.provider as ExternalOidcProvider).issuerUrl.replace(/\/+$/, "");
        this.issuerUrl = pulumi.output(this.issuer);
        this.urls = { issuer: this.issuer, auth: authUrl };
        this.claims = dex
            ? { scopes: ["openid", "email", "profile", "groups"], usernameClaim: "email", groupsClaim: "groups" }
            : (args.provider as ExternalOidcProvider).claims;
        this.access = {
            adminGroups: args.access?.adminGroups ?? (dex ? [DEV_ADMIN_GROUP] : []),
            adminUsers: args.access?.adminUsers ?? [],
            allowedGroups: args.access?.allowedGroups ?? [],
            emailDomains: args.access?.emailDomains?.length ? args.access.emailDomains : ["*"],
        };
        this.endpoints = dex
            ? { authorize: `${this.issuer}/auth`, token: `${this.issuer}/token`, userInfo: `${this.issuer}/userinfo` }
            : { authorize: (args.provider as ExternalOidcProvider).authorizeUrl, token: (args.provider as ExternalOidcProvider).tokenUrl, userInfo: (args.provider as ExternalOidcProvider).userInfoUrl };
        this.forwardAuth = { address: forwardAuthAddress(namespace), namespace, port: OAUTH2_PROXY.port, pods: OAUTH2_PROXY_PODS };
        this.monitoring = identityMonitoring(namespace, { dex });
        this.flows = [...this.issuerFlows(namespace, OAUTH2_PROXY_PODS, "oauth2-proxy")];

        const parent = { parent: this };
        this.ns = createNamespace(`${name}-ns`, { namespace, component: IDENTITY_COMPONENT }, parent);

        // oauth2-proxy: its own client, a cookie secret, the config.
        const cookieSecret = new random.RandomBytes(`${name}-cookie-secret`, { length: 32 }, parent);
        const proxyClient = this.register("oauth2-proxy", [`${authUrl}${redirectPaths.oauth2Proxy}`]);
        const proxySecret = createSecret(
            `${name}-oauth2-proxy`,
            {
                name: PROXY_SECRET,
                namespace: this.ns.metadata.name,
                component: IDENTITY_COMPONENT,
                // oauth2-proxy takes a 32-byte cookie secret as URL-safe base64 (see oauth2ProxyCookieSecret).
                data: { "client-id": proxyClient.clientId, "client-secret": proxyClient.clientSecret, "cookie-secret": cookieSecret.base64.apply(oauth2ProxyCookieSecret) },
            },
            parent,
        );
        const configFile = oauth2ProxyConfig({
            issuerUrl: this.issuer,
            redirectUrl: `${authUrl}${redirectPaths.oauth2Proxy}`,
            domain: ingress.domain,
            tls: ingress.tls,
            claims: this.claims,
            access: this.access,
            // Dex issues refresh tokens for `offline_access`: sessions then last `cookie_expire`, not the ID token's hour.
            refreshTokens: dex,
        });
        const dnsReady: pulumi.Resource[] = [];
        if (dex && (args.kindDns ?? true)) {
            // Pods resolve the issuer's host to Traefik's Service: the same URL (and the same `iss`) as browsers.
            dnsReady.push(
                new k8s.core.v1.ConfigMapPatch(
                    `${name}-coredns`,
                    {
                        metadata: { name: "coredns", namespace: "kube-system", annotations: { "pulumi.com/patchForce": "true" } },
                        data: { Corefile: kindCorefile({ issuerHost: new URL(this.issuer).host, target: ingress.serviceHost! }) },
                    },
                    // Deleting the patch would remove the Corefile from CoreDNS's ConfigMap: keep it (the rewrite is harmless).
                    { parent: this, retainOnDelete: true },
                ),
            );
        }
        this.proxy = { secret: proxySecret, configFile, dnsReady };
        if (dex) {
            const p = args.provider as DexProvider;
            const email = p.adminEmail ?? `admin@${ingress.domain}`;
            const password = new random.RandomPassword(`${name}-dex-admin`, { length: 24, special: false }, parent);
            this.adminLogin = { username: email, password: pulumi.secret(password.result) };
            this.dexUsers.push(pulumi.secret(password.bcryptHash.apply((hash) => ({ email, hash, groups: [DEV_ADMIN_GROUP], id: "ml-platform-admin" }))));
            for (const user of p.users ?? []) {
                if (!/^[^@\s]+@[^@\s]+$/.test(user.email)) throw new Error(`Identity ${name}: provider.users email ${JSON.stringify(user.email)}: expected an e-mail address`);
                if (user.email === email || user.email in this.devUsers) throw new Error(`Identity ${name}: provider.users: ${user.email} is given twice`);
                const slug = user.email.toLowerCase().replace(/[^a-z0-9]+/g, "-");
                const pw = new random.RandomPassword(`${name}-dex-user-${slug}`, { length: 24, special: false }, parent);
                this.devUsers[user.email] = { username: user.email, password: pulumi.secret(pw.result) };
                this.dexUsers.push(pulumi.secret(pw.bcryptHash.apply((hash) => ({ email: user.email, hash, groups: [...(user.groups ?? [])], id: slug }))));
            }
        }
        this.registerOutputs({ issuerUrl: this.issuerUrl, namespace: this.namespace });
    }

    /** The flows from `from`'s pods to the issuer: through Traefik to Dex (dev), or HTTPS anywhere (an external provider). */
    issuerFlows(from: string, fromPods: Readonly<Record<string, string>> | undefined, who: string): Flow[] {
        if (this.provider.type === "dex") {
            return [{ from, to: this.args.ingress.peer, ports: [TRAEFIK_PORTS.web], fromPods, toPods: TRAEFIK_PODS, why: `${who} reaches the issuer ${this.issuer} through Traefik (CoreDNS points its host there)` }];
        }
        return [{ from, to: ANYWHERE, ports: [443], fromPods, why: `${who} reaches the issuer ${this.issuer}` }];
    }

    /** A client's ID and secret: Dex's own (a static client per UI), or the organisation's one client. */
    private register(name: string, redirectUris: readonly pulumi.Input<string>[]): { clientId: pulumi.Output<string>; clientSecret: pulumi.Output<string> } {
        if (this.finished) throw new Error(`Identity ${this.name}: oidcClient("${name}") after finish(); register every UI first`);
        if (this.clients.some((c) => c.name === name)) throw new Error(`Identity ${this.name}: two OIDC clients are named "${name}"`);
        const uris = pulumi.all(redirectUris.map((u) => pulumi.output(u)));
        this.clients.push({ name, redirectUris: uris });
        if (this.provider.type === "external") {
            return { clientId: pulumi.output(this.provider.clientId), clientSecret: pulumi.secret(this.provider.clientSecret) };
        }
        const secret = new random.RandomPassword(`${this.name}-client-${name}`, { length: 32, special: false }, { parent: this });
        this.dexClients.push(pulumi.all([uris, secret.result]).apply(([redirectURIs, s]) => ({ id: name, name, secret: s, redirectURIs })));
        return { clientId: pulumi.output(name), clientSecret: pulumi.secret(secret.result) };
    }

    oidcClient(name: string, args: OidcClientArgs, parent: pulumi.Resource): OidcClient {
        if (!/^[a-z]([-a-z0-9]{0,40}[a-z0-9])?$/.test(name)) {
            throw new Error(`Identity ${this.name}: oidcClient name ${JSON.stringify(name)}: expected 1-42 lowercase letters, digits or hyphens`);
        }
        if (!args.redirectUris.length) throw new Error(`Identity ${this.name}: oidcClient("${name}"): expected at least one redirect URI`);
        const { clientId, clientSecret } = this.register(name, args.redirectUris);
        const secret = createSecret(
            `${this.name}-${name}-oidc`,
            {
                name: `${name}-oidc`,
                namespace: args.namespace.created,
                component: IDENTITY_COMPONENT,
                data: { [CLIENT_KEYS.id]: clientId, [CLIENT_KEYS.secret]: clientSecret },
            },
            { parent },
        );
        const connection: ConnectionRecord = {
            kind: "oidc",
            from: args.namespace.name,
            to: this.issuer,
            secret: secret.metadata.name,
            why: `${name} logs users in through the platform's OIDC issuer`,
        };
        return {
            flows: this.issuerFlows(args.namespace.name, args.pods, name),
            connection,
            issuerUrl: pulumi.output(this.issuer),
            authorizeUrl: pulumi.output(this.endpoints.authorize),
            tokenUrl: pulumi.output(this.endpoints.token),
            userInfoUrl: pulumi.output(this.endpoints.userInfo),
            secretName: secret.metadata.name,
            clientIdKey: CLIENT_KEYS.id,
            clientSecretKey: CLIENT_KEYS.secret,
            scopes: this.claims.scopes,
            usernameClaim: this.claims.usernameClaim,
            groupsClaim: this.claims.groupsClaim,
            adminGroups: this.access.adminGroups,
            adminUsers: this.access.adminUsers,
            allowedGroups: this.access.allowedGroups,
            emailDomains: this.access.emailDomains,
        };
    }

    /** Who may log in and who is admin (e-mail domains included), for UIs that apply it themselves. */
    get accessPolicy(): AccessPolicy {
        return this.access;
    }

    /**
     * Writes Dex's config (every client registered so far, the admin user) into its Secret and installs Dex; with an
     * external provider, only closes registration. Call once, after every `oidcClient`.
     */
    finish(): void {
        if (this.finished) throw new Error(`Identity ${this.name}: finish() called twice`);
        this.finished = true;
        const dex = this.provider.type === "dex" ? this.installDex() : [];
        // oauth2-proxy reads the issuer's discovery document at start: after Dex and its route exist.
        const proxyRelease = new k8s.helm.v3.Release(
            `${this.name}-oauth2-proxy`,
            {
                ...chartSource(charts.oauth2Proxy, this.args.mirror),
                name: OAUTH2_PROXY.release,
                namespace: this.ns!.metadata.name,
                values: oauth2ProxyValues({ environment: this.args.environment, existingSecret: PROXY_SECRET, configFile: this.proxy.configFile, mirror: this.args.mirror }),
                atomic: true,
                cleanupOnFail: true,
                maxHistory: 5,
            },
            { parent: this, dependsOn: [this.proxy.secret, ...this.proxy.dnsReady, ...dex] },
        );
        // oauth2-proxy's callback, reached by browsers (no login in front of it: it is the login).
        const proxyUi: WebUi = { namespace: this.nsName, service: OAUTH2_PROXY.service, port: OAUTH2_PROXY.servicePort, auth: "own", pods: OAUTH2_PROXY_PODS };
        this.args.ingress.expose(`${this.name}-route-auth`, { subdomain: SSO_SUBDOMAINS.auth, ui: proxyUi, signIn: true, after: [proxyRelease] }, this);
    }

    /** Dex's config Secret (every client registered so far, the admin user), its release and its route. */
    private installDex(): pulumi.Resource[] {
        const parent = { parent: this };
        const config = pulumi
            .all([pulumi.all(this.dexClients), pulumi.all(this.dexUsers)])
            .apply(([clients, users]) =>
                toYaml(
                    dexConfig({
                        issuer: this.issuer,
                        clients,
                        users: users.map((u) => ({ email: u.email, username: u.email.split("@")[0], userID: u.id, hash: u.hash, groups: u.groups })),
                    }),
                ),
            );
        const configSecret = createSecret(`${this.name}-dex-config`, { name: "dex-config", namespace: this.ns!.metadata.name, component: IDENTITY_COMPONENT, data: { [DEX_CONFIG_KEY]: config } }, parent);
        const release = new k8s.helm.v3.Release(
            `${this.name}-dex`,
            {
                ...chartSource(charts.dex, this.args.mirror),
                name: DEX.release,
                namespace: this.ns!.metadata.name,
                values: dexValues({ configSecret: "dex-config", mirror: this.args.mirror }),
                atomic: true,
                cleanupOnFail: true,
                maxHistory: 5,
            },
            { parent: this, dependsOn: [configSecret] },
        );
        const dexUi: WebUi = { namespace: this.nsName, service: DEX.service, port: DEX.port, auth: "own", pods: DEX_PODS };
        this.args.ingress.expose(`${this.name}-route-dex`, { subdomain: SSO_SUBDOMAINS.dex, ui: dexUi, signIn: true, after: [release] }, this);
        return [release];
    }
}

function validate(name: string, args: IdentityArgs): void {
    const fail = (arg: string, value: unknown, expected: string) => {
        throw new Error(`Identity ${name}: ${arg} ${JSON.stringify(value)}: expected ${expected}`);
    };
    const ingress = args.ingress;
    if (!ingress.serviceHost) fail("ingress", ingress.className, "the platform's own Traefik (an existing controller cannot route forward-auth)");
    const p = args.provider;
    if (p.type === "dex") {
        if (ingress.tls) fail("provider.type", "dex", `"external" off kind: Dex is the offline dev provider (its in-memory storage loses sessions on restart)`);
        return;
    }
    for (const key of ["issuerUrl", "authorizeUrl", "tokenUrl", "userInfoUrl"] as const) {
        if (!/^https:\/\/[^\s/]+/.test(p[key] ?? "")) fail(`provider.${key}`, p[key], "an https:// URL");
    }
    if (!p.clientId) fail("provider.clientId", p.clientId, "the client (application) ID registered with the provider");
    if (!p.claims.groupsClaim && (args.access?.adminGroups?.length || args.access?.allowedGroups?.length)) {
        fail("access.adminGroups/allowedGroups", [...(args.access?.adminGroups ?? []), ...(args.access?.allowedGroups ?? [])], "none: the provider sends no groups claim (use access.adminUsers and access.emailDomains)");
    }
}

export { entraProvider, googleProvider, oidcProvider } from "./providers";
