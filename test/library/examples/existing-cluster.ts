/**
 * A consumer's program (what the README's library chapter shows): an existing cluster, MinIO and Postgres in it,
 * MLflow on them, and NetworkPolicies from what the components declared. Imports only the package's public entry.
 */
import * as pulumi from "@pulumi/pulumi";
import { Cluster, NetworkPolicies, ObjectStorage, PostgresServer, Tracking } from "../../../components";

export function program(kubeconfig: pulumi.Input<string>) {
    const cluster = new Cluster("corp", { provider: "existing", name: "corp", kubeconfig });
    const k8s = { providers: [cluster.provider] };

    const storage = new ObjectStorage("storage", { flavor: "minio", environment: "dev", buckets: ["mlflow"] }, k8s);
    const postgres = new PostgresServer("postgres", { flavor: "in-cluster", environment: "dev" }, k8s);
    const tracking = new Tracking("tracking", { environment: "dev", objectStore: storage, postgres }, k8s);

    // Default deny in every namespace the components created, then exactly the flows they declared.
    const members = [storage, postgres, tracking];
    new NetworkPolicies(
        "policies",
        { namespaces: members.flatMap((m) => m.namespaces), flows: members.flatMap((m) => m.flows) },
        { ...k8s, dependsOn: members },
    );
    return { trackingUri: tracking.trackingUri, kubeconfig: cluster.kubeconfig };
}
