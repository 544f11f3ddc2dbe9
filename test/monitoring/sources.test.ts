import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { certManagerMonitoring } from "../../components/certmanager/monitoring";
import { traefikMonitoring } from "../../components/ingress/monitoring";
import { identityMonitoring } from "../../components/identity/monitoring";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { alertRule, dashboard, Monitoring, MonitoringSource } from "../../components/monitoring";
import { constructStack, repoRoot, runProgram } from "../harness";
import { promqlProblems } from "./promql";

const sources: Record<string, MonitoringSource> = {
    "cert-manager": certManagerMonitoring("cert-manager"),
    traefik: traefikMonitoring("ml-ingress"),
    identity: identityMonitoring("ml-identity", { dex: true }),
};

describe("components publish their own scrape targets and alerts; Monitoring takes the list", () => {
    for (const [name, source] of Object.entries(sources)) {
        it(`${name}: every rule parses and uses only the metrics its targets declare`, () => {
            const known = new Set(source.targets.flatMap((t) => t.metrics));
            for (const rule of source.alertGroups!.flatMap((g) => g.rules)) assert.deepEqual(promqlProblems(rule.expr, known), [], rule.alert);
        });
    }

    it("cert-manager: the chart's metrics Service (controller, tcp-prometheus-servicemonitor 9402); Traefik: its pods' metrics port 9100", () => {
        const [cm] = sources["cert-manager"].targets;
        assert.deepEqual([cm.kind, cm.selector, cm.port, cm.portNumber], ["ServiceMonitor", { matchLabels: { "app.kubernetes.io/name": "cert-manager", "app.kubernetes.io/component": "controller" } }, "tcp-prometheus-servicemonitor", 9402]);
        const [traefik] = sources.traefik.targets;
        assert.deepEqual([traefik.kind, traefik.selector, traefik.port, traefik.portNumber], ["PodMonitor", { matchLabels: { "app.kubernetes.io/name": "traefik" } }, "metrics", 9100]);
    });

    it("Monitoring creates each source's monitor and rule group, and refuses two targets of one name", async () => {
        const run = await runProgram(() => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            new Monitoring("mon", { environment: "dev", sources: Object.values(sources) }, { providers: [provider] });
        });
        assert.ok(run.byType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor").some((r) => r.inputs.metadata.name === "cert-manager"));
        assert.ok(run.byType("kubernetes:monitoring.coreos.com/v1:PodMonitor").some((r) => r.inputs.metadata.name === "traefik"));
        const groups = run.one("kubernetes:monitoring.coreos.com/v1:PrometheusRule").inputs.spec.groups.map((g: any) => g.name);
        assert.ok(groups.includes("ml-platform.cert-manager") && groups.includes("ml-platform.ingress"), groups.join());
        const twice = await runProgram(() => {
            try {
                return new Monitoring("mon", { environment: "dev", sources: [sources.traefik, sources.traefik] }, { providers: [new k8s.Provider("k8s", { kubeconfig: "{}" })] });
            } catch (e) {
                return e as Error;
            }
        });
        assert.match(String(twice.result), /two scrape targets are named "traefik"/);
    });

    it("the stack passes both: Prometheus may reach cert-manager's and Traefik's metrics ports", async () => {
        const { result } = await constructStack("prod");
        const scrape = (to: string, port: number) => result.flows.some((f) => f.from === "ml-monitoring" && f.to === to && f.ports.includes(port));
        assert.ok(scrape("cert-manager", 9402));
        assert.ok(scrape("ml-ingress", 9100));
    });

    it("Monitoring renders an arbitrary source it has never heard of: monitor, Basic-auth Secret, rule group and dashboard", async () => {
        const widget: MonitoringSource = {
            targets: [{ component: "widgets", name: "widget-api", namespace: "ml-widgets", kind: "ServiceMonitor", selector: { matchLabels: { app: "widget" } }, port: "web", portNumber: 7070, path: "/metrics", interval: "15s", basicAuth: { username: "scraper" }, metrics: ["widget_requests_total"] }],
            alertGroups: [{ name: "ml-platform.widgets", rules: [alertRule("widgets", "WidgetsDown", "warning", "5m", `absent(up{platform_target="widget-api"} == 1)`, "Widgets are down for a while", "No widget API has been scraped for five minutes.", "Check the widget pods and their logs, then the monitor.")] }],
            dashboards: [dashboard("widgets", { uid: "mlp-widgets", title: "ML platform / Widgets", description: "Widgets.", rows: [{ panels: [{ title: "Requests/s", type: "timeseries", queries: [{ expr: `sum(rate(widget_requests_total{platform_target="widget-api"}[5m]))` }] }] }] })],
            headlines: [{ title: "Widget API up", type: "stat", queries: [{ expr: `max(up{platform_target="widget-api"})` }] }],
        };
        const run = await runProgram(() => new Monitoring("mon", { environment: "dev", sources: [widget] }, { providers: [new k8s.Provider("k8s", { kubeconfig: "{}" })] }));
        const [monitor] = run.byType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor");
        assert.equal(monitor.name, "mon-widget-api");
        assert.deepEqual(monitor.inputs.spec.endpoints[0].basicAuth, { username: { name: "widget-api-scrape-user", key: "username" }, password: { name: "widget-api-scrape-user", key: "password" } });
        const secret = run.byType("kubernetes:core/v1:Secret").find((x) => x.name === "mon-widget-api-scrape")!;
        assert.deepEqual([secret.inputs.metadata.name, secret.inputs.metadata.namespace, secret.inputs.stringData], ["widget-api-scrape-user", "ml-monitoring", { username: "scraper", password: "" }]);
        const groups = run.one("kubernetes:monitoring.coreos.com/v1:PrometheusRule").inputs.spec.groups.map((g: any) => g.name);
        assert.deepEqual(groups, ["ml-platform.kubernetes", "ml-platform.scrape", "ml-platform.widgets"]);
        const dashboards = run.byType("kubernetes:core/v1:ConfigMap").filter((c) => c.inputs.metadata.labels?.grafana_dashboard === "1");
        assert.deepEqual(dashboards.map((c) => c.name).sort(), ["mon-dashboard-overview", "mon-dashboard-widgets"]);
        const overview = JSON.parse(dashboards.find((c) => c.name === "mon-dashboard-overview")!.inputs.data["overview.json"]);
        assert.ok(overview.panels.some((p: any) => p.title === "Widget API up"));
        assert.deepEqual(run.result.networkFlows, [{ from: "ml-monitoring", to: "ml-widgets", ports: [7070], why: "Prometheus scrapes widget-api" }]);
    });

    it("refuses two dashboards of one name across sources", async () => {
        const d = dashboard("twice", { uid: "u", title: "t", description: "d", rows: [] });
        const run = await runProgram(() => {
            try {
                return new Monitoring("mon", { environment: "dev", sources: [{ targets: [], dashboards: [d] }, { targets: [], dashboards: [d] }] }, { providers: [new k8s.Provider("k8s", { kubeconfig: "{}" })] });
            } catch (e) {
                return e as Error;
            }
        });
        assert.match(String(run.result), /two dashboards are named "twice"/);
    });

    it("components/monitoring names no component: it imports nothing from another component's folder but the shared pieces (common, charts, versions, network) the Postgres interface it deploys an exporter for, and the OIDC client contract Grafana logs in through", () => {
        const dir = path.join(repoRoot, "components", "monitoring");
        const allowed = new Set(["../common/kubernetes", "../charts/kubePrometheusStack", "../versions", "../network/spec", "../postgres/types", "../identity/types"]);
        const imports = readdirSync(dir)
            .filter((f) => f.endsWith(".ts"))
            .flatMap((f) => [...readFileSync(path.join(dir, f), "utf8").matchAll(/from "(\.\.\/[^"]+)"/g)].map((m) => [f, m[1]]));
        assert.ok(imports.length > 0, "the check reads the imports");
        assert.deepEqual(imports.filter(([, from]) => !allowed.has(from) && !/^\.\.\/(common|charts)\//.test(from)), []);
        for (const f of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
            const text = readFileSync(path.join(dir, f), "utf8");
            for (const name of ["trino", "kafka", "airflow", "mlflow", "kserve", "minio", "strimzi", "flink"]) {
                assert.equal(new RegExp(`["'\`]${name}`, "i").test(text), false, `${f} names ${name} in a string`);
            }
        }
    });
});
