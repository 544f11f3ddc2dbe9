import * as pulumi from "@pulumi/pulumi";
import * as containerservice from "@pulumi/azure-native/containerservice";
import { ReportViolation, ResourceValidation, ResourceValidationArgs, validateResourceOfType } from "@pulumi/policy";

export type ManagedClusterProps = pulumi.Unwrap<containerservice.ManagedClusterArgs>;

/** The pool settings the AKS policies read, common to inline agent pool profiles and AgentPool resources. */
export interface AksPool {
    /** `ManagedCluster ml-platform-prod (pool system)`, for messages. */
    readonly where: string;
    readonly enableNodePublicIP?: boolean;
    readonly enableEncryptionAtHost?: boolean;
}

/** A check on the ManagedCluster resource itself. */
export function validateAksCluster(
    check: (cluster: ManagedClusterProps, name: string, reportViolation: ReportViolation) => void,
): ResourceValidation {
    return validateResourceOfType(containerservice.ManagedCluster, (cluster, args, report) =>
        check(cluster, cluster.resourceName ?? args.name, report));
}

/** A check on every agent pool: those inlined in the ManagedCluster (the system pool) and AgentPool resources. */
export function validateAksPools(
    check: (pool: AksPool, args: ResourceValidationArgs, reportViolation: ReportViolation) => void,
): ResourceValidation[] {
    return [
        validateResourceOfType(containerservice.ManagedCluster, (cluster, args, report) => {
            const name = cluster.resourceName ?? args.name;
            for (const pool of cluster.agentPoolProfiles ?? []) check({ ...pool, where: `ManagedCluster ${name} (pool ${pool.name})` }, args, report);
        }),
        validateResourceOfType(containerservice.AgentPool, (pool, args, report) =>
            check({ ...pool, where: `AgentPool ${pool.agentPoolName ?? args.name}` }, args, report)),
    ];
}
