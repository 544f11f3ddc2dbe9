/**
 * Small stand-ins for the ObjectStore and Postgres contracts, one per flavor, for the orchestrator tests.
 * They create what the real components hand a consumer (a credentials Secret on MinIO, a connection Secret
 * per database) as children of the consumer, so the provider and parenting rules apply to them too.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { DatabaseConnection, DatabaseRequest, Postgres, PostgresFlavor } from "../../components/postgres/types";
import { ObjectStore, ObjectStoreAccess, ObjectStoreFlavor, ObjectStoreGrant } from "../../components/storage/types";

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

const annotations = (a: Record<string, string>): pulumi.Output<Record<string, string>> => pulumi.output(a) as pulumi.Output<Record<string, string>>;

export interface FakeObjectStore extends ObjectStore {
    readonly grants: ObjectStoreGrant[];
}

export function fakeObjectStore(flavor: ObjectStoreFlavor, bucketNames: string[] = ["airflow-logs", "bronze"]): FakeObjectStore {
    const real = (b: string) => `mlp-test-${b}`;
    const buckets = Object.fromEntries(bucketNames.map((b) => [b, pulumi.output(real(b))]));
    const grants: ObjectStoreGrant[] = [];
    const uri = (bucket: string, path?: string) => {
        const p = path ? `/${path}` : "";
        switch (flavor) {
            case "minio":
                return pulumi.output(`s3://${real(bucket)}${p}`);
            case "gcs":
                return pulumi.output(`gs://${real(bucket)}${p}`);
            case "adls":
                return pulumi.output(`abfss://${real(bucket)}@mlptestacct.dfs.core.windows.net${p}`);
        }
    };
    return {
        flavor,
        buckets,
        uri,
        grants,
        ...(flavor === "minio" ? { s3Endpoint: pulumi.output("http://minio.ml-storage.svc.cluster.local:9000") } : {}),
        ...(flavor === "adls" ? { accountName: pulumi.output("mlptestacct") } : {}),
        grantAccess(name: string, grant: ObjectStoreGrant, parent: pulumi.Resource): ObjectStoreAccess {
            grants.push(grant);
            switch (flavor) {
                case "minio": {
                    const secret = new k8s.core.v1.Secret(
                        `${name}-credentials`,
                        {
                            metadata: { name: `${grant.serviceAccountName}-minio`, namespace: grant.namespace },
                            stringData: pulumi.secret({ AWS_ACCESS_KEY_ID: `${MOCK_SECRET}minioid`, AWS_SECRET_ACCESS_KEY: `${MOCK_SECRET}miniokey` }),
                        },
                        { parent },
                    );
                    return { serviceAccountAnnotations: annotations({}), podLabels: {}, credentialsSecret: secret.metadata.name };
                }
                case "gcs":
                    return {
                        serviceAccountAnnotations: annotations({ "iam.gke.io/gcp-service-account": `${grant.serviceAccountName}@acme-ml-prod.iam.gserviceaccount.com` }),
                        podLabels: {},
                    };
                case "adls":
                    return {
                        serviceAccountAnnotations: annotations({ "azure.workload.identity/client-id": `client-${grant.serviceAccountName}` }),
                        podLabels: { "azure.workload.identity/use": "true" },
                    };
            }
        },
    };
}

export interface FakePostgres extends Postgres {
    readonly requests: DatabaseRequest[];
}

const pgHost: Record<PostgresFlavor, string> = {
    "in-cluster": "postgres.ml-data.svc.cluster.local",
    cloudsql: "10.20.0.5",
    flexible: "mlp-prod-pg.postgres.database.azure.com",
};
const pgSslMode: Record<PostgresFlavor, string> = { "in-cluster": "disable", cloudsql: "require", flexible: "require" };

export function fakePostgres(flavor: PostgresFlavor): FakePostgres {
    const requests: DatabaseRequest[] = [];
    const host = pulumi.output(pgHost[flavor]);
    return {
        flavor,
        host,
        port: 5432,
        requests,
        database(name: string, request: DatabaseRequest, parent: pulumi.Resource): DatabaseConnection {
            requests.push(request);
            const password = fakeDbPassword(flavor);
            const uri = `postgresql://${request.database}:${password}@${pgHost[flavor]}:5432/${request.database}?sslmode=${pgSslMode[flavor]}`;
            const secret = new k8s.core.v1.Secret(
                `${name}-connection`,
                {
                    metadata: { name: `${request.database}-postgres`, namespace: request.namespace },
                    stringData: pulumi.secret({ username: request.database, password, uri }),
                },
                { parent },
            );
            const conn: DatabaseConnection = { host, port: 5432, database: request.database, username: request.database, secretName: secret.metadata.name, uri: pulumi.secret(uri) };
            return conn;
        },
    };
}
