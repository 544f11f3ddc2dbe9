import * as k8s from "@pulumi/kubernetes";
import * as gcp from "@pulumi/gcp";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as storage from "@pulumi/azure-native/storage";
import { bucketVersioning } from "../../../policies/data/bucket-versioning";
import { cloudSqlBackupsPitr } from "../../../policies/data/cloudsql-backups-pitr";
import { databasesPrivate } from "../../../policies/data/databases-private";
import { flexibleServerBackups } from "../../../policies/data/flexible-server-backups";
import { prodDataProtected } from "../../../policies/data/prod-data-protected";
import { storageNotPublic } from "../../../policies/data/storage-not-public";
import { mutate, resource } from "../fixtures";
import { podSpec, statefulSet } from "./k8s-fixtures";
import { one, PolicyCases, violation } from "./types";

const cloudSql = resource(gcp.sql.DatabaseInstance, {
    project: "acme-ml-prod",
    region: "europe-west1",
    name: "ml-platform-prod-pg",
    databaseVersion: "POSTGRES_16",
    deletionProtection: true,
    settings: {
        tier: "db-custom-2-7680",
        availabilityType: "REGIONAL",
        deletionProtectionEnabled: true,
        backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true, transactionLogRetentionDays: 7, backupRetentionSettings: { retainedBackups: 14 } },
        ipConfiguration: { ipv4Enabled: false, privateNetwork: "projects/acme-ml-prod/global/networks/ml-platform-prod-vpc", sslMode: "ENCRYPTED_ONLY" },
    },
}, { name: "postgres-sql", protect: true });

const flexible = resource(dbforpostgresql.Server, {
    resourceGroupName: "ml-platform-prod-rg",
    location: "westeurope",
    serverName: "ml-platform-prod-pg",
    version: "16",
    sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" },
    storage: { storageSizeGB: 128 },
    backup: { backupRetentionDays: 14, geoRedundantBackup: "Disabled" },
    highAvailability: { mode: "ZoneRedundant" },
    network: { publicNetworkAccess: "Disabled", delegatedSubnetResourceId: "/subscriptions/s/.../subnets/postgres" },
}, { name: "postgres-flexible", protect: true });

const bucket = resource(gcp.storage.Bucket, {
    project: "acme-ml-prod",
    name: "mlp-prod-bronze",
    location: "EUROPE-WEST1",
    uniformBucketLevelAccess: true,
    publicAccessPrevention: "enforced",
    versioning: { enabled: true },
    lifecycleRules: [{ action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 30 } }],
}, { name: "bronze", protect: true });

const account = resource(storage.StorageAccount, {
    resourceGroupName: "ml-platform-prod-rg",
    accountName: "mlpprodlake",
    kind: "StorageV2",
    sku: { name: "Standard_ZRS" },
    isHnsEnabled: true,
    allowBlobPublicAccess: false,
    enableHttpsTrafficOnly: true,
    minimumTlsVersion: "TLS1_2",
}, { name: "lake", protect: true });

const blobService = resource(storage.BlobServiceProperties, {
    resourceGroupName: "ml-platform-prod-rg",
    accountName: "mlpprodlake",
    deleteRetentionPolicy: { enabled: true, days: 14 },
    containerDeleteRetentionPolicy: { enabled: true, days: 14 },
}, { name: "lake-blob" });

const container = resource(storage.BlobContainer, {
    resourceGroupName: "ml-platform-prod-rg",
    accountName: "mlpprodlake",
    containerName: "bronze",
    publicAccess: "None",
}, { name: "lake-bronze" });

const pvc = resource(k8s.core.v1.PersistentVolumeClaim, {
    metadata: { name: "minio-data", namespace: "ml-storage" },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "100Gi" } }, storageClassName: "retain" },
}, { name: "minio-data", protect: true });

const bucketMember = (member: string) =>
    resource(gcp.storage.BucketIAMMember, { bucket: "mlp-prod-bronze", role: "roles/storage.objectViewer", member }, { name: "bronze-reader" });

const unprotected = { protect: false };

