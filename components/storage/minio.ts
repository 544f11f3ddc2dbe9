import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { createNamespace, createSecret, KubernetesTargetArgs, platformLabels, statefulServerServices } from "../common/kubernetes";
import { imageRef, images, Mirror } from "../versions";
import { joinPath, ObjectStoreParts, requireKnownBuckets, validateServiceAccountName } from "./common";
import {
    mcEnvironment,
    mcJob,
    MINIO_API_PORT,
    MINIO_CONSOLE_PORT,
    minioBucketPolicy,
    minioBucketsScript,
    minioDevResources,
    minioGrantScript,
    minioRootSecretKeys,
    minioStatefulSet,
} from "./minioSpec";
import { kubernetesName } from "./names";
import { ContainerResources, jobResources, provisioningJobOptions } from "./pod";
import { ObjectStoreGrant } from "./types";

/** MinIO in the cluster: the dev object store (kind, or any cluster without a cloud object store). */
export interface MinioObjectStorageArgs extends KubernetesTargetArgs {
    readonly flavor: "minio";
    /** Absent: MinIO runs in the cluster. See {@link ExistingS3ObjectStorageArgs} for an S3-compatible store you already have. */
    readonly existing?: undefined;
    /** Logical bucket names; on MinIO the real bucket has the same name. */
    readonly buckets: readonly string[];
    /** Only `dev`: a single-drive MinIO is not a production object store (use `gcs` or `adls`). */
    readonly environment: "dev" | "prod";
    /** Namespace MinIO runs in; the component creates it. Default `ml-storage`. */
    readonly namespace?: string;
    /** PVC size of the single drive. Default `20Gi`. */
    readonly storageSize?: string;
    /** StorageClass of the drive's PVC. Default `standard` (kind's local-path class). */
    readonly storageClassName?: string;
    /** Server requests/limits. Default 100m/128Mi requested, 1 CPU/1Gi limit. */
    readonly resources?: ContainerResources;
    /** Registry mirror for the MinIO and `mc` images. */
    readonly mirror?: Mirror;
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

/** The S3 region every S3 SDK needs to sign requests; MinIO accepts any and defaults to this one. */
const S3_REGION = "us-east-1";

/** Namespace of MinIO when its args name none. */
export const DEFAULT_MINIO_NAMESPACE = "ml-storage";

export function createMinio(name: string, args: MinioObjectStorageArgs, parent: pulumi.Resource): ObjectStoreParts {
    if (args.environment !== "dev") {
        throw new Error(
            `ObjectStorage "${name}": flavor "minio" is a single-drive dev store and is refused for environment "${args.environment}"; use flavor "gcs" (GKE) or "adls" (AKS).`,
        );
    }
    const opts = { parent };
    const component = "storage";
    const labels = { ...platformLabels(component), "app.kubernetes.io/name": "minio", "app.kubernetes.io/instance": name };
    const namespaceName = args.namespace ?? DEFAULT_MINIO_NAMESPACE;
    const namespace = createNamespace(`${name}-ns`, { namespace: namespaceName, component }, opts);
    const ns = namespace.metadata.name;
    const host = `minio.${namespaceName}.svc.cluster.local`;
    const s3Endpoint = `http://${host}:${MINIO_API_PORT}`;

    // Alphanumeric only: the credentials are embedded in the `mc` alias URL.
    const rootUser = new random.RandomPassword(`${name}-root-user`, { length: 20, special: false }, opts);
    const rootPassword = new random.RandomPassword(`${name}-root-password`, { length: 40, special: false }, opts);
    const rootSecret = createSecret(
        `${name}-root`,
        {
            name: "minio-root",
            namespace: ns,
            component,
            data: { [minioRootSecretKeys.user]: rootUser.result, [minioRootSecretKeys.password]: rootPassword.result },
        },
        opts,
    );

    const { headless } = statefulServerServices(name, { service: "minio", namespace: ns, labels, port: { name: "s3", number: MINIO_API_PORT } }, opts);
    // The console gets its own Service so an Ingress or port-forward can expose it without exposing the S3 API.
    new k8s.core.v1.Service(
        `${name}-console`,
        {
            metadata: { name: "minio-console", namespace: ns, labels },
            spec: { type: "ClusterIP", selector: labels, ports: [{ name: "console", port: MINIO_CONSOLE_PORT, targetPort: "console" }] },
        },
        opts,
    );

    const statefulSet = new k8s.apps.v1.StatefulSet(
        `${name}-minio`,
        minioStatefulSet({
            namespace: namespaceName,
            image: imageRef(images.minio, args.mirror),
            labels,
            serviceName: "minio-headless",
            rootSecretName: "minio-root",
            storageClassName: args.storageClassName ?? "standard",
            storageSize: args.storageSize ?? "20Gi",
            resources: args.resources ?? minioDevResources,
        }),
        { parent, dependsOn: [namespace, rootSecret, headless] },
    );

    const mcImage = imageRef(images.minioClient, args.mirror);
    const jobLabels = { ...platformLabels(component), "app.kubernetes.io/name": "minio-setup", "app.kubernetes.io/instance": name };
    new k8s.batch.v1.Job(
        `${name}-buckets`,
        mcJob({
            name: "minio-buckets",
            namespace: namespaceName,
            image: mcImage,
            labels: jobLabels,
            script: minioBucketsScript(args.buckets),
            env: mcEnvironment("minio-root", host),
            resources: jobResources,
        }),
        { parent, dependsOn: [statefulSet], ...provisioningJobOptions },
    );

    const buckets = Object.fromEntries(args.buckets.map((b) => [b, pulumi.output(b)]));

    return {
        buckets,
        uri: (bucket, path) => {
            requireKnownBuckets("minio", args.buckets, [bucket], "uri");
            return pulumi.output(joinPath(`s3://${bucket}`, path));
        },
        s3Endpoint: pulumi.output(s3Endpoint),
        consoleEndpoint: pulumi.output(`http://minio-console.${namespaceName}.svc.cluster.local:${MINIO_CONSOLE_PORT}`),
        namespace: namespaceName,
        console: { namespace: namespaceName, service: "minio-console", port: MINIO_CONSOLE_PORT, auth: "own", pods: { "app.kubernetes.io/name": "minio", "app.kubernetes.io/instance": name } },
        consoleLogin: { username: pulumi.secret(rootUser.result), password: pulumi.secret(rootPassword.result) },
        grantAccess(grantName: string, grant: ObjectStoreGrant, grantParent: pulumi.Resource) {
            requireKnownBuckets("minio", args.buckets, grant.buckets, `grantAccess("${grantName}")`);
            validateServiceAccountName(grant.serviceAccountName);
            const gopts = { parent: grantParent };
            // MinIO has no workload identity: each grant is its own MinIO user whose policy names only its buckets.
            const accessKey = `mlp-${kubernetesName(grantName)}`;
            const secretKey = new random.RandomPassword(`${grantName}-minio-secret-key`, { length: 40, special: false }, gopts);
            const userSecretName = `user-${kubernetesName(grantName)}`;
            const userSecret = createSecret(
                `${grantName}-minio-user`,
                { name: userSecretName, namespace: ns, component, data: { "secret-key": secretKey.result } },
                gopts,
            );
            const setup = new k8s.batch.v1.Job(
                `${grantName}-minio-user`,
                mcJob({
                    name: kubernetesName("minio-user", grantName),
                    namespace: namespaceName,
                    image: mcImage,
                    labels: jobLabels,
                    script: minioGrantScript(minioBucketPolicy(grant.buckets, grant.access)),
                    env: [
                        ...mcEnvironment("minio-root", host),
                        { name: "POLICY_NAME", value: accessKey },
                        { name: "ACCESS_KEY", value: accessKey },
                        { name: "SECRET_KEY", valueFrom: { secretKeyRef: { name: userSecretName, key: "secret-key" } } },
                    ],
                    // A rotated key changes the checksum, which replaces (re-runs) the Job.
                    annotations: {
                        "ml-platform/secret-key-checksum": pulumi.unsecret(secretKey.result.apply(sha256)),
                    },
                    resources: jobResources,
                }),
                { parent: grantParent, dependsOn: [statefulSet, userSecret], ...provisioningJobOptions },
            );
            // Created only once the user exists, so a workload never starts with credentials MinIO rejects.
            const credentials = createSecret(
                `${grantName}-s3-credentials`,
                {
                    name: kubernetesName(grantName, "s3-credentials"),
                    namespace: grant.namespace.created,
                    component,
                    data: {
                        AWS_ACCESS_KEY_ID: accessKey,
                        AWS_SECRET_ACCESS_KEY: secretKey.result,
                        AWS_REGION: S3_REGION,
                        AWS_ENDPOINT_URL: s3Endpoint,
                    },
                },
                { parent: grantParent, dependsOn: [setup] },
            );
            return {
                serviceAccountAnnotations: pulumi.output<Record<string, string>>({}),
                podLabels: {},
                credentialsSecret: credentials.metadata.name,
            };
        },
    };
}
