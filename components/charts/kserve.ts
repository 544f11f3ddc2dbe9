/**
 * The values this platform sets on KServe's three charts, typed from kserve/kserve `charts/kserve-crd`,
 * `charts/kserve-resources` and `charts/kserve-runtime-configs` (`values.yaml`) at the pinned tag. The three are
 * released together under one version.
 */
import type { Resources } from "./kubernetes";

export const chartVersion = "v0.20.0";

/** kserve-crd takes no values (its values.yaml is empty). */
export type KserveCrdValues = Readonly<Record<string, never>>;

export interface KserveResourcesValues {
    readonly kserve: {
        readonly controller: {
            /** `Standard` (raw Deployments), `Knative` or `ModelMesh`. */
            readonly deploymentMode: "Standard" | "Knative" | "ModelMesh";
            readonly imagePullPolicy?: "IfNotPresent" | "Always" | "Never";
            readonly image?: string;
            readonly rbacProxyImage?: string;
            readonly resources?: Resources;
            readonly rbacProxy?: { readonly resources?: Resources };
            readonly gateway?: { readonly disableIngressCreation?: boolean };
        };
        readonly storage?: { readonly image?: string };
        readonly agent?: { readonly image?: string };
        readonly router?: { readonly image?: string };
        /** The chart writes these into its ConfigMap as strings. */
        readonly metricsaggregator?: { readonly enablePrometheusScraping?: "true" | "false" };
    };
}

/** The runtime keys of `kserve.servingruntime` in kserve-runtime-configs' values.yaml. */
export type ServingRuntimeKey =
    | "tensorflow"
    | "mlserver"
    | "sklearnserver"
    | "xgbserver"
    | "huggingfaceserver"
    | "tritonserver"
    | "pmmlserver"
    | "predictiveserver"
    | "paddleserver"
    | "lgbserver"
    | "autogluonserver"
    | "torchserve"
    | "vllmserver";

export interface KserveRuntimeConfigsValues {
    readonly kserve: {
        readonly servingruntime: { readonly enabled: boolean } & { readonly [K in ServingRuntimeKey]?: { readonly image?: string; readonly disabled?: boolean } };
        readonly llmisvcConfigs?: { readonly enabled: boolean };
    };
}
