/** Single sign-on's pure parts, without mocks: Dex's config, the chart values, the Middleware, the UIs' OIDC settings. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    airflowOidcEnv,
    airflowWebserverConfig,
    dexConfig,
    dexValues,
    forwardAuthMiddleware,
    kindCorefile,
    oauth2ProxyConfig,
    oauth2ProxyCookieSecret,
    oauth2ProxyValues,
    redirectPaths,
} from "../../components/identity/spec";
import type { OidcSettings } from "../../components/identity/types";
import { GRAFANA_REDIRECT_PATH, grafanaOidc, grafanaRoleAttributePath } from "../../components/monitoring/grafanaOidc";
import { images } from "../../components/versions";
import { podSecurityViolations } from "../admission/podSecurity";

/** A pod as the chart renders it from these values (checked with `helm template` at the pinned tags). */
const dexPod = (v: any) => ({
    metadata: { annotations: {} },
    spec: { securityContext: v.podSecurityContext, containers: [{ name: "dex", securityContext: v.securityContext, ports: [{ containerPort: 5556 }] }], volumes: [{ name: "config", secret: { secretName: v.configSecret.name } }, ...v.volumes] },
});
const proxyPod = (v: any) => {
    const { enabled: _, ...container } = v.securityContext;
    return { metadata: { annotations: {} }, spec: { securityContext: v.podSecurityContext, containers: [{ name: "oauth2-proxy", securityContext: container, ports: [{ containerPort: 4180 }] }], volumes: [{ name: "configmain", configMap: { name: "oauth2-proxy" } }] } };
};

const settings: OidcSettings = {
    issuerUrl: "http://dex.localtest.me",
    authorizeUrl: "http://dex.localtest.me/auth",
    tokenUrl: "http://dex.localtest.me/token",
    userInfoUrl: "http://dex.localtest.me/userinfo",
    secretName: "grafana-oidc",
    clientIdKey: "client-id",
    clientSecretKey: "client-secret",
    scopes: ["openid", "email", "profile", "groups"],
    usernameClaim: "email",
    groupsClaim: "groups",
    adminGroups: ["ml-platform-admins"],
    adminUsers: ["ops@acme.io"],
    allowedGroups: [],
};

describe("identity: Dex", () => {
    const config = dexConfig({
        issuer: "http://dex.localtest.me",
        clients: [{ id: "grafana", name: "grafana", secret: "s3cret", redirectURIs: ["http://grafana.localtest.me/login/generic_oauth"] }],
        users: [{ email: "admin@localtest.me", username: "admin", userID: "u1", hash: "$2a$10$hash", groups: ["ml-platform-admins"] }],
    }) as any;

    it("the issuer browsers and pods share, in-memory storage, the password DB with the admin and its group, one static client per UI", () => {
        assert.equal(config.issuer, "http://dex.localtest.me");
        assert.deepEqual(config.storage, { type: "memory" });
        assert.equal(config.enablePasswordDB, true);
        assert.deepEqual(config.staticPasswords[0].groups, ["ml-platform-admins"]);
        // Without it Dex sends no preferred_username, and oauth2-proxy no X-Auth-Request-Preferred-Username.
        assert.equal(config.staticPasswords[0].preferredUsername, "admin");
        assert.deepEqual(config.staticClients, [{ id: "grafana", name: "grafana", secret: "s3cret", redirectURIs: ["http://grafana.localtest.me/login/generic_oauth"] }]);
        assert.equal(config.oauth2.skipApprovalScreen, true);
        // Not the deprecated expiry.signingKeys, which Dex 2.45 warns about and will remove.
        assert.deepEqual(config.signer, { type: "local", config: { keysRotationPeriod: "6h" } });
        assert.deepEqual(config.expiry, { idTokens: "1h" });
    });

    it("refuses two clients of one name", () => {
        const c = { id: "x", name: "x", secret: "s", redirectURIs: ["http://x"] };
        assert.throws(() => dexConfig({ issuer: "http://i", clients: [c, c], users: [] }), /two OIDC clients are named "x"/);
    });

    it("chart values: config only from the existing Secret (never `config`), pinned image, restricted pod with a writable /tmp for the entrypoint", () => {
        const v: any = dexValues({ configSecret: "dex-config" });
        assert.deepEqual(v.configSecret, { create: false, name: "dex-config" });
        assert.equal("config" in v, false);
        assert.equal(v.image.tag, images.dex.tag);
        assert.equal(v.image.repository, "ghcr.io/dexidp/dex");
        assert.deepEqual(v.rbac, { create: false, createClusterScoped: false });
        assert.deepEqual(podSecurityViolations(dexPod(v), "restricted"), []);
        assert.deepEqual(v.volumeMounts, [{ name: "tmp", mountPath: "/tmp" }]);
        assert.ok(v.resources.requests.cpu && v.resources.limits.memory);
        assert.equal(dexValues({ configSecret: "c", mirror: { imageRegistry: "registry.corp/mirror" } }).image!.repository, "registry.corp/mirror/dexidp/dex");
    });
});

