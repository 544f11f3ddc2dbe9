import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { createNamespace, createSecret, KubernetesTargetArgs, platformLabels, requireKubernetesProvider } from "../common/kubernetes";
import { ClientNamespace, connect, ConnectionRecord, Flow, NetworkMember, toApiServer, WebUi, webhookFlow } from "../network/spec";
import { databaseSecretKeys, Postgres } from "../postgres/types";
import { chartSource, charts, imageRef, images, Mirror } from "../versions";
import { ALERT_RECEIVER_KEY, ALERT_RECEIVER_SECRET, AlertReceiver } from "./alerting";
import { AlertThresholds, defaultAlertThresholds, monitoringAlertGroups, prometheusRuleManifest } from "./alerts";
import { overviewDashboard } from "./dashboards";
import { postgresExporterDeployment, postgresExporterResources, postgresExporterService } from "./postgresExporter";
import { postgresSource } from "./postgresSource";
import { monitorManifest, ScrapeFlow, scrapeFlows, ScrapeTarget, scrapeUserSecretName } from "./scrape";
import { MonitoringSource } from "./source";
import { IdentityProvider, OidcSettings, oidcSettings } from "../identity/types";
import { GRAFANA_REDIRECT_PATH, grafanaOidc } from "./grafanaOidc";
import {
    ALERTMANAGER_SERVICE,
    Environment,
    GRAFANA_PODS,
    GRAFANA_SERVICE,
    GrafanaDatabase,
    kubePrometheusStackValues,
    monitoringSizing,
    PrometheusSizing,
    PROMETHEUS_OPERATOR_PODS,
    PROMETHEUS_OPERATOR_WEBHOOK_PORT,
    PROMETHEUS_PODS,
    PROMETHEUS_SERVICE,
    prometheusSizing,
    prometheusSizingProblems,
    RELEASE_NAME,
} from "./values";

// Named re-exports only: generic names (Resources, Environment, ...) would clash in the library's index.
export { defaultAlertThresholds, monitoringAlertGroups } from "./alerts";
export type { AlertGroup, AlertRule, AlertThresholds } from "./alerts";
export { overviewDashboard } from "./dashboards";
export { dashboard, dashboardJson, dashboardQueries } from "./grafana";
export type { Dashboard, DashboardSpec, PanelSpec, RowSpec } from "./grafana";
export { POSTGRES_TARGET } from "./postgresSource";
export { monitorManifest, scrapeFlows } from "./scrape";
export type { LabelSelector, Relabeling, ScrapeBasicAuth, ScrapeFlow, ScrapeTarget } from "./scrape";
export type { MonitoringSource } from "./source";
export { promString, ruleOf as alertRule, targetSelector } from "./rules";
export { kubePrometheusStackValues, monitoringSizing } from "./values";
export { ALERT_RECEIVER_KEY, ALERT_RECEIVER_SECRET, alertmanagerConfig } from "./alerting";
export type { AlertReceiver } from "./alerting";

const COMPONENT = "monitoring";
const GRAFANA_ADMIN_USER = "admin";
const grafanaAdminKeys = { user: "admin-user", password: "admin-password" } as const;

export interface MonitoringArgs extends KubernetesTargetArgs {
    /** dev: one small Prometheus without persistence; prod: 2 Prometheus and 2 Alertmanager replicas on PVCs, PDBs, zone spread. */
    readonly environment: Environment;
    /** Namespace of Prometheus, Alertmanager, Grafana and every monitor. Default `ml-monitoring`. */
    readonly namespace?: string;
    /**
     * Namespace of node-exporter, the one workload that needs the host's network, PID namespace and filesystem; it
     * is `privileged` so the main namespace stays `restricted`. Default `<namespace>-node`.
     */
    readonly nodeExporterNamespace?: string;
    /**
     * The platform's Postgres. In-cluster flavor: a postgres-exporter (own database user) scrapes it. In prod, any
     * flavor: Grafana keeps its state in its own database there and runs 2 replicas; without it, 1 replica on a PVC.
     */
    readonly postgres?: Postgres;
    /** Prometheus retention and volume, overriding the environment's sizing (e.g. `{ retention: "30d", retentionSize: "90GB", storageSize: "100Gi" }`); a `storageSize` alone lowers the default `retentionSize` to 90% of it where needed. */
    readonly prometheus?: Partial<Pick<PrometheusSizing, "retention" | "retentionSize" | "storageSize">>;
    /** Thresholds of Monitoring's own rules; defaults in `defaultAlertThresholds`. */
    readonly alertThresholds?: Partial<AlertThresholds>;
    /** StorageClass of the Prometheus, Alertmanager and Grafana PVCs. Default: the cluster's default class. */
    readonly storageClassName?: string;
    /**
     * What to scrape, alert on and draw: the `monitoring` source each component publishes (e.g.
     * `CertManager.monitoring`, `Lakehouse.monitoring`). Target and dashboard names must be unique across them.
     * Default none: only the cluster (kube-prometheus-stack's own monitors) and, with an in-cluster `postgres`, its exporter.
     */
    readonly sources?: readonly MonitoringSource[];
    /**
     * Where Alertmanager sends alerts, and the receiver's secret (Slack or webhook URL, SMTP password) as a Pulumi
     * secret; it lands in a Secret Alertmanager mounts. Default: no receiver.
     */
    readonly alerting?: { readonly receiver: AlertReceiver; readonly secret: pulumi.Input<string> };
    /** Air-gapped registry and chart repository. Default: the upstreams. */
    readonly mirror?: Mirror;
    /**
     * Single sign-on: Grafana logs users in through the platform's identity provider (generic_oauth, roles from the
     * token's groups) at `rootUrl` (its external URL, e.g. `https://grafana.<domain>`). The local admin remains as a
     * break-glass login. Default: Grafana's own login only.
     */
    readonly sso?: { readonly identity: IdentityProvider; readonly rootUrl: string };
}

