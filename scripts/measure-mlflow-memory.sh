#!/usr/bin/env bash
# Measures the resident memory of the dev MLflow tracking server pod's containers, so that their dev memory REQUESTS
# (components/tracking/spec.ts, mlflowSizing.dev) rest on numbers taken from the real processes:
#
#   mlflow   `mlflow <mlflowServerArgs>` (one uvicorn worker, basic-auth app, artifact proxy to S3, --expose-prometheus)
#   metrics  `python -c <metricsExporterScript>` (prometheus_client multiprocess exporter over the same directory)
#
# MLflow 3.18.0 on Python 3.12 with the `-full` image's extras, configured as components/tracking/spec.ts configures
# dev: the arguments, the auth config script and the exporter script come from spec.ts itself (rendered with tsx); the
# tracking and auth databases are two databases of a throwaway PostgreSQL; the artifact store is moto's S3 server
# standing in for MinIO (MLFLOW_S3_ENDPOINT_URL, dummy keys). The init containers run first (`mlflow db upgrade`, the
# auth config script); their peak RSS is noted, not sampled.
#
# Each container runs in its own memory cgroup (v2, or v1 memory + cpu,cpuacct) whose limit is its memory LIMIT and
# whose CPU quota is its CPU limit, measured as a process TREE (every process in the cgroup; RSS and PSS summed) and as
# the cgroup's working set (usage minus inactive file pages: what the kubelet reports). Phases: IDLE_SECS idle, LOAD_SECS
# of a small dev-like load through the REST API as the admin (experiments, runs, param/metric batches, artifacts through
# the artifact proxy, run searches, model versions, UI root), SETTLE_SECS settling. Probes as in the pod (/health every
# 10 s, the exporter's /metrics every 15 s) run throughout.
#
# Everything runs inside `unshare --net` (loopback only) on 127.0.0.1; every process started here is stopped on exit.
# Installs (outside, cached under ${ML_PLATFORM_TOOLS_CACHE:-$HOME/.cache/ml-platform}/mlflow-measure): a venv with
# mlflow[<extras>]==3.18.0 resolved by uv with --exclude-newer (the day after 3.18.0's upload) and constrained to
# scripts/measure-mlflow-memory.lock.txt; a small venv with moto[server]; postgresql (apt).
#
# Usage: scripts/measure-mlflow-memory.sh
#   IDLE_SECS (default 60), LOAD_SECS (default 120), SETTLE_SECS (default 30), SAMPLE_EVERY (default 3)
#   MLFLOW_LIMIT_MIB (default 1024, the pod's limit) the server container's memory limit
#   MLFLOW_SERVER_ENABLE_JOB_EXECUTION (default false, as the pod sets it; true is MLflow's own default, which starts a
#     Huey consumer process per job type next to the uvicorn worker: with it, raise MLFLOW_LIMIT_MIB to 4096)
#   MLFLOW_PYTHON  the Python to build the venvs from (default: a python3.12)
# The lock: `uv pip freeze` of the venv; refresh with
#   uv pip freeze -p $CACHE/venv-3.18.0-py3.12/bin/python >scripts/measure-mlflow-memory.lock.txt
# Results: $CACHE/runs/<UTC time>/ (samples.tsv, table.txt, per-process.txt, pip-freeze.txt, load-summary.txt, logs).
# Needs: root (cgroups, unshare), curl, node_modules (tsx).
set -euo pipefail

MLFLOW_VERSION=3.18.0
MLFLOW_EXTRAS="extras,azure,db,gateway,genai,auth"   # components/versions.ts: the official `-full` image
EXCLUDE_NEWER="2026-11-04T00:00:00Z"                 # 3.18.0 was uploaded to PyPI 2026-11-03T23:46Z
UV_VERSION=0.13.8
# mlflow 3.18.0 requires mlflow-tracing==3.18.0, which the package index has no file of (its newest is 3.17.2). It is
# left out of the resolution: every file of mlflow-tracing is in mlflow-skinny 3.18.0 (same paths; checked against
# 3.17.2's wheel) and its requirements are a subset of mlflow-skinny's, so the installed code is 3.18.0's throughout.
EXCLUDES=(mlflow-tracing)

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${ML_PLATFORM_TOOLS_CACHE:-$HOME/.cache/ml-platform}/mlflow-measure"
LOCK="$REPO/scripts/measure-mlflow-memory.lock.txt"
IDLE_SECS="${IDLE_SECS:-60}"
LOAD_SECS="${LOAD_SECS:-120}"
SETTLE_SECS="${SETTLE_SECS:-30}"
SAMPLE_EVERY="${SAMPLE_EVERY:-3}"

