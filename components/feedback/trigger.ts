/**
 * The retraining trigger: Alertmanager's webhook in, Airflow's REST API out. Alertmanager posts its own payload
 * (`{"alerts": [{"status", "labels", "annotations", "startsAt"}, ...]}`) and cannot reshape it or log in, so this
 * small receiver (Python standard library, run on the pinned Airflow image; its code is below and nowhere else) does:
 * for every firing alert whose `retrain_dag` label is one of the configured DAGs, `POST /auth/token` with its own
 * Airflow user (the Orchestrator's `apiClients`), then `POST /api/v2/dags/<dag>/dagRuns` with the alert as `conf`.
 * It answers 500 when a trigger failed, so Alertmanager retries the notification.
 */
import { platformLabels } from "../common/kubernetes";
import { COMPONENT, Environment } from "./spec";

export const TRIGGER_NAME = "feedback-retrain-trigger";
export const TRIGGER_PORT = 8080;
export const TRIGGER_USER = "feedback-trigger";
export const triggerPods = { "app.kubernetes.io/name": TRIGGER_NAME } as const;

export const TRIGGER_SCRIPT = `"""Alertmanager webhook -> Airflow DAG run (ml-platform feedback loop)."""
import json, os, sys, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

AIRFLOW = os.environ["AIRFLOW_URL"].rstrip("/")
USER, PASSWORD = os.environ["AIRFLOW_USERNAME"], os.environ["AIRFLOW_PASSWORD"]
ALLOWED = set(json.loads(os.environ["RETRAIN_DAGS"]))


def call(method, path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(AIRFLOW + path, data=json.dumps(body).encode(), headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def trigger(dag, alert):
    token = call("POST", "/auth/token", {"username": USER, "password": PASSWORD})["access_token"]
    labels = alert.get("labels", {})
    conf = {"model": labels.get("model"), "alertname": labels.get("alertname"), "startsAt": alert.get("startsAt"),
            "summary": alert.get("annotations", {}).get("summary"), "source": "ml-platform feedback loop"}
    run = call("POST", "/api/v2/dags/%s/dagRuns" % dag, {"logical_date": None, "conf": conf}, token)
    print("triggered %s run %s for %s %s" % (dag, run.get("dag_run_id"), conf["model"], conf["alertname"]), flush=True)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()

    def do_POST(self):
        payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        failed = 0
        for alert in payload.get("alerts", []):
            dag = alert.get("labels", {}).get("retrain_dag")
            if alert.get("status") != "firing" or dag not in ALLOWED:
                continue
            try:
                trigger(dag, alert)
            except Exception as e:  # reported, and the notification retried
                failed += 1
                print("trigger of %s failed: %s" % (dag, e), file=sys.stderr, flush=True)
        self.send_response(500 if failed else 200)
        self.end_headers()


ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Handler).serve_forever()
`;

export function triggerDeployment(args: {
    readonly environment: Environment;
    readonly namespace: string;
    readonly image: string;
    readonly configMap: string;
    readonly apiSecret: string;
    readonly retrainDags: readonly string[];
    readonly scriptChecksum: string;
}) {
    const labels = { ...platformLabels(COMPONENT), ...triggerPods };
    const fromSecret = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: args.apiSecret, key } } });
    return {
        metadata: { name: TRIGGER_NAME, namespace: args.namespace, labels },
        spec: {
            replicas: 1,
            selector: { matchLabels: { ...triggerPods } },
            template: {
                metadata: { labels, annotations: { "ml-platform/script-sha256": args.scriptChecksum } },
                spec: {
                    automountServiceAccountToken: false,
                    securityContext: { runAsNonRoot: true, runAsUser: 50000, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [
                        {
                            name: "trigger",
                            image: args.image,
                            command: ["python", "/app/trigger.py"],
                            env: [
                                fromSecret("AIRFLOW_URL", "url"),
                                fromSecret("AIRFLOW_USERNAME", "username"),
                                fromSecret("AIRFLOW_PASSWORD", "password"),
                                { name: "RETRAIN_DAGS", value: JSON.stringify(args.retrainDags) },
                                { name: "PORT", value: String(TRIGGER_PORT) },
                            ],
                            ports: [{ name: "http", containerPort: TRIGGER_PORT }],
                            readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10 },
                            resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
                            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                            volumeMounts: [{ name: "app", mountPath: "/app", readOnly: true }],
                        },
                    ],
                    volumes: [{ name: "app", configMap: { name: args.configMap } }],
                },
            },
        },
    };
}
