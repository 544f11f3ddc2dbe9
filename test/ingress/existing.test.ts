import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { CertManager, CertManagerArgs, Ingress, IngressArgs, networkPolicies, WebUi } from "../../components";
import { runProgram } from "../harness";

const nginx = { className: "nginx", namespace: "ingress-nginx", pods: { "app.kubernetes.io/name": "ingress-nginx" } };
const mlflowUi: WebUi = { namespace: "ml-tracking", service: "mlflow", port: 5000, auth: "own", pods: { app: "mlflow" } };
const trinoUi: WebUi = { namespace: "ml-lakehouse", service: "trino", port: 8080, auth: "basic" };

function program(certArgs: CertManagerArgs, ingressArgs: (certs: CertManager) => IngressArgs, uis: WebUi[] = [mlflowUi]) {
    return () => {
        const opts = { providers: [new k8s.Provider("k8s", { kubeconfig: "{}" })] };
        const certs = new CertManager("cert-manager", certArgs, opts);
        const ingress = new Ingress("ingress", ingressArgs(certs), opts);
        const routes = uis.map((ui) => ingress.expose(ui.service, { subdomain: ui.service, ui }, ingress));
        return { certs, ingress, routes };
    };
}

describe("cert-manager and ingress already installed: used, not installed", async () => {
    const run = await runProgram(
        program({ environment: "prod", existing: { clusterIssuer: "letsencrypt", namespace: "cert-manager", acmeHttp01: true } }, (certs) => ({
            environment: "prod",
            domain: "ml.corp.example.com",
            clusterIssuer: certs.clusterIssuer,
            http01Solver: certs.http01Solver,
            existing: nginx,
        })),
    );

    it("installs no chart, creates no namespace and no ClusterIssuer", () => {
        assert.deepEqual(run.byType("kubernetes:helm.sh/v3:Release"), []);
        assert.deepEqual(run.byType("kubernetes:core/v1:Namespace"), []);
        assert.deepEqual(run.byType("kubernetes:cert-manager.io/v1:ClusterIssuer"), []);
        assert.equal(run.result.certs.release, undefined);
        assert.equal(run.result.certs.monitoring, undefined);
        assert.equal(run.result.ingress.monitoring, undefined);
        assert.deepEqual([...run.result.certs.namespaces, ...run.result.ingress.namespaces], []);
    });

    it("expose() routes through the existing class with the existing issuer, without Traefik's annotations", () => {
        const route = run.one("kubernetes:networking.k8s.io/v1:Ingress");
        assert.equal(route.inputs.spec.ingressClassName, "nginx");
        assert.deepEqual(route.inputs.metadata.annotations, { "ml-platform/login": "own", "cert-manager.io/cluster-issuer": "letsencrypt" });
        assert.deepEqual(route.inputs.spec.tls, [{ hosts: ["mlflow.ml.corp.example.com"], secretName: "mlflow-tls" }]);
        assert.equal(run.result.routes[0].url, "https://mlflow.ml.corp.example.com");
    });

    it("flows still derive: the UI and the ACME solver let in the controller's pods; nothing is written in the controller's or cert-manager's namespace", () => {
        const policies = networkPolicies(["ml-tracking"], run.result.ingress.flows);
        assert.deepEqual(policies.filter((p) => ["ingress-nginx", "cert-manager"].includes(p.metadata.namespace)), []);
        const fromNginx = policies.filter((p) => p.metadata.name.startsWith("ingress-from-ingress-nginx"));
        assert.deepEqual(fromNginx.map((p: any) => [p.metadata.name, p.spec.ingress[0].from[0].podSelector]), [
            ["ingress-from-ingress-nginx-5000", { matchLabels: nginx.pods }],
            ["ingress-from-ingress-nginx-8089", { matchLabels: nginx.pods }],
        ]);
    });

    it("a UI without a login is refused behind a controller that is not Traefik; Traefik gets its Middleware", async () => {
        const refuse = await runProgram(() => {
            const opts = { providers: [new k8s.Provider("k8s", { kubeconfig: "{}" })] };
            const ingress = new Ingress("ingress", { environment: "dev", existing: nginx }, opts);
            assert.throws(
                () => ingress.expose("trino", { subdomain: "trino", ui: trinoUi }, ingress),
                /Ingress\.expose\("trino"\): ui ml-lakehouse\/trino has no login of its own .* expected a UI with auth "own", or existing\.controller "traefik"/,
            );
        });
        assert.deepEqual(refuse.byType("kubernetes:networking.k8s.io/v1:Ingress"), []);
        const traefik = await runProgram(
            program({ environment: "dev", existing: { clusterIssuer: "ca", namespace: "cert-manager" } }, () => ({ environment: "dev", existing: { ...nginx, className: "traefik", controller: "traefik" } }), [trinoUi]),
        );
        assert.equal(traefik.byType("kubernetes:traefik.io/v1alpha1:Middleware").length, 1);
        assert.equal(traefik.one("kubernetes:networking.k8s.io/v1:Ingress").inputs.metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"], "ml-lakehouse-trino-auth@kubernetescrd");
    });

    it("an existing cert-manager self-checking through the platform's Traefik: the ingress namespace lets its controller pods in", async () => {
        const mixed = await runProgram(
            program({ environment: "prod", existing: { clusterIssuer: "letsencrypt", namespace: "cert-manager", acmeHttp01: true } }, (certs) => ({
                environment: "prod",
                domain: "ml.corp.example.com",
                clusterIssuer: certs.clusterIssuer,
                http01Solver: certs.http01Solver,
            })),
        );
        assert.deepEqual(mixed.byType("kubernetes:helm.sh/v3:Release").map((r) => r.inputs.name), ["traefik"]);
        const selfCheck: any = networkPolicies(["ml-ingress", "ml-tracking"], mixed.result.ingress.flows).find((p) => p.metadata.name === "ingress-from-cert-manager-8000")!;
        assert.deepEqual(selfCheck.spec.ingress[0].from, [
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "cert-manager" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "cert-manager" } } },
        ]);
    });

    it("bad input fails before anything is registered, naming the arg, the value and what was expected", async () => {
        const cases: [() => unknown, RegExp][] = [
            [() => new CertManager("c", { environment: "prod", existing: { clusterIssuer: "Lets Encrypt", namespace: "cert-manager" } }), /existing\.clusterIssuer "Lets Encrypt": expected the name of a ClusterIssuer/],
            [() => new CertManager("c", { environment: "prod", issuer: { ca: { secretName: "ca" } }, existing: { clusterIssuer: "ca", namespace: "cert-manager" } }), /existing is given, so issuer would not be used/],
            [() => new Ingress("i", { environment: "dev", existing: { ...nginx, pods: {} } }), /existing\.pods \{\}: expected the labels of the controller's pods/],
            [() => new Ingress("i", { environment: "dev", existing: { ...nginx, className: "" } }), /existing\.className "": expected the name of an IngressClass/],
            [() => new Ingress("i", { environment: "dev", namespace: "ml-ingress", existing: nginx }), /existing is given, so namespace would not be used/],
            [() => new Ingress("i", { environment: "prod", domain: "x.example.com", existing: nginx }), /exposure "public" serves HTTPS only and needs clusterIssuer/],
        ];
        for (const [make, error] of cases) {
            const bad = await runProgram(() => {
                assert.throws(make, error);
            });
            assert.deepEqual(bad.resources, [], String(error));
        }
    });
});
