import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fakeKubeconfig, kubernetesResourcesWithoutProvider, mockSecretValue, runProgram, unwrap } from "../harness";
import { program as aksByo } from "./examples/aks-byo";
import { program as existingCluster } from "./examples/existing-cluster";
import { program as gkeByo } from "./examples/gke-byo";
import { program as servingAlone } from "./examples/serving-alone";

const policyNames = (run: { byType(t: string): { inputs: any }[] }) =>
    run.byType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => `${p.inputs.metadata.namespace}/${p.inputs.metadata.name}`);

describe("library: consumer programs, as the README shows them, type-check and run", () => {
    it("an existing cluster with MinIO, Postgres and MLflow: every object on the cluster's provider, policies from the declared flows", async () => {
        const run = await runProgram(() => existingCluster(fakeKubeconfig("https://k8s.corp:6443")));
        const provider = run.one("pulumi:providers:kubernetes");
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, provider.urn), []);
        const policies = run.byType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => `${p.inputs.metadata.namespace}/${p.inputs.metadata.name}`);
        for (const ns of ["ml-storage", "ml-postgres", "ml-tracking"]) assert.ok(policies.includes(`${ns}/default-deny`), ns);
        assert.ok(policies.includes("ml-tracking/egress-ml-postgres-5432"), "MLflow reaches its databases");
        assert.ok(policies.includes("ml-postgres/ingress-from-ml-tracking-5432"), "and Postgres lets it in");
        assert.ok(policies.includes("ml-tracking/egress-ml-storage-9000"), "MLflow reaches MinIO");
        assert.equal(await unwrap(run.result.trackingUri), "http://mlflow.ml-tracking.svc.cluster.local:5000");
    });

    it("GKE with its own bucket, Postgres, cert-manager and ingress: none created, MLflow bound to them", async () => {
        const run = await runProgram(() => gkeByo(fakeKubeconfig("https://gke.corp:443")));
        const provider = run.one("pulumi:providers:kubernetes");
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, provider.urn), []);

        // What is NOT created: no bucket, no Cloud SQL instance/user/database, no chart (cert-manager, Traefik), no ClusterIssuer.
        for (const type of [
            "gcp:storage/bucket:Bucket",
            "gcp:sql/databaseInstance:DatabaseInstance",
            "gcp:sql/user:User",
            "gcp:sql/database:Database",
            "gcp:servicenetworking/connection:Connection",
            "kubernetes:helm.sh/v3:Release",
            "kubernetes:cert-manager.io/v1:ClusterIssuer",
            "kubernetes:apps/v1:StatefulSet",
        ]) {
            assert.deepEqual(run.byType(type), [], type);
        }
        assert.deepEqual(run.byType("kubernetes:core/v1:Namespace").map((n) => n.inputs.metadata.name).sort(), ["ml-postgres", "ml-tracking"]);

        // What is: MLflow's identity on the existing bucket, its databases on the existing server, its route through nginx.
        assert.deepEqual([...new Set(run.byType("gcp:storage/bucketIAMMember:BucketIAMMember").map((m) => m.inputs.bucket))], ["acme-shared-mlflow-artifacts"]);
        assert.equal(run.one("gcp:serviceaccount/iAMMember:IAMMember").inputs.member, "serviceAccount:acme-data.svc.id.goog[ml-tracking/mlflow]");
        assert.equal(await unwrap(run.result.artifacts), "gs://acme-shared-mlflow-artifacts");
        const jobs = run.byType("kubernetes:batch/v1:Job");
        assert.deepEqual(jobs.map((j) => j.inputs.metadata.name).sort(), ["provision-mlflow", "provision-mlflow-auth"]);
        for (const job of jobs) {
            const env = Object.fromEntries(job.inputs.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
            assert.deepEqual([env.PGHOST, env.PGPORT, env.PGSSLMODE], ["10.60.0.9", "5432", "require"]);
        }
        assert.equal(run.one("kubernetes:core/v1:Secret", "postgres-admin").inputs.stringData.password, mockSecretValue("dba/pg-admin", "password"));
        const route = run.one("kubernetes:networking.k8s.io/v1:Ingress");
        assert.equal(route.inputs.spec.ingressClassName, "nginx");
        assert.equal(route.inputs.metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt-prod");
        assert.equal(run.result.mlflowUrl, "https://mlflow.ml.acme.example.com");

        const policies = policyNames(run);
        assert.ok(policies.includes("ml-tracking/egress-cidr-10-60-0-9-32-5432"), "MLflow reaches the server's address only");
        assert.ok(policies.includes("ml-postgres/egress-cidr-10-60-0-9-32-5432"), "and so do the provisioning Jobs");
        assert.ok(policies.includes("ml-tracking/ingress-from-ingress-nginx-5000"), "the existing controller's pods reach MLflow");
        assert.deepEqual(policies.filter((p) => /^(ingress-nginx|cert-manager|dba)\//.test(p)), [], "no policy in namespaces the platform does not own");
    });

    it("AKS with its own ADLS account, Flexible Server, cert-manager and ingress: none created, MLflow federated to them", async () => {
        const run = await runProgram(() => aksByo(fakeKubeconfig("https://aks.corp:443")));
        const provider = run.one("pulumi:providers:kubernetes");
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, provider.urn), []);

        // What is NOT created: no account, container, server, database, chart or ClusterIssuer.
        const notCreated = run.resources.filter((r) => /^azure-native:(storage|dbforpostgresql|network|privatedns|resources):/.test(r.type) || ["kubernetes:helm.sh/v3:Release", "kubernetes:cert-manager.io/v1:ClusterIssuer", "kubernetes:apps/v1:StatefulSet"].includes(r.type));
        assert.deepEqual(notCreated.map((r) => r.type), []);

        // What is: MLflow's managed identity, federated with the cluster's issuer, Storage Blob Data Contributor on the container only.
        const assignment = run.one("azure-native:authorization:RoleAssignment");
        assert.equal(assignment.inputs.scope, "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/data-rg/providers/Microsoft.Storage/storageAccounts/acmedata/blobServices/default/containers/mlflow-artifacts");
        assert.match(assignment.inputs.roleDefinitionId, /\/roleDefinitions\/ba92f5b4-2d11-453d-a403-e96b0029c9fe$/);
        const federation = run.one("azure-native:managedidentity:FederatedIdentityCredential");
        assert.deepEqual([federation.inputs.issuer, federation.inputs.subject], ["https://westeurope.oic.prod-aks.azure.com/tenant/issuer/", "system:serviceaccount:ml-tracking:mlflow"]);
        assert.equal(run.one("azure-native:managedidentity:UserAssignedIdentity").inputs.resourceGroupName, "ml-team-rg");
        assert.equal(await unwrap(run.result.artifacts), "wasbs://mlflow-artifacts@acmedata.blob.core.windows.net");
        for (const job of run.byType("kubernetes:batch/v1:Job")) {
            const env = Object.fromEntries(job.inputs.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
            assert.deepEqual([env.PGHOST, env.PGSSLMODE], ["acme-pg.postgres.database.azure.com", "require"]);
        }

        const policies = policyNames(run);
        assert.ok(policies.includes("ml-tracking/egress-cidr-10-70-4-0-24-5432"), "MLflow reaches the server's subnet only");
        assert.ok(policies.includes("ml-tracking/ingress-from-ingress-nginx-5000"), "the existing controller's pods reach MLflow");
        assert.deepEqual(policies.filter((p) => /^(ingress-nginx|cert-manager|dba)\//.test(p)), [], "no policy in namespaces the platform does not own");
    });

    it("serving alone: KServe and public models; no object store, no grant, no cert-manager", async () => {
        const run = await runProgram(() => servingAlone(fakeKubeconfig("https://k8s.corp:6443")));
        const provider = run.one("pulumi:providers:kubernetes");
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, provider.urn), []);
        assert.deepEqual(run.byType("kubernetes:helm.sh/v3:Release").map((r) => r.inputs.name), ["kserve-crd", "kserve", "kserve-runtime-configs"]);
        const notCreated = run.resources.filter(
            (r) => /^(mlplatform:(storage|postgres|certmanager|ingress):|gcp:|azure-native:|random:)/.test(r.type) || ["kubernetes:core/v1:Secret", "kubernetes:core/v1:SecretPatch", "kubernetes:batch/v1:Job"].includes(r.type),
        );
        assert.deepEqual(notCreated.map((r) => r.type), []);
        assert.deepEqual(run.byType("kubernetes:serving.kserve.io/v1beta1:InferenceService").map((i) => i.inputs.spec.predictor.model.storageUri), [
            "gs://kfserving-examples/models/sklearn/1.0/model",
            "hf://distilbert/distilbert-base-uncased-finetuned-sst-2-english",
        ]);
        assert.deepEqual(run.one("kubernetes:core/v1:ServiceAccount").inputs.metadata.annotations, {});
        assert.ok(policyNames(run).includes("ml-serving/egress-cidr-0-0-0-0-0-443"), "the storage initializer downloads the models");
        assert.equal(await unwrap(run.result.inferenceUrls.iris), "http://iris-predictor.ml-serving.svc.cluster.local/v1/models/iris:predict");
    });
});
