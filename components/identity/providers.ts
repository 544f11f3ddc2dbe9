/**
 * The organisation's OIDC providers the platform knows by name: their issuer, endpoints and claims, so a stack
 * names only its client (and, for Entra ID, its tenant).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ExternalOidcProvider } from "./index";

interface Client {
    readonly clientId: string;
    /** A Pulumi secret. */
    readonly clientSecret: pulumi.Input<string>;
}

/**
 * Google Identity (an OAuth client ID of type "Web application" in a Google Cloud project). Its ID tokens carry no
 * groups: admins are named by e-mail, and logins are limited by e-mail domain.
 */
export function googleProvider(client: Client): ExternalOidcProvider {
    return {
        type: "external",
        issuerUrl: "https://accounts.google.com",
        authorizeUrl: "https://accounts.google.com/o/oauth2/v2/auth",
        tokenUrl: "https://oauth2.googleapis.com/token",
        userInfoUrl: "https://openidconnect.googleapis.com/v1/userinfo",
        ...client,
        claims: { scopes: ["openid", "email", "profile"], usernameClaim: "email" },
    };
}

/**
 * Microsoft Entra ID (an app registration in the tenant), v2.0 endpoints. The `groups` claim carries group object IDs
 * once the registration emits it (token configuration, "security groups"); `email` must be added as an optional claim.
 * No `groups` scope: Entra ID refuses scopes it does not know.
 */
export function entraProvider(client: Client & { readonly tenantId: string }): ExternalOidcProvider {
    const base = `https://login.microsoftonline.com/${client.tenantId}`;
    return {
        type: "external",
        issuerUrl: `${base}/v2.0`,
        authorizeUrl: `${base}/oauth2/v2.0/authorize`,
        tokenUrl: `${base}/oauth2/v2.0/token`,
        userInfoUrl: "https://graph.microsoft.com/oidc/userinfo",
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        claims: { scopes: ["openid", "email", "profile"], usernameClaim: "email", groupsClaim: "groups" },
    };
}

/** Any other OIDC issuer, endpoints as its discovery document lists them. */
export function oidcProvider(
    client: Client & { readonly issuerUrl: string; readonly authorizeUrl: string; readonly tokenUrl: string; readonly userInfoUrl: string; readonly groupsClaim?: string },
): ExternalOidcProvider {
    return {
        type: "external",
        issuerUrl: client.issuerUrl,
        authorizeUrl: client.authorizeUrl,
        tokenUrl: client.tokenUrl,
        userInfoUrl: client.userInfoUrl,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        claims: {
            scopes: ["openid", "email", "profile", ...(client.groupsClaim === "groups" ? ["groups"] : [])],
            usernameClaim: "email",
            ...(client.groupsClaim ? { groupsClaim: client.groupsClaim } : {}),
        },
    };
}
