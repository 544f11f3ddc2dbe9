import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import { AzureClusterInfo } from "../cluster/types";
import { imageRef, images, Mirror } from "../versions";
import { createAdminPlumbing, PostgresParts } from "./common";
import { POSTGRES_PORT } from "./spec";
import { KubernetesTargetArgs } from "../common/kubernetes";

/** Azure Database for PostgreSQL Flexible Server, injected into the AKS cluster's VNet. */
export interface FlexiblePostgresArgs extends KubernetesTargetArgs {
    readonly flavor: "flexible";
    /** `prod`: zone-redundant HA, Pulumi `protect`, 35 days of backups; `dev`: Burstable, no HA. */
    readonly environment: "dev" | "prod";
    /** Resource group, location and VNet of the cluster (`Cluster.azure`). */
    readonly azure: AzureClusterInfo;
    /** Readable start of the server name. Usually the cluster name. */
    readonly namePrefix: string;
    /** Server name (3-63 lowercase letters, digits, hyphens; unique in Azure DNS). Default `<namePrefix>-pg-<hash of the VNet ID>`. */
    readonly serverName?: string;
    /** CIDR of the subnet delegated to the server, inside the VNet and outside the node subnet, e.g. `10.30.16.0/24`. */
    readonly subnetCidr: string;
    /** Namespace of the admin Secret and the provisioning Jobs; the component creates it. Default `ml-postgres`. */
    readonly namespace?: string;
    /** Compute size. Default `Standard_B1ms` (dev, Burstable), `Standard_D2ds_v5` (prod, General Purpose). */
    readonly skuName?: string;
    /** Storage in GiB (grows automatically). Default 32 (dev), 128 (prod). */
    readonly storageSizeGb?: number;
    /** Backup retention in days (7-35). Default 7 (dev), 35 (prod). */
    readonly backupRetentionDays?: number;
    /** Also keep backups in the paired region (set at creation only). Default false. */
    readonly geoRedundantBackup?: boolean;
    /** Zone-redundant HA (a standby in another zone). Default true in prod, false in dev; needs a non-Burstable SKU. */
    readonly highAvailability?: boolean;
    /** Zone of the primary. Default "1"; the HA standby goes to "2". */
    readonly availabilityZone?: "1" | "2" | "3";
    /** Registry mirror for the psql image of the provisioning Jobs. */
    readonly mirror?: Mirror;
}

/** Compute tier implied by a Flexible Server SKU name (`Standard_B…` Burstable, `…_E…` Memory Optimized). */
export function flexibleSkuTier(skuName: string): "Burstable" | "GeneralPurpose" | "MemoryOptimized" {
    if (/^Standard_B/.test(skuName)) return "Burstable";
    if (/^Standard_E/.test(skuName)) return "MemoryOptimized";
    if (/^Standard_D/.test(skuName)) return "GeneralPurpose";
    throw new Error(`skuName "${skuName}": expected a Flexible Server SKU such as Standard_B1ms, Standard_D2ds_v5 or Standard_E2ds_v5`);
}

/** The server's sizing, HA and backup settings, as data. Throws on combinations Azure rejects. */
export function flexibleServerSettings(args: {
    environment: "dev" | "prod";
    skuName?: string;
    storageSizeGb?: number;
    backupRetentionDays?: number;
    geoRedundantBackup?: boolean;
    highAvailability?: boolean;
    availabilityZone?: "1" | "2" | "3";
}) {
    const prod = args.environment === "prod";
    const skuName = args.skuName ?? (prod ? "Standard_D2ds_v5" : "Standard_B1ms");
    const tier = flexibleSkuTier(skuName);
    const ha = args.highAvailability ?? prod;
    if (ha && tier === "Burstable") {
        throw new Error(`highAvailability needs a General Purpose or Memory Optimized SKU; "${skuName}" is Burstable`);
    }
    const retention = args.backupRetentionDays ?? (prod ? 35 : 7);
    if (retention < 7 || retention > 35) throw new Error(`backupRetentionDays ${retention}: expected 7-35`);
    const zone = args.availabilityZone ?? "1";
    return {
        version: "17",
        sku: { name: skuName, tier },
        storage: { storageSizeGB: args.storageSizeGb ?? (prod ? 128 : 32), autoGrow: "Enabled" },
        backup: { backupRetentionDays: retention, geoRedundantBackup: args.geoRedundantBackup ? "Enabled" : "Disabled" },
        availabilityZone: zone,
        highAvailability: ha ? { mode: "ZoneRedundant", standbyAvailabilityZone: zone === "2" ? "3" : "2" } : { mode: "Disabled" },
        maintenanceWindow: { customWindow: "Enabled", dayOfWeek: 0, startHour: 3, startMinute: 0 },
    };
}

