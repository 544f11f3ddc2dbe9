import * as gcp from "@pulumi/gcp";
import { clientCertificatesDisabled } from "../../../policies/gke/client-certificates-disabled";
import { controlPlaneAccessRestricted } from "../../../policies/gke/control-plane-access-restricted";
import { cosContainerdImage } from "../../../policies/gke/cos-containerd-image";
import { dedicatedNodeServiceAccount } from "../../../policies/gke/dedicated-node-service-account";
import { deletionProtection } from "../../../policies/gke/deletion-protection";
import { legacyAbacDisabled } from "../../../policies/gke/legacy-abac-disabled";
import { metadataServer } from "../../../policies/gke/metadata-server";
import { networkPolicy } from "../../../policies/gke/network-policy";
import { nodeAutoRepairAndUpgrade } from "../../../policies/gke/node-auto-repair-and-upgrade";
import { privateNodes } from "../../../policies/gke/private-nodes";
import { releaseChannel } from "../../../policies/gke/release-channel";
import { secureBootAndIntegrityMonitoring } from "../../../policies/gke/secure-boot-and-integrity-monitoring";
import { shieldedNodes } from "../../../policies/gke/shielded-nodes";
import { vpcNative } from "../../../policies/gke/vpc-native";
import { workloadIdentity } from "../../../policies/gke/workload-identity";
import { mutate, resource } from "../fixtures";
import { one, PolicyCases, violation } from "./types";

const nodeSa = "ml-platform-prod-nodes@acme-ml-prod.iam.gserviceaccount.com";
const nodeConfig = {
    serviceAccount: nodeSa,
    oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
    imageType: "COS_CONTAINERD",
    workloadMetadataConfig: { mode: "GKE_METADATA" },
    shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
    metadata: { "disable-legacy-endpoints": "true" },
};

/** A private, hardened regional cluster, as components/cluster/gke.ts builds it. */
const cluster = resource(gcp.container.Cluster, {
    project: "acme-ml-prod",
    location: "europe-west1",
    name: "ml-platform-prod",
    networkingMode: "VPC_NATIVE",
    ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
    privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: "172.16.0.0/28" },
    masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "198.51.100.0/24", displayName: "office" }] },
    masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
    enableLegacyAbac: false,
    workloadIdentityConfig: { workloadPool: "acme-ml-prod.svc.id.goog" },
    releaseChannel: { channel: "REGULAR" },
    enableShieldedNodes: true,
    datapathProvider: "ADVANCED_DATAPATH",
    removeDefaultNodePool: true,
    initialNodeCount: 1,
    nodeConfig,
    deletionProtection: true,
}, { name: "cluster-gke" });

const nodePool = resource(gcp.container.NodePool, {
    project: "acme-ml-prod",
    location: "europe-west1",
    cluster: "ml-platform-prod",
    name: "workload",
    autoscaling: { minNodeCount: 1, maxNodeCount: 10 },
    management: { autoRepair: true, autoUpgrade: true },
    nodeConfig: { ...nodeConfig, machineType: "n2-standard-8" },
}, { name: "cluster-workload" });

/** A cluster that states only what it must: the provider's secure defaults fill in the rest. */
const minimalCluster = resource(gcp.container.Cluster, {
    location: "europe-west1",
    name: "lean",
    privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: true, masterIpv4CidrBlock: "172.16.0.16/28" },
    workloadIdentityConfig: { workloadPool: "acme-ml-prod.svc.id.goog" },
    releaseChannel: { channel: "STABLE" },
    networkPolicy: { enabled: true, provider: "CALICO" },
    nodeConfig,
}, { name: "lean" });

const autopilot = resource(gcp.container.Cluster, {
    location: "europe-west1",
    name: "autopilot",
    enableAutopilot: true,
    privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: true },
    releaseChannel: { channel: "REGULAR" },
}, { name: "autopilot" });

type Pool = typeof nodePool.props;
type Cluster = typeof cluster.props;
const pool = (change: (p: Pool) => void) => mutate(nodePool, change);
const withCluster = (change: (c: Cluster) => void) => mutate(cluster, change);
const defaultPool = (change: (n: NonNullable<Cluster["nodeConfig"]>) => void) => mutate(cluster, (c) => change(c.nodeConfig!));

