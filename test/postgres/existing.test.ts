import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { networkPolicies, PostgresServer, PostgresServerArgs } from "../../components";
import { mockSecretValue, runProgram, unwrap } from "../harness";
import { Consumer, containersOf, newProvider, outputs } from "../storage/fixtures";
import { clientNs } from "../fakes";

const args: PostgresServerArgs = {
    flavor: "existing",
    host: "10.60.0.9",
    port: 6432,
    sslMode: "require",
    adminSecret: { namespace: "dba", name: "pg-admin", usernameKey: "username", passwordKey: "password" },
};

function program(a: PostgresServerArgs) {
    return async () => {
        const k8s = { providers: [newProvider()] };
        const postgres = new PostgresServer("postgres", a, k8s);
        const consumer = new Consumer("tracking", k8s);
        const db = postgres.database("mlflow-db", { namespace: clientNs("ml-tracking"), database: "mlflow" }, consumer);
        return { postgres, db, uri: await unwrap(db.uri), host: await unwrap(postgres.host) };
    };
}

describe("PostgresServer flavor existing: a server by host, port and admin Secret", async () => {
    const run = await runProgram(program(args), { outputs });

    it("creates no server of any kind", () => {
        const servers = run.resources.filter((r) => /sql\/databaseInstance|dbforpostgresql|StatefulSet|sql\/user|sql\/database:/.test(r.type));
        assert.deepEqual(servers.map((r) => r.type), []);
    });

    it("copies the admin credential once into its own namespace, from the Secret named, as a Pulumi secret", () => {
        assert.equal(run.one("kubernetes:core/v1:Namespace").inputs.metadata.name, "ml-postgres");
        const admin = run.one("kubernetes:core/v1:Secret", "postgres-admin");
        assert.equal(admin.inputs.metadata.namespace, "ml-postgres");
        assert.ok(admin.secretInputs.has("stringData"));
        assert.deepEqual(admin.inputs.stringData, { username: mockSecretValue("dba/pg-admin", "username"), password: mockSecretValue("dba/pg-admin", "password") });
    });

    it("database() provisions a database and role with the same psql Job, at the given host, port and sslmode", () => {
        const job = run.one("kubernetes:batch/v1:Job");
        assert.equal(job.inputs.metadata.namespace, "ml-postgres");
        const env = Object.fromEntries(containersOf(job)[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom.secretKeyRef]));
        assert.equal(env.PGHOST, "10.60.0.9");
        assert.equal(env.PGPORT, "6432");
        assert.equal(env.PGSSLMODE, "require");
        assert.deepEqual(env.PGPASSWORD, { name: "postgres-admin", key: "password" });
        // A managed admin (the default): roles are granted to it, no superuser attributes are set.
        assert.match(containersOf(job)[0].command[2], /GRANT "mlflow" TO CURRENT_USER;/);
        assert.equal(run.result.uri, "postgresql://mlflow:generated-mlflow-db-password@10.60.0.9:6432/mlflow?sslmode=require");
        assert.equal(run.one("kubernetes:core/v1:Secret", "mlflow-db-connection").inputs.metadata.namespace, "ml-tracking");
    });

    it("flows go to the server's address when it is an IP, on its port; any address for a DNS name, or the peer given", async () => {
        assert.deepEqual(run.result.db.flows.map((f) => [f.from, f.to, f.ports]), [["ml-tracking", { cidr: "10.60.0.9/32" }, [6432]]]);
        assert.deepEqual(run.result.postgres.flows.map((f) => [f.from, f.to, f.ports]), [["ml-postgres", { cidr: "10.60.0.9/32" }, [6432]]]);
        const named = await runProgram(program({ ...args, host: "pg.corp.example.com" } as PostgresServerArgs), { outputs });
        assert.deepEqual(named.result.db.flows[0].to, { cidr: "0.0.0.0/0" });
        const peer = await runProgram(program({ ...args, host: "pg.corp.example.com", peer: { cidr: "10.60.0.0/20" } } as PostgresServerArgs), { outputs });
        assert.deepEqual(peer.result.db.flows[0].to, { cidr: "10.60.0.0/20" });
        assert.equal(peer.result.postgres.sslMode, "require");
        // A server in the cluster, in a namespace the platform does not manage: its pods, since ipBlock never matches pods on Cilium.
        const inCluster = await runProgram(program({ ...args, host: "pg.team-db.svc.cluster.local", sslMode: "disable" } as PostgresServerArgs), { outputs });
        assert.deepEqual(inCluster.result.db.flows[0].to, { unmanagedNamespace: "team-db" });
        const egress: any = networkPolicies(["ml-tracking"], inCluster.result.db.flows).find((p) => p.metadata.name === "egress-team-db-6432")!;
        assert.deepEqual(egress.spec.egress[0].to, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "team-db" } } }]);
    });

    it("bad input fails before anything is registered, naming the arg, the value and what was expected", async () => {
        const cases: [Partial<Record<string, unknown>>, RegExp][] = [
            [{ host: "postgres://db:5432" }, /host "postgres:\/\/db:5432": expected a DNS name or an IPv4 address/],
            [{ port: 0 }, /port 0: expected an integer 1-65535/],
            [{ sslMode: "verify-full" }, /sslMode "verify-full": expected "require" or "disable"/],
            [{ adminSecret: { name: "pg-admin" } }, /adminSecret \{"name":"pg-admin"\}: expected \{ namespace, name \}/],
            [{ adminSecret: { namespace: "dba", name: "pg-admin", passwordKey: "pass word" } }, /adminSecret\.passwordKey "pass word": expected a Secret key/],
            [{ namespace: "dba" }, /namespace "dba": expected a namespace the component creates, not adminSecret's own/],
            [{ admin: "root" }, /admin "root": expected "managed" or "superuser"/],
            [{ environment: "prod", instanceName: "pg" }, /environment, instanceName would not be used by flavor "existing"; expected only flavor, host/],
            [{ flavor: "rds" }, /flavor "rds": expected "in-cluster", "cloudsql", "flexible" or "existing"/],
        ];
        for (const [patch, error] of cases) {
            const bad = await runProgram(() => {
                assert.throws(() => new PostgresServer("postgres", { ...args, ...patch } as PostgresServerArgs, { providers: [newProvider()] }), error);
            });
            assert.deepEqual(bad.resources.filter((r) => r.type !== "pulumi:providers:kubernetes"), [], JSON.stringify(patch));
        }
    });
});
