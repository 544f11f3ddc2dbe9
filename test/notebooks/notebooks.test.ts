import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { createSecret } from "../../components/common/kubernetes";
import type { JobRunner } from "../../components/compute";
import type { FeatureServer } from "../../components/featurestore/types";
import type { IdentityProvider, OidcClientArgs } from "../../components/identity/types";
import { Notebooks, NotebooksArgs } from "../../components/notebooks";
import { hubPods, NOTEBOOK_SERVICE_ACCOUNT, proxyPods } from "../../components/notebooks/spec";
import { footprint } from "../../stacks/footprint";
import { fakeKafkaServer, fakeMlflowServer, fakeObjectStore, fakePostgres, fakeTrinoServer } from "../fakes";
import { kubernetesResourcesWithoutProvider, runProgram, unwrap } from "../harness";

const ISSUER = "https://idp.example";
const CLIENT_SECRET = "FAKE-OIDC-CLIENT-SECRET";

/** An IdentityProvider as the SSO component will implement it: a Secret with the client's credentials in the UI's namespace. */
function fakeIdentity(overrides: { groupsClaim?: string; allowedGroups?: string[] } = {}): IdentityProvider & { readonly requests: { name: string; args: OidcClientArgs }[] } {
    const requests: { name: string; args: OidcClientArgs }[] = [];
    return {
        requests,
        oidcClient(name, args, parent) {
            requests.push({ name, args });
            const secret = createSecret(`${name}-client`, { name: `${name}-oidc`, namespace: args.namespace.created, component: "identity", data: { "client-id": "jupyterhub", "client-secret": CLIENT_SECRET } }, { parent });
            const why = `${args.namespace.name} redeems login codes at the issuer`;
            return {
                issuerUrl: pulumi.output(ISSUER),
                authorizeUrl: pulumi.output(`${ISSUER}/auth`),
                tokenUrl: pulumi.output(`${ISSUER}/token`),
                userInfoUrl: pulumi.output(`${ISSUER}/userinfo`),
                secretName: secret.metadata.name,
                clientIdKey: "client-id",
                clientSecretKey: "client-secret",
                scopes: ["openid", "email", "profile", "groups"],
                usernameClaim: "email",
                groupsClaim: "groupsClaim" in overrides ? overrides.groupsClaim : "groups",
                adminGroups: ["ml-admins"],
                adminUsers: ["root@example.com"],
                allowedGroups: overrides.allowedGroups ?? ["data-science"],
                flows: [{ from: args.namespace.name, to: { cidr: "0.0.0.0/0" }, ports: [443], fromPods: args.pods, why }],
                // The identity component's own record kind (not in this branch's union yet).
                connection: { kind: "oidc" as any, from: args.namespace.name, to: ISSUER, why },
            };
        },
    };
}

const fakeFeatures = (): FeatureServer => ({
    url: pulumi.output("http://feast.ml-featurestore.svc.cluster.local:6566"),
    grantClient: (args) => ({
        url: "http://feast.ml-featurestore.svc.cluster.local:6566",
        flows: [{ from: args.namespace.name, to: "ml-featurestore", ports: [6566], why: "fake feast" }],
        connection: { kind: "feast", from: args.namespace.name, to: "http://feast.ml-featurestore.svc.cluster.local:6566", why: "fake feast" },
    }),
    grantMaterializer: () => {
        throw new Error("notebooks do not materialize");
    },
});

const fakeCompute = (ray: boolean): JobRunner & { readonly submitters: string[] } => {
    const submitters: string[] = [];
    return {
        submitters,
        grantSubmitter: (name, args) => {
            submitters.push(`${args.namespace.name}/${args.serviceAccountName}`);
            return {
                jobsNamespace: "ml-compute-jobs",
                sparkServiceAccount: "spark",
                sparkConfigMap: "spark-defaults",
                sparkApplication: pulumi.output({ apiVersion: "sparkoperator.k8s.io/v1beta2", kind: "SparkApplication", metadata: { namespace: "ml-compute-jobs" }, spec: { sparkConf: {} } }) as any,
                flows: [{ from: args.namespace.name, to: { entity: "api-server" }, ports: [443, 6443], why: "fake submitter" }],
                connection: { kind: "compute-jobs", from: args.namespace.name, to: "ml-compute-jobs", serviceAccount: args.serviceAccountName, why: "fake submitter" },
            };
        },
        grantRayClient: (args) =>
            ray
                ? {
                      address: "ray://ray-head-svc.ml-compute-jobs.svc.cluster.local:10001",
                      dashboardUrl: "http://ray-head-svc.ml-compute-jobs.svc.cluster.local:8265",
                      rayVersion: "2.52.0",
                      flows: [{ from: args.namespace.name, to: "ml-compute-jobs", ports: [10001, 8265], why: "fake ray" }],
                      connection: { kind: "ray", from: args.namespace.name, to: "ray://ray-head-svc.ml-compute-jobs.svc.cluster.local:10001", why: "fake ray" },
                  }
                : undefined,
    };
};