/**
 * kube-prometheus-stack (Prometheus operator, Prometheus, Alertmanager, Grafana, kube-state-metrics,
 * node-exporter) plus the monitors, alert rules and dashboards of every source it is given. It names no component.
 */
export class Monitoring extends pulumi.ComponentResource implements NetworkMember {
    public readonly namespace: pulumi.Output<string>;
    public readonly namespaces: string[];
    /** The operator, its webhook, Prometheus's scrapes (nodes and every target) and its databases. */
    public readonly flows: Flow[];
    /** Grafana's database and the Postgres exporter's. */
    public readonly connections: ConnectionRecord[] = [];
    /** Grafana (its own login) and Prometheus (none), for the ingress. */
    public readonly uis: { readonly grafana: WebUi; readonly prometheus: WebUi };
    /** The chart release. Its CRDs (ServiceMonitor, PodMonitor, PrometheusRule) exist once it is ready: `dependsOn` it. */
    public readonly release: k8s.helm.v3.Release;
    /** Resources to `dependsOn` before creating monitoring CRs elsewhere. */
    public readonly ready: pulumi.Resource[];
    /** In-cluster Grafana URL. */
    public readonly grafanaUrl: pulumi.Output<string>;
    /** In-cluster Prometheus URL (query API and UI). */
    public readonly prometheusUrl: pulumi.Output<string>;
    /** In-cluster Alertmanager URL. */
    public readonly alertmanagerUrl: pulumi.Output<string>;
    public readonly grafanaAdminUser: pulumi.Output<string>;
    /** Always a Pulumi secret. */
    public readonly grafanaAdminPassword: pulumi.Output<string>;
    /** What is scraped. */
    public readonly scrapeTargets: ScrapeTarget[];
    /** Connections from the monitoring namespace the NetworkPolicies must allow. */
    public readonly networkFlows: ScrapeFlow[];

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        requireKubernetesProvider(`Monitoring "${name}"`, args, opts);
        super("mlplatform:monitoring:Monitoring", name, {}, opts);
        const namespaceName = args.namespace ?? "ml-monitoring";
        const nodeNamespaceName = args.nodeExporterNamespace ?? `${namespaceName}-node`;
        const labels = platformLabels(COMPONENT);
        const base = monitoringSizing[args.environment];
        const sizing = { ...base, prometheus: prometheusSizing(base.prometheus, args.prometheus ?? {}) };
        const problems = prometheusSizingProblems(sizing.prometheus);
        if (args.environment === "prod" && !sizing.prometheus.storageSize) problems.push("prometheus.storageSize: required in prod (Prometheus must be persistent)");
        if (problems.length) throw new Error(`monitoring "${name}": ${problems.join("; ")}`);
        const thresholds = { ...defaultAlertThresholds, ...args.alertThresholds };

        const prod = args.environment === "prod";
        // Deleting the namespace would take the Prometheus and Alertmanager volumes (metrics history) with it.
        const namespace = createNamespace(`${name}-ns`, { namespace: namespaceName, component: COMPONENT }, { parent: this, protect: prod });
        // node-exporter reads the host's /proc, /sys and / over host networking: only `privileged` admits that.
        const nodeNamespace = new k8s.core.v1.Namespace(
            `${name}-node-ns`,
            {
                metadata: {
                    name: nodeNamespaceName,
                    labels: { ...labels, "pod-security.kubernetes.io/enforce": "privileged", "pod-security.kubernetes.io/warn": "privileged" },
                },
            },
            { parent: this },
        );
        this.namespace = namespace.metadata.name;
        const client: ClientNamespace = { name: namespaceName, created: this.namespace };
        this.namespaces = [namespaceName];
        this.uis = {
            grafana: { namespace: namespaceName, service: GRAFANA_SERVICE, port: 80, auth: args.sso ? "oidc" : "own", pods: GRAFANA_PODS },
            prometheus: { namespace: namespaceName, service: PROMETHEUS_SERVICE, port: 9090, auth: "basic", pods: PROMETHEUS_PODS },
        };

