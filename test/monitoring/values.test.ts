import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { postgresExporterResources } from "../../components/monitoring/postgresExporter";
import {
    GrafanaDatabase,
    kubePrometheusStackValues as typedValues,
    monitoringSizing,
    prometheusSizingProblems,
    Resources,
    sizeBytes,
    StackValuesInput,
} from "../../components/monitoring/values";

/** The values as a document, for tests that walk or index it freely (the builder's return type is checked by tsc). */
const kubePrometheusStackValues = (i: StackValuesInput): any => typedValues(i);

const input = (environment: "dev" | "prod", extra: Partial<StackValuesInput> = {}): StackValuesInput => ({
    environment,
    sizing: monitoringSizing[environment],
    grafanaAdminSecret: { name: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" },
    nodeExporterNamespace: "ml-monitoring-node",
    ...extra,
});
const db: GrafanaDatabase = {
    host: "10.1.2.3",
    port: 5432,
    database: "grafana",
    secretName: "grafana-db",
    usernameKey: "username",
    passwordKey: "password",
    sslMode: "require",
};

/** Every resources block the values set, by path. */
function resourceBlocks(values: any): [string, Resources][] {
    return [
        ["prometheus", values.prometheus.prometheusSpec.resources],
        ["alertmanager", values.alertmanager.alertmanagerSpec.resources],
        ["grafana", values.grafana.resources],
        ["grafana sidecars", values.grafana.sidecar.resources],
        ["operator", values.prometheusOperator.resources],
        ["config reloader", values.prometheusOperator.prometheusConfigReloader.resources],
        ["webhook jobs", values.prometheusOperator.admissionWebhooks.patch.resources],
        ["kube-state-metrics", values["kube-state-metrics"].resources],
        ["node-exporter", values["prometheus-node-exporter"].resources],
    ];
}

const cpu = (q: string) => (q.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : Number(q));
const mib = (q: string) => (q.endsWith("Gi") ? Number(q.slice(0, -2)) * 1024 : q.endsWith("Mi") ? Number(q.slice(0, -2)) : NaN);

/**
 * Requests of the running dev pods: Prometheus and Alertmanager (each with its config-reloader sidecar), Grafana
 * with its dashboards and datasources sidecars, the operator, kube-state-metrics, one node-exporter per node and the
 * postgres-exporter. The webhook certificate Jobs finish after install and hold nothing.
 */
function devRequests(values: any, nodes: number) {
    const r = (x: Resources, n = 1) => ({ cpu: cpu(x.requests.cpu) * n, mem: mib(x.requests.memory) * n });
    const parts = [
        r(values.prometheus.prometheusSpec.resources, values.prometheus.prometheusSpec.replicas),
        r(values.alertmanager.alertmanagerSpec.resources, values.alertmanager.alertmanagerSpec.replicas),
        r(values.prometheusOperator.prometheusConfigReloader.resources, values.prometheus.prometheusSpec.replicas + values.alertmanager.alertmanagerSpec.replicas),
        r(values.grafana.resources, values.grafana.replicas),
        r(values.grafana.sidecar.resources, 2 * values.grafana.replicas),
        r(values.prometheusOperator.resources),
        r(values["kube-state-metrics"].resources),
        r(values["prometheus-node-exporter"].resources, nodes),
        r(postgresExporterResources),
    ];
    return parts.reduce((a, b) => ({ cpu: a.cpu + b.cpu, mem: a.mem + b.mem }));
}

describe("kube-prometheus-stack values", () => {
    it("select ServiceMonitors, PodMonitors and PrometheusRules from every namespace whatever their labels", () => {
        const spec = kubePrometheusStackValues(input("dev")).prometheus.prometheusSpec;
        for (const kind of ["serviceMonitor", "podMonitor", "rule", "probe", "scrapeConfig"]) {
            assert.equal((spec as any)[`${kind}SelectorNilUsesHelmValues`], false, kind);
        }
        for (const key of ["serviceMonitorSelector", "serviceMonitorNamespaceSelector", "podMonitorSelector", "podMonitorNamespaceSelector", "ruleSelector", "ruleNamespaceSelector"]) {
            assert.deepEqual((spec as any)[key], {}, key);
        }
    });

    it("make Grafana's sidecar load grafana_dashboard=1 ConfigMaps from its own namespace only, into folders", () => {
        const grafana = kubePrometheusStackValues(input("dev")).grafana;
        const dashboards = grafana.sidecar.dashboards;
        assert.equal(dashboards.enabled, true);
        assert.equal(dashboards.label, "grafana_dashboard");
        assert.equal(dashboards.labelValue, "1");
        assert.equal("searchNamespace" in dashboards, false, "the chart's default: Grafana's namespace");
        assert.deepEqual(grafana.rbac, { namespaced: true }, "a Role, not a ClusterRole");
        assert.equal(dashboards.folderAnnotation, "grafana_folder");
        assert.equal(dashboards.provider.foldersFromFilesStructure, true);
    });

    it("scrape no CoreDNS: the NetworkPolicies let Prometheus into no system namespace", () => {
        assert.deepEqual(kubePrometheusStackValues(input("prod")).coreDns, { enabled: false });
    });

    it("reference the Grafana admin credentials by Secret and never carry a password", () => {
        const values = kubePrometheusStackValues(input("prod", { grafanaDatabase: db }));
        assert.deepEqual(values.grafana.admin, { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
        const text = JSON.stringify(values);
        assert.doesNotMatch(text, /"adminPassword"/);
        assert.doesNotMatch(text, /GF_DATABASE_PASSWORD":"/);
        assert.deepEqual((values.grafana as any).envValueFrom.GF_DATABASE_PASSWORD, { secretKeyRef: { name: "grafana-db", key: "password" } });
        assert.deepEqual((values.grafana as any).envValueFrom.GF_DATABASE_USER, { secretKeyRef: { name: "grafana-db", key: "username" } });
    });

    it("set requests and limits on every container, limits at or above requests", () => {
        for (const env of ["dev", "prod"] as const) {
            for (const [path, r] of resourceBlocks(kubePrometheusStackValues(input(env)))) {
                assert.ok(r?.requests?.cpu && r.requests.memory && r.limits?.cpu && r.limits.memory, `${env} ${path}`);
                assert.ok(cpu(r.limits.cpu) >= cpu(r.requests.cpu), `${env} ${path} cpu`);
                assert.ok(mib(r.limits.memory) >= mib(r.requests.memory), `${env} ${path} memory`);
            }
        }
    });

    it("harden the containers it can: read-only root, no privilege escalation, no capabilities, RuntimeDefault seccomp", () => {
        const v = kubePrometheusStackValues(input("dev"));
        for (const sc of [
            v.grafana.containerSecurityContext,
            v.grafana.sidecar.securityContext,
            v.prometheusOperator.containerSecurityContext,
            v["kube-state-metrics"].containerSecurityContext,
            v["prometheus-node-exporter"].containerSecurityContext,
        ]) {
            assert.deepEqual(sc, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } });
        }
        assert.equal(v.grafana.securityContext.runAsNonRoot, true);
        assert.equal(v.grafana.initChownData.enabled, false, "the chart's chown init container runs as root");
        assert.equal(v["prometheus-node-exporter"].namespaceOverride, "ml-monitoring-node");
    });

    it("dev: one small Prometheus on a size-limited emptyDir, one Alertmanager, no PDBs", () => {
        const v = kubePrometheusStackValues(input("dev"));
        assert.equal(v.prometheus.prometheusSpec.replicas, 1);
        assert.deepEqual(v.prometheus.prometheusSpec.storageSpec, { emptyDir: { sizeLimit: "3Gi" } });
        assert.equal(v.prometheus.prometheusSpec.retentionSize, "2GB");
        assert.equal(v.alertmanager.alertmanagerSpec.replicas, 1);
        assert.equal((v.prometheus as any).podDisruptionBudget, undefined);
        assert.equal(v.grafana.replicas, 1);
        assert.deepEqual(v.grafana.persistence, { enabled: false });
    });

    it("dev: the whole monitoring stack requests at most 0.5 CPU and 1 GiB", (t) => {
        const total = devRequests(kubePrometheusStackValues(input("dev")), 1);
        t.diagnostic(`dev requests (1 node): ${Math.round(total.cpu * 1000)}m CPU, ${total.mem}Mi memory`);
        assert.ok(total.cpu <= 0.5, `${total.cpu} CPU`);
        assert.ok(total.mem <= 1024, `${total.mem}Mi`);
    });

    it("prod: 2 Prometheus replicas on retained PVCs with retention time and a size cap below the volume", () => {
        const spec = kubePrometheusStackValues(input("prod", { storageClassName: "premium-rwo" })).prometheus.prometheusSpec as any;
        assert.equal(spec.replicas, 2);
        assert.equal(spec.retention, "15d");
        assert.deepEqual(spec.storageSpec.volumeClaimTemplate.spec, {
            accessModes: ["ReadWriteOnce"],
            storageClassName: "premium-rwo",
            resources: { requests: { storage: "50Gi" } },
        });
        assert.ok(Number.parseInt(spec.retentionSize) < Number.parseInt(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage));
        assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
    });

    it("prod: Prometheus and Alertmanager run 2 replicas on different nodes and zones, with PDBs", () => {
        const v = kubePrometheusStackValues(input("prod")) as any;
        assert.equal(v.alertmanager.alertmanagerSpec.replicas, 2);
        assert.ok(v.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate);
        for (const [pdb, spec, labels] of [
            [v.prometheus.podDisruptionBudget, v.prometheus.prometheusSpec, { "app.kubernetes.io/name": "prometheus", prometheus: "kps-prometheus" }],
            [v.alertmanager.podDisruptionBudget, v.alertmanager.alertmanagerSpec, { "app.kubernetes.io/name": "alertmanager", alertmanager: "kps-alertmanager" }],
        ]) {
            assert.deepEqual(pdb, { enabled: true, minAvailable: 1 });
            assert.equal(spec.podAntiAffinity, "hard");
            assert.equal(spec.podAntiAffinityTopologyKey, "kubernetes.io/hostname");
            assert.deepEqual(spec.topologySpreadConstraints, [
                { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: labels } },
            ]);
        }
    });

    it("prod with a database: 2 stateless Grafana replicas on Postgres with a PDB", () => {
        const g = kubePrometheusStackValues(input("prod", { grafanaDatabase: db })).grafana as any;
        assert.equal(g.replicas, 2);
        assert.deepEqual(g.podDisruptionBudget, { minAvailable: 1 });
        assert.deepEqual(g.persistence, { enabled: false });
        assert.deepEqual(g.env, { GF_DATABASE_TYPE: "postgres", GF_DATABASE_HOST: "10.1.2.3:5432", GF_DATABASE_NAME: "grafana", GF_DATABASE_SSL_MODE: "require" });
        assert.equal(g.topologySpreadConstraints[0].labelSelector.matchLabels["app.kubernetes.io/instance"], "kps");
    });

    it("prod without a database: one Grafana on a PVC, recreated rather than rolled", () => {
        const g = kubePrometheusStackValues(input("prod")).grafana as any;
        assert.equal(g.replicas, 1);
        assert.deepEqual(g.persistence, { enabled: true, type: "pvc", size: "10Gi", accessModes: ["ReadWriteOnce"] });
        assert.deepEqual(g.deploymentStrategy, { type: "Recreate" });
        assert.equal(g.env, undefined);
    });

    it("pull every image from the mirror registry when one is set", () => {
        assert.deepEqual((kubePrometheusStackValues(input("dev", { imageRegistry: "registry.corp/mirror" })) as any).global, { imageRegistry: "registry.corp/mirror" });
        assert.equal((kubePrometheusStackValues(input("dev")) as any).global, undefined);
    });

    it("turn off control-plane scraping managed clusters do not allow, and the default rules this project replaces", () => {
        const v = kubePrometheusStackValues(input("prod"));
        for (const c of ["kubeEtcd", "kubeControllerManager", "kubeScheduler", "kubeProxy"] as const) assert.equal(v[c].enabled, false, c);
        assert.deepEqual(v.defaultRules.disabled, { KubePodCrashLooping: true, KubePersistentVolumeFillingUp: true });
        assert.equal(v.crds.enabled, true);
    });

    it("check that the TSDB size cap leaves a tenth of the volume for the WAL and compaction", () => {
        assert.equal(sizeBytes("45GB", "prometheus"), 45 * 2 ** 30);
        assert.equal(sizeBytes("50Gi", "kubernetes"), 50 * 2 ** 30);
        assert.equal(sizeBytes("50G", "kubernetes"), 50e9);
        assert.deepEqual(prometheusSizingProblems(monitoringSizing.prod.prometheus), []);
        assert.deepEqual(prometheusSizingProblems(monitoringSizing.dev.prometheus), []);
        assert.deepEqual(prometheusSizingProblems({ ...monitoringSizing.prod.prometheus, retentionSize: "48GB" }), [
            'prometheus.retentionSize: got "48GB"; expected at most 90% of prometheus.storageSize "50Gi" (WAL and compaction need the rest)',
        ]);
        assert.match(prometheusSizingProblems({ ...monitoringSizing.prod.prometheus, retentionSize: "45Gi" })[0], /expected a Prometheus size/);
        assert.match(prometheusSizingProblems({ ...monitoringSizing.prod.prometheus, retention: "two weeks" })[0], /expected a duration/);
    });
});
