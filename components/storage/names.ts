import { createHash } from "crypto";

/**
 * Physical names of buckets, containers, accounts and identities. Pure and deterministic: the same inputs always
 * give the same names, so a lost state can be re-imported and two stacks never guess at each other's names.
 */

/**
 * A logical bucket name: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or
 * digit. The intersection of the S3/MinIO, GCS and ADLS container rules, so one list of names works everywhere.
 */
const LOGICAL_BUCKET = /^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/;

/** Throws, naming every offending entry, unless `buckets` is a non-empty list of unique valid logical names. */
export function validateBucketNames(buckets: readonly string[]): void {
    const problems: string[] = [];
    if (buckets.length === 0) problems.push("expected at least one bucket");
    const seen = new Set<string>();
    for (const b of buckets) {
        if (!LOGICAL_BUCKET.test(b)) {
            problems.push(`"${b}": expected 3-63 lowercase letters, digits or single hyphens, starting and ending with a letter or digit`);
        }
        if (seen.has(b)) problems.push(`"${b}": listed twice`);
        seen.add(b);
    }
    if (problems.length) throw new Error(`ObjectStorage buckets: ${problems.join("; ")}`);
}

/** What a real bucket (or ADLS container) name of each store must look like, and how to say so. */
const PHYSICAL_BUCKET: Record<"gcs" | "adls" | "s3", { valid: (name: string) => boolean; expected: string }> = {
    gcs: {
        // 3-63 characters; dotted names (domain-verified) may have up to 222.
        valid: (n) => /^[a-z0-9][a-z0-9._-]*[a-z0-9]$/.test(n) && n.length >= 3 && n.length <= (n.includes(".") ? 222 : 63),
        expected: "a GCS bucket name (3-63 lowercase letters, digits, hyphens or underscores; dotted names up to 222)",
    },
    adls: {
        valid: (n) => LOGICAL_BUCKET.test(n),
        expected: "an ADLS container name (3-63 lowercase letters, digits or single hyphens, starting and ending with a letter or digit)",
    },
    s3: {
        valid: (n) => /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(n),
        expected: "an S3 bucket name (3-63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit)",
    },
};

/**
 * Throws, naming every offending entry, unless `buckets` (logical name to the real name of a bucket that already
 * exists) is non-empty, every logical name is valid and every real name is one the store accepts. A real name that
 * is not a string yet (another stack's output) is left to {@link validateExistingBucketName} once it is known.
 */
export function validateExistingBuckets(store: "gcs" | "adls" | "s3", buckets: Readonly<Record<string, unknown>>, arg = "existing.buckets"): void {
    const problems: string[] = [];
    const entries = Object.entries(buckets ?? {});
    if (entries.length === 0) problems.push("expected at least one logical name mapped to an existing bucket");
    for (const [logical, real] of entries) {
        if (!LOGICAL_BUCKET.test(logical)) {
            problems.push(`logical name "${logical}": expected 3-63 lowercase letters, digits or single hyphens, starting and ending with a letter or digit`);
        }
        const known = typeof real === "string";
        if (known ? !PHYSICAL_BUCKET[store].valid(real) : typeof real !== "object" || real === null) problems.push(`"${logical}": "${real}" is not ${PHYSICAL_BUCKET[store].expected}`);
    }
    if (problems.length) throw new Error(`ObjectStorage ${arg}: ${problems.join("; ")}`);
}

/** The real name of one existing bucket once it is known; throws like {@link validateExistingBuckets}. */
export function validateExistingBucketName(store: "gcs" | "adls" | "s3", logical: string, real: string, arg = "existing.buckets"): string {
    if (!PHYSICAL_BUCKET[store].valid(real)) throw new Error(`ObjectStorage ${arg}: "${logical}": "${real}" is not ${PHYSICAL_BUCKET[store].expected}`);
    return real;
}

/**
 * GCS bucket names share one global namespace across every Google Cloud customer, so the project ID (globally
 * unique) leads: `<project>-<prefix>-<bucket>`. Two stacks in one project differ by `prefix` (the cluster name).
 */
export function gcsBucketName(project: string, prefix: string, bucket: string): string {
    const name = `${project}-${prefix}-${bucket}`;
    if (name.length > 63) {
        throw new Error(
            `GCS bucket name "${name}" is ${name.length} characters; GCS allows 63. Shorten namePrefix ("${prefix}") or the bucket name ("${bucket}").`,
        );
    }
    if (!/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(name) || name.includes("google") || name.startsWith("goog")) {
        throw new Error(`GCS bucket name "${name}" is invalid: lowercase letters, digits and hyphens only, and no "goog" prefix or "google".`);
    }
    return name;
}

function shortHash(seed: string, length: number): string {
    return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/**
 * Storage account names are 3-24 lowercase letters and digits, unique across all of Azure. The readable part comes
 * from `prefix`; 8 hex characters of a hash of `seed` (the VNet's resource ID, which carries the subscription ID)
 * make it unique per subscription without a random value that a lost state could not reproduce.
 */
export function storageAccountName(prefix: string, seed: string): string {
    const readable = prefix.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 16);
    return `${readable}${shortHash(seed, 8)}`;
}

/** Validates an explicitly chosen storage account name. */
export function validateStorageAccountName(name: string): void {
    if (!/^[a-z0-9]{3,24}$/.test(name)) {
        throw new Error(`storageAccountName "${name}": expected 3-24 lowercase letters or digits`);
    }
}

/**
 * A GCP service account ID (6-30 characters, `[a-z][a-z0-9-]*[a-z0-9]`) for one grant. Long names are cut and
 * suffixed with a hash of the full name, so distinct grants never collide after truncation.
 */
export function gcpServiceAccountId(prefix: string, grant: string): string {
    const full = `${prefix}-${grant}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/-+/g, "-");
    const id = full.length <= 30 ? full : `${full.slice(0, 23).replace(/-+$/, "")}-${shortHash(full, 6)}`;
    const valid = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
    if (!valid.test(id)) {
        throw new Error(`GCP service account ID "${id}" (from prefix "${prefix}" and grant "${grant}") must be 6-30 characters, start with a letter and end with a letter or digit`);
    }
    return id;
}

/** A Kubernetes object name (DNS-1123 label) derived from a grant or database name. */
export function kubernetesName(...parts: string[]): string {
    const name = parts.join("-").toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
    if (name.length > 63) return `${name.slice(0, 56).replace(/-+$/, "")}-${shortHash(name, 6)}`;
    return name;
}
