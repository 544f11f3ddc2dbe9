#!/usr/bin/env bash
# Measures the resident memory of the dev stack's long-running Airflow processes, so that their dev memory
# REQUESTS (components/orchestrator/sizing.ts, airflowSizing.dev) rest on numbers taken from the real processes:
#
#   scheduler      `airflow scheduler`, KubernetesExecutor (its job watcher is a child process)
#   dag-processor  `airflow dag-processor`, [dag_processor] parsing_processes = 1 (it forks one parser per file)
#   triggerer      `airflow triggerer` (a supervisor and its trigger-runner child)
#   api-server     `airflow api-server --workers 1` (uvicorn, the default [api] server_type)
#
# Apache Airflow 3.2.2 on Python 3.12 (the official image's Python) with the official image's default extras,
# configured as components/orchestrator/values.ts configures dev: KubernetesExecutor, FAB auth manager, one API
# worker, one parsing process, StatsD on. The DAGs are what dev parses: Airflow's example DAGs (dev's default DAG
# source, git-synced from the Airflow tag; here copied from the installed wheel) as bundle `dags-folder`, plus the
# platform DAG feedback_monitoring.py (rendered from components/feedback/dag.ts) as bundle `ml-platform`.
#
# All four run at once, each in its own memory cgroup (v2, or v1 memory + cpu + cpuacct) whose limit is its pod's memory
# LIMIT and whose CPU quota is its CPU limit. Each is measured as a process TREE: every process in its cgroup,
# RSS and PSS summed (PSS splits pages shared between forked children fairly, so its sum does not count them
# twice). Phases: IDLE_SECS idle after startup, LOAD_SECS of a small dev-like load, SETTLE_SECS of settling.
#
# Everything runs inside one network namespace whose only interface is loopback (`unshare --net`): a throwaway
# PostgreSQL 15 cluster (the metadata DB), etcd + kube-apiserver (the KubernetesExecutor's API; no kubelet, so the
# task pods it creates stay Pending, which still exercises the executor), a UDP sink counting StatsD packets, and
# Airflow. Everything listens on 127.0.0.1; every process started here is stopped on exit.
#
# Installs (outside the namespace, cached under ${ML_PLATFORM_TOOLS_CACHE:-$HOME/.cache/ml-platform}/airflow-measure):
#   a venv with apache-airflow[<image extras>]==3.2.2 resolved by uv with --exclude-newer (the day after 3.2.2's
#   release, standing in for Airflow's constraints file, which lives on GitHub) and constrained to the versions in
#   scripts/measure-airflow-memory.lock.txt (the resolution this script was first measured with);
#   Debian packages to build python-ldap and mysqlclient (ldap, mysql extras), and postgresql;
#   etcd, kube-apiserver, kubectl from scripts/e2e-tools.sh (its cache, ~/.cache/ml-platform/e2e-tools/bin).
#
# Usage: scripts/measure-airflow-memory.sh
#   IDLE_SECS (default 90)   idle after startup before the idle sample
#   LOAD_SECS (default 120)  how long the load runs
#   SETTLE_SECS (default 45) idle after the load before the "after load" sample
#   SAMPLE_EVERY (default 3) seconds between samples
#   AIRFLOW_PYTHON           the Python to build the venv from (default: a python3.12, else python3)
# Results: $CACHE/runs/<UTC time>/ (results.tsv, table.txt, per-process.txt, pip-freeze.txt, logs).
# Needs: root (cgroups, unshare), curl, openssl, apt-get (first run).
set -euo pipefail

AIRFLOW_VERSION=3.2.2
# The official image's default AIRFLOW_EXTRAS (apache/airflow Dockerfile, 3.1/3.2 line).
AIRFLOW_EXTRAS="aiobotocore,amazon,async,celery,cncf-kubernetes,common-io,common-messaging,docker,elasticsearch,fab,ftp,git,google,google-auth,graphviz,grpc,hashicorp,http,ldap,microsoft-azure,mysql,odbc,openlineage,pandas,postgres,redis,sendgrid,sftp,slack,snowflake,ssh,statsd,uv"
EXCLUDE_NEWER="2026-05-30T00:00:00Z"   # 3.2.2 was uploaded to PyPI 2026-05-29T05:19Z
UV_VERSION=0.13.8

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${ML_PLATFORM_TOOLS_CACHE:-$HOME/.cache/ml-platform}/airflow-measure"
LOCK="$REPO/scripts/measure-airflow-memory.lock.txt"
IDLE_SECS="${IDLE_SECS:-90}"
LOAD_SECS="${LOAD_SECS:-120}"
SETTLE_SECS="${SETTLE_SECS:-45}"
SAMPLE_EVERY="${SAMPLE_EVERY:-3}"

