import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { parse as parseYaml } from "yaml";
import { ConfigError, loadStackConfig } from "../../stacks/config";
import { buildPlatform } from "../../stacks/platform";
import { constructStack, kubernetesResourcesWithoutProvider, loadStackFile, mockSecretValue, repoRoot, runProgram, shippedStacks } from "../harness";

describe("stacks construct from their real stack files", () => {
    for (const stack of shippedStacks) {
        it(`${stack}: builds, exports a secret kubeconfig, and names the provider on every Kubernetes object`, async () => {
            const run = await constructStack(stack);
            assert.equal(await pulumi.isSecret(run.result.kubeconfig), true);
            const provider = run.one("pulumi:providers:kubernetes");
            assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, provider.urn), []);
        });
    }

    it("dev is kind only: no cloud resources", async () => {
        const run = await constructStack("dev");
        assert.deepEqual(run.resources.filter((r) => /^(gcp|azure-native):/.test(r.type)), []);
        assert.equal(run.byType("command:local:Command").length, 1);
    });

    it("prod is GKE with deletion protection; prod-aks is AKS on the Standard tier", async () => {
        const gke = await constructStack("prod");
        assert.equal(gke.one("gcp:container/cluster:Cluster").inputs.deletionProtection, true);
        assert.deepEqual(gke.resources.filter((r) => /^(azure-native|command):/.test(r.type)), []);
        const aks = await constructStack("prod-aks");
        assert.equal(aks.one("azure-native:containerservice:ManagedCluster").inputs.sku.tier, "Standard");
        assert.deepEqual(aks.resources.filter((r) => /^(gcp|command):/.test(r.type)), []);
    });

    it("a prod stack file without the organisation's values fails with the keys to set, before any resource", async () => {
        const { config, secretKeys } = loadStackFile("prod");
        const run = await runProgram(
            () => {
                try {
                    buildPlatform(loadStackConfig());
                    return undefined;
                } catch (e) {
                    return e;
                }
            },
            { stack: "prod", config, secretKeys },
        );
        assert.ok(run.result instanceof ConfigError);
        assert.match(run.result.message, /ml-platform:cluster\.project: got nothing; expected string \(required when ml-platform:cluster\.provider is "gke"\)/);
        assert.deepEqual(run.resources, []);
    });

    it("every stack disables the default Kubernetes provider", () => {
        for (const stack of shippedStacks) {
            const file = parseYaml(fs.readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8"));
            assert.deepEqual(file.config["pulumi:disable-default-providers"], ["kubernetes"], stack);
        }
    });
});

describe("explicit provider check", () => {
    it("flags a Kubernetes object created without the cluster's provider", async () => {
        const run = await runProgram(() => {
            const good = new k8s.Provider("cluster-k8s", { kubeconfig: "{}" });
            new k8s.core.v1.Namespace("with-provider", {}, { provider: good });
            new k8s.core.v1.Namespace("ambient", {});
        });
        const provider = run.one("pulumi:providers:kubernetes", "cluster-k8s");
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, provider.urn).map((r) => r.name), ["ambient"]);
    });
});

