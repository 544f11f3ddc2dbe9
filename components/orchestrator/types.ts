import type { IdentityProvider } from "../identity/types";
import * as pulumi from "@pulumi/pulumi";
import { Postgres } from "../postgres/types";
import { ObjectStore } from "../storage/types";
import { Mirror } from "../versions";
import type { KafkaServer } from "../streaming/types";
import type { MlflowServer } from "../tracking/types";
import type { TrinoServer } from "../lakehouse";
import type { ModelServer } from "../serving";
import type { JobRunner } from "../compute";
import type { FeatureServer } from "../featurestore/types";
import { Environment } from "./sizing";
import { KubernetesTargetArgs } from "../common/kubernetes";
import type { ClientNamespace } from "../network/spec";

/** How Airflow runs tasks: one pod per task, or a pool of Celery workers fed through Redis. */
export type AirflowExecutor = "KubernetesExecutor" | "CeleryExecutor";

/** Credentials for a private DAG repository, as an existing Secret in the orchestrator namespace. */
export type GitCredentials =
    | {
          /** HTTPS with a user and a token. */
          readonly kind: "https";
          /** Secret with keys `GITSYNC_USERNAME`, `GITSYNC_PASSWORD`, `GIT_SYNC_USERNAME`, `GIT_SYNC_PASSWORD` (the chart reads all four). */
          readonly secretName: string;
      }
    | {
          /** SSH with a deploy key; the repository URL must then be `git@host:org/repo.git`. */
          readonly kind: "ssh";
          /** Secret with key `gitSshKey` holding the private key. */
          readonly secretName: string;
          /** `known_hosts` lines for the Git host; without them the host key is not checked. */
          readonly knownHosts?: string;
      };

/** Where DAG files come from: a Git repository that git-sync keeps checked out next to every Airflow process. */
export interface DagSource {
    /** Clone URL (`https://...` or `git@...`). */
    readonly repo: string;
    /** Branch, tag or commit to check out. */
    readonly ref: string;
    /** Directory inside the repository that holds the DAG files (`""` for the root). */
    readonly subPath: string;
    /** Omit for a public repository. */
    readonly credentials?: GitCredentials;
    /** How often git-sync polls, as a Go duration. Default `30s` in dev, `60s` in prod. */
    readonly period?: string;
}

/** Platform endpoints Airflow gets connections for (`trino_default`, `kafka_default`, `mlflow_default`). */
export interface OrchestratorConnectionsArgs {
    /** Trino (`Lakehouse`): Airflow queries as user `airflow`. */
    readonly trino?: TrinoServer;
    /** The Kafka cluster (`Streaming`): Airflow connects as its declared client `airflow` (its user, ACLs and CA in prod). */
    readonly kafka?: KafkaServer;
    /** The tracking server (`Tracking`): Airflow gets its own MLflow user, as `mlflow_default` and MLflow's environment variables. */
    readonly mlflow?: MlflowServer;
    /** The model servers (`Serving`): DAGs may call them; their URLs are the Airflow Variable `ml_platform_models` (JSON). */
    readonly models?: ModelServer;
    /** Spark and Ray (`Compute`): Airflow's workers may create SparkApplications and RayJobs in its jobs namespace. */
    readonly jobs?: JobRunner;
    /**
     * The feature store (`FeatureStore`): `feast_default` (HTTP, the feature server) and the Airflow Variable
     * `ml_platform_feast` (JSON: the server's URL, the namespace and the pod for `feast materialize-incremental`),
     * with RBAC for the worker ServiceAccount to run that pod in the feature store's namespace.
     */
    readonly features?: FeatureServer;
    /**
     * The model feedback loop (`Feedback`): its monitoring DAG, and the Airflow Variable `ml_platform_feedback` (JSON:
     * Trino, the StatsD exporter, and per model the monitoring SQL and thresholds) that DAG reads.
     */
    readonly feedback?: AirflowJobSource;
}

/** A DAG file a component ships: the Orchestrator runs it from the platform's own DAG bundle, beside the synced repository. */
export interface PlatformDag {
    /** File name in the bundle, e.g. `feedback_monitoring.py` (lowercase letters, digits and `_`, ending `.py`). */
    readonly fileName: string;
    /** The Python source. */
    readonly source: string;
}

