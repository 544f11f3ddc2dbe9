import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AlertReceiver, alertmanagerConfig, Monitoring } from "../../components/monitoring";
import { main } from "../../stacks/main";
import { runProgram, withConfig } from "../harness";

const receivers: Record<AlertReceiver["type"], AlertReceiver> = {
    slack: { type: "slack", channel: "#ml-platform-alerts" },
    webhook: { type: "webhook" },
    email: { type: "email", to: "oncall@acme.io", from: "alertmanager@acme.io", smarthost: "smtp.acme.io:587", username: "alertmanager" },
};
const FILE = "/etc/alertmanager/secrets/alertmanager-receiver/secret";
// `npm run test:alertmanager` checks these configurations with Alertmanager's own amtool.

describe("Alertmanager: every alert to the configured receiver, its secret read from a mounted file", () => {
    it("slack, webhook and email name the mounted secret file, never a URL or password", () => {
        const platform = (r: AlertReceiver) => (alertmanagerConfig(r).receivers as any[]).find((x) => x.name === "platform");
        assert.deepEqual(platform(receivers.slack).slack_configs, [{ api_url_file: FILE, channel: "#ml-platform-alerts", send_resolved: true }]);
        assert.deepEqual(platform(receivers.webhook).webhook_configs, [{ url_file: FILE, send_resolved: true }]);
        assert.equal(platform(receivers.email).email_configs[0].auth_password_file, FILE);
        for (const r of Object.values(receivers)) assert.equal((alertmanagerConfig(r).route as any).receiver, "platform");
    });

    it("without a receiver, alerts stay in Alertmanager (its UI) and go nowhere; Watchdog never pages", () => {
        const config = alertmanagerConfig() as any;
        assert.equal(config.route.receiver, "null");
        assert.deepEqual(config.receivers, [{ name: "null" }]);
        assert.deepEqual(alertmanagerConfig(receivers.slack).route, { ...config.route, receiver: "platform" });
        assert.deepEqual(config.route.routes, [{ receiver: "null", matchers: ['alertname = "Watchdog"'] }]);
    });

    it("the component keeps the secret in a Secret Alertmanager mounts, and out of the chart's values", async () => {
        const run = await runProgram(() => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            new Monitoring("mon", { environment: "prod", alerting: { receiver: receivers.slack, secret: pulumi.secret("https://hooks.slack.example/T000/B000/XXXX") } }, { providers: [provider] });
        });
        const secret = run.byType("kubernetes:core/v1:Secret").find((r) => r.inputs.metadata.name === "alertmanager-receiver")!;
        assert.equal(secret.inputs.metadata.namespace, "ml-monitoring");
        assert.ok(secret.secretInputs.has("stringData"));
        const release = run.one("kubernetes:helm.sh/v3:Release");
        assert.deepEqual(release.inputs.values.alertmanager.alertmanagerSpec.secrets, ["alertmanager-receiver"]);
        assert.equal(release.inputs.values.alertmanager.config.receivers[1].slack_configs[0].api_url_file, FILE);
        assert.doesNotMatch(JSON.stringify(release.inputs), /hooks\.slack\.example/);
        assert.ok(release.dependencies.includes(secret.urn));
    });

    it("the stack: monitoring.alerts picks the receiver, the secret ml-platform:alertsSecret becomes its mounted Secret", async () => {
        const { config, secretKeys } = withConfig("dev", { "ml-platform:monitoring": { alerts: { type: "webhook" } } });
        const run = await runProgram(() => main(), {
            stack: "dev",
            config: { ...config, "ml-platform:alertsSecret": "https://alerts.acme.io/hook" },
            secretKeys: [...secretKeys, "ml-platform:alertsSecret"],
        });
        const secret = run.byType("kubernetes:core/v1:Secret").find((r) => r.inputs.metadata.name === "alertmanager-receiver")!;
        assert.equal(secret.inputs.stringData.secret, "https://alerts.acme.io/hook");
        assert.ok(secret.secretInputs.has("stringData"));
        const kps = run.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "kube-prometheus-stack")!;
        assert.deepEqual(kps.inputs.values.alertmanager.config.receivers[1].webhook_configs, [{ url_file: FILE, send_resolved: true }]);
    });
});