describe("identity: oauth2-proxy", () => {
    const base = {
        issuerUrl: "https://accounts.google.com",
        redirectUrl: "https://auth.ml.acme.io/oauth2/callback",
        domain: "ml.acme.io",
        tls: true,
        claims: { scopes: ["openid", "email", "profile"], usernameClaim: "email" },
        access: { adminGroups: [], adminUsers: [], allowedGroups: [], emailDomains: ["acme.io"] },
    };

    it("answers Traefik's forward-auth with 202 and the user headers; the cookie covers every UI; redirects back only within the domain", () => {
        const cfg = oauth2ProxyConfig(base);
        for (const line of [
            'provider = "oidc"',
            'oidc_issuer_url = "https://accounts.google.com"',
            'redirect_url = "https://auth.ml.acme.io/oauth2/callback"',
            'upstreams = ["static://202"]',
            "reverse_proxy = true",
            "set_xauthrequest = true",
            'cookie_domains = [".ml.acme.io"]',
            'whitelist_domains = [".ml.acme.io"]',
            "cookie_secure = true",
            'email_domains = ["acme.io"]',
            'scope = "openid email profile"',
            // Not oauth2-proxy's default `force`: Dex would show its approval screen at every login despite skipApprovalScreen.
            'approval_prompt = "auto"',
        ]) {
            assert.ok(cfg.split("\n").includes(line), line);
        }
        // No groups claim (Google): no group settings at all.
        assert.doesNotMatch(cfg, /groups/);
        assert.doesNotMatch(cfg, /client_secret|cookie_secret|client_id/);
    });

    it("the cookie secret: random bytes as URL-safe base64 (oauth2-proxy decodes no other), the same bytes", () => {
        for (const fill of [0x00, 0xfb, 0xff, 0x3e]) {
            const bytes = Buffer.alloc(32, fill);
            const secret = oauth2ProxyCookieSecret(bytes.toString("base64"));
            assert.match(secret, /^[A-Za-z0-9_-]{43}$/, bytes.toString("base64"));
            assert.deepEqual(Buffer.from(secret, "base64url"), bytes);
        }
    });

    it("with groups: reads the claim and admits only the allowed groups; plain HTTP on kind", () => {
        const cfg = oauth2ProxyConfig({ ...base, tls: false, claims: { ...base.claims, groupsClaim: "groups" }, access: { ...base.access, allowedGroups: ["data"] } });
        assert.ok(cfg.includes('oidc_groups_claim = "groups"') && cfg.includes('allowed_groups = ["data"]') && cfg.includes("cookie_secure = false"));
    });

    it("asks for a refresh token (offline_access) only when told: without one the session ends with the ID token, not at cookie_expire", () => {
        assert.ok(oauth2ProxyConfig({ ...base, refreshTokens: true }).split("\n").includes('scope = "openid email profile offline_access"'));
        assert.doesNotMatch(oauth2ProxyConfig(base), /offline_access/);
    });

    it("chart values: credentials from the existing Secret only, restricted pod, no Redis; prod runs 2 with a PDB, dev 1 without", () => {
        const dev: any = oauth2ProxyValues({ environment: "dev", existingSecret: "oauth2-proxy-credentials", configFile: "x" });
        assert.deepEqual(dev.config, { existingSecret: "oauth2-proxy-credentials", configFile: "x" });
        assert.doesNotMatch(JSON.stringify(dev), /clientSecret|cookieSecret|clientID/);
        assert.equal(dev.image.tag, images.oauth2Proxy.tag);
        assert.deepEqual(podSecurityViolations(proxyPod(dev), "restricted"), []);
        assert.equal(dev.podDisruptionBudget.enabled, false);
        assert.equal(dev.serviceAccount.automountServiceAccountToken, false);
        assert.equal(dev.sessionStorage.type, "cookie");
        assert.equal(dev["redis-ha"].enabled, false);
        assert.equal("customLabels" in dev, false, "the chart would write app.kubernetes.io/component twice");
        const prod: any = oauth2ProxyValues({ environment: "prod", existingSecret: "s", configFile: "x" });
        assert.equal(prod.replicaCount, 2);
        assert.deepEqual(prod.podDisruptionBudget, { enabled: true, minAvailable: 1 });
    });
});

