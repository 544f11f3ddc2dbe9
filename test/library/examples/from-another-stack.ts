/**
 * A consumer's program (the README's library chapter) whose infrastructure lives in another stack: the cluster, the
 * bucket, the Postgres server and the certificate issuer come from `acme/infra/<stack>`'s outputs, passed straight
 * into the components' args without an `apply`. Imports only the package's public entry.
 */
import * as pulumi from "@pulumi/pulumi";
import { CertManager, Cluster, Ingress, NetworkPolicies, ObjectStorage, PostgresServer, Tracking } from "../../../components";

export function program() {
    const infra = new pulumi.StackReference("acme/infra/prod");
    const out = (name: string) => infra.requireOutput(name).apply(String);

    const cluster = new Cluster("corp", { provider: "existing", name: "corp-gke", kubeconfig: infra.requireOutput("kubeconfig").apply(String) });
    const k8s = { providers: [cluster.provider] };
    const storage = new ObjectStorage("storage", {
        flavor: "gcs",
        existing: { buckets: { mlflow: out("mlflowBucket") } },
        gcp: { project: "acme-data", workloadIdentityPool: "acme-data.svc.id.goog" },
        namePrefix: "corp-gke",
    });
    // The address is known only when the other stack's outputs are read, after the NetworkPolicies are written: the
    // server's subnet (a plain value) is what they allow.
    const postgres = new PostgresServer(
        "postgres",
        { flavor: "existing", host: out("postgresPrivateIp"), peer: { cidr: "10.60.0.0/24" }, sslMode: "require", adminSecret: { namespace: "dba", name: "pg-admin" } },
        k8s,
    );
    const certs = new CertManager("cert-manager", { environment: "prod", existing: { clusterIssuer: "letsencrypt-prod", namespace: "cert-manager" } }, k8s);
    const ingress = new Ingress(
        "ingress",
        {
            environment: "prod",
            domain: "ml.acme.example.com",
            clusterIssuer: out("clusterIssuer"),
            existing: { className: "nginx", namespace: "ingress-nginx", pods: { "app.kubernetes.io/name": "ingress-nginx" } },
        },
        k8s,
    );
    const tracking = new Tracking("tracking", { environment: "prod", objectStore: storage, postgres, externalHosts: [pulumi.interpolate`mlflow.${ingress.domain}`] }, k8s);
    ingress.expose("mlflow", { subdomain: "mlflow", ui: tracking.ui, after: [tracking] }, tracking);

    const members = [storage, postgres, certs, ingress, tracking];
    new NetworkPolicies("policies", { namespaces: members.flatMap((m) => m.namespaces), flows: members.flatMap((m) => m.flows) }, { ...k8s, dependsOn: members });
    // Every published value is an Output, so this program's own outputs (and a third stack's references) take them as they are.
    return { trackingUri: tracking.trackingUri, namespace: tracking.namespace, artifacts: tracking.artifactsDestination, postgresHost: postgres.host };
}
