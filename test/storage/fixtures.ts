/**
 * Shared fixtures of the storage and postgres tests: cluster info as the Cluster component hands it over, and the
 * computed outputs of the cloud resources these components read (names, IDs, addresses, generated passwords).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { AzureClusterInfo, GcpClusterInfo } from "../../components";
import { Registration } from "../harness";

export const SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";
export const VNET_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/mlp-prod-rg/providers/Microsoft.Network/virtualNetworks/mlp-prod-vnet`;

export function gcpInfo(): GcpClusterInfo {
    return {
        project: "acme-ml-prod",
        region: "europe-west1",
        network: pulumi.output("https://www.googleapis.com/compute/v1/projects/acme-ml-prod/global/networks/mlp-prod-vpc"),
        subnetwork: pulumi.output("https://www.googleapis.com/compute/v1/projects/acme-ml-prod/regions/europe-west1/subnetworks/mlp-prod-nodes"),
        workloadIdentityPool: "acme-ml-prod.svc.id.goog",
    };
}

export function azureInfo(): AzureClusterInfo {
    return {
        resourceGroupName: pulumi.output("mlp-prod-rg"),
        location: "westeurope",
        vnetId: pulumi.output(VNET_ID),
        vnetName: pulumi.output("mlp-prod-vnet"),
        oidcIssuerUrl: pulumi.output("https://westeurope.oic.prod-aks.azure.com/tenant/issuer/"),
    };
}

/** Mock outputs by type token, for `runProgram(..., { outputs })`; cloud outputs come from the harness. */
export const outputs: Record<string, (inputs: any, name: string) => Record<string, unknown>> = {
    "random:index/randomPassword:RandomPassword": (_i, name) => ({ result: `generated-${name}` }),
};

export const newProvider = () => new k8s.Provider("k8s", { kubeconfig: "{}" });

/** A stand-in for a consumer component (Airflow, MLflow, ...) that owns what `grantAccess`/`database` create. */
export class Consumer extends pulumi.ComponentResource {
    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("test:consumer:Consumer", name, {}, opts);
    }
}

/** Every container (init and regular) of a registered workload or Job. */
export function containersOf(r: Registration): any[] {
    const pod = r.inputs.spec?.template?.spec ?? r.inputs.spec?.jobTemplate?.spec?.template?.spec;
    return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
}

export function podSpecOf(r: Registration): any {
    return r.inputs.spec.template.spec;
}

/** Cloud resources (anything not Kubernetes, random or a component) among the registrations. */
export function cloudResources(resources: Registration[]): Registration[] {
    return resources.filter((r) => r.custom && /^(gcp|azure-native|aws):/.test(r.type));
}

/** Parses a `cpu` quantity to millicores and a memory quantity to MiB, for summing requests. */
export function millicores(q: string): number {
    return q.endsWith("m") ? Number(q.slice(0, -1)) : Number(q) * 1000;
}
export function mebibytes(q: string): number {
    const m = /^(\d+(?:\.\d+)?)(Mi|Gi)$/.exec(q);
    if (!m) throw new Error(`unexpected memory quantity ${q}`);
    return Number(m[1]) * (m[2] === "Gi" ? 1024 : 1);
}
