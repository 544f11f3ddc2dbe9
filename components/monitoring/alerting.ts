/**
 * Where Alertmanager sends the platform's alerts. The secret part of a receiver (a Slack or webhook URL, an SMTP
 * password) stays in a Secret that Alertmanager mounts; the configuration in the chart's values names only the file.
 */

/** A receiver of every platform alert (Watchdog, the always-firing liveness alert, goes nowhere). */
export type AlertReceiver =
    /** Slack incoming webhook; the Secret holds the webhook URL. */
    | { readonly type: "slack"; readonly channel: string }
    /** Any HTTP endpoint taking Alertmanager's webhook payload; the Secret holds the URL. */
    | { readonly type: "webhook" }
    /** Email through an SMTP relay (`host:port`); the Secret holds the SMTP password. */
    | { readonly type: "email"; readonly to: string; readonly from: string; readonly smarthost: string; readonly username: string };

/**
 * A component's own webhook for some of its alerts (e.g. the feedback loop's retraining trigger): an in-cluster URL
 * without credentials, and matchers on the alerts' labels. The alerts still reach the platform receiver too.
 */
export interface AlertWebhook {
    /** Receiver name: lowercase letters, digits and `-`. */
    readonly name: string;
    readonly url: string;
    /** Alertmanager matchers, e.g. `retrain_dag =~ ".+"`. */
    readonly matchers: readonly string[];
}

/** The Secret (monitoring namespace) with the receiver's secret under {@link ALERT_RECEIVER_KEY}. */
export const ALERT_RECEIVER_SECRET = "alertmanager-receiver";
export const ALERT_RECEIVER_KEY = "secret";
/** Where the operator mounts a Secret listed in `alertmanagerSpec.secrets`. */
export const alertReceiverFile = `/etc/alertmanager/secrets/${ALERT_RECEIVER_SECRET}/${ALERT_RECEIVER_KEY}`;

function receiverConfigs(receiver: AlertReceiver): Record<string, unknown> {
    switch (receiver.type) {
        case "slack":
            return { slack_configs: [{ api_url_file: alertReceiverFile, channel: receiver.channel, send_resolved: true }] };
        case "webhook":
            return { webhook_configs: [{ url_file: alertReceiverFile, send_resolved: true }] };
        case "email":
            return {
                email_configs: [
                    { to: receiver.to, from: receiver.from, smarthost: receiver.smarthost, auth_username: receiver.username, auth_password_file: alertReceiverFile, send_resolved: true },
                ],
            };
    }
}

/**
 * The whole Alertmanager configuration: every alert grouped by name, namespace and platform component to the
 * receiver, or to nowhere without one; kube-prometheus-stack's inhibitions (a critical alert silences the warning
 * of the same name and namespace).
 */
export function alertmanagerConfig(receiver?: AlertReceiver, webhooks: readonly AlertWebhook[] = []): Record<string, unknown> {
    const names = new Set<string>(["null", "platform"]);
    for (const w of webhooks) {
        if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(w.name) || names.has(w.name)) throw new Error(`Monitoring: alert webhook name "${w.name}" is not a unique DNS label`);
        if (!/^https?:\/\/[^/@\s]+(\/\S*)?$/.test(w.url)) throw new Error(`Monitoring: alert webhook ${w.name}: url "${w.url}" is not an http(s) URL without credentials`);
        names.add(w.name);
    }
    return {
        global: { resolve_timeout: "5m" },
        route: {
            receiver: receiver ? "platform" : "null",
            group_by: ["alertname", "namespace", "platform_component"],
            group_wait: "30s",
            group_interval: "5m",
            repeat_interval: "4h",
            routes: [
                { receiver: "null", matchers: ['alertname = "Watchdog"'] },
                // `continue`: the alert goes on to the platform receiver as well.
                ...webhooks.map((w) => ({ receiver: w.name, matchers: [...w.matchers], continue: true, group_by: ["alertname", "model"], group_wait: "30s", repeat_interval: "24h" })),
            ],
        },
        receivers: [
            { name: "null" },
            ...(receiver ? [{ name: "platform", ...receiverConfigs(receiver) }] : []),
            ...webhooks.map((w) => ({ name: w.name, webhook_configs: [{ url: w.url, send_resolved: false }] })),
        ],
        inhibit_rules: [
            { source_matchers: ["severity = critical"], target_matchers: ["severity =~ warning|info"], equal: ["namespace", "alertname"] },
            { source_matchers: ["severity = warning"], target_matchers: ["severity = info"], equal: ["namespace", "alertname"] },
            { source_matchers: ["alertname = InfoInhibitor"], target_matchers: ["severity = info"], equal: ["namespace"] },
            { target_matchers: ["alertname = InfoInhibitor"] },
        ],
    };
}
