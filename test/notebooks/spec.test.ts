import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { hubMetrics, notebooksMonitoring } from "../../components/notebooks/monitoring";
import {
    hubDatabaseUrl,
    Login,
    loginConfig,
    NotebooksValuesInput,
    notebooksSizing,
    notebooksValues,
    profileList,
    singleuserPods,
    USERNAME_TEMPLATE,
} from "../../components/notebooks/spec";
import { charts, images } from "../../components/versions";
import { podSecurityViolations, podTemplateOf } from "../admission/podSecurity";
import { checkSource } from "../monitoring/sourceChecks";

const oidc: Login = {
    kind: "oidc",
    oidc: {
        issuerUrl: "https://idp.example",
        secretName: "notebooks-oidc",
        clientIdKey: "client-id",
        clientSecretKey: "client-secret",
        authorizeUrl: "https://idp.example/authorize",
        tokenUrl: "https://idp.example/token",
        userInfoUrl: "https://idp.example/userinfo",
        scopes: ["openid", "email", "profile", "groups"],
        usernameClaim: "email",
        groupsClaim: "groups",
        adminGroups: ["ml-admins"],
        adminUsers: ["root@example.com"],
        allowedGroups: ["data-science"],
        callbackUrl: "https://notebooks.ml.example/hub/oauth_callback",
    },
};
const native: Login = { kind: "native", adminUsers: ["admin"] };

function input(environment: "dev" | "prod", extra: Partial<NotebooksValuesInput> = {}): NotebooksValuesInput {
    return {
        environment,
        sizing: notebooksSizing[environment],
        images: { hub: images.jupyterhubHub, proxy: images.jupyterhubProxy, singleuser: images.jupyterhubSingleuser },
        login: native,
        database: { host: "postgres.ml-postgres.svc.cluster.local", port: 5432, database: "jupyterhub", username: "jupyterhub", sslMode: "disable", secretName: "jupyterhub-db" },
        hubEnv: {},
        userEnv: { TRINO_USER: "{username}", MLFLOW_TRACKING_PASSWORD: { valueFrom: { secretKeyRef: { name: "mlflow-notebooks", key: "MLFLOW_TRACKING_PASSWORD" } } } },
        userPodLabels: {},
        storageSize: "10Gi",
        cullTimeoutSeconds: 1800,
        ...extra,
    };
}

/**
 * The pod KubeSpawner 7.0.0 builds from these values (`kubespawner/objects.py` make_pod): the pod security context is
 * `fsGroup` plus `pod_security_context`; the container's is runAsUser/runAsGroup (uid, gid), allowPrivilegeEscalation,
 * then `container_security_context`. No init container: the iptables one is off.
 */
function userPod(values: any) {
    const ks = values.hub.config.KubeSpawner;
    const su = values.singleuser;
    return {
        spec: {
            securityContext: { fsGroup: su.fsGid, ...ks.pod_security_context },
            initContainers: su.cloudMetadata.blockWithIptables ? [{ name: "block-cloud-metadata", securityContext: { privileged: true, capabilities: { add: ["NET_ADMIN"] } } }] : [],
            containers: [
                {
                    name: "notebook",
                    securityContext: { runAsUser: su.uid, runAsGroup: su.fsGid, allowPrivilegeEscalation: su.allowPrivilegeEscalation, ...ks.container_security_context },
                },
            ],
        },
    };
}

