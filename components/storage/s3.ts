import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { createSecret, KubernetesTargetArgs } from "../common/kubernetes";
import { Cidr, Flow, peerOfHost, UnmanagedPods } from "../network/spec";
import { existingBucketNames, joinPath, ObjectStoreParts, requireKnownBuckets, validateServiceAccountName } from "./common";
import { kubernetesName } from "./names";
import { ObjectStoreGrant } from "./types";

/** Where the credential of an existing S3-compatible store is: a Secret the program reads (it must exist before `pulumi up`). */
export interface S3CredentialsSecretRef {
    readonly namespace: string;
    readonly name: string;
    /** Key holding the access key ID. Default `AWS_ACCESS_KEY_ID`. */
    readonly accessKeyIdKey?: string;
    /** Key holding the secret access key. Default `AWS_SECRET_ACCESS_KEY`. */
    readonly secretAccessKeyKey?: string;
}

/**
 * An S3-compatible store that already exists (bring your own: a shared MinIO, Ceph RGW, AWS S3, ...), reached over
 * the S3 API with an access key. Consumers see it as flavor `minio` (the S3 API at `s3Endpoint` with key
 * credentials in a Secret), exactly like the in-cluster MinIO.
 *
 * The program cannot create users on a store it does not run, so **a grant cannot narrow access**: every
 * `grantAccess` puts a copy of this one credential into the workload's namespace, whatever `buckets` and `access` it
 * asks for; the credential's own policy on the store is the only limit. Give it exactly the buckets listed here
 * (and read-only when `credentials.access` says so), or run one `ObjectStorage` per credential.
 */
export interface ExistingS3ObjectStorageArgs extends KubernetesTargetArgs {
    readonly flavor: "minio";
    readonly existing: {
        /** The S3 API endpoint, `https://host[:port]` or `http://host[:port]`, e.g. `https://s3.eu-west-1.amazonaws.com`. */
        readonly endpoint: string;
        /** The region requests are signed for, e.g. `eu-west-1` (MinIO and most S3-compatible stores accept `us-east-1`). */
        readonly region: string;
        /** Real bucket name per logical name, e.g. `{ mlflow: "team-a-mlflow" }`; a real name may be another stack's output. */
        readonly buckets: Readonly<Record<string, pulumi.Input<string>>>;
        /** The credential every grant receives a copy of (see above). Read once; its values stay Pulumi secrets. */
        readonly credentials: S3CredentialsSecretRef & {
            /** What the credential may do on the store. A `readwrite` grant from a `read` credential is refused. Default `readwrite`. */
            readonly access?: "read" | "readwrite";
        };
        /**
         * NetworkPolicy destination of the clients' flows. Default: the endpoint's address when it is an IP (`/32`);
         * the pods of its namespace for a Service name (`<service>.<namespace>.svc...`); otherwise any address on
         * the endpoint's port (NetworkPolicy cannot name a DNS name).
         */
        readonly peer?: Cidr | UnmanagedPods;
    };
}

const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** The endpoint's URL, port and NetworkPolicy peer; throws, naming the arg, on anything that is not an http(s) URL. */
export function s3EndpointTarget(endpoint: string, peer?: Cidr | UnmanagedPods): { url: URL; port: number; peer: Cidr | UnmanagedPods } {
    let url: URL;
    try {
        url = new URL(endpoint);
    } catch {
        throw new Error(`ObjectStorage minio: existing.endpoint "${endpoint}": expected an http:// or https:// URL such as https://s3.eu-west-1.amazonaws.com`);
    }
    if (!["http:", "https:"].includes(url.protocol) || url.pathname.replace(/\/+$/, "") !== "" || url.username || url.search) {
        throw new Error(`ObjectStorage minio: existing.endpoint "${endpoint}": expected http(s)://host[:port] without a path, query or credentials`);
    }
    const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
    if (peer && "cidr" in peer && !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(peer.cidr)) {
        throw new Error(`ObjectStorage minio: existing.peer.cidr "${peer.cidr}": expected an IPv4 CIDR such as "10.20.0.0/16"`);
    }
    return { url, port, peer: peer ?? peerOfHost(url.hostname) };
}

