/**
 * The shared ObjectStore and Postgres fakes (test/fakes.ts) with the orchestrator suite's constants: every
 * secret value contains {@link MOCK_SECRET}, and the recorded grants and requests are the bare contract values.
 */
import { DatabaseRequest, Postgres, PostgresFlavor } from "../../components/postgres/types";
import { ObjectStore, ObjectStoreFlavor, ObjectStoreGrant } from "../../components/storage/types";
import * as shared from "../fakes";

/** Every secret value the fakes and the random mocks produce contains this, so a scan can find leaks. */
export const MOCK_SECRET = "MOCKSECRET";

export const fakeDbPassword = (flavor: PostgresFlavor) => `${MOCK_SECRET}pg${flavor.replace(/-/g, "")}`;

/** Mock outputs for @pulumi/random and the Helm release, as the real providers would report them. */
export const mockOutputs: Record<string, (inputs: any, name: string) => Record<string, unknown>> = {
    "random:index/randomPassword:RandomPassword": (_i, name) => ({ result: `${MOCK_SECRET}${name.replace(/[^A-Za-z0-9]/g, "")}` }),
    // Standard base64 with '+' and '/', so the URL-safe conversion for Fernet is exercised.
    "random:index/randomBytes:RandomBytes": () => ({ base64: "TU9DS1NFQ1JFVC1mZXJuZXQ+a2V5Pz8/Pz8+Pj4+Pj4=", hex: "4d4f434b" }),
    "kubernetes:helm.sh/v3:Release": (i) => ({ status: { name: i.name, namespace: i.namespace, status: "deployed" } }),
};

export const fernetMockUrlSafe = "TU9DS1NFQ1JFVC1mZXJuZXQ-a2V5Pz8_Pz8-Pj4-Pj4=";

export interface FakeObjectStore extends ObjectStore {
    /** The grants asked for, in order. */
    readonly grants: ObjectStoreGrant[];
}

export function fakeObjectStore(flavor: ObjectStoreFlavor, bucketNames: string[] = ["airflow-logs", "bronze"]): FakeObjectStore {
    const store = shared.fakeObjectStore(flavor, bucketNames, {
        bucketName: (b) => `mlp-test-${b}`,
        adlsAccount: "mlptestacct",
        gcpProject: "acme-ml-prod",
        azureClientId: (grant) => `client-${grant.serviceAccountName}`,
        minioSecretName: (_name, grant) => `${grant.serviceAccountName}-minio`,
        minioCredentials: () => ({ AWS_ACCESS_KEY_ID: `${MOCK_SECRET}minioid`, AWS_SECRET_ACCESS_KEY: `${MOCK_SECRET}miniokey` }),
    });
    return {
        ...store,
        get grants() {
            return store.grants.map((g) => g.grant);
        },
    };
}

export interface FakePostgres extends Postgres {
    /** The database requests, in order. */
    readonly requests: DatabaseRequest[];
}

export function fakePostgres(flavor: PostgresFlavor): FakePostgres {
    const pg = shared.fakePostgres(flavor, {
        host: { "in-cluster": "postgres.ml-data.svc.cluster.local", cloudsql: "10.20.0.5", flexible: "mlp-prod-pg.postgres.database.azure.com" },
        secretName: (db) => `${db}-postgres`,
        password: () => fakeDbPassword(flavor),
    });
    return {
        ...pg,
        get requests() {
            return pg.requests.map((r) => r.request);
        },
    };
}
