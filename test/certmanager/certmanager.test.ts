import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { CertManager, certManagerValues, clusterIssuerSpec } from "../../components/certmanager";
import { kubernetesResourcesWithoutProvider, runProgram, unwrap } from "../harness";

describe("cert-manager", () => {
    it("installs and keeps its CRDs; prod runs 2 replicas of every controller with PDBs", () => {
        const prod: any = certManagerValues("prod");
        assert.deepEqual(prod.crds, { enabled: true, keep: true });
        for (const c of [prod, prod.webhook, prod.cainjector]) {
            assert.equal(c.replicaCount, 2);
            assert.deepEqual(c.podDisruptionBudget, { enabled: true, maxUnavailable: 1 });
            assert.ok(c.resources.requests.cpu && c.resources.limits.memory);
        }
        assert.equal((certManagerValues("dev") as any).replicaCount, 1);
    });

    it("issues from Let's Encrypt through the platform's ingress class, or from the user's CA", () => {
        const acme: any = clusterIssuerSpec({ acme: { email: "ops@acme.io" } }, "ml-platform");
        assert.equal(acme.acme.server, "https://acme-v02.api.letsencrypt.org/directory");
        assert.deepEqual(acme.acme.solvers, [{ http01: { ingress: { ingressClassName: "ml-platform" } } }]);
        assert.deepEqual(clusterIssuerSpec({ ca: { secretName: "corp-ca" } }, "ml-platform"), { ca: { secretName: "corp-ca" } });
    });

    it("creates the ClusterIssuer only after the chart (its CRDs), through the explicit provider", async () => {
        const run = await runProgram(() => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            return new CertManager("certs", { environment: "prod", issuer: { acme: { email: "ops@acme.io" } } }, { providers: [provider] });
        });
        const issuer = run.one("kubernetes:cert-manager.io/v1:ClusterIssuer");
        const release = run.one("kubernetes:helm.sh/v3:Release");
        assert.ok(issuer.dependencies.includes(release.urn));
        assert.equal(await unwrap(run.result.clusterIssuer!), "ml-platform");
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, run.one("pulumi:providers:kubernetes").urn), []);
    });
});
