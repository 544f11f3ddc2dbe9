import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Monitoring, MonitoringArgs } from "../../components/monitoring";
import { charts } from "../../components/versions";
import { kubernetesResourcesWithoutProvider, runProgram, unwrap } from "../harness";
import { fakePostgres, platformSources } from "./fixtures";

/** Every component's source; Monitoring adds its own postgres-exporter when given an in-cluster Postgres. */
const componentSources = () => {
    const { postgres: _own, ...components } = platformSources();
    return Object.values(components);
};

const MONITOR_TYPES = ["kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "kubernetes:monitoring.coreos.com/v1:PodMonitor"];

/** What the random provider would return: a password of the requested length. */
const randomOutputs = {
    "random:index/randomPassword:RandomPassword": (inputs: any) => ({ result: "Gr4fanaAdminPassw0rd".padEnd(inputs.length, "x") }),
};

async function deploy(args: MonitoringArgs) {
    return runProgram(() => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        const monitoring = new Monitoring("mon", args, { providers: [provider] });
        return {
            monitoring,
            outputs: {
                grafanaUrl: unwrap(monitoring.grafanaUrl),
                prometheusUrl: unwrap(monitoring.prometheusUrl),
                grafanaAdminUser: unwrap(monitoring.grafanaAdminUser),
            },
        };
    }, { outputs: randomOutputs });
}

describe("Monitoring: dev with every component", () => {
    const postgres = fakePostgres("in-cluster");
    const run = deploy({ environment: "dev", sources: componentSources(), postgres });

    it("names the explicit provider on every Kubernetes object", async () => {
        const r = await run;
        assert.deepEqual(kubernetesResourcesWithoutProvider(r.resources, r.one("pulumi:providers:kubernetes").urn), []);
    });

    it("installs the pinned kube-prometheus-stack chart, with its CRDs, into the restricted namespace", async () => {
        const r = await run;
        const release = r.one("kubernetes:helm.sh/v3:Release");
        assert.equal(release.inputs.chart, "kube-prometheus-stack");
        assert.equal(release.inputs.version, charts.kubePrometheusStack.version);
        assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://prometheus-community.github.io/helm-charts" });
        assert.equal(release.inputs.name, "kps");
        assert.equal(release.inputs.namespace, "ml-monitoring");
        assert.equal(release.inputs.values.crds.enabled, true);
        const ns = r.byType("kubernetes:core/v1:Namespace").find((n) => n.inputs.metadata.name === "ml-monitoring")!;
        assert.equal(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        const nodeNs = r.byType("kubernetes:core/v1:Namespace").find((n) => n.inputs.metadata.name === "ml-monitoring-node")!;
        assert.equal(nodeNs.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "privileged");
        assert.equal(release.inputs.values["prometheus-node-exporter"].namespaceOverride, "ml-monitoring-node");
    });

    it("keeps the Grafana admin password a secret, referenced by the chart only by Secret name", async () => {
        const r = await run;
        const secret = r.byType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "grafana-admin")!;
        assert.ok(secret.secretInputs.has("stringData"));
        const password = secret.inputs.stringData["admin-password"];
        assert.equal(password, "Gr4fanaAdminPassw0rd".padEnd(32, "x"));
        assert.equal(secret.inputs.stringData["admin-user"], "admin");
        const release = r.one("kubernetes:helm.sh/v3:Release");
        assert.deepEqual(release.inputs.values.grafana.admin, { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
        assert.ok(!JSON.stringify(release.inputs.values).includes(password), "the password is not in the chart values");
        assert.ok(release.dependencies.includes(secret.urn));
        assert.equal(await pulumi.isSecret(r.result.monitoring.grafanaAdminPassword), true);
        assert.equal(await r.result.outputs.grafanaAdminUser, "admin");
    });

    it("creates a monitor per scrape target, only after the chart has installed the CRDs", async () => {
        const r = await run;
        const release = r.one("kubernetes:helm.sh/v3:Release");
        const monitors = MONITOR_TYPES.flatMap((t) => r.byType(t));
        assert.deepEqual(
            monitors.map((m) => m.inputs.metadata.name).sort(),
            r.result.monitoring.scrapeTargets.map((t) => t.name).sort(),
        );
        assert.ok(monitors.length >= 14);
        for (const m of monitors) {
            assert.ok(m.dependencies.includes(release.urn), `${m.name} waits for the chart`);
            assert.equal(m.inputs.metadata.namespace, "ml-monitoring");
        }
        const rules = r.one("kubernetes:monitoring.coreos.com/v1:PrometheusRule");
        assert.ok(rules.dependencies.includes(release.urn));
        assert.ok(rules.inputs.spec.groups.some((g: any) => g.name === "ml-platform.streaming"));
    });

    it("protects nothing in dev", async () => {
        const r = await run;
        assert.deepEqual(r.resources.filter((x) => x.protect).map((x) => x.name), []);
    });

    it("provisions the dashboards as ConfigMaps the Grafana sidecar picks up", async () => {
        const r = await run;
        const cms = r.byType("kubernetes:core/v1:ConfigMap").filter((c) => c.inputs.metadata.labels?.grafana_dashboard === "1");
        assert.deepEqual(cms.map((c) => c.inputs.metadata.name).sort(), ["dashboard-airflow", "dashboard-kafka-cdc", "dashboard-overview", "dashboard-serving", "dashboard-trino"]);
        for (const cm of cms) {
            const [file, json] = Object.entries<string>(cm.inputs.data)[0];
            assert.match(file, /\.json$/);
            assert.equal(JSON.parse(json).tags[0], "ml-platform");
            assert.equal(cm.inputs.metadata.annotations.grafana_folder, "ML platform");
        }
    });

    it("gives the Trino scrape a password-less user from a Secret in the monitors' namespace", async () => {
        const r = await run;
        const secret = r.byType("kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "trino-scrape-user")!;
        assert.deepEqual(secret.inputs.stringData, { username: "prometheus", password: "" });
        assert.equal(secret.inputs.metadata.namespace, "ml-monitoring");
    });

    it("runs a hardened postgres-exporter for the in-cluster Postgres with its own database user, by Secret reference", async () => {
        const r = await run;
        assert.deepEqual(postgres.requests.map((q) => q.request.database), ["postgres_exporter"], "dev Grafana needs no database");
        assert.equal(postgres.requests[0].request.monitoring, true, "the exporter's user joins pg_monitor");
        const deployment = r.one("kubernetes:apps/v1:Deployment");
        const pod = deployment.inputs.spec.template.spec;
        const [c] = pod.containers;
        assert.match(c.image, /^quay\.io\/prometheuscommunity\/postgres-exporter:v\d+\.\d+\.\d+$/);
        assert.deepEqual(c.env, [{ name: "DATA_SOURCE_NAME", valueFrom: { secretKeyRef: { name: "postgres_exporter-db", key: "uri" } } }]);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] });
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
        assert.ok(c.resources.requests.cpu && c.resources.limits.memory);
        assert.ok(c.readinessProbe && c.livenessProbe);
        assert.ok(r.result.monitoring.scrapeTargets.some((t) => t.name === "postgres"));
    });

    it("outputs the in-cluster Grafana and Prometheus URLs and the flows NetworkPolicies must allow", async () => {
        const r = await run;
        assert.equal(await r.result.outputs.grafanaUrl, "http://kps-grafana.ml-monitoring.svc.cluster.local:80");
        assert.equal(await r.result.outputs.prometheusUrl, "http://kps-prometheus.ml-monitoring.svc.cluster.local:9090");
        const streaming = r.result.monitoring.networkFlows.find((f) => f.to === "ml-streaming")!;
        assert.deepEqual(streaming.ports, [8080, 9249, 9404, 9999]);
        assert.deepEqual(r.result.monitoring.networkFlows.find((f) => f.to === "kserve")!.ports, [8443]);
    });
});