describe("notebooks: profiles", () => {
    it("small and large CPU profiles, small the default, sized per environment", () => {
        for (const env of ["dev", "prod"] as const) {
            const profiles = profileList(notebooksSizing[env]) as any[];
            assert.deepEqual(profiles.map((p) => p.slug), ["small", "large"]);
            assert.equal(profiles[0].default, true);
            const [small, large] = profiles.map((p) => p.kubespawner_override);
            assert.ok(small.cpu_limit <= large.cpu_guarantee * 2 && small.cpu_guarantee < large.cpu_guarantee, env);
            assert.ok(small.cpu_guarantee <= small.cpu_limit && large.cpu_guarantee <= large.cpu_limit, env);
        }
        assert.ok(notebooksSizing.prod.large.cpu > notebooksSizing.dev.large.cpu);
    });

    it("a GPU profile only with a GPU pool: the GPUs requested, on the pool's label, tolerating its taint", () => {
        const gpu = (profileList(notebooksSizing.prod, { gpus: 2 }) as any[]).find((p) => p.slug === "gpu").kubespawner_override;
        assert.deepEqual(gpu.extra_resource_limits, { "nvidia.com/gpu": "2" });
        assert.deepEqual(gpu.extra_resource_guarantees, { "nvidia.com/gpu": "2" });
        assert.deepEqual(gpu.node_selector, { "ml-platform/pool": "gpu" });
        assert.deepEqual(gpu.tolerations, [{ key: "nvidia.com/gpu", operator: "Equal", value: "present", effect: "NoSchedule" }]);
        assert.throws(() => profileList(notebooksSizing.prod, { gpus: 0 }), /gpuPool.gpus must be a whole number >= 1/);
    });
});

describe("notebooks: login", () => {
    it("OIDC: GenericOAuthenticator with the issuer's endpoints, the username claim and the callback", () => {
        const c = loginConfig(oidc);
        assert.equal(c.JupyterHub.authenticator_class, "generic-oauth");
        const g = c.GenericOAuthenticator;
        assert.equal(g.authorize_url, "https://idp.example/authorize");
        assert.equal(g.token_url, "https://idp.example/token");
        assert.equal(g.userdata_url, "https://idp.example/userinfo");
        assert.equal(g.username_claim, "email");
        assert.equal(g.oauth_callback_url, "https://notebooks.ml.example/hub/oauth_callback");
        assert.deepEqual(g.scope, ["openid", "email", "profile", "groups"]);
        assert.deepEqual(g.admin_users, ["root@example.com"]);
        // No credential in the config: the authenticator reads OAUTH_CLIENT_ID/OAUTH_CLIENT_SECRET from the env.
        assert.equal("client_id" in g || "client_secret" in g, false);
    });

    it("OIDC groups: oauthenticator 17's auth_state_groups_key on the userinfo response, with manage_groups", () => {
        const g = loginConfig(oidc).GenericOAuthenticator;
        assert.equal(g.manage_groups, true);
        assert.equal(g.auth_state_groups_key, "oauth_user.groups");
        assert.deepEqual(g.allowed_groups, ["data-science"]);
        assert.deepEqual(g.admin_groups, ["ml-admins"]);
        assert.equal("claim_groups_key" in g, false, "deprecated since oauthenticator 17.0");
        assert.equal("allow_all" in g, false);
    });

    it("OIDC without allowed groups lets every authenticated user in (oauthenticator 16+ needs allow_all); without a groups claim, no group config", () => {
        const open = loginConfig({ kind: "oidc", oidc: { ...oidc.oidc, allowedGroups: [], adminGroups: [], groupsClaim: undefined } }).GenericOAuthenticator;
        assert.equal(open.allow_all, true);
        assert.equal("manage_groups" in open || "auth_state_groups_key" in open || "allowed_groups" in open, false);
        assert.throws(
            () => loginConfig({ kind: "oidc", oidc: { ...oidc.oidc, groupsClaim: undefined } }),
            /restricts or maps groups \(allowedGroups\/adminGroups\) but names no groups claim/,
        );
    });

    it("without SSO: NativeAuthenticator, sign-ups wait for an admin, brute force slowed", () => {
        const c = loginConfig(native);
        assert.equal(c.JupyterHub.authenticator_class, "nativeauthenticator.NativeAuthenticator");
        assert.equal(c.NativeAuthenticator.open_signup, false);
        assert.ok((c.NativeAuthenticator.minimum_password_length as number) >= 12);
        assert.equal(c.NativeAuthenticator.check_common_password, true);
        assert.deepEqual(c.Authenticator.admin_users, ["admin"]);
        assert.throws(() => loginConfig({ kind: "native", adminUsers: [] }), /at least one admin user/);
    });
});

