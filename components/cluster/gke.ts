import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { GcpClusterInfo, GkeClusterArgs, NodePoolSpec } from "./types";

/** Roles GKE documents for a least-privilege node service account (logs, metrics, image pulls). */
export const gkeNodeServiceAccountRoles = [
    "roles/container.defaultNodeServiceAccount",
    "roles/artifactregistry.reader",
] as const;

export interface GkePoolSpec {
    /** Suffix of the pool's resource and GKE name. */
    readonly suffix: string;
    readonly pool: NodePoolSpec;
    readonly spot: boolean;
    readonly labels: Record<string, string>;
    readonly taints: { key: string; value: string; effect: "NO_SCHEDULE" }[];
    readonly guestAccelerators: { type: string; count: number }[];
}

/** The node pools of a cluster, in creation order. Pure, so sizing is testable without Pulumi. */
export function gkeNodePools(args: GkeClusterArgs): GkePoolSpec[] {
    const pools: GkePoolSpec[] = [
        {
            suffix: "system",
            pool: args.systemPool,
            spot: false,
            labels: { "ml-platform/pool": "system" },
            taints: [],
            guestAccelerators: [],
        },
        {
            suffix: "workload",
            pool: args.workloadPool,
            spot: false,
            labels: { "ml-platform/pool": "workload" },
            taints: [],
            guestAccelerators: [],
        },
    ];
    if (args.spotPool) {
        pools.push({
            suffix: "spot",
            pool: args.spotPool,
            spot: true,
            labels: { "ml-platform/pool": "spot" },
            taints: [{ key: "cloud.google.com/gke-spot", value: "true", effect: "NO_SCHEDULE" }],
            guestAccelerators: [],
        });
    }
    if (args.gpuPool) {
        pools.push({
            suffix: "gpu",
            pool: args.gpuPool,
            spot: false,
            labels: { "ml-platform/pool": "gpu" },
            taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }],
            guestAccelerators: [
                { type: args.gpuPool.acceleratorType ?? "nvidia-l4", count: args.gpuPool.acceleratorCount ?? 1 },
            ],
        });
    }
    return pools;
}

/**
 * A kubeconfig that authenticates through `gke-gcloud-auth-plugin` (short-lived tokens from the caller's
 * gcloud credentials): nothing long-lived is stored in it.
 */
export function gkeKubeconfig(clusterName: string, endpoint: string, caCertificate: string): string {
    const context = `gke_${clusterName}`;
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: context, cluster: { server: `https://${endpoint}`, "certificate-authority-data": caCertificate } }],
        contexts: [{ name: context, context: { cluster: context, user: context } }],
        "current-context": context,
        users: [
            {
                name: context,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "gke-gcloud-auth-plugin",
                        installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
                        provideClusterInfo: true,
                    },
                },
            },
        ],
    });
}

export interface GkeCluster {
    readonly clusterName: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly gcp: GcpClusterInfo;
}

