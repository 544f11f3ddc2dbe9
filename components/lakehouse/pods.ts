/** Pod building blocks shared by the lakehouse's own manifests. */
import { JvmResources } from "./sizing";

/** Both the Hive and Trino images run as uid/gid 1000 but name the user (`USER hive`), so the uid is explicit. */
export const podSecurityContext = {
    runAsNonRoot: true,
    runAsUser: 1000,
    runAsGroup: 1000,
    fsGroup: 1000,
    seccompProfile: { type: "RuntimeDefault" },
};

export const containerSecurityContext = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
};

export function jvmResources(r: JvmResources) {
    return { requests: { cpu: r.cpuRequest, memory: r.memoryRequest ?? r.memory }, limits: { cpu: r.cpuLimit, memory: r.memory } };
}

/** The jar-fetching init container: tiny, and bounded so a stuck download cannot starve the node. */
export const fetchJarsResources = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } };
