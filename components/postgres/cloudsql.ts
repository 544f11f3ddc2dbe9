import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { GcpClusterInfo } from "../cluster/types";
import { imageRef, images, Mirror } from "../versions";
import { createAdminPlumbing, PostgresParts } from "./common";
import { POSTGRES_PORT } from "./spec";
import { KubernetesTargetArgs } from "../common/kubernetes";

/** Cloud SQL for PostgreSQL on a private IP in the GKE cluster's VPC. */
export interface CloudSqlPostgresArgs extends KubernetesTargetArgs {
    readonly flavor: "cloudsql";
    /** `prod`: REGIONAL (HA), deletion protection, Pulumi `protect`, longer backup retention. */
    readonly environment: "dev" | "prod";
    /** Project, region and VPC of the cluster (`Cluster.gcp`). */
    readonly gcp: GcpClusterInfo;
    /** Cloud SQL instance name (also prefixes the private service access range). Usually `<cluster>-pg`. */
    readonly instanceName: string;
    /** Namespace of the admin Secret and the provisioning Jobs; the component creates it. Default `ml-postgres`. */
    readonly namespace?: string;
    /** Machine tier. Default `db-custom-1-3840` (dev), `db-custom-2-8192` (prod). */
    readonly tier?: string;
    /** Initial SSD size in GB (grows automatically). Default 20 (dev), 100 (prod). */
    readonly diskSizeGb?: number;
    /** Default `ZONAL` (dev), `REGIONAL` (prod: a standby in another zone with automatic failover). */
    readonly availabilityType?: "ZONAL" | "REGIONAL";
    /** Automated daily backups kept. Default 7 (dev), 30 (prod). */
    readonly retainedBackups?: number;
    /** Days of write-ahead log kept for point-in-time recovery (1-7 on the Enterprise edition). Default 7. */
    readonly pitrDays?: number;
    /**
     * Private service access: reserve a range and peer the VPC with Google's service producer network. Set false
     * when the VPC already has this peering (one per VPC; another service may have created it). Default true.
     */
    readonly createPrivateServiceAccess?: boolean;
    /** Reserved range for private service access as a CIDR, e.g. `10.60.0.0/20`. Default: a /20 Google picks. */
    readonly privateServiceAccessCidr?: string;
    /** Registry mirror for the psql image of the provisioning Jobs. */
    readonly mirror?: Mirror;
}

/** The instance settings, as data: what a reviewer checks (HA, backups, PITR, TLS, CDC flag, no public IP). */
export function cloudSqlSettings(args: {
    environment: "dev" | "prod";
    tier?: string;
    diskSizeGb?: number;
    availabilityType?: "ZONAL" | "REGIONAL";
    retainedBackups?: number;
    pitrDays?: number;
}) {
    const prod = args.environment === "prod";
    return {
        tier: args.tier ?? (prod ? "db-custom-2-8192" : "db-custom-1-3840"),
        // Explicit: Postgres 16+ instances otherwise default to Enterprise Plus, which rejects db-custom tiers.
        edition: "ENTERPRISE",
        availabilityType: args.availabilityType ?? (prod ? "REGIONAL" : "ZONAL"),
        diskType: "PD_SSD",
        diskSize: args.diskSizeGb ?? (prod ? 100 : 20),
        diskAutoresize: true,
        deletionProtectionEnabled: prod,
        // Keep the automated backups when the instance itself is deleted.
        retainBackupsOnDelete: prod,
        backupConfiguration: {
            enabled: true,
            pointInTimeRecoveryEnabled: true,
            startTime: "02:00",
            transactionLogRetentionDays: args.pitrDays ?? 7,
            backupRetentionSettings: { retainedBackups: args.retainedBackups ?? (prod ? 30 : 7), retentionUnit: "COUNT" },
        },
        // CDC: Cloud SQL's switch for wal_level=logical (applied with a restart Cloud SQL performs itself).
        databaseFlags: [{ name: "cloudsql.logical_decoding", value: "on" }],
        maintenanceWindow: { day: 7, hour: 3, updateTrack: "stable" },
        insightsConfig: { queryInsightsEnabled: true, recordApplicationTags: false, recordClientAddress: false },
    };
}

