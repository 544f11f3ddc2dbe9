/**
 * Writes what the dev stack deploys for single sign-on, for scripts/sso-check.sh to run with the real Dex and
 * oauth2-proxy: the dev stack (Pulumi.dev.yaml) runs under the test harness's mocks, and its registrations are read
 * back, so every setting is the program's own, not a copy:
 *   dex.yaml            Dex's config Secret (`config.yaml`), byte for byte;
 *   oauth2-proxy.cfg    oauth2-proxy's config file from its release values (`config.configFile`), byte for byte;
 *   plan.json           the oauth2-proxy credentials Secret, the generated admin's login, the Traefik forward-auth
 *                       Middleware of a UI behind the proxy, and the OIDC settings Grafana, Airflow and JupyterHub
 *                       were given (their clients, scopes, claims and admin groups), for scripts/sso-login.ts.
 * Stand-ins for what Pulumi generates: random passwords and client secrets (with a real bcrypt hash, from the
 * `sso-bcrypt` helper built next to Dex) and a random 32-byte cookie secret, instead of the harness's fixed mocks.
 *   tsx scripts/sso-configs.ts <dir> <sso-bcrypt binary>
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { images } from "../components/versions";
import { AIRFLOW_OIDC_ENV, DEX, DEX_CONFIG_KEY, FORWARD_AUTH_HEADERS, IDENTITY_NAMESPACE, OAUTH2_PROXY } from "../components/identity";
import { GRAFANA_OIDC_ENV } from "../components/monitoring/grafanaOidc";
import { OAUTH_ENV } from "../components/notebooks/spec";
import { runProgram, shippedStackConfig, unwrap } from "../test/harness";

const [dir, bcrypt] = process.argv.slice(2);
if (!dir || !bcrypt) {
    console.error("usage: tsx scripts/sso-configs.ts <dir> <sso-bcrypt binary>");
    process.exit(2);
}

const fail = (what: string): never => {
    console.error(`sso-configs: ${what}`);
    process.exit(1);
};

/** A random password like random.RandomPassword's (24-32 letters and digits), and its bcrypt hash (cost 10, as Pulumi's). */
function password(length: number) {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const result = Array.from(crypto.randomBytes(length), (b) => alphabet[b % alphabet.length]).join("");
    const bcryptHash = execFileSync(bcrypt, { input: result + "\n", encoding: "utf8" }).trim();
    if (!/^\$2[aby]\$10\$/.test(bcryptHash)) fail(`${bcrypt} gave no bcrypt hash: ${bcryptHash}`);
    return { result, bcryptHash };
}

