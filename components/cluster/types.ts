import * as pulumi from "@pulumi/pulumi";

/** An autoscaled node pool. */
export interface NodePoolSpec {
    /** Machine type (GKE, e.g. `e2-standard-4`) or VM size (AKS, e.g. `Standard_D4s_v5`). */
    readonly machineType: string;
    /** Lower autoscaling bound (per zone on GKE regional clusters). */
    readonly minNodes: number;
    /** Upper autoscaling bound (per zone on GKE regional clusters). */
    readonly maxNodes: number;
    /** Boot disk size in GiB. Default 100. */
    readonly diskSizeGb?: number;
}

/** A GPU node pool: tainted so only pods that tolerate `nvidia.com/gpu` land on it. */
export interface GpuPoolSpec extends NodePoolSpec {
    /** GKE accelerator type, e.g. `nvidia-l4`. Ignored on AKS, where the VM size implies the GPU. */
    readonly acceleratorType?: string;
    /** GPUs per node. Default 1. */
    readonly acceleratorCount?: number;
}

/**
 * The NodePorts the ingress controller listens on in a kind cluster; the kind config maps the host's HTTP(S)
 * ports (`httpPort`/`httpsPort` on 127.0.0.1) to them. A NodePort Service, not a hostPort, because Pod
 * Security forbids host ports at every level but `privileged`, and the ingress namespace enforces `restricted`.
 */
export const KIND_INGRESS_NODE_PORTS = { http: 30080, https: 30443 } as const;

/** The dev cluster: kind in local Docker, created by running the kind CLI. */
export interface KindClusterArgs {
    readonly provider: "kind";
    /** kind cluster name; also the kube context `kind-<name>`. */
    readonly name: string;
    /** Worker nodes besides the control plane. Default 0 (the control plane schedules workloads). */
    readonly workers?: number;
    /** Node image reference; default the pinned `images.kindNode`. */
    readonly nodeImage?: string;
    /** Host port (on 127.0.0.1) mapped to the ingress controller's HTTP NodePort (`KIND_INGRESS_NODE_PORTS.http`). Default 80. */
    readonly httpPort?: number;
    /** Host port (on 127.0.0.1) mapped to the ingress controller's HTTPS NodePort (`KIND_INGRESS_NODE_PORTS.https`). Default 443. */
    readonly httpsPort?: number;
    /** NodePorts also mapped to the same port on 127.0.0.1 (e.g. Kafka's external listener). */
    readonly extraPorts?: readonly number[];
    /**
     * containerd registry config per registry host (the `hosts.toml` content), for registries the nodes must
     * reach under an in-cluster name (e.g. the Kafka Connect image registry). Written under
     * `~/.ml-platform/kind/<name>/certs.d` and mounted into every node.
     */
    readonly registryHosts?: Readonly<Record<string, string>>;
}

/** A private, VPC-native, regional GKE cluster in its own VPC. */
export interface GkeClusterArgs {
    readonly provider: "gke";
    /** Cluster name (also the prefix of its VPC, subnet, router and node service account). */
    readonly name: string;
    /** GCP project ID. */
    readonly project: string;
    /** GCP region, e.g. `europe-west1`; the cluster is regional. */
    readonly region: string;
    /** GKE release channel. */
    readonly releaseChannel: "RAPID" | "REGULAR" | "STABLE";
    /** Address ranges of the cluster's own VPC. */
    readonly network: {
        /** Primary range of the node subnet. */
        readonly nodesCidr: string;
        /** Secondary range for pods. */
        readonly podsCidr: string;
        /** Secondary range for services. */
        readonly servicesCidr: string;
        /** /28 for the private control plane endpoint. */
        readonly masterCidr: string;
    };
    /** CIDRs allowed to reach the control plane endpoint. Empty: only the VPC itself. */
    readonly masterAuthorizedNetworks: readonly { readonly cidr: string; readonly displayName: string }[];
    /** Pool for cluster add-ons and platform controllers. */
    readonly systemPool: NodePoolSpec;
    /** Pool for platform workloads. */
    readonly workloadPool: NodePoolSpec;
    /** Optional Spot VM pool, tainted `cloud.google.com/gke-spot=true:NoSchedule`. */
    readonly spotPool?: NodePoolSpec;
    /** Optional GPU pool. */
    readonly gpuPool?: GpuPoolSpec;
    /** Refuse `pulumi destroy` of the cluster at the GKE API. Default true. */
    readonly deletionProtection?: boolean;
    /**
     * Ports of admission webhooks served in the cluster besides 443 and 10250. A private cluster's control plane
     * reaches the nodes only on those two; a firewall rule opens these from the control-plane range to the nodes.
     */
    readonly webhookPorts?: readonly number[];
}