        // Grafana stores the admin password in its database at first start: a new one would no longer match it.
        const adminPassword = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, { parent: this, protect: prod });
        const adminSecret = createSecret(
            `${name}-grafana-admin`,
            {
                name: "grafana-admin",
                namespace: this.namespace,
                component: COMPONENT,
                data: { [grafanaAdminKeys.user]: GRAFANA_ADMIN_USER, [grafanaAdminKeys.password]: adminPassword.result },
            },
            { parent: this },
        );
        const receiverSecret =
            args.alerting &&
            createSecret(
                `${name}-alert-receiver`,
                { name: ALERT_RECEIVER_SECRET, namespace: this.namespace, component: COMPONENT, data: { [ALERT_RECEIVER_KEY]: args.alerting.secret } },
                { parent: this },
            );

        const inCluster = args.postgres?.flavor === "in-cluster";
        const exporterLabels = { ...labels, "app.kubernetes.io/name": "postgres-exporter" };
        const sources: MonitoringSource[] = [
            ...(inCluster ? [postgresSource(namespaceName, { matchLabels: exporterLabels }, thresholds)] : []),
            ...(args.sources ?? []),
        ];
        this.scrapeTargets = sources.flatMap((source) => source.targets);
        const dashboards = [overviewDashboard({ namespaces: [namespaceName, ...this.scrapeTargets.map((t) => t.namespace)], headlines: sources.flatMap((s) => s.headlines ?? []) }), ...sources.flatMap((s) => s.dashboards ?? [])];
        const duplicate = (what: string, names: string[]) => {
            const dup = names.find((n, i) => names.indexOf(n) !== i);
            if (dup) throw new Error(`Monitoring ${name}: two ${what} are named "${dup}"`);
        };
        duplicate("scrape targets", this.scrapeTargets.map((t) => t.name));
        duplicate("dashboards", dashboards.map((d) => d.name));
        duplicate("dashboard uids", dashboards.map((d) => d.json.uid));
        this.networkFlows = scrapeFlows(this.scrapeTargets, namespaceName);
        this.flows = [
            toApiServer(namespaceName, "the Prometheus operator and kube-state-metrics"),
            webhookFlow(namespaceName, PROMETHEUS_OPERATOR_WEBHOOK_PORT, "the Prometheus operator's webhook", PROMETHEUS_OPERATOR_PODS),
            { from: namespaceName, to: { entity: "nodes" }, ports: [10250, 9100], why: "Prometheus scrapes kubelets and node-exporter on the nodes", fromPods: PROMETHEUS_PODS },
            ...this.networkFlows,
        ];

        const grafanaDb =
            prod && args.postgres
                ? args.postgres.database(`${name}-grafana-db`, { namespace: client, database: "grafana" }, this)
                : undefined;
        connect(this, grafanaDb);
        const rootUrl = args.sso?.rootUrl.replace(/\/+$/, "");
        const sso = args.sso?.identity.oidcClient("grafana", { namespace: client, redirectUris: [`${rootUrl}${GRAFANA_REDIRECT_PATH}`], pods: GRAFANA_PODS }, this);
        connect(this, sso);
        const ssoSettings: pulumi.Output<OidcSettings | undefined> = sso ? oidcSettings(sso) : pulumi.output<OidcSettings | undefined>(undefined);
        const valuesFor = (database?: GrafanaDatabase, oidc?: OidcSettings) =>
            kubePrometheusStackValues({
                environment: args.environment,
                sizing,
                grafanaAdminSecret: { name: "grafana-admin", userKey: grafanaAdminKeys.user, passwordKey: grafanaAdminKeys.password },
                grafanaDatabase: database,
                nodeExporterNamespace: nodeNamespaceName,
                storageClassName: args.storageClassName,
                imageRegistry: args.mirror?.imageRegistry,
                alertReceiver: args.alerting?.receiver,
                alertWebhooks: sources.flatMap((s) => s.webhooks ?? []),
                grafanaOidc: oidc && grafanaOidc(oidc, rootUrl!),
            });
        const values = grafanaDb
            ? pulumi.all([grafanaDb.host, grafanaDb.secretName, ssoSettings]).apply(([host, secretName, oidc]) =>
                  valuesFor({
                      host,
                      port: grafanaDb.port,
                      database: grafanaDb.database,
                      secretName,
                      usernameKey: databaseSecretKeys.username,
                      passwordKey: databaseSecretKeys.password,
                      sslMode: args.postgres!.sslMode ?? (args.postgres!.flavor === "in-cluster" ? "disable" : "require"),
                  }, oidc),
              )
            : ssoSettings.apply((oidc: OidcSettings | undefined) => valuesFor(undefined, oidc));

        this.release = new k8s.helm.v3.Release(
            `${name}-kps`,
            {
                name: RELEASE_NAME,
                namespace: this.namespace,
                ...chartSource(charts.kubePrometheusStack, args.mirror),
                values,
                // PVC binding and the admission webhook's certificate job take a while on a fresh cluster.
                timeout: prod ? 900 : 600,
                maxHistory: 10,
            },
            { parent: this, dependsOn: [namespace, nodeNamespace, adminSecret, ...(receiverSecret ? [receiverSecret] : [])] },
        );
        this.ready = [this.release];
        const afterCrds = { parent: this, dependsOn: [this.release] };

        for (const target of this.scrapeTargets.filter((t) => t.basicAuth)) {
            // The user only (an empty password): the operator reads the Secret in the monitor's own namespace.
            createSecret(
                `${name}-${target.name}-scrape`,
                { name: scrapeUserSecretName(target), namespace: this.namespace, component: COMPONENT, data: { username: target.basicAuth!.username, password: "" } },
                { parent: this },
            );
        }

        if (inCluster) {
            // pg_monitor: the exporter reads pg_stat_* of every database and the server's settings, never their data.
            const conn = args.postgres!.database(
                `${name}-pg-exporter`,
                { namespace: client, database: "postgres_exporter", monitoring: true },
                this,
            );
            connect(this, conn);
            const spec = {
                namespace: namespaceName,
                image: imageRef(images.postgresExporter, args.mirror),
                labels: exporterLabels,
                uriKey: databaseSecretKeys.uri,
                resources: postgresExporterResources,
            };
            new k8s.apps.v1.Deployment(
                `${name}-pg-exporter`,
                conn.secretName.apply((secretName) => postgresExporterDeployment({ ...spec, secretName })),
                { parent: this, dependsOn: [namespace] },
            );
            new k8s.core.v1.Service(`${name}-pg-exporter`, postgresExporterService(spec), { parent: this, dependsOn: [namespace] });
        }

        for (const target of this.scrapeTargets) {
            const manifest = monitorManifest(target, { namespace: namespaceName, labels });
            new k8s.apiextensions.CustomResource(`${name}-${target.name}`, manifest, afterCrds);
        }

        const groups = [...monitoringAlertGroups(thresholds), ...sources.flatMap((source) => source.alertGroups ?? [])];
        duplicate("alert groups", groups.map((g) => g.name));
        new k8s.apiextensions.CustomResource(
            `${name}-rules`,
            prometheusRuleManifest(groups, { name: "ml-platform", namespace: namespaceName, labels }),
            afterCrds,
        );

        for (const dashboard of dashboards) {
            new k8s.core.v1.ConfigMap(
                `${name}-dashboard-${dashboard.name}`,
                {
                    metadata: {
                        name: `dashboard-${dashboard.name}`,
                        namespace: this.namespace,
                        labels: { ...labels, grafana_dashboard: "1" },
                        annotations: { grafana_folder: "ML platform" },
                    },
                    data: { [`${dashboard.name}.json`]: JSON.stringify(dashboard.json) },
                },
                { parent: this, dependsOn: [namespace] },
            );
        }

        const svc = (service: string, port: number) => pulumi.output(`http://${service}.${namespaceName}.svc.cluster.local:${port}`);
        this.grafanaUrl = svc(GRAFANA_SERVICE, 80);
        this.prometheusUrl = svc(PROMETHEUS_SERVICE, 9090);
        this.alertmanagerUrl = svc(ALERTMANAGER_SERVICE, 9093);
        this.grafanaAdminUser = pulumi.output(GRAFANA_ADMIN_USER);
        this.grafanaAdminPassword = pulumi.secret(adminPassword.result);

        this.registerOutputs({
            namespace: this.namespace,
            grafanaUrl: this.grafanaUrl,
            prometheusUrl: this.prometheusUrl,
            alertmanagerUrl: this.alertmanagerUrl,
            grafanaAdminUser: this.grafanaAdminUser,
            grafanaAdminPassword: this.grafanaAdminPassword,
        });
    }
}
