import { validateAksCluster } from "../lib/aks";
import { PlatformResourcePolicy } from "../lib/policy";

const slaTiers = new Set(["Standard", "Premium"]);

export const standardSkuTier: PlatformResourcePolicy = {
    name: "aks-standard-sku-tier",
    description:
        "Prod clusters run on the Standard (or Premium) tier: a financially backed API server SLA and a control " +
        "plane sized for many nodes; the Free tier has neither. Disabled for dev stacks by config/dev.json.",
    remediationSteps: "Set `sku: { name: \"Base\", tier: \"Standard\" }` on the ManagedCluster.",
    severity: "medium",
    tags: ["aks", "reliability"],
    validateResource: validateAksCluster((cluster, name, report) => {
        const tier = cluster.sku?.tier;
        if (!tier || !slaTiers.has(tier)) report(`ManagedCluster ${name} runs on the ${tier ?? "Free (default)"} tier; prod needs Standard.`);
    }),
};
