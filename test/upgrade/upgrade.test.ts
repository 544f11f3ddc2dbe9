import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { runProgram, shippedStackConfig, shippedStacks } from "../harness";
import { loadStackConfig } from "../../stacks/config";
import { buildPlatform } from "../../stacks/platform";

/**
 * A shipped stack with the login path the recorded releases had: the basic-auth fallback (`ingress.auth: basic`).
 * Switching to single sign-on retires the generated basic-auth logins of the UIs without their own (their Secrets
 * and passwords), by the user's choice: CHANGELOG "Unreleased" says so; everything stateful is kept either way.
 */
async function constructWithReleasedLogins(stack: string) {
    const ingress = stack === "dev" ? { auth: "basic" } : { domain: "ml.acme.io", tls: { acme: { email: "platform@acme.io" } }, auth: "basic" };
    const { config, secretKeys } = shippedStackConfig(stack, { "ml-platform:ingress": ingress });
    for (const key of ["ml-platform:sso", "ml-platform:ssoClientSecret"]) delete config[key];
    return runProgram(() => buildPlatform(loadStackConfig()), { stack, config, secretKeys: secretKeys.filter((k) => k !== "ml-platform:ssoClientSecret") });
}
import { compareWithBaseline, currentEntries, guardReason, physicalIdentity } from "./identity";
import { readSnapshot, releases } from "./releases";

describe("upgrades from every recorded release keep what a running platform holds", () => {
    it("has a recorded release for every shipped stack", () => {
        assert.ok(releases().length > 0);
        for (const release of releases()) for (const stack of shippedStacks) assert.ok(readSnapshot(release, stack).length > 100, `${release}/${stack}`);
    });

    for (const stack of shippedStacks) {
        it(`${stack}: no guarded resource is deleted, replaced or re-created under a new URN`, async (t) => {
            const current = currentEntries((await constructWithReleasedLogins(stack)).resources);
            for (const release of releases()) {
                const { violations, notes } = compareWithBaseline(readSnapshot(release, stack), current);
                assert.deepEqual(violations, [], `upgrading ${stack} from ${release}`);
                t.diagnostic(`from ${release}: ${notes.length} other change(s)${notes.length ? `:\n${notes.join("\n")}` : ""}`);
            }
        });
    }
});

/** A component standing in for any of the platform's (its type is part of its children's URNs, its name is not). */
class Part extends pulumi.ComponentResource {
    constructor(type: string, name: string, opts?: pulumi.ComponentResourceOptions) {
        super(`mlplatform:test:${type}`, name, {}, opts);
    }
}

type Parts = { db: Part; app: Part; k8s: pulumi.CustomResourceOptions };

/** Version 1 of a small program: a volume claim and a password in the component "db". */
function v1({ db, k8s: provider }: Parts, claimName = "data") {
    new k8s.core.v1.PersistentVolumeClaim("db-data", { metadata: { name: claimName, namespace: "ml" }, spec: {} }, { parent: db, ...provider });
    new random.RandomPassword("db-password", { length: 24 }, { parent: db });
}

/** What `pulumi up` of version `v2` would do to a platform deployed with version 1. */
async function upgrade(v2: (parts: Parts) => void) {
    const program = (version: (parts: Parts) => void) => () =>
        version({ db: new Part("Database", "db"), app: new Part("App", "app"), k8s: { provider: new k8s.Provider("k8s", { kubeconfig: "{}" }) } });
    const before = currentEntries((await runProgram(program(v1))).resources);
    const after = currentEntries((await runProgram(program(v2))).resources);
    return compareWithBaseline(before, after);
}

