import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Ingress, routeManifest, traefikValues } from "../../components/ingress";
import { KIND_INGRESS_NODE_PORTS } from "../../components/cluster/types";
import { kindConfig } from "../../components/cluster/kind";
import { kubernetesResourcesWithoutProvider, runProgram, unwrap } from "../harness";

describe("ingress: Traefik values", () => {
    it("on kind listens on the NodePorts kind maps to 127.0.0.1, with no host port (Pod Security forbids them)", () => {
        const v: any = traefikValues({ environment: "dev", exposure: "kind", className: "ml-platform" });
        assert.equal(v.service.spec.type, "NodePort");
        assert.deepEqual([v.ports.web.nodePort, v.ports.websecure.nodePort], [KIND_INGRESS_NODE_PORTS.http, KIND_INGRESS_NODE_PORTS.https]);
        assert.doesNotMatch(JSON.stringify(v), /hostPort|hostNetwork/);
        const kind = JSON.parse(kindConfig({ provider: "kind", name: "k" }));
        assert.deepEqual(
            kind.nodes[0].extraPortMappings.map((m: any) => [m.hostPort, m.containerPort]),
            [[80, v.ports.web.nodePort], [443, v.ports.websecure.nodePort]],
        );
        assert.equal(v.deployment.replicas, 1);
    });

    it("uses the chart's keys for access logs and Deployment labels (41.x refuses `logs` and `deploymentLabels`)", () => {
        const v: any = traefikValues({ environment: "dev", exposure: "kind", className: "ml-platform" });
        assert.deepEqual(v.accessLog, { enabled: true });
        assert.equal(v.deployment.labels["app.kubernetes.io/part-of"], "ml-platform");
        assert.equal("logs" in v || "deploymentLabels" in v, false);
    });

    it("in prod redirects HTTP to HTTPS, runs 2 replicas across zones with a PDB, and can be internal-only", () => {
        const pub: any = traefikValues({ environment: "prod", exposure: "public", className: "ml-platform" });
        assert.deepEqual(pub.ports.web.http.redirections.entryPoint, { to: "websecure", scheme: "https", permanent: true });
        assert.equal(pub.deployment.replicas, 2);
        assert.deepEqual(pub.podDisruptionBudget, { enabled: true, maxUnavailable: 1 });
        assert.equal(pub.topologySpreadConstraints[0].topologyKey, "topology.kubernetes.io/zone");
        assert.equal(pub.service.spec.type, "LoadBalancer");
        assert.deepEqual(pub.service.annotations, {});
        const internal: any = traefikValues({ environment: "prod", exposure: "internal", className: "ml-platform" });
        assert.equal(internal.service.annotations["networking.gke.io/load-balancer-type"], "Internal");
        assert.equal(internal.service.annotations["service.beta.kubernetes.io/azure-load-balancer-internal"], "true");
    });

    it("runs non-root, read-only, with no capabilities and with requests and limits", () => {
        for (const environment of ["dev", "prod"] as const) {
            const v: any = traefikValues({ environment, exposure: environment === "dev" ? "kind" : "public", className: "c" });
            assert.equal(v.podSecurityContext.runAsNonRoot, true);
            assert.deepEqual(v.securityContext.capabilities.drop, ["ALL"]);
            assert.equal(v.securityContext.readOnlyRootFilesystem, true);
            assert.ok(v.resources.requests.cpu && v.resources.limits.memory);
            assert.equal(v.ingressRoute.dashboard.enabled, false);
        }
    });
});

describe("ingress: routes", () => {
    it("a TLS route asks cert-manager for a certificate and listens only on websecure", () => {
        const r = routeManifest({ name: "airflow", namespace: "ml-airflow", host: "airflow.ml.acme.io", service: "airflow-api-server", port: 8080, className: "ml-platform", clusterIssuer: "letsencrypt", login: "oidc" });
        assert.equal(r.metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt");
        assert.equal(r.metadata.annotations["traefik.ingress.kubernetes.io/router.entrypoints"], "websecure");
        assert.deepEqual(r.spec.tls, [{ hosts: ["airflow.ml.acme.io"], secretName: "airflow-tls" }]);
    });

    it("a kind route is plain HTTP with no TLS section", () => {
        const r = routeManifest({ name: "mlflow", namespace: "ml-tracking", host: "mlflow.localtest.me", service: "mlflow", port: 5000, className: "ml-platform", login: "own" });
        assert.deepEqual(r.metadata.annotations, { "ml-platform/login": "own" });
        assert.equal("tls" in r.spec, false);
    });
});

describe("ingress: component under mocks", () => {
    const provider = () => new k8s.Provider("k8s", { kubeconfig: "{}" });

    it("guards a UI without a login with generated basic auth, by Secret reference", async () => {
        const run = await runProgram(() => {
            const p = provider();
            const ingress = new Ingress("ingress", { environment: "prod", domain: "ml.acme.io", clusterIssuer: "letsencrypt" }, { providers: [p] });
            return ingress.expose("trino-route", { subdomain: "trino", ui: { namespace: "ml-lakehouse", service: "trino", port: 8080, auth: "basic" } }, ingress);
        });
        assert.equal(run.result.url, "https://trino.ml.acme.io");
        assert.equal(await pulumi.isSecret(run.result.basicAuth!.password), true);
        const secret = run.one("kubernetes:core/v1:Secret");
        assert.ok(secret.secretInputs.has("stringData"));
        assert.match(secret.inputs.stringData.users, /^admin:/);
        const middleware = run.one("kubernetes:traefik.io/v1alpha1:Middleware");
        assert.equal(middleware.inputs.spec.basicAuth.secret, "trino-login");
        const route = run.one("kubernetes:networking.k8s.io/v1:Ingress");
        assert.equal(route.inputs.metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"], "ml-lakehouse-trino-auth@kubernetescrd");
        assert.equal(route.inputs.spec.tls[0].secretName, "trino-tls");
        const providerUrn = run.one("pulumi:providers:kubernetes").urn;
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, providerUrn), []);
        // The chart never sees the password.
        assert.doesNotMatch(JSON.stringify(run.one("kubernetes:helm.sh/v3:Release").inputs), new RegExp(await unwrap(run.result.basicAuth!.password)));
    });

    it("refuses a public exposure without a certificate issuer", async () => {
        await assert.rejects(
            runProgram(() => new Ingress("ingress", { environment: "prod", domain: "ml.acme.io" }, { providers: [provider()] })),
            /exposure "public" serves HTTPS only and needs clusterIssuer/,
        );
    });
});
