import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { postgresDevResources, postgresServerFlags, postgresStatefulSet, psqlJob } from "../../components/postgres/spec";
import { jobResources } from "../../components/storage/pod";

const sts = postgresStatefulSet({
    namespace: "ml-postgres",
    image: "docker.io/library/postgres:17.11-trixie",
    labels: { app: "postgres" },
    serviceName: "postgres-headless",
    adminSecretName: "postgres-admin",
    storageClassName: "standard",
    storageSize: "10Gi",
    resources: postgresDevResources,
});
const pod = sts.spec.template.spec;
const [container] = pod.containers;

describe("postgres manifests (pure)", () => {
    it("starts with logical decoding for CDC and a cap on WAL pinned by abandoned slots", () => {
        assert.deepEqual(postgresServerFlags(), [
            "-c", "wal_level=logical",
            "-c", "max_wal_senders=10",
            "-c", "max_replication_slots=10",
            "-c", "max_slot_wal_keep_size=2GB",
            "-c", "password_encryption=scram-sha-256",
        ]);
        assert.deepEqual(container.args, postgresServerFlags());
    });

    it("runs the official image as the postgres user (999) with a read-only root filesystem", () => {
        assert.equal(container.image, "docker.io/library/postgres:17.11-trixie");
        assert.equal(pod.securityContext.runAsUser, 999);
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.equal(pod.securityContext.fsGroup, 999);
        assert.deepEqual(pod.securityContext.seccompProfile, { type: "RuntimeDefault" });
        assert.deepEqual(container.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        // Everything Postgres writes outside PGDATA is an emptyDir.
        assert.deepEqual(container.volumeMounts.map((m) => m.mountPath), ["/var/lib/postgresql/data", "/var/run/postgresql", "/tmp", "/dev/shm"]);
    });

    it("reads the superuser password only from the admin Secret and keeps PGDATA in a subdirectory", () => {
        assert.deepEqual(container.env, [
            { name: "POSTGRES_USER", value: "postgres" },
            { name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: "postgres-admin", key: "password" } } },
            { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
        ]);
    });

    it("has pg_isready probes, requests and limits, and a PVC retained on delete and scale-down", () => {
        assert.deepEqual(container.readinessProbe.exec.command, ["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]);
        assert.ok(container.livenessProbe.initialDelaySeconds >= 30);
        assert.deepEqual(container.resources, { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "1Gi" } });
        assert.deepEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
        assert.equal(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "10Gi");
        assert.equal(sts.spec.replicas, 1);
    });

    it("the psql Job connects with admin credentials by reference and pipes the script on stdin", () => {
        const job = psqlJob({
            name: "provision-mlflow",
            namespace: "ml-postgres",
            image: "psql-image",
            labels: {},
            host: "10.60.0.5",
            port: 5432,
            sslMode: "require",
            adminSecretName: "postgres-admin",
            roleSecretName: "role-mlflow",
            script: "SELECT 1;\n",
            resources: jobResources,
        });
        const c = job.spec.template.spec.containers[0];
        assert.deepEqual(c.command, ["/bin/sh", "-ec", "psql --no-psqlrc --file=- <<'SQL'\nSELECT 1;\nSQL\n"]);
        const env = Object.fromEntries(c.env.map((e: any) => [e.name, e]));
        assert.equal(env.PGHOST.value, "10.60.0.5");
        assert.equal(env.PGSSLMODE.value, "require");
        assert.deepEqual(env.PGUSER.valueFrom, { secretKeyRef: { name: "postgres-admin", key: "username" } });
        assert.deepEqual(env.PGPASSWORD.valueFrom, { secretKeyRef: { name: "postgres-admin", key: "password" } });
        assert.deepEqual(env.ROLE_PASSWORD.valueFrom, { secretKeyRef: { name: "role-mlflow", key: "password" } });
        for (const e of c.env) assert.ok(e.value === undefined || !/pass/i.test(e.name), `${e.name} is not a literal secret`);
        assert.equal(job.metadata.annotations["pulumi.com/replaceUnready"], "true");
        assert.equal(job.spec.template.spec.securityContext.runAsNonRoot, true);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    });
});