/** Decodes one key of a read Secret; fails the update, naming the Secret and key, when the key is missing. */
function secretValue(data: pulumi.Output<Record<string, string>>, ref: S3CredentialsSecretRef, key: string): pulumi.Output<string> {
    return pulumi.secret(
        data.apply((d) => {
            const value = d?.[key];
            if (value === undefined) throw new Error(`ObjectStorage minio: Secret ${ref.namespace}/${ref.name} has no key "${key}" (existing.credentials)`);
            return Buffer.from(value, "base64").toString("utf8");
        }),
    );
}

/** Validates the args (throwing before anything is registered) and returns what builds the store under `parent`. */
export function existingS3(name: string, args: ExistingS3ObjectStorageArgs): (parent: pulumi.Resource) => ObjectStoreParts {
    const { existing } = args;
    const target = s3EndpointTarget(existing.endpoint, existing.peer);
    if (!/^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$/.test(existing.region ?? "")) {
        throw new Error(`ObjectStorage minio: existing.region "${existing.region}": expected a region name such as "eu-west-1" or "us-east-1"`);
    }
    const ref = existing.credentials;
    const keys = { id: ref?.accessKeyIdKey ?? "AWS_ACCESS_KEY_ID", secret: ref?.secretAccessKeyKey ?? "AWS_SECRET_ACCESS_KEY" };
    if (!ref || !K8S_NAME.test(ref.namespace ?? "") || !K8S_NAME.test(ref.name ?? "") || !SECRET_KEY.test(keys.id) || !SECRET_KEY.test(keys.secret)) {
        throw new Error(
            `ObjectStorage minio: existing.credentials ${JSON.stringify(ref)}: expected { namespace, name } of a Secret (Kubernetes names) and optional accessKeyIdKey/secretAccessKeyKey (Secret keys)`,
        );
    }
    const credentialAccess = ref.access ?? "readwrite";
    const endpoint = target.url.origin;
    const buckets = existingBucketNames("s3", existing.buckets);
    const known = Object.keys(buckets);

    return (parent) => {
        // Read lazily, once: a store nobody is granted needs no credential.
        let data: pulumi.Output<Record<string, string>> | undefined;
        const read = () =>
            (data ??= k8s.core.v1.Secret.get(`${name}-credentials`, `${ref.namespace}/${ref.name}`, { parent }).data as pulumi.Output<Record<string, string>>);

        return {
            buckets,
            uri: (bucket, path) => {
                requireKnownBuckets("minio", known, [bucket], "uri");
                return buckets[bucket].apply((b) => joinPath(`s3://${b}`, path));
            },
            s3Endpoint: pulumi.output(endpoint),
            s3Region: pulumi.output(existing.region),
            clientFlows: (from: string, why: string): Flow[] => [{ from, to: target.peer, ports: [target.port], why: `${why}: the S3 API at ${target.url.host}` }],
            grantAccess(grantName: string, grant: ObjectStoreGrant, grantParent: pulumi.Resource) {
                requireKnownBuckets("minio", known, grant.buckets, `grantAccess("${grantName}")`);
                validateServiceAccountName(grant.serviceAccountName);
                if (grant.access === "readwrite" && credentialAccess === "read") {
                    throw new Error(
                        `grantAccess("${grantName}"): access "readwrite" asked of an existing S3 store whose credential (existing.credentials.access) is "read"`,
                    );
                }
                const secretData = read();
                // The store's own credential, copied: nothing narrower can be made without an admin API (see the args' doc).
                const credentials = createSecret(
                    `${grantName}-s3-credentials`,
                    {
                        name: kubernetesName(grantName, "s3-credentials"),
                        namespace: grant.namespace.created,
                        component: "storage",
                        data: {
                            AWS_ACCESS_KEY_ID: secretValue(secretData, ref, keys.id),
                            AWS_SECRET_ACCESS_KEY: secretValue(secretData, ref, keys.secret),
                            AWS_REGION: existing.region,
                            AWS_ENDPOINT_URL: endpoint,
                        },
                    },
                    { parent: grantParent },
                );
                return { serviceAccountAnnotations: pulumi.output<Record<string, string>>({}), podLabels: {}, credentialsSecret: credentials.metadata.name };
            },
        };
    };
}
