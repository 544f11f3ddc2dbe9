import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { configOf, PlatformResourcePolicy } from "../lib/policy";

const configSchema: PolicyConfigSchema = {
    properties: {
        minRetentionDays: {
            type: "integer",
            minimum: 7,
            maximum: 35,
            description: "Shortest backup retention (days) accepted; point-in-time restore reaches back this far.",
            default: 7,
        },
    },
};

export const flexibleServerBackups: PlatformResourcePolicy = {
    name: "data-flexible-server-backups",
    description:
        "Azure Database for PostgreSQL Flexible Servers state their backup retention, at least the configured " +
        "minimum (7 days by default): the server can be restored to any point in time within it.",
    remediationSteps:
        "Set `backup: { backupRetentionDays: 7..35, geoRedundantBackup: \"Enabled\" if the region pair matters }` " +
        "on the Server (geo-redundancy can only be chosen at creation).",
    severity: "high",
    tags: ["data", "backup"],
    configSchema,
    validateResource: validateResourceOfType(dbforpostgresql.Server, (server, args, report) => {
        const name = server.serverName ?? args.name;
        // Read replicas take no backups of their own; the primary's cover them.
        if (server.createMode === "Replica") return;
        const { minRetentionDays } = configOf<{ minRetentionDays: number }>(args, configSchema);
        const days = server.backup?.backupRetentionDays;
        if (days === undefined) report(`Flexible Server ${name} does not set backup.backupRetentionDays.`);
        else if (days < minRetentionDays) report(`Flexible Server ${name} keeps backups ${days} days; the minimum is ${minRetentionDays}.`);
    }),
};