# components/orchestrator/sizing.ts, dev limits: name memory-MiB cpu-millicores
PROCS=(dag-processor scheduler triggerer api-server)
declare -A MEM_LIMIT=([scheduler]=1024 [dag-processor]=1024 [triggerer]=768 [api-server]=1536)
declare -A CPU_LIMIT=([scheduler]=1000 [dag-processor]=1000 [triggerer]=500 [api-server]=1000)

# Ports, all on 127.0.0.1 inside the namespace.
PG_PORT=15433
API_PORT=18088
STATSD_PORT=18125
KUBE_PORT=16443
ETCD_PORT=12379

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
# shellcheck source=lib/measure.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/measure.sh"

# ---------------------------------------------------------------------------------------------------------------
# Outside the namespace: installation (needs the network), then re-exec inside `unshare --net`.

find_python() {
    local p
    if [[ -n "${AIRFLOW_PYTHON:-}" ]]; then echo "$AIRFLOW_PYTHON"; return; fi
    for p in python3.12 /usr/bin/python3.12 /usr/local/bin/python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python3.12; do
        if "$p" -c 'import ssl, sqlite3, ctypes' >/dev/null 2>&1; then command -v "$p" || echo "$p"; return; fi
    done
    if apt-cache show python3.12-venv >/dev/null 2>&1; then
        apt-get install -y -q python3.12 python3.12-venv python3.12-dev >/dev/null && { echo /usr/bin/python3.12; return; }
    fi
    log "no Python 3.12 found: using $(python3 --version) (the official image uses 3.12)"
    command -v python3
}

