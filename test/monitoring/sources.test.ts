import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { certManagerMonitoring } from "../../components/certmanager/monitoring";
import { traefikMonitoring } from "../../components/ingress/monitoring";
import { Monitoring, MonitoringSource } from "../../components/monitoring";
import { constructStack, runProgram } from "../harness";
import { promqlProblems } from "./promql";

const sources: Record<string, MonitoringSource> = { "cert-manager": certManagerMonitoring("cert-manager"), traefik: traefikMonitoring("ml-ingress") };

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
});
