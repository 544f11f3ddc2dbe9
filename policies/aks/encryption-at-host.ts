import { validateAksPools } from "../lib/aks";
import { PlatformResourcePolicy } from "../lib/policy";

export const encryptionAtHost: PlatformResourcePolicy = {
    name: "aks-encryption-at-host",
    description:
        "Every agent pool encrypts at host: temp disks, OS and data disk caches are encrypted on the VM host, " +
        "not only the managed disks at rest.",
    remediationSteps:
        "Set `enableEncryptionAtHost: true` on every agent pool profile and AgentPool (the subscription needs the " +
        "Microsoft.Compute/EncryptionAtHost feature registered).",
    severity: "medium",
    tags: ["aks", "cis", "encryption"],
    validateResource: validateAksPools((pool, _args, report) => {
        if (pool.enableEncryptionAtHost !== true) report(`${pool.where} does not set enableEncryptionAtHost: true.`);
    }),
};
