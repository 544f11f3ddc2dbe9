import * as pulumi from "@pulumi/pulumi";
import type { ClientNamespace, Connected } from "../network/spec";

/** Postgres in the kind cluster, Cloud SQL on GKE, Flexible Server on AKS, or a server you already run (`existing`). */
export type PostgresFlavor = "in-cluster" | "cloudsql" | "flexible" | "existing";

/** Keys of the Secret each consumer receives. */
export const databaseSecretKeys = {
    username: "username",
    password: "password",
    host: "host",
    port: "port",
    database: "database",
    /** `postgresql://user:password@host:port/database?sslmode=...` */
    uri: "uri",
    /** `jdbc:postgresql://host:port/database?sslmode=...` (no credentials). */
    jdbcUrl: "jdbc-url",
} as const;

/** One consumer's database: its own database and user, delivered as a Secret in the consumer's namespace. */
export interface DatabaseConnection extends Connected {
    readonly host: pulumi.Output<string>;
    readonly port: number;
    readonly database: string;
    readonly username: string;
    /** Secret in the consumer's namespace with the keys of {@link databaseSecretKeys}. */
    readonly secretName: pulumi.Output<string>;
    /**
     * The Secret's `uri` value, as a Pulumi secret: for consumers that must write it under another key (the
     * Airflow chart reads `connection`) or derive from it (PgBouncer's user list). Prefer `secretName`.
     */
    readonly uri: pulumi.Output<string>;
}

export interface DatabaseRequest {
    /** Namespace of the consumer, where its Secret is created and whence it connects. */
    readonly namespace: ClientNamespace;
    /** Database and user name (lowercase, underscores), e.g. `metastore`. */
    readonly database: string;
    /** CDC sources: the user may replicate (logical decoding) from this database. */
    readonly replication?: boolean;
    /**
     * Metrics exporters: the user joins `pg_monitor` (read every statistics view and setting, no data). Default
     * false. In-cluster Postgres only: managed services are monitored by their cloud, and their admin roles
     * are not documented to hold `pg_monitor` with ADMIN OPTION, so provisioning refuses the request there.
     */
    readonly monitoring?: boolean;
}

/** The platform's Postgres, as every consumer (metastore, Airflow, MLflow, CDC source) sees it. */
export interface Postgres {
    readonly flavor: PostgresFlavor;
    readonly host: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    /** TLS on connections: `require`, or `disable` (the in-cluster dev server). Absent: `disable` in-cluster, `require` otherwise. */
    readonly sslMode?: "disable" | "require";
    /** Creates a database and its user with a generated password, delivered as a Secret; `parent` owns them. */
    database(name: string, request: DatabaseRequest, parent: pulumi.Resource): DatabaseConnection;
}
