import { validateGkePools } from "../lib/gke";
import { PlatformResourcePolicy } from "../lib/policy";

export const nodeAutoRepairAndUpgrade: PlatformResourcePolicy = {
    name: "gke-node-auto-repair-and-upgrade",
    description:
        "Node auto-repair and auto-upgrade stay on (the provider's default): unhealthy nodes are recreated and " +
        "nodes follow the release channel's security patches.",
    remediationSteps: "Set `management: { autoRepair: true, autoUpgrade: true }` on every NodePool (or leave them unset).",
    severity: "medium",
    tags: ["gke", "cis", "nodes"],
    validateResource: validateGkePools((pool, _args, report) => {
        if (pool.management?.autoRepair === false) report(`${pool.where} sets management.autoRepair: false.`);
        if (pool.management?.autoUpgrade === false) report(`${pool.where} sets management.autoUpgrade: false.`);
    }),
};
