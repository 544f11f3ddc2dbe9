import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { createNamespace, KubernetesTargetArgs, platformLabels, requireKubernetesProvider } from "../common/kubernetes";
import { ANYWHERE, ClientNamespace, connect, Connected, ConnectionRecord, Flow, NetworkMember, WebUi } from "../network/spec";
import { validateDatabaseName } from "../postgres/sql";
import { Postgres } from "../postgres/types";
import { ObjectStore } from "../storage/types";
import { chartSource, charts, imageRef, images, Mirror } from "../versions";
import { CATALOGS, trinoCatalogs } from "./catalogs";
import { MAVEN_CENTRAL } from "./jars";
import { createMetastore, METASTORE_NAME } from "./metastore";
import { hadoopOptionalTools, metastoreArtifacts, metastoreSiteXml, METASTORE_PORT } from "./metastore-config";
import { LakehouseSizing, LakehouseSizingOverrides, resolveSizing } from "./sizing";
import { MINIO_REGION, StorageSpec, Zone, zoneLocation, ZONES } from "./storage";
import { TRINO_HTTP_PORT, TRINO_RELEASE, TRINO_SERVICE_ACCOUNT, trinoSelector, trinoValues, trinoWorkerSelector } from "./trino-values";
import { createZoneSchemas } from "./zones";
import type { MonitoringSource } from "../monitoring/source";
import { lakehouseMonitoring } from "./monitoring";

export { defaultSizing as defaultLakehouseSizing, JvmResources as LakehouseJvmResources, LakehouseSizing, LakehouseSizingOverrides } from "./sizing";
export { Zone as LakehouseZone } from "./storage";

/**
 * What a Trino client gets (`Lakehouse.grantClient`). Trino in the cluster has no password authenticator: the user
 * is a name for access control and query history, sent as `X-Trino-User`, so there is no credential to deliver.
 */
export interface TrinoClientAccess extends Connected {
    readonly host: string;
    readonly port: number;
    readonly protocol: "http";
    readonly user: string;
    /** The catalog new tables go to (Iceberg). */
    readonly catalog: string;
    /** `http://host:port` */
    readonly url: string;
}

/**
 * What a Hive Metastore client gets (`Lakehouse.grantMetastoreClient`): the Thrift URI. The metastore has no
 * authentication in the cluster (as for Trino, nothing secret to deliver); what it may reach is the flow.
 */
export interface MetastoreClientAccess extends Connected {
    /** `thrift://hive-metastore.<namespace>.svc.cluster.local:9083` */
    readonly uri: string;
}

/** The contract of the lakehouse's metastore and zones, for engines that read and write its tables (Spark). */
export interface MetastoreServer {
    /** Logical bucket (a key of the object store's `buckets`) of each zone. */
    readonly zoneBuckets: Readonly<Record<Zone, string>>;
    /** Root URI of each zone, with a trailing slash. */
    readonly zoneUris: Record<Zone, pulumi.Output<string>>;
    grantMetastoreClient(args: { readonly namespace: ClientNamespace }): MetastoreClientAccess;
}

/** The contract of a Trino server other components query (implemented by `Lakehouse`). */
export interface TrinoServer {
    grantClient(args: { readonly namespace: ClientNamespace; readonly user: string }): TrinoClientAccess;
}

