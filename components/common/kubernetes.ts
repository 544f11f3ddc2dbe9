import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/** What every component that creates Kubernetes objects accepts about which cluster they go to. */
export interface KubernetesTargetArgs {
    /**
     * `"default"`: create the Kubernetes objects with Pulumi's default Kubernetes provider, i.e. whatever cluster the
     * ambient kubeconfig's current context names. Without it the component requires an explicit provider in its
     * resource options (`{ providers: [cluster.provider] }`), so nothing lands on the wrong cluster by omission.
     */
    readonly kubernetesProvider?: "default";
}

/**
 * Throws, before the component registers anything, unless its options carry a Kubernetes provider (its own
 * `provider`/`providers`, or one inherited from its parent) or its args opt into the default provider by name.
 */
export function requireKubernetesProvider(what: string, args: KubernetesTargetArgs, opts?: pulumi.ComponentResourceOptions): void {
    if (args.kubernetesProvider === "default") return;
    const given = [...(opts?.provider ? [opts.provider] : []), ...(Array.isArray(opts?.providers) ? opts.providers : Object.values(opts?.providers ?? {}))];
    if (given.some((p) => k8s.Provider.isInstance(p)) || opts?.parent?.getProvider("kubernetes::") !== undefined) return;
    throw new Error(
        `${what}: no Kubernetes provider in its options. Pass { providers: [cluster.provider] } (the Cluster component's, or any ` +
            `k8s.Provider), or set kubernetesProvider: "default" in its args to use the ambient kubeconfig's cluster on purpose`,
    );
}

/** Requests and limits of one container. */
export interface ContainerResources {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Requests and limits; the memory limit defaults to the request (JVMs and other processes that never give memory back). */
export function containerResources(cpu: string, memory: string, cpuLimit: string, memoryLimit = memory): ContainerResources {
    return { requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } };
}

/** Labels every platform object carries, so policies, NetworkPolicies and dashboards can select by component. */
export function platformLabels(component: string): Record<string, string> {
    return { "app.kubernetes.io/part-of": "ml-platform", "app.kubernetes.io/component": component };
}

/**
 * A platform namespace. Pod Security Admission enforces `restricted` unless a component needs `baseline`
 * (say so at the call site). The name is fixed (no auto-naming) so state and URLs stay stable.
 */
export function createNamespace(
    name: string,
    args: { namespace: string; component: string; podSecurity?: "restricted" | "baseline" },
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Namespace {
    const level = args.podSecurity ?? "restricted";
    return new k8s.core.v1.Namespace(
        name,
        {
            metadata: {
                name: args.namespace,
                labels: {
                    ...platformLabels(args.component),
                    "pod-security.kubernetes.io/enforce": level,
                    "pod-security.kubernetes.io/warn": "restricted",
                },
            },
        },
        opts,
    );
}

/**
 * The two Services of a single-server StatefulSet: a headless one that gives the pod its stable DNS name
 * (`serviceName` of the StatefulSet, `<service>-headless`) and a ClusterIP one that clients use (`<service>`).
 */
export function statefulServerServices(
    name: string,
    args: { service: string; namespace: pulumi.Input<string>; labels: Record<string, string>; port: { name: string; number: number } },
    opts: pulumi.CustomResourceOptions,
): { headless: k8s.core.v1.Service; service: k8s.core.v1.Service } {
    const ports = [{ name: args.port.name, port: args.port.number, targetPort: args.port.name }];
    const metadata = (svc: string) => ({ name: svc, namespace: args.namespace, labels: args.labels });
    return {
        headless: new k8s.core.v1.Service(`${name}-headless`, { metadata: metadata(`${args.service}-headless`), spec: { clusterIP: "None", selector: args.labels, ports } }, opts),
        service: new k8s.core.v1.Service(`${name}-service`, { metadata: metadata(args.service), spec: { type: "ClusterIP", selector: args.labels, ports } }, opts),
    };
}

/** A Secret whose every value is a Pulumi secret (encrypted in state, masked in output). */
export function createSecret(
    name: string,
    args: { name: string; namespace: pulumi.Input<string>; component: string; data: Record<string, pulumi.Input<string>> },
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
    return new k8s.core.v1.Secret(
        name,
        {
            metadata: { name: args.name, namespace: args.namespace, labels: platformLabels(args.component) },
            type: "Opaque",
            stringData: pulumi.secret(args.data) as pulumi.Output<Record<string, string>>,
        },
        opts,
    );
}
