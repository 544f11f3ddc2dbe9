/**
 * One schema per zone, created through Trino once the stack is up: `lakehouse.bronze|silver|gold` (and the
 * same metastore databases seen as `hive.bronze|silver|gold`), each located at its zone's bucket, so the first
 * `CREATE TABLE lakehouse.silver.x` lands in the silver bucket. Running it is also the deploy-time proof that
 * Trino, the metastore and the object store work together: `pulumi up` fails if they do not.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { platformLabels } from "../common/kubernetes";
import { CATALOGS } from "./catalogs";
import { containerSecurityContext, podSecurityContext } from "./pods";
import { Zone, ZONES } from "./storage";

/** Idempotent DDL: re-running it, or running it against schemas a user already made, changes nothing. */
export function zoneSchemaStatements(locations: Record<Zone, string>): string[] {
    return ZONES.map((zone) => {
        const location = locations[zone];
        if (/['\\\n]/.test(location)) throw new Error(`lakehouse: zone ${zone} location ${JSON.stringify(location)} cannot be quoted in SQL`);
        return `CREATE SCHEMA IF NOT EXISTS ${CATALOGS.iceberg}.${zone} WITH (location = '${location}')`;
    });
}

export interface ZoneSchemasArgs {
    readonly namespace: pulumi.Output<string>;
    readonly trinoImage: string;
    readonly trinoUrl: pulumi.Output<string>;
    readonly locations: pulumi.Output<Record<Zone, string>>;
    readonly dependsOn: pulumi.Resource[];
}

export function createZoneSchemas(name: string, args: ZoneSchemasArgs, parent: pulumi.Resource): k8s.batch.v1.Job {
    const labels = { ...platformLabels("lakehouse"), "app.kubernetes.io/name": "lakehouse-zone-schemas" };
    return new k8s.batch.v1.Job(
        `${name}-zone-schemas`,
        {
            // Auto-named: new zone locations make a new Job that runs again.
            metadata: { namespace: args.namespace, labels },
            spec: {
                backoffLimit: 6,
                template: {
                    metadata: { labels },
                    spec: {
                        restartPolicy: "OnFailure",
                        automountServiceAccountToken: false,
                        securityContext: podSecurityContext,
                        containers: [
                            {
                                name: "create-schemas",
                                image: args.trinoImage,
                                // The Trino CLI ships in the server image.
                                command: ["/usr/bin/trino"],
                                args: pulumi.all([args.trinoUrl, args.locations]).apply(([url, locations]) => [
                                    "--server",
                                    url,
                                    "--user",
                                    "ml-platform",
                                    "--execute",
                                    zoneSchemaStatements(locations).join(";\n") + ";",
                                ]),
                                env: [{ name: "HOME", value: "/tmp" }, { name: "JAVA_TOOL_OPTIONS", value: "-Xmx192m" }],
                                resources: { requests: { cpu: "50m", memory: "384Mi" }, limits: { cpu: "500m", memory: "384Mi" } },
                                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                                securityContext: containerSecurityContext,
                            },
                        ],
                        volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
                    },
                },
            },
        },
        { parent, dependsOn: args.dependsOn, customTimeouts: { create: "15m", update: "15m" } },
    );
}