export interface LakehouseArgs extends KubernetesTargetArgs {
    /**
     * `dev`: one metastore, one Trino coordinator doing all the work, small heaps. `prod`: two metastores, a
     * coordinator plus 2-10 CPU-autoscaled workers with graceful shutdown, PDBs, zone spreading.
     */
    readonly environment: "dev" | "prod";
    /** Namespace created for the lakehouse. Default `ml-lakehouse`. */
    /** Database (and its user) of the Hive Metastore. Default `metastore`; two lakehouses on one Postgres need different ones. */
    readonly metastoreDatabase?: string;
    readonly namespace?: string;
    /** The platform's object store; the zone buckets must be among its `buckets`. */
    readonly objectStore: ObjectStore;
    /** The platform's Postgres; the metastore gets its own `metastore` database and user from it. */
    readonly postgres: Postgres;
    /**
     * Logical bucket (key of `objectStore.buckets`) of each zone. Default `{ bronze: "bronze", silver: "silver",
     * gold: "gold" }`. Zones are whole buckets, not prefixes: each can get its own retention, access and
     * lifecycle rules at the store, and a grant can name exactly the zones a consumer may touch.
     */
    readonly zones?: Partial<Record<Zone, string>>;
    /** Per-field overrides of the environment's sizing (`defaultLakehouseSizing(environment)`). Default: none. */
    readonly sizing?: LakehouseSizingOverrides;
    /** Air-gapped image registry and chart repository. Default: the upstreams in `versions.ts`. */
    readonly mirror?: Mirror;
    /** Maven repository the metastore fetches its checksum-pinned jars from. Default Maven Central. */
    readonly mavenRepository?: string;
    /** Create `lakehouse.bronze|silver|gold` schemas at the zone buckets after deploy. Default true. */
    readonly createZoneSchemas?: boolean;
}

/** The logical bucket of each zone, checked against the object store's buckets. */
function resolveZoneBuckets(args: LakehouseArgs): Record<Zone, string> {
    const store = args.objectStore;
    const zoneBuckets = Object.fromEntries(ZONES.map((z) => [z, args.zones?.[z] ?? z])) as Record<Zone, string>;
    const missing = ZONES.filter((z) => !(zoneBuckets[z] in store.buckets));
    if (missing.length > 0) {
        throw new Error(
            `lakehouse: zone bucket(s) ${missing.map((z) => `${z}="${zoneBuckets[z]}"`).join(", ")} are not buckets of the ` +
                `object store (it has ${Object.keys(store.buckets).join(", ") || "none"}); add them to the ObjectStore's buckets or set args.zones`,
        );
    }
    if (store.flavor === "minio" && !store.s3Endpoint) throw new Error("lakehouse: a MinIO object store must expose s3Endpoint");
    return zoneBuckets;
}

/**
 * The lakehouse: bronze/silver/gold zones in the object store, a Hive Metastore on its own Postgres database,
 * and Trino (official chart) with an Iceberg catalog `lakehouse` (default for new tables) and a Hive catalog
 * `hive` for raw files, both on Trino's native file systems.
 */
export class Lakehouse extends pulumi.ComponentResource implements TrinoServer, MetastoreServer, NetworkMember {
    public readonly namespace: pulumi.Output<string>;
    public readonly namespaces: string[];
    /** The metastore's and Trino's databases, zone buckets and jar downloads. */
    public readonly flows: Flow[] = [];
    /** Its databases and buckets. */
    public readonly connections: ConnectionRecord[] = [];
    /** The Trino UI, for the ingress (Trino has no login of its own here). */
    public readonly ui: WebUi;
    /** Trino's and the metastore's metrics, alerts and the Trino dashboard, for `Monitoring`'s `sources`. */
    public readonly monitoring: MonitoringSource;
    /** In-cluster Trino HTTP endpoint (coordinator Service). */
    public readonly trinoUrl: pulumi.Output<string>;
    /** In-cluster JDBC URL with `lakehouse` as default catalog, so unqualified new tables are Iceberg tables. */
    public readonly trinoJdbcUrl: pulumi.Output<string>;
    /** `thrift://` URI of the metastore, for Spark, Flink or any other engine in the cluster. */
    public readonly metastoreUri: pulumi.Output<string>;
    /** Root URI of each zone (`s3://`, `gs://` or `abfss://`), with a trailing slash. */
    public readonly zoneUris: Record<Zone, pulumi.Output<string>>;
    /** Logical bucket of each zone. */
    public readonly zoneBuckets: Readonly<Record<Zone, string>>;
    /** The in-cluster S3 endpoint (MinIO on kind only). */
    public readonly s3Endpoint?: pulumi.Output<string>;
    /** Rendered Trino catalog files, by catalog name. */
    public readonly catalogs: pulumi.Output<Record<string, string>>;
    public readonly sizing: LakehouseSizing;
    private readonly namespaceName: string;

