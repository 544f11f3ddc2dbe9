/**
 * The stack program: validate the config, refuse changes that would replace what a running prod platform holds,
 * build the platform, and return the stack outputs.
 */
import { ConfigError, loadStackConfig } from "./config";
import { buildPlatform } from "./platform";
import { deployedTriggers, replacementProblems, replacementTriggers, TRIGGERS_OUTPUT } from "./upgrade";

export async function main() {
    const loaded = loadStackConfig();
    const problems = replacementProblems(await deployedTriggers(), loaded.config);
    if (problems.length) throw new ConfigError(loaded.stack, problems);
    const platform = buildPlatform(loaded);
    return {
        /** Kubeconfig of the platform's cluster (secret). */
        kubeconfig: platform.kubeconfig,
        /** The cluster's name. */
        clusterName: platform.cluster.clusterName,
        /** Internal and external URLs of every enabled component: `pulumi stack output endpoints`. */
        endpoints: platform.endpoints,
        /** Every connection a component made (client namespace, endpoint, the Secret or identity it uses); no credential. */
        connections: platform.connections,
        /** The logins that exist; passwords are secrets (`pulumi stack output credentials --show-secrets`). */
        credentials: platform.credentials,
        /** How users log in to each UI: oidc, sso (oauth2-proxy), basic or own. */
        logins: platform.logins,
        /** Single sign-on: the issuer and the redirect URIs to register with Google or Entra ID. */
        sso: platform.sso,
        /** The values of the keys whose change replaces stateful resources; the next run compares with them. */
        [TRIGGERS_OUTPUT]: replacementTriggers(loaded.config),
    };
}
