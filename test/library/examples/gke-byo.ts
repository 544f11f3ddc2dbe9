/**
 * A consumer's program (the README's library chapter): a GKE cluster the team already runs, with its own GCS bucket,
 * its own Postgres, and cert-manager and ingress-nginx already installed. The library creates none of those: it
 * binds MLflow's workload identity to the existing bucket, provisions MLflow's databases on the existing server with
 * the admin Secret named, and routes the UI through the existing controller with the existing issuer.
 * Imports only the package's public entry.
 */
import * as pulumi from "@pulumi/pulumi";
import { CertManager, Cluster, Ingress, NetworkPolicies, ObjectStorage, PostgresServer, Tracking } from "../../../components";

export function program(kubeconfig: pulumi.Input<string>) {
    const cluster = new Cluster("corp", { provider: "existing", name: "corp-gke", kubeconfig });
    const k8s = { providers: [cluster.provider] };

    // Buckets by name; the grants' Google service accounts go to this project, bound through its workload identity pool.
    const storage = new ObjectStorage("storage", {
        flavor: "gcs",
        existing: { buckets: { mlflow: "acme-shared-mlflow-artifacts" } },
        gcp: { project: "acme-data", workloadIdentityPool: "acme-data.svc.id.goog" },
        namePrefix: "corp-gke",
    });
    // A Cloud SQL instance (or any Postgres) the team runs, at its private IP; the admin credential is a Secret in the cluster.
    const postgres = new PostgresServer(
        "postgres",
        { flavor: "existing", host: "10.60.0.9", sslMode: "require", adminSecret: { namespace: "dba", name: "pg-admin" } },
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

    // Default deny in the namespaces the library created, then exactly the flows the components declared.
    const members = [storage, postgres, certs, ingress, tracking];
    new NetworkPolicies(
        "policies",
        { namespaces: members.flatMap((m) => m.namespaces), flows: members.flatMap((m) => m.flows) },
        { ...k8s, dependsOn: members },
    );
    return { trackingUri: tracking.trackingUri, mlflowUrl: route.url, artifacts: tracking.artifactsDestination };
}
