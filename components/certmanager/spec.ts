import { containerResources as res } from "../common/kubernetes";
import type { CertManagerValues } from "../charts/certManager";

/** Where certificates come from: Let's Encrypt (ACME HTTP-01 through the platform's ingress) or your own CA. */
export type IssuerSpec =
    | { readonly acme: { readonly email: string; readonly server?: string } }
    | { readonly ca: { readonly secretName: string } };

export const letsEncryptProduction = "https://acme-v02.api.letsencrypt.org/directory";

/** Values for the cert-manager chart: CRDs installed and kept on uninstall, HA in prod. */
export function certManagerValues(environment: "dev" | "prod"): CertManagerValues {
    const prod = environment === "prod";
    const replicas = prod ? 2 : 1;
    const pdb = prod ? { enabled: true, maxUnavailable: 1 } : { enabled: false };
    return {
        // Keeping CRDs on uninstall keeps every Certificate (and the TLS secrets they own) a user has.
        crds: { enabled: true, keep: true },
        replicaCount: replicas,
        podDisruptionBudget: pdb,
        resources: prod ? res("50m", "128Mi", "500m", "256Mi") : res("10m", "64Mi", "200m", "128Mi"),
        webhook: { replicaCount: replicas, podDisruptionBudget: pdb, resources: res("10m", "32Mi", "200m", "64Mi") },
        cainjector: { replicaCount: replicas, podDisruptionBudget: pdb, resources: prod ? res("50m", "128Mi", "500m", "256Mi") : res("10m", "64Mi", "200m", "128Mi") },
        startupapicheck: { resources: res("10m", "32Mi", "100m", "64Mi") },
        prometheus: { enabled: true },
    };
}

/** The ClusterIssuer every platform route asks for. */
export function clusterIssuerSpec(issuer: IssuerSpec, ingressClassName: string): Record<string, unknown> {
    if ("ca" in issuer) return { ca: { secretName: issuer.ca.secretName } };
    return {
        acme: {
            email: issuer.acme.email,
            server: issuer.acme.server ?? letsEncryptProduction,
            privateKeySecretRef: { name: "ml-platform-acme-account" },
            solvers: [{ http01: { ingress: { ingressClassName } } }],
        },
    };
}

/** The webhook's secure port (the chart's `webhook.securePort`, 10250 by default). */
export const CERT_MANAGER_WEBHOOK_PORT = 10250;
/** The labels of cert-manager's webhook pods (the chart's component label), which the API server calls. */
export const CERT_MANAGER_WEBHOOK_PODS = { "app.kubernetes.io/component": "webhook" } as const;
