/**
 * Writes the Alertmanager configuration the program generates, once per receiver type (and without one), as YAML
 * files into the directory given, for scripts/alertmanager-check.sh to check with amtool.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { AlertReceiver, alertmanagerConfig } from "../components/monitoring";

const examples: Record<string, AlertReceiver | undefined> = {
    none: undefined,
    slack: { type: "slack", channel: "#ml-platform-alerts" },
    webhook: { type: "webhook" },
    email: { type: "email", to: "oncall@example.com", from: "alertmanager@example.com", smarthost: "smtp.example.com:587", username: "alertmanager" },
};

const dir = process.argv[2];
if (!dir) {
    console.error("usage: tsx scripts/alertmanager-configs.ts <dir>");
    process.exit(2);
}
fs.mkdirSync(dir, { recursive: true });
for (const [name, receiver] of Object.entries(examples)) {
    fs.writeFileSync(path.join(dir, `${name}.yaml`), stringify(alertmanagerConfig(receiver)));
}
