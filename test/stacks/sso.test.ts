/** Which UI uses which login path, per shipped stack; the config keys single sign-on needs, by name. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadStackConfig } from "../../stacks/config";
import { buildPlatform } from "../../stacks/platform";
import { constructStack, loadStackFile, runProgram, shippedStackConfig, unwrap } from "../harness";

/** The login of every routed UI with single sign-on on (the same in every stack; prod adds Spark History and Ray). */
const ssoLogins = {
    minio: "sso",
    trino: "sso",
    mlflow: "sso",
    airflow: "oidc",
    feast: "sso",
    grafana: "oidc",
    notebooks: "oidc",
    prometheus: "sso",
} as const;

describe("single sign-on per stack", () => {
    it("dev: Dex; Grafana and Airflow log in by OIDC, every other UI behind oauth2-proxy; only logins that exist are credentials", async () => {
        const run = await constructStack("dev");
        assert.deepEqual(run.result.logins, ssoLogins);
        // Dex's admin, Grafana's break-glass admin, and the own logins behind the proxy (MinIO console, MLflow).
        assert.deepEqual(Object.keys(run.result.credentials).sort(), ["grafana", "minio", "mlflow", "sso"]);
        assert.equal(run.result.credentials.sso.username, "admin@localtest.me");
        assert.equal(await pulumi.isSecret(run.result.credentials.sso.password), true);
        assert.equal(await unwrap(run.result.sso!.issuer), "http://dex.localtest.me");
        assert.deepEqual(await unwrap(run.result.sso!.redirectUris), {
            "oauth2-proxy": ["http://auth.localtest.me/oauth2/callback"],
            grafana: ["http://grafana.localtest.me/login/generic_oauth"],
            airflow: ["http://airflow.localtest.me/auth/oauth-authorized/platform"],
            notebooks: ["http://notebooks.localtest.me/hub/oauth_callback"],
        });
        assert.ok(run.byType("kubernetes:helm.sh/v3:Release").some((r) => r.inputs.name === "dex"));
        assert.equal(run.byType("kubernetes:core/v1:ConfigMapPatch").length, 1);
        // No basic-auth login anywhere.
        assert.ok(run.byType("kubernetes:traefik.io/v1alpha1:Middleware").every((m) => m.inputs.spec.forwardAuth && !m.inputs.spec.basicAuth));
    });

    it("dev: Grafana's generic_oauth and Airflow's webserver_config.py reach the charts, client secrets only by Secret reference", async () => {
        const run = await constructStack("dev");
        const release = (name: string) => run.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === name)!;
        const grafana = release("kps").inputs.values.grafana;
        assert.equal(grafana["grafana.ini"]["auth.generic_oauth"].auth_url, "http://dex.localtest.me/auth");
        assert.deepEqual(grafana.envValueFrom.GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET, { secretKeyRef: { name: "grafana-oidc", key: "client-secret" } });
        const airflow = release("airflow").inputs.values;
        assert.match(airflow.apiServer.apiServerConfig, /AUTH_TYPE = AUTH_OAUTH/);
        assert.deepEqual(airflow.apiServer.env.map((e: any) => e.valueFrom.secretKeyRef.name), ["airflow-oidc", "airflow-oidc"]);
        assert.equal(airflow.config.core.auth_manager, "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager");
        const clientSecrets = run.byType("kubernetes:core/v1:Secret").filter((s) => /-oidc$/.test(s.inputs.metadata.name));
        assert.deepEqual(clientSecrets.map((s) => `${s.inputs.metadata.namespace}/${s.inputs.metadata.name}`).sort(), ["ml-monitoring/grafana-oidc", "ml-notebooks/notebooks-oidc", "ml-orchestrator/airflow-oidc"]);
        for (const s of clientSecrets) {
            assert.ok(s.secretInputs.has("stringData"));
            for (const r of run.byType("kubernetes:helm.sh/v3:Release")) assert.doesNotMatch(JSON.stringify(r.inputs.values), new RegExp(s.inputs.stringData["client-secret"]));
        }
    });

    it("dev: the NetworkPolicies let Traefik ask oauth2-proxy, oauth2-proxy and the OIDC UIs reach the issuer, users reach Dex", async () => {
        const { result } = await constructStack("dev");
        const has = (from: string, to: string, port: number, fromPods?: Record<string, string>) =>
            result.flows.some((f) => f.from === from && f.to === to && f.ports.includes(port) && (!fromPods || JSON.stringify(f.fromPods) === JSON.stringify(fromPods)));
        assert.ok(has("ml-ingress", "ml-identity", 4180), "Traefik -> oauth2-proxy");
        assert.ok(has("ml-ingress", "ml-identity", 5556), "users -> Dex");
        assert.ok(has("ml-identity", "ml-ingress", 8000), "oauth2-proxy -> issuer");
        assert.ok(has("ml-monitoring", "ml-ingress", 8000), "Grafana -> issuer");
        assert.ok(has("ml-orchestrator", "ml-ingress", 8000), "Airflow -> issuer");
        assert.ok(has("ml-monitoring", "ml-identity", 44180) && has("ml-monitoring", "ml-identity", 5558), "Prometheus scrapes oauth2-proxy and Dex");
    });

    for (const [stack, issuer] of [
        ["prod", "https://accounts.google.com"],
        ["prod-aks", "https://login.microsoftonline.com/0b6f2c1e-3d4a-4b5c-8d9e-1f2a3b4c5d6e/v2.0"],
    ] as const) {
        it(`${stack}: the organisation's provider (${issuer}); no Dex; the client secret from stack config stays a secret`, async () => {
            const run = await constructStack(stack);
            // No MinIO console in the clouds (GCS, ADLS); Spark History and a standing Ray head in prod.
            const { minio: _, ...cloud } = ssoLogins;
            assert.deepEqual(run.result.logins, { ...cloud, "spark-history": "sso", ray: "sso" });
            assert.deepEqual(Object.keys(run.result.credentials).sort(), ["grafana", "mlflow"]);
            assert.equal(await unwrap(run.result.sso!.issuer), issuer);
            assert.equal(run.byType("kubernetes:helm.sh/v3:Release").some((r) => r.inputs.name === "dex"), false);
            const secret = run.byType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "grafana-oidc")!;
            assert.ok(secret.secretInputs.has("stringData"));
            assert.equal(secret.inputs.stringData["client-secret"], "test-secret-value");
            const flows = run.result.flows;
            assert.ok(flows.some((f) => f.from === "ml-identity" && (f.to as any).cidr === "0.0.0.0/0" && f.ports.includes(443)), "oauth2-proxy -> issuer");
            assert.deepEqual(await unwrap(run.result.sso!.redirectUris), {
                "oauth2-proxy": ["https://auth.ml.acme.io/oauth2/callback"],
                grafana: ["https://grafana.ml.acme.io/login/generic_oauth"],
                airflow: ["https://airflow.ml.acme.io/auth/oauth-authorized/platform"],
                notebooks: ["https://notebooks.ml.acme.io/hub/oauth_callback"],
            });
        });
    }

    it("prod-aks: Entra ID's group object IDs map to Admin in Grafana and Airflow", async () => {
        const run = await constructStack("prod-aks");
        const release = (name: string) => run.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === name)!;
        assert.match(release("kps").inputs.values.grafana["grafana.ini"]["auth.generic_oauth"].role_attribute_path, /contains\(groups\[\*\], '6f1c2a3b-1d2e-4f50-9a6b-7c8d9e0f1a2b'\)/);
        assert.match(release("airflow").inputs.values.apiServer.apiServerConfig, /"6f1c2a3b-1d2e-4f50-9a6b-7c8d9e0f1a2b":\["Admin"\]/);
    });

    it("dev: more Dex users from sso.users, each with its generated login in credentials", async () => {
        const run = await constructStack("dev", { "ml-platform:sso": { users: [{ email: "alice@localtest.me", groups: ["data"] }] } });
        assert.equal(run.result.credentials["sso:alice@localtest.me"].username, "alice@localtest.me");
        assert.equal(await pulumi.isSecret(run.result.credentials["sso:alice@localtest.me"].password), true);
    });

    it("the basic-auth fallback (ingress.auth basic): no identity, generated logins where a UI has none, own logins elsewhere", async () => {
        const run = await constructStack("dev", { "ml-platform:ingress": { auth: "basic" } });
        assert.deepEqual(run.result.logins, { minio: "own", trino: "basic", mlflow: "own", airflow: "own", feast: "basic", grafana: "own", notebooks: "basic", prometheus: "basic" });
        assert.deepEqual(Object.keys(run.result.credentials).sort(), ["airflow", "feast", "grafana", "minio", "mlflow", "notebooks", "prometheus", "trino"]);
        assert.equal(run.result.sso, undefined);
        assert.equal(run.resources.some((r) => r.type === "mlplatform:identity:Identity"), false);
    });
});