describe("identity: Traefik forward-auth Middleware", () => {
    /** forwardAuth's fields in the Traefik chart 41.3.0's CRD (traefik/crds/traefik.io_middlewares.yaml). */
    const crdFields = ["addAuthCookiesToResponse", "address", "authRequestHeaders", "authResponseHeaders", "authResponseHeadersRegex", "authSigninURL", "forwardBody", "headerField", "maxBodySize", "maxResponseBodySize", "preserveLocationHeader", "preserveRequestMethod", "tls", "trustForwardHeader"];

    it("asks oauth2-proxy for every request and passes the user headers on; only fields the CRD has", () => {
        const m = forwardAuthMiddleware({ name: "trino-sso", namespace: "ml-lakehouse", address: "http://oauth2-proxy.ml-identity.svc.cluster.local:80/" });
        assert.equal(m.apiVersion, "traefik.io/v1alpha1");
        assert.equal(m.kind, "Middleware");
        assert.deepEqual(m.metadata.namespace, "ml-lakehouse");
        assert.equal(m.spec.forwardAuth.address, "http://oauth2-proxy.ml-identity.svc.cluster.local:80/");
        assert.ok(m.spec.forwardAuth.authResponseHeaders.includes("X-Auth-Request-Email"));
        assert.equal(m.spec.forwardAuth.trustForwardHeader, false, "only Traefik's own X-Forwarded-* headers");
        assert.deepEqual(Object.keys(m.spec.forwardAuth).filter((k) => !crdFields.includes(k)), []);
    });
});

describe("identity: kind DNS", () => {
    it("rewrites the issuer's host to Traefik's Service and keeps kind's Corefile", () => {
        const corefile = kindCorefile({ issuerHost: "dex.localtest.me", target: "traefik.ml-ingress.svc.cluster.local" });
        assert.match(corefile, /name exact dex\.localtest\.me traefik\.ml-ingress\.svc\.cluster\.local/);
        assert.match(corefile, /answer name traefik\\\.ml-ingress\\\.svc\\\.cluster\\\.local dex\.localtest\.me/);
        for (const plugin of ["kubernetes cluster.local in-addr.arpa ip6.arpa", "forward . /etc/resolv.conf", "reload", "loop", "health", "ready", "prometheus :9153"]) assert.ok(corefile.includes(plugin), plugin);
        // The rewrite comes before the kubernetes plugin, which answers the rewritten name.
        assert.ok(corefile.indexOf("rewrite") < corefile.indexOf("kubernetes cluster.local"));
    });
});

