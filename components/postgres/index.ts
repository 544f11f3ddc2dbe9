import * as pulumi from "@pulumi/pulumi";
import type { CloudSqlPostgresArgs } from "./cloudsql";
import { PostgresParts } from "./common";
import type { FlexiblePostgresArgs } from "./flexible";
import { existingPostgres, ExistingPostgresArgs, validateExistingPostgres } from "./existing";
import { createInClusterPostgres, InClusterPostgresArgs } from "./inCluster";
import { ConnectionRecord, Flow, isNamespace, NetworkMember } from "../network/spec";
import { provisionDatabase } from "./provision";
import type { SslMode } from "./sql";
import { DatabaseConnection, DatabaseRequest, Postgres, PostgresFlavor } from "./types";
import { requireKubernetesProvider } from "../common/kubernetes";

export * from "./types";
// The cloud flavors load their SDK (@pulumi/gcp, @pulumi/azure-native) on first use only, so a program on kind or an
// existing cluster never loads them.
const cloudsql = () => require("./cloudsql") as typeof import("./cloudsql");
const flexible = () => require("./flexible") as typeof import("./flexible");
export type { CloudSqlPostgresArgs } from "./cloudsql";
export type { FlexiblePostgresArgs } from "./flexible";
export { InClusterPostgresArgs } from "./inCluster";
export { ExistingPostgresArgs, PostgresAdminSecretRef } from "./existing";
export type { SslMode } from "./sql";

/** Arguments of {@link PostgresServer}, one shape per `flavor`; `existing` brings a server you already run. */
export type PostgresServerArgs = InClusterPostgresArgs | CloudSqlPostgresArgs | FlexiblePostgresArgs | ExistingPostgresArgs;

/**
 * The platform's Postgres: a StatefulSet in the cluster (dev), Cloud SQL (GKE), Flexible Server (AKS), or a server
 * that already exists (`existing`: by host, port and an admin Secret). Consumers
 * take it as a {@link Postgres} and call `database(...)` for their own database, role and connection Secret.
 *
 * Every flavor needs the Kubernetes provider (`opts.providers`): the admin Secret and the psql provisioning Jobs run
 * in the cluster. Cloud servers depend only on the cluster's network, so they are created alongside the cluster.
 */
export class PostgresServer extends pulumi.ComponentResource implements Postgres, NetworkMember {
    public readonly flavor: PostgresFlavor;
    public readonly namespaces: string[];
    /** A managed server: the provisioning Jobs reach it from the admin namespace. */
    public readonly flows: Flow[];
    /** It connects to nothing as a client. */
    public readonly connections: ConnectionRecord[] = [];
    public readonly host: pulumi.Output<string>;
    public readonly port: pulumi.Output<number>;
    /** Whether connections use TLS (`require`) or not (`disable`, the in-cluster dev server). */
    public readonly sslMode: SslMode;
    private readonly parts: PostgresParts;

    constructor(name: string, args: PostgresServerArgs, opts?: pulumi.ComponentResourceOptions) {
        if (!["in-cluster", "cloudsql", "flexible", "existing"].includes(args?.flavor)) {
            throw new Error(`PostgresServer "${name}": flavor ${JSON.stringify(args?.flavor)}: expected "in-cluster", "cloudsql", "flexible" or "existing"`);
        }
        if (args.flavor === "existing") validateExistingPostgres(name, args);
        requireKubernetesProvider(`PostgresServer "${name}"`, args, opts);
        super("mlplatform:postgres:PostgresServer", name, {}, opts);
        this.flavor = args.flavor;
        switch (args.flavor) {
            case "in-cluster":
                this.parts = createInClusterPostgres(name, args, this);
                break;
            case "cloudsql":
                this.parts = cloudsql().createCloudSql(name, args, this);
                break;
            case "flexible":
                this.parts = flexible().createFlexibleServer(name, args, this);
                break;
            case "existing":
                this.parts = existingPostgres(name, args, this);
                break;
        }
        this.host = this.parts.host;
        this.port = pulumi.output(this.parts.port);
        this.sslMode = this.parts.provisioner.sslMode;
        const p = this.parts.provisioner;
        this.namespaces = [p.namespace];
        this.flows = isNamespace(p.peer) ? [] : [{ from: p.namespace, to: p.peer, ports: [p.port], why: "provisioning Jobs create consumer databases and roles" }];
        this.registerOutputs({ host: this.host, port: this.port });
    }

    database(name: string, request: DatabaseRequest, parent: pulumi.Resource): DatabaseConnection {
        return provisionDatabase(this.parts.provisioner, name, request, parent);
    }
}
