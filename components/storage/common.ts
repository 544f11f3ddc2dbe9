import * as pulumi from "@pulumi/pulumi";
import type { Flow, WebUi } from "../network/spec";
import { validateExistingBucketName, validateExistingBuckets } from "./names";
import { ObjectStoreAccess, ObjectStoreFlavor, ObjectStoreGrant } from "./types";

/**
 * The real names of existing buckets by logical name, checked now where they are strings and when known where they
 * are another stack's outputs.
 */
export function existingBucketNames(store: "gcs" | "adls" | "s3", buckets: Readonly<Record<string, pulumi.Input<string>>>): Record<string, pulumi.Output<string>> {
    validateExistingBuckets(store, buckets);
    return Object.fromEntries(Object.entries(buckets).map(([logical, real]) => [logical, pulumi.output(real).apply((r) => validateExistingBucketName(store, logical, r))]));
}

/** What one implementation builds; the ObjectStorage component exposes it as the `ObjectStore` contract. */
export interface ObjectStoreParts {
    readonly buckets: Readonly<Record<string, pulumi.Output<string>>>;
    uri(bucket: string, path?: string): pulumi.Output<string>;
    readonly s3Endpoint?: pulumi.Output<string>;
    readonly s3Region?: pulumi.Output<string>;
    readonly accountName?: pulumi.Output<string>;
    /** A client's flows to the store, where the flavor's default (MinIO's namespace, the cloud endpoints) does not hold. */
    clientFlows?(from: string, why: string): Flow[];
    /** In-cluster URL of the MinIO console (MinIO only). */
    readonly consoleEndpoint?: pulumi.Output<string>;
    /** The MinIO root login, which the console takes (MinIO only; both secrets). */
    readonly consoleLogin?: { readonly username: pulumi.Output<string>; readonly password: pulumi.Output<string> };
    grantAccess(name: string, grant: ObjectStoreGrant, parent: pulumi.Resource): Omit<ObjectStoreAccess, "flows" | "connection">;
    /** MinIO's console, for the ingress (MinIO only; it has its own login). */
    readonly console?: WebUi;
    /** MinIO's namespace (in-cluster flavor only). */
    readonly namespace?: string;
}

/** Throws unless every bucket a caller names is one the store was built with. */
export function requireKnownBuckets(flavor: ObjectStoreFlavor, known: readonly string[], asked: readonly string[], what: string): void {
    const unknown = asked.filter((b) => !known.includes(b));
    if (unknown.length) {
        throw new Error(`${what}: unknown bucket(s) ${unknown.map((b) => `"${b}"`).join(", ")} for the ${flavor} object store; known: ${known.join(", ")}`);
    }
    if (what.startsWith("grantAccess") && asked.length === 0) throw new Error(`${what}: expected at least one bucket`);
}

/** Joins a bucket URL and an optional path without doubling or dropping the slash. */
export function joinPath(base: string, path?: string): string {
    if (!path) return base;
    return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/** Validates a grant's ServiceAccount name (a DNS-1123 subdomain), so identities never bind to a name Kubernetes rejects. */
export function validateServiceAccountName(name: string): void {
    if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name)) {
        throw new Error(`grantAccess: serviceAccountName "${name}" is not a valid Kubernetes name`);
    }
}