async function main() {
    const { loadStackConfig } = await import("../stacks/config");
    const { buildPlatform } = await import("../stacks/platform");
    const { config, secretKeys } = shippedStackConfig("dev");
    const run = await runProgram(() => buildPlatform(loadStackConfig()), {
        stack: "dev",
        config,
        secretKeys,
        outputs: {
            "random:index/randomPassword:RandomPassword": (inputs) => password(inputs.length ?? 24),
            "random:index/randomBytes:RandomBytes": (inputs) => {
                const bytes = crypto.randomBytes(inputs.length ?? 32);
                return { base64: bytes.toString("base64"), hex: bytes.toString("hex") };
            },
        },
    });
    const platform = run.result;
    const secret = (namespace: string, name: string): Record<string, string> => {
        const s = run.byType("kubernetes:core/v1:Secret").find((r) => r.inputs.metadata?.namespace === namespace && r.inputs.metadata?.name === name);
        return s?.inputs.stringData ?? fail(`the dev stack has no Secret ${namespace}/${name}`);
    };
    const release = (name: string) => run.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === name)?.inputs ?? fail(`the dev stack has no Helm release ${name}`);

    const dexYaml = secret(IDENTITY_NAMESPACE, "dex-config")[DEX_CONFIG_KEY] ?? fail(`dex-config has no ${DEX_CONFIG_KEY}`);
    // The image's entrypoint runs the config through gomplate first: a template action would be evaluated there, not here.
    if (dexYaml.includes("{{")) fail("Dex's config holds `{{`, which the image's gomplate step would evaluate");
    const dex = parseYaml(dexYaml);
    const proxyRelease = release(OAUTH2_PROXY.release);
    const proxyCfg: string = proxyRelease.values.config.configFile;
    const proxySecret = secret(IDENTITY_NAMESPACE, proxyRelease.values.config.existingSecret);
    // oauth2_proxy.cfg's `key = <JSON value>` lines (TOML as oauth2ProxyConfig writes it).
    const cfg = Object.fromEntries(proxyCfg.trim().split("\n").map((line) => [line.slice(0, line.indexOf(" = ")), JSON.parse(line.slice(line.indexOf(" = ") + 3))]));

    // A UI behind oauth2-proxy: its forward-auth Middleware (`<subdomain>-sso`) and its host `<subdomain>.<domain>`.
    const middlewares = run.byType("kubernetes:traefik.io/v1alpha1:Middleware").filter((m) => m.inputs.spec?.forwardAuth);
    if (!middlewares.length) fail("the dev stack has no forward-auth Middleware");
    const middleware = middlewares[0].inputs;
    const issuer: string = dex.issuer;
    const domain = new URL(issuer).host.replace(/^dex\./, "");
    const subdomain = String(middleware.metadata.name).replace(/-sso$/, "");

    const sso = platform.sso ?? fail("the dev stack reports no single sign-on");
    const adminEmail = await unwrap(platform.credentials.sso.username);
    const adminPassword = await unwrap(platform.credentials.sso.password);
    const kps = release("kps").values;
    const grafanaOauth = kps.grafana["grafana.ini"]["auth.generic_oauth"];
    const airflowConfig: string = release("airflow").values.apiServer.apiServerConfig;
    const hub = release("jupyterhub").values.hub.config;
    const pyValue = (name: string) => {
        const m = airflowConfig.match(new RegExp(`^${name} = (.*)$`, "m")) ?? fail(`Airflow's webserver_config.py sets no ${name}`);
        return JSON.parse(m[1].replace(/^None$/, "null"));
    };
    // Each UI's client ID and secret, from the Secret its pods read them from (the env reference in its values).
    type Ref = { secretKeyRef: { name: string; key: string } };
    const credentialsOf = (ui: string, namespace: string, id: Ref | undefined, secretRef: Ref | undefined) => {
        if (!id || !secretRef) fail(`${ui}: its values read no client ID or secret from a Secret`);
        return { clientId: secret(namespace, id!.secretKeyRef.name)[id!.secretKeyRef.key], clientSecret: secret(namespace, secretRef!.secretKeyRef.name)[secretRef!.secretKeyRef.key] };
    };
    const airflowEnv = (release("airflow").values.apiServer.env as { name: string; valueFrom: Ref }[]) ?? [];
    const hubEnv = release("jupyterhub").values.hub.extraEnv as Record<string, { valueFrom: Ref }>;
    const plan = {
        versions: { dex: images.dex.tag, oauth2Proxy: images.oauth2Proxy.tag },
        // What each pod requests in dev: their peak memory in the round trips must fit.
        memoryRequests: { dex: release(DEX.release).values.resources.requests.memory, "oauth2-proxy": proxyRelease.values.resources.requests.memory },
        issuer,
        domain,
        // The generated admin's login (credentials.sso) and its entry in Dex's static passwords (user ID, groups...).
        admin: {
            ...(dex.staticPasswords.find((p: { email: string }) => p.email === adminEmail) ?? fail(`the admin ${adminEmail} is not among Dex's static passwords`)),
            hash: undefined,
            email: adminEmail,
            password: adminPassword,
        },
        redirectUris: await unwrap(sso.redirectUris),
        proxy: {
            clientId: proxySecret["client-id"],
            clientSecret: proxySecret["client-secret"],
            cookieSecret: proxySecret["cookie-secret"],
            sessionStorage: proxyRelease.values.sessionStorage?.type,
            host: `auth.${domain}`,
            scopes: String(cfg.scope).split(" "),
            redirectUrl: cfg.redirect_url,
            groupsClaim: cfg.oidc_groups_claim,
            emailClaim: cfg.oidc_email_claim,
            pkce: cfg.code_challenge_method === "S256",
        },
        forwardAuth: { host: `${subdomain}.${domain}`, address: middleware.spec.forwardAuth.address, authResponseHeaders: middleware.spec.forwardAuth.authResponseHeaders, trustForwardHeader: middleware.spec.forwardAuth.trustForwardHeader },
        setXAuthRequestHeaders: [...FORWARD_AUTH_HEADERS],
        clients: {
            grafana: {
                ...credentialsOf("grafana", release("kps").namespace, kps.grafana.envValueFrom[GRAFANA_OIDC_ENV.id], kps.grafana.envValueFrom[GRAFANA_OIDC_ENV.secret]),
                scopes: String(grafanaOauth.scopes).split(" "),
                authUrl: grafanaOauth.auth_url,
                tokenUrl: grafanaOauth.token_url,
                userInfoUrl: grafanaOauth.api_url,
                pkce: grafanaOauth.use_pkce,
                roleAttributePath: grafanaOauth.role_attribute_path,
                loginAttributePath: grafanaOauth.login_attribute_path,
                emailAttributePath: grafanaOauth.email_attribute_path,
                groupsAttributePath: grafanaOauth.groups_attribute_path,
                redirectUri: `${kps.grafana["grafana.ini"].server.root_url.replace(/\/+$/, "")}/login/generic_oauth`,
            },
            airflow: {
                ...credentialsOf(
                    "airflow",
                    release("airflow").namespace,
                    airflowEnv.find((e) => e.name === AIRFLOW_OIDC_ENV.id)?.valueFrom,
                    airflowEnv.find((e) => e.name === AIRFLOW_OIDC_ENV.secret)?.valueFrom,
                ),
                scopes: String(airflowConfig.match(/"scope": "([^"]*)"/)?.[1] ?? fail("Airflow's webserver_config.py requests no scope")).split(" "),
                issuer: pyValue("ISSUER"),
                usernameClaim: pyValue("USERNAME_CLAIM"),
                groupsClaim: pyValue("GROUPS_CLAIM"),
                rolesMapping: pyValue("AUTH_ROLES_MAPPING"),
                pkce: /"code_challenge_method": "S256"/.test(airflowConfig),
                // FAB's callback: <airflow url>/auth/oauth-authorized/<provider name>.
                providerName: airflowConfig.match(/"name": "([^"]*)"/)?.[1],
            },
            notebooks: {
                ...credentialsOf("notebooks", release("jupyterhub").namespace, hubEnv[OAUTH_ENV.clientId]?.valueFrom, hubEnv[OAUTH_ENV.clientSecret]?.valueFrom),
                ...hub.GenericOAuthenticator,
            },
        },
    };
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "dex.yaml"), dexYaml);
    fs.writeFileSync(path.join(dir, "oauth2-proxy.cfg"), proxyCfg);
    fs.writeFileSync(path.join(dir, "plan.json"), JSON.stringify(plan, null, 2));
}

main().catch((e) => fail(e instanceof Error ? e.stack ?? e.message : String(e)));
