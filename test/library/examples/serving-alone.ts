/**
 * A consumer's program (the README's library chapter): model serving alone on a cluster that already runs
 * cert-manager, with models at public URIs. No object store, no Postgres, no ingress: KServe and the models only.
 * Imports only the package's public entry.
 */
import * as pulumi from "@pulumi/pulumi";
import { Cluster, NetworkPolicies, Serving } from "../../../components";

export function program(kubeconfig: pulumi.Input<string>) {
    const cluster = new Cluster("corp", { provider: "existing", name: "corp", kubeconfig });
    const k8s = { providers: [cluster.provider] };

    const serving = new Serving(
        "serving",
        {
            environment: "dev",
            certManager: "preinstalled",
            // No objectStore: every model is at a URI of its own, downloaded by KServe's storage initializer without credentials.
            models: [
                { name: "iris", modelFormat: "sklearn", storageUri: "gs://kfserving-examples/models/sklearn/1.0/model" },
                { name: "sentiment", modelFormat: "huggingface", storageUri: "hf://distilbert/distilbert-base-uncased-finetuned-sst-2-english" },
            ],
            // GKE, AKS and most clusters run their own; kind does not.
            metricsServer: false,
        },
        k8s,
    );
    new NetworkPolicies("policies", { namespaces: serving.namespaces, flows: serving.flows }, { ...k8s, dependsOn: [serving] });
    return { inferenceUrls: serving.inferenceUrls };
}