export const dataCases: PolicyCases[] = [
    {
        policy: prodDataProtected,
        compliant: [
            one(cloudSql, "protected Cloud SQL"),
            one(flexible, "protected Flexible Server"),
            one(bucket, "protected bucket"),
            one(account, "protected storage account"),
            one(pvc, "protected PVC"),
            one(statefulSet(), "StatefulSet retaining its claims (default)"),
            one(mutate(statefulSet(podSpec()), (s) => { s.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Retain", whenScaled: "Retain" }; }), "StatefulSet retaining its claims (explicit)"),
        ],
        violations: [
            violation("Cloud SQL not protected", mutate(cloudSql, () => undefined, unprotected), /Cloud SQL instance ml-platform-prod-pg is not protected/),
            violation("Cloud SQL deletion protection off", mutate(cloudSql, (d) => { d.deletionProtection = false; }), /sets deletionProtection: false/),
            violation("Flexible Server not protected", mutate(flexible, () => undefined, unprotected), /Flexible Server ml-platform-prod-pg is not protected/),
            violation("bucket not protected", mutate(bucket, () => undefined, unprotected), /Bucket mlp-prod-bronze is not protected/),
            violation("bucket force-destroyable", mutate(bucket, (b) => { b.forceDestroy = true; }), /sets forceDestroy: true/),
            violation("storage account not protected", mutate(account, () => undefined, unprotected), /Storage account mlpprodlake is not protected/),
            violation("PVC not protected", mutate(pvc, () => undefined, unprotected), /PersistentVolumeClaim ml-storage\/minio-data is not protected/),
            violation("StatefulSet deleting its claims", mutate(statefulSet(), (s) => { s.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Delete" }; }), /whenDeleted: Delete/),
            violation("StatefulSet deleting claims on scale-down", mutate(statefulSet(), (s) => { s.spec!.persistentVolumeClaimRetentionPolicy = { whenScaled: "Delete" }; }), /whenScaled: Delete/),
        ],
    },
    {
        policy: cloudSqlBackupsPitr,
        compliant: [
            one(cloudSql, "backups with PITR"),
            one(mutate(cloudSql, (d) => { d.masterInstanceName = "primary"; delete d.settings!.backupConfiguration; }), "a read replica"),
            one(mutate(cloudSql, (d) => { d.databaseVersion = "MYSQL_8_0"; d.settings!.backupConfiguration = { enabled: true, binaryLogEnabled: true }; }), "MySQL with binary logs"),
        ],
        violations: [
            violation("backups off", mutate(cloudSql, (d) => { d.settings!.backupConfiguration!.enabled = false; }), /does not enable automated backups/),
            violation("no point-in-time recovery", mutate(cloudSql, (d) => { d.settings!.backupConfiguration!.pointInTimeRecoveryEnabled = false; }), /has no point-in-time recovery \(settings\.backupConfiguration\.pointInTimeRecoveryEnabled: true\)/),
            violation("MySQL without binary logs", mutate(cloudSql, (d) => { d.databaseVersion = "MYSQL_8_0"; d.settings!.backupConfiguration = { enabled: true }; }), /binaryLogEnabled: true/),
        ],
    },
    {
        policy: flexibleServerBackups,
        compliant: [
            one(flexible, "14 days"),
            { title: "exactly the configured minimum", resources: [mutate(flexible, (s) => { s.backup = { backupRetentionDays: 21 }; })], config: { minRetentionDays: 21 } },
            one(mutate(flexible, (s) => { s.createMode = "Replica"; delete s.backup; }), "a replica"),
        ],
        violations: [
            violation("retention unset", mutate(flexible, (s) => { delete s.backup; }), /does not set backup\.backupRetentionDays/),
            violation("retention below the default minimum", mutate(flexible, (s) => { s.backup = { backupRetentionDays: 3 }; }), /keeps backups 3 days; the minimum is 7/),
            violation("retention below a configured minimum", flexible, /keeps backups 14 days; the minimum is 30/, { minRetentionDays: 30 }),
        ],
    },
    {
        policy: bucketVersioning,
        compliant: [one(bucket, "versioned bucket"), one(blobService, "blob and container soft delete")],
        violations: [
            violation("bucket without versioning", mutate(bucket, (b) => { delete b.versioning; }), /Bucket mlp-prod-bronze does not enable versioning/),
            violation("blob soft delete off", mutate(blobService, (b) => { b.deleteRetentionPolicy = { enabled: false }; }), /does not enable blob soft delete/),
            violation("container soft delete off", mutate(blobService, (b) => { delete b.containerDeleteRetentionPolicy; }), /does not enable container soft delete/),
        ],
    },
    {
        policy: storageNotPublic,
        compliant: [
            one(bucket, "private bucket"),
            one(bucketMember("serviceAccount:mlflow@acme-ml-prod.iam.gserviceaccount.com"), "IAM member for a service account"),
            one(account, "private storage account"),
            one(container, "private container"),
        ],
        violations: [
            violation("public access prevention not enforced", mutate(bucket, (b) => { b.publicAccessPrevention = "inherited"; }), /does not set publicAccessPrevention: enforced/),
            violation("fine-grained ACLs", mutate(bucket, (b) => { b.uniformBucketLevelAccess = false; }), /does not set uniformBucketLevelAccess: true/),
            violation("allUsers IAM member", bucketMember("allUsers"), /grants roles\/storage\.objectViewer to allUsers/),
            violation(
                "allAuthenticatedUsers IAM binding",
                resource(gcp.storage.BucketIAMBinding, { bucket: "mlp-prod-bronze", role: "roles/storage.objectViewer", members: ["group:ml@acme.example", "allAuthenticatedUsers"] }, { name: "bronze-readers" }),
                /grants roles\/storage\.objectViewer to allAuthenticatedUsers/,
            ),
            violation("public blob access allowed", mutate(account, (a) => { delete a.allowBlobPublicAccess; }), /does not set allowBlobPublicAccess: false/),
            violation("plain HTTP", mutate(account, (a) => { a.enableHttpsTrafficOnly = false; }), /accepts plain HTTP/),
            violation("TLS 1.0", mutate(account, (a) => { a.minimumTlsVersion = "TLS1_0"; }), /accepts TLS below 1\.2 \(minimumTlsVersion: TLS1_0\)/),
            violation("a public container", mutate(container, (c) => { c.publicAccess = "Blob"; }), /Blob container bronze allows anonymous Blob access/),
        ],
    },
    {
        policy: databasesPrivate,
        compliant: [one(cloudSql, "Cloud SQL on a private IP"), one(flexible, "Flexible Server in the VNet")],
        violations: [
            violation("Cloud SQL with a public IP", mutate(cloudSql, (d) => { d.settings!.ipConfiguration!.ipv4Enabled = true; }), /has a public IP/),
            violation("Cloud SQL with the default (public) IP", mutate(cloudSql, (d) => { delete d.settings!.ipConfiguration; }), /has a public IP/),
            violation("Flexible Server with public access", mutate(flexible, (s) => { s.network = { publicNetworkAccess: "Enabled" }; }), /does not set network\.publicNetworkAccess: Disabled/),
        ],
    },
];