install_all() {
    mkdir -p "$CACHE"
    local pkgs=() p
    # python-ldap and mysqlclient have no manylinux wheels: they build against these.
    for p in gcc pkg-config libldap2-dev libsasl2-dev default-libmysqlclient-dev postgresql curl openssl iproute2; do
        dpkg -s "$p" >/dev/null 2>&1 || pkgs+=("$p")
    done
    if (( ${#pkgs[@]} )); then
        log "apt-get install ${pkgs[*]}"
        nice -n 10 apt-get install -y -q "${pkgs[@]}" >"$CACHE/apt.log" 2>&1 || { apt-get update -q >/dev/null; nice -n 10 apt-get install -y -q "${pkgs[@]}" >"$CACHE/apt.log"; }
    fi
    local py; py="$(find_python)"
    local pyver; pyver="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    VENV="$CACHE/venv-$AIRFLOW_VERSION-py$pyver"
    if [[ ! -f "$VENV/.complete" ]]; then
        if [[ ! -x "$CACHE/uv-$UV_VERSION/bin/uv" ]]; then
            "$py" -m venv "$CACHE/uv-$UV_VERSION"
            nice -n 10 "$CACHE/uv-$UV_VERSION/bin/pip" install -q "uv==$UV_VERSION"
        fi
        local uv="$CACHE/uv-$UV_VERSION/bin/uv" cons=()
        [[ -f "$LOCK" ]] && cons=(-c "$LOCK")
        rm -rf "$VENV"
        "$uv" venv -q -p "$py" "$VENV"
        log "installing apache-airflow[$AIRFLOW_EXTRAS]==$AIRFLOW_VERSION into $VENV (uv --exclude-newer $EXCLUDE_NEWER${cons:+, constraints $LOCK})"
        UV_CONCURRENT_BUILDS=1 UV_CONCURRENT_INSTALLS=2 nice -n 10 "$uv" pip install -q -p "$VENV/bin/python" \
            --exclude-newer "$EXCLUDE_NEWER" "${cons[@]}" "apache-airflow[$AIRFLOW_EXTRAS]==$AIRFLOW_VERSION" >"$CACHE/pip.log" 2>&1 ||
            { tail -30 "$CACHE/pip.log" >&2; exit 1; }
        touch "$VENV/.complete"
    fi
    KUBE_BIN="${ML_PLATFORM_E2E_CACHE:-$HOME/.cache/ml-platform/e2e-tools}/bin"
    if [[ ! -x "$KUBE_BIN/kube-apiserver" || ! -x "$KUBE_BIN/etcd" || ! -x "$KUBE_BIN/kubectl" ]]; then
        log "building etcd, kube-apiserver, kubectl with scripts/e2e-tools.sh"
        KUBE_BIN="$(nice -n 10 bash "$REPO/scripts/e2e-tools.sh" --only kube,etcd)"
    fi
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
}

if [[ "${1:-}" != --inside ]]; then
    [[ $EUID -eq 0 ]] || { echo "needs root (cgroups, unshare --net)" >&2; exit 1; }
    T0=$(date +%s)
    install_all
    RUN="$CACHE/runs/$(date -u +%Y%m%dT%H%M%SZ)"
    mkdir -p "$RUN/logs"
    log "results and logs: $RUN"
    export VENV KUBE_BIN PG_BIN RUN T0 IDLE_SECS LOAD_SECS SETTLE_SECS SAMPLE_EVERY
    exec unshare --net -- bash "${BASH_SOURCE[0]}" --inside
fi

# ---------------------------------------------------------------------------------------------------------------
# Inside the namespace

ip link set lo up
export PATH="$VENV/bin:$KUBE_BIN:$PATH"
RESULTS="$RUN/results.tsv"
: >"$RESULTS"
TMP="$(mktemp -d /tmp/airflow-measure.XXXXXX)"   # PostgreSQL's files: its user cannot enter $HOME
chmod 755 "$TMP"
PIDS=()
CGROUPS=()
PG_DATA=""

cleanup() {
    stop_started
    cp "$TMP/pg/postgres.log" "$RUN/logs/" 2>/dev/null || true
    rm -rf "$TMP"
    log "results and logs: $RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- cgroups (cg_make, cg_pids, cg_cpu_usec, cg_ws_mib: lib/measure.sh)

declare -A CG_MEM CG_CPU CG_ENTER
declare -A CPU_MARK
cpu_mark() { local n; for n in "${PROCS[@]}"; do CPU_MARK[$n]="$(cg_cpu_usec "$n")"; done; CPU_T=$SECONDS; }
cpu_milli() { # average millicores of NAME since cpu_mark
    local dt=$(( SECONDS - CPU_T )); (( dt > 0 )) || dt=1
    echo $(( ($(cg_cpu_usec "$1") - CPU_MARK[$1]) / 1000 / dt ))
}
cg_peak_mib() {
    local d="${CG_MEM[$1]}" f
    for f in "$d/memory.peak" "$d/memory.max_usage_in_bytes"; do [[ -r "$f" ]] && { echo $(( $(cat "$f") / 1048576 )); return; }; done
    echo n/a
}

start_in_cgroup() { # start_in_cgroup NAME LOGFILE CMD...
    local name="$1" logf="$2"; shift 2
    cg_make "$name" airflow-measure "${MEM_LIMIT[$name]}" "${CPU_LIMIT[$name]}"
    setsid bash -c 'for f in '"${CG_ENTER[$name]}"'; do echo $$ >"$f"; done; exec "$@"' measure "$@" >"$logf" 2>&1 </dev/null &
    PIDS+=($!)
    MAIN_PID[$name]=$!
}

# --- sampling: sums over every process of a cgroup (the process tree)

# Sums over the tree read the files through `cat`, which skips a process that exits meanwhile (a parsing child).
tree_files() { local p; for p in $(cg_pids "$1"); do echo "/proc/$p/$2"; done; }
tree_status_kb() { # tree_status_kb NAME FIELD -> sum of that /proc/PID/status field (kB) over the tree
    local files; files="$(tree_files "$1" status)"
    [[ -n "$files" ]] || { echo 0; return; }
    # shellcheck disable=SC2086
    cat $files 2>/dev/null | awk -v f="$2:" '$1 == f {s += $2} END {printf "%d", s}'
}
tree_rss_mib() { echo $(( $(tree_status_kb "$1" VmRSS) / 1024 )); }
tree_anon_mib() { echo $(( $(tree_status_kb "$1" RssAnon) / 1024 )); }
tree_pss_uss() { # PSS/USS MiB summed over the tree
    # shellcheck disable=SC2046
    cat $(tree_files "$1" smaps_rollup) 2>/dev/null | awk '/^Pss:/ {p += $2} /^Private_(Clean|Dirty):/ {u += $2} END {printf "%d/%d", p/1024, u/1024}'
}
tree_nprocs() { cg_pids "$1" | wc -l; }
max_hwm_mib() { # the largest VmHWM of any process in the tree
    # shellcheck disable=SC2046
    cat $(tree_files "$1" status) 2>/dev/null | awk '/^VmHWM:/ {if ($2 > m) m = $2} END {printf "%d", m/1024}'
}

declare -A MAIN_PID MAXRSS MAXN MAXWS
# sample_all SECONDS: MAXRSS[name] = max tree RSS over the window, MAXN[name] = max process count.
sample_all() {
    local end=$(( SECONDS + $1 )) n r c
    for n in "${PROCS[@]}"; do MAXRSS[$n]=0; MAXN[$n]=0; done
    while (( SECONDS < end )); do
        for n in "${PROCS[@]}"; do
            kill -0 "${MAIN_PID[$n]}" 2>/dev/null || { log "$n DIED (see $RUN/logs/$n.log)"; tail -20 "$RUN/logs/$n.log" >&2; exit 1; }
            r="$(tree_rss_mib "$n")"; (( r > MAXRSS[$n] )) && MAXRSS[$n]=$r
            c="$(tree_nprocs "$n")"; (( c > MAXN[$n] )) && MAXN[$n]=$c
            c="$(cg_ws_mib "$n")"; (( c > ${MAXWS[$n]:-0} )) && MAXWS[$n]=$c   # over the whole run
        done
        echo "$(date -u +%T) $(for n in "${PROCS[@]}"; do printf '%s=%s/ws%s ' "$n" "$(tree_rss_mib "$n")" "$(cg_ws_mib "$n")"; done)" >>"$RUN/samples.log"
        sleep "$SAMPLE_EVERY"
    done
}

per_process() { # per_process LABEL: every process of every tree with RSS, PSS, anonymous, command line
    local n p
    {
        echo "== $1"
        for n in "${PROCS[@]}"; do
            for p in $(cg_pids "$n"); do
                printf '%-14s pid %-7s ppid %-7s RSS %4s MiB  PSS %4s MiB  anon %4s MiB  %s\n' "$n" "$p" \
                    "$(awk '/^PPid:/ {print $2}' "/proc/$p/status" 2>/dev/null)" \
                    "$(awk '/^VmRSS:/ {printf "%d", $2/1024}' "/proc/$p/status" 2>/dev/null)" \
                    "$(awk '/^Pss:/ {printf "%d", $2/1024}' "/proc/$p/smaps_rollup" 2>/dev/null)" \
                    "$(awk '/^RssAnon:/ {printf "%d", $2/1024}' "/proc/$p/status" 2>/dev/null)" \
                    "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | sed "s|$VENV/bin/||g" | cut -c1-100)"
            done
        done
    } >>"$RUN/per-process.txt"
}


# --- PostgreSQL 15 (the metadata database)

start_postgres() { start_throwaway_postgres "$TMP/pg" "$PG_PORT" airflow airflow -c max_connections=200; }

# --- etcd + kube-apiserver (as scripts/e2e.sh), a kubeconfig for the KubernetesExecutor

start_kube() {
    local k="$TMP/kube"
    mkdir -p "$k/pki" "$k/etcd"
    (
        cd "$k/pki"
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=airflow-measure-ca
        openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj /CN=kube-apiserver
        printf 'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes.default.svc\n' >san.ext
        openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 2 -extfile san.ext
        openssl genrsa -out sa.key 2048 && openssl rsa -in sa.key -pubout -out sa.pub
    ) >"$RUN/logs/pki.log" 2>&1
    local token; token="measure-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    echo "$token,measure-admin,measure-admin,system:masters" >"$k/pki/tokens.csv"
    KUBECONFIG="$RUN/kubeconfig"; export KUBECONFIG
    cat >"$KUBECONFIG" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: measure
  cluster:
    server: https://127.0.0.1:$KUBE_PORT
    certificate-authority-data: $(base64 -w0 <"$k/pki/ca.crt")
users:
- name: measure-admin
  user:
    token: $token
contexts:
- name: measure
  context: {cluster: measure, user: measure-admin, namespace: default}
current-context: measure
EOF
    etcd --name measure --data-dir "$k/etcd" --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
        --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" --listen-peer-urls http://127.0.0.1:12380 \
        --initial-advertise-peer-urls http://127.0.0.1:12380 --initial-cluster measure=http://127.0.0.1:12380 \
        --log-level warn >"$RUN/logs/etcd.log" 2>&1 &
    PIDS+=($!)
    kube-apiserver --etcd-servers="http://127.0.0.1:$ETCD_PORT" --bind-address=127.0.0.1 --secure-port="$KUBE_PORT" \
        --advertise-address=10.200.0.1 --tls-cert-file="$k/pki/apiserver.crt" --tls-private-key-file="$k/pki/apiserver.key" \
        --client-ca-file="$k/pki/ca.crt" --token-auth-file="$k/pki/tokens.csv" --authorization-mode=RBAC \
        --service-account-issuer=https://kubernetes.default.svc.cluster.local --service-account-key-file="$k/pki/sa.pub" \
        --service-account-signing-key-file="$k/pki/sa.key" --service-cluster-ip-range=10.96.0.0/16 \
        --disable-admission-plugins=MutatingAdmissionWebhook,ValidatingAdmissionWebhook >"$RUN/logs/kube-apiserver.log" 2>&1 &
    PIDS+=($!)
    wait_for kube-apiserver 120 kubectl get --raw /readyz
    # No controller-manager: the ServiceAccount admission plugin needs the namespace's `default` account to exist.
    kubectl create serviceaccount default -n default >/dev/null 2>&1 || true
}

# --- StatsD: a UDP sink on the configured port that counts packets (the chart's statsd-exporter stands there)

start_statsd_sink() {
    python3 -u -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1])))
n = 0
while True:
    s.recv(65535); n += 1
    if n % 100 == 0:
        open(sys.argv[2], "w").write(str(n))
' "$STATSD_PORT" "$RUN/statsd-packets.txt" >"$RUN/logs/statsd-sink.log" 2>&1 &
    PIDS+=($!)
}

