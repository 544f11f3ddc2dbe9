/**
 * The scrape model: how Prometheus reaches one platform component's metrics, and the pure function that turns it
 * into a prometheus-operator ServiceMonitor or PodMonitor. Plain data in, plain manifests out.
 */

/** A Kubernetes label selector, as a ServiceMonitor/PodMonitor `selector` takes it. */
export interface LabelSelector {
    readonly matchLabels?: Readonly<Record<string, string>>;
    readonly matchExpressions?: readonly { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: readonly string[] }[];
}

/** A prometheus-operator RelabelConfig (only the fields this project uses). */
export interface Relabeling {
    readonly action?: "replace" | "keep" | "drop" | "labelmap";
    readonly sourceLabels?: readonly string[];
    readonly separator?: string;
    readonly regex?: string;
    readonly targetLabel?: string;
    readonly replacement?: string;
}

/**
 * Basic auth with a fixed user and an empty password (e.g. Trino's insecure authenticator, which takes the user from
 * Basic auth and refuses a password over plain HTTP). Monitoring keeps them in a Secret it owns in its own namespace,
 * where the operator reads it: `<target name>-scrape-user`, keys `username` and `password`.
 */
export interface ScrapeBasicAuth {
    readonly username: string;
}

/** The Secret (in the monitoring namespace) holding a target's Basic-auth user. */
export const scrapeUserSecretName = (target: Pick<ScrapeTarget, "name">) => `${target.name}-scrape-user`;

/** Where Prometheus finds its own service-account token (mounted in its pods). */
export const SERVICE_ACCOUNT_TOKEN_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/** How one platform component's metrics endpoint is scraped. */
export interface ScrapeTarget {
    /** The platform component it belongs to; every series carries `platform_component=<this>`. */
    readonly component: string;
    /** Unique name: the monitor's name, and the `platform_target` label on every series. */
    readonly name: string;
    /** Namespace of the Services/Pods scraped. */
    readonly namespace: string;
    /** ServiceMonitor (through a Service's endpoints) or PodMonitor (straight to pods, for operator-managed pods). */
    readonly kind: "ServiceMonitor" | "PodMonitor";
    /** Selects the Services (ServiceMonitor) or Pods (PodMonitor). */
    readonly selector: LabelSelector;
    /**
     * Named port that serves metrics. Absent only where the address comes from a relabeling instead (KServe model
     * servers, whose runtimes do not always declare a container port).
     */
    readonly port?: string;
    /** The number behind `port`, for the NetworkPolicy flow monitoring → component. */
    readonly portNumber: number;
    readonly path: string;
    /** Scrape interval, e.g. `30s`. */
    readonly interval: string;
    readonly scrapeTimeout?: string;
    readonly basicAuth?: ScrapeBasicAuth;
    /**
     * The endpoint serves HTTPS. `insecureSkipVerify` where its certificate is self-signed and unknown to
     * Prometheus (kube-rbac-proxy without a configured certificate generates one at start).
     */
    readonly tls?: { readonly insecureSkipVerify: boolean };
    /**
     * Present Prometheus's own service-account token as a bearer token: kube-rbac-proxy in front of an operator's
     * metrics checks it with a TokenReview and a SubjectAccessReview for `GET /metrics` (kube-prometheus-stack's
     * Prometheus ClusterRole grants that non-resource URL).
     */
    readonly serviceAccountToken?: boolean;
    /** Relabelings applied before the platform labels. */
    readonly relabelings?: readonly Relabeling[];
    /** Metric names the endpoint exposes that the source's dashboards and alerts rely on (tests check every query against them). */
    readonly metrics: readonly string[];
}

export interface MonitorManifestOptions {
    /** Namespace the monitor object lives in (the monitoring namespace; it selects across namespaces). */
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
}

/** Labels every scraped series carries, so dashboards and alerts select by component without knowing job names. */
export function platformRelabelings(target: Pick<ScrapeTarget, "component" | "name">): Relabeling[] {
    return [
        { action: "replace", targetLabel: "platform_component", replacement: target.component },
        { action: "replace", targetLabel: "platform_target", replacement: target.name },
    ];
}

/** The ServiceMonitor or PodMonitor that scrapes `target`. */
export function monitorManifest(target: ScrapeTarget, opts: MonitorManifestOptions) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(target.name)) {
        throw new Error(`scrape target name "${target.name}" is not a valid Kubernetes object name`);
    }
    const { matchLabels, matchExpressions } = target.selector;
    if (!Object.keys(matchLabels ?? {}).length && !(matchExpressions ?? []).length) {
        // An empty selector matches every Service/Pod in the namespace: never what a platform target means.
        throw new Error(`scrape target "${target.name}" has an empty selector`);
    }
    const endpoint = {
        ...(target.port ? { port: target.port } : {}),
        path: target.path,
        interval: target.interval,
        ...(target.scrapeTimeout ? { scrapeTimeout: target.scrapeTimeout } : {}),
        ...(target.tls ? { scheme: "https", tlsConfig: { insecureSkipVerify: target.tls.insecureSkipVerify } } : {}),
        ...(target.serviceAccountToken ? { bearerTokenFile: SERVICE_ACCOUNT_TOKEN_FILE } : {}),
        ...(target.basicAuth
            ? {
                  basicAuth: {
                      username: { name: scrapeUserSecretName(target), key: "username" },
                      password: { name: scrapeUserSecretName(target), key: "password" },
                  },
              }
            : {}),
        relabelings: [...(target.relabelings ?? []), ...platformRelabelings(target)],
    };
    const spec = {
        selector: target.selector,
        namespaceSelector: { matchNames: [target.namespace] },
        ...(target.kind === "ServiceMonitor" ? { endpoints: [endpoint] } : { podMetricsEndpoints: [endpoint] }),
    };
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: target.kind,
        metadata: { name: target.name, namespace: opts.namespace, labels: { ...opts.labels } },
        spec,
    };
}

/** A connection Prometheus must be allowed to open, in the shape of the network component's `Flow`. */
export interface ScrapeFlow {
    readonly from: string;
    readonly to: string;
    readonly ports: readonly number[];
    readonly why: string;
}

/** The NetworkPolicy flows monitoring → component namespaces that scraping `targets` needs (one per namespace). */
export function scrapeFlows(targets: readonly ScrapeTarget[], monitoringNamespace: string): ScrapeFlow[] {
    const byNamespace = new Map<string, { ports: Set<number>; names: string[] }>();
    for (const t of targets) {
        if (t.namespace === monitoringNamespace) continue;
        const entry = byNamespace.get(t.namespace) ?? { ports: new Set<number>(), names: [] };
        entry.ports.add(t.portNumber);
        entry.names.push(t.name);
        byNamespace.set(t.namespace, entry);
    }
    return [...byNamespace.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([namespace, { ports, names }]) => ({
            from: monitoringNamespace,
            to: namespace,
            ports: [...ports].sort((a, b) => a - b),
            why: `Prometheus scrapes ${names.join(", ")}`,
        }));
}
