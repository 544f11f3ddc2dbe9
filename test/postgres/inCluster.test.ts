import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { databaseSecretKeys, PostgresServer } from "../../components";
import { kubernetesResourcesWithoutProvider, runProgram, unwrap } from "../harness";
import type { Registration } from "../harness";
import { cloudResources, Consumer, containersOf, newProvider, outputs } from "../storage/fixtures";
import { clientNs } from "../fakes";

describe("in-cluster: PostgresServer under mocks", async () => {
    const run = await runProgram(
        async () => {
            const provider = newProvider();
            const pg = new PostgresServer("postgres", { flavor: "in-cluster", environment: "dev" }, { providers: [provider] });
            const consumer = new Consumer("streaming", { providers: [provider] });
            const cdc = pg.database("shop-cdc", { namespace: clientNs("ml-streaming"), database: "shop", replication: true }, consumer);
            const metastore = pg.database("metastore-db", { namespace: clientNs("ml-lakehouse"), database: "metastore" }, consumer);
            return {
                providerUrn: await unwrap(provider.urn),
                host: await unwrap(pg.host),
                cdc: { ...cdc, host: await unwrap(cdc.host), secretName: await unwrap(cdc.secretName) },
                metastoreSecret: await unwrap(metastore.secretName),
            };
        },
        { outputs },
    );
    const jobs = Object.fromEntries<Registration>(run.byType("kubernetes:batch/v1:Job").map((j) => [j.name, j]));
    const secrets = Object.fromEntries<Registration>(run.byType("kubernetes:core/v1:Secret").map((s) => [s.name, s]));

    it("creates no cloud resource", () => {
        assert.deepEqual(cloudResources(run.resources), []);
    });

    it("deploys every Kubernetes object through the explicit provider", () => {
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, run.result.providerUrn), []);
    });

    it("runs the pinned official postgres image as a StatefulSet with a PVC on kind's class and a Service", () => {
        const sts = run.one("kubernetes:apps/v1:StatefulSet");
        assert.equal(containersOf(sts)[0].image, "docker.io/library/postgres:17.11-trixie");
        assert.match(containersOf(sts)[0].args.join(" "), /wal_level=logical/);
        assert.equal(sts.inputs.spec.volumeClaimTemplates[0].spec.storageClassName, "standard");
        const svc = run.byType("kubernetes:core/v1:Service").find((s) => s.inputs.metadata.name === "postgres")!;
        assert.deepEqual(svc.inputs.spec.ports, [{ name: "postgres", port: 5432, targetPort: "postgres" }]);
        assert.equal(run.result.host, "postgres.ml-postgres.svc.cluster.local");
    });

    it("generates every password with @pulumi/random and keeps it a Pulumi secret", () => {
        assert.deepEqual(
            run.byType("random:index/randomPassword:RandomPassword").map((r) => r.name).sort(),
            ["metastore-db-password", "postgres-admin-password", "shop-cdc-password"],
        );
        for (const s of Object.values(secrets)) assert.ok(s.secretInputs.has("stringData"), s.name);
        assert.equal(secrets["postgres-admin"].inputs.stringData.password, "generated-postgres-admin-password");
    });

    it("no password appears in a manifest: server and Jobs reference Secrets", () => {
        const manifests = JSON.stringify([...run.byType("kubernetes:apps/v1:StatefulSet"), ...run.byType("kubernetes:batch/v1:Job")].map((r) => r.inputs));
        assert.doesNotMatch(manifests, /generated-/);
    });

    it("each database() runs an idempotent psql Job as the superuser, in the server's namespace, after the server is up", () => {
        const job = jobs["shop-cdc-provision"];
        assert.equal(job.inputs.metadata.namespace, "ml-postgres");
        assert.equal(job.inputs.metadata.name, "provision-shop");
        assert.equal(job.deleteBeforeReplace, true);
        const [c] = containersOf(job);
        assert.equal(c.image, "docker.io/library/postgres:17.11-trixie");
        assert.match(c.command[2], /CREATE ROLE "shop" LOGIN/);
        assert.match(c.command[2], /NOCREATEROLE REPLICATION;/);
        assert.match(c.command[2], /current_setting\('wal_level'\) <> 'logical'/);
        const env = Object.fromEntries(c.env.map((e: any) => [e.name, e]));
        assert.equal(env.PGHOST.value, "postgres.ml-postgres.svc.cluster.local");
        assert.equal(env.PGSSLMODE.value, "disable");
        assert.deepEqual(env.ROLE_PASSWORD.valueFrom, { secretKeyRef: { name: "role-shop", key: "password" } });
        assert.ok(job.dependencies.includes(run.one("kubernetes:apps/v1:StatefulSet").urn));
        assert.doesNotMatch(containersOf(jobs["metastore-db-provision"])[0].command[2], /wal_level/);
    });

    it("delivers a Secret with every contract key to the consumer's namespace, only after the Job succeeded", () => {
        const s = secrets["shop-cdc-connection"];
        assert.equal(s.inputs.metadata.namespace, "ml-streaming");
        assert.equal(s.inputs.metadata.name, "shop-postgres");
        assert.deepEqual(Object.keys(s.inputs.stringData).sort(), Object.values(databaseSecretKeys).sort());
        assert.deepEqual(s.inputs.stringData, {
            username: "shop",
            password: "generated-shop-cdc-password",
            host: "postgres.ml-postgres.svc.cluster.local",
            port: "5432",
            database: "shop",
            uri: "postgresql://shop:generated-shop-cdc-password@postgres.ml-postgres.svc.cluster.local:5432/shop?sslmode=disable",
            "jdbc-url": "jdbc:postgresql://postgres.ml-postgres.svc.cluster.local:5432/shop?sslmode=disable",
        });
        assert.ok(s.dependencies.includes(jobs["shop-cdc-provision"].urn));
        assert.deepEqual(
            { host: run.result.cdc.host, port: run.result.cdc.port, database: run.result.cdc.database, username: run.result.cdc.username, secret: run.result.cdc.secretName },
            { host: "postgres.ml-postgres.svc.cluster.local", port: 5432, database: "shop", username: "shop", secret: "shop-postgres" },
        );
        assert.equal(run.result.metastoreSecret, "metastore-postgres");
    });

    it("the consumer owns what database() creates", () => {
        const consumer = run.one("test:consumer:Consumer").urn;
        for (const name of ["shop-cdc-password", "shop-cdc-provision", "shop-cdc-connection"]) {
            assert.equal(run.resources.find((r) => r.name === name)!.parent, consumer, name);
        }
    });
});

describe("in-cluster: refused outside dev", () => {
    it("fails fast in prod, pointing at the managed flavors", async () => {
        await assert.rejects(
            runProgram(() => new PostgresServer("pg", { flavor: "in-cluster", environment: "prod" }, { providers: [newProvider()] })),
            /flavor "in-cluster" is a single-pod dev server and is refused for environment "prod"; use flavor "cloudsql" \(GKE\) or "flexible" \(AKS\)/,
        );
    });
});
