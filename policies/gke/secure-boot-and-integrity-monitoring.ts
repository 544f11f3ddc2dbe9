import { validateGkePools } from "../lib/gke";
import { PlatformResourcePolicy } from "../lib/policy";

export const secureBootAndIntegrityMonitoring: PlatformResourcePolicy = {
    name: "gke-secure-boot-and-integrity-monitoring",
    description:
        "Every node pool boots with Secure Boot (only signed boot components and kernel modules) and integrity " +
        "monitoring (measured boot compared against a baseline), so boot-level malware is blocked or reported.",
    remediationSteps:
        "Set `nodeConfig.shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true }` on the " +
        "Cluster's default pool and every NodePool (Secure Boot is off by default; GPU pools need signed drivers, which COS provides).",
    severity: "medium",
    tags: ["gke", "cis", "nodes"],
    validateResource: validateGkePools((pool, _args, report) => {
        const shielded = pool.nodeConfig.shieldedInstanceConfig;
        if (shielded?.enableSecureBoot !== true) report(`${pool.where} does not set shieldedInstanceConfig.enableSecureBoot: true.`);
        if (shielded?.enableIntegrityMonitoring === false) {
            report(`${pool.where} sets shieldedInstanceConfig.enableIntegrityMonitoring: false.`);
        }
    }),
};
