import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { footprint } from "../../stacks/footprint";
import { constructStack, exampleOrgValues, Registration, unwrap } from "../harness";

const NS = "ml-notebooks";
const releaseOf = (resources: Registration[]) => resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "jupyterhub")!;
const policiesIn = (resources: Registration[]) => resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && r.inputs.metadata.namespace === NS);

/** What each shipped stack hands the JupyterHub chart and the platform around it, as the program captures it under mocks. */
describe("notebooks in the shipped stacks", async () => {
    // Pulumi's mock runtime is global: build the stacks one after another, then test them.
    const runs: Record<string, Awaited<ReturnType<typeof constructStack>>> = {};
    for (const stack of ["dev", "prod", "prod-aks"]) runs[stack] = await constructStack(stack);
    const gpu = await constructStack("prod", { "ml-platform:cluster": { ...exampleOrgValues.prod["ml-platform:cluster"], gpuPool: { machineType: "g2-standard-8", minNodes: 0, maxNodes: 2, acceleratorType: "nvidia-l4", acceleratorCount: 2 } } });
    const off = await constructStack("dev", { "ml-platform:components": { notebooks: false } });

    for (const stack of ["dev", "prod", "prod-aks"]) {
        describe(stack, () => {
            const run = runs[stack];
            const release = releaseOf(run.resources);
            const values = release.inputs.values;
            const env = values.singleuser.extraEnv;
            const prod = stack !== "dev";

            it("installs the pinned chart in ml-notebooks with no secret among its inputs", () => {
                assert.equal(release.inputs.version, "4.4.0");
                assert.equal(release.inputs.namespace, NS);
                assert.deepEqual([...release.secretInputs], []);
                const text = JSON.stringify(values);
                assert.doesNotMatch(text, /mock-password|FAKE|BEGIN CERTIFICATE/);
            });

            it("login: the stack's single sign-on, by JupyterHub's own OIDC client (no forward-auth, no shared password)", async () => {
                assert.equal(values.hub.config.JupyterHub.authenticator_class, "generic-oauth");
                const authorize = new URL(values.hub.config.GenericOAuthenticator.authorize_url);
                assert.equal(authorize.host, { dev: "dex.localtest.me", prod: "accounts.google.com", "prod-aks": "login.microsoftonline.com" }[stack]);
                assert.equal(values.hub.extraEnv.OAUTH_CLIENT_SECRET.valueFrom.secretKeyRef.key, "client-secret");
                const route = run.resources.find((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress" && r.inputs.metadata.name === "notebooks")!;
                assert.equal(route.inputs.metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"], undefined);
                assert.equal(route.inputs.spec.rules[0].http.paths[0].backend.service.name, "notebooks-proxy");
                const platform = run.result as any;
                assert.equal(platform.credentials.notebooks, undefined);
                assert.equal(platform.logins.notebooks, "oidc");
                assert.equal(await unwrap(platform.endpoints.notebooks.external!), prod ? `https://notebooks.${route.inputs.spec.rules[0].host.split(".").slice(1).join(".")}` : "http://notebooks.localtest.me");
            });

            it("the hub's database in the stack's Postgres, password by env", () => {
                assert.equal(values.hub.db.type, "postgres");
                assert.match(values.hub.db.url, prod ? /\?sslmode=require$/ : /\?sslmode=disable$/);
                assert.equal(values.hub.extraEnv.PGPASSWORD.valueFrom.secretKeyRef.key, "password");
            });

            it("sizing, storage and culling per environment", () => {
                assert.equal(values.singleuser.storage.capacity, prod ? "20Gi" : "5Gi");
                assert.equal(values.singleuser.storage.dynamic.storageClass, prod ? "ml-retain" : null);
                assert.equal(values.cull.timeout, prod ? 3600 : 1800);
                assert.deepEqual(values.singleuser.profileList.map((p: any) => p.slug), ["small", "large"], "no GPU pool in the shipped stacks");
                const nb = footprint(run.resources).byComponent.notebooks;
                assert.equal(nb.requests.memory, (prod ? 640 : 256) * 2 ** 20);
                assert.equal(Math.round(nb.requests.cpu * 1000), prod ? 350 : 60);
            });

            it("each server is wired to every service of the stack, credentials from Secrets", () => {
                assert.deepEqual(
                    Object.keys(env).sort(),
                    [
                        ...(stack === "dev" ? ["AWS_ACCESS_KEY_ID", "AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_SECRET_ACCESS_KEY"] : stack === "prod-aks" ? ["AZURE_STORAGE_ACCOUNT_NAME"] : []),
                        "FEAST_FEATURE_SERVER_URL",
                        "KAFKA_BOOTSTRAP_SERVERS",
                        "KAFKA_GROUP_ID",
                        ...(prod ? ["KAFKA_SASL_MECHANISM", "KAFKA_SASL_PASSWORD", "KAFKA_SASL_USERNAME"] : []),
                        "KAFKA_SECURITY_PROTOCOL",
                        ...(prod ? ["KAFKA_SSL_CA_PEM"] : []),
                        "MLFLOW_TRACKING_PASSWORD",
                        "MLFLOW_TRACKING_URI",
                        "MLFLOW_TRACKING_USERNAME",
                        "ML_PLATFORM_BUCKETS",
                        "ML_PLATFORM_OBJECT_STORE",
                        "ML_PLATFORM_SPARK_APPLICATION",
                        ...(prod ? ["RAY_ADDRESS", "RAY_DASHBOARD_URL", "RAY_VERSION"] : []),
                        "SPARK_JOBS_NAMESPACE",
                        "SPARK_SERVICE_ACCOUNT",
                        "TRINO_CATALOG",
                        "TRINO_HOST",
                        "TRINO_HTTP_SCHEME",
                        "TRINO_PORT",
                        "TRINO_USER",
                    ].sort(),
                );
                for (const [name, v] of Object.entries<any>(env)) {
                    if (/PASSWORD|SECRET|ACCESS_KEY|CA_PEM|USERNAME/.test(name)) assert.ok(v.valueFrom?.secretKeyRef, `${name} from a Secret`);
                }
                const buckets = JSON.parse(env.ML_PLATFORM_BUCKETS.replace(/\{\{/g, "{").replace(/\}\}/g, "}"));
                assert.deepEqual(Object.keys(buckets), ["notebooks", "bronze", "silver", "gold"]);
                assert.equal(values.singleuser.serviceAccountName, "notebook");
                if (stack === "prod-aks") assert.deepEqual(values.singleuser.extraLabels, { "azure.workload.identity/use": "true" });
            });

            it("Streaming declares the notebooks Kafka client and admits its namespace", () => {
                if (prod) {
                    const user = run.resources.find((r) => r.type.endsWith(":KafkaUser") && r.inputs.metadata.name === "notebooks");
                    assert.ok(user, "a KafkaUser notebooks");
                    const groups = user!.inputs.spec.authorization.acls.filter((a: any) => a.resource.type === "group").map((a: any) => a.resource.name);
                    assert.ok(groups.includes("notebooks-"), JSON.stringify(groups));
                }
                const kafka = run.resources.find((r) => r.type.endsWith("kafka.strimzi.io/v1:Kafka"))!;
                const listener = kafka.inputs.spec.kafka.listeners.find((l: any) => l.name !== "external");
                const admitted = JSON.stringify(listener.networkPolicyPeers ?? []);
                assert.match(admitted, /ml-notebooks/);
            });

            it("NetworkPolicies from the declared flows: the ingress in, the hub to the API server, servers to the services", () => {
                const names = policiesIn(run.resources).map((p) => p.inputs.metadata.name).sort();
                for (const expected of ["default-deny", "allow-dns", "allow-same-namespace", "ingress-from-ml-ingress-8000", "ingress-from-ml-monitoring-8081", "egress-api-server-443-6443", "egress-ml-tracking-5000", "egress-ml-lakehouse-8080", "egress-ml-featurestore-6566"]) {
                    assert.ok(names.includes(expected), `${expected} in ${names.join(", ")}`);
                }
                assert.ok(names.some((n) => n.startsWith("egress-ml-streaming-")), names.join(", "));
                if (prod) assert.ok(names.includes("egress-ml-compute-jobs-10001-8265"), names.join(", "));
                const hubApi = policiesIn(run.resources).find((p) => p.inputs.metadata.name === "egress-api-server-443-6443" && p.inputs.spec.podSelector.matchLabels?.component === "hub");
                assert.ok(hubApi, "the hub's own API-server egress");
                const ns = run.resources.find((r) => r.type === "kubernetes:core/v1:Namespace" && r.inputs.metadata.name === NS)!;
                assert.equal(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
            });

            it("monitoring scrapes the hub and alerts when it is down", () => {
                const monitor = run.resources.find((r) => r.type.endsWith(":PodMonitor") && JSON.stringify(r.inputs.spec.namespaceSelector) === JSON.stringify({ matchNames: [NS] }));
                assert.ok(monitor, "a PodMonitor for the hub");
                assert.equal(monitor!.inputs.spec.podMetricsEndpoints[0].path, "/hub/metrics");
                const rules = run.resources.find((r) => r.type.endsWith(":PrometheusRule"))!;
                assert.match(JSON.stringify(rules.inputs.spec), /JupyterHubDown/);
            });
        });
    }

    it("with a GPU pool: a GPU profile with the pool's accelerators", () => {
        const profiles = releaseOf(gpu.resources).inputs.values.singleuser.profileList;
        const g = profiles.find((p: any) => p.slug === "gpu");
        assert.deepEqual(g.kubespawner_override.extra_resource_limits, { "nvidia.com/gpu": "2" });
    });

    it("switched off: no namespace, no flow, no Kafka client, no route", () => {
        assert.equal(releaseOf(off.resources), undefined);
        assert.equal(off.result.flows.some((f) => f.from === NS || f.to === NS), false);
        assert.equal(off.result.endpoints.notebooks, undefined);
        assert.equal(off.resources.some((r) => r.type === "kubernetes:core/v1:Namespace" && r.inputs.metadata.name === NS), false);
    });
});
