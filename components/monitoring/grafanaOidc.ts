/**
 * Grafana's login through the platform's identity provider (kube-prometheus-stack's grafana subchart): generic_oauth
 * settings from an `OidcClient` (the contract in identity/types), built here so Monitoring names no component.
 */
import type { OidcSettings } from "../identity/types";

/** Grafana's generic_oauth callback path: `<root_url>/login/generic_oauth`. */
export const GRAFANA_REDIRECT_PATH = "/login/generic_oauth";

const jmesString = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/**
 * Grafana's role from the token (JMESPath): Admin for an admin group or an admin user, Viewer otherwise.
 * `contains(groups[*], 'x')` is Grafana's documented form.
 */
export function grafanaRoleAttributePath(s: Pick<OidcSettings, "groupsClaim" | "adminGroups" | "adminUsers" | "usernameClaim">): string {
    const conditions = [
        ...(s.groupsClaim ? s.adminGroups.map((g) => `contains(${s.groupsClaim}[*], ${jmesString(g)})`) : []),
        ...s.adminUsers.map((u) => `${s.usernameClaim} == ${jmesString(u)}`),
    ];
    return conditions.length ? `(${conditions.join(" || ")}) && 'Admin' || 'Viewer'` : "'Viewer'";
}

/** The env names Grafana reads the client credentials from (its `GF_<SECTION>_<KEY>` override of grafana.ini). */
export const GRAFANA_OIDC_ENV = { id: "GF_AUTH_GENERIC_OAUTH_CLIENT_ID", secret: "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET" } as const;

/**
 * grafana.ini sections and secret env for Grafana's generic_oauth login. The client ID and secret come from the
 * client Secret by env, never from the values. The local admin stays as a break-glass login (its form remains).
 */
export function grafanaOidc(s: OidcSettings, rootUrl: string): {
    ini: Record<string, Record<string, string | number | boolean>>;
    envValueFrom: Record<string, { secretKeyRef: { name: string; key: string } }>;
} {
    const domains = (s.emailDomains ?? []).filter((d) => d !== "*");
    return {
        ini: {
            server: { root_url: rootUrl },
            "auth.generic_oauth": {
                enabled: true,
                name: "Single sign-on",
                allow_sign_up: true,
                auto_login: false,
                scopes: s.scopes.join(" "),
                auth_url: s.authorizeUrl,
                token_url: s.tokenUrl,
                api_url: s.userInfoUrl,
                use_pkce: true,
                email_attribute_path: "email",
                login_attribute_path: s.usernameClaim,
                name_attribute_path: "name",
                role_attribute_path: grafanaRoleAttributePath(s),
                role_attribute_strict: false,
                allow_assign_grafana_admin: false,
                ...(s.groupsClaim ? { groups_attribute_path: s.groupsClaim } : {}),
                ...(s.groupsClaim && s.allowedGroups.length ? { allowed_groups: s.allowedGroups.join(" ") } : {}),
                ...(domains.length ? { allowed_domains: domains.join(" ") } : {}),
            },
        },
        envValueFrom: {
            [GRAFANA_OIDC_ENV.id]: { secretKeyRef: { name: s.secretName, key: s.clientIdKey } },
            [GRAFANA_OIDC_ENV.secret]: { secretKeyRef: { name: s.secretName, key: s.clientSecretKey } },
        },
    };
}

