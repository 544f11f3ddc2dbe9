import * as pulumi from "@pulumi/pulumi";
import type { ClientNamespace, Connected } from "../network/spec";

/**
 * What a UI that speaks OIDC itself (Grafana, Airflow, JupyterHub) needs to log users in through the platform's
 * identity provider: the issuer's endpoints, its client credentials in the UI's own namespace, and how users and
 * groups appear in the tokens. `flows` (from `Connected`) let the UI's pods reach the token endpoint.
 */
export interface OidcClient extends Connected {
    /** The issuer; `<issuerUrl>/.well-known/openid-configuration` serves its discovery document. Browsers and pods use the same URL. */
    readonly issuerUrl: pulumi.Output<string>;
    readonly authorizeUrl: pulumi.Output<string>;
    readonly tokenUrl: pulumi.Output<string>;
    readonly userInfoUrl: pulumi.Output<string>;
    /** Secret in the client's namespace holding the client's credentials under `clientIdKey` and `clientSecretKey`. */
    readonly secretName: pulumi.Output<string>;
    readonly clientIdKey: string;
    readonly clientSecretKey: string;
    /** Scopes to request, e.g. `openid email profile groups`. */
    readonly scopes: readonly string[];
    /** The claim naming the user (e.g. `email`). */
    readonly usernameClaim: string;
    /** The claim listing the user's groups; absent when the provider sends none (then only `adminUsers` map to admin). */
    readonly groupsClaim?: string;
    /** Groups whose members get the admin role in every UI. */
    readonly adminGroups: readonly string[];
    /** Users (by `usernameClaim`) who get the admin role in every UI. */
    readonly adminUsers: readonly string[];
    /** Groups whose members may log in at all; empty: every user the provider authenticates. */
    readonly allowedGroups: readonly string[];
    /** E-mail domains whose users may log in (`["*"]` or absent: any); with Google, the organisation's domains. Additive. */
    readonly emailDomains?: readonly string[];
}

export interface OidcClientArgs {
    /** The UI's namespace: the credentials Secret goes there. */
    readonly namespace: ClientNamespace;
    /** Every redirect URI the UI uses, e.g. `https://notebooks.<domain>/hub/oauth_callback`. */
    readonly redirectUris: readonly pulumi.Input<string>[];
    /** Labels of the UI's pods that call the token endpoint; every pod of the namespace when absent. */
    readonly pods?: Readonly<Record<string, string>>;
}

/** The platform's identity provider, as UIs that speak OIDC see it. */
export interface IdentityProvider {
    /** Registers the UI as an OIDC client and delivers its credentials into its namespace. */
    oidcClient(name: string, args: OidcClientArgs, parent: pulumi.Resource): OidcClient;
}

/** What a UI's OIDC settings are built from: the contract's fields, resolved. */
export interface OidcSettings {
    readonly issuerUrl: string;
    readonly authorizeUrl: string;
    readonly tokenUrl: string;
    readonly userInfoUrl: string;
    readonly secretName: string;
    readonly clientIdKey: string;
    readonly clientSecretKey: string;
    readonly scopes: readonly string[];
    readonly usernameClaim: string;
    readonly groupsClaim?: string;
    readonly adminGroups: readonly string[];
    readonly adminUsers: readonly string[];
    readonly allowedGroups: readonly string[];
    /** E-mail domains allowed to log in; `["*"]` or absent: any. */
    readonly emailDomains?: readonly string[];
}


/** An `OidcClient` with its outputs resolved, for the pure settings builders (Grafana's, Airflow's). */
export function oidcSettings(client: OidcClient): pulumi.Output<OidcSettings> {
    return pulumi
        .all([client.issuerUrl, client.authorizeUrl, client.tokenUrl, client.userInfoUrl, client.secretName])
        .apply(([issuerUrl, authorizeUrl, tokenUrl, userInfoUrl, secretName]) => ({
            issuerUrl,
            authorizeUrl,
            tokenUrl,
            userInfoUrl,
            secretName,
            clientIdKey: client.clientIdKey,
            clientSecretKey: client.clientSecretKey,
            scopes: client.scopes,
            usernameClaim: client.usernameClaim,
            groupsClaim: client.groupsClaim,
            adminGroups: client.adminGroups,
            adminUsers: client.adminUsers,
            allowedGroups: client.allowedGroups,
            emailDomains: client.emailDomains,
        }));
}
