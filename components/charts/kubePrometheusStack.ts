/**
 * The values this platform sets on kube-prometheus-stack, typed from prometheus-community/helm-charts
 * `charts/kube-prometheus-stack/values.yaml` at tag kube-prometheus-stack-88.5.3 and, for its subcharts, from
 * grafana 12.11.1 (grafana-community/helm-charts), kube-state-metrics 8.4.0 and prometheus-node-exporter 4.56.1
 * (the versions its Chart.yaml pins).
 */
import type { ContainerSecurityContext, Labels, PodSecurityContext, Resources, TopologySpreadConstraint } from "./kubernetes";

export const chartVersion = "88.5.3";

interface ClaimTemplate {
    readonly volumeClaimTemplate: {
        readonly spec: { readonly accessModes: readonly string[]; readonly storageClassName?: string; readonly resources: { readonly requests: { readonly storage: string } } };
    };
}

interface RetentionPolicy {
    readonly whenDeleted: "Retain" | "Delete";
    readonly whenScaled: "Retain" | "Delete";
}

/** What the operator's Prometheus and Alertmanager specs share here. */
interface SpecHa {
    readonly replicas?: number;
    readonly resources?: Resources;
    readonly persistentVolumeClaimRetentionPolicy?: RetentionPolicy;
    readonly podAntiAffinity?: "" | "soft" | "hard";
    readonly podAntiAffinityTopologyKey?: string;
    readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
}

type Selector = Readonly<Record<string, never>> | { readonly matchLabels?: Labels };
type Pdb = { readonly enabled: boolean; readonly minAvailable?: number | string; readonly maxUnavailable?: number | string };

export interface PrometheusValues {
    readonly podDisruptionBudget?: Pdb;
    readonly prometheusSpec: SpecHa & {
        readonly retention?: string;
        readonly retentionSize?: string;
        readonly serviceMonitorSelectorNilUsesHelmValues?: boolean;
        readonly serviceMonitorSelector?: Selector;
        readonly serviceMonitorNamespaceSelector?: Selector;
        readonly podMonitorSelectorNilUsesHelmValues?: boolean;
        readonly podMonitorSelector?: Selector;
        readonly podMonitorNamespaceSelector?: Selector;
        readonly ruleSelectorNilUsesHelmValues?: boolean;
        readonly ruleSelector?: Selector;
        readonly ruleNamespaceSelector?: Selector;
        readonly probeSelectorNilUsesHelmValues?: boolean;
        readonly scrapeConfigSelectorNilUsesHelmValues?: boolean;
        readonly storageSpec?: ClaimTemplate | { readonly emptyDir: { readonly sizeLimit?: string } };
    };
}

export interface AlertmanagerValues {
    readonly podDisruptionBudget?: Pdb;
    /** The whole alertmanager.yaml (the chart writes it into the Alertmanager's config Secret). */
    readonly config?: Readonly<Record<string, unknown>>;
    /** `secrets`: Secrets of the Alertmanager's namespace, mounted at /etc/alertmanager/secrets/<name>. */
    readonly alertmanagerSpec: SpecHa & { readonly storage?: ClaimTemplate; readonly secrets?: readonly string[] };
}

