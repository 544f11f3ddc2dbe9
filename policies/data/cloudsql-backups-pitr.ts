import * as gcp from "@pulumi/gcp";
import { validateResourceOfType } from "@pulumi/policy";
import { PlatformResourcePolicy } from "../lib/policy";

export const cloudSqlBackupsPitr: PlatformResourcePolicy = {
    name: "data-cloudsql-backups-pitr",
    description:
        "Cloud SQL instances take automated backups with point-in-time recovery (write-ahead logs kept between " +
        "backups), so data can be restored to any second within the retention window, not only to last night.",
    remediationSteps:
        "Set `settings.backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true }` (MySQL: " +
        "`binaryLogEnabled: true`), with `backupRetentionSettings` and `transactionLogRetentionDays` to taste.",
    severity: "high",
    tags: ["data", "backup"],
    validateResource: validateResourceOfType(gcp.sql.DatabaseInstance, (db, args, report) => {
        const name = db.name ?? args.name;
        // Read replicas are restored from their primary; they take no backups of their own.
        if (db.masterInstanceName) return;
        const backup = db.settings?.backupConfiguration;
        if (backup?.enabled !== true) report(`Cloud SQL instance ${name} does not enable automated backups (settings.backupConfiguration.enabled: true).`);
        const mysql = (db.databaseVersion ?? "").toUpperCase().startsWith("MYSQL");
        if (mysql ? backup?.binaryLogEnabled !== true : backup?.pointInTimeRecoveryEnabled !== true) {
            const field = mysql ? "binaryLogEnabled" : "pointInTimeRecoveryEnabled";
            report(`Cloud SQL instance ${name} has no point-in-time recovery (settings.backupConfiguration.${field}: true).`);
        }
    }),
};
