import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PostgresServer } from "../../components";
import { cloudSqlSettings } from "../../components/postgres/cloudsql";
import { kubernetesResourcesWithoutProvider, runProgram, unwrap } from "../harness";
import type { Registration } from "../harness";
import { Consumer, containersOf, gcpInfo, newProvider, outputs } from "../storage/fixtures";
import { clientNs } from "../fakes";

function program(environment: "dev" | "prod") {
    return async () => {
        const provider = newProvider();
        const pg = new PostgresServer("postgres", { flavor: "cloudsql", environment, gcp: gcpInfo(), instanceName: "mlp-prod-pg" }, { providers: [provider] });
        const consumer = new Consumer("orchestrator", { providers: [provider] });
        const db = pg.database("airflow-db", { namespace: clientNs("ml-orchestrator"), database: "airflow" }, consumer);
        const cdc = pg.database("shop-cdc", { namespace: clientNs("ml-streaming"), database: "shop", replication: true }, consumer);
        return { providerUrn: await unwrap(provider.urn), host: await unwrap(pg.host), secretName: await unwrap(db.secretName), cdc };
    };
}

describe("cloudsql: PostgresServer under mocks", async () => {
    const run = await runProgram(program("prod"), { outputs });
    const dev = await runProgram(program("dev"), { outputs });
    const instance = run.one("gcp:sql/databaseInstance:DatabaseInstance");
    const settings = instance.inputs.settings;

    it("is PostgreSQL 17 on a private IP only, in the cluster's VPC, with TLS required", () => {
        assert.equal(instance.inputs.databaseVersion, "POSTGRES_17");
        assert.equal(instance.inputs.region, "europe-west1");
        assert.equal(settings.ipConfiguration.ipv4Enabled, false);
        assert.equal(settings.ipConfiguration.privateNetwork, gcpNetwork());
        assert.equal(settings.ipConfiguration.sslMode, "ENCRYPTED_ONLY");
        assert.equal(settings.ipConfiguration.allocatedIpRange, "mlp-prod-pg-psa");
        assert.equal(run.result.host, "10.60.0.5");
    });

    it("sets up private service access: a VPC_PEERING range and the service networking connection, kept on destroy", () => {
        const range = run.one("gcp:compute/globalAddress:GlobalAddress").inputs;
        assert.deepEqual(
            { purpose: range.purpose, addressType: range.addressType, prefixLength: range.prefixLength, network: range.network },
            { purpose: "VPC_PEERING", addressType: "INTERNAL", prefixLength: 20, network: gcpNetwork() },
        );
        const peering = run.one("gcp:servicenetworking/connection:Connection");
        assert.equal(peering.inputs.service, "servicenetworking.googleapis.com");
        assert.deepEqual(peering.inputs.reservedPeeringRanges, ["mlp-prod-pg-psa"]);
        assert.equal(peering.inputs.deletionPolicy, "ABANDON");
        assert.ok(instance.dependencies.includes(peering.urn), "the instance waits for the peering");
    });

    it("prod: REGIONAL, automated backups with point-in-time recovery, deletion protection at GCP and in Pulumi", () => {
        assert.equal(settings.availabilityType, "REGIONAL");
        assert.deepEqual(settings.backupConfiguration, {
            enabled: true,
            pointInTimeRecoveryEnabled: true,
            startTime: "02:00",
            transactionLogRetentionDays: 7,
            backupRetentionSettings: { retainedBackups: 30, retentionUnit: "COUNT" },
        });
        assert.equal(instance.inputs.deletionProtection, true);
        assert.equal(settings.deletionProtectionEnabled, true);
        assert.equal(settings.retainBackupsOnDelete, true);
        assert.equal(instance.protect, true);
        assert.equal(settings.edition, "ENTERPRISE");
    });

    it("dev: ZONAL, smaller, destroyable, still backed up with PITR", () => {
        const d = dev.one("gcp:sql/databaseInstance:DatabaseInstance");
        assert.equal(d.inputs.settings.availabilityType, "ZONAL");
        assert.equal(d.inputs.settings.tier, "db-custom-1-3840");
        assert.equal(d.inputs.deletionProtection, false);
        assert.equal(d.protect, false);
        assert.equal(d.inputs.settings.backupConfiguration.pointInTimeRecoveryEnabled, true);
        for (const db of dev.byType("gcp:sql/database:Database")) {
            assert.equal(db.retainOnDelete, false);
            assert.equal(db.inputs.deletionPolicy, "DELETE");
        }
    });

    it("turns on logical decoding for CDC", () => {
        assert.deepEqual(settings.databaseFlags, [{ name: "cloudsql.logical_decoding", value: "on" }]);
    });

    it("provisions through a dedicated admin user with a generated secret password", () => {
        const admin = run.one("gcp:sql/user:User");
        assert.equal(admin.inputs.name, "mlp_admin");
        assert.equal(admin.inputs.password, "generated-postgres-admin-password");
        assert.ok(admin.secretInputs.has("password"));
        // Consumers are not Cloud SQL API users (those would all join cloudsqlsuperuser).
        assert.equal(run.byType("gcp:sql/user:User").length, 1);
    });

    it("each consumer database is a Cloud SQL database, retained in prod, then owned by its role via the psql Job", () => {
        const dbs = Object.fromEntries<Registration>(run.byType("gcp:sql/database:Database").map((d) => [d.inputs.name, d]));
        assert.deepEqual(Object.keys(dbs).sort(), ["airflow", "shop"]);
        for (const d of Object.values(dbs)) {
            assert.equal(d.retainOnDelete, true);
            assert.equal(d.inputs.deletionPolicy, "ABANDON");
            assert.equal(d.inputs.charset, "UTF8");
        }
        const job = run.byType("kubernetes:batch/v1:Job").find((j) => j.name === "airflow-db-provision")!;
        const [c] = containersOf(job);
        const env = Object.fromEntries(c.env.map((e: any) => [e.name, e]));
        assert.equal(env.PGHOST.value, "10.60.0.5");
        assert.equal(env.PGSSLMODE.value, "require");
        assert.match(c.command[2], /GRANT "airflow" TO CURRENT_USER;/);
        assert.doesNotMatch(c.command[2], /SUPERUSER/);
        for (const dep of [dbs.airflow.urn, instance.urn, run.one("gcp:sql/user:User").urn]) assert.ok(job.dependencies.includes(dep));
    });

    it("the CDC role gets REPLICATION", () => {
        const job = run.byType("kubernetes:batch/v1:Job").find((j) => j.name === "shop-cdc-provision")!;
        assert.match(containersOf(job)[0].command[2], /ALTER ROLE "shop" WITH REPLICATION;/);
    });

    it("consumer Secrets carry sslmode=require and reach only the consumer's namespace", () => {
        const s = run.byType("kubernetes:core/v1:Secret").find((x) => x.name === "airflow-db-connection")!;
        assert.equal(s.inputs.metadata.namespace, "ml-orchestrator");
        assert.equal(s.inputs.stringData.uri, "postgresql://airflow:generated-airflow-db-password@10.60.0.5:5432/airflow?sslmode=require");
        assert.ok(s.secretInputs.has("stringData"));
        assert.equal(run.result.secretName, "airflow-postgres");
    });

    it("creates no in-cluster database, and sends Kubernetes objects through the explicit provider", () => {
        assert.equal(run.byType("kubernetes:apps/v1:StatefulSet").length, 0);
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, run.result.providerUrn), []);
    });

    it("settings table as data", () => {
        assert.equal(cloudSqlSettings({ environment: "prod", availabilityType: "ZONAL" }).availabilityType, "ZONAL");
        assert.equal(cloudSqlSettings({ environment: "dev" }).backupConfiguration.backupRetentionSettings.retainedBackups, 7);
    });
});

function gcpNetwork() {
    return "https://www.googleapis.com/compute/v1/projects/acme-ml-prod/global/networks/mlp-prod-vpc";
}
