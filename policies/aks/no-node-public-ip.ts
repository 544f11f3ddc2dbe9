import { validateAksPools } from "../lib/aks";
import { PlatformResourcePolicy } from "../lib/policy";

export const noNodePublicIp: PlatformResourcePolicy = {
    name: "aks-no-node-public-ip",
    description: "No agent pool gives its nodes public IP addresses; nodes are reached only through the VNet.",
    remediationSteps: "Set `enableNodePublicIP: false` (or leave it unset) on every agent pool profile and AgentPool.",
    severity: "high",
    tags: ["aks", "cis", "network"],
    validateResource: validateAksPools((pool, _args, report) => {
        if (pool.enableNodePublicIP === true) report(`${pool.where} sets enableNodePublicIP: true.`);
    }),
};
