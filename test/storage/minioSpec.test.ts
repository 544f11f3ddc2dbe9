import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    mcEnvironment,
    mcJob,
    minioBucketPolicy,
    minioBucketsScript,
    minioDevResources,
    minioGrantScript,
    minioStatefulSet,
} from "../../components/storage/minioSpec";
import { jobResources } from "../../components/storage/pod";

const spec = {
    namespace: "ml-storage",
    image: "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z",
    labels: { app: "minio" },
    serviceName: "minio-headless",
    rootSecretName: "minio-root",
    storageClassName: "standard",
    storageSize: "20Gi",
    resources: minioDevResources,
};

describe("MinIO specs (pure)", () => {
    const sts = minioStatefulSet(spec);
    const pod = sts.spec.template.spec;
    const container = pod.containers[0];

    it("runs the pinned image as a non-root user with a read-only root filesystem and no capabilities", () => {
        assert.equal(container.image, spec.image);
        assert.deepEqual(pod.securityContext, {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            fsGroupChangePolicy: "OnRootMismatch",
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.deepEqual(container.securityContext, {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        });
        assert.equal(pod.automountServiceAccountToken, false);
        // The certs dir moves off the read-only root filesystem onto the /tmp emptyDir.
        assert.deepEqual(container.args.slice(-2), ["--certs-dir", "/tmp/certs"]);
        assert.ok(container.volumeMounts.some((m: any) => m.mountPath === "/tmp"));
    });

    it("serves the S3 API on 9000 and the console on 9001, with health probes", () => {
        assert.deepEqual(container.ports, [
            { name: "s3", containerPort: 9000 },
            { name: "console", containerPort: 9001 },
        ]);
        assert.equal(container.readinessProbe.httpGet.path, "/minio/health/ready");
        assert.equal(container.livenessProbe.httpGet.path, "/minio/health/live");
    });

    it("takes root credentials only from the Secret, never as literals", () => {
        assert.deepEqual(container.env, [
            { name: "MINIO_ROOT_USER", valueFrom: { secretKeyRef: { name: "minio-root", key: "root-user" } } },
            { name: "MINIO_ROOT_PASSWORD", valueFrom: { secretKeyRef: { name: "minio-root", key: "root-password" } } },
            { name: "MINIO_PROMETHEUS_AUTH_TYPE", value: "public" },
        ]);
    });

    it("serves Prometheus metrics without a token, as Monitoring scrapes them", () => {
        assert.ok(container.env.some((e: any) => e.name === "MINIO_PROMETHEUS_AUTH_TYPE" && e.value === "public"));
        // The public setting is for metrics only: no credential is ever a literal env value.
        assert.ok(container.env.filter((e: any) => e.name.startsWith("MINIO_ROOT_")).every((e: any) => e.value === undefined && e.valueFrom));
    });

    it("keeps data on a PVC that survives deletion and scale-down of the StatefulSet", () => {
        assert.deepEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
        assert.deepEqual(sts.spec.volumeClaimTemplates[0].spec, {
            accessModes: ["ReadWriteOnce"],
            storageClassName: "standard",
            resources: { requests: { storage: "20Gi" } },
        });
        assert.deepEqual(container.resources, {
            requests: { cpu: "100m", memory: "128Mi" },
            limits: { cpu: "1", memory: "1Gi" },
        });
    });

    it("bucket setup is idempotent and removes anonymous access", () => {
        assert.equal(
            minioBucketsScript(["bronze", "gold"]),
            [
                "set -eu",
                'mc mb --ignore-existing "local/bronze"',
                'mc anonymous set none "local/bronze"',
                'mc mb --ignore-existing "local/gold"',
                'mc anonymous set none "local/gold"',
                "",
            ].join("\n"),
        );
    });

    it("a read grant can list and get its buckets' objects and nothing else", () => {
        assert.deepEqual(minioBucketPolicy(["gold"], "read"), {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: ["arn:aws:s3:::gold"] },
                { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::gold/*"] },
            ],
        });
    });

    it("a readwrite grant adds writes, deletes and multipart uploads, still only on its buckets", () => {
        const policy = minioBucketPolicy(["bronze", "silver"], "readwrite");
        assert.deepEqual(policy.Statement[1].Action, [
            "s3:GetObject",
            "s3:PutObject",
            "s3:DeleteObject",
            "s3:AbortMultipartUpload",
            "s3:ListMultipartUploadParts",
        ]);
        assert.deepEqual(policy.Statement[1].Resource, ["arn:aws:s3:::bronze/*", "arn:aws:s3:::silver/*"]);
        assert.ok(!JSON.stringify(policy).includes('"*"'), "no wildcard resource or action");
        assert.ok(!JSON.stringify(policy).includes("s3:*"));
    });

    it("the grant script reads the secret key from the environment and tolerates a repeated attach", () => {
        const script = minioGrantScript(minioBucketPolicy(["gold"], "read"));
        assert.match(script, /mc admin user add local "\$ACCESS_KEY" "\$SECRET_KEY"/);
        assert.match(script, /\*"already in effect"\*\) ;;/);
        assert.match(script, /"arn:aws:s3:::gold\/\*"/);
    });

    it("mc reaches MinIO through an alias built from Secret references, expanded only at container start", () => {
        const env = mcEnvironment("minio-root", "minio.ml-storage.svc.cluster.local");
        assert.deepEqual(env.find((e) => e.name === "MC_HOST_local"), {
            name: "MC_HOST_local",
            value: "http://$(ROOT_USER):$(ROOT_PASSWORD)@minio.ml-storage.svc.cluster.local:9000",
        });
        for (const e of env.filter((e) => e.name.startsWith("ROOT_"))) assert.equal(e.valueFrom?.secretKeyRef.name, "minio-root");
    });

    it("setup Jobs are hardened, bounded in time, and replaced when a previous run failed", () => {
        const job = mcJob({ name: "minio-buckets", namespace: "ml-storage", image: "mc", labels: {}, script: "true", env: [], resources: jobResources });
        assert.equal(job.metadata.annotations["pulumi.com/replaceUnready"], "true");
        assert.equal(job.spec.backoffLimit, 6);
        assert.equal(job.spec.activeDeadlineSeconds, 600);
        assert.equal(job.spec.template.spec.restartPolicy, "Never");
        assert.equal(job.spec.template.spec.securityContext.runAsNonRoot, true);
        assert.equal(job.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem, true);
        assert.deepEqual(job.spec.template.spec.containers[0].resources, jobResources);
    });
});
