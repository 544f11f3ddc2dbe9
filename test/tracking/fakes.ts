/**
 * The shared ObjectStore and Postgres fakes (test/fakes.ts) with the tracking suite's constants: generated
 * (RandomPassword) credentials, project-prefixed GCS buckets. Shared by test/tracking and test/serving.
 */
import * as random from "@pulumi/random";
import { PostgresFlavor } from "../../components/postgres/types";
import { ObjectStoreFlavor } from "../../components/storage/types";
import * as shared from "../fakes";

export const GCP_PROJECT = "acme-ml-prod";
export const AZURE_CLIENT_ID = "11111111-2222-3333-4444-555555555555";
export const ADLS_ACCOUNT = "mlpprodlake";
export const MINIO_ENDPOINT = "http://minio.ml-storage.svc.cluster.local:9000";

/** Physical name of a logical bucket, as each real implementation would name it. */
export function physicalBucket(flavor: ObjectStoreFlavor, bucket: string): string {
    switch (flavor) {
        case "minio":
            return bucket;
        case "gcs":
            return `${GCP_PROJECT}-mlp-${bucket}`;
        case "adls":
            return bucket;
    }
}

export type FakeObjectStore = shared.FakeObjectStore;
export type FakePostgres = shared.FakePostgres;

export function fakeObjectStore(flavor: ObjectStoreFlavor, logical: readonly string[] = ["bronze", "mlflow", "models"]): FakeObjectStore {
    return shared.fakeObjectStore(flavor, logical, {
        bucketName: (b, f) => physicalBucket(f, b),
        s3Endpoint: MINIO_ENDPOINT,
        adlsAccount: ADLS_ACCOUNT,
        gcpProject: GCP_PROJECT,
        azureClientId: () => AZURE_CLIENT_ID,
        minioSecretName: (name) => `${name}-s3-credentials`,
        // A scoped key per grant, as MinIO's provisioning generates it.
        minioCredentials: (name, _grant, parent) => ({
            AWS_ACCESS_KEY_ID: `mlp-${name}`,
            AWS_SECRET_ACCESS_KEY: new random.RandomPassword(`${name}-minio-secret-key`, { length: 40, special: false }, { parent }).result,
            AWS_REGION: "us-east-1",
            AWS_ENDPOINT_URL: MINIO_ENDPOINT,
        }),
    });
}

export function fakePostgres(flavor: PostgresFlavor): FakePostgres {
    return shared.fakePostgres(flavor, {
        host: flavor === "in-cluster" ? "postgres.ml-data.svc.cluster.local" : "10.40.0.5",
        secretName: (db) => `${db.replace(/_/g, "-")}-db`,
        password: (name, _flavor, parent) => new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent }).result,
        sslmode: () => "require",
    });
}

/** The store flavor each Postgres flavor goes with (kind, GKE, AKS). */
export const platformFlavors = [
    { store: "minio", postgres: "in-cluster" },
    { store: "gcs", postgres: "cloudsql" },
    { store: "adls", postgres: "flexible" },
] as const;

/** Every string anywhere inside a value. */
export function allStrings(v: unknown): string[] {
    if (typeof v === "string") return [v];
    if (Array.isArray(v)) return v.flatMap(allStrings);
    if (v && typeof v === "object") return Object.values(v).flatMap(allStrings);
    return [];
}