    constructor(name: string, args: LakehouseArgs, opts?: pulumi.ComponentResourceOptions) {
        // Argument errors surface before anything is registered.
        const sizing = resolveSizing(args.environment, args.sizing);
        const zoneBuckets = resolveZoneBuckets(args);
        const metastoreDatabase = args.metastoreDatabase ?? "metastore";
        validateDatabaseName(metastoreDatabase);
        requireKubernetesProvider(`Lakehouse "${name}"`, args, opts);
        super("mlplatform:lakehouse:Lakehouse", name, {}, opts);
        this.monitoring = lakehouseMonitoring(args.namespace ?? "ml-lakehouse");
        const store = args.objectStore;
        this.sizing = sizing;

        const namespaceName = args.namespace ?? "ml-lakehouse";
        const ns = createNamespace(`${name}-ns`, { namespace: namespaceName, component: "lakehouse" }, { parent: this });
        this.namespace = ns.metadata.name;
        this.namespaces = [namespaceName];
        this.namespaceName = namespaceName;
        this.ui = { namespace: namespaceName, service: TRINO_RELEASE, port: TRINO_HTTP_PORT, auth: "basic", pods: trinoSelector };
        const client: ClientNamespace = { name: namespaceName, created: ns.metadata.name };

        this.zoneBuckets = zoneBuckets;
        this.zoneUris = Object.fromEntries(ZONES.map((z) => [z, store.uri(zoneBuckets[z]).apply(zoneLocation)])) as Record<Zone, pulumi.Output<string>>;
        const allZones = ZONES.map((z) => zoneBuckets[z]);
        const storage: pulumi.Output<StorageSpec> =
            store.flavor === "minio"
                ? pulumi
                      .all([store.s3Endpoint!, store.s3Region ?? MINIO_REGION])
                      .apply(([s3Endpoint, region]): StorageSpec => ({ flavor: "minio", s3Endpoint, region }))
                : pulumi.output<StorageSpec>(store.flavor === "gcs" ? { flavor: "gcs" } : { flavor: "adls" });

        // Both need the zones read-write: the metastore creates and drops schema/table directories, Trino the data.
        const metastoreAccess = store.grantAccess(
            `${name}-metastore`,
            { namespace: client, serviceAccountName: METASTORE_NAME, buckets: allZones, access: "readwrite" },
            this,
        );
        const trinoAccess = store.grantAccess(
            `${name}-trino`,
            { namespace: client, serviceAccountName: TRINO_SERVICE_ACCOUNT, buckets: allZones, access: "readwrite" },
            this,
        );
        const database = args.postgres.database(`${name}-metastore-db`, { namespace: client, database: metastoreDatabase }, this);
        connect(this, metastoreAccess, trinoAccess, database);
        this.flows.push({
            from: namespaceName,
            to: ANYWHERE,
            ports: [443],
            why: "the metastore fetches its pinned, checksum-verified jars from Maven",
        });

        const siteXml = pulumi.all([storage, this.zoneUris.silver, this.zoneUris.bronze]).apply(([s, silver, bronze]) =>
            metastoreSiteXml({ storage: s, warehouseDir: `${silver}warehouse/`, externalWarehouseDir: `${bronze}external/` }),
        );
        const metastore = createMetastore(
            name,
            {
                environment: args.environment,
                namespace: this.namespace,
                sizing: sizing.metastore,
                hiveImage: imageRef(images.hive, args.mirror),
                curlImage: imageRef(images.curl, args.mirror),
                siteXml,
                artifacts: metastoreArtifacts(store.flavor),
                mavenRepository: args.mavenRepository ?? MAVEN_CENTRAL,
                hadoopOptionalTools: hadoopOptionalTools(store.flavor),
                database,
                access: metastoreAccess,
            },
            this,
        );
        this.metastoreUri = metastore.uri;

        this.catalogs = pulumi.all([storage, metastore.uri]).apply(([s, metastoreUri]) => trinoCatalogs({ storage: s, metastoreUri }));
        const values = pulumi
            .all([this.catalogs, trinoAccess.serviceAccountAnnotations, trinoAccess.credentialsSecret])
            .apply(([catalogs, serviceAccountAnnotations, credentialsSecret]) =>
                trinoValues({
                    environment: args.environment,
                    sizing,
                    image: imageRef(images.trino, args.mirror),
                    catalogs,
                    serviceAccountAnnotations,
                    podLabels: trinoAccess.podLabels,
                    credentialsSecret,
                }),
            );
        const trino = new k8s.helm.v3.Release(
            `${name}-trino`,
            {
                name: TRINO_RELEASE,
                namespace: this.namespace,
                ...chartSource(charts.trino, args.mirror),
                values,
                // The coordinator's first start (plugin loading, JIT) takes minutes on a laptop.
                timeout: 900,
                maxHistory: 5,
            },
            { parent: this },
        );
        if (sizing.workers.minReplicas > 0) {
            // At most one worker drained at a time by voluntary disruptions (node upgrades, scale-in of nodes).
            new k8s.policy.v1.PodDisruptionBudget(
                `${name}-trino-workers`,
                {
                    metadata: { name: "trino-worker", namespace: this.namespace, labels: platformLabels("lakehouse") },
                    spec: { maxUnavailable: 1, selector: { matchLabels: { ...trinoWorkerSelector } } },
                },
                { parent: this, dependsOn: [trino] },
            );
        }

        const host = pulumi.interpolate`${TRINO_RELEASE}.${this.namespace}.svc.cluster.local:${TRINO_HTTP_PORT}`;
        this.trinoUrl = pulumi.interpolate`http://${host}`;
        this.trinoJdbcUrl = pulumi.interpolate`jdbc:trino://${host}/${CATALOGS.iceberg}`;
        this.s3Endpoint = store.flavor === "minio" ? store.s3Endpoint : undefined;

        if (args.createZoneSchemas ?? true) {
            createZoneSchemas(
                name,
                {
                    namespace: this.namespace,
                    trinoImage: imageRef(images.trino, args.mirror),
                    trinoUrl: this.trinoUrl,
                    locations: pulumi.all(this.zoneUris) as pulumi.Output<Record<Zone, string>>,
                    dependsOn: [trino, metastore.deployment],
                },
                this,
            );
        }

        this.registerOutputs({
            namespace: this.namespace,
            trinoUrl: this.trinoUrl,
            trinoJdbcUrl: this.trinoJdbcUrl,
            metastoreUri: this.metastoreUri,
            zoneUris: this.zoneUris,
            s3Endpoint: this.s3Endpoint,
        });
    }

