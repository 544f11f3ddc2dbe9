import * as pulumi from "@pulumi/pulumi";
import {
    CertManager,
    Cluster,
    Compute,
    ClusterArgs,
    ConnectImageOutput,
    ConnectionRecord,
    entraProvider,
    FeatureStore,
    Feedback,
    feedbackClients,
    feedbackLoggerUrl,
    feedbackTopics,
    TRIGGER_USER,
    Flow,
    feedbackConnectExtension,
    googleProvider,
    Identity,
    IdentityArgs,
    Ingress,
    oidcProvider,
    routeUrl,
    kindRegistryContainerdConfig,
    Lakehouse,
    Monitoring,
    NetworkPolicies,
    Notebooks,
    ObjectStorage,
    Orchestrator,
    PostgresServer,
    resolveFeedbackModels,
    RetainStorageClass,
    Serving,
    Streaming,
    Tracking,
    WebUi,
} from "../components";
import { StackConfig } from "./config";
import { objectStorageArgs, postgresArgs, requiredBuckets } from "./data";
import { expectedWebhookPorts, namespaces, platformFlows } from "./flows";
import { NOTEBOOKS_KAFKA_CLIENT } from "../components/notebooks";
import { PlatformConfig } from "./schema";

/** A URL pair for one platform endpoint; `external` is absent where nothing is exposed. */
export interface Endpoint {
    readonly internal: pulumi.Input<string>;
    readonly external?: pulumi.Input<string>;
}

export interface Platform {
    readonly cluster: Cluster;
    readonly kubeconfig: pulumi.Output<string>;
    /** `{ airflow: { internal, external }, ... }` for every enabled component. */
    readonly endpoints: Record<string, Endpoint>;
    /** Logins that exist, by UI (`sso`: Dex's generated admin on dev); passwords are Pulumi secrets. */
    readonly credentials: Record<string, { username: pulumi.Input<string>; password: pulumi.Output<string> }>;
    /**
     * How users log in to each routed UI: `oidc` (the UI itself, through the platform's identity provider), `sso`
     * (oauth2-proxy at the ingress, then the UI's own login where it has one), `basic` (a generated basic-auth login)
     * or `own` (the UI's own login only).
     */
    readonly logins: Record<string, "own" | "oidc" | "sso" | "basic">;
    /** Single sign-on: the issuer and every redirect URI to register with the provider; absent with `ingress.auth: basic`. */
    readonly sso?: { readonly issuer: pulumi.Output<string>; readonly redirectUris: pulumi.Output<Record<string, string[]>> };
    /** Every connection the NetworkPolicies allow. */
    readonly flows: readonly Flow[];
    /** Every connection a component made as a client (`npm run verify` exercises them). */
    readonly connections: readonly ConnectionRecord[];
}

/** The identity provider of a validated `sso` section (the client secret joins here). */
export function identityProviderArgs(sso: PlatformConfig["sso"], clientSecret: pulumi.Output<string> | undefined): IdentityArgs["provider"] {
    const secret = () => {
        if (!clientSecret) throw new Error("sso: the client secret ml-platform:ssoClientSecret is not set");
        return clientSecret;
    };
    switch (sso.provider) {
        case "dex":
            return { type: "dex", users: sso.users };
        case "google":
            return googleProvider({ clientId: sso.clientId!, clientSecret: secret() });
        case "entra":
            return entraProvider({ clientId: sso.clientId!, clientSecret: secret(), tenantId: sso.tenantId! });
        case "oidc":
            return oidcProvider({
                clientId: sso.clientId!,
                clientSecret: secret(),
                issuerUrl: sso.issuerUrl!,
                authorizeUrl: sso.authorizeUrl!,
                tokenUrl: sso.tokenUrl!,
                userInfoUrl: sso.userInfoUrl!,
                groupsClaim: sso.groupsClaim,
            });
        default:
            throw new Error("sso.provider is not set (validation names it)");
    }
}

/** Kafka's external NodePort on kind, mapped to 127.0.0.1 so a laptop client reaches the brokers. */
const KAFKA_NODE_PORTS = [30094, 30095];