/** An AKS cluster with Entra ID + Azure RBAC, workload identity and no local accounts. */
export interface AksClusterArgs {
    readonly provider: "aks";
    /** Cluster name (also the prefix of its resource group, VNet and identity). */
    readonly name: string;
    /** Azure region, e.g. `westeurope`. */
    readonly location: string;
    /** Kubernetes version (`major.minor`) at creation; afterwards the `stable` auto-upgrade channel moves it. */
    readonly kubernetesVersion: string;
    /** `Standard` for prod (financially backed API server SLA), `Free` for trials. */
    readonly skuTier: "Free" | "Standard";
    readonly network: {
        /** VNet address space. */
        readonly vnetCidr: string;
        /** Node subnet inside the VNet. */
        readonly nodesCidr: string;
        /** Overlay pod range (not routed in the VNet). */
        readonly podsCidr: string;
        /** Service range. */
        readonly servicesCidr: string;
        /** Cluster DNS service IP, inside `servicesCidr`. */
        readonly dnsServiceIp: string;
    };
    /** Entra ID groups granted cluster-admin through Azure RBAC. */
    readonly adminGroupObjectIds: readonly string[];
    /** CIDRs allowed to reach the API server. */
    readonly authorizedIpRanges: readonly string[];
    /** Availability zones for every pool. Default ["1", "2", "3"]. */
    readonly availabilityZones?: readonly string[];
    /** System-mode pool (tainted `CriticalAddonsOnly`). */
    readonly systemPool: NodePoolSpec;
    /** User-mode pool for platform workloads. */
    readonly userPool: NodePoolSpec;
    /** Optional Spot pool. */
    readonly spotPool?: NodePoolSpec;
    /** Optional GPU pool; `machineType` must be a GPU VM size. */
    readonly gpuPool?: GpuPoolSpec;
}

/** A cluster the user already runs, reached through their kubeconfig. */
export interface ExistingClusterArgs {
    readonly provider: "existing";
    /** A name for the cluster in outputs and in the provider's identity. */
    readonly name: string;
    /** Kubeconfig file content (treated as a secret). */
    readonly kubeconfig: pulumi.Input<string>;
    /** Context inside the kubeconfig. Default: its current-context. */
    readonly context?: string;
}

export type ClusterArgs = KindClusterArgs | GkeClusterArgs | AksClusterArgs | ExistingClusterArgs;

/** What later GCP components (buckets, Cloud SQL, workload identity) need from the cluster. */
export interface GcpClusterInfo {
    readonly project: string;
    readonly region: string;
    /** VPC self link, for private service access. */
    readonly network: pulumi.Output<string>;
    readonly subnetwork: pulumi.Output<string>;
    /** `<project>.svc.id.goog`. */
    readonly workloadIdentityPool: string;
}

/** What later Azure components (storage, Flexible Server, federated identities) need from the cluster. */
export interface AzureClusterInfo {
    readonly resourceGroupName: pulumi.Output<string>;
    readonly location: string;
    readonly vnetId: pulumi.Output<string>;
    readonly vnetName: pulumi.Output<string>;
    readonly oidcIssuerUrl: pulumi.Output<string>;
}