describe("Monitoring: prod", () => {
    it("stores Grafana's state in its own Postgres database and runs 2 replicas", async () => {
        const postgres = fakePostgres("cloudsql");
        const r = await deploy({ environment: "prod", sources: [platformSources().orchestrator], postgres, storageClassName: "premium-rwo" });
        assert.deepEqual(postgres.requests.map((q) => q.request.database), ["grafana"], "no exporter for a managed database");
        assert.equal(r.byType("kubernetes:apps/v1:Deployment").length, 0);
        const values = r.one("kubernetes:helm.sh/v3:Release").inputs.values;
        assert.equal(values.grafana.replicas, 2);
        assert.equal(values.grafana.env.GF_DATABASE_SSL_MODE, "require");
        assert.equal(values.grafana.env.GF_DATABASE_HOST, "postgres.ml-postgres.svc.cluster.local:5432");
        assert.deepEqual(values.grafana.envValueFrom.GF_DATABASE_PASSWORD, { secretKeyRef: { name: "grafana-db", key: "password" } });
        assert.equal(values.prometheus.prometheusSpec.replicas, 2);
        assert.equal(values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName, "premium-rwo");
        assert.equal(values.alertmanager.alertmanagerSpec.replicas, 2);
        const ns = r.byType("kubernetes:core/v1:Namespace").find((n) => n.inputs.metadata.name === "ml-monitoring")!;
        assert.equal(ns.protect, true, "the namespace holds the metrics volumes");
        assert.equal(r.one("random:index/randomPassword:RandomPassword").protect, true, "Grafana keeps the first admin password");
    });

    it("applies retention overrides and scrapes nothing it was not told about", async () => {
        const r = await deploy({ environment: "prod", prometheus: { retention: "30d", retentionSize: "90GB", storageSize: "100Gi" } });
        const spec = r.one("kubernetes:helm.sh/v3:Release").inputs.values.prometheus.prometheusSpec;
        assert.equal(spec.retention, "30d");
        assert.equal(spec.retentionSize, "90GB");
        assert.equal(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage, "100Gi");
        assert.deepEqual(MONITOR_TYPES.flatMap((t) => r.byType(t)), []);
        assert.equal(r.result.monitoring.scrapeTargets.length, 0);
    });

    it("refuses a size cap that would let Prometheus fill its volume, before creating anything", async () => {
        await assert.rejects(
            deploy({ environment: "prod", prometheus: { retentionSize: "60GB" } }),
            /monitoring "mon": prometheus\.retentionSize: got "60GB"; expected at most 90% of prometheus\.storageSize "50Gi"/,
        );
    });

    it("pulls the chart and images from a mirror", async () => {
        const r = await deploy({ environment: "dev", mirror: { imageRegistry: "registry.corp/mirror", chartRepository: "https://charts.corp/mirror" } });
        const release = r.one("kubernetes:helm.sh/v3:Release");
        assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://charts.corp/mirror" });
        assert.deepEqual(release.inputs.values.global, { imageRegistry: "registry.corp/mirror" });
    });
});
