import type { PlatformDag } from "../orchestrator/types";

/**
 * The feedback loop's monitoring DAG, in Python: standard library and Airflow's task SDK only, so it runs on the
 * pinned official Airflow image. The Orchestrator delivers it with the `feedback` connection (a ConfigMap mounted
 * into every Airflow pod, DAG bundle `ml-platform`); test/feedback/dag.test.ts compiles it with python3.
 * Kept free of backticks, backslashes and template placeholders, so this literal is the file byte for byte.
 */
export const monitoringDag: PlatformDag = {
    fileName: "feedback_monitoring.py",
    source: `"""Model feedback loop: prediction-behaviour and drift metrics per model, every hour.

Shipped with ml-platform (components/feedback/dag.ts): the Orchestrator mounts it into every Airflow pod from a
ConfigMap, as the DAG bundle 'ml-platform' beside the synced DAG repository. It reads the Airflow
Variable 'ml_platform_feedback' the platform sets (Trino, the StatsD exporter, and per model the monitoring SQL of
components/feedback/sql.ts and its thresholds), runs each model's SQL for the DAG run's data interval through
Trino's HTTP API (inserting into 'lakehouse.feedback_gold.model_metrics'), reads the window's metrics back and
sends them as StatsD gauges with DogStatsD tags to Airflow's statsd-exporter, where Prometheus scrapes them as
'feedback_<metric>{model="..."}'. Standard library only: it runs on the pinned official Airflow image.
"""
from __future__ import annotations

import json
import socket
import time
import urllib.request

import pendulum
from airflow.sdk import DAG, Variable, task


def _trino(cfg: dict, sql: str) -> list[list]:
    """Runs one statement through Trino's client protocol (POST /v1/statement, then follow nextUri)."""
    req = urllib.request.Request(
        f"{cfg['trino']['url']}/v1/statement",
        data=sql.encode(),
        headers={"X-Trino-User": cfg["trino"]["user"], "X-Trino-Source": "feedback-monitoring"},
        method="POST",
    )
    rows: list[list] = []
    with urllib.request.urlopen(req, timeout=60) as r:
        page = json.load(r)
    while True:
        if "error" in page:
            raise RuntimeError(f"Trino: {page['error'].get('message')}")
        rows.extend(page.get("data", []))
        nxt = page.get("nextUri")
        if not nxt:
            return rows
        time.sleep(0.2)
        with urllib.request.urlopen(urllib.request.Request(nxt, headers={"X-Trino-User": cfg["trino"]["user"]}), timeout=60) as r:
            page = json.load(r)


def _bind(sql: str, start: str, end: str) -> str:
    return sql.replace(":window_start", f"'{start}'").replace(":window_end", f"'{end}'")


with DAG(
    dag_id="feedback_monitoring",
    schedule="@hourly",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["ml-platform", "feedback"],
    doc_md=__doc__,
):

    @task(retries=3, retry_delay=pendulum.duration(minutes=5))
    def monitor(data_interval_start=None, data_interval_end=None) -> dict:
        cfg = json.loads(Variable.get("ml_platform_feedback"))
        start, end = data_interval_start.isoformat(), data_interval_end.isoformat()
        statsd = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        out = {}
        for model in cfg["models"]:
            _trino(cfg, _bind(model["sql"], start, end))
            metrics = {name: value for name, value in _trino(cfg, _bind(model["read_back_sql"], start, end))}
            for name, value in metrics.items():
                line = f"feedback.{name}:{float(value)}|g|#model:{model['name']}"
                statsd.sendto(line.encode(), (cfg["statsd"]["host"], int(cfg["statsd"]["port"])))
            out[model["name"]] = metrics
        return out

    monitor()
`,
};
