import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { ReportViolation, ResourceValidation, ResourceValidationArgs, validateResourceOfType } from "@pulumi/policy";

/** The node settings the GKE policies read, common to a cluster's default pool and to NodePools. */
export interface GkeNodeConfig {
    readonly serviceAccount?: string;
    readonly imageType?: string;
    readonly metadata?: Record<string, string>;
    readonly workloadMetadataConfig?: { readonly mode?: string };
    readonly shieldedInstanceConfig?: { readonly enableSecureBoot?: boolean; readonly enableIntegrityMonitoring?: boolean };
}

/** The node settings of one pool, named for messages (`Cluster ml-platform-prod (default pool)`). */
export interface GkePool {
    readonly where: string;
    readonly nodeConfig: GkeNodeConfig;
    readonly management?: { readonly autoRepair?: boolean; readonly autoUpgrade?: boolean };
    readonly networkConfig?: { readonly enablePrivateNodes?: boolean };
}

type PoolCheck = (pool: GkePool, args: ResourceValidationArgs, reportViolation: ReportViolation) => void;

/**
 * Node-level checks on every pool a GKE program can define: the cluster's default pool (`nodeConfig`,
 * configured even when `removeDefaultNodePool` deletes it, since its nodes exist until then), pools inlined
 * in `nodePools`, and NodePool resources. Autopilot clusters manage their nodes themselves.
 */
export function validateGkePools(check: PoolCheck): ResourceValidation[] {
    return [
        validateResourceOfType(gcp.container.Cluster, (cluster, args, report) => {
            if (cluster.enableAutopilot) return;
            const name = cluster.name ?? args.name;
            check({ where: `Cluster ${name} (default pool)`, nodeConfig: cluster.nodeConfig ?? {} }, args, report);
            for (const pool of cluster.nodePools ?? []) {
                check(
                    {
                        where: `Cluster ${name} (pool ${pool.name ?? "unnamed"})`,
                        nodeConfig: pool.nodeConfig ?? {},
                        management: pool.management,
                        networkConfig: pool.networkConfig,
                    },
                    args,
                    report,
                );
            }
        }),
        validateResourceOfType(gcp.container.NodePool, (pool, args, report) => {
            check(
                {
                    where: `NodePool ${pool.name ?? args.name}`,
                    nodeConfig: pool.nodeConfig ?? {},
                    management: pool.management,
                    networkConfig: pool.networkConfig,
                },
                args,
                report,
            );
        }),
    ];
}

/** A check on the Cluster resource itself (control plane and cluster-wide settings). */
export function validateGkeCluster(
    check: (cluster: ClusterProps, name: string, reportViolation: ReportViolation) => void,
): ResourceValidation {
    return validateResourceOfType(gcp.container.Cluster, (cluster, args, report) => check(cluster, cluster.name ?? args.name, report));
}

export type ClusterProps = pulumi.Unwrap<gcp.container.ClusterArgs>;