describe("notebooks: chart values", () => {
    const dev = notebooksValues(input("dev")) as any;
    const prod = notebooksValues(input("prod", { login: oidc, hubEnv: { OAUTH_CLIENT_ID: { valueFrom: { secretKeyRef: { name: "jupyterhub-oidc", key: "client-id" } } } }, gpuPool: { gpus: 1 }, storageClassName: "ml-retain" })) as any;

    it("pins the chart's images (the chart pin and the image tags agree)", () => {
        assert.equal(charts.jupyterhub.version, "4.4.0");
        assert.deepEqual(dev.hub.image, { name: "quay.io/jupyterhub/k8s-hub", tag: charts.jupyterhub.version });
        assert.deepEqual(dev.singleuser.image, { name: "quay.io/jupyterhub/k8s-singleuser-sample", tag: charts.jupyterhub.version });
        assert.deepEqual(dev.proxy.chp.image, { name: "quay.io/jupyterhub/configurable-http-proxy", tag: "5.2.0" });
        const mirrored = notebooksValues(input("dev", { imageRegistry: "registry.corp/mirror/" })) as any;
        assert.equal(mirrored.hub.image.name, "registry.corp/mirror/jupyterhub/k8s-hub");
    });

    it("the hub's database in Postgres, its password by env from the connection Secret", () => {
        assert.deepEqual(dev.hub.db, { type: "postgres", url: "postgresql+psycopg2://jupyterhub@postgres.ml-postgres.svc.cluster.local:5432/jupyterhub?sslmode=disable", upgrade: true });
        assert.deepEqual(dev.hub.extraEnv.PGPASSWORD, { valueFrom: { secretKeyRef: { name: "jupyterhub-db", key: "password" } } });
        assert.equal(hubDatabaseUrl({ host: "h", port: 5432, database: "jupyterhub", username: "u@x", sslMode: "require", secretName: "s" }), "postgresql+psycopg2://u%40x@h:5432/jupyterhub?sslmode=require");
    });

    it("the OIDC client's credentials reach the hub by env only; the login config is in hub.config", () => {
        assert.deepEqual(prod.hub.extraEnv.OAUTH_CLIENT_ID, { valueFrom: { secretKeyRef: { name: "jupyterhub-oidc", key: "client-id" } } });
        assert.equal(prod.hub.config.JupyterHub.authenticator_class, "generic-oauth");
        assert.equal(prod.hub.config.GenericOAuthenticator.userdata_url, "https://idp.example/userinfo");
    });

    it("holds no secret: no password, token or cookie secret key, and no literal credential", () => {
        const text = JSON.stringify([dev, prod]);
        assert.doesNotMatch(text, /"(password|cookieSecret|secretToken|client_secret|auth_token|existingSecret)"\s*:/i);
        assert.equal(dev.hub.db.password, undefined);
        // Environment values are literals without a credential, or references to Secrets.
        for (const values of [dev, prod]) {
            for (const [name, v] of Object.entries({ ...values.hub.extraEnv, ...values.singleuser.extraEnv })) {
                if (/PASSWORD|SECRET|KEY/.test(name)) assert.equal(typeof v, "object", `${name} must come from a Secret`);
            }
        }
    });

    it("per-user home volumes sized from the args, on the given StorageClass", () => {
        assert.deepEqual(dev.singleuser.storage, { type: "dynamic", capacity: "10Gi", homeMountPath: "/home/jovyan", dynamic: { storageClass: null, storageAccessModes: ["ReadWriteOnce"] } });
        assert.equal(prod.singleuser.storage.dynamic.storageClass, "ml-retain");
        assert.throws(() => notebooksValues(input("dev", { storageSize: "10GB" })), /storageSize must be a volume size/);
    });

    it("idle culling with the timeout from the args; users' records and admins' servers not spared", () => {
        assert.deepEqual(dev.cull, { enabled: true, timeout: 1800, every: 300, users: false, adminUsers: true });
        assert.equal((notebooksValues(input("prod", { cullTimeoutSeconds: 7200 })) as any).cull.every, 600);
        assert.throws(() => notebooksValues(input("dev", { cullTimeoutSeconds: 60 })), /idle timeout must be a whole number of seconds >= 300/);
    });

    it("the profiles and the GPU one only with a pool; prod sized above dev", () => {
        assert.deepEqual(dev.singleuser.profileList.map((p: any) => p.slug), ["small", "large"]);
        assert.deepEqual(prod.singleuser.profileList.map((p: any) => p.slug), ["small", "large", "gpu"]);
        assert.deepEqual(dev.hub.resources, { requests: { cpu: "50m", memory: "192Mi" }, limits: { cpu: "1", memory: "512Mi" } });
    });

    it("turns off what the platform provides: NetworkPolicies, LoadBalancer, autohttps, ingress, scheduler, pullers", () => {
        for (const v of [dev, prod]) {
            assert.equal(v.hub.networkPolicy.enabled, false);
            assert.equal(v.proxy.chp.networkPolicy.enabled, false);
            assert.equal(v.singleuser.networkPolicy.enabled, false);
            assert.equal(v.proxy.service.type, "ClusterIP");
            assert.equal(v.proxy.https.enabled, false);
            assert.equal(v.ingress.enabled, false);
            assert.equal(v.scheduling.userScheduler.enabled, false);
            assert.equal(v.scheduling.userPlaceholder.enabled, false);
            assert.equal(v.prePuller.hook.enabled, false);
            assert.equal(v.prePuller.continuous.enabled, false);
        }
    });

    it("Pod Security restricted: hub, proxy and the user pod KubeSpawner builds", () => {
        for (const v of [dev, prod]) {
            assert.deepEqual(podSecurityViolations({ spec: { securityContext: v.hub.podSecurityContext, containers: [{ name: "hub", securityContext: v.hub.containerSecurityContext }] } }, "restricted"), []);
            assert.deepEqual(podSecurityViolations({ spec: { containers: [{ name: "chp", securityContext: v.proxy.chp.containerSecurityContext }] } }, "restricted"), []);
            assert.deepEqual(podSecurityViolations(userPod(v), "restricted"), []);
            assert.equal(v.singleuser.cloudMetadata.blockWithIptables, false, "the iptables init container needs NET_ADMIN");
            assert.equal(v.singleuser.uid, 1000);
            assert.equal(v.singleuser.serviceAccountName, "notebook");
        }
        // The check bites: the chart's default (the iptables init container) would be refused.
        const withIptables = { ...dev, singleuser: { ...dev.singleuser, cloudMetadata: { blockWithIptables: true } } };
        assert.notDeepEqual(podSecurityViolations(userPod(withIptables), "restricted"), []);
    });

    it("Prometheus scrapes /hub/metrics without a token (authenticate_prometheus off)", () => {
        assert.equal(dev.hub.config.JupyterHub.authenticate_prometheus, false);
    });

    it("user env literals survive KubeSpawner's str.format expansion; the user name is filled per user", () => {
        const json = JSON.stringify({ apiVersion: "sparkoperator.k8s.io/v1beta2", spec: { sparkConf: { "a.b": "{x}" } } });
        const v = notebooksValues(input("dev", { userEnv: { JSON: json, TRINO_USER: USERNAME_TEMPLATE } })) as any;
        // Python's own str.format, as KubeSpawner 7.0.0 `_expand_user_properties` calls it.
        const py = spawnSync("python3", ["-c", "import json,sys; d=json.load(sys.stdin); print(json.dumps({k: v.format(unescaped_username='ana@example.com') for k, v in d.items()}))"], {
            input: JSON.stringify(v.singleuser.extraEnv),
            encoding: "utf8",
        });
        if (py.status === 0) {
            const expanded = JSON.parse(py.stdout);
            assert.equal(expanded.JSON, json);
            assert.equal(expanded.TRINO_USER, "ana@example.com");
        }
        assert.equal(v.singleuser.extraEnv.TRINO_USER, "{unescaped_username}");
        assert.equal(v.singleuser.extraEnv.JSON.replace(/\{\{/g, "{").replace(/\}\}/g, "}"), json);
    });

    it("user servers carry the chart's labels the flows select on", () => {
        assert.deepEqual(singleuserPods, { app: "jupyterhub", release: "jupyterhub", component: "singleuser-server" });
    });
});

