/** The Identity component under mocks: secrets stay secrets, the explicit provider, the flows, the ingress's SSO path. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { parse as parseYaml } from "yaml";
import { googleProvider, Identity, Ingress } from "../../components";
import { kubernetesResourcesWithoutProvider, runProgram, unwrap } from "../harness";

const provider = () => new k8s.Provider("k8s", { kubeconfig: "{}" });

/** Runs `program` and returns what it threw, after the resources it made before throwing are registered. */
async function refusal(program: () => unknown): Promise<string> {
    const run = await runProgram(() => {
        try {
            program();
            return "nothing thrown";
        } catch (e) {
            return (e as Error).message;
        }
    });
    return run.result;
}
const grafanaNs = { name: "ml-monitoring", created: "ml-monitoring" };

function devIdentity() {
    const p = provider();
    const ingress = new Ingress("ingress", { environment: "dev" }, { providers: [p] });
    const identity = new Identity("identity", { environment: "dev", provider: { type: "dex" }, ingress }, { providers: [p] });
    const client = identity.oidcClient("grafana", { namespace: grafanaNs, redirectUris: ["http://grafana.localtest.me/login/generic_oauth"], pods: { app: "grafana" } }, identity);
    identity.finish();
    return { ingress, identity, client };
}

describe("identity: Dex on kind, under mocks", () => {
    it("Dex's config reaches Dex only through a Secret, with every client and the admin's bcrypt hash; the chart values hold none of it", async () => {
        const run = await runProgram(devIdentity);
        const config = run.byType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "dex-config")!;
        assert.ok(config.secretInputs.has("stringData"));
        const dex = parseYaml(config.inputs.stringData["config.yaml"]);
        assert.equal(dex.issuer, "http://dex.localtest.me");
        assert.deepEqual(dex.staticClients.map((c: any) => c.id).sort(), ["grafana", "oauth2-proxy"]);
        assert.deepEqual(dex.staticClients.find((c: any) => c.id === "grafana").redirectURIs, ["http://grafana.localtest.me/login/generic_oauth"]);
        assert.deepEqual(dex.staticClients.find((c: any) => c.id === "oauth2-proxy").redirectURIs, ["http://auth.localtest.me/oauth2/callback"]);
        assert.equal(dex.staticPasswords[0].email, "admin@localtest.me");
        assert.deepEqual(dex.staticPasswords[0].groups, ["ml-platform-admins"]);
        const release = run.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === "dex")!;
        assert.deepEqual(release.inputs.values.configSecret, { create: false, name: "dex-config" });
        assert.equal("config" in release.inputs.values, false);
        const grafanaClientSecret = dex.staticClients.find((c: any) => c.id === "grafana").secret;
        for (const r of run.byType("kubernetes:helm.sh/v3:Release")) assert.doesNotMatch(JSON.stringify(r.inputs), new RegExp(grafanaClientSecret));
    });

    it("delivers each UI's client into its namespace as a secret, and the admin's password only as a secret", async () => {
        const run = await runProgram(devIdentity);
        const secret = run.byType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "grafana-oidc")!;
        assert.equal(secret.inputs.metadata.namespace, "ml-monitoring");
        assert.ok(secret.secretInputs.has("stringData"));
        assert.deepEqual(Object.keys(secret.inputs.stringData).sort(), ["client-id", "client-secret"]);
        assert.equal(secret.inputs.stringData["client-id"], "grafana");
        const proxy = run.byType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "oauth2-proxy-credentials")!;
        assert.ok(proxy.secretInputs.has("stringData"));
        assert.deepEqual(Object.keys(proxy.inputs.stringData).sort(), ["client-id", "client-secret", "cookie-secret"]);
        assert.equal(await pulumi.isSecret(run.result.identity.adminLogin!.password), true);
        assert.equal(run.result.identity.adminLogin!.username, "admin@localtest.me");
        assert.equal(run.result.client.clientSecretKey, "client-secret");
        assert.equal(await unwrap(run.result.client.issuerUrl), "http://dex.localtest.me");
        assert.equal(await unwrap(run.result.client.tokenUrl), "http://dex.localtest.me/token");
    });

    it("oauth2-proxy's cookie secret is the 32 random bytes as URL-safe base64, the only base64 oauth2-proxy decodes", async () => {
        // Bytes whose standard base64 is all `+` and `/`: oauth2-proxy would read that as a 44-byte key and refuse to start.
        const bytes = Buffer.alloc(32, 0xfb);
        const run = await runProgram(devIdentity, { outputs: { "random:index/randomBytes:RandomBytes": () => ({ base64: bytes.toString("base64") }) } });
        const proxy = run.byType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "oauth2-proxy-credentials")!;
        const cookieSecret: string = proxy.inputs.stringData["cookie-secret"];
        assert.match(cookieSecret, /^[A-Za-z0-9_-]{43}$/);
        assert.deepEqual(Buffer.from(cookieSecret, "base64url"), bytes);
    });

    it("oauth2-proxy asks Dex for a refresh token (offline_access), so a session outlives Dex's one-hour ID token; the UIs' scopes stay without it", async () => {
        const run = await runProgram(devIdentity);
        const proxy = run.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === "oauth2-proxy")!;
        assert.ok(proxy.inputs.values.config.configFile.split("\n").includes('scope = "openid email profile groups offline_access"'));
        assert.deepEqual(run.result.client.scopes, ["openid", "email", "profile", "groups"]);
    });

    it("names the cluster's provider on every object; pods reach the issuer through Traefik, whose host CoreDNS rewrites", async () => {
        const run = await runProgram(devIdentity);
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, run.one("pulumi:providers:kubernetes").urn), []);
        const patch = run.one("kubernetes:core/v1:ConfigMapPatch");
        assert.deepEqual([patch.inputs.metadata.namespace, patch.inputs.metadata.name], ["kube-system", "coredns"]);
        assert.match(patch.inputs.data.Corefile, /name exact dex\.localtest\.me traefik\.ml-ingress\.svc\.cluster\.local/);
        assert.equal(patch.retainOnDelete, true);
        const { identity, client, ingress } = run.result;
        assert.deepEqual(client.flows, [{ from: "ml-monitoring", to: "ml-ingress", ports: [8000], fromPods: { app: "grafana" }, toPods: { "app.kubernetes.io/name": "traefik" }, why: client.flows[0].why }]);
        assert.ok(identity.flows.some((f) => f.from === "ml-identity" && f.to === "ml-ingress" && f.ports.includes(8000)), "oauth2-proxy -> issuer");
        assert.ok(ingress.flows.some((f) => f.from === "ml-ingress" && f.to === "ml-identity" && f.ports.includes(5556)), "users -> Dex through the ingress");
        assert.ok(ingress.flows.some((f) => f.from === "ml-ingress" && f.to === "ml-identity" && f.ports.includes(80)), "users -> oauth2-proxy's callback");
        assert.equal(client.connection.kind, "oidc");
        const routes = run.byType("kubernetes:networking.k8s.io/v1:Ingress").map((r) => r.inputs.spec.rules[0].host).sort();
        assert.deepEqual(routes, ["auth.localtest.me", "dex.localtest.me"]);
    });

    it("refuses a client after finish(), finish() twice, and two clients of one name", async () => {
        const run = await runProgram(() => {
            const { identity } = devIdentity();
            const errors: string[] = [];
            for (const f of [
                () => identity.oidcClient("late", { namespace: grafanaNs, redirectUris: ["http://x"] }, identity),
                () => identity.finish(),
            ]) {
                try {
                    f();
                } catch (e) {
                    errors.push((e as Error).message);
                }
            }
            return errors;
        });
        assert.match(run.result[0], /oidcClient\("late"\) after finish\(\)/);
        assert.match(run.result[1], /finish\(\) called twice/);
    });

    it("refuses Dex off kind (HTTPS ingress) and an existing ingress controller", async () => {
        const dexOffKind = await refusal(() => {
            const p = provider();
            const ingress = new Ingress("ingress", { environment: "prod", domain: "ml.acme.io", clusterIssuer: "le" }, { providers: [p] });
            return new Identity("identity", { environment: "prod", provider: { type: "dex" }, ingress }, { providers: [p] });
        });
        assert.match(dexOffKind, /provider.type "dex": expected "external" off kind/);
        const existing = await refusal(() => {
            const p = provider();
            const ingress = new Ingress("ingress", { environment: "prod", domain: "ml.acme.io", clusterIssuer: "le", existing: { className: "nginx", namespace: "ingress-nginx", pods: { app: "nginx" } } }, { providers: [p] });
            return new Identity("identity", { environment: "prod", provider: googleProvider({ clientId: "c", clientSecret: pulumi.secret("s") }), ingress }, { providers: [p] });
        });
        assert.match(existing, /expected the platform's own Traefik/);
    });
});

