import { validateAksCluster } from "../lib/aks";
import { PlatformResourcePolicy } from "../lib/policy";

const anywhere = new Set(["0.0.0.0/0", "::/0"]);

export const apiServerAccessRestricted: PlatformResourcePolicy = {
    name: "aks-api-server-access-restricted",
    description:
        "The API server is a private cluster endpoint or accepts only authorized IP ranges, never the whole internet.",
    remediationSteps:
        "Set `apiServerAccessProfile.authorizedIPRanges` to your office/CI ranges, or " +
        "`apiServerAccessProfile.enablePrivateCluster: true`.",
    severity: "high",
    tags: ["aks", "cis", "network"],
    validateResource: validateAksCluster((cluster, name, report) => {
        const access = cluster.apiServerAccessProfile;
        const ranges = access?.authorizedIPRanges ?? [];
        if (access?.enablePrivateCluster !== true && ranges.length === 0) {
            report(`ManagedCluster ${name} has a public API server with no apiServerAccessProfile.authorizedIPRanges.`);
        }
        for (const range of ranges) {
            if (anywhere.has(range)) report(`ManagedCluster ${name} authorizes ${range} to reach the API server.`);
        }
    }),
};
