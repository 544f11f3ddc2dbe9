import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { createSecret, platformLabels } from "../common/kubernetes";
import { kubernetesName } from "../storage/names";
import { jobResources, provisioningJobOptions } from "../storage/pod";
import { psqlJob } from "./spec";
import { AdminKind, jdbcUrl, postgresUri, provisionDatabaseSql, SslMode, validateDatabaseName } from "./sql";
import type { Peer } from "../network/spec";
import { DatabaseConnection, DatabaseRequest, databaseSecretKeys } from "./types";

/** How one flavor provisions consumer databases; built once by the server, used by every `database(...)` call. */
export interface DatabaseProvisioner {
    /** Namespace of the admin Secret and the provisioning Jobs (never a consumer's namespace). */
    readonly namespace: string;
    /** The Namespace resource of `namespace`: everything created in it waits for it (a first `up` starts empty). */
    readonly namespaceResource: k8s.core.v1.Namespace;
    readonly adminSecretName: string;
    readonly admin: AdminKind;
    readonly host: pulumi.Output<string>;
    readonly port: number;
    readonly sslMode: SslMode;
    readonly psqlImage: string;
    readonly walLevelAdvice: string;
    /** What the Job must wait for: the server, its admin user, its settings, its Secret. */
    readonly dependsOn: pulumi.Input<pulumi.Resource>[];
    /** Cloud flavors: the database as a cloud API resource, created before the Job takes ownership of it. */
    readonly createDatabase?: (name: string, database: string, parent: pulumi.Resource) => pulumi.Resource;
    /** Where clients connect to, as a NetworkPolicy peer. */
    readonly peer: Peer;
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

/**
 * One consumer's database and role, with a generated password delivered as a Secret in the consumer's namespace.
 * The Secret appears only after the Job has set the password, so a consumer never starts with a rejected one.
 */
export function provisionDatabase(
    p: DatabaseProvisioner,
    name: string,
    request: DatabaseRequest,
    parent: pulumi.Resource,
): DatabaseConnection {
    validateDatabaseName(request.database);
    const opts = { parent };
    const database = request.database;
    const replication = request.replication ?? false;
    const monitoring = request.monitoring ?? false;
    const component = "postgres";

    const cloudDatabase = p.createDatabase?.(name, database, parent);
    // Alphanumeric: it goes into URIs and JDBC properties that consumers may build without escaping.
    const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, opts);
    const roleSecretName = kubernetesName("role", database);
    const roleSecret = createSecret(
        `${name}-role`,
        { name: roleSecretName, namespace: p.namespaceResource.metadata.name, component, data: { password: password.result } },
        opts,
    );

    const job = new k8s.batch.v1.Job(
        `${name}-provision`,
        psqlJob({
            name: kubernetesName("provision", database),
            namespace: p.namespace,
            image: p.psqlImage,
            labels: { ...platformLabels(component), "app.kubernetes.io/name": "postgres-provisioning", "ml-platform/database": kubernetesName(database) },
            host: p.host,
            port: p.port,
            sslMode: p.sslMode,
            adminSecretName: p.adminSecretName,
            roleSecretName,
            script: provisionDatabaseSql({ database, replication, monitoring, admin: p.admin, walLevelAdvice: p.walLevelAdvice }),
            // A rotated password changes the checksum, which replaces (re-runs) the Job.
            annotations: { "ml-platform/password-checksum": pulumi.unsecret(password.result.apply(sha256)) },
            resources: jobResources,
        }),
        { parent, dependsOn: [...p.dependsOn, p.namespaceResource, roleSecret, ...(cloudDatabase ? [cloudDatabase] : [])], ...provisioningJobOptions },
    );

    const uri = pulumi
        .all([p.host, password.result])
        .apply(([host, pw]) => postgresUri({ username: database, password: pw, host, port: p.port, database, sslMode: p.sslMode }));
    const secret = createSecret(
        `${name}-connection`,
        {
            name: kubernetesName(database, "postgres"),
            namespace: request.namespace.created,
            component,
            data: {
                [databaseSecretKeys.username]: database,
                [databaseSecretKeys.password]: password.result,
                [databaseSecretKeys.host]: p.host,
                [databaseSecretKeys.port]: String(p.port),
                [databaseSecretKeys.database]: database,
                [databaseSecretKeys.uri]: uri,
                [databaseSecretKeys.jdbcUrl]: p.host.apply((host) => jdbcUrl({ host, port: p.port, database, sslMode: p.sslMode })),
            },
        },
        { parent, dependsOn: [job] },
    );

    const from = request.namespace.name;
    const why = `${from} uses its database ${database}`;
    return {
        host: p.host,
        port: p.port,
        database,
        username: database,
        secretName: secret.metadata.name,
        uri: pulumi.secret(uri),
        flows: [{ from, to: p.peer, ports: [p.port], why }],
        connection: { kind: "postgres", from, to: pulumi.interpolate`${p.host}:${p.port}`, secret: secret.metadata.name, why },
    };
}
