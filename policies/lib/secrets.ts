/**
 * Names that hold a secret value: an environment variable (`DB_PASSWORD`, `AIRFLOW__CORE__FERNET_KEY`)
 * or a chart value key (`adminPassword`, `webserverSecretKey`). Matching is by word, not substring, so
 * `TOKENIZERS_PARALLELISM` or `KEYCLOAK_URL` are not secrets.
 */
const secretWords = new Set([
    "PASSWORD", "PASSWD", "PASS", "PASSPHRASE", "SECRET", "SECRETS", "TOKEN", "APIKEY", "SECRETKEY", "PRIVATEKEY",
    "CREDENTIAL", "CREDENTIALS",
]);

/** `DBPASSWORD`, `PGPASSWORD`: a password word fused with its owner. */
const fusedPassword = /^(DB|PG|MYSQL|REDIS|SMTP|ADMIN|ROOT)?PASSW(OR)?D$/;

/**
 * `KEY` alone is ambiguous (`topologyKey`, `partitionKey`, `ACCESS_KEY` are not secrets), so a name ending in
 * KEY is secret only when qualified by one of these: `FERNET_KEY`, `API_KEY`, `webserverSecretKey`,
 * `awsSecretAccessKey`, `tlsKey`.
 */
const secretKeyQualifiers = new Set([
    "SECRET", "API", "PRIVATE", "ENCRYPTION", "ENCRYPT", "SIGNING", "SIGN", "FERNET", "MASTER", "HMAC", "JWT", "SESSION",
    "CLIENT", "TLS", "SSL", "SSH", "LICENSE", "AUTH", "CIPHER", "SHARED",
]);

/**
 * A last word that makes the name a reference to a secret, or metadata about one, rather than the secret:
 * `PASSWORD_FILE`, `secretName`, `TOKEN_URL`, `AWS_ACCESS_KEY_ID`, `FERNET_KEY_CMD`, `AIRFLOW__SECRETS__BACKEND`.
 */
const referenceWords = new Set([
    "FILE", "PATH", "DIR", "NAME", "NAMES", "REF", "ID", "URL", "URI", "ENDPOINT", "CMD", "COMMAND", "ENABLED",
    "TTL", "TIMEOUT", "LENGTH", "SIZE", "HEADER", "TYPE", "ALGORITHM", "MOUNT", "SECRETREF", "KEYREF", "PREFIX",
    "POLICY", "MODE", "FORMAT", "ENCODING", "PROVIDER", "BACKEND", "SOURCE", "KIND", "VERSION", "INTERVAL", "PERIOD",
    "ROTATION",
]);

/**
 * `passwordKey: admin-password` names the key inside a Secret where the password is kept, not a key; so does
 * `auth_state_groups_key: oauth_user.groups` (where the groups are in the login's auth state).
 */
const keyOfWords = new Set(["PASSWORD", "PASSWD", "PASS", "TOKEN", "CREDENTIALS", "USER", "USERNAME", "GROUPS", "ROLES", "CLAIM"]);

/** Splits `AIRFLOW__CORE__FERNET_KEY`, `webserverSecretKey` or `api-key` into upper-case words. */
export function words(name: string): string[] {
    return name
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .toUpperCase()
        .split(/[^A-Z0-9]+/)
        .filter(Boolean);
}

export function isSecretName(name: string): boolean {
    const w = words(name);
    if (w.length === 0) return false;
    const last = w[w.length - 1];
    // `existingSecret`, `existingSecretPasswordKey`: a chart's pointer to a Secret you created.
    if (w[0] === "EXISTING" || referenceWords.has(last)) return false;
    if (last === "KEY") {
        const before = w.slice(0, -1);
        // `passwordKey`, `passwordSecretKey`: where in a Secret the password is kept.
        const owner = before[before.length - 1] === "SECRET" ? before[before.length - 2] : before[before.length - 1];
        if (owner !== undefined && keyOfWords.has(owner)) return false;
        return before.some((word) => secretKeyQualifiers.has(word));
    }
    return w.some((word) => secretWords.has(word) || fusedPassword.test(word));
}

/**
 * A literal that carries a secret: a non-empty string that is not a reference to another variable
 * (`$(DB_PASSWORD)` is expanded by the kubelet, `${ENV:X}` by the application) nor the path of a mounted
 * file (`GOOGLE_APPLICATION_CREDENTIALS=/var/run/secrets/gcp/key.json`).
 */
export function isLiteralSecretValue(value: unknown): boolean {
    if (typeof value !== "string" || value === "") return false;
    const reference = /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(value) || /^\$\{[^}]+\}$/.test(value);
    const mountedFile = /^\/[\w.-]+(\/[\w.-]+)+$/.test(value);
    return !reference && !mountedFile;
}
