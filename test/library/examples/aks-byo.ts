/**
 * A consumer's program (the README's library chapter): an AKS cluster the team already runs, with its own ADLS
 * storage account, an Azure Database for PostgreSQL server it operates, and cert-manager and ingress-nginx already
 * installed. The library creates none of those: it gives MLflow a managed identity federated with the cluster's OIDC
 * issuer and a role on the existing container, provisions MLflow's databases on the existing server with the admin
 * Secret named, and routes the UI through the existing controller with the existing issuer.
 * Imports only the package's public entry.
 */
import * as pulumi from "@pulumi/pulumi";
import { CertManager, Cluster, Ingress, NetworkPolicies, ObjectStorage, PostgresServer, Tracking } from "../../../components";

export function program(kubeconfig: pulumi.Input<string>) {
    const cluster = new Cluster("corp", { provider: "existing", name: "corp-aks", kubeconfig });
    const k8s = { providers: [cluster.provider] };

    // Containers by name in an existing account; the grants' managed identities go to the team's resource group and
    // trust the cluster's OIDC issuer (`az aks show --query oidcIssuerProfile.issuerUrl`).
    const storage = new ObjectStorage("storage", {
        flavor: "adls",
        existing: {
            storageAccountId: "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/data-rg/providers/Microsoft.Storage/storageAccounts/acmedata",
            buckets: { mlflow: "mlflow-artifacts" },
        },
        azure: { resourceGroupName: "ml-team-rg", location: "westeurope", oidcIssuerUrl: "https://westeurope.oic.prod-aks.azure.com/tenant/issuer/" },
        namePrefix: "corp-aks",
    });
    // A Flexible Server the team runs, by its private DNS name; the admin credential is a Secret in the cluster.
    const postgres = new PostgresServer(
        "postgres",
        {
            flavor: "existing",
            host: "acme-pg.postgres.database.azure.com",
            sslMode: "require",
            adminSecret: { namespace: "dba", name: "pg-admin" },
            // Its private endpoint's subnet: the flows name it instead of any address.
            peer: { cidr: "10.70.4.0/24" },
        },
        k8s,
    );
    const certs = new CertManager("cert-manager", { environment: "prod", existing: { clusterIssuer: "letsencrypt-prod", namespace: "cert-manager" } }, k8s);
    const ingress = new Ingress(
        "ingress",
        {
            environment: "prod",
            domain: "ml.acme.example.com",
            clusterIssuer: certs.clusterIssuer,
            existing: { className: "nginx", namespace: "ingress-nginx", pods: { "app.kubernetes.io/name": "ingress-nginx" } },
        },
        k8s,
    );
    const tracking = new Tracking("tracking", { environment: "prod", objectStore: storage, postgres, externalHosts: ["mlflow.ml.acme.example.com"] }, k8s);
    const route = ingress.expose("mlflow", { subdomain: "mlflow", ui: tracking.ui, after: [tracking] }, tracking);

    const members = [storage, postgres, certs, ingress, tracking];
    new NetworkPolicies(
        "policies",
        { namespaces: members.flatMap((m) => m.namespaces), flows: members.flatMap((m) => m.flows) },
        { ...k8s, dependsOn: members },
    );
    return { trackingUri: tracking.trackingUri, mlflowUrl: route.url, artifacts: tracking.artifactsDestination };
}
