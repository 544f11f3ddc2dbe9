import type * as pulumi from "@pulumi/pulumi";
import type { ClientNamespace, Connected } from "../network/spec";

/** What a reader of online features gets: the feature server's URL (no credential in the cluster) and its flow. */
export interface FeatureServerClientAccess extends Connected {
    /** `http://feast.<namespace>.svc.cluster.local:6566` (`POST /get-online-features`). */
    readonly url: string;
}

/**
 * What a scheduler of materialization gets (Airflow): RBAC in the feature store's namespace to start and follow
 * pods there, and the pod to start, which runs as the feature store's identity with its own credentials (by
 * Secret name): no credential leaves the feature store's namespace.
 */
export interface MaterializerAccess extends Connected {
    /** The namespace the pods run in. */
    readonly namespace: string;
    /** A complete Pod (KubernetesPodOperator's `pod_template_dict`); its container `base` runs `feast`. */
    readonly podTemplate: pulumi.Output<Record<string, unknown>>;
}

/** The contract of the feature store other components connect to (implemented by `FeatureStore`). */
export interface FeatureServer {
    /** In-cluster URL of the feature server. */
    readonly url: pulumi.Output<string>;
    /** The flow from `namespace` to the feature server, and the record of it. */
    grantClient(args: { readonly namespace: ClientNamespace }): FeatureServerClientAccess;
    /** A Role in the feature store's namespace for `serviceAccountName` of `namespace`; `parent` owns it. */
    grantMaterializer(name: string, args: { readonly namespace: ClientNamespace; readonly serviceAccountName: string }, parent: pulumi.Resource): MaterializerAccess;
}