type Flavor = "minio" | "gcs" | "adls";
const postgresOf = { minio: "in-cluster", gcs: "cloudsql", adls: "flexible" } as const;

async function deploy(environment: "dev" | "prod", flavor: Flavor, extra: Partial<NotebooksArgs> = {}, opts: { identity?: IdentityProvider; connected?: boolean; ray?: boolean } = {}) {
    const store = fakeObjectStore(flavor, ["notebooks", "bronze", "silver", "gold"]);
    const postgres = fakePostgres(postgresOf[flavor]);
    const compute = fakeCompute(opts.ray ?? true);
    let provider: k8s.Provider | undefined;
    const connections = opts.connected === false ? undefined : { tracking: fakeMlflowServer(), trino: fakeTrinoServer(), kafka: fakeKafkaServer(), features: fakeFeatures(), compute };
    const run = await runProgram(() => {
        provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        return new Notebooks(
            "notebooks",
            { environment, postgres, objectStore: store, buckets: ["notebooks", "gold"], url: "https://notebooks.ml.example", identity: opts.identity, connections, ...extra },
            { providers: [provider] },
        );
    });
    const release = run.one("kubernetes:helm.sh/v3:Release");
    return { run, store, postgres, compute, release, values: release.inputs.values, provider: provider! };
}