describe("notebooks: monitoring", () => {
    const source = notebooksMonitoring("ml-notebooks");
    checkSource(source);

    it("scrapes the hub's /hub/metrics and alerts when the hub is down", () => {
        assert.equal(source.targets[0].path, "/hub/metrics");
        assert.equal(source.targets[0].portNumber, 8081);
        assert.ok(hubMetrics.includes("jupyterhub_running_servers"));
        const rules = source.alertGroups!.flatMap((g) => g.rules);
        const down = rules.find((r) => r.alert === "JupyterHubDown")!;
        assert.equal(down.labels.severity, "critical");
        assert.match(down.expr, /^absent\(up\{platform_target="jupyterhub"\} == 1\)$/);
    });
});

/**
 * `helm template` of the pinned chart with these values: the chart's values.schema.json validates them, and every
 * rendered pod passes `restricted`. Needs helm on PATH and the chart source at `$ML_PLATFORM_CHARTS/jupyterhub`
 * (zero-to-jupyterhub-k8s at tag 4.4.0, `jupyterhub/` with chartpress's version and tags set, and
 * values.schema.json generated from values.schema.yaml, as the published chart has them).
 */
describe("notebooks: the chart renders these values", () => {
    const chartDir = process.env.ML_PLATFORM_CHARTS ? join(process.env.ML_PLATFORM_CHARTS, "jupyterhub") : undefined;
    const helm = spawnSync("helm", ["version", "--short"], { encoding: "utf8" });
    const skip = !chartDir || !existsSync(join(chartDir, "values.schema.json")) || helm.status !== 0 ? "needs helm and $ML_PLATFORM_CHARTS/jupyterhub" : false;

    it("passes the chart's schema and renders restricted pods, no NetworkPolicy, no LoadBalancer", { skip }, () => {
        const dir = mkdtempSync(join(tmpdir(), "notebooks-"));
        for (const [name, values] of Object.entries({ dev: notebooksValues(input("dev")), prod: notebooksValues(input("prod", { login: oidc, gpuPool: { gpus: 1 } })) })) {
            writeFileSync(join(dir, `${name}.json`), JSON.stringify(values));
            const r = spawnSync("helm", ["template", "jupyterhub", chartDir!, "--namespace", "ml-notebooks", "--kube-version", "1.34.0", "--values", join(dir, `${name}.json`)], { encoding: "utf8" });
            assert.equal(r.status, 0, r.stderr);
            const docs = parseAllDocuments(r.stdout).map((d) => d.toJSON()).filter(Boolean);
            const kinds = docs.map((d: any) => d.kind);
            assert.equal(kinds.includes("NetworkPolicy"), false, name);
            assert.equal(kinds.includes("DaemonSet") || kinds.includes("StatefulSet"), false, name);
            const pods = docs.flatMap((d: any) => {
                const pod = podTemplateOf(`kubernetes:apps/v1:${d.kind}`, d);
                return pod ? [[`${d.kind}/${d.metadata.name}`, pod] as const] : [];
            });
            assert.deepEqual(pods.map(([n]) => n).sort(), ["Deployment/hub", "Deployment/proxy"]);
            for (const [n, pod] of pods) assert.deepEqual(podSecurityViolations(pod, "restricted"), [], n);
            const services = docs.filter((d: any) => d.kind === "Service");
            assert.equal(services.some((s: any) => s.spec.type === "LoadBalancer"), false);
        }
    });
});