/** The grafana subchart (grafana-community/helm-charts `charts/grafana/values.yaml` 12.11.1). */
export interface GrafanaValues {
    readonly fullnameOverride?: string;
    /** `namespaced`: a Role in Grafana's namespace instead of a ClusterRole (its sidecars read only there). */
    readonly rbac?: { readonly namespaced?: boolean };
    readonly replicas?: number;
    /** The admin login by reference to a Secret: never in values. */
    readonly admin?: { readonly existingSecret: string; readonly userKey: string; readonly passwordKey: string };
    readonly resources?: Resources;
    readonly securityContext?: PodSecurityContext;
    readonly containerSecurityContext?: ContainerSecurityContext;
    readonly extraEmptyDirMounts?: readonly { readonly name: string; readonly mountPath: string }[];
    readonly testFramework?: { readonly enabled: boolean };
    readonly initChownData?: { readonly enabled: boolean };
    readonly persistence?: { readonly enabled: boolean; readonly type?: "pvc" | "statefulset"; readonly size?: string; readonly accessModes?: readonly string[]; readonly storageClassName?: string };
    readonly deploymentStrategy?: { readonly type: "Recreate" | "RollingUpdate" };
    /** Rendered only when non-empty (`{{- if .Values.podDisruptionBudget }}`): no `enabled` key. */
    readonly podDisruptionBudget?: { readonly minAvailable?: number | string; readonly maxUnavailable?: number | string };
    readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
    /** Plain environment variables (name to value). */
    readonly env?: Readonly<Record<string, string>>;
    /** Environment variables from Secrets or ConfigMaps (name to `valueFrom`). */
    readonly envValueFrom?: Readonly<Record<string, { readonly secretKeyRef: { readonly name: string; readonly key: string } }>>;
    /** grafana.ini, section by section. */
    readonly "grafana.ini"?: Readonly<Record<string, Readonly<Record<string, string | number | boolean>>>>;
    readonly sidecar?: {
        readonly resources?: Resources;
        readonly securityContext?: ContainerSecurityContext;
        readonly dashboards?: {
            readonly enabled: boolean;
            readonly label?: string;
            readonly labelValue?: string;
            readonly searchNamespace?: string;
            readonly folderAnnotation?: string;
            readonly provider?: { readonly foldersFromFilesStructure?: boolean; readonly allowUiUpdates?: boolean };
        };
        /**
         * `defaultDatasourceEnabled` and `uid` are read by kube-prometheus-stack's own datasource ConfigMap.
         * `initDatasources` runs the sidecar as an init container instead (`_pod.tpl`); with it, `skipReload` (no
         * Grafana to call yet) and `watchMethod: LIST` (load once and exit).
         */
        readonly datasources?: {
            readonly enabled: boolean;
            readonly defaultDatasourceEnabled?: boolean;
            readonly uid?: string;
            readonly initDatasources?: boolean;
            readonly skipReload?: boolean;
            readonly watchMethod?: "WATCH" | "LIST" | "SLEEP";
        };
    };
}

export interface KubePrometheusStackValues {
    readonly fullnameOverride?: string;
    readonly global?: { readonly imageRegistry?: string };
    readonly crds?: { readonly enabled: boolean };
    readonly defaultRules?: {
        readonly create?: boolean;
        readonly rules?: Readonly<Partial<Record<"etcd" | "kubeControllerManager" | "kubeSchedulerAlerting" | "kubeSchedulerRecording" | "kubeProxy" | "windows", boolean>>>;
        /** Alert names to leave out. */
        readonly disabled?: Readonly<Record<string, boolean>>;
    };
    readonly kubeEtcd?: { readonly enabled: boolean };
    readonly kubeControllerManager?: { readonly enabled: boolean };
    readonly kubeScheduler?: { readonly enabled: boolean };
    readonly kubeProxy?: { readonly enabled: boolean };
    readonly coreDns?: { readonly enabled: boolean };
    readonly windowsMonitoring?: { readonly enabled: boolean };
    readonly prometheusOperator?: {
        readonly resources?: Resources;
        readonly containerSecurityContext?: ContainerSecurityContext;
        readonly prometheusConfigReloader?: { readonly resources?: Resources };
        readonly admissionWebhooks?: {
            readonly patch?: { readonly resources?: Resources };
            readonly createSecretJob?: { readonly securityContext?: ContainerSecurityContext };
            readonly patchWebhookJob?: { readonly securityContext?: ContainerSecurityContext };
        };
    };
    readonly prometheus?: PrometheusValues;
    readonly alertmanager?: AlertmanagerValues;
    readonly grafana?: GrafanaValues;
    /** kube-state-metrics 8.4.0 subchart. */
    readonly "kube-state-metrics"?: { readonly resources?: Resources; readonly containerSecurityContext?: ContainerSecurityContext };
    /** prometheus-node-exporter 4.56.1 subchart. */
    readonly "prometheus-node-exporter"?: { readonly namespaceOverride?: string; readonly resources?: Resources; readonly containerSecurityContext?: ContainerSecurityContext };
}
