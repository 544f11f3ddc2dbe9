import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ObjectStorage, ObjectStorageArgs } from "../../components";
import { mockSecretValue, runProgram, unwrap } from "../harness";
import { Consumer, newProvider, outputs } from "./fixtures";
import { clientNs } from "../fakes";

const SUB = "00000000-0000-0000-0000-000000000042";
const ACCOUNT_ID = `/subscriptions/${SUB}/resourceGroups/data-rg/providers/Microsoft.Storage/storageAccounts/teamdata`;

const gcsArgs: ObjectStorageArgs = {
    flavor: "gcs",
    existing: { buckets: { mlflow: "acme-shared-mlflow", models: "acme-shared-models" } },
    gcp: { project: "acme-ml", workloadIdentityPool: "acme-ml.svc.id.goog" },
    namePrefix: "team-a",
};
const adlsArgs: ObjectStorageArgs = {
    flavor: "adls",
    existing: { storageAccountId: ACCOUNT_ID, buckets: { mlflow: "mlflow-artifacts" } },
    azure: { resourceGroupName: "team-a-rg", location: "westeurope", oidcIssuerUrl: "https://oidc.example.invalid/team-a/" },
    namePrefix: "team-a",
};
const s3Args: ObjectStorageArgs = {
    flavor: "minio",
    existing: {
        endpoint: "https://s3.eu-west-1.amazonaws.com",
        region: "eu-west-1",
        buckets: { mlflow: "team-a-mlflow", models: "team-a-models" },
        credentials: { namespace: "team-a-secrets", name: "s3-team-a", accessKeyIdKey: "access-key", secretAccessKeyKey: "secret-key" },
    },
};

function grantProgram(args: ObjectStorageArgs, k8s = false) {
    return async () => {
        const opts = k8s ? { providers: [newProvider()] } : {};
        const store = new ObjectStorage("storage", args, opts);
        const consumer = new Consumer("tracking", opts);
        const access = store.grantAccess("mlflow", { namespace: clientNs("ml-tracking"), serviceAccountName: "mlflow", buckets: ["mlflow"], access: "readwrite" }, consumer);
        return {
            store,
            access,
            annotations: await unwrap(access.serviceAccountAnnotations),
            uri: await unwrap(store.uri("mlflow", "artifacts")),
            names: await unwrap(pulumi.all(store.buckets)),
        };
    };
}

