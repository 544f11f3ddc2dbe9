import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as storage from "@pulumi/azure-native/storage";
import { AzureClusterInfo } from "../cluster/types";
import { existingBucketNames, joinPath, ObjectStoreParts, requireKnownBuckets, validateServiceAccountName } from "./common";
import { kubernetesName, storageAccountName, validateStorageAccountName } from "./names";
import { ObjectStoreGrant } from "./types";
import { azureRoleDefinitionId } from "../common/azure";

/** An ADLS Gen2 storage account for an AKS platform, reached through Entra workload identity. */
export interface AdlsObjectStorageArgs {
    readonly flavor: "adls";
    /** Absent: the component creates the account and containers. See {@link ExistingAdlsObjectStorageArgs} to bring them. */
    readonly existing?: undefined;
    /** Logical bucket names; each becomes a container (filesystem) of that name in the one storage account. */
    readonly buckets: readonly string[];
    /** `prod` protects the account and its containers and keeps deleted data longer; `dev` is destroyable. */
    readonly environment: "dev" | "prod";
    /** Resource group, location, VNet and OIDC issuer of the cluster (`Cluster.azure`). */
    readonly azure: AzureClusterInfo;
    /** Readable start of the storage account name and of grant identity names. Usually the cluster name. */
    readonly namePrefix: string;
    /** Storage account name (3-24 lowercase letters/digits, unique in Azure). Default: `namePrefix` + a hash of the VNet ID. */
    readonly storageAccountName?: string;
    /** Days deleted blobs and containers stay restorable (soft delete). Default 7 (dev), 30 (prod). */
    readonly deleteRetentionDays?: number;
    /** Redundancy SKU. Default `Standard_LRS` (dev), `Standard_ZRS` (prod: survives a zone outage). */
    readonly sku?: "Standard_LRS" | "Standard_ZRS" | "Standard_GRS" | "Standard_GZRS";
}

/**
 * An ADLS Gen2 storage account and containers that already exist (bring your own): the component creates and
 * changes neither; `grantAccess` still gives each workload its own user-assigned managed identity, federated with
 * the workload's Kubernetes ServiceAccount, and a data-plane role on each container it names. Whoever runs the
 * program needs to create role assignments on those containers (Owner, User Access Administrator or Role Based
 * Access Control Administrator on them) and identities in `azure.resourceGroupName`.
 */
export interface ExistingAdlsObjectStorageArgs {
    readonly flavor: "adls";
    readonly existing: {
        /**
         * The account's ARM resource ID: `/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>`.
         * May be another stack's output (checked when known).
         */
        readonly storageAccountId: pulumi.Input<string>;
        /** Real container name per logical name, e.g. `{ mlflow: "mlflow-artifacts" }`; a real name may be another stack's output. */
        readonly buckets: Readonly<Record<string, pulumi.Input<string>>>;
    };
    /**
     * Where the grants' managed identities are created, and the cluster's OIDC issuer they trust. `Cluster.azure`
     * fits; on an AKS cluster the program did not create, write the three yourself.
     */
    readonly azure: { readonly resourceGroupName: pulumi.Input<string>; readonly location: string; readonly oidcIssuerUrl: pulumi.Input<string> };
    /** Starts the grants' identity names. Usually the cluster name. */
    readonly namePrefix: string;
}

/** The account name of a storage account resource ID; throws, naming the arg, when it is not one. */
export function storageAccountIdParts(id: string): { subscription: string; resourceGroup: string; accountName: string } {
    const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Storage\/storageAccounts\/([a-z0-9]{3,24})$/i.exec(id ?? "");
    if (!match) {
        throw new Error(
            `ObjectStorage adls: existing.storageAccountId "${id}": expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>`,
        );
    }
    validateStorageAccountName(match[3]);
    return { subscription: match[1], resourceGroup: match[2], accountName: match[3] };
}

