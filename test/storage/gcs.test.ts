import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ObjectStorage } from "../../components";
import { gcsBucketRoles, gcsLifecycleRules } from "../../components/storage/gcs";
import { runProgram, unwrap } from "../harness";
import type { Registration } from "../harness";
import { Consumer, gcpInfo, outputs } from "./fixtures";
import { clientNs } from "../fakes";

const buckets = ["bronze", "gold", "models"];

function program(environment: "dev" | "prod") {
    return async () => {
        // No Kubernetes provider at all: GCS needs none.
        const store = new ObjectStorage("storage", { flavor: "gcs", environment, buckets, gcp: gcpInfo(), namePrefix: "mlp-prod" });
        const consumer = new Consumer("serving");
        const access = store.grantAccess(
            "kserve-models",
            { namespace: clientNs("ml-serving"), serviceAccountName: "kserve-models", buckets: ["models", "gold"], access: "read" },
            consumer,
        );
        return {
            store,
            access,
            annotations: await unwrap(access.serviceAccountAnnotations),
            uri: await unwrap(store.uri("gold", "warehouse")),
            names: await unwrap(pulumi.all(store.buckets)),
        };
    };
}

describe("gcs: ObjectStorage under mocks", async () => {
    // One program at a time: the mock monitor is process-global.
    const run = await runProgram(program("prod"), { outputs });
    const devRun = await runProgram(program("dev"), { outputs });
    const bucketsByName = Object.fromEntries<Registration>(run.byType("gcp:storage/bucket:Bucket").map((b) => [b.inputs.name, b]));

    it("creates one bucket per logical name, in the cluster's region, named <project>-<prefix>-<bucket>", () => {
        assert.deepEqual(Object.keys(bucketsByName).sort(), ["acme-ml-prod-mlp-prod-bronze", "acme-ml-prod-mlp-prod-gold", "acme-ml-prod-mlp-prod-models"]);
        for (const b of Object.values(bucketsByName)) {
            assert.equal(b.inputs.location, "EUROPE-WEST1");
            assert.equal(b.inputs.project, "acme-ml-prod");
        }
        assert.deepEqual(run.result.names, {
            bronze: "acme-ml-prod-mlp-prod-bronze",
            gold: "acme-ml-prod-mlp-prod-gold",
            models: "acme-ml-prod-mlp-prod-models",
        });
        assert.equal(run.result.uri, "gs://acme-ml-prod-mlp-prod-gold/warehouse");
    });

    it("every bucket has uniform access, enforced public access prevention, versioning, lifecycle and soft delete", () => {
        for (const b of Object.values(bucketsByName)) {
            assert.equal(b.inputs.uniformBucketLevelAccess, true);
            assert.equal(b.inputs.publicAccessPrevention, "enforced");
            assert.deepEqual(b.inputs.versioning, { enabled: true });
            assert.deepEqual(b.inputs.lifecycleRules, [
                { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 30, withState: "ARCHIVED" } },
                { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 7 } },
            ]);
            assert.deepEqual(b.inputs.softDeletePolicy, { retentionDurationSeconds: 14 * 86400 });
        }
    });

    it("prod buckets are protected and never force-destroyed", () => {
        for (const b of Object.values(bucketsByName)) {
            assert.equal(b.protect, true, b.name);
            assert.equal(b.inputs.forceDestroy, false);
        }
    });

    it("creates nothing in Kubernetes and no in-cluster MinIO", () => {
        assert.deepEqual(run.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.type), []);
    });

    it("a grant is a dedicated GCP service account with read roles on exactly the granted buckets", () => {
        const sa = run.one("gcp:serviceaccount/account:Account").inputs;
        assert.equal(sa.accountId, "mlp-prod-kserve-models");
        const members = run.byType("gcp:storage/bucketIAMMember:BucketIAMMember").map((m) => [m.inputs.bucket, m.inputs.role, m.inputs.member]);
        const email = "serviceAccount:mlp-prod-kserve-models@acme-ml-prod.iam.gserviceaccount.com";
        assert.deepEqual(members.sort(), [
            ["acme-ml-prod-mlp-prod-gold", "roles/storage.legacyBucketReader", email],
            ["acme-ml-prod-mlp-prod-gold", "roles/storage.objectViewer", email],
            ["acme-ml-prod-mlp-prod-models", "roles/storage.legacyBucketReader", email],
            ["acme-ml-prod-mlp-prod-models", "roles/storage.objectViewer", email],
        ]);
        assert.equal(run.byType("gcp:projects/iAMMember:IAMMember").length, 0, "no project-wide role");
    });

    it("only the one Kubernetes ServiceAccount may impersonate it (workload identity)", () => {
        const wi = run.one("gcp:serviceaccount/iAMMember:IAMMember").inputs;
        assert.equal(wi.role, "roles/iam.workloadIdentityUser");
        assert.equal(wi.member, "serviceAccount:acme-ml-prod.svc.id.goog[ml-serving/kserve-models]");
    });

    it("returns the workload identity annotation and no static credential", () => {
        assert.deepEqual(run.result.annotations, { "iam.gke.io/gcp-service-account": "mlp-prod-kserve-models@acme-ml-prod.iam.gserviceaccount.com" });
        assert.deepEqual(run.result.access.podLabels, {});
        assert.equal(run.result.access.credentialsSecret, undefined);
        assert.equal(run.byType("gcp:storage/hmacKey:HmacKey").length, 0);
    });

    it("dev buckets are unprotected and destroyable, with shorter retention", () => {
        assert.equal(devRun.byType("gcp:storage/bucket:Bucket").length, 3);
        for (const b of devRun.byType("gcp:storage/bucket:Bucket")) {
            assert.equal(b.protect, false);
            assert.equal(b.inputs.forceDestroy, true);
            assert.equal(b.inputs.lifecycleRules[0].condition.daysSinceNoncurrentTime, 7);
        }
    });

    it("readwrite grants get objectUser; read grants objectViewer", () => {
        assert.deepEqual(gcsBucketRoles("readwrite"), ["roles/storage.legacyBucketReader", "roles/storage.objectUser"]);
        assert.deepEqual(gcsBucketRoles("read"), ["roles/storage.legacyBucketReader", "roles/storage.objectViewer"]);
        assert.equal(gcsLifecycleRules(3, 2)[1].condition.age, 2);
    });
});
