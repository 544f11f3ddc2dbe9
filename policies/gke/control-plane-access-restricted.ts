import { validateGkeCluster } from "../lib/gke";
import { PlatformResourcePolicy } from "../lib/policy";

const anywhere = new Set(["0.0.0.0/0", "::/0"]);

export const controlPlaneAccessRestricted: PlatformResourcePolicy = {
    name: "gke-control-plane-access-restricted",
    description:
        "The GKE control plane is reachable only from authorized networks or only on its private endpoint; " +
        "neither 0.0.0.0/0 nor all of Google Cloud's public IPs are authorized.",
    remediationSteps:
        "Set `masterAuthorizedNetworksConfig.cidrBlocks` to your office/CI ranges (an empty list allows only the " +
        "VPC), or `privateClusterConfig.enablePrivateEndpoint: true`; leave `gcpPublicCidrsAccessEnabled` unset or false.",
    severity: "high",
    tags: ["gke", "cis", "network"],
    validateResource: validateGkeCluster((cluster, name, report) => {
        const authorized = cluster.masterAuthorizedNetworksConfig;
        const privateEndpoint = cluster.privateClusterConfig?.enablePrivateEndpoint === true;
        if (!authorized && !privateEndpoint) {
            report(`Cluster ${name} has a public control plane endpoint with no masterAuthorizedNetworksConfig.`);
        }
        for (const block of authorized?.cidrBlocks ?? []) {
            if (anywhere.has(block.cidrBlock)) report(`Cluster ${name} authorizes ${block.cidrBlock} to reach the control plane.`);
        }
        if (authorized?.gcpPublicCidrsAccessEnabled === true) {
            report(`Cluster ${name} sets masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled: true (any Google Cloud VM may connect).`);
        }
    }),
};
