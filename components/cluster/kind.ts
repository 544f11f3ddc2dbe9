import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { images, imageRef } from "../versions";
import { KIND_INGRESS_NODE_PORTS, KindClusterArgs } from "./types";

/**
 * The kind cluster config. The control plane maps the host's HTTP(S) ports on 127.0.0.1 to the ingress
 * controller's NodePorts ({@link KIND_INGRESS_NODE_PORTS}), so it serves every UI at a loopback hostname without
 * a host port (which Pod Security forbids). The control plane keeps the conventional `ingress-ready=true` label.
 * JSON is valid YAML, which is what `kind create cluster --config` reads.
 */
export function kindConfig(args: KindClusterArgs): string {
    const image = args.nodeImage ?? imageRef(images.kindNode);
    const registries = Object.keys(args.registryHosts ?? {}).length > 0;
    const extraMounts = registries ? [{ hostPath: kindRegistryHostsDir(args.name), containerPath: "/etc/containerd/certs.d", readOnly: true }] : [];
    const controlPlane = {
        role: "control-plane",
        image,
        extraMounts,
        kubeadmConfigPatches: [
            "kind: InitConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n    node-labels: \"ingress-ready=true\"\n",
        ],
        extraPortMappings: [
            { containerPort: KIND_INGRESS_NODE_PORTS.http, hostPort: args.httpPort ?? 80, listenAddress: "127.0.0.1", protocol: "TCP" },
            { containerPort: KIND_INGRESS_NODE_PORTS.https, hostPort: args.httpsPort ?? 443, listenAddress: "127.0.0.1", protocol: "TCP" },
            ...(args.extraPorts ?? []).map((port) => ({ containerPort: port, hostPort: port, listenAddress: "127.0.0.1", protocol: "TCP" })),
        ],
    };
    const workers = Array.from({ length: args.workers ?? 0 }, () => ({ role: "worker", image, extraMounts }));
    return JSON.stringify(
        {
            kind: "Cluster",
            apiVersion: "kind.x-k8s.io/v1alpha4",
            name: args.name,
            // containerd reads per-registry hosts.toml files from the mounted directory.
            ...(registries ? { containerdConfigPatches: ['[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n'] } : {}),
            nodes: [controlPlane, ...workers],
        },
        null,
        2,
    );
}

/** Where the registry hosts files live on the machine that runs kind (the same one that runs Pulumi). */
export function kindRegistryHostsDir(clusterName: string): string {
    return path.join(os.homedir(), ".ml-platform", "kind", clusterName, "certs.d");
}

/** Shell that writes each registry's hosts.toml before the cluster is created (kind mounts the directory). */
export function kindRegistryHostsScript(args: KindClusterArgs): string {
    const dir = kindRegistryHostsDir(args.name);
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    return Object.entries(args.registryHosts ?? {})
        .map(([host, toml]) => `mkdir -p ${quote(`${dir}/${host}`)} && printf '%s' ${quote(toml)} > ${quote(`${dir}/${host}/hosts.toml`)}`)
        .join("\n");
}

const requireTools = `
need() {
  command -v "$1" >/dev/null 2>&1 || { echo "ml-platform: '$1' is not on PATH. $2" >&2; exit 127; }
}
need kind "Install kind v0.30.0 (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)."
need docker "kind runs its nodes as Docker containers: install Docker and start its engine."
`;

/**
 * Create-or-reuse: a second `pulumi up` (or an update after a config change) finds the cluster and only
 * reads its kubeconfig, so it never fails on, or recreates, an existing cluster. Stdout is the kubeconfig.
 * Inputs come from the environment: KIND_CLUSTER_NAME, KIND_CONFIG, and KIND_PREPARE (files the config mounts).
 */
export const kindCreateScript = `set -euo pipefail
${requireTools}
if kind get clusters 2>/dev/null | grep -qx -- "$KIND_CLUSTER_NAME"; then
  echo "ml-platform: kind cluster '$KIND_CLUSTER_NAME' exists; reusing it (node changes need 'kind delete cluster --name $KIND_CLUSTER_NAME' first)." >&2
else
  eval "\${KIND_PREPARE:-}"
  printf '%s\\n' "$KIND_CONFIG" | kind create cluster --name "$KIND_CLUSTER_NAME" --config - --wait 180s >&2
fi
kind get kubeconfig --name "$KIND_CLUSTER_NAME"
`;

/** Delete on destroy; an already-deleted cluster is not an error. */
export const kindDeleteScript = `set -euo pipefail
${requireTools}
if kind get clusters 2>/dev/null | grep -qx -- "$KIND_CLUSTER_NAME"; then
  kind delete cluster --name "$KIND_CLUSTER_NAME" >&2
else
  echo "ml-platform: kind cluster '$KIND_CLUSTER_NAME' is already gone." >&2
fi
`;

export interface KindCluster {
    readonly kubeconfig: pulumi.Output<string>;
}

export function createKindCluster(name: string, args: KindClusterArgs, parent: pulumi.Resource): KindCluster {
    const cluster = new command.local.Command(
        `${name}-kind`,
        {
            interpreter: ["/bin/bash", "-c"],
            create: kindCreateScript,
            update: kindCreateScript,
            delete: kindDeleteScript,
            environment: { KIND_CLUSTER_NAME: args.name, KIND_CONFIG: kindConfig(args), KIND_PREPARE: kindRegistryHostsScript(args) },
            // A rename is a different cluster: create the new one, then delete the old one.
            triggers: [args.name],
            // Stdout is the kubeconfig: keep it out of logs and encrypt it in state.
            logging: "stderr",
        },
        { parent, additionalSecretOutputs: ["stdout"] },
    );
    return { kubeconfig: pulumi.secret(cluster.stdout) };
}