export const gkeCases: PolicyCases[] = [
    {
        policy: privateNodes,
        compliant: [one(cluster, "private cluster"), one(nodePool, "pool inheriting private nodes")],
        violations: [
            violation("private nodes off", withCluster((c) => { c.privateClusterConfig!.enablePrivateNodes = false; }), /Cluster ml-platform-prod does not set privateClusterConfig\.enablePrivateNodes: true/),
            violation("no private cluster config", withCluster((c) => { delete c.privateClusterConfig; }), /does not set privateClusterConfig\.enablePrivateNodes/),
            violation("a pool with public nodes", pool((p) => { p.networkConfig = { enablePrivateNodes: false }; }), /NodePool workload sets networkConfig\.enablePrivateNodes: false/),
        ],
    },
    {
        policy: controlPlaneAccessRestricted,
        compliant: [
            one(cluster, "authorized networks"),
            one(minimalCluster, "private endpoint only"),
            one(withCluster((c) => { c.masterAuthorizedNetworksConfig = {}; }), "authorized networks enabled with no CIDR (VPC only)"),
        ],
        violations: [
            violation("public endpoint without authorized networks", withCluster((c) => { delete c.masterAuthorizedNetworksConfig; }), /public control plane endpoint with no masterAuthorizedNetworksConfig/),
            violation("0.0.0.0/0 authorized", withCluster((c) => { c.masterAuthorizedNetworksConfig!.cidrBlocks!.push({ cidrBlock: "0.0.0.0/0" }); }), /authorizes 0\.0\.0\.0\/0/),
            violation("Google Cloud public IPs authorized", withCluster((c) => { c.masterAuthorizedNetworksConfig!.gcpPublicCidrsAccessEnabled = true; }), /gcpPublicCidrsAccessEnabled: true/),
        ],
    },
    {
        policy: workloadIdentity,
        compliant: [one(cluster, "workload pool set"), one(autopilot, "Autopilot (always on)")],
        violations: [violation("no workload pool", withCluster((c) => { delete c.workloadIdentityConfig; }), /does not set workloadIdentityConfig\.workloadPool/)],
    },
    {
        policy: metadataServer,
        compliant: [one(cluster, "default pool"), one(nodePool, "node pool"), one(autopilot, "Autopilot manages its nodes")],
        violations: [
            violation("GCE metadata on a pool", pool((p) => { p.nodeConfig!.workloadMetadataConfig = { mode: "GCE_METADATA" }; }), /NodePool workload does not set nodeConfig\.workloadMetadataConfig\.mode: GKE_METADATA/),
            violation("metadata mode unset on the default pool", defaultPool((n) => { delete n.workloadMetadataConfig; }), /Cluster ml-platform-prod \(default pool\) does not set/),
            violation("legacy endpoints re-enabled", pool((p) => { p.nodeConfig!.metadata = { "disable-legacy-endpoints": "false" }; }), /re-enables the legacy metadata endpoints/),
            violation("an inline pool without the metadata server", withCluster((c) => { c.nodePools = [{ name: "inline", nodeConfig: { ...nodeConfig, workloadMetadataConfig: { mode: "GCE_METADATA" } } }]; }), /Cluster ml-platform-prod \(pool inline\)/),
        ],
    },
    {
        policy: dedicatedNodeServiceAccount,
        compliant: [one(cluster, "default pool"), one(nodePool, "node pool")],
        violations: [
            violation("no service account", pool((p) => { delete p.nodeConfig!.serviceAccount; }), /does not set nodeConfig\.serviceAccount/),
            violation("the literal default", pool((p) => { p.nodeConfig!.serviceAccount = "default"; }), /does not set nodeConfig\.serviceAccount/),
            violation("the Compute Engine default account", defaultPool((n) => { n.serviceAccount = "123456789-compute@developer.gserviceaccount.com"; }), /uses the Compute Engine default service account 123456789-compute@/),
            violation("no nodeConfig on the default pool", withCluster((c) => { delete c.nodeConfig; }), /Cluster ml-platform-prod \(default pool\) does not set nodeConfig\.serviceAccount/),
        ],
    },
    {
        policy: shieldedNodes,
        compliant: [one(cluster, "explicitly on"), one(minimalCluster, "default (on)")],
        violations: [violation("shielded nodes off", withCluster((c) => { c.enableShieldedNodes = false; }), /sets enableShieldedNodes: false/)],
    },
    {
        policy: secureBootAndIntegrityMonitoring,
        compliant: [
            one(cluster, "default pool"),
            one(nodePool, "node pool"),
            one(pool((p) => { p.nodeConfig!.shieldedInstanceConfig = { enableSecureBoot: true }; }), "integrity monitoring by default"),
        ],
        violations: [
            violation("secure boot unset", pool((p) => { p.nodeConfig!.shieldedInstanceConfig = { enableIntegrityMonitoring: true }; }), /does not set shieldedInstanceConfig\.enableSecureBoot: true/),
            violation("integrity monitoring off", defaultPool((n) => { n.shieldedInstanceConfig = { enableSecureBoot: true, enableIntegrityMonitoring: false }; }), /enableIntegrityMonitoring: false/),
        ],
    },
    {
        policy: cosContainerdImage,
        compliant: [one(cluster, "default pool"), one(nodePool, "node pool"), one(pool((p) => { p.nodeConfig!.imageType = "cos_containerd"; }), "lower case")],
        violations: [
            violation("Ubuntu nodes", pool((p) => { p.nodeConfig!.imageType = "UBUNTU_CONTAINERD"; }), /uses node image UBUNTU_CONTAINERD/),
            violation("image type unset", defaultPool((n) => { delete n.imageType; }), /uses node image \(unset\)/),
        ],
    },
    {
        policy: nodeAutoRepairAndUpgrade,
        compliant: [one(nodePool, "both on"), one(pool((p) => { delete p.management; }), "defaults (on)")],
        violations: [
            violation("auto-repair off", pool((p) => { p.management = { autoRepair: false, autoUpgrade: true }; }), /sets management\.autoRepair: false/),
            violation("auto-upgrade off", pool((p) => { p.management = { autoRepair: true, autoUpgrade: false }; }), /sets management\.autoUpgrade: false/),
        ],
    },
    {
        policy: releaseChannel,
        compliant: [one(cluster, "REGULAR"), one(minimalCluster, "STABLE")],
        violations: [
            violation("no channel", withCluster((c) => { delete c.releaseChannel; }), /is not enrolled in a release channel \(releaseChannel\.channel: unset\)/),
            violation("UNSPECIFIED", withCluster((c) => { c.releaseChannel = { channel: "UNSPECIFIED" }; }), /releaseChannel\.channel: UNSPECIFIED/),
        ],
    },
    {
        policy: networkPolicy,
        compliant: [one(cluster, "Dataplane V2"), one(minimalCluster, "Calico")],
        violations: [
            violation("legacy dataplane without Calico", withCluster((c) => { c.datapathProvider = "LEGACY_DATAPATH"; }), /enforces no NetworkPolicy/),
            violation("Calico disabled", withCluster((c) => { delete c.datapathProvider; c.networkPolicy = { enabled: false }; }), /enforces no NetworkPolicy/),
        ],
    },
    {
        policy: legacyAbacDisabled,
        compliant: [one(cluster, "explicitly off"), one(minimalCluster, "default (off)")],
        violations: [violation("legacy ABAC on", withCluster((c) => { c.enableLegacyAbac = true; }), /sets enableLegacyAbac: true/)],
    },
    {
        policy: clientCertificatesDisabled,
        compliant: [one(cluster, "explicitly off"), one(minimalCluster, "default (off)")],
        violations: [violation("client certificate issued", withCluster((c) => { c.masterAuth = { clientCertificateConfig: { issueClientCertificate: true } }; }), /issues a client certificate/)],
    },
    {
        policy: deletionProtection,
        compliant: [one(cluster, "explicitly on"), one(minimalCluster, "default (on)")],
        violations: [violation("deletion protection off", withCluster((c) => { c.deletionProtection = false; }), /sets deletionProtection: false/)],
    },
    {
        policy: vpcNative,
        compliant: [one(cluster, "VPC_NATIVE"), one(minimalCluster, "default (VPC-native)")],
        violations: [violation("routes-based", withCluster((c) => { c.networkingMode = "ROUTES"; delete c.ipAllocationPolicy; }), /uses routes-based networking/)],
    },
];