describe("identity: Dex's static users", () => {
    it("each extra user gets a generated password (a secret), its groups in Dex's config, and a bcrypt hash only there", async () => {
        const run = await runProgram(() => {
            const p = provider();
            const ingress = new Ingress("ingress", { environment: "dev" }, { providers: [p] });
            const identity = new Identity("identity", { environment: "dev", provider: { type: "dex", users: [{ email: "alice@localtest.me", groups: ["data"] }] }, ingress }, { providers: [p] });
            identity.finish();
            return identity;
        });
        const alice = run.result.devUsers["alice@localtest.me"];
        assert.equal(await pulumi.isSecret(alice.password), true);
        const config = run.byType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "dex-config")!;
        const dex = parseYaml(config.inputs.stringData["config.yaml"]);
        assert.deepEqual(dex.staticPasswords.map((u: any) => [u.email, u.groups]), [["admin@localtest.me", ["ml-platform-admins"]], ["alice@localtest.me", ["data"]]]);
        assert.doesNotMatch(config.inputs.stringData["config.yaml"], new RegExp(await unwrap(alice.password)));
    });
});

describe("identity: the organisation's provider, under mocks", () => {
    const prodIdentity = () => {
        const p = provider();
        const ingress = new Ingress("ingress", { environment: "prod", domain: "ml.acme.io", clusterIssuer: "le" }, { providers: [p] });
        const identity = new Identity(
            "identity",
            { environment: "prod", provider: googleProvider({ clientId: "123.apps.googleusercontent.com", clientSecret: pulumi.secret("from-stack-config") }), ingress, access: { emailDomains: ["acme.io"], adminUsers: ["ops@acme.io"] } },
            { providers: [p] },
        );
        const client = identity.oidcClient("grafana", { namespace: grafanaNs, redirectUris: ["https://grafana.ml.acme.io/login/generic_oauth"] }, identity);
        identity.finish();
        return { identity, client, ingress };
    };

    it("no Dex and no DNS rewrite: every client gets the organisation's client ID and its secret, as a secret", async () => {
        const run = await runProgram(prodIdentity);
        // Google refuses the offline_access scope.
        assert.doesNotMatch(run.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === "oauth2-proxy")!.inputs.values.config.configFile, /offline_access/);
        assert.equal(run.byType("kubernetes:helm.sh/v3:Release").some((r) => r.inputs.name === "dex"), false);
        assert.equal(run.byType("kubernetes:core/v1:ConfigMapPatch").length, 0);
        const secret = run.byType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "grafana-oidc")!;
        assert.ok(secret.secretInputs.has("stringData"));
        assert.deepEqual(secret.inputs.stringData, { "client-id": "123.apps.googleusercontent.com", "client-secret": "from-stack-config" });
        const proxy = run.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === "oauth2-proxy")!;
        assert.doesNotMatch(JSON.stringify(proxy.inputs), /from-stack-config/);
        assert.match(proxy.inputs.values.config.configFile, /email_domains = \["acme.io"\]/);
        assert.equal(proxy.inputs.values.replicaCount, 2);
    });

    it("pods reach the provider on 443 anywhere; the org registers every redirect URI on its one client", async () => {
        const run = await runProgram(prodIdentity);
        const { identity, client } = run.result;
        assert.deepEqual(client.flows.map((f) => [f.from, f.to, f.ports]), [["ml-monitoring", { cidr: "0.0.0.0/0" }, [443]]]);
        assert.ok(identity.flows.some((f) => f.from === "ml-identity" && (f.to as any).cidr === "0.0.0.0/0" && f.ports.includes(443)));
        const uris = await Promise.all(identity.clients.map(async (c) => [c.name, await unwrap(c.redirectUris)]));
        assert.deepEqual(uris, [["oauth2-proxy", ["https://auth.ml.acme.io/oauth2/callback"]], ["grafana", ["https://grafana.ml.acme.io/login/generic_oauth"]]]);
        assert.equal(client.groupsClaim, undefined);
        assert.deepEqual(client.emailDomains, ["acme.io"]);
    });

    it("refuses groups where the provider sends none (Google)", async () => {
        const groups = await refusal(() => {
            const p = provider();
            const ingress = new Ingress("ingress", { environment: "prod", domain: "ml.acme.io", clusterIssuer: "le" }, { providers: [p] });
            return new Identity("identity", { environment: "prod", provider: googleProvider({ clientId: "c", clientSecret: "s" }), ingress, access: { adminGroups: ["admins"] } }, { providers: [p] });
        });
        assert.match(groups, /the provider sends no groups claim/);
    });
});

