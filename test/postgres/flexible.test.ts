import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PostgresServer } from "../../components";
import { flexibleServerSettings } from "../../components/postgres/flexible";
import { kubernetesResourcesWithoutProvider, runProgram, unwrap, mockId } from "../harness";
import { azureInfo, Consumer, containersOf, newProvider, outputs, VNET_ID } from "../storage/fixtures";
import { clientNs } from "../fakes";

function program(environment: "dev" | "prod", extra: { geoRedundantBackup?: boolean } = {}) {
    return async () => {
        const provider = newProvider();
        const pg = new PostgresServer(
            "postgres",
            { flavor: "flexible", environment, azure: azureInfo(), namePrefix: "mlp-prod", subnetCidr: "10.30.16.0/24", ...extra },
            { providers: [provider] },
        );
        const consumer = new Consumer("tracking", { providers: [provider] });
        const db = pg.database("mlflow-db", { namespace: clientNs("ml-tracking"), database: "mlflow" }, consumer);
        pg.database("shop-cdc", { namespace: clientNs("ml-streaming"), database: "shop", replication: true }, consumer);
        return { providerUrn: await unwrap(provider.urn), host: await unwrap(pg.host), secretName: await unwrap(db.secretName) };
    };
}

describe("flexible: PostgresServer under mocks", async () => {
    const run = await runProgram(program("prod", { geoRedundantBackup: true }), { outputs });
    const dev = await runProgram(program("dev"), { outputs });
    const server = run.one("azure-native:dbforpostgresql:Server");

    it("is PostgreSQL 17 with private VNet access only: a delegated subnet and a private DNS zone linked to the VNet", () => {
        assert.equal(server.inputs.version, "17");
        const subnet = run.one("azure-native:network:Subnet").inputs;
        assert.equal(subnet.virtualNetworkName, "mlp-prod-vnet");
        assert.equal(subnet.addressPrefix, "10.30.16.0/24");
        assert.deepEqual(subnet.delegations, [{ name: "flexible-server", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }]);
        const zone = run.one("azure-native:privatedns:PrivateZone").inputs;
        assert.match(zone.privateZoneName, /^mlp-prod-pg-[0-9a-f]{8}\.private\.postgres\.database\.azure\.com$/);
        const link = run.one("azure-native:privatedns:VirtualNetworkLink");
        assert.deepEqual(link.inputs.virtualNetwork, { id: VNET_ID });
        assert.equal(link.inputs.registrationEnabled, false);
        assert.equal(server.inputs.network.publicNetworkAccess, "Disabled");
        assert.equal(subnet.subnetName, "mlp-prod-postgres");
        assert.equal(server.inputs.network.delegatedSubnetResourceId, mockId("azure-native:network:Subnet", "postgres-subnet"));
        assert.equal(server.inputs.network.privateDnsZoneArmResourceId, mockId("azure-native:privatedns:PrivateZone", "postgres-dns"));
        assert.ok(server.dependencies.includes(link.urn), "the zone is linked before the server is created");
        assert.match(run.result.host, /^mlp-prod-pg-[0-9a-f]{8}\.postgres\.database\.azure\.com$/);
    });

    it("prod: zone-redundant HA, General Purpose, 35-day backups, geo-redundant when asked, protected", () => {
        assert.deepEqual(server.inputs.highAvailability, { mode: "ZoneRedundant", standbyAvailabilityZone: "2" });
        assert.equal(server.inputs.availabilityZone, "1");
        assert.deepEqual(server.inputs.sku, { name: "Standard_D2ds_v5", tier: "GeneralPurpose" });
        assert.deepEqual(server.inputs.backup, { backupRetentionDays: 35, geoRedundantBackup: "Enabled" });
        assert.equal(server.inputs.storage.autoGrow, "Enabled");
        assert.equal(server.protect, true);
        for (const d of run.byType("azure-native:dbforpostgresql:Database")) assert.equal(d.retainOnDelete, true);
    });

    it("dev: Burstable without HA, 7-day local backups, destroyable", () => {
        const d = dev.one("azure-native:dbforpostgresql:Server");
        assert.equal(d.inputs.highAvailability.mode, "Disabled");
        assert.deepEqual(d.inputs.sku, { name: "Standard_B1ms", tier: "Burstable" });
        assert.deepEqual(d.inputs.backup, { backupRetentionDays: 7, geoRedundantBackup: "Disabled" });
        assert.equal(d.protect, false);
        assert.throws(() => flexibleServerSettings({ environment: "dev", highAvailability: true }), /Burstable/);
        assert.throws(() => flexibleServerSettings({ environment: "prod", backupRetentionDays: 90 }), /7-35/);
    });

    it("sets wal_level=logical for CDC and enforces TLS, one parameter after another", () => {
        const configs = run.byType("azure-native:dbforpostgresql:Configuration");
        assert.deepEqual(
            configs.map((c) => [c.inputs.configurationName, c.inputs.value, c.inputs.source]),
            [
                ["wal_level", "logical", "user-override"],
                ["require_secure_transport", "on", "user-override"],
                ["max_slot_wal_keep_size", "10240", "user-override"],
            ],
        );
        assert.ok(configs[1].dependencies.includes(configs[0].urn) && configs[2].dependencies.includes(configs[1].urn));
    });

    it("the admin password is generated and secret; the server gets it only as a secret input", () => {
        assert.equal(server.inputs.administratorLogin, "mlpadmin");
        assert.equal(server.inputs.administratorLoginPassword, "generated-postgres-admin-password");
        assert.ok(server.secretInputs.has("administratorLoginPassword"));
        assert.equal(server.inputs.authConfig.passwordAuth, "Enabled");
    });

    it("database(): an ARM database, then the role via a psql Job (no ARM user resource exists), then the Secret", () => {
        const db = run.byType("azure-native:dbforpostgresql:Database").find((d) => d.inputs.databaseName === "mlflow")!;
        assert.equal(db.inputs.charset, "UTF8");
        const job = run.byType("kubernetes:batch/v1:Job").find((j) => j.name === "mlflow-db-provision")!;
        assert.ok(job.dependencies.includes(db.urn) && job.dependencies.includes(server.urn));
        const [c] = containersOf(job);
        assert.match(c.command[2], /CREATE ROLE "mlflow" LOGIN/);
        assert.match(c.command[2], /ALTER DATABASE "mlflow" OWNER TO "mlflow";/);
        const env = Object.fromEntries(c.env.map((e: any) => [e.name, e]));
        assert.equal(env.PGSSLMODE.value, "require");
        assert.deepEqual(env.PGUSER.valueFrom, { secretKeyRef: { name: "postgres-admin", key: "username" } });
        const secret = run.byType("kubernetes:core/v1:Secret").find((s) => s.name === "mlflow-db-connection")!;
        assert.equal(secret.inputs.metadata.namespace, "ml-tracking");
        assert.match(secret.inputs.stringData["jdbc-url"], /^jdbc:postgresql:\/\/mlp-prod-pg-[0-9a-f]{8}\.postgres\.database\.azure\.com:5432\/mlflow\?sslmode=require$/);
        assert.equal(run.result.secretName, "mlflow-postgres");
    });

    it("the CDC Job fails with restart advice when wal_level has not taken effect yet", () => {
        const job = run.byType("kubernetes:batch/v1:Job").find((j) => j.name === "shop-cdc-provision")!;
        assert.match(containersOf(job)[0].command[2], /az postgres flexible-server restart/);
        assert.equal(job.inputs.metadata.annotations["pulumi.com/replaceUnready"], "true", "a failed run is retried on the next up");
    });

    it("creates no in-cluster database, and sends Kubernetes objects through the explicit provider", () => {
        assert.equal(run.byType("kubernetes:apps/v1:StatefulSet").length, 0);
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, run.result.providerUrn), []);
    });
});
