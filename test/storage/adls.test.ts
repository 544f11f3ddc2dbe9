import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ObjectStorage } from "../../components";
import { adlsBlobServiceProtection, azureRoleDefinitionId, blobDataRoles } from "../../components/storage/adls";
import { storageAccountName } from "../../components/storage/names";
import { runProgram, unwrap, mockId } from "../harness";
import { azureInfo, Consumer, outputs, SUBSCRIPTION, VNET_ID } from "./fixtures";
import { clientNs } from "../fakes";

const buckets = ["bronze", "silver", "gold"];
const account = storageAccountName("mlp-prod", VNET_ID);

function program(environment: "dev" | "prod") {
    return async () => {
        const store = new ObjectStorage("storage", { flavor: "adls", environment, buckets, azure: azureInfo(), namePrefix: "mlp-prod" });
        const consumer = new Consumer("lakehouse");
        const access = store.grantAccess(
            "trino",
            { namespace: clientNs("ml-lakehouse"), serviceAccountName: "trino", buckets: ["silver", "gold"], access: "readwrite" },
            consumer,
        );
        return {
            store,
            access,
            annotations: await unwrap(access.serviceAccountAnnotations),
            uri: await unwrap(store.uri("gold", "warehouse/orders")),
            names: await unwrap(pulumi.all(store.buckets)),
            accountName: await unwrap(store.accountName!),
        };
    };
}

describe("adls: ObjectStorage under mocks", async () => {
    const run = await runProgram(program("prod"), { outputs });
    const dev = await runProgram(program("dev"), { outputs });
    const acct = run.one("azure-native:storage:StorageAccount");

    it("is an ADLS Gen2 account (hierarchical namespace) in the cluster's group and location", () => {
        assert.equal(acct.inputs.isHnsEnabled, true);
        assert.equal(acct.inputs.kind, "StorageV2");
        assert.equal(acct.inputs.resourceGroupName, "mlp-prod-rg");
        assert.equal(acct.inputs.location, "westeurope");
        assert.equal(acct.inputs.accountName, account);
        assert.equal(run.result.accountName, account);
    });

    it("allows only TLS 1.2+ over HTTPS, no public blob access and no shared keys (Entra ID only)", () => {
        assert.equal(acct.inputs.minimumTlsVersion, "TLS1_2");
        assert.equal(acct.inputs.enableHttpsTrafficOnly, true);
        assert.equal(acct.inputs.allowBlobPublicAccess, false);
        assert.equal(acct.inputs.allowSharedKeyAccess, false);
        assert.equal(acct.inputs.defaultToOAuthAuthentication, true);
        assert.equal(acct.inputs.allowCrossTenantReplication, false);
        assert.equal(acct.inputs.encryption.requireInfrastructureEncryption, true);
    });

    it("soft-deletes blobs and containers for 30 days in prod; versioning stays off (unsupported with HNS)", () => {
        const svc = run.one("azure-native:storage:BlobServiceProperties").inputs;
        assert.deepEqual(svc.deleteRetentionPolicy, { enabled: true, days: 30, allowPermanentDelete: false });
        assert.deepEqual(svc.containerDeleteRetentionPolicy, { enabled: true, days: 30 });
        assert.equal(svc.isVersioningEnabled, false);
        assert.deepEqual(adlsBlobServiceProtection(7).deleteRetentionPolicy.days, 7);
    });

    it("creates one private container per bucket and exposes abfss:// URIs", () => {
        const containers = run.byType("azure-native:storage:BlobContainer").map((c) => [c.inputs.containerName, c.inputs.publicAccess]);
        assert.deepEqual(containers, [["bronze", "None"], ["silver", "None"], ["gold", "None"]]);
        assert.deepEqual(run.result.names, { bronze: "bronze", silver: "silver", gold: "gold" });
        assert.equal(run.result.uri, `abfss://gold@${account}.dfs.core.windows.net/warehouse/orders`);
    });

    it("prod protects the account and every container and uses zone-redundant storage; dev does neither", () => {
        assert.equal(acct.protect, true);
        assert.equal(acct.inputs.sku.name, "Standard_ZRS");
        for (const c of run.byType("azure-native:storage:BlobContainer")) assert.equal(c.protect, true, c.name);
        const devAcct = dev.one("azure-native:storage:StorageAccount");
        assert.equal(devAcct.protect, false);
        assert.equal(devAcct.inputs.sku.name, "Standard_LRS");
        for (const c of dev.byType("azure-native:storage:BlobContainer")) assert.equal(c.protect, false);
        assert.equal(dev.one("azure-native:storage:BlobServiceProperties").inputs.deleteRetentionPolicy.days, 7);
    });

    it("a grant is a user-assigned identity trusting exactly one ServiceAccount of the cluster's OIDC issuer", () => {
        const id = run.one("azure-native:managedidentity:UserAssignedIdentity").inputs;
        assert.equal(id.resourceName, "mlp-prod-trino");
        const fic = run.one("azure-native:managedidentity:FederatedIdentityCredential").inputs;
        assert.equal(fic.issuer, "https://westeurope.oic.prod-aks.azure.com/tenant/issuer/");
        assert.equal(fic.subject, "system:serviceaccount:ml-lakehouse:trino");
        assert.deepEqual(fic.audiences, ["api://AzureADTokenExchange"]);
        assert.equal(fic.resourceName, "mlp-prod-trino");
    });

    it("the identity gets Storage Blob Data Contributor on the granted containers only", () => {
        const assignments = run.byType("azure-native:authorization:RoleAssignment").map((a) => a.inputs);
        const base = mockId("azure-native:storage:StorageAccount", "storage-account");
        assert.deepEqual(
            assignments.map((a) => a.scope),
            [`${base}/blobServices/default/containers/silver`, `${base}/blobServices/default/containers/gold`],
        );
        for (const a of assignments) {
            assert.equal(a.roleDefinitionId, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${blobDataRoles.readwrite.id}`);
            assert.equal(a.principalId, "principal-id-of-mlp-prod-trino");
            assert.equal(a.principalType, "ServicePrincipal");
        }
    });

    it("returns the workload identity annotation and pod label, and no static credential", () => {
        assert.deepEqual(run.result.annotations, { "azure.workload.identity/client-id": "client-id-of-mlp-prod-trino" });
        assert.deepEqual(run.result.access.podLabels, { "azure.workload.identity/use": "true" });
        assert.equal(run.result.access.credentialsSecret, undefined);
        assert.deepEqual(run.resources.filter((r) => r.type.startsWith("kubernetes:")), []);
    });

    it("role definition IDs are resolved in the account's subscription", () => {
        assert.equal(
            azureRoleDefinitionId(VNET_ID, blobDataRoles.read.id),
            `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1`,
        );
        assert.throws(() => azureRoleDefinitionId("not-an-id", "x"), /expected an Azure resource ID/);
    });
});