export function createGkeCluster(name: string, args: GkeClusterArgs, parent: pulumi.Resource): GkeCluster {
    const { project, region } = args;
    const opts = { parent };

    const network = new gcp.compute.Network(
        `${name}-vpc`,
        { project, name: `${args.name}-vpc`, autoCreateSubnetworks: false, routingMode: "REGIONAL" },
        opts,
    );
    const subnet = new gcp.compute.Subnetwork(
        `${name}-nodes`,
        {
            project,
            region,
            name: `${args.name}-nodes`,
            network: network.id,
            ipCidrRange: args.network.nodesCidr,
            privateIpGoogleAccess: true,
            secondaryIpRanges: [
                { rangeName: "pods", ipCidrRange: args.network.podsCidr },
                { rangeName: "services", ipCidrRange: args.network.servicesCidr },
            ],
            logConfig: { aggregationInterval: "INTERVAL_10_MIN", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
        },
        opts,
    );
    // Private nodes have no public IPs: Cloud NAT gives them egress (image pulls, package mirrors).
    const router = new gcp.compute.Router(
        `${name}-router`,
        { project, region, name: `${args.name}-router`, network: network.id },
        opts,
    );
    new gcp.compute.RouterNat(
        `${name}-nat`,
        {
            project,
            region,
            name: `${args.name}-nat`,
            router: router.name,
            natIpAllocateOption: "AUTO_ONLY",
            sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
            logConfig: { enable: true, filter: "ERRORS_ONLY" },
        },
        opts,
    );

    const nodeSa = new gcp.serviceaccount.Account(
        `${name}-nodes`,
        {
            project,
            accountId: `${args.name}-nodes`.slice(0, 30),
            displayName: `GKE nodes of ${args.name} (least privilege)`,
        },
        opts,
    );
    for (const role of gkeNodeServiceAccountRoles) {
        new gcp.projects.IAMMember(
            `${name}-nodes-${role.split("/")[1]}`,
            { project, role, member: pulumi.interpolate`serviceAccount:${nodeSa.email}` },
            opts,
        );
    }

    const webhookPorts = (args.webhookPorts ?? []).filter((p) => p !== 443 && p !== 10250);
    if (webhookPorts.length) {
        new gcp.compute.Firewall(
            `${name}-webhooks`,
            {
                project,
                name: `${args.name}-webhooks`,
                network: network.id,
                description: "The private control plane calls admission webhooks served on these ports",
                direction: "INGRESS",
                sourceRanges: [args.network.masterCidr],
                targetServiceAccounts: [nodeSa.email],
                allows: [{ protocol: "tcp", ports: webhookPorts.map(String) }],
            },
            opts,
        );
    }

    const workloadIdentityPool = `${project}.svc.id.goog`;
    const cluster = new gcp.container.Cluster(
        `${name}-gke`,
        {
            project,
            location: region,
            name: args.name,
            network: network.id,
            subnetwork: subnet.id,
            networkingMode: "VPC_NATIVE",
            ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
            privateClusterConfig: {
                enablePrivateNodes: true,
                enablePrivateEndpoint: false,
                masterIpv4CidrBlock: args.network.masterCidr,
            },
            masterAuthorizedNetworksConfig: {
                cidrBlocks: args.masterAuthorizedNetworks.map((n) => ({ cidrBlock: n.cidr, displayName: n.displayName })),
            },
            masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
            enableLegacyAbac: false,
            workloadIdentityConfig: { workloadPool: workloadIdentityPool },
            releaseChannel: { channel: args.releaseChannel },
            enableShieldedNodes: true,
            // Dataplane V2 enforces NetworkPolicy natively.
            datapathProvider: "ADVANCED_DATAPATH",
            addonsConfig: {
                gcePersistentDiskCsiDriverConfig: { enabled: true },
                horizontalPodAutoscaling: { disabled: false },
                httpLoadBalancing: { disabled: false },
            },
            // GKE requires a default pool at creation; it is removed at once. Configure it like the
            // real pools so it is never a weaker node, even for the minutes it exists.
            removeDefaultNodePool: true,
            initialNodeCount: 1,
            nodeConfig: {
                serviceAccount: nodeSa.email,
                oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
                shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
                workloadMetadataConfig: { mode: "GKE_METADATA" },
                imageType: "COS_CONTAINERD",
            },
            deletionProtection: args.deletionProtection ?? true,
        },
        opts,
    );

    for (const spec of gkeNodePools(args)) {
        new gcp.container.NodePool(
            `${name}-${spec.suffix}`,
            {
                project,
                location: region,
                cluster: cluster.name,
                name: spec.suffix,
                autoscaling: { minNodeCount: spec.pool.minNodes, maxNodeCount: spec.pool.maxNodes },
                management: { autoRepair: true, autoUpgrade: true },
                upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
                nodeConfig: {
                    machineType: spec.pool.machineType,
                    diskSizeGb: spec.pool.diskSizeGb ?? 100,
                    diskType: "pd-balanced",
                    imageType: "COS_CONTAINERD",
                    serviceAccount: nodeSa.email,
                    oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
                    workloadMetadataConfig: { mode: "GKE_METADATA" },
                    shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
                    spot: spec.spot,
                    labels: spec.labels,
                    taints: spec.taints,
                    guestAccelerators: spec.guestAccelerators.map((g) => ({
                        type: g.type,
                        count: g.count,
                        gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" },
                    })),
                    metadata: { "disable-legacy-endpoints": "true" },
                },
            },
            // Autoscaling moves the node count; it is not drift.
            { parent, ignoreChanges: ["initialNodeCount", "nodeCount"] },
        );
    }

    const kubeconfig = pulumi
        .all([cluster.name, cluster.endpoint, cluster.masterAuth])
        .apply(([clusterName, endpoint, auth]) =>
            gkeKubeconfig(`${project}_${region}_${clusterName}`, endpoint, auth.clusterCaCertificate),
        );

    return {
        clusterName: cluster.name,
        kubeconfig: pulumi.secret(kubeconfig),
        gcp: { project, region, network: network.selfLink, subnetwork: subnet.selfLink, workloadIdentityPool },
    };
}