/** Built-in data-plane roles (their IDs are the same in every tenant). */
export const blobDataRoles = {
    read: { name: "Storage Blob Data Reader", id: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1" },
    readwrite: { name: "Storage Blob Data Contributor", id: "ba92f5b4-2d11-453d-a403-e96b0029c9fe" },
} as const;


/**
 * Data-protection settings of the blob service. ADLS Gen2 (hierarchical namespace) supports blob and container
 * soft delete but not blob versioning or change feed (Azure's feature-support table for HNS accounts; ARM rejects
 * versioning on them), so soft delete is the recovery path and versioning is explicitly off.
 */
export function adlsBlobServiceProtection(retentionDays: number) {
    return {
        deleteRetentionPolicy: { enabled: true, days: retentionDays, allowPermanentDelete: false },
        containerDeleteRetentionPolicy: { enabled: true, days: retentionDays },
        isVersioningEnabled: false,
    };
}

/** Audience Entra ID expects in Kubernetes service account tokens exchanged through workload identity. */
export const AZURE_TOKEN_AUDIENCE = "api://AzureADTokenExchange";

export function createAdls(name: string, args: AdlsObjectStorageArgs, parent: pulumi.Resource): ObjectStoreParts {
    const { resourceGroupName, location, vnetId } = args.azure;
    const prod = args.environment === "prod";
    const retentionDays = args.deleteRetentionDays ?? (prod ? 30 : 7);
    if (args.storageAccountName) validateStorageAccountName(args.storageAccountName);
    const accountName = args.storageAccountName
        ? pulumi.output(args.storageAccountName)
        : vnetId.apply((id) => storageAccountName(args.namePrefix, id));
    const tags = { "part-of": "ml-platform", component: "storage", environment: args.environment };

    const account = new storage.StorageAccount(
        `${name}-account`,
        {
            resourceGroupName,
            location,
            accountName,
            kind: "StorageV2",
            sku: { name: args.sku ?? (prod ? "Standard_ZRS" : "Standard_LRS") },
            accessTier: "Hot",
            isHnsEnabled: true,
            minimumTlsVersion: "TLS1_2",
            enableHttpsTrafficOnly: true,
            allowBlobPublicAccess: false,
            // Entra ID only: no account keys or SAS, so the only way in is a workload identity with a role.
            allowSharedKeyAccess: false,
            defaultToOAuthAuthentication: true,
            allowCrossTenantReplication: false,
            encryption: {
                keySource: "Microsoft.Storage",
                requireInfrastructureEncryption: true,
                services: { blob: { enabled: true, keyType: "Account" }, file: { enabled: true, keyType: "Account" } },
            },
            tags,
        },
        { parent, protect: prod },
    );

    new storage.BlobServiceProperties(
        `${name}-blob-service`,
        { resourceGroupName, accountName: account.name, blobServicesName: "default", ...adlsBlobServiceProtection(retentionDays) },
        { parent },
    );

    const containers: Record<string, storage.BlobContainer> = {};
    for (const bucket of args.buckets) {
        containers[bucket] = new storage.BlobContainer(
            `${name}-${bucket}`,
            { resourceGroupName, accountName: account.name, containerName: bucket, publicAccess: "None" },
            { parent, protect: prod },
        );
    }

    return adlsParts(
        { ...args, tags, subscriptionOf: vnetId },
        account.name,
        account.id,
        Object.fromEntries(Object.entries(containers).map(([k, c]) => [k, c.name])),
    );
}

/** An account and containers that exist already: nothing is created until a grant. */
export function existingAdls(args: ExistingAdlsObjectStorageArgs): ObjectStoreParts {
    const given = args.existing.storageAccountId;
    // Checked now when it is given as a value; another stack's output is checked when known.
    if (!pulumi.Output.isInstance(given)) storageAccountIdParts(given as string);
    const buckets = existingBucketNames("adls", args.existing.buckets);
    const id = pulumi.output(given);
    return adlsParts(
        { ...args, tags: { "part-of": "ml-platform", component: "storage" }, subscriptionOf: id },
        id.apply((i) => storageAccountIdParts(i).accountName),
        id,
        buckets,
    );
}

/** URIs and grants over an account and its containers, created or brought. */
function adlsParts(
    args: {
        readonly azure: { readonly resourceGroupName: pulumi.Input<string>; readonly location: string; readonly oidcIssuerUrl: pulumi.Input<string> };
        readonly namePrefix: string;
        readonly tags: Record<string, string>;
        /** A resource ID in the subscription whose built-in role definitions the assignments name. */
        readonly subscriptionOf: pulumi.Output<string>;
    },
    accountName: pulumi.Output<string>,
    accountId: pulumi.Output<string>,
    containers: Record<string, pulumi.Output<string>>,
): ObjectStoreParts {
    const { resourceGroupName, location, oidcIssuerUrl } = args.azure;
    const { tags, subscriptionOf } = args;
    const known = Object.keys(containers);
    return {
        buckets: containers,
        accountName,
        uri: (bucket, path) => {
            requireKnownBuckets("adls", known, [bucket], "uri");
            return pulumi.all([containers[bucket], accountName]).apply(([container, acct]) => joinPath(`abfss://${container}@${acct}.dfs.core.windows.net`, path));
        },
        grantAccess(grantName: string, grant: ObjectStoreGrant, grantParent: pulumi.Resource) {
            requireKnownBuckets("adls", known, grant.buckets, `grantAccess("${grantName}")`);
            validateServiceAccountName(grant.serviceAccountName);
            const opts = { parent: grantParent };
            const identity = new managedidentity.UserAssignedIdentity(
                `${grantName}-identity`,
                { resourceGroupName, location, resourceName: `${args.namePrefix}-${kubernetesName(grantName)}`, tags },
                opts,
            );
            // Trust exactly one Kubernetes ServiceAccount of this cluster's issuer.
            new managedidentity.FederatedIdentityCredential(
                `${grantName}-federated`,
                {
                    resourceGroupName,
                    resourceName: identity.name,
                    federatedIdentityCredentialResourceName: kubernetesName("kubernetes", grantName),
                    issuer: oidcIssuerUrl,
                    subject: pulumi.interpolate`system:serviceaccount:${grant.namespace.name}:${grant.serviceAccountName}`,
                    audiences: [AZURE_TOKEN_AUDIENCE],
                },
                opts,
            );
            const role = blobDataRoles[grant.access];
            for (const bucket of grant.buckets) {
                // Scoped to the container, not the account: a grant reaches only the buckets it names.
                new authorization.RoleAssignment(
                    `${grantName}-${bucket}`,
                    {
                        principalId: identity.principalId,
                        principalType: "ServicePrincipal",
                        // The account's subscription (the cluster's VNet ID names it for an account created with the cluster).
                        roleDefinitionId: subscriptionOf.apply((id) => azureRoleDefinitionId(id, role.id)),
                        scope: pulumi.interpolate`${accountId}/blobServices/default/containers/${containers[bucket]}`,
                        description: `ml-platform ${grantName}: ${role.name}`,
                    },
                    opts,
                );
            }
            return {
                serviceAccountAnnotations: identity.clientId.apply((clientId): Record<string, string> => ({ "azure.workload.identity/client-id": clientId })),
                podLabels: { "azure.workload.identity/use": "true" },
            };
        },
    };
}

export { azureRoleDefinitionId };