describe("single sign-on config", () => {
    const attempt = async (stack: string, patches: Record<string, Record<string, unknown>>, drop: string[] = []) => {
        const { config, secretKeys } = shippedStackConfig(stack, patches);
        for (const k of drop) delete config[k];
        const run = await runProgram(
            () => {
                try {
                    buildPlatform(loadStackConfig());
                    return undefined;
                } catch (e) {
                    return e;
                }
            },
            { stack, config, secretKeys: secretKeys.filter((k) => !drop.includes(k)) },
        );
        assert.ok(run.result instanceof ConfigError, String(run.result));
        assert.deepEqual(run.resources, []);
        return (run.result as ConfigError).message;
    };

    it("a prod stack without SSO settings fails naming ml-platform:sso.provider and the fallback", async () => {
        const message = await attempt("prod", {}, ["ml-platform:sso", "ml-platform:ssoClientSecret"]);
        assert.match(message, /ml-platform:sso\.provider: got nothing; expected the organisation's OIDC provider \("google", "entra" or "oidc"\) when ml-platform:ingress\.auth is "sso" and ml-platform:cluster\.provider is "gke" .* or ml-platform:ingress\.auth "basic"/);
    });

    it("names the client ID and secret, the tenant, Google's e-mail domains, and refuses Dex off kind", async () => {
        // A patch replaces the whole `sso` object of the example org values.
        const google = await attempt("prod", { "ml-platform:sso": { provider: "google", emailDomains: [] } }, ["ml-platform:ssoClientSecret"]);
        assert.match(google, /ml-platform:sso\.clientId: got nothing; expected the client \(application\) ID registered with google/);
        assert.match(google, /ml-platform:ssoClientSecret: got nothing; expected the client secret from google as a secret \(pulumi config set --secret ssoClientSecret \.\.\.\)/);
        assert.match(google, /ml-platform:sso\.emailDomains: got \[\]; expected the organisation's e-mail domains/);
        const entra = await attempt("prod-aks", { "ml-platform:sso": { provider: "entra", clientId: "5a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d" } });
        assert.match(entra, /ml-platform:sso\.tenantId: got nothing; expected the Entra ID directory \(tenant\) ID/);
        const dex = await attempt("prod", { "ml-platform:sso": { provider: "dex" } }, ["ml-platform:ssoClientSecret"]);
        assert.match(dex, /ml-platform:sso\.provider: got "dex"; expected "google", "entra" or "oidc" on a gke cluster/);
        const groups = await attempt("prod", { "ml-platform:sso": { provider: "google", clientId: "1.apps.googleusercontent.com", emailDomains: ["acme.io"], adminGroups: ["admins"] } });
        assert.match(groups, /ml-platform:sso\.adminGroups: got \["admins"\]; expected nothing with ml-platform:sso\.provider "google": its tokens carry no groups/);
        const users = await attempt("prod", { "ml-platform:sso": { provider: "google", clientId: "1.apps.googleusercontent.com", emailDomains: ["acme.io"], users: [{ email: "a@acme.io" }] } });
        assert.match(users, /ml-platform:sso\.users: got .*; expected nothing with ml-platform:sso\.provider "google": users and groups live in the provider/);
        const auth = await attempt("dev", { "ml-platform:ingress": { auth: "oauth" } });
        assert.match(auth, /ml-platform:ingress\.auth: got "oauth"; expected "sso" \(single sign-on\) or "basic"/);
    });

    it("the client secret must be a secret, and is read as one", async () => {
        const { config, secretKeys } = shippedStackConfig("prod");
        const run = await runProgram(() => {
            try {
                return loadStackConfig();
            } catch (e) {
                return e;
            }
        }, { stack: "prod", config, secretKeys: secretKeys.filter((k) => k !== "ml-platform:ssoClientSecret") });
        assert.match(String((run.result as Error).message), /ml-platform:ssoClientSecret: got a plaintext value; expected a secret/);
        const ok = await runProgram(() => loadStackConfig(), { stack: "prod", ...shippedStackConfig("prod") });
        assert.equal(await pulumi.isSecret(ok.result.secrets.ssoClientSecret!), true);
        void loadStackFile;
    });
});
