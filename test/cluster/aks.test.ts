import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { AksClusterArgs, Cluster, clusterIdentifier } from "../../components";
import { mockId, runProgram, unwrap } from "../harness";
import { exampleAks } from "../clusters";

const args: AksClusterArgs = { ...exampleAks, gpuPool: { machineType: "Standard_NC4as_T4_v3", minNodes: 0, maxNodes: 2 } };

describe("aks: Cluster component under mocks", async () => {
    const run = await runProgram(() => new Cluster("prod", args));
    const mc = run.one("azure-native:containerservice:ManagedCluster").inputs;

    it("uses Entra ID with Azure RBAC and disables local accounts", () => {
        assert.deepEqual(mc.aadProfile, { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: args.adminGroupObjectIds });
        assert.equal(mc.disableLocalAccounts, true);
        assert.equal(mc.enableRBAC, true);
    });

    it("enables the OIDC issuer and workload identity, with a user-assigned control-plane identity", () => {
        assert.deepEqual(mc.oidcIssuerProfile, { enabled: true });
        assert.equal(mc.securityProfile.workloadIdentity.enabled, true);
        assert.equal(mc.identity.type, "UserAssigned");
        assert.equal(mc.identity.userAssignedIdentities.length, 1);
    });

    it("lets the control-plane identity manage load balancers in the node subnet, before the cluster exists", () => {
        const role = run.one("azure-native:authorization:RoleAssignment");
        const subnet = run.one("azure-native:network:Subnet");
        assert.equal(role.inputs.scope, mockId(subnet.type, subnet.name));
        assert.match(role.inputs.roleDefinitionId, /\/providers\/Microsoft\.Authorization\/roleDefinitions\/4d97b98b-1d4f-4787-a291-c67834d212e7$/);
        assert.equal(role.inputs.principalId, "principal-id-of-mlp-prod-control-plane");
        assert.ok(run.one("azure-native:containerservice:ManagedCluster").dependencies.includes(role.urn));
    });

    it("enforces network policy, restricts the API server, and runs the Azure Policy add-on", () => {
        assert.equal(mc.networkProfile.networkPolicy, "cilium");
        assert.equal(mc.networkProfile.dnsServiceIP, "10.31.0.10");
        assert.deepEqual(mc.apiServerAccessProfile.authorizedIPRanges, ["198.51.100.0/24"]);
        assert.equal(mc.addonProfiles.azurepolicy.enabled, true);
        assert.equal(mc.autoUpgradeProfile.upgradeChannel, "stable");
        assert.deepEqual(mc.sku, { name: "Base", tier: "Standard" });
    });

    it("autoscales the system pool and separate user/GPU pools, all without public node IPs", () => {
        const system = mc.agentPoolProfiles[0];
        assert.equal(mc.agentPoolProfiles.length, 1, "only the system pool lives in the cluster resource");
        assert.equal(system.mode, "System");
        assert.deepEqual(system.nodeTaints, ["CriticalAddonsOnly=true:NoSchedule"]);
        const pools = run.byType("azure-native:containerservice:AgentPool").map((p) => p.inputs);
        assert.deepEqual(pools.map((p) => p.agentPoolName), ["workload", "gpu"]);
        for (const p of [system, ...pools]) {
            assert.equal(p.enableAutoScaling, true);
            assert.equal(p.enableNodePublicIP, false);
            assert.equal(p.enableEncryptionAtHost, true);
            assert.deepEqual(p.availabilityZones, ["1", "2", "3"]);
        }
        assert.deepEqual([system.minCount, system.maxCount], [3, 5]);
        assert.deepEqual([pools[0].minCount, pools[0].maxCount], [3, 20]);
        assert.deepEqual(pools[1].nodeTaints, ["nvidia.com/gpu=present:NoSchedule"]);
    });

    it("lets the autoscaler own node counts (not drift)", () => {
        for (const p of run.byType("azure-native:containerservice:AgentPool")) assert.ok(p.ignoreChanges.includes("count"));
        assert.ok(run.one("azure-native:containerservice:ManagedCluster").ignoreChanges.includes("agentPoolProfiles[0].count"));
    });

    it("outputs a secret Entra ID (exec) kubeconfig and the Azure identifiers later components need", async () => {
        const c = run.result;
        assert.equal(await pulumi.isSecret(c.kubeconfig), true);
        assert.match(await unwrap(c.kubeconfig), /server: https:\/\/aks\.example\.invalid:443/);
        assert.equal(await unwrap(c.azure!.oidcIssuerUrl), "https://oidc.example.invalid/mlp-prod/");
        assert.equal(await unwrap(c.azure!.resourceGroupName), "mlp-prod-rg");
    });

    it("keeps the provider identity when pools change", () => {
        assert.equal(clusterIdentifier({ ...args, userPool: { ...args.userPool, maxNodes: 40 }, gpuPool: undefined }), "aks/westeurope/mlp-prod");
    });
});