/**
 * Server parameters set after creation. `wal_level` is static: Azure applies it only after a server restart, which
 * ARM cannot trigger; the provisioning Job of a CDC database checks it and says how to restart.
 */
export const flexibleServerParameters: Record<string, string> = {
    wal_level: "logical",
    require_secure_transport: "on",
    // Bound the WAL an abandoned replication slot may pin (MB), so a stopped CDC connector cannot fill the disk.
    max_slot_wal_keep_size: "10240",
};

const ADMIN_USER = "mlpadmin";

export function createFlexibleServer(name: string, args: FlexiblePostgresArgs, parent: pulumi.Resource): PostgresParts {
    const { resourceGroupName, location, vnetId, vnetName } = args.azure;
    const prod = args.environment === "prod";
    const opts = { parent };
    const settings = flexibleServerSettings(args);
    if (args.serverName && !/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(args.serverName)) {
        throw new Error(`serverName "${args.serverName}": expected 3-63 lowercase letters, digits or hyphens`);
    }
    const serverName = args.serverName
        ? pulumi.output(args.serverName)
        : vnetId.apply((id) => `${args.namePrefix}-pg-${createHash("sha256").update(id).digest("hex").slice(0, 8)}`);
    const tags = { "part-of": "ml-platform", component: "postgres", environment: args.environment };

    const subnet = new network.Subnet(
        `${name}-subnet`,
        {
            resourceGroupName,
            virtualNetworkName: vnetName,
            subnetName: `${args.namePrefix}-postgres`,
            addressPrefix: args.subnetCidr,
            delegations: [{ name: "flexible-server", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
        },
        opts,
    );
    const zone = new privatedns.PrivateZone(
        `${name}-dns`,
        { resourceGroupName, location: "Global", privateZoneName: pulumi.interpolate`${serverName}.private.postgres.database.azure.com`, tags },
        opts,
    );
    const link = new privatedns.VirtualNetworkLink(
        `${name}-dns-link`,
        {
            resourceGroupName,
            location: "Global",
            privateZoneName: zone.name,
            virtualNetworkLinkName: `${args.namePrefix}-vnet`,
            virtualNetwork: { id: vnetId },
            registrationEnabled: false,
        },
        opts,
    );

    const namespaceName = args.namespace ?? "ml-postgres";
    const { namespace, adminPassword, adminSecret, adminSecretName } = createAdminPlumbing(name, { namespace: namespaceName, adminUsername: ADMIN_USER }, parent);
    const server = new dbforpostgresql.Server(
        `${name}-server`,
        {
            resourceGroupName,
            location,
            serverName,
            ...settings,
            administratorLogin: ADMIN_USER,
            administratorLoginPassword: pulumi.secret(adminPassword.result),
            authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Disabled" },
            network: { delegatedSubnetResourceId: subnet.id, privateDnsZoneArmResourceId: zone.id, publicNetworkAccess: "Disabled" },
            tags,
        },
        // The private DNS zone must be linked to the VNet before the server is created in it.
        { parent, protect: prod, dependsOn: [link] },
    );

    // Azure rejects concurrent parameter updates on one server: apply them one after another.
    let previous: pulumi.Resource = server;
    for (const [parameter, value] of Object.entries(flexibleServerParameters)) {
        previous = new dbforpostgresql.Configuration(
            `${name}-${parameter.replace(/_/g, "-")}`,
            { resourceGroupName, serverName: server.name, configurationName: parameter, value, source: "user-override" },
            { parent, dependsOn: [previous] },
        );
    }

    const host = server.fullyQualifiedDomainName.apply((fqdn) => fqdn ?? "");
    return {
        host,
        port: POSTGRES_PORT,
        provisioner: {
            namespace: namespaceName,
            namespaceResource: namespace,
            // A private IP in the VPC, known only once the server exists: NetworkPolicies allow the port, any address.
            peer: { cidr: "0.0.0.0/0" },
            adminSecretName,
            admin: "managed",
            host,
            port: POSTGRES_PORT,
            sslMode: "require",
            psqlImage: imageRef(images.postgres, args.mirror),
            walLevelAdvice:
                "wal_level is a static Flexible Server parameter: restart the server once (az postgres flexible-server restart --resource-group <group> --name <server>), then run pulumi up again.",
            dependsOn: [server, previous, adminSecret],
            createDatabase: (dbName, database, dbParent) =>
                new dbforpostgresql.Database(
                    `${dbName}-database`,
                    { resourceGroupName, serverName: server.name, databaseName: database, charset: "UTF8", collation: "en_US.utf8" },
                    { parent: dbParent, retainOnDelete: prod },
                ),
        },
    };
}
