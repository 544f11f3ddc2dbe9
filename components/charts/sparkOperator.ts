/**
 * The values this platform sets on the Kubeflow Spark operator chart, typed from kubeflow/spark-operator
 * `charts/spark-operator-chart/values.yaml` at tag v2.5.2 (the chart has no values.schema.json). The image is
 * rendered as `registry/repository:tag` (templates/_helpers.tpl `spark-operator.image`).
 */
import type { ContainerSecurityContext, Labels, PodSecurityContext, Resources } from "./kubernetes";

export const chartVersion = "2.5.2";

interface PodDisruptionBudget {
    readonly enable: boolean;
    readonly minAvailable?: number;
}

interface ServiceAccount {
    readonly create?: boolean;
    readonly name?: string;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly automountServiceAccountToken?: boolean;
}

interface Part {
    readonly replicas?: number;
    readonly leaderElection?: { readonly enable?: boolean };
    readonly logLevel?: "debug" | "info" | "error";
    readonly serviceAccount?: ServiceAccount;
    readonly rbac?: { readonly create?: boolean };
    readonly labels?: Labels;
    readonly podSecurityContext?: PodSecurityContext;
    readonly securityContext?: ContainerSecurityContext;
    readonly resources?: Resources;
    readonly podDisruptionBudget?: PodDisruptionBudget;
}

export interface SparkOperatorValues {
    readonly image?: { readonly registry?: string; readonly repository?: string; readonly tag?: string; readonly pullPolicy?: "IfNotPresent" | "Always" | "Never" };
    readonly hook?: { readonly upgradeCrd?: boolean };
    readonly controller?: Part & {
        readonly workers?: number;
        /** A Service per application for its driver UI. */
        readonly uiService?: { readonly enable: boolean };
        readonly uiIngress?: { readonly enable: boolean };
    };
    readonly webhook?: Part & {
        readonly enable?: boolean;
        readonly port?: number;
        readonly failurePolicy?: "Fail" | "Ignore";
        readonly timeoutSeconds?: number;
    };
    readonly spark?: {
        /** Namespaces whose SparkApplications the operator runs (and where the chart puts the Spark SA and Role). */
        readonly jobNamespaces?: readonly string[];
        readonly serviceAccount?: ServiceAccount;
        readonly rbac?: { readonly create?: boolean };
    };
    readonly prometheus?: {
        readonly metrics?: { readonly enable?: boolean; readonly port?: number; readonly portName?: string; readonly endpoint?: string; readonly prefix?: string };
        readonly podMonitor?: { readonly create: boolean };
    };
    readonly certManager?: { readonly enable: boolean };
}
