/**
 * Pure SQL and connection-string builders for per-consumer databases. Database and role names are validated
 * identifiers, so they are safe to embed; the only secret (the role's password) is read by psql from the
 * environment at run time and never appears in the script.
 */

/** Who runs the provisioning script: a real superuser (in-cluster) or a managed service's admin (Cloud SQL, Flexible Server). */
export type AdminKind = "superuser" | "managed";

const RESERVED = new Set(["postgres", "template0", "template1", "public", "root", "admin", "administrator", "guest", "azure_superuser"]);

/** Throws unless `database` can be both the database and the role name on every flavor. */
export function validateDatabaseName(database: string): void {
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(database)) {
        throw new Error(`database "${database}": expected 1-63 lowercase letters, digits or underscores, starting with a letter`);
    }
    if (RESERVED.has(database) || /^(pg_|azure_|cloudsql)/.test(database)) {
        throw new Error(`database "${database}": the name is reserved by Postgres, Cloud SQL or Azure; choose another`);
    }
}

export interface ProvisionSqlSpec {
    /** Database and role name (validated). */
    readonly database: string;
    /** The role may stream logical replication (CDC source). */
    readonly replication: boolean;
    /** The role joins `pg_monitor` (metrics exporters). Superuser admins only. Default false. */
    readonly monitoring?: boolean;
    readonly admin: AdminKind;
    /** What to do when CDC is requested but `wal_level` is not `logical` (flavor-specific advice). */
    readonly walLevelAdvice: string;
}

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * An idempotent psql script: creates the role if missing, (re)sets its password, creates the database if missing
 * (cloud flavors create it through the cloud API first), makes the role its owner and closes it to other roles.
 * Run it any number of times; it converges.
 */
export function provisionDatabaseSql(spec: ProvisionSqlSpec): string {
    validateDatabaseName(spec.database);
    if (spec.monitoring && spec.admin !== "superuser") {
        throw new Error(
            `database "${spec.database}": monitoring (GRANT pg_monitor) is provisioned on the in-cluster Postgres only; ` +
                "a managed server is monitored by its cloud",
        );
    }
    const id = `"${spec.database}"`;
    const lit = literal(spec.database);
    const lines = [
        "\\set ON_ERROR_STOP on",
        "\\getenv role_password ROLE_PASSWORD",
        "SET password_encryption = 'scram-sha-256';",
        `SELECT 'CREATE ROLE ${id} LOGIN' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${lit})\\gexec`,
        `ALTER ROLE ${id} WITH LOGIN PASSWORD :'role_password';`,
    ];
    if (spec.admin === "superuser") {
        lines.push(`ALTER ROLE ${id} WITH NOSUPERUSER NOCREATEDB NOCREATEROLE ${spec.replication ? "REPLICATION" : "NOREPLICATION"};`);
        // Statistics views and settings of every database, no table data. Granting again is a no-op notice.
        if (spec.monitoring) lines.push(`GRANT pg_monitor TO ${id};`);
    } else {
        // Managed admins are not superusers: since Postgres 16 only a role holding REPLICATION may grant it (the
        // Azure-documented first step), and changing a database's owner needs membership in the new owner role.
        if (spec.replication) {
            lines.push("ALTER ROLE CURRENT_USER WITH REPLICATION;", `ALTER ROLE ${id} WITH REPLICATION;`);
        }
        lines.push(`GRANT ${id} TO CURRENT_USER;`);
    }
    lines.push(
        `SELECT 'CREATE DATABASE ${id} OWNER ${id} TEMPLATE template0 ENCODING ''UTF8''' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = ${lit})\\gexec`,
        `ALTER DATABASE ${id} OWNER TO ${id};`,
        // Other consumers' roles cannot even connect.
        `REVOKE ALL ON DATABASE ${id} FROM PUBLIC;`,
    );
    if (spec.replication) {
        lines.push(
            "DO $check$ BEGIN",
            "  IF current_setting('wal_level') <> 'logical' THEN",
            `    RAISE EXCEPTION 'CDC for ${spec.database} needs wal_level=logical but the server runs with %. %', current_setting('wal_level'), ${literal(spec.walLevelAdvice)};`,
            "  END IF;",
            "END $check$;",
        );
    }
    return lines.join("\n") + "\n";
}

export type SslMode = "disable" | "require";

export interface ConnectionParts {
    readonly username: string;
    readonly password: string;
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly sslMode: SslMode;
}

/** `postgresql://user:password@host:port/database?sslmode=...` (libpq, SQLAlchemy with a driver prefix). */
export function postgresUri(c: ConnectionParts): string {
    return `postgresql://${encodeURIComponent(c.username)}:${encodeURIComponent(c.password)}@${c.host}:${c.port}/${c.database}?sslmode=${c.sslMode}`;
}

/** `jdbc:postgresql://host:port/database?sslmode=...`; credentials go separately (JDBC user/password properties). */
export function jdbcUrl(c: Omit<ConnectionParts, "username" | "password">): string {
    return `jdbc:postgresql://${c.host}:${c.port}/${c.database}?sslmode=${c.sslMode}`;
}