# --- Airflow configuration: components/orchestrator/values.ts for dev, as environment variables

configure_airflow() {
    export AIRFLOW_HOME="$RUN/airflow-home"
    mkdir -p "$AIRFLOW_HOME" "$RUN/dags" "$RUN/platform-dags" "$RUN/airflow-logs"
    # dev's default DAG source: airflow-core/src/airflow/example_dags at the Airflow tag (git-sync).
    cp -r "$(python -c 'import airflow, os; print(os.path.dirname(airflow.__file__))')/example_dags/." "$RUN/dags/"
    # The platform DAG bundle `ml-platform`: the feedback loop's DAG, byte for byte from the repo.
    if (cd "$REPO" && node_modules/.bin/tsx -e 'import { monitoringDag } from "./components/feedback/dag"; process.stdout.write(monitoringDag.source);') \
        >"$RUN/platform-dags/feedback_monitoring.py" 2>"$RUN/logs/tsx.log"; then
        log "dags: $(ls "$RUN/dags"/*.py | wc -l) example DAG files + feedback_monitoring.py"
    else
        log "dags: could not render feedback_monitoring.py (see $RUN/logs/tsx.log): example DAGs only"
        rm -f "$RUN/platform-dags/feedback_monitoring.py"
    fi
    local secret; secret="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
    export AIRFLOW__CORE__EXECUTOR=KubernetesExecutor
    export AIRFLOW__CORE__AUTH_MANAGER=airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager
    export AIRFLOW__CORE__LOAD_EXAMPLES=False
    export AIRFLOW__CORE__DAGS_FOLDER="$RUN/dags"
    export AIRFLOW__CORE__FERNET_KEY="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
    export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$API_PORT/execution/"
    export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="postgresql+psycopg2://airflow:airflow@127.0.0.1:$PG_PORT/airflow"
    export AIRFLOW__API__WORKERS=1
    export AIRFLOW__API__SECRET_KEY="$secret"
    export AIRFLOW__API_AUTH__JWT_SECRET="$secret"
    export AIRFLOW__API__BASE_URL="http://127.0.0.1:$API_PORT"
    export AIRFLOW__FAB__ENABLE_PROXY_FIX=True AIRFLOW__FAB__PROXY_FIX_X_FOR=1 AIRFLOW__FAB__PROXY_FIX_X_PROTO=1 \
        AIRFLOW__FAB__PROXY_FIX_X_HOST=1 AIRFLOW__FAB__PROXY_FIX_X_PORT=1 AIRFLOW__FAB__PROXY_FIX_X_PREFIX=1
    export AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES=1
    export AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST='[{"name": "dags-folder", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle", "kwargs": {}}, {"name": "ml-platform", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle", "kwargs": {"path": "'"$RUN/platform-dags"'"}}]'
    export AIRFLOW__METRICS__STATSD_ON=True AIRFLOW__METRICS__STATSD_HOST=127.0.0.1 \
        AIRFLOW__METRICS__STATSD_PORT="$STATSD_PORT" AIRFLOW__METRICS__STATSD_PREFIX=airflow
    export AIRFLOW__LOGGING__BASE_LOG_FOLDER="$RUN/airflow-logs" AIRFLOW__LOGGING__REMOTE_LOGGING=False
    export AIRFLOW__KUBERNETES_EXECUTOR__IN_CLUSTER=False AIRFLOW__KUBERNETES_EXECUTOR__CONFIG_FILE="$KUBECONFIG" \
        AIRFLOW__KUBERNETES_EXECUTOR__NAMESPACE=default AIRFLOW__KUBERNETES_EXECUTOR__DELETE_WORKER_PODS=True \
        AIRFLOW__KUBERNETES_EXECUTOR__WORKER_CONTAINER_REPOSITORY=apache/airflow \
        AIRFLOW__KUBERNETES_EXECUTOR__WORKER_CONTAINER_TAG="$AIRFLOW_VERSION"
    # The chart's defaults that matter here.
    export AIRFLOW__CORE__COLORED_CONSOLE_LOG=False AIRFLOW__LOGGING__COLORED_CONSOLE_LOG=False
    env | grep '^AIRFLOW__' | grep -v -E 'SECRET|FERNET|PASSWORD' | sort >"$RUN/airflow-config.env"
}