describe("identity: UIs that speak OIDC", () => {
    it("Monitoring's copy of Grafana's callback path is the one Identity lists", () => {
        assert.equal(GRAFANA_REDIRECT_PATH, redirectPaths.grafana);
    });

    it("Grafana: generic_oauth at the issuer's endpoints, role from groups and admin users, client credentials only by env from the Secret", () => {
        const g = grafanaOidc(settings, "http://grafana.localtest.me");
        const oauth = g.ini["auth.generic_oauth"];
        assert.equal(oauth.enabled, true);
        assert.equal(oauth.auth_url, "http://dex.localtest.me/auth");
        assert.equal(oauth.token_url, "http://dex.localtest.me/token");
        assert.equal(oauth.api_url, "http://dex.localtest.me/userinfo");
        assert.equal(oauth.scopes, "openid email profile groups");
        assert.equal(oauth.role_attribute_path, "(contains(groups[*], 'ml-platform-admins') || email == 'ops@acme.io') && 'Admin' || 'Viewer'");
        assert.equal(oauth.groups_attribute_path, "groups");
        assert.equal(g.ini.server.root_url, "http://grafana.localtest.me");
        assert.equal("client_secret" in oauth || "client_id" in oauth, false);
        assert.deepEqual(g.envValueFrom.GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET, { secretKeyRef: { name: "grafana-oidc", key: "client-secret" } });
        assert.deepEqual(g.envValueFrom.GF_AUTH_GENERIC_OAUTH_CLIENT_ID, { secretKeyRef: { name: "grafana-oidc", key: "client-id" } });
    });

    it("Grafana: without a groups claim only admin users map to Admin; allowed groups and domains restrict the login", () => {
        assert.equal(grafanaRoleAttributePath({ ...settings, groupsClaim: undefined }), "(email == 'ops@acme.io') && 'Admin' || 'Viewer'");
        assert.equal(grafanaRoleAttributePath({ ...settings, groupsClaim: undefined, adminUsers: [] }), "'Viewer'");
        const g = grafanaOidc({ ...settings, allowedGroups: ["data"], emailDomains: ["acme.io"] }, "https://grafana.ml.acme.io");
        assert.equal(g.ini["auth.generic_oauth"].allowed_groups, "data");
        assert.equal(g.ini["auth.generic_oauth"].allowed_domains, "acme.io");
    });

    it("Airflow: FAB AUTH_OAUTH through the issuer's discovery document, AUTH_ROLES_MAPPING from groups, credentials from the environment", () => {
        const py = airflowWebserverConfig({ ...settings, allowedGroups: ["data"] });
        assert.match(py, /^AUTH_TYPE = AUTH_OAUTH$/m);
        assert.match(py, /^AUTH_USER_REGISTRATION = True$/m);
        assert.match(py, /^AUTH_ROLES_SYNC_AT_LOGIN = True$/m);
        assert.match(py, /^AUTH_ROLES_MAPPING = \{"data":\["User"\],"ml-platform-admins":\["Admin"\],"ml-platform-admin-user":\["Admin"\]\}$/m);
        assert.match(py, /^AUTH_USER_REGISTRATION_ROLE = "Public"$/m);
        assert.match(py, /"server_metadata_url": ISSUER \+ "\/\.well-known\/openid-configuration"/);
        assert.match(py, /os\.environ\["AIRFLOW_OIDC_CLIENT_SECRET"\]/);
        assert.match(py, /^SECURITY_MANAGER_CLASS = PlatformSecurityManager$/m);
        assert.match(py, /FabAirflowSecurityManagerOverride/);
        // The chart runs apiServerConfig through `tpl`: no template delimiters may appear.
        assert.doesNotMatch(py, /\{\{|\}\}/);
        // Everybody signs in as Viewer where no group restricts the login.
        assert.match(airflowWebserverConfig(settings), /^AUTH_USER_REGISTRATION_ROLE = "Viewer"$/m);
        assert.match(airflowWebserverConfig({ ...settings, groupsClaim: undefined }), /^GROUPS_CLAIM = None$/m);
        assert.deepEqual(airflowOidcEnv(settings).map((e) => [e.name, e.valueFrom.secretKeyRef.key]), [["AIRFLOW_OIDC_CLIENT_ID", "client-id"], ["AIRFLOW_OIDC_CLIENT_SECRET", "client-secret"]]);
    });
});
