import { validateGkePools } from "../lib/gke";
import { PlatformResourcePolicy } from "../lib/policy";

/** The Compute Engine default service account: Editor on the project unless an org policy removed it. */
const computeDefault = /-compute@developer\.gserviceaccount\.com$/;

export const dedicatedNodeServiceAccount: PlatformResourcePolicy = {
    name: "gke-dedicated-node-service-account",
    description:
        "Nodes run as a dedicated least-privilege service account, not the Compute Engine default service account " +
        "(which typically holds Editor on the whole project).",
    remediationSteps:
        "Create a service account for the nodes with roles/container.defaultNodeServiceAccount (and " +
        "roles/artifactregistry.reader for private images) and set it as `nodeConfig.serviceAccount` on every pool.",
    severity: "high",
    tags: ["gke", "cis", "identity"],
    validateResource: validateGkePools((pool, _args, report) => {
        const account = pool.nodeConfig.serviceAccount;
        if (!account || account === "default") {
            report(`${pool.where} does not set nodeConfig.serviceAccount, so nodes use the Compute Engine default service account.`);
        } else if (computeDefault.test(account)) {
            report(`${pool.where} uses the Compute Engine default service account ${account}.`);
        }
    }),
};
