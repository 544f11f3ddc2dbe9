/**
 * Every policy of the pack, by group. index.ts serves this list as the PolicyPack; tests import it
 * directly (importing index.ts would start a policy server). A new policy is added here, in its group.
 */
import { PlatformPolicy, PolicyGroup } from "./lib/policy";

import { dropAllCapabilities } from "./kubernetes/drop-all-capabilities";
import { imagesPinned } from "./kubernetes/images-pinned";
import { ingressLogin } from "./kubernetes/ingress-login";
import { noHostNamespaces } from "./kubernetes/no-host-namespaces";
import { noLiteralSecrets } from "./kubernetes/no-literal-secrets";
import { noPrivilegeEscalation } from "./kubernetes/no-privilege-escalation";
import { noPrivilegedContainers } from "./kubernetes/no-privileged-containers";
import { noPublicServiceTypes } from "./kubernetes/no-public-service-types";
import { pdbForReplicatedWorkloads } from "./kubernetes/pdb-for-replicated-workloads";
import { probesOnLongRunningContainers } from "./kubernetes/probes";
import { resourceRequestsAndLimits } from "./kubernetes/resource-requests-and-limits";
import { runAsNonRoot } from "./kubernetes/run-as-non-root";

import { clientCertificatesDisabled } from "./gke/client-certificates-disabled";
import { controlPlaneAccessRestricted } from "./gke/control-plane-access-restricted";
import { cosContainerdImage } from "./gke/cos-containerd-image";
import { dedicatedNodeServiceAccount } from "./gke/dedicated-node-service-account";
import { deletionProtection } from "./gke/deletion-protection";
import { legacyAbacDisabled } from "./gke/legacy-abac-disabled";
import { metadataServer } from "./gke/metadata-server";
import { networkPolicy as gkeNetworkPolicy } from "./gke/network-policy";
import { nodeAutoRepairAndUpgrade } from "./gke/node-auto-repair-and-upgrade";
import { privateNodes } from "./gke/private-nodes";
import { releaseChannel } from "./gke/release-channel";
import { secureBootAndIntegrityMonitoring } from "./gke/secure-boot-and-integrity-monitoring";
import { shieldedNodes } from "./gke/shielded-nodes";
import { vpcNative } from "./gke/vpc-native";
import { workloadIdentity as gkeWorkloadIdentity } from "./gke/workload-identity";

import { apiServerAccessRestricted } from "./aks/api-server-access-restricted";
import { autoUpgradeChannel } from "./aks/auto-upgrade-channel";
import { azurePolicyAddon } from "./aks/azure-policy-addon";
import { encryptionAtHost } from "./aks/encryption-at-host";
import { entraIdAzureRbac } from "./aks/entra-id-azure-rbac";
import { localAccountsDisabled } from "./aks/local-accounts-disabled";
import { managedIdentity } from "./aks/managed-identity";
import { networkPolicy as aksNetworkPolicy } from "./aks/network-policy";
import { noNodePublicIp } from "./aks/no-node-public-ip";
import { standardSkuTier } from "./aks/standard-sku-tier";
import { workloadIdentity as aksWorkloadIdentity } from "./aks/workload-identity";

import { bucketVersioning } from "./data/bucket-versioning";
import { cloudSqlBackupsPitr } from "./data/cloudsql-backups-pitr";
import { databasesPrivate } from "./data/databases-private";
import { flexibleServerBackups } from "./data/flexible-server-backups";
import { prodDataProtected } from "./data/prod-data-protected";
import { storageNotPublic } from "./data/storage-not-public";

export const policiesByGroup: Readonly<Record<PolicyGroup, readonly PlatformPolicy[]>> = {
    kubernetes: [
        noPrivilegedContainers,
        noPrivilegeEscalation,
        noHostNamespaces,
        runAsNonRoot,
        dropAllCapabilities,
        resourceRequestsAndLimits,
        imagesPinned,
        probesOnLongRunningContainers,
        noPublicServiceTypes,
        pdbForReplicatedWorkloads,
        noLiteralSecrets,
        ingressLogin,
    ],
    gke: [
        privateNodes,
        controlPlaneAccessRestricted,
        gkeWorkloadIdentity,
        metadataServer,
        dedicatedNodeServiceAccount,
        shieldedNodes,
        secureBootAndIntegrityMonitoring,
        cosContainerdImage,
        nodeAutoRepairAndUpgrade,
        releaseChannel,
        gkeNetworkPolicy,
        legacyAbacDisabled,
        clientCertificatesDisabled,
        deletionProtection,
        vpcNative,
    ],
    aks: [
        entraIdAzureRbac,
        localAccountsDisabled,
        apiServerAccessRestricted,
        aksNetworkPolicy,
        noNodePublicIp,
        aksWorkloadIdentity,
        autoUpgradeChannel,
        azurePolicyAddon,
        encryptionAtHost,
        standardSkuTier,
        managedIdentity,
    ],
    data: [
        prodDataProtected,
        cloudSqlBackupsPitr,
        flexibleServerBackups,
        bucketVersioning,
        storageNotPublic,
        databasesPrivate,
    ],
};

export const policies: PlatformPolicy[] = Object.values(policiesByGroup).flat();