# components/tracking/spec.ts, mlflowSizing.dev limits: MiB, millicores
PROCS=(mlflow metrics)
# MLFLOW_LIMIT_MIB overrides the server's (to see what it takes when 1Gi is not enough).
declare -A MEM_LIMIT=([mlflow]="${MLFLOW_LIMIT_MIB:-1024}" [metrics]=64) CPU_LIMIT=([mlflow]=1000 [metrics]=100)
PG_PORT=15434
S3_PORT=15900
BUCKET=mlflow-artifacts
ADMIN_USER=admin ADMIN_PASSWORD=measure-admin-pw

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
# shellcheck source=lib/measure.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/measure.sh"

# ---------------------------------------------------------------------------------------------------------------
# Outside the namespace: installation, then re-exec inside `unshare --net`.

install_all() {
    mkdir -p "$CACHE"
    dpkg -s postgresql >/dev/null 2>&1 || nice -n 10 apt-get install -y -q postgresql >"$CACHE/apt.log" 2>&1
    local py="${MLFLOW_PYTHON:-}" p
    if [[ -z "$py" ]]; then
        for p in python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python3.12; do
            "$p" -c 'import ssl, sqlite3, ctypes' >/dev/null 2>&1 && { py="$p"; break; }
        done
    fi
    [[ -n "$py" ]] || { echo "no Python 3.12 (set MLFLOW_PYTHON)" >&2; exit 1; }
    local uv="$CACHE/uv-$UV_VERSION/bin/uv" cons=()
    if [[ ! -x "$uv" ]]; then "$py" -m venv "$CACHE/uv-$UV_VERSION"; nice -n 10 "$CACHE/uv-$UV_VERSION/bin/pip" install -q "uv==$UV_VERSION"; fi
    [[ -f "$LOCK" ]] && cons=(-c "$LOCK")
    printf '%s\n' "${EXCLUDES[@]}" >"$CACHE/excludes.txt"
    VENV="$CACHE/venv-$MLFLOW_VERSION-py3.12"
    MOTO_VENV="$CACHE/moto-venv"
    if [[ ! -f "$VENV/.complete" ]]; then
        rm -rf "$VENV"; "$uv" venv -q -p "$py" "$VENV"
        log "installing mlflow[$MLFLOW_EXTRAS]==$MLFLOW_VERSION into $VENV (uv --exclude-newer $EXCLUDE_NEWER)"
        UV_CONCURRENT_BUILDS=1 UV_CONCURRENT_INSTALLS=2 nice -n 10 "$uv" pip install -q -p "$VENV/bin/python" \
            --exclude-newer "$EXCLUDE_NEWER" --excludes "$CACHE/excludes.txt" "${cons[@]}" "mlflow[$MLFLOW_EXTRAS]==$MLFLOW_VERSION" >"$CACHE/pip.log" 2>&1 ||
            { tail -30 "$CACHE/pip.log" >&2; exit 1; }
        touch "$VENV/.complete"
    fi
    if [[ ! -f "$MOTO_VENV/.complete" ]]; then
        rm -rf "$MOTO_VENV"; "$uv" venv -q -p "$py" "$MOTO_VENV"
        nice -n 10 "$uv" pip install -q -p "$MOTO_VENV/bin/python" --exclude-newer "$EXCLUDE_NEWER" 'moto[server]' >"$CACHE/moto-pip.log" 2>&1
        touch "$MOTO_VENV/.complete"
    fi
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
}

