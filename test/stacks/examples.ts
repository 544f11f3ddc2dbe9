/** The organisation values a prod stack adds, as a user writes them in a stack file (shared by the config suites). */
export const prodIngress = { domain: "ml.acme.io", tls: { acme: { email: "ops@acme.io" } } };
export const gke = { provider: "gke", project: "acme-ml-prod", region: "europe-west1" };
export const aks = {
    provider: "aks",
    location: "westeurope",
    adminGroupObjectIds: ["6f1c2a3b-1d2e-4f50-9a6b-7c8d9e0f1a2b"],
    authorizedIpRanges: ["198.51.100.0/24"],
};