/** Maps the validated cluster config onto the Cluster component's args (secrets join here). */
export function clusterArgs(config: PlatformConfig, secrets: StackConfig["secrets"]): ClusterArgs {
    return clusterSettingsArgs(config.cluster, secrets.kubeconfig, { webhookPorts: expectedWebhookPorts(config), kindRegistry: config.components.streaming });
}

/**
 * The Cluster component's args for a validated `cluster` setting, plus what only the workloads know: the admission
 * webhook ports a private GKE control plane must reach, and whether kind's nodes resolve the in-cluster registry
 * (Strimzi pushes the Connect image there).
 */
export function clusterSettingsArgs(
    cluster: PlatformConfig["cluster"],
    kubeconfig: pulumi.Output<string> | undefined,
    workloads: { readonly webhookPorts?: readonly number[]; readonly kindRegistry?: boolean },
): ClusterArgs {
    if (cluster.provider === "existing") {
        // The data services an existing cluster brings are the data components' args (stacks/data.ts), not the cluster's.
        const { kubeconfigPath: _path, postgres: _postgres, objectStorage: _store, ...rest } = cluster;
        return { ...rest, kubeconfig: kubeconfig! };
    }
    if (cluster.provider === "gke") {
        return { ...cluster, webhookPorts: workloads.webhookPorts };
    }
    if (cluster.provider === "kind" && workloads.kindRegistry) {
        const registry = kindRegistryContainerdConfig();
        return { ...cluster, registryHosts: { [registry.host]: registry.hostsToml }, extraPorts: KAFKA_NODE_PORTS };
    }
    return cluster;
}

/**
 * Composes the platform from a validated config. `parent`: the component the platform's resources belong to when it is
 * itself a component (the multi-language `Platform`); a stack passes none, so its URNs stay top-level.
 */