    /** See {@link MetastoreServer.grantMetastoreClient}: the flow to the metastore's pods on its Thrift port. */
    public grantMetastoreClient(args: { readonly namespace: ClientNamespace }): MetastoreClientAccess {
        const uri = `thrift://${METASTORE_NAME}.${this.namespaceName}.svc.cluster.local:${METASTORE_PORT}`;
        const from = args.namespace.name;
        const why = `${from} reads and writes lakehouse tables through the Hive Metastore`;
        return {
            uri,
            flows: [{ from, to: this.namespaceName, ports: [METASTORE_PORT], toPods: { "app.kubernetes.io/name": METASTORE_NAME }, why }],
            connection: { kind: "metastore", from, to: uri, why },
        };
    }

    /** See {@link TrinoServer.grantClient}. */
    public grantClient(args: { readonly namespace: ClientNamespace; readonly user: string }): TrinoClientAccess {
        const host = `${TRINO_RELEASE}.${this.namespaceName}.svc.cluster.local`;
        const url = `http://${host}:${TRINO_HTTP_PORT}`;
        const from = args.namespace.name;
        const why = `${from} queries Trino as ${args.user}`;
        return {
            host,
            port: TRINO_HTTP_PORT,
            protocol: "http",
            user: args.user,
            catalog: CATALOGS.iceberg,
            url,
            flows: [{ from, to: this.namespaceName, ports: [TRINO_HTTP_PORT], toPods: trinoSelector, why }],
            connection: { kind: "trino", from, to: url, why },
        };
    }
}