# --- Load: the API as a dev user uses it, DAG runs for the KubernetesExecutor

LOAD_DAGS=(feedback_monitoring example_bash_operator tutorial example_simplest_dag example_xcom tutorial_taskflow_api)
api() { # api METHOD PATH [JSON] -> status code to the load log
    local code
    code="$(curl -s -o /dev/null -w '%{http_code}' -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        ${3:+-d "$3"} "http://127.0.0.1:$API_PORT$2" || echo 000)"
    echo "$1 $2 $code" >>"$RUN/load.log"
}

airflow_load() {
    local end=$(( SECONDS + LOAD_SECS )) round=0 d
    TOKEN="$(curl -sf -X POST -H 'Content-Type: application/json' -d '{"username": "admin", "password": "admin"}' \
        "http://127.0.0.1:$API_PORT/auth/token" | python -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')" ||
        { log "load: no token from /auth/token"; TOKEN=none; }
    for d in "${LOAD_DAGS[@]}"; do api PATCH "/api/v2/dags/$d" '{"is_paused": false}'; done
    while (( SECONDS < end )); do
        round=$(( round + 1 ))
        curl -s -o /dev/null "http://127.0.0.1:$API_PORT/api/v2/version" && echo "GET /api/v2/version public" >>"$RUN/load.log"
        curl -s -o /dev/null "http://127.0.0.1:$API_PORT/api/v2/monitor/health" && echo "GET /api/v2/monitor/health public" >>"$RUN/load.log"
        api GET "/api/v2/dags?limit=100"
        api GET "/api/v2/dags/~/dagRuns?limit=50&order_by=-start_date"
        api GET "/api/v2/dags/~/dagRuns/~/taskInstances?limit=50"
        api GET "/api/v2/importErrors"
        api GET "/api/v2/pools"
        api GET "/ui/dags?limit=25"
        api GET "/ui/dashboard/historical_metrics_data?start_date=2020-01-01T00:00:00Z"
        d="${LOAD_DAGS[$(( round % ${#LOAD_DAGS[@]} ))]}"
        api GET "/api/v2/dags/$d/details"
        api GET "/ui/structure/structure_data?dag_id=$d"
        if (( round % 5 == 0 )); then api POST "/api/v2/dags/$d/dagRuns" '{"logical_date": null}'; fi
        sleep 2
    done
}

