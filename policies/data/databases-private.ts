import * as gcp from "@pulumi/gcp";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import { validateResourceOfType } from "@pulumi/policy";
import { PlatformResourcePolicy } from "../lib/policy";

export const databasesPrivate: PlatformResourcePolicy = {
    name: "data-databases-private",
    description:
        "Managed databases have no public endpoint: Cloud SQL is reached on a private IP in the cluster's VPC, " +
        "Flexible Server through VNet integration, so the database is never one leaked password away from the internet.",
    remediationSteps:
        "Cloud SQL: `settings.ipConfiguration: { ipv4Enabled: false, privateNetwork: <vpc self link> }` with private " +
        "service access. Flexible Server: `network: { publicNetworkAccess: \"Disabled\", delegatedSubnetResourceId, privateDnsZoneArmResourceId }`.",
    severity: "critical",
    tags: ["data", "network"],
    validateResource: [
        validateResourceOfType(gcp.sql.DatabaseInstance, (db, args, report) => {
            const ip = db.settings?.ipConfiguration;
            // Cloud SQL gives an instance a public IPv4 address unless told otherwise.
            if (ip?.ipv4Enabled !== false) report(`Cloud SQL instance ${db.name ?? args.name} has a public IP (settings.ipConfiguration.ipv4Enabled is not false).`);
        }),
        validateResourceOfType(dbforpostgresql.Server, (server, args, report) => {
            if (server.network?.publicNetworkAccess !== "Disabled") {
                report(`Flexible Server ${server.serverName ?? args.name} does not set network.publicNetworkAccess: Disabled.`);
            }
        }),
    ],
};