const ADMIN_USER = "mlp_admin";

export function createCloudSql(name: string, args: CloudSqlPostgresArgs, parent: pulumi.Resource): PostgresParts {
    const { project, region, network } = args.gcp;
    const prod = args.environment === "prod";
    const opts = { parent };

    let allocatedRange: pulumi.Output<string> | undefined;
    const instanceDependsOn: pulumi.Resource[] = [];
    if (args.createPrivateServiceAccess ?? true) {
        const [address, prefix] = args.privateServiceAccessCidr?.split("/") ?? [undefined, "20"];
        const range = new gcp.compute.GlobalAddress(
            `${name}-psa-range`,
            {
                project,
                name: `${args.instanceName}-psa`,
                purpose: "VPC_PEERING",
                addressType: "INTERNAL",
                address,
                prefixLength: Number(prefix),
                network,
            },
            opts,
        );
        const peering = new gcp.servicenetworking.Connection(
            `${name}-psa`,
            {
                network,
                service: "servicenetworking.googleapis.com",
                reservedPeeringRanges: [range.name],
                // Google refuses to remove the peering while any producer service still uses it; leave it on destroy.
                deletionPolicy: "ABANDON",
            },
            opts,
        );
        allocatedRange = range.name;
        instanceDependsOn.push(peering);
    }

    const instance = new gcp.sql.DatabaseInstance(
        `${name}-instance`,
        {
            project,
            region,
            name: args.instanceName,
            databaseVersion: "POSTGRES_17",
            deletionProtection: prod,
            settings: {
                ...cloudSqlSettings(args),
                ipConfiguration: {
                    // Private IP only, TLS required on every connection.
                    ipv4Enabled: false,
                    privateNetwork: network,
                    allocatedIpRange: allocatedRange,
                    sslMode: "ENCRYPTED_ONLY",
                },
                userLabels: { "part-of": "ml-platform", component: "postgres", environment: args.environment },
            },
        },
        // Depends on the VPC (an output of the cluster's network), not on the cluster: created in parallel with it.
        { parent, protect: prod, dependsOn: instanceDependsOn },
    );

    const namespaceName = args.namespace ?? "ml-postgres";
    const { namespace, adminPassword, adminSecret, adminSecretName } = createAdminPlumbing(name, { namespace: namespaceName, adminUsername: ADMIN_USER }, parent);
    // A dedicated admin for provisioning only; consumer roles are created by it with psql and get no
    // cloudsqlsuperuser membership (which every user created through the Cloud SQL API would get).
    const admin = new gcp.sql.User(
        `${name}-admin`,
        { project, instance: instance.name, name: ADMIN_USER, password: pulumi.secret(adminPassword.result) },
        opts,
    );

    return {
        host: instance.privateIpAddress,
        port: POSTGRES_PORT,
        provisioner: {
            namespace: namespaceName,
            namespaceResource: namespace,
            // A private IP in the VPC, known only once the server exists: NetworkPolicies allow the port, any address.
            peer: { cidr: "0.0.0.0/0" },
            adminSecretName,
            admin: "managed",
            host: instance.privateIpAddress,
            port: POSTGRES_PORT,
            sslMode: "require",
            psqlImage: imageRef(images.postgres, args.mirror),
            walLevelAdvice: "Cloud SQL sets it from the cloudsql.logical_decoding flag; check the instance's database flags.",
            dependsOn: [instance, admin, adminSecret],
            createDatabase: (dbName, database, dbParent) =>
                new gcp.sql.Database(
                    `${dbName}-database`,
                    {
                        project,
                        instance: instance.name,
                        name: database,
                        charset: "UTF8",
                        collation: "en_US.UTF8",
                        // prod: removing a consumer from the program leaves its data in place.
                        deletionPolicy: prod ? "ABANDON" : "DELETE",
                    },
                    { parent: dbParent, retainOnDelete: prod },
                ),
        },
    };
}