// Pulumi's mock runtime is global: build one program after another, then test them.
describe("notebooks", async () => {
    const identity = fakeIdentity();
    const sso = await deploy("prod", "gcs", { gpuPool: { gpus: 1 }, storageClassName: "ml-retain" }, { identity });
    const kind = await deploy("dev", "minio");

describe("the component with single sign-on", () => {
    const d = sso;
    const nb = d.run.result;

    it("registers the OIDC client in its namespace, with the hub's callback and pods", () => {
        assert.equal(identity.requests.length, 1);
        const { args } = identity.requests[0];
        assert.equal(args.namespace.name, "ml-notebooks");
        assert.deepEqual(args.redirectUris, ["https://notebooks.ml.example/hub/oauth_callback"]);
        assert.deepEqual(args.pods, hubPods);
        assert.equal(nb.login, "oidc");
        assert.equal(nb.ui.auth, "oidc");
    });

    it("configures GenericOAuthenticator from the client; its id and secret reach the hub only by env from the client's Secret", () => {
        const hub = d.values.hub;
        assert.equal(hub.config.JupyterHub.authenticator_class, "generic-oauth");
        const g = hub.config.GenericOAuthenticator;
        assert.equal(g.authorize_url, `${ISSUER}/auth`);
        assert.equal(g.token_url, `${ISSUER}/token`);
        assert.equal(g.userdata_url, `${ISSUER}/userinfo`);
        assert.equal(g.oauth_callback_url, "https://notebooks.ml.example/hub/oauth_callback");
        assert.deepEqual(g.allowed_groups, ["data-science"]);
        assert.deepEqual(g.admin_groups, ["ml-admins"]);
        assert.equal(g.auth_state_groups_key, "oauth_user.groups");
        assert.deepEqual(hub.extraEnv.OAUTH_CLIENT_ID, { valueFrom: { secretKeyRef: { name: "notebooks-oidc", key: "client-id" } } });
        assert.deepEqual(hub.extraEnv.OAUTH_CLIENT_SECRET, { valueFrom: { secretKeyRef: { name: "notebooks-oidc", key: "client-secret" } } });
        assert.ok(!JSON.stringify(d.values).includes(CLIENT_SECRET), "the client secret is not in the chart values");
        assert.deepEqual([...d.release.secretInputs], [], "no secret input reaches the release");
    });

    it("the hub's database from PostgresServer.database, the password by env from its Secret", () => {
        const db = d.postgres.requests.find((x) => x.request.database === "jupyterhub");
        assert.ok(db, "a jupyterhub database was asked for");
        assert.equal(d.values.hub.db.type, "postgres");
        assert.match(d.values.hub.db.url, /^postgresql\+psycopg2:\/\/jupyterhub@[^:]+:5432\/jupyterhub\?sslmode=require$/);
        assert.deepEqual(d.values.hub.extraEnv.PGPASSWORD, { valueFrom: { secretKeyRef: { name: "jupyterhub-db", key: "password" } } });
    });

    it("flows: the hub to the API server and to the issuer; users' servers to every connected service", () => {
        const flows = nb.flows.map((f) => [f.from, typeof f.to === "string" ? f.to : JSON.stringify(f.to), f.ports.join(","), f.fromPods ? JSON.stringify(f.fromPods) : "*"]);
        assert.deepEqual(flows, [
            ["ml-notebooks", '{"entity":"api-server"}', "443,6443", JSON.stringify(hubPods)],
            ["ml-notebooks", '{"cidr":"0.0.0.0/0"}', "5432", "*"],
            ["ml-notebooks", '{"cidr":"0.0.0.0/0"}', "443", JSON.stringify(hubPods)],
            ["ml-notebooks", '{"cidr":"0.0.0.0/0"}', "443", "*"],
            ["ml-notebooks", "ml-tracking", "5000", "*"],
            ["ml-notebooks", "ml-lakehouse", "8080", "*"],
            ["ml-notebooks", "ml-streaming", "9093", "*"],
            ["ml-notebooks", "ml-featurestore", "6566", "*"],
            ["ml-notebooks", '{"entity":"api-server"}', "443,6443", "*"],
            ["ml-notebooks", "ml-compute-jobs", "10001,8265", "*"],
        ]);
        assert.deepEqual(nb.connections.map((c) => c.kind), ["postgres", "oidc", "object-store", "mlflow", "trino", "kafka", "feast", "compute-jobs", "ray"]);
    });

    it("users' servers run as the notebook ServiceAccount, bound to the object store by workload identity (no key)", () => {
        const sa = d.run.one("kubernetes:core/v1:ServiceAccount", "notebooks-sa").inputs;
        assert.equal(sa.metadata.name, NOTEBOOK_SERVICE_ACCOUNT);
        assert.equal(sa.metadata.annotations["iam.gke.io/gcp-service-account"], `${NOTEBOOK_SERVICE_ACCOUNT}@acme-ml-prod.iam.gserviceaccount.com`);
        assert.deepEqual(d.store.grants.map((g) => [g.grant.serviceAccountName, g.grant.buckets, g.grant.access]), [[NOTEBOOK_SERVICE_ACCOUNT, ["notebooks", "gold"], "readwrite"]]);
        const env = d.values.singleuser.extraEnv;
        assert.equal(env.AWS_ACCESS_KEY_ID, undefined);
        assert.equal(env.ML_PLATFORM_OBJECT_STORE, "gcs");
        assert.deepEqual(JSON.parse(env.ML_PLATFORM_BUCKETS.replace(/\{\{/g, "{").replace(/\}\}/g, "}")), { notebooks: "gs://notebooks", gold: "gs://gold" });
        assert.equal(d.values.singleuser.serviceAccountName, NOTEBOOK_SERVICE_ACCOUNT);
    });

    it("pre-wires every user's server: credentials by env from the connection Secrets, endpoints as literals", () => {
        const env = d.values.singleuser.extraEnv;
        assert.deepEqual(env.MLFLOW_TRACKING_PASSWORD, { valueFrom: { secretKeyRef: { name: "mlflow-notebooks", key: "MLFLOW_TRACKING_PASSWORD" } } });
        assert.deepEqual(env.MLFLOW_TRACKING_URI, { valueFrom: { secretKeyRef: { name: "mlflow-notebooks", key: "MLFLOW_TRACKING_URI" } } });
        assert.equal(env.TRINO_HOST, "trino.ml-lakehouse.svc.cluster.local");
        assert.equal(env.TRINO_PORT, "8080");
        assert.equal(env.TRINO_USER, "{unescaped_username}", "Trino sees the JupyterHub user's own name");
        assert.deepEqual(env.KAFKA_SASL_PASSWORD, { valueFrom: { secretKeyRef: { name: "kafka-notebooks", key: "password" } } });
        assert.deepEqual(env.KAFKA_BOOTSTRAP_SERVERS, { valueFrom: { secretKeyRef: { name: "kafka-notebooks", key: "bootstrap.servers" } } });
        assert.deepEqual(env.KAFKA_SSL_CA_PEM, { valueFrom: { secretKeyRef: { name: "kafka-notebooks", key: "ca.crt" } } });
        assert.equal(env.KAFKA_GROUP_ID, "notebooks-default");
        assert.equal(env.FEAST_FEATURE_SERVER_URL, "http://feast.ml-featurestore.svc.cluster.local:6566");
        assert.equal(env.SPARK_JOBS_NAMESPACE, "ml-compute-jobs");
        assert.match(env.ML_PLATFORM_SPARK_APPLICATION, /^\{\{"apiVersion":"sparkoperator\.k8s\.io\/v1beta2"/);
        assert.equal(env.RAY_ADDRESS, "ray://ray-head-svc.ml-compute-jobs.svc.cluster.local:10001");
        assert.deepEqual(d.compute.submitters, [`ml-notebooks/${NOTEBOOK_SERVICE_ACCOUNT}`]);
        for (const [name, v] of Object.entries(env)) if (/PASSWORD|SECRET|ACCESS_KEY/.test(name)) assert.equal(typeof v, "object", `${name} from a Secret`);
    });

    it("prod: GPU profile with the pool, home volumes on the given class, the hub and proxy at prod size", () => {
        assert.deepEqual(d.values.singleuser.profileList.map((p: any) => p.slug), ["small", "large", "gpu"]);
        assert.equal(d.values.singleuser.storage.dynamic.storageClass, "ml-retain");
        assert.equal(d.values.singleuser.storage.capacity, "20Gi");
        assert.equal(d.values.cull.timeout, 3600);
        assert.equal(d.values.hub.resources.requests.memory, "512Mi");
    });

    it("names the chart pinned and its explicit provider; every Kubernetes object has one", () => {
        assert.equal(d.release.inputs.chart, "jupyterhub");
        assert.equal(d.release.inputs.version, "4.4.0");
        assert.equal(d.release.inputs.repositoryOpts.repo, "https://hub.jupyter.org/helm-chart/");
        assert.equal(d.release.inputs.name, "jupyterhub");
        assert.equal(d.release.inputs.namespace, "ml-notebooks");
        assert.deepEqual(kubernetesResourcesWithoutProvider(d.run.resources, d.run.one("pulumi:providers:kubernetes").urn).map((r) => r.name), []);
        const ns = d.run.one("kubernetes:core/v1:Namespace").inputs;
        assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    });

    it("the proxy is the route the ingress reaches; monitoring scrapes the hub", async () => {
        assert.deepEqual(nb.ui, { namespace: "ml-notebooks", service: "notebooks-proxy", port: 8000, auth: "oidc", pods: proxyPods });
        assert.equal(await unwrap(nb.internalUrl), "http://notebooks-proxy.ml-notebooks.svc.cluster.local:8000");
        // The route's Service: the proxy's pods on their own port, which the ingress's NetworkPolicy names.
        const svc = d.run.one("kubernetes:core/v1:Service", "notebooks-proxy").inputs;
        assert.deepEqual(svc.spec.selector, proxyPods);
        assert.deepEqual(svc.spec.ports, [{ name: "http", port: 8000, targetPort: 8000, protocol: "TCP" }]);
        assert.deepEqual(nb.monitoring.targets.map((t) => [t.namespace, t.path, t.portNumber]), [["ml-notebooks", "/hub/metrics", 8081]]);
    });
});

describe("without single sign-on (dev on kind)", () => {
    const d = kind;
    const nb = d.run.result;

    it("NativeAuthenticator with admin approval, behind the ingress's basic auth", () => {
        assert.equal(nb.login, "native");
        assert.equal(nb.ui.auth, "basic");
        assert.equal(d.values.hub.config.JupyterHub.authenticator_class, "nativeauthenticator.NativeAuthenticator");
        assert.equal(d.values.hub.config.NativeAuthenticator.open_signup, false);
        assert.deepEqual(d.values.hub.config.Authenticator.admin_users, ["admin"]);
        assert.equal(d.values.hub.extraEnv.OAUTH_CLIENT_SECRET, undefined);
    });

    it("MinIO: a scoped key for the notebook ServiceAccount, by env from its Secret, and the S3 endpoint", () => {
        const env = d.values.singleuser.extraEnv;
        assert.deepEqual(env.AWS_ACCESS_KEY_ID, { valueFrom: { secretKeyRef: { name: "notebook-s3", key: "AWS_ACCESS_KEY_ID" } } });
        assert.deepEqual(env.AWS_SECRET_ACCESS_KEY, { valueFrom: { secretKeyRef: { name: "notebook-s3", key: "AWS_SECRET_ACCESS_KEY" } } });
        assert.equal(env.AWS_ENDPOINT_URL_S3, "http://minio.ml-storage.svc.cluster.local:9000");
        assert.equal(d.values.hub.db.url, "postgresql+psycopg2://jupyterhub@postgres.ml-data.svc.cluster.local:5432/jupyterhub?sslmode=disable");
        assert.ok(!JSON.stringify(d.values).includes("FAKE-SECRET-KEY"));
    });

    it("dev: two CPU profiles, no GPU one, 5Gi homes, 30 min idle timeout", () => {
        assert.deepEqual(d.values.singleuser.profileList.map((p: any) => p.slug), ["small", "large"]);
        assert.equal(d.values.singleuser.storage.capacity, "5Gi");
        assert.equal(d.values.singleuser.storage.dynamic.storageClass, null);
        assert.equal(d.values.cull.timeout, 1800);
    });

    it("with no user server running, only the hub and the proxy request resources", () => {
        const f = footprint(d.run.resources);
        assert.deepEqual(f.workloads.map((w) => w.workload).sort(), ["hub", "proxy.chp"]);
        assert.ok(f.total.requests.memory <= 256 * 2 ** 20, `${f.total.requests.memory / 2 ** 20} MiB`);
    });
});

});

describe("notebooks: optional connections and arguments", () => {
    it("no connections: only the object store and the database; no Ray address without a Ray cluster", async () => {
        const bare = await deploy("dev", "adls", {}, { connected: false });
        const env = bare.values.singleuser.extraEnv;
        assert.deepEqual(Object.keys(env).sort(), ["AZURE_STORAGE_ACCOUNT_NAME", "ML_PLATFORM_BUCKETS", "ML_PLATFORM_OBJECT_STORE"]);
        assert.deepEqual(bare.values.singleuser.extraLabels, { "azure.workload.identity/use": "true" });
        const noRay = await deploy("dev", "minio", {}, { ray: false });
        assert.equal(noRay.values.singleuser.extraEnv.RAY_ADDRESS, undefined);
        assert.equal(noRay.values.singleuser.extraEnv.SPARK_JOBS_NAMESPACE, "ml-compute-jobs");
    });

    it("storage size and idle timeout from the args", async () => {
        const d = await deploy("dev", "minio", { storageSize: "50Gi", idleTimeoutMinutes: 120 });
        assert.equal(d.values.singleuser.storage.capacity, "50Gi");
        assert.equal(d.values.cull.timeout, 7200);
    });

    it("refuses bad arguments before registering anything", async () => {
        await assert.rejects(deploy("dev", "minio", { buckets: ["nope"] }), /buckets "nope" are not buckets of the minio object store/);
        await assert.rejects(deploy("dev", "minio", { buckets: [] }), /buckets is empty/);
        await assert.rejects(deploy("dev", "minio", { url: "notebooks.example" }), /is not a URL/);
        await assert.rejects(deploy("dev", "minio", { idleTimeoutMinutes: 2 }), /idleTimeoutMinutes must be a whole number >= 5/);
        await assert.rejects(deploy("dev", "minio", { adminUsers: [] }), /adminUsers must name who authorizes sign-ups/);
        await assert.rejects(deploy("prod", "gcs", {}, { identity: fakeIdentity({ groupsClaim: undefined }) }), /names no groups claim/);
    });

    it("OIDC without allowed groups lets every authenticated user in", async () => {
        const d = await deploy("prod", "gcs", {}, { identity: fakeIdentity({ allowedGroups: [] }) });
        assert.equal(d.values.hub.config.GenericOAuthenticator.allow_all, true);
    });
});
