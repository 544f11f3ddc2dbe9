import { validateGkeCluster } from "../lib/gke";
import { PlatformResourcePolicy } from "../lib/policy";

export const clientCertificatesDisabled: PlatformResourcePolicy = {
    name: "gke-client-certificates-disabled",
    description:
        "No client certificate is issued: it is a long-lived cluster-admin credential that cannot be revoked " +
        "short of rotating the cluster CA; people and CI authenticate with short-lived Google tokens instead.",
    remediationSteps: "Set `masterAuth.clientCertificateConfig.issueClientCertificate: false` (or leave masterAuth unset).",
    severity: "high",
    tags: ["gke", "cis", "identity"],
    validateResource: validateGkeCluster((cluster, name, report) => {
        if (cluster.masterAuth?.clientCertificateConfig?.issueClientCertificate === true) {
            report(`Cluster ${name} issues a client certificate (masterAuth.clientCertificateConfig.issueClientCertificate: true).`);
        }
    }),
};