describe("existing cluster: kubeconfig from a file or a secret, never both", () => {
    const base = { "ml-platform:environment": "dev", "ml-platform:ingress": JSON.stringify({ domain: "ml.corp.io", tls: { ca: { secretName: "corp-ca" } }, auth: "basic" }) };
    const existing = (cluster: Record<string, unknown>) => ({ ...base, "ml-platform:cluster": JSON.stringify({ provider: "existing", name: "corp", ...cluster }) });
    const attempt = (config: Record<string, string>, secretKeys: string[] = []) =>
        runProgram(
            () => {
                try {
                    return buildPlatform(loadStackConfig());
                } catch (e) {
                    return e as Error;
                }
            },
            { config, secretKeys },
        );

    it("reads kubeconfigPath into a secret kubeconfig output", async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kc-")), "config");
        fs.writeFileSync(file, "apiVersion: v1\nkind: Config\n");
        const run = await attempt(existing({ kubeconfigPath: file }));
        assert.ok(!(run.result instanceof Error), String(run.result));
        const platform = run.result as Awaited<ReturnType<typeof buildPlatform>>;
        assert.equal(await pulumi.isSecret(platform.kubeconfig), true);
    });

    it("takes the secret key ml-platform:kubeconfig", async () => {
        const run = await attempt({ ...existing({}), "ml-platform:kubeconfig": "apiVersion: v1\n" }, ["ml-platform:kubeconfig"]);
        assert.ok(!(run.result instanceof Error), String(run.result));
        assert.ok(run.one("pulumi:providers:kubernetes").secretInputs.has("kubeconfig"));
    });

    it("names the keys when neither, both, or a missing file is given", async () => {
        const neither = await attempt(existing({}));
        assert.match(String(neither.result), /ml-platform:cluster\.kubeconfigPath: got nothing; expected a kubeconfig file path, or the secret ml-platform:kubeconfig/);
        const both = await attempt({ ...existing({ kubeconfigPath: "/etc/hosts" }), "ml-platform:kubeconfig": "x" }, ["ml-platform:kubeconfig"]);
        assert.match(String(both.result), /ml-platform:cluster\.kubeconfigPath: got "\/etc\/hosts"; expected it unset when the secret ml-platform:kubeconfig is set/);
        const missing = await attempt(existing({ kubeconfigPath: "/nonexistent/kubeconfig" }));
        assert.match(String(missing.result), /ml-platform:cluster\.kubeconfigPath: got "\/nonexistent\/kubeconfig"; expected a readable kubeconfig file/);
        for (const r of [neither, both, missing]) assert.deepEqual(r.resources, []);
    });

    it("prod on an existing cluster brings its own Postgres and S3 store: no in-cluster server, no MinIO, flows to their ranges", async () => {
        const data = {
            postgres: { host: "pg.corp.io", sslMode: "require", adminSecret: { namespace: "ml-secrets", name: "pg-admin" }, peerCidr: "10.20.0.0/24" },
            objectStorage: {
                endpoint: "https://s3.eu-west-1.amazonaws.com",
                region: "eu-west-1",
                buckets: Object.fromEntries(["bronze", "silver", "gold", "airflow-logs", "mlflow", "models", "spark-logs", "notebooks"].map((b) => [b, `acme-ml-${b}`])),
                credentials: { namespace: "ml-secrets", name: "s3-key", access: "readwrite" },
            },
        };
        const sso = { provider: "oidc", clientId: "ml", issuerUrl: "https://idp.corp.io", authorizeUrl: "https://idp.corp.io/authorize", tokenUrl: "https://idp.corp.io/token", userInfoUrl: "https://idp.corp.io/userinfo", groupsClaim: "groups", adminGroups: ["ml-admins"] };
        const run = await attempt(
            {
                ...existing({ ...data }),
                "ml-platform:environment": "prod",
                "ml-platform:ingress": JSON.stringify({ domain: "ml.corp.io", tls: { ca: { secretName: "corp-ca" } } }),
                "ml-platform:sso": JSON.stringify(sso),
                "ml-platform:ssoClientSecret": "s3cr3t",
                "ml-platform:kubeconfig": "apiVersion: v1\n",
            },
            ["ml-platform:kubeconfig", "ml-platform:ssoClientSecret"],
        );
        assert.ok(!(run.result instanceof Error), String(run.result));
        const sts = run.byType("kubernetes:apps/v1:StatefulSet").map((r) => r.inputs.metadata.name);
        assert.ok(!sts.includes("postgres") && !sts.includes("minio"), sts.join(", "));
        // The admin and the S3 key are read from the Secrets named (the harness's reads hold mock values), and copied where used.
        const copies = (value: string) => run.byType("kubernetes:core/v1:Secret").filter((r) => JSON.stringify(r.inputs).includes(value)).map((r) => r.inputs.metadata.namespace);
        assert.deepEqual(copies(mockSecretValue("ml-secrets/pg-admin", "password")), ["ml-postgres"]);
        assert.ok(copies(mockSecretValue("ml-secrets/s3-key", "AWS_SECRET_ACCESS_KEY")).includes("ml-lakehouse"));
        const egress = run.byType("kubernetes:networking.k8s.io/v1:NetworkPolicy").flatMap((p) => p.inputs.spec.egress ?? []);
        assert.ok(egress.some((e: any) => e.to?.some((t: any) => t.ipBlock?.cidr === "10.20.0.0/24") && e.ports?.some((p: any) => p.port === 5432)), "a flow to the Postgres range on 5432");
        // Prod sizing applies: HA replicas and PDBs.
        assert.ok(run.byType("kubernetes:policy/v1:PodDisruptionBudget").length > 0);
    });

    it("rejects a kubeconfig stored in plaintext", async () => {
        const run = await attempt({ ...existing({}), "ml-platform:kubeconfig": "apiVersion: v1\n" });
        assert.match(String(run.result), /ml-platform:kubeconfig: got a plaintext value; expected a secret/);
        assert.doesNotMatch(String(run.result), /apiVersion/);
    });
});