# ---------------------------------------------------------------------------------------------------------------

start_postgres
start_kube
start_statsd_sink
configure_airflow
log "airflow db migrate"
airflow db migrate >"$RUN/logs/db-migrate.log" 2>&1 || { tail -30 "$RUN/logs/db-migrate.log" >&2; exit 1; }
airflow users create -r Admin -u admin -p admin -e admin@example.com -f Ad -l Min >"$RUN/logs/users-create.log" 2>&1 ||
    { tail -20 "$RUN/logs/users-create.log" >&2; exit 1; }
"$VENV/bin/python" -c 'import importlib.metadata as m; print("\n".join(sorted({f"{d.metadata['"'"'Name'"'"'].lower()}=={d.version}" for d in m.distributions()})))' >"$RUN/pip-freeze.txt"

# Staggered starts (the limits add up to 3.5 CPUs): the DAG processor parses first, the API server last.
log "starting dag-processor, scheduler, triggerer, api-server (each in its cgroup)"
start_in_cgroup dag-processor "$RUN/logs/dag-processor.log" airflow dag-processor
sleep 20
start_in_cgroup scheduler "$RUN/logs/scheduler.log" airflow scheduler
sleep 15
start_in_cgroup triggerer "$RUN/logs/triggerer.log" airflow triggerer
sleep 10
start_in_cgroup api-server "$RUN/logs/api-server.log" airflow api-server --workers 1 -H 127.0.0.1 -p "$API_PORT"
wait_for api-server 240 curl -sf "http://127.0.0.1:$API_PORT/api/v2/monitor/health"
T_START=$SECONDS

