import { mergeFlows, NetworkMember, NetworkPoliciesArgs } from "../components";
import { CERT_MANAGER_WEBHOOK_PORT } from "../components/certmanager/spec";
import { PROMETHEUS_OPERATOR_WEBHOOK_PORT } from "../components/monitoring/values";
import { KSERVE_WEBHOOK_PORT } from "../components/serving";
import { SPARK_WEBHOOK_PORT } from "../components/compute/spec";
import { PlatformConfig } from "./schema";

/**
 * Namespaces the stack fixes because one component must name another's before that one exists: Strimzi's listener
 * admits its client namespaces when the Kafka cluster is declared.
 */
export const namespaces = { orchestrator: "ml-orchestrator", notebooks: "ml-notebooks", serving: "ml-serving", feedback: "ml-feedback" } as const;

/**
 * What the NetworkPolicies allow: the flows every component declared for itself and for each connection it made,
 * and nothing else. Read after every component and route exists.
 */
export function platformFlows(members: readonly (NetworkMember | undefined)[]): NetworkPoliciesArgs {
    const present = members.filter((m): m is NetworkMember => !!m);
    return { namespaces: [...new Set(present.flatMap((m) => m.namespaces))].sort(), flows: mergeFlows(present.flatMap((m) => m.flows)) };
}

/**
 * The ports on which the API server will call the webhooks of the enabled components. The GKE cluster opens them
 * from its control plane before any component exists; `test/network` checks them against the webhook flows the
 * components declare.
 */
export function expectedWebhookPorts(config: PlatformConfig): number[] {
    const on = config.components;
    const ports = [CERT_MANAGER_WEBHOOK_PORT, ...(on.serving ? [KSERVE_WEBHOOK_PORT] : []), ...(on.compute && on.lakehouse ? [SPARK_WEBHOOK_PORT] : []), ...(on.monitoring ? [PROMETHEUS_OPERATOR_WEBHOOK_PORT] : [])];
    return [...new Set(ports)].sort((a, b) => a - b);
}
