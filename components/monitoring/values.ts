import { ALERT_RECEIVER_SECRET, AlertReceiver, alertmanagerConfig, AlertWebhook } from "./alerting";
import { containerResources as res } from "../common/kubernetes";
import type { AlertmanagerValues, GrafanaValues, KubePrometheusStackValues, PrometheusValues } from "../charts/kubePrometheusStack";

/**
 * kube-prometheus-stack values and the sizing table behind them. Pure: plain data in, the values document out.
 */

export type Environment = "dev" | "prod";

export interface Resources {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface PrometheusSizing {
    readonly replicas: number;
    /** How long samples are kept. */
    readonly retention: string;
    /** Size cap of the TSDB (Prometheus units: GB = GiB); below the volume so compaction never fills it. */
    readonly retentionSize: string;
    /** PVC size; absent in dev, where the TSDB lives in a size-limited emptyDir. */
    readonly storageSize?: string;
    readonly resources: Resources;
}

export interface MonitoringSizing {
    readonly prometheus: PrometheusSizing;
    readonly alertmanager: { readonly replicas: number; readonly storageSize?: string; readonly resources: Resources };
    readonly grafana: { readonly resources: Resources; readonly sidecar: Resources; readonly persistenceSize: string };
    readonly operator: Resources;
    readonly configReloader: Resources;
    readonly webhookJob: Resources;
    readonly kubeStateMetrics: Resources;
    readonly nodeExporter: Resources;
}

/**
 * Dev fits a laptop (the whole monitoring stack requests well under 0.5 CPU and 1 GiB); prod keeps 15 days of
 * history for a platform of a few dozen nodes with headroom for Kafka's and Trino's series.
 */
export const monitoringSizing: Record<Environment, MonitoringSizing> = {
    dev: {
        prometheus: { replicas: 1, retention: "2d", retentionSize: "2GB", resources: res("100m", "256Mi", "1", "1Gi") },
        alertmanager: { replicas: 1, resources: res("10m", "32Mi", "100m", "64Mi") },
        grafana: { resources: res("50m", "128Mi", "500m", "384Mi"), sidecar: res("10m", "64Mi", "100m", "128Mi"), persistenceSize: "1Gi" },
        operator: res("20m", "64Mi", "200m", "192Mi"),
        configReloader: res("5m", "16Mi", "50m", "32Mi"),
        webhookJob: res("10m", "16Mi", "100m", "64Mi"),
        kubeStateMetrics: res("10m", "48Mi", "100m", "128Mi"),
        nodeExporter: res("10m", "24Mi", "200m", "64Mi"),
    },
    prod: {
        prometheus: { replicas: 2, retention: "15d", retentionSize: "45GB", storageSize: "50Gi", resources: res("500m", "2Gi", "2", "4Gi") },
        alertmanager: { replicas: 2, storageSize: "1Gi", resources: res("50m", "64Mi", "200m", "128Mi") },
        grafana: { resources: res("100m", "256Mi", "1", "512Mi"), sidecar: res("20m", "96Mi", "200m", "192Mi"), persistenceSize: "10Gi" },
        operator: res("100m", "128Mi", "500m", "384Mi"),
        configReloader: res("10m", "32Mi", "100m", "64Mi"),
        webhookJob: res("10m", "32Mi", "100m", "64Mi"),
        kubeStateMetrics: res("50m", "128Mi", "500m", "384Mi"),
        nodeExporter: res("20m", "32Mi", "250m", "96Mi"),
    },
};

const binary: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50 };
const decimal: Record<string, number> = { K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

/** Bytes of a Prometheus size (`45GB`; powers of 2, as Prometheus reads them) or a Kubernetes quantity (`50Gi`, `50G`). */
export function sizeBytes(size: string, kind: "prometheus" | "kubernetes"): number | undefined {
    const m = /^(\d+(?:\.\d+)?)([KMGTP])?(i|B)?$/.exec(size);
    if (!m) return undefined;
    const [, n, unit, suffix] = m;
    if (!unit) return kind === "prometheus" && suffix !== "B" ? undefined : Number(n);
    if (kind === "prometheus") return suffix === "B" ? Number(n) * binary[unit] : undefined;
    return Number(n) * (suffix === "i" ? binary[unit] : suffix === undefined ? decimal[unit] : NaN);
}

/**
 * The Prometheus sizing with overrides applied. A volume given without a size cap keeps the environment's cap when
 * it fits, and otherwise gets 90% of the volume (in MB), so a smaller volume never fails on a cap nobody set.
 */
export function prometheusSizing(base: PrometheusSizing, overrides: Partial<Pick<PrometheusSizing, "retention" | "retentionSize" | "storageSize">>): PrometheusSizing {
    const set = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as typeof overrides;
    const merged = { ...base, ...set };
    if (set.storageSize !== undefined && set.retentionSize === undefined) {
        const [cap, volume] = [sizeBytes(merged.retentionSize, "prometheus"), sizeBytes(set.storageSize, "kubernetes")];
        if (cap !== undefined && volume !== undefined && !Number.isNaN(volume) && cap > 0.9 * volume) {
            return { ...merged, retentionSize: `${Math.floor((0.9 * volume) / 2 ** 20)}MB` };
        }
    }
    return merged;
}

/** Problems with a Prometheus sizing: the size cap must leave room on the volume, or compaction fills it. */
export function prometheusSizingProblems(p: PrometheusSizing): string[] {
    const problems: string[] = [];
    const cap = sizeBytes(p.retentionSize, "prometheus");
    if (cap === undefined) problems.push(`prometheus.retentionSize: got "${p.retentionSize}"; expected a Prometheus size such as "45GB"`);
    if (!/^\d+[smhdwy]$/.test(p.retention)) problems.push(`prometheus.retention: got "${p.retention}"; expected a duration such as "15d"`);
    if (p.storageSize !== undefined) {
        const volume = sizeBytes(p.storageSize, "kubernetes");
        if (volume === undefined || Number.isNaN(volume)) problems.push(`prometheus.storageSize: got "${p.storageSize}"; expected a quantity such as "50Gi"`);
        else if (cap !== undefined && cap > 0.9 * volume) {
            problems.push(`prometheus.retentionSize: got "${p.retentionSize}"; expected at most 90% of prometheus.storageSize "${p.storageSize}" (WAL and compaction need the rest)`);
        }
    }
    return problems;
}

/** Grafana's backing database when it runs more than one replica (a Secret with `databaseSecretKeys`). */
export interface GrafanaDatabase {
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly secretName: string;
    readonly usernameKey: string;
    readonly passwordKey: string;
    /** `require` for cloud databases (TLS enforced there); `disable` for the in-cluster dev Postgres. */
    readonly sslMode: "disable" | "require";
}

export interface StackValuesInput {
    readonly environment: Environment;
    readonly sizing: MonitoringSizing;
    /** Secret (in the monitoring namespace) with the Grafana admin user and password. */
    readonly grafanaAdminSecret: { readonly name: string; readonly userKey: string; readonly passwordKey: string };
    /** When set, Grafana keeps its state there and runs 2 replicas in prod; otherwise 1 replica (PVC in prod). */
    readonly grafanaDatabase?: GrafanaDatabase;
    /** Privileged namespace for node-exporter (host network, PID and filesystem). */
    readonly nodeExporterNamespace: string;
    /** StorageClass of the PVCs; the cluster default when absent. */
    readonly storageClassName?: string;
    /** Mirror registry replacing every image's registry. */
    readonly imageRegistry?: string;
    /** Where alerts go; none: Alertmanager keeps them (visible in its UI) and sends nothing. */
    readonly alertReceiver?: AlertReceiver;
    /** The sources' own webhooks (see `MonitoringSource.webhooks`). */
    readonly alertWebhooks?: readonly AlertWebhook[];
    /** Single sign-on: grafana.ini sections and the client credentials' env (from `grafanaOidc`). */
    readonly grafanaOidc?: {
        readonly ini: Readonly<Record<string, Readonly<Record<string, string | number | boolean>>>>;
        readonly envValueFrom: Readonly<Record<string, { readonly secretKeyRef: { readonly name: string; readonly key: string } }>>;
    };
}

/** The chart's release and fullname: short, fixed object names (`kps-prometheus`, `kps-grafana`). */
export const RELEASE_NAME = "kps";
export const PROMETHEUS_SERVICE = `${RELEASE_NAME}-prometheus`;
export const ALERTMANAGER_SERVICE = `${RELEASE_NAME}-alertmanager`;
export const GRAFANA_SERVICE = `${RELEASE_NAME}-grafana`;
/** The labels the Prometheus operator puts on Prometheus's pods: the only pods that scrape the nodes. */
export const PROMETHEUS_PODS = { "app.kubernetes.io/name": "prometheus" } as const;
/** Grafana's pods (the grafana subchart's name and the release as instance). */
export const GRAFANA_PODS = { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": RELEASE_NAME } as const;
/** The operator's pods, which serve its admission webhook (the chart's operator Service selects exactly these). */
export const PROMETHEUS_OPERATOR_PODS = { app: "kube-prometheus-stack-operator", release: RELEASE_NAME } as const;
/** The operator's webhook listener (`prometheusOperator.tls.internalPort`, the chart's default). */
export const PROMETHEUS_OPERATOR_WEBHOOK_PORT = 10250;

const restrictedContainer = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

const zoneSpread = (matchLabels: Record<string, string>) => [
    { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels } },
];

function pvc(size: string, storageClassName?: string) {
    return {
        volumeClaimTemplate: {
            spec: {
                accessModes: ["ReadWriteOnce"],
                ...(storageClassName ? { storageClassName } : {}),
                resources: { requests: { storage: size } },
            },
        },
    };
}

function prometheusValues(input: StackValuesInput): PrometheusValues {
    const p = input.sizing.prometheus;
    const prod = input.environment === "prod";
    return {
        ...(prod ? { podDisruptionBudget: { enabled: true, minAvailable: 1 } } : {}),
        prometheusSpec: {
            replicas: p.replicas,
            retention: p.retention,
            retentionSize: p.retentionSize,
            resources: p.resources,
            // Select monitors and rules from every namespace, whatever their labels: components own their monitors.
            serviceMonitorSelectorNilUsesHelmValues: false,
            serviceMonitorSelector: {},
            serviceMonitorNamespaceSelector: {},
            podMonitorSelectorNilUsesHelmValues: false,
            podMonitorSelector: {},
            podMonitorNamespaceSelector: {},
            ruleSelectorNilUsesHelmValues: false,
            ruleSelector: {},
            ruleNamespaceSelector: {},
            probeSelectorNilUsesHelmValues: false,
            scrapeConfigSelectorNilUsesHelmValues: false,
            storageSpec: p.storageSize
                ? pvc(p.storageSize, input.storageClassName)
                : // Dev: no PVC; the size limit keeps a runaway TSDB from filling the node's disk.
                  { emptyDir: { sizeLimit: "3Gi" } },
            ...(prod
                ? {
                      // Metrics history is data: deleting or scaling the StatefulSet keeps the volumes.
                      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                      podAntiAffinity: "hard",
                      podAntiAffinityTopologyKey: "kubernetes.io/hostname",
                      topologySpreadConstraints: zoneSpread({ ...PROMETHEUS_PODS, prometheus: PROMETHEUS_SERVICE }),
                  }
                : {}),
        },
    };
}

function alertmanagerValues(input: StackValuesInput): AlertmanagerValues {
    const a = input.sizing.alertmanager;
    const prod = input.environment === "prod";
    return {
        ...(prod ? { podDisruptionBudget: { enabled: true, minAvailable: 1 } } : {}),
        config: alertmanagerConfig(input.alertReceiver, input.alertWebhooks ?? []),
        alertmanagerSpec: {
            // The receiver's URL or password, as a file the configuration names (never in these values).
            ...(input.alertReceiver ? { secrets: [ALERT_RECEIVER_SECRET] } : {}),
            replicas: a.replicas,
            resources: a.resources,
            ...(a.storageSize ? { storage: pvc(a.storageSize, input.storageClassName) } : {}),
            ...(prod
                ? {
                      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                      podAntiAffinity: "hard",
                      podAntiAffinityTopologyKey: "kubernetes.io/hostname",
                      topologySpreadConstraints: zoneSpread({ "app.kubernetes.io/name": "alertmanager", alertmanager: ALERTMANAGER_SERVICE }),
                  }
                : {}),
        },
    };
}

function grafanaValues(input: StackValuesInput): GrafanaValues {
    const g = input.sizing.grafana;
    const prod = input.environment === "prod";
    const db = input.grafanaDatabase;
    const oidc = input.grafanaOidc;
    const replicas = prod && db ? 2 : 1;
    const persistent = prod && !db;
    return {
        fullnameOverride: GRAFANA_SERVICE,
        replicas,
        // The admin user and password are read from the Secret; neither is ever in these values.
        admin: { existingSecret: input.grafanaAdminSecret.name, userKey: input.grafanaAdminSecret.userKey, passwordKey: input.grafanaAdminSecret.passwordKey },
        resources: g.resources,
        securityContext: { runAsNonRoot: true, runAsUser: 472, runAsGroup: 472, fsGroup: 472, seccompProfile: { type: "RuntimeDefault" } },
        containerSecurityContext: restrictedContainer,
        // The root filesystem is read-only; Grafana's scratch space is /tmp.
        extraEmptyDirMounts: [{ name: "tmp", mountPath: "/tmp" }],
        testFramework: { enabled: false },
        // fsGroup makes the volume writable; the chart's root chown init container would break `restricted`.
        initChownData: { enabled: false },
        persistence: persistent
            ? { enabled: true, type: "pvc", size: g.persistenceSize, accessModes: ["ReadWriteOnce"], ...(input.storageClassName ? { storageClassName: input.storageClassName } : {}) }
            : { enabled: false },
        // A ReadWriteOnce volume cannot be attached to the old and the new pod at once.
        deploymentStrategy: persistent ? { type: "Recreate" } : { type: "RollingUpdate" },
        ...(replicas > 1
            ? {
                  podDisruptionBudget: { minAvailable: 1 },
                  topologySpreadConstraints: zoneSpread({ "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": RELEASE_NAME }),
              }
            : {}),
        ...(db
            ? {
                  env: {
                      GF_DATABASE_TYPE: "postgres",
                      GF_DATABASE_HOST: `${db.host}:${db.port}`,
                      GF_DATABASE_NAME: db.database,
                      GF_DATABASE_SSL_MODE: db.sslMode,
                  },
              }
            : {}),
        ...(db || oidc
            ? {
                  envValueFrom: {
                      ...(db
                          ? {
                                GF_DATABASE_USER: { secretKeyRef: { name: db.secretName, key: db.usernameKey } },
                                GF_DATABASE_PASSWORD: { secretKeyRef: { name: db.secretName, key: db.passwordKey } },
                            }
                          : {}),
                      // Single sign-on: the client ID and secret by env from the client Secret, never in these values.
                      ...(oidc?.envValueFrom ?? {}),
                  },
              }
            : {}),
        "grafana.ini": {
            analytics: { check_for_updates: false, check_for_plugin_updates: false, reporting_enabled: false },
            users: { allow_sign_up: false },
            // The local admin stays as a break-glass login beside single sign-on.
            auth: { disable_login_form: false },
            ...(oidc?.ini ?? {}),
        },
        rbac: { namespaced: true },
        sidecar: {
            resources: g.sidecar,
            securityContext: restrictedContainer,
            dashboards: {
                enabled: true,
                // Any ConfigMap labelled grafana_dashboard=1 in Grafana's namespace (where Monitoring creates every
                // dashboard) becomes a dashboard; Grafana reads nothing in other namespaces (`rbac.namespaced`).
                label: "grafana_dashboard",
                labelValue: "1",
                folderAnnotation: "grafana_folder",
                provider: { foldersFromFilesStructure: true, allowUiUpdates: false },
            },
            // The datasources (Prometheus and Alertmanager, from this release's own ConfigMap) are loaded once, by an
            // init container, instead of a second sidecar holding its own memory all the time; a changed datasource
            // reaches Grafana with its next rollout, which every chart upgrade brings.
            datasources: { enabled: true, defaultDatasourceEnabled: true, uid: "prometheus", initDatasources: true, skipReload: true, watchMethod: "LIST" },
        },
    };
}

/** kube-prometheus-stack values for one environment. */
export function kubePrometheusStackValues(input: StackValuesInput): KubePrometheusStackValues {
    const s = input.sizing;
    return {
        fullnameOverride: RELEASE_NAME,
        ...(input.imageRegistry ? { global: { imageRegistry: input.imageRegistry } } : {}),
        crds: { enabled: true },
        defaultRules: {
            create: true,
            // Control-plane components managed clusters (and kind) do not expose: no rules for them.
            rules: { etcd: false, kubeControllerManager: false, kubeSchedulerAlerting: false, kubeSchedulerRecording: false, kubeProxy: false, windows: false },
            // Replaced by this project's platform rules (same signal, with runbooks): avoid paging twice.
            disabled: { KubePodCrashLooping: true, KubePersistentVolumeFillingUp: true },
        },
        kubeEtcd: { enabled: false },
        kubeControllerManager: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeProxy: { enabled: false },
        // The platform's NetworkPolicies let Prometheus reach no system namespace; GKE and AKS manage DNS themselves.
        coreDns: { enabled: false },
        windowsMonitoring: { enabled: false },
        prometheusOperator: {
            // One replica by design: the operator has no leader election; a PDB would only block node drains.
            resources: s.operator,
            containerSecurityContext: restrictedContainer,
            prometheusConfigReloader: { resources: s.configReloader },
            admissionWebhooks: {
                patch: { resources: s.webhookJob },
                createSecretJob: { securityContext: restrictedContainer },
                patchWebhookJob: { securityContext: restrictedContainer },
            },
        },
        prometheus: prometheusValues(input),
        alertmanager: alertmanagerValues(input),
        grafana: grafanaValues(input),
        "kube-state-metrics": {
            resources: s.kubeStateMetrics,
            containerSecurityContext: restrictedContainer,
        },
        "prometheus-node-exporter": {
            namespaceOverride: input.nodeExporterNamespace,
            resources: s.nodeExporter,
            containerSecurityContext: restrictedContainer,
        },
    };
}