/** A component whose DAGs Airflow runs, configured through one Airflow Variable (JSON). */
export interface AirflowJobSource {
    /** The Variable's name (read from the environment as `AIRFLOW_VAR_<NAME>`), e.g. `ML_PLATFORM_FEEDBACK`. */
    readonly variableName: string;
    /** The DAGs that read it: delivered with the connection, so they run after `pulumi up` with nothing to copy. */
    readonly dags: readonly PlatformDag[];
    /** Its JSON value, given what Airflow was granted (the Trino endpoint it queries as, its StatsD exporter). */
    airflowVariable(airflow: { readonly trinoUrl?: string; readonly trinoUser?: string; readonly statsdHost: string; readonly statsdPort: number }): pulumi.Input<string>;
}

/** A client of Airflow's REST API: a user of its own (role `User`), its password delivered in the client's namespace. */
export interface AirflowApiClient {
    /** Airflow user name. */
    readonly username: string;
    readonly namespace: ClientNamespace;
    readonly why: string;
}

/** Keys of the Secret an API client gets (`airflow-api-<username>` in its namespace). */
export const airflowApiSecretKeys = { url: "url", username: "username", password: "password" } as const;
export const airflowApiSecretName = (username: string) => `airflow-api-${username}`;

export interface OrchestratorArgs extends KubernetesTargetArgs {
    /** `dev`: one of each, small requests. `prod`: HA (2 schedulers, API servers, triggerers), PDBs, PgBouncer. */
    readonly environment: Environment;
    /** The platform Postgres; Airflow gets its own `airflow` database and user from it. Never the chart's own Postgres. */
    readonly postgres: Postgres;
    /** The platform object store; task logs go to {@link OrchestratorArgs.logBucket}. */
    readonly objectStore: ObjectStore;
    /** Logical bucket (a key of `objectStore.buckets`) for task logs. Default `airflow-logs`. */
    readonly logBucket?: string;
    /** Namespace created for Airflow. Default `ml-orchestrator`. */
    /** Airflow's metadata database (and its user). Default `airflow`; two Airflows on one Postgres need different ones. */
    readonly database?: string;
    readonly namespace?: string;
    /** Default `KubernetesExecutor`. */
    readonly executor?: AirflowExecutor;
    /**
     * DAG repository, synced by git-sync (DAG bundle `dags-folder`). Default: Airflow's own example DAGs at the tag of
     * the deployed Airflow version (`https://github.com/apache/airflow.git`, ref `3.2.2`, sub-path
     * `airflow-core/src/airflow/example_dags`). The DAGs of connected components (e.g. the feedback loop's) do not go
     * here: they come with their connection, in the bundle `ml-platform`.
     */
    readonly dags?: DagSource;
    /** Platform services Airflow gets connections for; each one left out gets no connection. */
    readonly connections?: OrchestratorConnectionsArgs;
    /** PgBouncer between Airflow and Postgres. Default: on in prod, off in dev. */
    readonly pgbouncer?: boolean;
    /** Admin user created at install. Default `admin`. */
    readonly adminUsername?: string;
    /** The admin user's e-mail (required by Airflow's user model). Default `admin@example.com`. */
    readonly adminEmail?: string;
    /** Days of metadata (DAG runs, task instances, logs table) the weekly cleanup keeps. Default 90. */
    readonly databaseRetentionDays?: number;
    /**
     * An Airflow image built FROM the pinned one with extra providers (e.g. `apache-airflow-providers-trino`,
     * `apache-airflow-providers-apache-kafka`, which the official image does not carry). Default: the pinned
     * official image. Its Airflow version must equal the pinned one.
     */
    readonly image?: { readonly repository: string; readonly tag: string };
    /** Registry and chart repository for air-gapped clusters. */
    /**
     * Single sign-on: the api-server logs users in through the platform's identity provider (FAB auth manager,
     * AUTH_OAUTH, roles from the token's groups) at `baseUrl` (its external URL, e.g. `https://airflow.<domain>`).
     * The generated admin then cannot log in with a password (FAB allows one login type). Default: Airflow's own login.
     */
    readonly sso?: { readonly identity: IdentityProvider; readonly baseUrl: string };
    readonly mirror?: Mirror;
    /** Components that call Airflow's REST API (e.g. the feedback loop's retraining trigger). Default none. */
    readonly apiClients?: readonly AirflowApiClient[];
}

/** What the stack composition reads from the component. */
export interface OrchestratorOutputs {
    readonly namespace: pulumi.Output<string>;
    /** In-cluster URL of the Airflow UI and REST API (the api-server Service). */
    readonly uiUrl: pulumi.Output<string>;
    readonly adminUsername: pulumi.Output<string>;
    /** Always a Pulumi secret. */
    readonly adminPassword: pulumi.Output<string>;
}