describe("ObjectStorage with existing buckets: nothing of the store is created, grants still are", async () => {
    const gcs = await runProgram(grantProgram(gcsArgs), { outputs });
    const adls = await runProgram(grantProgram(adlsArgs), { outputs });
    // The harness's Secret read holds AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the default keys.
    const s3 = await runProgram(grantProgram({ ...s3Args, existing: { ...s3Args.existing, credentials: { namespace: "team-a-secrets", name: "s3-team-a" } } } as ObjectStorageArgs, true), { outputs });

    it("GCS: no bucket; the grant's service account gets member bindings on the existing bucket and workload identity", () => {
        assert.deepEqual(gcs.byType("gcp:storage/bucket:Bucket"), []);
        assert.deepEqual(gcs.result.names, { mlflow: "acme-shared-mlflow", models: "acme-shared-models" });
        assert.equal(gcs.result.uri, "gs://acme-shared-mlflow/artifacts");
        const members = gcs.byType("gcp:storage/bucketIAMMember:BucketIAMMember");
        assert.deepEqual(members.map((m) => [m.inputs.bucket, m.inputs.role]).sort(), [
            ["acme-shared-mlflow", "roles/storage.legacyBucketReader"],
            ["acme-shared-mlflow", "roles/storage.objectUser"],
        ]);
        // Member, not binding or policy: the bucket's other members are left alone.
        assert.deepEqual(gcs.byType("gcp:storage/bucketIAMBinding:BucketIAMBinding"), []);
        assert.deepEqual(gcs.byType("gcp:storage/bucketIAMPolicy:BucketIAMPolicy"), []);
        assert.equal(gcs.one("gcp:serviceaccount/iAMMember:IAMMember").inputs.member, "serviceAccount:acme-ml.svc.id.goog[ml-tracking/mlflow]");
        assert.equal(gcs.result.annotations["iam.gke.io/gcp-service-account"], "team-a-mlflow@acme-ml.iam.gserviceaccount.com");
    });

    it("ADLS: no account, blob service or container; a role assignment on the existing container in the account's subscription", () => {
        for (const t of ["azure-native:storage:StorageAccount", "azure-native:storage:BlobServiceProperties", "azure-native:storage:BlobContainer"]) {
            assert.deepEqual(adls.byType(t), [], t);
        }
        assert.equal(adls.result.uri, "abfss://mlflow-artifacts@teamdata.dfs.core.windows.net/artifacts");
        const assignment = adls.one("azure-native:authorization:RoleAssignment");
        assert.equal(assignment.inputs.scope, `${ACCOUNT_ID}/blobServices/default/containers/mlflow-artifacts`);
        assert.equal(assignment.inputs.roleDefinitionId, `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe`);
        assert.equal(adls.one("azure-native:managedidentity:FederatedIdentityCredential").inputs.subject, "system:serviceaccount:ml-tracking:mlflow");
        assert.equal(adls.result.store.accountName !== undefined, true);
    });

    it("S3-compatible: no MinIO, namespace or Job; the grant gets the store's credential, region and endpoint in its namespace", async () => {
        for (const t of ["kubernetes:core/v1:Namespace", "kubernetes:apps/v1:StatefulSet", "kubernetes:batch/v1:Job"]) assert.deepEqual(s3.byType(t), [], t);
        assert.equal(s3.result.store.flavor, "minio");
        assert.equal(await unwrap(s3.result.store.s3Endpoint!), "https://s3.eu-west-1.amazonaws.com");
        assert.equal(await unwrap(s3.result.store.s3Region!), "eu-west-1");
        assert.equal(s3.result.uri, "s3://team-a-mlflow/artifacts");
        const secret = s3.one("kubernetes:core/v1:Secret", "mlflow-s3-credentials");
        assert.equal(secret.inputs.metadata.namespace, "ml-tracking");
        assert.ok(secret.secretInputs.has("stringData"));
        assert.deepEqual(secret.inputs.stringData, {
            AWS_ACCESS_KEY_ID: mockSecretValue("team-a-secrets/s3-team-a", "AWS_ACCESS_KEY_ID"),
            AWS_SECRET_ACCESS_KEY: mockSecretValue("team-a-secrets/s3-team-a", "AWS_SECRET_ACCESS_KEY"),
            AWS_REGION: "eu-west-1",
            AWS_ENDPOINT_URL: "https://s3.eu-west-1.amazonaws.com",
        });
        assert.equal(s3.result.access.credentialsSecret !== undefined, true);
        // A DNS name cannot be a NetworkPolicy peer: the endpoint's port, any address.
        assert.deepEqual(s3.result.access.flows.map((f) => [f.from, f.to, f.ports]), [["ml-tracking", { cidr: "0.0.0.0/0" }, [443]]]);
    });

    it("S3-compatible at an IP: the flow goes to that address only; a read-only credential refuses a read-write grant", async () => {
        const run = await runProgram(async () => {
            const store = new ObjectStorage(
                "storage",
                { ...s3Args, existing: { ...s3Args.existing, endpoint: "http://10.20.0.7:9000", credentials: { namespace: "s", name: "k", access: "read" } } } as ObjectStorageArgs,
                { providers: [newProvider()] },
            );
            const consumer = new Consumer("c");
            const read = store.grantAccess("models", { namespace: clientNs("ml-serving"), serviceAccountName: "m", buckets: ["models"], access: "read" }, consumer);
            assert.throws(
                () => store.grantAccess("w", { namespace: clientNs("ml-tracking"), serviceAccountName: "m", buckets: ["mlflow"], access: "readwrite" }, consumer),
                /grantAccess\("w"\): access "readwrite" asked of an existing S3 store whose credential \(existing.credentials.access\) is "read"/,
            );
            return read.flows;
        });
        assert.deepEqual(run.result.map((f) => [f.to, f.ports]), [[{ cidr: "10.20.0.7/32" }, [9000]]]);
    });

    it("bad input fails before anything is registered, naming the arg, the value and what was expected", async () => {
        const cases: [string, ObjectStorageArgs, RegExp][] = [
            ["gcs bucket name", { ...gcsArgs, existing: { buckets: { mlflow: "Acme_Bucket!" } } } as ObjectStorageArgs, /existing\.buckets: "mlflow": "Acme_Bucket!" is not a GCS bucket name/],
            ["logical name", { ...gcsArgs, existing: { buckets: { ML: "acme-ml" } } } as ObjectStorageArgs, /existing\.buckets: logical name "ML": expected 3-63 lowercase/],
            ["no buckets", { ...gcsArgs, existing: { buckets: {} } } as ObjectStorageArgs, /existing\.buckets: expected at least one logical name/],
            ["pool", { ...gcsArgs, gcp: { project: "acme-ml", workloadIdentityPool: "other.svc.id.goog" } } as ObjectStorageArgs, /gcp\.workloadIdentityPool "other\.svc\.id\.goog": expected "acme-ml\.svc\.id\.goog"/],
            ["both", { ...gcsArgs, buckets: ["mlflow"] } as unknown as ObjectStorageArgs, /buckets \(to create\) and existing were both given/],
            ["creation args", { ...gcsArgs, environment: "prod", softDeleteDays: 7 } as unknown as ObjectStorageArgs, /environment, softDeleteDays configure a store the component creates and would not be used with existing; expected only flavor, existing, gcp, namePrefix/],
            ["account id", { ...adlsArgs, existing: { storageAccountId: "teamdata", buckets: { mlflow: "m1x" } } } as ObjectStorageArgs, /existing\.storageAccountId "teamdata": expected \/subscriptions\/<id>\/resourceGroups/],
            ["container", { ...adlsArgs, existing: { storageAccountId: ACCOUNT_ID, buckets: { mlflow: "a--b" } } } as ObjectStorageArgs, /"mlflow": "a--b" is not an ADLS container name/],
            ["endpoint", { ...s3Args, existing: { ...s3Args.existing, endpoint: "s3.amazonaws.com" } } as ObjectStorageArgs, /existing\.endpoint "s3\.amazonaws\.com": expected an http:\/\/ or https:\/\/ URL/],
            ["endpoint path", { ...s3Args, existing: { ...s3Args.existing, endpoint: "https://s3.example.com/bucket" } } as ObjectStorageArgs, /expected http\(s\):\/\/host\[:port\] without a path/],
            ["region", { ...s3Args, existing: { ...s3Args.existing, region: "" } } as ObjectStorageArgs, /existing\.region "": expected a region name/],
            ["credentials", { ...s3Args, existing: { ...s3Args.existing, credentials: { namespace: "Team A", name: "k" } } } as ObjectStorageArgs, /existing\.credentials .*"Team A".*: expected \{ namespace, name \}/],
            ["flavor", { ...s3Args, flavor: "s3" } as unknown as ObjectStorageArgs, /flavor "s3": expected "minio" \(or an existing S3-compatible store\), "gcs" or "adls"/],
        ];
        for (const [what, args, error] of cases) {
            const run = await runProgram(() => {
                assert.throws(() => new ObjectStorage("storage", args, { providers: [newProvider()] }), error, what);
            });
            assert.deepEqual(run.resources.filter((r) => r.type.startsWith("mlplatform:") || r.type.startsWith("gcp:") || r.type.startsWith("azure")), [], what);
        }
    });
});