describe("ingress: the single sign-on path", () => {
    it("a UI without OIDC gets a forward-auth Middleware to oauth2-proxy in its namespace and no basic-auth login; an OIDC UI gets nothing", async () => {
        const run = await runProgram(() => {
            const p = provider();
            const ingress = new Ingress("ingress", { environment: "prod", domain: "ml.acme.io", clusterIssuer: "le" }, { providers: [p] });
            const sso = { address: "http://oauth2-proxy.ml-identity.svc.cluster.local:80/", namespace: "ml-identity", port: 4180, pods: { "app.kubernetes.io/name": "oauth2-proxy" } };
            const trino = ingress.expose("trino-route", { subdomain: "trino", ui: { namespace: "ml-lakehouse", service: "trino", port: 8080, auth: "basic" }, sso }, ingress);
            const mlflow = ingress.expose("mlflow-route", { subdomain: "mlflow", ui: { namespace: "ml-tracking", service: "mlflow", port: 5000, auth: "own" }, sso }, ingress);
            const grafana = ingress.expose("grafana-route", { subdomain: "grafana", ui: { namespace: "ml-monitoring", service: "kps-grafana", port: 80, auth: "oidc" }, sso }, ingress);
            return { ingress, trino, mlflow, grafana };
        });
        const { ingress, trino, mlflow, grafana } = run.result;
        assert.deepEqual([trino.login, mlflow.login, grafana.login], ["sso", "sso", "oidc"]);
        assert.equal(trino.basicAuth, undefined);
        const middlewares = run.byType("kubernetes:traefik.io/v1alpha1:Middleware");
        assert.deepEqual(middlewares.map((m) => [m.inputs.metadata.namespace, m.inputs.metadata.name]).sort(), [["ml-lakehouse", "trino-sso"], ["ml-tracking", "mlflow-sso"]]);
        assert.ok(middlewares.every((m) => m.inputs.spec.forwardAuth.address === "http://oauth2-proxy.ml-identity.svc.cluster.local:80/" && !m.inputs.spec.basicAuth));
        const route = (host: string) => run.byType("kubernetes:networking.k8s.io/v1:Ingress").find((r) => r.inputs.spec.rules[0].host === host)!;
        assert.equal(route("trino.ml.acme.io").inputs.metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"], "ml-lakehouse-trino-sso@kubernetescrd");
        assert.equal(route("grafana.ml.acme.io").inputs.metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"], undefined);
        // The login each route declares for the policy pack (k8s-ingress-login).
        assert.deepEqual(["trino", "mlflow", "grafana"].map((ui) => route(`${ui}.ml.acme.io`).inputs.metadata.annotations["ml-platform/login"]), ["sso", "sso", "oidc"]);
        assert.equal(run.byType("kubernetes:core/v1:Secret").length, 0, "no basic-auth Secret");
        assert.ok(ingress.flows.some((f) => f.from === "ml-ingress" && f.to === "ml-identity" && f.ports.includes(4180)), "Traefik -> oauth2-proxy");
    });

    it("refuses single sign-on for a UI without OIDC behind an existing non-Traefik controller", async () => {
        const run = await runProgram(() => {
            const ingress = new Ingress("ingress", { environment: "prod", domain: "ml.acme.io", clusterIssuer: "le", existing: { className: "nginx", namespace: "ingress-nginx", pods: { app: "nginx" } } }, { providers: [provider()] });
            try {
                ingress.expose("trino-route", { subdomain: "trino", ui: { namespace: "ml-lakehouse", service: "trino", port: 8080, auth: "basic" }, sso: { address: "http://x/", namespace: "ml-identity", port: 4180, pods: {} } }, ingress);
            } catch (e) {
                return (e as Error).message;
            }
            return "nothing thrown";
        });
        assert.match(String(run.result), /single sign-on puts oauth2-proxy in front of ui ml-lakehouse\/trino/);
    });
});