describe("the comparison catches what an upgrade would lose", () => {
    it("a PVC whose Kubernetes name changes is a new, empty volume", async () => {
        const { violations } = await upgrade((parts) => v1(parts, "data-v2"));
        assert.equal(violations.length, 1);
        assert.match(violations[0], /PersistentVolumeClaim::db-data: identity core\/PersistentVolumeClaim ml\/data -> core\/PersistentVolumeClaim ml\/data-v2; the provider replaces it with a new, empty one \(holds a volume\)/);
    });

    it("a RandomPassword moved to another parent without an alias is deleted (a new password)", async () => {
        const { violations } = await upgrade(({ db, app, k8s: provider }) => {
            new k8s.core.v1.PersistentVolumeClaim("db-data", { metadata: { name: "data", namespace: "ml" }, spec: {} }, { parent: db, ...provider });
            new random.RandomPassword("db-password", { length: 24 }, { parent: app });
        });
        assert.deepEqual(violations, [
            "urn:pulumi:test::ml-platform::mlplatform:test:Database$random:index/randomPassword:RandomPassword::db-password: gone, and no resource has an alias to it; " +
                "pulumi up would delete it (a generated credential: a new one rotates it under every consumer)",
        ]);
    });

    it("the same move with an alias to its old parent resolves to the old URN and passes", async () => {
        const { violations, notes } = await upgrade(({ db, app, k8s: provider }) => {
            new k8s.core.v1.PersistentVolumeClaim("db-data", { metadata: { name: "data", namespace: "ml" }, spec: {} }, { parent: db, ...provider });
            new random.RandomPassword("db-password", { length: 24 }, { parent: app, aliases: [{ parent: db }] });
        });
        assert.deepEqual(violations, []);
        assert.ok(notes.includes(
            "moved urn:pulumi:test::ml-platform::mlplatform:test:Database$random:index/randomPassword:RandomPassword::db-password " +
                "(now urn:pulumi:test::ml-platform::mlplatform:test:App$random:index/randomPassword:RandomPassword::db-password, by alias)",
        ), notes.join("\n"));
    });

    it("a renamed component carries its children through the alias it inherits", async () => {
        const run = await runProgram(() => {
            const store = new Part("Store", "store", { aliases: [{ name: "db", type: "mlplatform:test:Database" }] });
            new random.RandomPassword("store-password", { length: 24 }, { parent: store });
        });
        const password = run.one("random:index/randomPassword:RandomPassword");
        assert.ok(password.aliases.includes("urn:pulumi:test::ml-platform::mlplatform:test:Database$random:index/randomPassword:RandomPassword::db-password"), password.aliases.join("\n"));
    });

    it("a Kubernetes object re-declared under a new URN without an alias fails to create (AlreadyExists)", async () => {
        const before = [{ urn: "urn:pulumi:test::ml-platform::kubernetes:core/v1:ConfigMap::old", identity: "core/ConfigMap ml/settings" }];
        const after = [{ urn: "urn:pulumi:test::ml-platform::kubernetes:core/v1:ConfigMap::new", identity: "core/ConfigMap ml/settings", aliases: [] }];
        assert.match(compareWithBaseline(before, after).violations[0], /core\/ConfigMap ml\/settings is now declared by .*::new, which has no alias to it/);
        assert.deepEqual(compareWithBaseline(before, [{ ...after[0], aliases: [before[0].urn] }]).violations, []);
    });

    it("resources that hold nothing may come and go, as notes", () => {
        const before = [{ urn: "urn:pulumi:test::ml-platform::kubernetes:networking.k8s.io/v1:NetworkPolicy::old", identity: "networking.k8s.io/NetworkPolicy ml/a" }];
        const after = [{ urn: "urn:pulumi:test::ml-platform::kubernetes:networking.k8s.io/v1:NetworkPolicy::new", identity: "networking.k8s.io/NetworkPolicy ml/b", aliases: [] }];
        assert.deepEqual(compareWithBaseline(before, after), { violations: [], notes: [`removed ${before[0].urn}`, `added ${after[0].urn}`] });
    });
});

describe("physical identity and guarded kinds", () => {
    it("names a StatefulSet by namespace, name and the claim templates that name its PVCs", () => {
        const sts = { type: "kubernetes:apps/v1:StatefulSet", inputs: { metadata: { name: "postgres", namespace: "ml-postgres" }, spec: { volumeClaimTemplates: [{ metadata: { name: "data" } }] } } };
        assert.equal(physicalIdentity(sts), "apps/StatefulSet ml-postgres/postgres volumes=data");
        assert.equal(physicalIdentity({ type: "kubernetes:helm.sh/v3:Release", inputs: { name: "kps", namespace: "ml-monitoring" } }), "helm ml-monitoring/kps");
        assert.equal(physicalIdentity({ type: "gcp:storage/bucket:Bucket", inputs: { project: "p", location: "EU", name: "b" } }), "project=p location=EU name=b");
        assert.equal(physicalIdentity({ type: "kubernetes:batch/v1:Job", inputs: { metadata: { namespace: "ml" } } }), undefined);
    });

    it("guards data, credentials and identities, and nothing that holds none", () => {
        for (const t of ["kubernetes:core/v1:Namespace", "kubernetes:core/v1:PersistentVolumeClaim", "random:index/randomBytes:RandomBytes", "gcp:sql/databaseInstance:DatabaseInstance", "azure-native:storage:StorageAccount", "kubernetes:kafka.strimzi.io/v1:KafkaNodePool", "pulumi:providers:kubernetes"]) {
            assert.ok(guardReason(t), t);
        }
        for (const t of ["kubernetes:networking.k8s.io/v1:NetworkPolicy", "kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:SecretPatch", "kubernetes:batch/v1:Job", "mlplatform:lakehouse:Lakehouse"]) {
            assert.equal(guardReason(t), undefined, t);
        }
    });
});
