/**
 * The shared ObjectStore and Postgres fakes (test/fakes.ts) with the lakehouse suite's constants: recognisable
 * secret values the tests then hunt for everywhere else, `mlp-test-` bucket names on the clouds.
 */
import { ObjectStoreFlavor } from "../../components/storage/types";
import { PostgresFlavor } from "../../components/postgres/types";
import * as shared from "../fakes";

/** Values that must never appear outside a Secret. */
export const FAKE_SECRETS = {
    s3AccessKey: "FAKE-ACCESS-KEY-7f3a",
    s3SecretKey: "FAKE-SECRET-KEY-9c1e-do-not-leak",
    dbPassword: "FAKE-DB-PASSWORD-41d2-do-not-leak",
} as const;

export const FAKE_S3_ENDPOINT = shared.DEFAULT_S3_ENDPOINT;
export const FAKE_ADLS_ACCOUNT = "mlpprodlake";
export const FAKE_AZURE_CLIENT_ID = "00000000-0000-0000-0000-00000000c1d0";

export type FakeObjectStore = shared.FakeObjectStore;
export type FakePostgres = shared.FakePostgres & { readonly databases: shared.RecordedDatabase[] };

// Real stores prefix names (GCS is global); the lakehouse must use the real name, never the logical one.
export function fakeObjectStore(flavor: ObjectStoreFlavor, logical: readonly string[] = ["bronze", "silver", "gold", "mlflow"]): FakeObjectStore {
    return shared.fakeObjectStore(flavor, logical, {
        bucketName: (b, f) => (f === "minio" ? b : `mlp-test-${b}`),
        s3Endpoint: FAKE_S3_ENDPOINT,
        adlsAccount: FAKE_ADLS_ACCOUNT,
        gcpProject: "acme-ml-prod",
        azureClientId: () => FAKE_AZURE_CLIENT_ID,
        minioSecretName: (_name, grant) => `${grant.serviceAccountName}-s3`,
        minioCredentials: () => ({ AWS_ACCESS_KEY_ID: FAKE_SECRETS.s3AccessKey, AWS_SECRET_ACCESS_KEY: FAKE_SECRETS.s3SecretKey }),
    });
}

export function fakePostgres(flavor: PostgresFlavor): FakePostgres {
    const pg = shared.fakePostgres(flavor, {
        host: { "in-cluster": "postgres.ml-postgres.svc.cluster.local", cloudsql: "10.9.0.3", flexible: "mlp.postgres.database.azure.com" },
        secretName: (db) => `${db}-db`,
        password: () => FAKE_SECRETS.dbPassword,
    });
    return Object.assign(pg, { databases: pg.requests });
}

/** The three platform layouts: kind, GKE, AKS. */
export const LAYOUTS = [
    { label: "kind (MinIO + in-cluster Postgres)", environment: "dev", store: "minio", postgres: "in-cluster" },
    { label: "GKE (GCS + Cloud SQL)", environment: "prod", store: "gcs", postgres: "cloudsql" },
    { label: "AKS (ADLS + Flexible Server)", environment: "prod", store: "adls", postgres: "flexible" },
] as const;