export function buildPlatform({ config, secrets }: StackConfig, parent?: pulumi.Resource): Platform {
    const { environment, mirror } = config;
    const on = config.components;
    const onKind = config.cluster.provider === "kind";

    const under = parent ? { parent } : {};
    const cluster = new Cluster("cluster", clusterArgs(config, secrets), under);
    const k8s = { ...under, providers: [cluster.provider] };

    // Data services first: cloud buckets and databases start in parallel with the cluster.
    const storage = new ObjectStorage("storage", objectStorageArgs(config, cluster, requiredBuckets(on)), k8s);
    const postgres = new PostgresServer("postgres", postgresArgs(config, cluster), k8s);
    const retain = environment === "prod" && (config.cluster.provider === "gke" || config.cluster.provider === "aks")
        ? new RetainStorageClass("retain", { provider: config.cluster.provider }, k8s)
        : undefined;
    const dataPvcs = retain ? { storageClassName: "ml-retain", opts: { ...k8s, dependsOn: [retain] } } : { storageClassName: undefined, opts: k8s };

    const certs = new CertManager("cert-manager", { environment, issuer: config.ingress.tls, mirror }, k8s);
    const ingress = new Ingress(
        "ingress",
        { environment, exposure: config.ingress.exposure, domain: config.ingress.domain, clusterIssuer: certs.clusterIssuer, http01Solver: certs.http01Solver, mirror },
        { ...k8s, dependsOn: [certs] },
    );
    // Single sign-on in front of every UI, unless the basic-auth fallback is chosen.
    const identity =
        config.ingress.auth === "sso"
            ? new Identity(
                  "identity",
                  {
                      environment,
                      provider: identityProviderArgs(config.sso, secrets.ssoClientSecret),
                      ingress,
                      access: {
                          adminGroups: config.sso.adminGroups,
                          adminUsers: config.sso.adminUsers,
                          allowedGroups: config.sso.allowedGroups,
                          emailDomains: config.sso.emailDomains,
                      },
                      mirror,
                  },
                  // No dependsOn the ingress: its routes (children) come later and some wait for components that ask
                  // this one for OIDC clients; each route of its own waits for Traefik by itself.
                  k8s,
              )
            : undefined;
    const uiUrl = (subdomain: string) => routeUrl(`${subdomain}.${ingress.domain}`, ingress.tls);

    // The model feedback loop runs when serving, streaming and the lakehouse are on and some model logs its traffic;
    // its topics and Kafka clients are declared on Streaming, its logger URLs on the models.
    const feedbackSpecs = on.serving && on.streaming && on.lakehouse
        ? config.serving.models.flatMap((m) => (m.feedback?.logging ? [{ name: m.name, namespace: namespaces.serving, ...m.feedback }] : []))
        : [];
    const feedbackModels = resolveFeedbackModels(feedbackSpecs, environment);

    const connectImage: ConnectImageOutput = config.streaming.cdc.imageRepository
        ? { type: "registry", repository: config.streaming.cdc.imageRepository, pushSecretName: config.streaming.cdc.pushSecretName }
        : { type: "in-cluster-registry" };

    const lakehouse = on.lakehouse
        ? new Lakehouse(
              "lakehouse",
              {
                  environment,
                  objectStore: storage,
                  postgres,
                  mirror,
                  sizing: config.lakehouse.workers && { workers: { minReplicas: config.lakehouse.workers.min, maxReplicas: config.lakehouse.workers.max } },
              },
              k8s,
          )
        : undefined;
    const streaming = on.streaming
        ? new Streaming(
              "streaming",
              {
                  environment,
                  mirror,
                  topics: [...config.streaming.topics, ...feedbackTopics(feedbackModels)],
                  extraClients: feedbackClients(feedbackModels),
                  // The Iceberg sink runs on the Connect cluster CDC uses, its image pushed where CDC's goes.
                  connect: feedbackModels.length
                      ? feedbackConnectExtension(feedbackModels, storage, "bronze", connectImage)
                      : undefined,
                  storageClassName: dataPvcs.storageClassName,
                  externalAccess: onKind ? { type: "nodeport", advertisedHost: "127.0.0.1", bootstrapNodePort: KAFKA_NODE_PORTS[0] } : undefined,
                  clientNamespaces: [
                      ...(on.orchestrator ? [namespaces.orchestrator] : []),
                      ...(on.notebooks ? [namespaces.notebooks] : []),
                      ...(feedbackModels.length ? [namespaces.feedback] : []),
                  ],
                  analystClients: on.notebooks ? [NOTEBOOKS_KAFKA_CLIENT] : [],
                  cdc: config.streaming.cdc.tables.length ? { postgres, connectors: [{ name: "source", tables: config.streaming.cdc.tables }], image: connectImage } : undefined,
              },
              dataPvcs.opts,
          )
        : undefined;
    const tracking = on.tracking
        ? new Tracking("tracking", { environment, objectStore: storage, postgres, mirror, externalHosts: [`mlflow.${ingress.domain}`] }, k8s)
        : undefined;
    const featureStore = on.featureStore && lakehouse
        ? new FeatureStore(
              "featurestore",
              {
                  environment,
                  objectStore: storage,
                  postgres,
                  mirror,
                  offlineBuckets: [lakehouse.zoneBuckets.gold],
                  onlineStore: config.featureStore.onlineStore,
                  project: config.featureStore.project,
                  replicas: config.featureStore.replicas,
                  alerts: config.featureStore.maxStalenessHours ? { maxStalenessSeconds: config.featureStore.maxStalenessHours * 3600 } : undefined,
                  storageClassName: dataPvcs.storageClassName,
              },
              dataPvcs.opts,
          )
        : undefined;
    const serving = on.serving
        ? new Serving(
              "serving",
              {
                  environment,
                  certManager: certs.release ?? "preinstalled",
                  // KServe models (and their transformers) read features from the server.
                  features: featureStore,
                  objectStore: storage,
                  mirror,
                  models: config.serving.models,
                  // The platform's models bucket, besides MLflow's artifacts (requiredBuckets creates it for serving).
                  modelBuckets: ["models"],
                  metricsServer: onKind,
                  loggers: Object.fromEntries(feedbackModels.map((m) => [m.name, { url: feedbackLoggerUrl(m.name, namespaces.feedback), mode: "all" as const }])),
              },
              k8s,
          )
        : undefined;
    const feedback = feedbackModels.length && streaming && lakehouse && serving
        ? new Feedback(
              "feedback",
              {
                  environment,
                  namespace: namespaces.feedback,
                  models: feedbackSpecs,
                  streaming,
                  lakehouse,
                  objectStore: storage,
                  orchestratorNamespace: on.orchestrator ? namespaces.orchestrator : undefined,
                  mirror,
              },
              { ...k8s, dependsOn: [serving, lakehouse] },
          )
        : undefined;
    const gpuPool = "gpuPool" in config.cluster ? config.cluster.gpuPool : undefined;
    const compute = on.compute && lakehouse
        ? new Compute(
              "compute",
              {
                  environment,
                  objectStore: storage,
                  lakehouse,
                  tracking,
                  mirror,
                  historyServer: config.compute.spark.historyServer,
                  rayCluster: config.compute.ray.cluster,
                  rayWorkers: config.compute.ray.workers,
                  gpuPool: gpuPool && { gpus: "acceleratorCount" in gpuPool ? Number(gpuPool.acceleratorCount ?? 1) : 1 },
              },
              k8s,
          )
        : undefined;
    const orchestrator = on.orchestrator
        ? new Orchestrator(
              "orchestrator",
              {
                  environment,
                  namespace: namespaces.orchestrator,
                  postgres,
                  objectStore: storage,
                  mirror,
                  executor: config.orchestrator.executor,
                  dags: config.orchestrator.dags,
                  adminEmail: config.orchestrator.adminEmail,
                  sso: identity && { identity, baseUrl: uiUrl("airflow") },
                  connections: {
                      trino: lakehouse,
                      kafka: streaming,
                      mlflow: tracking,
                      models: serving,
                      jobs: compute,
                      features: featureStore,
                      feedback,
                  },
                  // The feedback loop's retraining trigger calls Airflow's API as a user of its own.
                  apiClients: feedback?.retrainDags.length
                      ? [{ username: TRIGGER_USER, namespace: { name: namespaces.feedback, created: feedback.namespace }, why: `${namespaces.feedback} triggers the retraining DAGs` }]
                      : [],
              },
              k8s,
          )
        : undefined;
    // After every service a user's server connects to.
    const notebooks = on.notebooks
        ? new Notebooks(
              "notebooks",
              {
                  environment,
                  namespace: namespaces.notebooks,
                  postgres,
                  objectStore: storage,
                  buckets: ["notebooks", ...(lakehouse ? Object.values(lakehouse.zoneBuckets) : [])],
                  url: routeUrl(`notebooks.${ingress.domain}`, ingress.tls),
                  // Its OIDC client is registered before `identity.finish()` writes Dex's config.
                  identity,
                  adminUsers: config.notebooks.adminUsers,
                  connections: { tracking, trino: lakehouse, kafka: streaming, features: featureStore, compute },
                  gpuPool: gpuPool && { gpus: "acceleratorCount" in gpuPool ? Number(gpuPool.acceleratorCount ?? 1) : 1 },
                  storageSize: config.notebooks.storageSize,
                  storageClassName: dataPvcs.storageClassName,
                  idleTimeoutMinutes: config.notebooks.idleTimeoutMinutes,
                  mirror,
              },
              dataPvcs.opts,
          )
        : undefined;
    const monitoring = on.monitoring
        ? new Monitoring(
              "monitoring",
              {
                  environment,
                  postgres,
                  mirror,
                  storageClassName: dataPvcs.storageClassName,
                  prometheus: config.monitoring,
                  sso: identity && { identity, rootUrl: uiUrl("grafana") },
                  sources: [certs, ingress, identity, storage, lakehouse, streaming, orchestrator, tracking, serving, compute, featureStore, notebooks, feedback].flatMap((c) => (c?.monitoring ? [c.monitoring] : [])),
                  alerting: config.monitoring.alerts && secrets.alertsSecret && { receiver: config.monitoring.alerts, secret: secrets.alertsSecret },
              },
              dataPvcs.opts,
          )
        : undefined;

    // Every UI behind the ingress, each with a login: single sign-on (the UI's own OIDC login, or oauth2-proxy in
    // front of it), or, with the basic-auth fallback, its own login or a generated basic-auth one where it has none.
    const endpoints: Record<string, Endpoint> = {};
    const credentials: Platform["credentials"] = {};
    const logins: Platform["logins"] = {};
    const route = (subdomain: string, owner: pulumi.Resource, ui: WebUi, internal: pulumi.Input<string>) => {
        const r = ingress.expose(`route-${subdomain}`, { subdomain, ui, after: [owner], sso: identity?.forwardAuth }, ingress);
        endpoints[subdomain] = { internal, external: r.url };
        logins[subdomain] = r.login;
        if (r.basicAuth) credentials[subdomain] = r.basicAuth;
    };
    if (identity) {
        endpoints.sso = { internal: identity.issuerUrl, external: identity.issuerUrl };
        if (identity.adminLogin) credentials.sso = identity.adminLogin;
        for (const [email, login] of Object.entries(identity.devUsers)) credentials[`sso:${email}`] = login;
    }
    if (storage.console) {
        route("minio", storage, storage.console, storage.consoleEndpoint!);
        if (storage.consoleLogin) credentials.minio = storage.consoleLogin;
    }
    if (lakehouse) {
        route("trino", lakehouse, lakehouse.ui, lakehouse.trinoUrl);
        endpoints["trino-jdbc"] = { internal: lakehouse.trinoJdbcUrl };
        endpoints.metastore = { internal: lakehouse.metastoreUri };
    }
    if (streaming) {
        endpoints.kafka = { internal: streaming.bootstrapServers, external: streaming.externalBootstrapServers };
        if (streaming.connectUrl) endpoints["kafka-connect"] = { internal: streaming.connectUrl };
    }
    if (tracking) {
        route("mlflow", tracking, tracking.ui, tracking.uiUrl);
        credentials.mlflow = { username: tracking.adminUsername, password: tracking.adminPassword };
    }
    if (orchestrator) {
        route("airflow", orchestrator, orchestrator.ui, orchestrator.uiUrl);
        // With single sign-on Airflow takes OAuth logins only (FAB has one login type): the generated admin cannot log in.
        if (!identity) credentials.airflow = { username: orchestrator.adminUsername, password: orchestrator.adminPassword };
    }
    if (serving) {
        for (const [model, url] of Object.entries(serving.inferenceUrls)) endpoints[`model-${model}`] = { internal: url };
    }
    if (compute) {
        if (compute.uis.sparkHistory) route("spark-history", compute, compute.uis.sparkHistory, compute.historyUrl!);
        if (compute.uis.rayDashboard) route("ray", compute, compute.uis.rayDashboard, compute.rayDashboardUrl!);
    }
    if (featureStore) route("feast", featureStore, featureStore.ui, featureStore.url);
    if (notebooks) route("notebooks", notebooks, notebooks.ui, notebooks.internalUrl);
    if (monitoring) {
        route("grafana", monitoring, monitoring.uis.grafana, monitoring.grafanaUrl);
        route("prometheus", monitoring, monitoring.uis.prometheus, monitoring.prometheusUrl);
        // Grafana's local admin stays as a break-glass login beside single sign-on.
        credentials.grafana = { username: monitoring.grafanaAdminUser, password: monitoring.grafanaAdminPassword };
    }
    // Every UI has asked for its OIDC client: Dex's config can be written.
    identity?.finish();

    // After every component and route: the flows are those they declared, and a policy needs its namespace.
    const components = [storage, postgres, certs, ingress, identity, lakehouse, streaming, tracking, orchestrator, serving, compute, featureStore, notebooks, feedback, monitoring];
    const lockdown = platformFlows(components);
    new NetworkPolicies("network-policies", lockdown, { ...k8s, dependsOn: components.filter((c): c is NonNullable<typeof c> => !!c) });

    const connections = components.flatMap((c) => c?.connections ?? []);
    const sso = identity && {
        issuer: identity.issuerUrl,
        redirectUris: pulumi.output(Object.fromEntries(identity.clients.map((c) => [c.name, c.redirectUris]))) as pulumi.Output<Record<string, string[]>>,
    };
    return { cluster, kubeconfig: cluster.kubeconfig, endpoints, credentials, logins, sso, flows: lockdown.flows, connections };
}
