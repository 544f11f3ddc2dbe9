import type { ClientNamespace, Connected } from "../network/spec";
import type * as pulumi from "@pulumi/pulumi";

/** What a client of the tracking server gets: its own MLflow user, and a Secret with the connection in its namespace. */
export interface MlflowClientAccess extends Connected {
    readonly trackingUri: string;
    readonly username: string;
    /** Pulumi secret. */
    readonly password: pulumi.Output<string>;
    /**
     * Secret in the client's namespace with `MLFLOW_TRACKING_URI`, `MLFLOW_TRACKING_USERNAME` and
     * `MLFLOW_TRACKING_PASSWORD`: MLflow's client reads them from the environment (`envFrom`).
     */
    readonly secretName: pulumi.Output<string>;
}

/** The contract of an MLflow tracking server that other components connect to (implemented by `Tracking`). */
export interface MlflowServer {
    /** In-cluster tracking URI. */
    readonly trackingUri: pulumi.Output<string>;
    /**
     * Creates the MLflow user `username` for a client in `namespace` (signed-in users get the server's default
     * permission, and manage the experiments they create) and the client's connection Secret there.
     */
    grantClient(name: string, args: { readonly namespace: ClientNamespace; readonly username: string }, parent: pulumi.Resource): MlflowClientAccess;
}
