import * as containerservice from "@pulumi/azure-native/containerservice";
import { apiServerAccessRestricted } from "../../../policies/aks/api-server-access-restricted";
import { autoUpgradeChannel } from "../../../policies/aks/auto-upgrade-channel";
import { azurePolicyAddon } from "../../../policies/aks/azure-policy-addon";
import { encryptionAtHost } from "../../../policies/aks/encryption-at-host";
import { entraIdAzureRbac } from "../../../policies/aks/entra-id-azure-rbac";
import { localAccountsDisabled } from "../../../policies/aks/local-accounts-disabled";
import { managedIdentity } from "../../../policies/aks/managed-identity";
import { networkPolicy } from "../../../policies/aks/network-policy";
import { noNodePublicIp } from "../../../policies/aks/no-node-public-ip";
import { standardSkuTier } from "../../../policies/aks/standard-sku-tier";
import { workloadIdentity } from "../../../policies/aks/workload-identity";
import { mutate, resource } from "../fixtures";
import { one, PolicyCases, violation } from "./types";

const pool = {
    name: "system",
    mode: "System",
    vmSize: "Standard_D4s_v5",
    osType: "Linux",
    osSKU: "AzureLinux",
    type: "VirtualMachineScaleSets",
    availabilityZones: ["1", "2", "3"],
    enableAutoScaling: true,
    minCount: 3,
    maxCount: 5,
    count: 3,
    enableNodePublicIP: false,
    enableEncryptionAtHost: true,
};

/** Entra ID + Azure RBAC, no local accounts, Cilium, workload identity: as components/cluster/aks.ts builds it. */
const cluster = resource(containerservice.ManagedCluster, {
    resourceGroupName: "ml-platform-prod-rg",
    location: "westeurope",
    resourceName: "ml-platform-prod",
    dnsPrefix: "ml-platform-prod",
    kubernetesVersion: "1.33",
    sku: { name: "Base", tier: "Standard" },
    identity: { type: "UserAssigned", userAssignedIdentities: ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cp"] },
    enableRBAC: true,
    aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: ["6f1c2a3b-1d2e-4f50-9a6b-7c8d9e0f1a2b"] },
    disableLocalAccounts: true,
    oidcIssuerProfile: { enabled: true },
    securityProfile: { workloadIdentity: { enabled: true } },
    apiServerAccessProfile: { authorizedIPRanges: ["198.51.100.0/24"] },
    networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", networkDataplane: "cilium", networkPolicy: "cilium" },
    autoUpgradeProfile: { upgradeChannel: "stable", nodeOSUpgradeChannel: "NodeImage" },
    addonProfiles: { azurepolicy: { enabled: true } },
    agentPoolProfiles: [pool],
}, { name: "cluster-aks" });

const { name: _systemName, ...poolSettings } = pool;
const agentPool = resource(containerservice.AgentPool, {
    resourceGroupName: "ml-platform-prod-rg",
    resourceName: "ml-platform-prod",
    agentPoolName: "workload",
    ...poolSettings,
    mode: "User",
}, { name: "cluster-workload" });

type Cluster = typeof cluster.props;
const withCluster = (change: (c: Cluster) => void) => mutate(cluster, change);
const withPool = (change: (p: typeof pool) => void) => mutate(cluster, (c) => change(c.agentPoolProfiles![0] as typeof pool));