if [[ "${1:-}" != --inside ]]; then
    [[ $EUID -eq 0 ]] || { echo "needs root (cgroups, unshare --net)" >&2; exit 1; }
    T0=$(date +%s)
    install_all
    RUN="$CACHE/runs/$(date -u +%Y%m%dT%H%M%SZ)"
    mkdir -p "$RUN/logs"
    # The pod's exact strings, from spec.ts: server arguments, the auth config script, the exporter script.
    (cd "$REPO" && node_modules/.bin/tsx -e '
import * as s from "./components/tracking/spec";
const hosts = s.mlflowAllowedHosts({ service: "mlflow", namespace: "tracking", clusterDomain: "cluster.local", externalHosts: [] });
const args = s.mlflowServerArgs({ workers: s.mlflowSizing.dev.workers, artifactsDestination: s.mlflowArtifactsDestination("minio", "'"$BUCKET"'"), allowedHosts: hosts });
process.stdout.write(JSON.stringify({ args, auth: s.authConfigScript, metrics: s.metricsExporterScript, dir: s.PROMETHEUS_DIR, port: s.MLFLOW_PORT, metricsPort: s.METRICS_PORT }));') \
        >"$RUN/spec.json"
    log "results and logs: $RUN"
    export VENV MOTO_VENV PG_BIN RUN T0 IDLE_SECS LOAD_SECS SETTLE_SECS SAMPLE_EVERY
    exec unshare --net -- bash "${BASH_SOURCE[0]}" --inside
fi

# ---------------------------------------------------------------------------------------------------------------
# Inside the namespace

ip link set lo up
TMP="$(mktemp -d /tmp/mlflow-measure.XXXXXX)"; chmod 755 "$TMP"
PIDS=() CGROUPS=() PG_DATA=""
spec() { "$VENV/bin/python" -c 'import json, sys; v = json.load(open(sys.argv[1]))[sys.argv[2]]; print("\n".join(v) if isinstance(v, list) else v)' "$RUN/spec.json" "$1"; }
PROM_DIR="$TMP/prometheus"   # stands for spec.ts's PROMETHEUS_DIR (an emptyDir)
PORT="$(spec port)" METRICS_PORT="$(spec metricsPort)"
mapfile -t SERVER_ARGS < <(spec args | sed -e "s|^0\.0\.0\.0\$|127.0.0.1|" -e "s|^$(spec dir)\$|$PROM_DIR|")

cleanup() {
    stop_started
    cp "$TMP/pg/postgres.log" "$RUN/logs/" 2>/dev/null || true
    rm -rf "$TMP"
    log "results and logs: $RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- cgroups: memory limit = the container's memory limit, CPU quota = its CPU limit
declare -A CG_MEM CG_CPU CG_ENTER MAIN_PID
start_in_cgroup() { # start_in_cgroup NAME CMD...
    local name="$1"; shift
    cg_make "$name" mlflow-measure "${MEM_LIMIT[$name]}" "${CPU_LIMIT[$name]}"
    setsid bash -c 'for f in '"${CG_ENTER[$name]}"'; do echo $$ >"$f"; done; exec "$@"' measure "$@" >"$RUN/logs/$name.log" 2>&1 </dev/null &
    PIDS+=($!); MAIN_PID[$name]=$!
}
tree_sums() { # tree_sums NAME -> "RSS PSS USS nprocs" (MiB), over every process of the cgroup
    local p f=()
    for p in $(cg_pids "$1"); do f+=("/proc/$p/smaps_rollup"); done
    (( ${#f[@]} )) || { echo "0 0 0 0"; return; }
    cat "${f[@]}" 2>/dev/null | awk -v n="${#f[@]}" '/^Rss:/ {r += $2} /^Pss:/ {p += $2} /^Private_(Clean|Dirty):/ {u += $2}
        END {printf "%d %d %d %d", r/1024, p/1024, u/1024, n}'
}

# sample PHASE SECONDS: a line per container and sample in samples.tsv: phase t name ws rss pss uss nprocs cpu-milli
sample() {
    local phase="$1" end=$(( SECONDS + $2 )) n t0=$SECONDS
    declare -A c0; for n in "${PROCS[@]}"; do c0[$n]="$(cg_cpu_usec "$n")"; done
    local tprev=$SECONDS
    while (( SECONDS < end )); do
        sleep "$SAMPLE_EVERY"
        local dt=$(( SECONDS - tprev )); (( dt > 0 )) || dt=1; tprev=$SECONDS
        for n in "${PROCS[@]}"; do
            kill -0 "${MAIN_PID[$n]}" 2>/dev/null || { log "$n DIED ($(grep -s -E '^oom_kill ' "${CG_MEM[$n]}/memory.oom_control" || grep -s oom_kill "${CG_MEM[$n]}/memory.events"))"; tail -20 "$RUN/logs/$n.log" >&2; exit 1; }
            local c; c="$(cg_cpu_usec "$n")"
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$phase" "$(( SECONDS - t0 ))" "$n" "$(cg_ws_mib "$n")" "$(tree_sums "$n" | tr ' ' '\t')" \
                "$(( (c - c0[$n]) / 1000 / dt ))" >>"$RUN/samples.tsv"
            c0[$n]=$c
        done
    done
}
per_process() {
    local n p
    { echo "== $1"
      for n in "${PROCS[@]}"; do for p in $(cg_pids "$n"); do
          printf '%-8s pid %-7s ppid %-7s RSS %4s MiB  PSS %4s MiB  %s\n' "$n" "$p" "$(awk '/^PPid:/ {print $2}' "/proc/$p/status" 2>/dev/null)" \
              "$(awk '/^Rss:/ {printf "%d", $2/1024}' "/proc/$p/smaps_rollup" 2>/dev/null)" "$(awk '/^Pss:/ {printf "%d", $2/1024}' "/proc/$p/smaps_rollup" 2>/dev/null)" \
              "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | sed "s|$VENV/bin/||g" | cut -c1-110)"
      done; done; } >>"$RUN/per-process.txt"
}

# --- PostgreSQL (tracking + auth databases, as components/tracking/index.ts), moto's S3 (standing in for MinIO)

start_throwaway_postgres "$TMP/pg" "$PG_PORT" mlflow mlflow
PGPASSWORD=measure "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE USER mlflow_auth PASSWORD 'mlflow_auth'" \
    -c "CREATE DATABASE mlflow_auth OWNER mlflow_auth" >/dev/null
"$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$S3_PORT" >"$RUN/logs/moto.log" 2>&1 &
PIDS+=($!)
export AWS_ACCESS_KEY_ID=measure AWS_SECRET_ACCESS_KEY=measure-secret AWS_DEFAULT_REGION=us-east-1
export MLFLOW_S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT"
wait_for moto 60 curl -sf "$MLFLOW_S3_ENDPOINT_URL/moto-api/"
"$VENV/bin/python" -c 'import boto3, os, sys; boto3.client("s3", endpoint_url=os.environ["MLFLOW_S3_ENDPOINT_URL"]).create_bucket(Bucket=sys.argv[1])' "$BUCKET"

# --- the pod's environment (spec.ts, mlflowDeployment)
mkdir -p "$TMP/home" "$PROM_DIR" "$TMP/auth"
export HOME="$TMP/home" MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true
export MLFLOW_BACKEND_STORE_URI="postgresql://mlflow:mlflow@127.0.0.1:$PG_PORT/mlflow?sslmode=disable"
export MLFLOW_AUTH_CONFIG_PATH="$TMP/auth/basic_auth.ini"
export MLFLOW_FLASK_SERVER_SECRET_KEY="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
export MLFLOW_SERVER_ENABLE_JOB_EXECUTION="${MLFLOW_SERVER_ENABLE_JOB_EXECUTION:-false}"
cd "$TMP/home"

log "init: mlflow db upgrade; the auth config script"
/usr/bin/time -f 'db-upgrade maxRSS %M KiB, %e s' -o "$RUN/init.txt" "$VENV/bin/mlflow" db upgrade "$MLFLOW_BACKEND_STORE_URI" >"$RUN/logs/db-upgrade.log" 2>&1 ||
    { tail -20 "$RUN/logs/db-upgrade.log" >&2; exit 1; }
MLFLOW_AUTH_DEFAULT_PERMISSION=READ MLFLOW_AUTH_ADMIN_USERNAME="$ADMIN_USER" MLFLOW_AUTH_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    MLFLOW_AUTH_DATABASE_URI="postgresql://mlflow_auth:mlflow_auth@127.0.0.1:$PG_PORT/mlflow_auth?sslmode=disable" \
    "$VENV/bin/python" -c "$(spec auth)"
"$VENV/bin/python" -c 'import importlib.metadata as m; print("\n".join(sorted({d.name.lower() + "==" + d.version for d in m.distributions()})))' >"$RUN/pip-freeze.txt"

log "starting: mlflow ${SERVER_ARGS[*]:0:14} ..."
start_in_cgroup mlflow "$VENV/bin/mlflow" "${SERVER_ARGS[@]}"
wait_for mlflow 240 curl -sf "http://127.0.0.1:$PORT/health"
start_in_cgroup metrics "$VENV/bin/python" -c "$(spec metrics | sed "s|$(spec dir)|$PROM_DIR|")"
wait_for metrics 60 curl -sf "http://127.0.0.1:$METRICS_PORT/metrics"

# The kubelet's probes and Prometheus' scrape, all along.
( while true; do curl -s -o /dev/null "http://127.0.0.1:$PORT/health"; sleep 10; done ) & PIDS+=($!)
( while true; do curl -s -o /dev/null "http://127.0.0.1:$METRICS_PORT/metrics"; sleep 15; done ) & PIDS+=($!)

cat >"$RUN/load.py" <<'EOF'
import collections, os, re, sys, time, uuid, requests
base, secs = sys.argv[1], int(sys.argv[2])
s = requests.Session(); s.auth = (os.environ["ADMIN_USER"], os.environ["ADMIN_PASSWORD"])
codes = collections.Counter()
def call(method, path, **kw):
    r = s.request(method, base + path, timeout=60, **kw)
    codes[f"{method} {re.sub(r'/([0-9a-f]{32}|[0-9]+)(?=/)', '/<id>', path.split('?')[0])} {r.status_code}"] += 1
    return r.json() if r.headers.get("content-type", "").startswith("application/json") else None
model = "measure-model"
call("POST", "/api/2.0/mlflow/registered-models/create", json={"name": model})
end, i, payload = time.time() + secs, 0, os.urandom(4096)
while time.time() < end:
    i += 1
    exp = call("POST", "/api/2.0/mlflow/experiments/create", json={"name": f"exp-{uuid.uuid4().hex[:8]}"})["experiment_id"]
    for _ in range(3):
        run = call("POST", "/api/2.0/mlflow/runs/create", json={"experiment_id": exp, "start_time": int(time.time() * 1000)})["run"]["info"]
        rid, t = run["run_id"], int(time.time() * 1000)
        call("POST", "/api/2.0/mlflow/runs/log-batch", json={"run_id": rid,
             "params": [{"key": f"p{k}", "value": str(k)} for k in range(10)],
             "metrics": [{"key": f"m{k % 5}", "value": k * 0.1, "timestamp": t, "step": k} for k in range(100)]})
        call("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{rid}/artifacts/data.bin", data=payload)
        call("GET", f"/api/2.0/mlflow/artifacts/list?run_id={rid}")
        call("GET", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{rid}/artifacts/data.bin")
        call("POST", "/api/2.0/mlflow/runs/update", json={"run_id": rid, "status": "FINISHED", "end_time": int(time.time() * 1000)})
    call("POST", "/api/2.0/mlflow/runs/search", json={"experiment_ids": [exp], "max_results": 50})
    call("GET", "/api/2.0/mlflow/experiments/search?max_results=100")
    call("GET", f"/api/2.0/mlflow/metrics/get-history?run_id={rid}&metric_key=m1")
    call("POST", "/api/2.0/mlflow/model-versions/create", json={"name": model, "source": f"mlflow-artifacts:/{exp}/{rid}/artifacts", "run_id": rid})
    call("GET", "/"); call("GET", "/static-files/index.html") if i % 5 == 0 else None
    time.sleep(1)
print(f"rounds {i}")
for k, v in sorted(codes.items()): print(f"{v:6d}  {k}")
EOF

log "idle ${IDLE_SECS}s"
per_process "start"
sample idle "$IDLE_SECS"
per_process "end of idle"
log "load ${LOAD_SECS}s"
ADMIN_USER="$ADMIN_USER" ADMIN_PASSWORD="$ADMIN_PASSWORD" "$VENV/bin/python" "$RUN/load.py" "http://127.0.0.1:$PORT" "$LOAD_SECS" >"$RUN/load-summary.txt" 2>&1 &
LOAD_PID=$!
sample load "$LOAD_SECS"
wait "$LOAD_PID" || log "load failed: $(tail -3 "$RUN/load-summary.txt")"
per_process "end of load"
log "settle ${SETTLE_SECS}s"
sample settle "$SETTLE_SECS"
per_process "after settling"

{
    printf '%-8s %-12s %-7s %6s %6s %6s %6s %6s\n' container limit phase "WS" RSS PSS procs "CPU m"
    for n in "${PROCS[@]}"; do
        # idle: the last sample of the idle phase; load: the max of each column over the load; after: the last sample.
        awk -F'\t' -v n="$n" -v lim="${MEM_LIMIT[$n]}Mi/${CPU_LIMIT[$n]}m" '
            $3 != n {next}
            $1 == "idle" {for (i = 4; i <= 9; i++) idle[i] = $i; ic += $9; in_ += 1}
            $1 == "load" {for (i = 4; i <= 9; i++) if ($i + 0 > lmax[i]) lmax[i] = $i; lc += $9; ln += 1}
            $1 == "settle" {for (i = 4; i <= 9; i++) aft[i] = $i; sc += $9; sn += 1}
            END {
                printf "%-8s %-12s %-7s %6d %6d %6d %6d %6d  (CPU: mean over the phase)\n", n, lim, "idle", idle[4], idle[5], idle[6], idle[8], ic / in_
                printf "%-8s %-12s %-7s %6d %6d %6d %6d %6d  (max of each column; CPU: mean %d)\n", n, "", "load", lmax[4], lmax[5], lmax[6], lmax[8], lmax[9], lc / ln
                printf "%-8s %-12s %-7s %6d %6d %6d %6d %6d\n", n, "", "after", aft[4], aft[5], aft[6], aft[8], sc / sn
            }' "$RUN/samples.tsv"
    done
    echo "(MiB. WS: the cgroup's working set = usage - inactive file pages, what the kubelet reports; RSS, PSS: sums over every"
    echo " process in the cgroup; idle = the last sample after ${IDLE_SECS} s idle, after = the last after ${SETTLE_SECS} s settling;"
    echo " CPU m: millicores between samples. Samples every ${SAMPLE_EVERY} s: samples.tsv.)"
    echo "cgroup peak usage (page cache included): $(for n in "${PROCS[@]}"; do printf '%s %s MiB  ' "$n" $(( $(cat "${CG_MEM[$n]}/memory.max_usage_in_bytes" 2>/dev/null || cat "${CG_MEM[$n]}/memory.peak") / 1048576 )); done)"
    cat "$RUN/init.txt"
    echo "load: $(head -1 "$RUN/load-summary.txt"); non-2xx: $(awk 'NR > 1 && $NF !~ /^2/' "$RUN/load-summary.txt" | tr -s ' ' | tr '\n' ';')"
    echo "runs: $(PGPASSWORD=mlflow "$PG_BIN/psql" -tA -h 127.0.0.1 -p "$PG_PORT" -U mlflow mlflow -c 'SELECT count(*) FROM runs'), model versions: $(PGPASSWORD=mlflow "$PG_BIN/psql" -tA -h 127.0.0.1 -p "$PG_PORT" -U mlflow mlflow -c 'SELECT count(*) FROM model_versions'), S3 objects: $("$VENV/bin/python" -c 'import boto3, os, sys; print(boto3.client("s3", endpoint_url=os.environ["MLFLOW_S3_ENDPOINT_URL"]).list_objects_v2(Bucket=sys.argv[1]).get("KeyCount"))' "$BUCKET")"
    echo "MLflow $(grep '^mlflow==' "$RUN/pip-freeze.txt"), $("$VENV/bin/python" --version), extras [$MLFLOW_EXTRAS]; $(grep -c . "$RUN/pip-freeze.txt") distributions"
    echo "server: mlflow ${SERVER_ARGS[*]}" | cut -c1-400
    echo "MLFLOW_SERVER_ENABLE_JOB_EXECUTION=${MLFLOW_SERVER_ENABLE_JOB_EXECUTION:-<unset: true>}; server limit ${MEM_LIMIT[mlflow]} MiB; OOM kills: $(for n in "${PROCS[@]}"; do printf '%s %s  ' "$n" "$(awk '$1 == "oom_kill" {print $2}' "${CG_MEM[$n]}/memory.oom_control" "${CG_MEM[$n]}/memory.events" 2>/dev/null)"; done)"
    echo "wall time: $(( $(date +%s) - T0 )) s"
} | tee "$RUN/table.txt"
