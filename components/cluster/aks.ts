import * as pulumi from "@pulumi/pulumi";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as authorization from "@pulumi/azure-native/authorization";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import { azureRoleDefinitionId, azureRoles } from "../common/azure";
import { AksClusterArgs, AzureClusterInfo, NodePoolSpec } from "./types";

export interface AksPoolSpec {
    /** AKS pool name: lowercase alphanumerics, at most 12 characters. */
    readonly name: string;
    readonly mode: "System" | "User";
    readonly pool: NodePoolSpec;
    readonly spot: boolean;
    readonly taints: string[];
    readonly labels: Record<string, string>;
}

/** The agent pools of a cluster; the first is the system pool embedded in the cluster resource. */
export function aksAgentPools(args: AksClusterArgs): AksPoolSpec[] {
    const pools: AksPoolSpec[] = [
        {
            name: "system",
            mode: "System",
            pool: args.systemPool,
            spot: false,
            taints: ["CriticalAddonsOnly=true:NoSchedule"],
            labels: { "ml-platform/pool": "system" },
        },
        { name: "workload", mode: "User", pool: args.userPool, spot: false, taints: [], labels: { "ml-platform/pool": "workload" } },
    ];
    if (args.spotPool) {
        pools.push({
            name: "spot",
            mode: "User",
            pool: args.spotPool,
            spot: true,
            taints: ["kubernetes.azure.com/scalesetpriority=spot:NoSchedule"],
            labels: { "ml-platform/pool": "spot" },
        });
    }
    if (args.gpuPool) {
        pools.push({
            name: "gpu",
            mode: "User",
            pool: args.gpuPool,
            spot: false,
            taints: ["nvidia.com/gpu=present:NoSchedule"],
            labels: { "ml-platform/pool": "gpu" },
        });
    }
    return pools;
}

/** Settings every pool shares: private nodes, encrypted host disks, autoscaling within the pool's bounds. */
function poolProfile(spec: AksPoolSpec, args: AksClusterArgs, subnetId: pulumi.Input<string>) {
    return {
        mode: spec.mode,
        vmSize: spec.pool.machineType,
        osType: "Linux",
        osSKU: "AzureLinux",
        osDiskSizeGB: spec.pool.diskSizeGb ?? 100,
        type: "VirtualMachineScaleSets",
        availabilityZones: [...(args.availabilityZones ?? ["1", "2", "3"])],
        vnetSubnetID: subnetId,
        enableAutoScaling: true,
        minCount: spec.pool.minNodes,
        maxCount: spec.pool.maxNodes,
        count: spec.pool.minNodes,
        enableNodePublicIP: false,
        enableEncryptionAtHost: true,
        nodeTaints: spec.taints,
        nodeLabels: spec.labels,
        upgradeSettings: { maxSurge: "33%" },
        ...(spec.spot ? { scaleSetPriority: "Spot", scaleSetEvictionPolicy: "Delete", spotMaxPrice: -1 } : {}),
    };
}

export interface AksCluster {
    readonly clusterName: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly azure: AzureClusterInfo;
}

export function createAksCluster(name: string, args: AksClusterArgs, parent: pulumi.Resource): AksCluster {
    const opts = { parent };
    const location = args.location;

    const group = new resources.ResourceGroup(`${name}-rg`, { resourceGroupName: `${args.name}-rg`, location }, opts);
    const vnet = new network.VirtualNetwork(
        `${name}-vnet`,
        {
            resourceGroupName: group.name,
            location,
            virtualNetworkName: `${args.name}-vnet`,
            addressSpace: { addressPrefixes: [args.network.vnetCidr] },
        },
        // Subnets are managed as their own resources below; the VNet must not fight over them.
        { parent, ignoreChanges: ["subnets"] },
    );
    const subnet = new network.Subnet(
        `${name}-nodes`,
        { resourceGroupName: group.name, virtualNetworkName: vnet.name, subnetName: "nodes", addressPrefix: args.network.nodesCidr },
        opts,
    );
    const identity = new managedidentity.UserAssignedIdentity(
        `${name}-control-plane`,
        { resourceGroupName: group.name, location, resourceName: `${args.name}-control-plane` },
        opts,
    );

    // A cluster in its own subnet with a user-assigned control-plane identity: that identity must be allowed to
    // place load balancer frontends (the ingress's internal load balancer) and join nodes in the subnet.
    const subnetRole = new authorization.RoleAssignment(
        `${name}-control-plane-network`,
        {
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: subnet.id.apply((id) => azureRoleDefinitionId(id, azureRoles.networkContributor)),
            scope: subnet.id,
            description: `ml-platform ${args.name}: the AKS control plane manages load balancers in the node subnet`,
        },
        opts,
    );

    const [systemPool, ...userPools] = aksAgentPools(args);
    const cluster = new containerservice.ManagedCluster(
        `${name}-aks`,
        {
            resourceGroupName: group.name,
            location,
            resourceName: args.name,
            dnsPrefix: args.name,
            kubernetesVersion: args.kubernetesVersion,
            sku: { name: "Base", tier: args.skuTier },
            identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
            enableRBAC: true,
            aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [...args.adminGroupObjectIds] },
            disableLocalAccounts: true,
            oidcIssuerProfile: { enabled: true },
            securityProfile: { workloadIdentity: { enabled: true }, imageCleaner: { enabled: true, intervalHours: 48 } },
            apiServerAccessProfile: { authorizedIPRanges: [...args.authorizedIpRanges] },
            networkProfile: {
                networkPlugin: "azure",
                networkPluginMode: "overlay",
                networkDataplane: "cilium",
                networkPolicy: "cilium",
                podCidr: args.network.podsCidr,
                serviceCidr: args.network.servicesCidr,
                dnsServiceIP: args.network.dnsServiceIp,
                loadBalancerSku: "standard",
                outboundType: "loadBalancer",
            },
            autoUpgradeProfile: { upgradeChannel: "stable", nodeOSUpgradeChannel: "NodeImage" },
            addonProfiles: { azurepolicy: { enabled: true } },
            agentPoolProfiles: [{ name: systemPool.name, ...poolProfile(systemPool, args, subnet.id) }],
        },
        // The autoscaler and the upgrade channel move these; they are not drift.
        { parent, dependsOn: [subnetRole], ignoreChanges: ["agentPoolProfiles[0].count", "agentPoolProfiles[0].orchestratorVersion", "kubernetesVersion"] },
    );

    for (const spec of userPools) {
        new containerservice.AgentPool(
            `${name}-${spec.name}`,
            { resourceGroupName: group.name, resourceName: cluster.name, agentPoolName: spec.name, ...poolProfile(spec, args, subnet.id) },
            { parent, ignoreChanges: ["count", "orchestratorVersion"] },
        );
    }

    // Local accounts are off, so this is the Entra ID (kubelogin exec) kubeconfig: it carries no credential.
    const credentials = containerservice.listManagedClusterUserCredentialsOutput(
        { resourceGroupName: group.name, resourceName: cluster.name, format: "exec" },
        { parent },
    );
    const kubeconfig = credentials.kubeconfigs.apply((configs) => Buffer.from(configs[0].value, "base64").toString("utf8"));

    return {
        clusterName: cluster.name,
        kubeconfig: pulumi.secret(kubeconfig),
        azure: {
            resourceGroupName: group.name,
            location,
            vnetId: vnet.id,
            vnetName: vnet.name,
            oidcIssuerUrl: cluster.oidcIssuerProfile.apply((p) => p?.issuerURL ?? ""),
        },
    };
}