export const aksCases: PolicyCases[] = [
    {
        policy: entraIdAzureRbac,
        compliant: [one(cluster, "Entra ID with Azure RBAC")],
        violations: [
            violation("Kubernetes RBAC off", withCluster((c) => { c.enableRBAC = false; }), /sets enableRBAC: false/),
            violation("no Entra ID integration", withCluster((c) => { c.aadProfile = { enableAzureRBAC: true }; }), /does not enable Entra ID integration/),
            violation("Kubernetes RBAC only, not Azure RBAC", withCluster((c) => { c.aadProfile = { managed: true, enableAzureRBAC: false }; }), /does not enable Azure RBAC/),
        ],
    },
    {
        policy: localAccountsDisabled,
        compliant: [one(cluster, "local accounts disabled")],
        violations: [
            violation("local accounts left on", withCluster((c) => { delete c.disableLocalAccounts; }), /does not set disableLocalAccounts: true/),
            violation("local accounts explicitly on", withCluster((c) => { c.disableLocalAccounts = false; }), /does not set disableLocalAccounts: true/),
        ],
    },
    {
        policy: apiServerAccessRestricted,
        compliant: [
            one(cluster, "authorized IP ranges"),
            one(withCluster((c) => { c.apiServerAccessProfile = { enablePrivateCluster: true }; }), "private cluster"),
        ],
        violations: [
            violation("public API server without ranges", withCluster((c) => { delete c.apiServerAccessProfile; }), /public API server with no apiServerAccessProfile\.authorizedIPRanges/),
            violation("0.0.0.0/0 authorized", withCluster((c) => { c.apiServerAccessProfile = { authorizedIPRanges: ["0.0.0.0/0"] }; }), /authorizes 0\.0\.0\.0\/0/),
        ],
    },
    {
        policy: networkPolicy,
        compliant: [one(cluster, "cilium"), one(withCluster((c) => { c.networkProfile = { networkPlugin: "azure", networkPolicy: "calico" }; }), "calico")],
        violations: [
            violation("no network policy", withCluster((c) => { c.networkProfile = { networkPlugin: "azure" }; }), /enforces no NetworkPolicy \(networkProfile\.networkPolicy: unset\)/),
            violation("network policy none", withCluster((c) => { c.networkProfile = { networkPlugin: "azure", networkPolicy: "none" }; }), /networkPolicy: none/),
        ],
    },
    {
        policy: noNodePublicIp,
        compliant: [one(cluster, "system pool"), one(agentPool, "agent pool")],
        violations: [
            violation("public IPs on the system pool", withPool((p) => { p.enableNodePublicIP = true; }), /ManagedCluster ml-platform-prod \(pool system\) sets enableNodePublicIP: true/),
            violation("public IPs on an agent pool", mutate(agentPool, (p) => { p.enableNodePublicIP = true; }), /AgentPool workload sets enableNodePublicIP: true/),
        ],
    },
    {
        policy: workloadIdentity,
        compliant: [one(cluster, "OIDC issuer and workload identity")],
        violations: [
            violation("no OIDC issuer", withCluster((c) => { delete c.oidcIssuerProfile; }), /does not enable the OIDC issuer/),
            violation("no workload identity", withCluster((c) => { c.securityProfile = {}; }), /does not enable workload identity/),
        ],
    },
    {
        policy: autoUpgradeChannel,
        compliant: [one(cluster, "stable + NodeImage"), one(withCluster((c) => { c.autoUpgradeProfile = { upgradeChannel: "patch" }; }), "patch, node OS channel by default")],
        violations: [
            violation("no upgrade channel", withCluster((c) => { delete c.autoUpgradeProfile; }), /has no auto-upgrade channel \(autoUpgradeProfile\.upgradeChannel: unset\)/),
            violation("upgrade channel none", withCluster((c) => { c.autoUpgradeProfile = { upgradeChannel: "none", nodeOSUpgradeChannel: "NodeImage" }; }), /upgradeChannel: none/),
            violation("node OS updates off", withCluster((c) => { c.autoUpgradeProfile = { upgradeChannel: "stable", nodeOSUpgradeChannel: "None" }; }), /leaves node OS updates unmanaged \(autoUpgradeProfile\.nodeOSUpgradeChannel: None\)/),
        ],
    },
    {
        policy: azurePolicyAddon,
        compliant: [one(cluster, "enabled"), one(withCluster((c) => { c.addonProfiles = { azurePolicy: { enabled: true } }; }), "enabled, camel-cased key")],
        violations: [
            violation("add-on absent", withCluster((c) => { delete c.addonProfiles; }), /does not enable the Azure Policy add-on/),
            violation("add-on disabled", withCluster((c) => { c.addonProfiles = { azurepolicy: { enabled: false } }; }), /does not enable the Azure Policy add-on/),
        ],
    },
    {
        policy: encryptionAtHost,
        compliant: [one(cluster, "system pool"), one(agentPool, "agent pool")],
        violations: [
            violation("system pool without encryption at host", withPool((p) => { p.enableEncryptionAtHost = false; }), /\(pool system\) does not set enableEncryptionAtHost: true/),
            violation("agent pool without encryption at host", mutate(agentPool, (p) => { delete p.enableEncryptionAtHost; }), /AgentPool workload does not set enableEncryptionAtHost: true/),
        ],
    },
    {
        policy: standardSkuTier,
        compliant: [one(cluster, "Standard"), one(withCluster((c) => { c.sku = { name: "Base", tier: "Premium" }; }), "Premium")],
        violations: [
            violation("Free tier", withCluster((c) => { c.sku = { name: "Base", tier: "Free" }; }), /runs on the Free tier/),
            violation("tier unset", withCluster((c) => { delete c.sku; }), /runs on the Free \(default\) tier/),
        ],
    },
    {
        policy: managedIdentity,
        compliant: [one(cluster, "user-assigned"), one(withCluster((c) => { c.identity = { type: "SystemAssigned" }; }), "system-assigned")],
        violations: [
            violation("no identity", withCluster((c) => { delete c.identity; }), /has no managed identity \(identity\.type: unset\)/),
            violation("a service principal secret", withCluster((c) => { c.servicePrincipalProfile = { clientId: "00000000-0000-0000-0000-000000000000", secret: "hunter2" }; }), /stores a service principal secret/),
        ],
    },
];
