/**
 * Every container image and Helm chart the platform deploys, pinned to an exact version, in one place.
 *
 * Air-gapped clusters pass a {@link Mirror} to the components: images are then pulled from the mirror
 * registry (same repository path) and charts from the mirror chart repository.
 */

/** An image pinned to an exact tag (and digest where the upstream publishes one we rely on). */
export interface ImagePin {
    /** Registry host, e.g. `docker.io`. */
    readonly registry: string;
    /** Repository path inside the registry, e.g. `kindest/node`. */
    readonly repository: string;
    /** Exact tag; never `latest`. */
    readonly tag: string;
    /** Optional content digest (`sha256:...`), appended as `@digest`. */
    readonly digest?: string;
}

/** A Helm chart pinned to an exact version in its upstream repository. */
export interface ChartPin {
    /** Chart name inside the repository. */
    readonly chart: string;
    /** Exact chart version. */
    readonly version: string;
    /** Upstream chart repository URL (HTTP index or `oci://`). */
    readonly repository: string;
}

/** Where an air-gapped installation pulls images and charts from instead of the upstreams. */
export interface Mirror {
    /** Registry host (optionally with a path prefix) that replaces every image's registry, e.g. `registry.corp/mirror`. */
    readonly imageRegistry?: string;
    /** Chart repository URL that replaces every chart's repository. */
    readonly chartRepository?: string;
}

export const images = {
    /** kind v0.30.0's node image for Kubernetes 1.34.0 (digest from the kind release notes). */
    kindNode: {
        registry: "docker.io",
        repository: "kindest/node",
        tag: "v1.34.0",
        digest: "sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a",
    },
    // --- storage and postgres ---
    // --- lakehouse ---
    // --- streaming ---
    // --- orchestrator ---
    // --- tracking and serving ---
    // --- monitoring ---
} as const satisfies Record<string, ImagePin>;

export const charts = {
    // --- storage and postgres ---
    // --- lakehouse ---
    // --- streaming ---
    // --- orchestrator ---
    // --- tracking and serving ---
    // --- monitoring ---
    // --- ingress ---
    /** cert-manager, shared by ingress TLS and KServe's webhooks. */
    certManager: { chart: "cert-manager", version: "v1.21.1", repository: "https://charts.jetstack.io" },
    /** Traefik v3.7.11 (ingress-nginx was retired in March 2026: no more security fixes). */
    traefik: { chart: "traefik", version: "41.3.0", repository: "https://traefik.github.io/charts" },
} as const satisfies Record<string, ChartPin>;

/** Full image reference for a pin, honouring a mirror registry. */
export function imageRef(pin: ImagePin, mirror?: Mirror): string {
    const registry = mirror?.imageRegistry?.replace(/\/+$/, "") ?? pin.registry;
    const digest = pin.digest ? `@${pin.digest}` : "";
    return `${registry}/${pin.repository}:${pin.tag}${digest}`;
}

/** The `chart`/`version`/`repositoryOpts` triple for a `kubernetes.helm.v3.Release`, honouring a mirror. */
export function chartSource(pin: ChartPin, mirror?: Mirror): {
    chart: string;
    version: string;
    repositoryOpts: { repo: string };
} {
    return {
        chart: pin.chart,
        version: pin.version,
        repositoryOpts: { repo: mirror?.chartRepository ?? pin.repository },
    };
}