log "idle ${IDLE_SECS}s"
cpu_mark
sample_all "$IDLE_SECS"
sample_all 15
declare -A IDLE IDLE_PU CPU_IDLE CPU_LOAD CPU_SETTLE
for n in "${PROCS[@]}"; do IDLE[$n]=${MAXRSS[$n]}; IDLE_PU[$n]="$(tree_pss_uss "$n")"; CPU_IDLE[$n]="$(cpu_milli "$n")"; done
per_process "idle"
log "idle: $(for n in "${PROCS[@]}"; do printf '%s %s MiB (PSS/USS %s)  ' "$n" "${IDLE[$n]}" "${IDLE_PU[$n]}"; done)"

log "load ${LOAD_SECS}s"
: >"$RUN/load.log"
airflow_load &
LOAD_PID=$!
cpu_mark
sample_all "$LOAD_SECS"
declare -A LOADMAX LOADN
for n in "${PROCS[@]}"; do LOADMAX[$n]=${MAXRSS[$n]}; LOADN[$n]=${MAXN[$n]}; CPU_LOAD[$n]="$(cpu_milli "$n")"; done
wait "$LOAD_PID" || true
per_process "end of load"
log "load: max $(for n in "${PROCS[@]}"; do printf '%s %s MiB  ' "$n" "${LOADMAX[$n]}"; done)"

log "settle ${SETTLE_SECS}s"
cpu_mark
sample_all "$SETTLE_SECS"
sample_all 15
for n in "${PROCS[@]}"; do
    CPU_SETTLE[$n]="$(cpu_milli "$n")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "${MEM_LIMIT[$n]}" "${CPU_LIMIT[$n]}" "${IDLE[$n]}" "${IDLE_PU[$n]}" \
        "${LOADMAX[$n]}" "${MAXRSS[$n]}" "$(tree_pss_uss "$n")" "$(tree_anon_mib "$n")" "$(max_hwm_mib "$n")" \
        "$(cg_ws_mib "$n")" "${MAXWS[$n]}" "$(cg_peak_mib "$n")" "$(tree_nprocs "$n")/${LOADN[$n]}" \
        "${CPU_IDLE[$n]}/${CPU_LOAD[$n]}/${CPU_SETTLE[$n]}" >>"$RESULTS"
done
per_process "after load"

# What the load did.
{
    echo "API requests by status: $(awk '{print $3}' "$RUN/load.log" | sort | uniq -c | tr '\n' ' ')"
    echo "failed requests: $(awk '$3 != "public" && $3 !~ /^2/' "$RUN/load.log" | sort | uniq -c | sort -rn | head -8 | tr '\n' ';')"
    echo "dag runs: $(PGPASSWORD=airflow "$PG_BIN/psql" -tA -h 127.0.0.1 -p "$PG_PORT" -U airflow airflow -c "SELECT string_agg(state || '=' || n, ' ') FROM (SELECT state, count(*) n FROM dag_run GROUP BY state) s")"
    echo "task instances: $(PGPASSWORD=airflow "$PG_BIN/psql" -tA -h 127.0.0.1 -p "$PG_PORT" -U airflow airflow -c "SELECT string_agg(coalesce(state, 'none') || '=' || n, ' ') FROM (SELECT state, count(*) n FROM task_instance GROUP BY state) s")"
    echo "DAGs parsed: $(PGPASSWORD=airflow "$PG_BIN/psql" -tA -h 127.0.0.1 -p "$PG_PORT" -U airflow airflow -c "SELECT count(*) FROM dag WHERE NOT is_stale"), import errors: $(PGPASSWORD=airflow "$PG_BIN/psql" -tA -h 127.0.0.1 -p "$PG_PORT" -U airflow airflow -c "SELECT count(*) FROM import_error")"
    PGPASSWORD=airflow "$PG_BIN/psql" -tA -h 127.0.0.1 -p "$PG_PORT" -U airflow airflow -c \
        "SELECT 'import error: ' || filename || ': ' || regexp_replace(stacktrace, '.*\n(.+)\n*$', '\1') FROM import_error"
    echo "pods created in the API server (namespace default, Pending: no kubelet): $(kubectl get pods -n default --no-headers 2>/dev/null | wc -l)"
    echo "statsd packets received: $(cat "$RUN/statsd-packets.txt" 2>/dev/null || echo '<100')"
} >"$RUN/load-summary.txt"

print_table() {
    printf '%-14s %13s %8s %13s %8s %9s %13s %6s %6s %6s %6s %7s %5s %14s\n' process "limit" "RSS idle" "PSS/USS idle" "RSS load" \
        "RSS after" "PSS/USS after" "anon" maxHWM "WS now" "WS max" "cg peak" procs "CPU m i/l/s"
    local n mem cpu idle ipu lmax after apu anon hwm ws wsmax peak np cpum
    while IFS=$'\t' read -r n mem cpu idle ipu lmax after apu anon hwm ws wsmax peak np cpum; do
        printf '%-14s %13s %8s %13s %8s %9s %13s %6s %6s %6s %6s %7s %5s %14s\n' "$n" "${mem}Mi/${cpu}m" "$idle" "$ipu" "$lmax" "$after" "$apu" \
            "$anon" "$hwm" "$ws" "$wsmax" "$peak" "$np" "$cpum"
    done <"$RESULTS"
    echo "(MiB, sums over each process tree = every process in the cgroup. RSS idle: max over 15 s after ${IDLE_SECS} s idle;"
    echo " RSS load: max during ${LOAD_SECS} s of load; RSS after: max over 15 s after ${SETTLE_SECS} s settling; PSS/USS and"
    echo " anon (RssAnon) at the end; maxHWM: the largest VmHWM of one process; WS now/max: the cgroup's working set"
    echo " (usage minus inactive file pages, what the kubelet and \`kubectl top\` report) at the end / max over every sample;"
    echo " cg peak: the cgroup's peak usage, all page cache included; procs: processes at the end / max seen during load; CPU m i/l/s: average"
    echo " millicores used while idle / under load / settling. Samples every ${SAMPLE_EVERY} s.)"
    echo
    cat "$RUN/load-summary.txt"
    echo "Airflow $AIRFLOW_VERSION, $("$VENV/bin/python" --version), extras [$AIRFLOW_EXTRAS]; $(grep -c . "$RUN/pip-freeze.txt") distributions in pip-freeze.txt"
    echo "wall time: $(( $(date +%s) - T0 )) s"
}
print_table | tee "$RUN/table.txt"
