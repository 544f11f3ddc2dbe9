#!/usr/bin/env bash
# Measures the resident memory of the dev stack's JVMs, so that their dev memory REQUESTS rest on numbers
# taken from the real processes rather than guesses:
#
#   trino      Trino 483 coordinator, node-scheduler.include-coordinator=true (dev has no workers), the chart's
#              jvm.config with -Xmx from jvmHeapMiB(1152Mi) = 576M, catalogs `lakehouse` (iceberg) and `hive`
#              against the metastore below, plus `tpch` for the load (dev has no tpch catalog: load only).
#   kafka      Kafka 4.3.1, one KRaft node with roles controller+broker, -Xms256m -Xmx256m (dev `dual` pool),
#              with the Prometheus JMX exporter agent as Strimzi's metricsConfig adds it.
#   connect    Kafka Connect 4.3.1 distributed worker, -Xms256m -Xmx256m, with the JMX exporter agent, a tiny
#              FileStream source connector as its load.
#   metastore  Hive Metastore 4.1.0 against a throwaway local PostgreSQL, -Xmx1G -Xmx256m (the image's default,
#              then SERVICE_OPTS with jvmHeapMiB(512Mi) = 256) + the JMX exporter agent 1.0.1, as
#              components/lakehouse/metastore.ts; its load is Trino's Thrift calls (so `metastore` implies `trino`).
#
# Each JVM runs in its own memory cgroup whose limit is the container's memory LIMIT and whose CPU quota is its
# CPU limit, so JVM ergonomics (GC threads, compressed class space, code cache, CPU count) match the pod.
# For each it prints RSS idle (after startup), RSS after a small realistic load, and the peak (VmHWM and the
# cgroup's peak usage), plus PSS/USS from /proc/PID/smaps_rollup.
#
# Artifacts come from Maven Central (mvn dependency:copy-dependencies on throwaway poms) into
#   ${ML_PLATFORM_TOOLS_CACHE:-$HOME/.cache/ml-platform}/jvm-measure
# PostgreSQL comes from Debian (apt-get install postgresql if missing). Everything listens on 127.0.0.1 only;
# every process started here is stopped on exit.
#
# Usage: scripts/measure-jvm-memory.sh [trino|kafka|connect|metastore|all ...]
#   IDLE_SECS (default 90)  how long each JVM idles after startup before the idle sample
#   LOAD_SECS (default 120) how long the load runs
#   SETTLE_SECS (default 45) idle time after the load before the "after load" sample
#   JVM_MEASURE_NMT=1       also start the JVMs with -XX:NativeMemoryTracking=summary and print jcmd's summary
# Needs: root (for the cgroups), mvn, curl, Java 25 (Trino) and Java 17 (Kafka, Hive).
set -euo pipefail

CACHE="${ML_PLATFORM_TOOLS_CACHE:-$HOME/.cache/ml-platform}/jvm-measure"
JAVA25_HOME="${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA17_HOME="${JAVA17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
IDLE_SECS="${IDLE_SECS:-90}"
LOAD_SECS="${LOAD_SECS:-120}"
SETTLE_SECS="${SETTLE_SECS:-45}"
SAMPLE_EVERY=3
NMT="${JVM_MEASURE_NMT:-0}"

TRINO_VERSION=483
KAFKA_VERSION=4.3.1
HIVE_VERSION=4.1.0
JMX_EXPORTER_VERSION=1.0.1   # components/lakehouse/jars.ts (metastore); see the note at kafka_jmx_agent
POSTGRES_JDBC_VERSION=42.7.14

# Ports, all on 127.0.0.1.
TRINO_PORT=18080
KAFKA_PORT=19092
KAFKA_CONTROLLER_PORT=19093
CONNECT_PORT=18083
METASTORE_PORT=19083
PG_PORT=15432
KAFKA_METRICS_PORT=19404
CONNECT_METRICS_PORT=19405
METASTORE_METRICS_PORT=19406

WORK="$(mktemp -d /tmp/jvm-measure.XXXXXX)"
chmod 755 "$WORK"   # the postgres user reads its files here
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
PIDS=()
CGROUPS=()
PG_DATA=""

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
# shellcheck source=lib/measure.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/measure.sh"

cleanup() {
    local pid cg
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    sleep 3
    for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    if [[ -n "$PG_DATA" && -f "$PG_DATA/postmaster.pid" ]]; then
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null 2>&1 || true
    fi
    sleep 1
    for cg in "${CGROUPS[@]}"; do rmdir "$cg" 2>/dev/null || true; done
    log "work dir (logs, configs): $WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------------------------
# Downloads (Maven Central through mvn; cached)

# fetch_deps DIR GROUP:ARTIFACT:VERSION... — the artifacts and their runtime dependencies into DIR.
fetch_deps() {
    local dir="$1"; shift
    [[ -f "$dir/.complete" || -f "$(dirname "$dir")/.$(basename "$dir")-complete" ]] && return 0
    local pom="$WORK/pom-$(basename "$dir")" deps="" c g a v
    mkdir -p "$pom" "$dir"
    for c in "$@"; do
        IFS=: read -r g a v <<<"$c"
        deps+="<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>"
    done
    cat >"$pom/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>local.measure</groupId><artifactId>deps</artifactId><version>1</version><packaging>pom</packaging>
<dependencies>$deps</dependencies></project>
EOF
    log "fetching $* (with runtime dependencies) into $dir"
    local try
    for try in 1 2 3; do
        if mvn -B -q -f "$pom/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
            -DincludeScope=runtime -DoutputDirectory="$dir" >"$pom/mvn.log" 2>&1; then
            touch "$dir/.complete"
            return 0
        fi
        log "mvn failed (try $try), see $pom/mvn.log"
    done
    return 1
}

# fetch_one DIR GROUP:ARTIFACT:VERSION[:PACKAGING[:CLASSIFIER]] — one artifact, no dependencies.
fetch_one() {
    local dir="$1" coords="$2"
    mkdir -p "$dir"
    mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy -Dartifact="$coords" \
        -DoutputDirectory="$dir" >"$WORK/mvn-copy.log" 2>&1 || { cat "$WORK/mvn-copy.log" >&2; return 1; }
}

# ---------------------------------------------------------------------------------------------------------------
# Cgroups: the container limits. cgroup v1 (memory + cpu controllers) or v2, nested under our own cgroup (cg_self,
# lib/measure.sh).

# cg_make NAME MEM_MIB CPUS — creates the cgroups; sets CG_ENTER to the files a process writes its pid to.
cg_make() {
    local name="jvm-measure-$1-$$" mem=$(( $2 * 1024 * 1024 )) quota=$(( $3 * 100000 )) d
    CG_ENTER=()
    if [[ -d /sys/fs/cgroup/memory ]]; then
        d="/sys/fs/cgroup/memory$(cg_self memory)/$name"
        mkdir "$d"; CGROUPS+=("$d")
        echo "$mem" >"$d/memory.limit_in_bytes"
        CG_ENTER+=("$d/cgroup.procs")
        d="/sys/fs/cgroup/cpu$(cg_self cpu)/$name"
        mkdir "$d"; CGROUPS+=("$d")
        echo 100000 >"$d/cpu.cfs_period_us"; echo "$quota" >"$d/cpu.cfs_quota_us"
        CG_ENTER+=("$d/cgroup.procs")
    else
        d="/sys/fs/cgroup$(cg_self '')/$name"
        mkdir "$d"; CGROUPS+=("$d")
        echo "$mem" >"$d/memory.max"
        echo "$quota 100000" >"$d/cpu.max"
        CG_ENTER+=("$d/cgroup.procs")
    fi
}

cg_peak_mib() { # cgroup peak usage of the memory cgroup named NAME (includes page cache the process touched)
    local f
    for f in "/sys/fs/cgroup/memory$(cg_self memory)/jvm-measure-$1-$$/memory.max_usage_in_bytes" \
             "/sys/fs/cgroup$(cg_self '')/jvm-measure-$1-$$/memory.peak"; do
        [[ -r "$f" ]] && { echo $(( $(cat "$f") / 1048576 )); return; }
    done
    echo "n/a"
}

# start_in_cgroup NAME MEM_MIB CPUS LOGFILE CMD... — starts CMD in fresh cgroups; sets LAST_PID.
start_in_cgroup() {
    local name="$1" mem="$2" cpus="$3" logf="$4"; shift 4
    cg_make "$name" "$mem" "$cpus"
    # The shell moves itself into the cgroups, then execs the JVM there (so the JVM is born inside the limits).
    setsid bash -c 'for f in '"${CG_ENTER[*]}"'; do echo $$ >"$f"; done; exec "$@"' measure "$@" >"$logf" 2>&1 </dev/null &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}

# ---------------------------------------------------------------------------------------------------------------
# Sampling

rss_mib()  { awk '/^VmRSS:/ {printf "%d", $2/1024}' "/proc/$1/status"; }
hwm_mib()  { awk '/^VmHWM:/ {printf "%d", $2/1024}' "/proc/$1/status"; }
anon_mib() { awk '/^RssAnon:/ {printf "%d", $2/1024}' "/proc/$1/status"; }
pss_uss()  { awk '/^Pss:/ {p=$2} /^Private_(Clean|Dirty):/ {u+=$2} END {printf "%d/%d", p/1024, u/1024}' "/proc/$1/smaps_rollup"; }

# sample PID SECONDS -> max RSS (MiB) over the window, one sample every SAMPLE_EVERY seconds
sample() {
    local pid="$1" secs="$2" max=0 r end=$(( SECONDS + $2 ))
    while (( SECONDS < end )); do
        kill -0 "$pid" 2>/dev/null || { echo "died"; return 1; }
        r="$(rss_mib "$pid")"; (( r > max )) && max=$r
        sleep "$SAMPLE_EVERY"
    done
    echo "$max"
}

# measure NAME VERSION OPTS PID LOAD_FUNCTION — idle, load, settle; appends one row to the results.
measure() {
    local name="$1" version="$2" opts="$3" pid="$4" load="$5"
    log "$name: idle ${IDLE_SECS}s"
    local idle_warm; idle_warm="$(sample "$pid" "$IDLE_SECS")"
    local idle; idle="$(sample "$pid" 15)"
    local idle_pu; idle_pu="$(pss_uss "$pid")"
    log "$name: idle RSS ${idle} MiB (PSS/USS $idle_pu); load ${LOAD_SECS}s"
    local loadpeak; loadpeak="$("$load" "$pid")"
    log "$name: max RSS during load ${loadpeak} MiB; settle ${SETTLE_SECS}s"
    sample "$pid" "$SETTLE_SECS" >/dev/null
    local after; after="$(sample "$pid" 15)"
    local after_pu; after_pu="$(pss_uss "$pid")"
    local hwm; hwm="$(hwm_mib "$pid")"
    local anon; anon="$(anon_mib "$pid")"
    local jcmd; jcmd="$(dirname "$(readlink -f "/proc/$pid/exe")")/jcmd"
    # What ergonomics chose inside the cgroup: GC, CPU count, heap bounds, class space.
    "$jcmd" "$pid" VM.flags -all 2>/dev/null | grep -E ' (Use(Serial|G1|Parallel)GC|ActiveProcessorCount|ParallelGCThreads|ConcGCThreads|CICompilerCount|MaxHeapSize|InitialHeapSize|CompressedClassSpaceSize|ReservedCodeCacheSize|MaxDirectMemorySize) ' \
        | awk '{print $2 "=" $4}' | tr '\n' ' ' >"$WORK/$name-flags.txt" || true
    log "$name: ergonomics: $(cat "$WORK/$name-flags.txt")"
    # The largest file-backed mappings (RSS that is not the JVM's own anonymous memory).
    awk '/^[0-9a-f]+-[0-9a-f]+ / {f = ($6 != "" && $6 !~ /^\[/) ? $6 : ""} /^Rss:/ && f != "" {r[f] += $2}
         END {for (f in r) printf "%8d kB %s\n", r[f], f}' "/proc/$pid/smaps" | sort -rn | head -8 >"$WORK/$name-file-rss.txt" || true
    if [[ "$NMT" == 1 ]]; then
        "$jcmd" "$pid" VM.native_memory summary >"$WORK/$name-nmt.txt" 2>&1 || true
        log "$name: NMT summary in $WORK/$name-nmt.txt"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$version" "$opts" "$idle" "$idle_pu" "$loadpeak" \
        "$after" "$after_pu" "$anon" "$hwm" "$(cg_peak_mib "$name")" >>"$RESULTS"
    log "$name: after load RSS ${after} MiB (PSS/USS $after_pu, anonymous $anon), VmHWM ${hwm} MiB"
}

# wait_while_alive DESCRIPTION PID SECONDS COMMAND... — until COMMAND succeeds, or fail if the process dies.
wait_while_alive() {
    local what="$1" pid="$2" secs="$3"; shift 3
    local end=$(( SECONDS + secs ))
    until "$@" >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || { log "$what: process died"; return 1; }
        (( SECONDS < end )) || { log "$what: not ready after ${secs}s"; return 1; }
        sleep 2
    done
    log "$what: ready"
}

stop_pid() {
    local pid="$1" i
    kill "$pid" 2>/dev/null || return 0
    for i in $(seq 30); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
}


# ---------------------------------------------------------------------------------------------------------------
# Trino 483 coordinator
#
# trino-server 483's tarball is not on Maven Central (the last there is 476), so the server is assembled from
# Central's artifacts the way the tarball lays it out: lib/ = io.trino:trino-main:483 with its runtime
# dependencies, plugin/<name>/ = io.trino:trino-<name>:483 with its runtime dependencies. Only the plugins of the
# catalogs used are installed (iceberg, hive, tpch); the image installs all ~60 plugins at startup.
# trino-server-main (io.trino.server.TrinoServer, a 20-line main calling Server.start) is not on Central past
# 368 either: the same call is compiled here.

TRINO_HOME="$CACHE/trino-$TRINO_VERSION"
# components/lakehouse/sizing.ts, dev coordinator: limit 1152Mi, cpu limit 2 -> jvmHeapMiB = 576. TRINO_MEM_LIMIT_MIB,
# TRINO_HEAP_MIB and TRINO_EXTRA_JVM_OPTS (space-separated) try other sizes; the query memory follows the heap as
# trinoNodeMemory computes it.
TRINO_MEM_LIMIT_MIB="${TRINO_MEM_LIMIT_MIB:-1152}"
TRINO_CPUS=2
TRINO_HEAP_MIB="${TRINO_HEAP_MIB:-576}"
read -r -a TRINO_EXTRA_JVM_OPTS <<<"${TRINO_EXTRA_JVM_OPTS:-}"
# trinodb/charts 1.42.2 configmap-coordinator.yaml jvm.config, with components/lakehouse/trino-values.ts'
# additionalJVMConfig (the JDK-8329528 workaround). The chart's -agentpath:/usr/lib/trino/bin/libjvmkill.so is
# left out: the tiny agent ships only in the image.
TRINO_JVM_OPTS=(
    -server "-Xmx${TRINO_HEAP_MIB}M" -XX:+UseG1GC -XX:G1HeapRegionSize=32M -XX:+ExplicitGCInvokesConcurrent
    -XX:+HeapDumpOnOutOfMemoryError -XX:+ExitOnOutOfMemoryError -XX:-OmitStackTraceInFastThrow
    -XX:ReservedCodeCacheSize=512M -XX:PerMethodRecompilationCutoff=10000 -XX:PerBytecodeRecompilationCutoff=10000
    -Djdk.attach.allowAttachSelf=true -Djdk.nio.maxCachedBufferSize=2000000 -XX:+EnableDynamicAgentLoading
    -XX:+UnlockDiagnosticVMOptions -XX:G1NumCollectionsKeepPinned=10000000
    # Not in jvm.config: Trino 483 refuses to start without the Vector API ("Trino requires the Vector API to be
    # enabled/linked at runtime"); the image's launcher supplies it.
    --add-modules=jdk.incubator.vector
    "${TRINO_EXTRA_JVM_OPTS[@]}"
)

trino_install() {
    fetch_deps "$TRINO_HOME/lib" "io.trino:trino-main:$TRINO_VERSION"
    local p
    for p in tpch iceberg hive; do
        fetch_deps "$TRINO_HOME/plugin/$p" "io.trino:trino-$p:$TRINO_VERSION"
        # The SPI is the server's (the tarball leaves it out of plugin dirs).
        rm -f "$TRINO_HOME/plugin/$p"/trino-spi-*.jar "$TRINO_HOME/plugin/$p/.complete"
        touch "$TRINO_HOME/plugin/.$p-complete"
        # Central's plugin jars lack the META-INF/services/io.trino.spi.Plugin descriptor the build adds for the
        # tarball: supply it in a one-file jar next to them.
        if [[ ! -f "$TRINO_HOME/plugin/$p/zz-service-descriptor.jar" ]]; then
            local cls
            cls="$(unzip -Z1 "$TRINO_HOME/plugin/$p/trino-$p-$TRINO_VERSION.jar" | grep -E '/[A-Za-z]+Plugin\.class$' | head -1)"
            mkdir -p "$WORK/svc-$p/META-INF/services"
            echo "${cls%.class}" | tr / . >"$WORK/svc-$p/META-INF/services/io.trino.spi.Plugin"
            "$JAVA25_HOME/bin/jar" cf "$TRINO_HOME/plugin/$p/zz-service-descriptor.jar" -C "$WORK/svc-$p" META-INF
        fi
    done
    if [[ ! -f "$TRINO_HOME/launcher/TrinoMain.class" ]]; then
        mkdir -p "$TRINO_HOME/launcher"
        cat >"$TRINO_HOME/launcher/TrinoMain.java" <<'JAVA'
public final class TrinoMain {
    public static void main(String[] args) {
        new io.trino.server.Server().start("483");
    }
}
JAVA
        "$JAVA25_HOME/bin/javac" -cp "$TRINO_HOME/lib/*" -d "$TRINO_HOME/launcher" "$TRINO_HOME/launcher/TrinoMain.java"
    fi
}

trino_configure() { # trino_configure ETC_DIR METASTORE_URI
    local etc="$1" ms="$2"
    mkdir -p "$etc/catalog" "$WORK/trino-data"
    # Chart config.properties with the values trino-values.ts computes for dev (no workers).
    cat >"$etc/config.properties" <<EOF
coordinator=true
node-scheduler.include-coordinator=true
http-server.http.port=$TRINO_PORT
query.max-memory=$(( TRINO_HEAP_MIB * 6 / 10 ))MB
query.max-memory-per-node=$(( TRINO_HEAP_MIB * 6 / 10 ))MB
memory.heap-headroom-per-node=$(( (TRINO_HEAP_MIB * 3 + 9) / 10 ))MB
discovery.uri=http://127.0.0.1:$TRINO_PORT
http-server.process-forwarded=true
EOF
    echo "io.trino=INFO" >"$etc/log.properties"
    # components/lakehouse/catalogs.ts, minio flavor; the S3 endpoint is never contacted by this load.
    local fs="fs.s3.enabled=true
s3.endpoint=http://127.0.0.1:9
s3.region=us-east-1
s3.path-style-access=true
s3.aws-access-key=\${ENV:AWS_ACCESS_KEY_ID}
s3.aws-secret-key=\${ENV:AWS_SECRET_ACCESS_KEY}"
    cat >"$etc/catalog/lakehouse.properties" <<EOF
connector.name=iceberg
iceberg.catalog.type=hive_metastore
hive.metastore.uri=$ms
iceberg.file-format=PARQUET
iceberg.compression-codec=ZSTD
iceberg.hive-catalog-name=hive
$fs
EOF
    cat >"$etc/catalog/hive.properties" <<EOF
connector.name=hive
hive.metastore.uri=$ms
hive.non-managed-table-writes-enabled=true
hive.storage-format=PARQUET
hive.iceberg-catalog-name=lakehouse
$fs
EOF
    echo "connector.name=tpch" >"$etc/catalog/tpch.properties"
}

# trino_query SQL — runs one statement through the HTTP client protocol, following nextUri to the end.
trino_query() {
    local resp next state
    resp="$(curl -sf -X POST -H 'X-Trino-User: measure' --data-binary "$1" "http://127.0.0.1:$TRINO_PORT/v1/statement")" || return 1
    while next="$(printf '%s' "$resp" | grep -o '"nextUri":"[^"]*"' | cut -d'"' -f4)" && [[ -n "$next" ]]; do
        resp="$(curl -sf -H 'X-Trino-User: measure' "$next")" || return 1
    done
    state="$(printf '%s' "$resp" | grep -o '"state":"[A-Z_]*"' | head -1)"
    if printf '%s' "$resp" | grep -q '"error"'; then
        printf 'FAILED %s: %s\n' "$1" "$(printf '%s' "$resp" | grep -o '"message":"[^"]*"' | head -1)"
        return 0
    fi
    printf 'OK %s %s\n' "$state" "$1"
}

TRINO_QUERIES=(
    "SHOW CATALOGS"
    "SELECT count(*) FROM tpch.tiny.lineitem"
    "SHOW SCHEMAS FROM lakehouse"
    "SHOW SCHEMAS FROM hive"
    "SELECT returnflag, linestatus, sum(quantity), sum(extendedprice * (1 - discount)), avg(discount), count(*) FROM tpch.sf1.lineitem WHERE shipdate <= DATE '1998-09-02' GROUP BY 1, 2 ORDER BY 1, 2"
    "SELECT o.orderpriority, count(*) FROM tpch.sf1.orders o JOIN tpch.sf1.customer c ON o.custkey = c.custkey WHERE c.mktsegment = 'BUILDING' GROUP BY 1 ORDER BY 1"
    "SELECT n.name, sum(l.extendedprice) FROM tpch.tiny.lineitem l JOIN tpch.tiny.supplier s ON l.suppkey = s.suppkey JOIN tpch.tiny.nation n ON s.nationkey = n.nationkey GROUP BY 1 ORDER BY 2 DESC LIMIT 5"
    "SELECT * FROM system.runtime.nodes"
)

# query_load PID LOG PAUSE QUERY...: runs the queries through Trino in a loop for LOAD_SECS (PAUSE seconds between
# rounds) while sampling PID's memory.
query_load() {
    local pid="$1" out="$2" pause="$3" end=$(( SECONDS + LOAD_SECS ))
    shift 3
    (
        while (( SECONDS < end )); do
            for q in "$@"; do (( SECONDS < end )) && trino_query "$q"; done
            sleep "$pause"
        done
    ) >>"$out" 2>&1 &
    local lp=$!
    sample "$pid" "$LOAD_SECS"
    wait "$lp" || true
}

trino_load() { query_load "$1" "$WORK/trino-queries.log" 0 "${TRINO_QUERIES[@]}"; }

run_trino() {
    trino_install
    local ms="thrift://127.0.0.1:$METASTORE_PORT"
    trino_configure "$WORK/trino-etc" "$ms"
    local opts=("${TRINO_JVM_OPTS[@]}")
    [[ "$NMT" == 1 ]] && opts+=(-XX:NativeMemoryTracking=summary)
    log "trino: starting (cgroup ${TRINO_MEM_LIMIT_MIB}Mi, ${TRINO_CPUS} CPUs)"
    start_in_cgroup trino "$TRINO_MEM_LIMIT_MIB" "$TRINO_CPUS" "$WORK/trino.log" \
        env AWS_ACCESS_KEY_ID=measure AWS_SECRET_ACCESS_KEY=measure "$JAVA25_HOME/bin/java" "${opts[@]}" \
        -Dnode.environment=dev "-Dnode.data-dir=$WORK/trino-data" "-Dplugin.dir=$TRINO_HOME/plugin" \
        "-Dconfig=$WORK/trino-etc/config.properties" "-Dlog.levels-file=$WORK/trino-etc/log.properties" \
        "-Dcatalog.config-dir=$WORK/trino-etc/catalog" -Dnode.bind-ip=127.0.0.1 -Dnode.internal-address=127.0.0.1 \
        -cp "$TRINO_HOME/launcher:$TRINO_HOME/lib/*" TrinoMain
    local pid="$LAST_PID"
    wait_while_alive trino "$pid" 300 grep -q "SERVER STARTED" "$WORK/trino.log"
    measure trino "$TRINO_VERSION" "${TRINO_JVM_OPTS[*]}" "$pid" trino_load
    log "trino: $(grep -c '^OK' "$WORK/trino-queries.log" || true) statements succeeded, $(grep -c '^FAILED' "$WORK/trino-queries.log" || true) failed"
    { grep '^FAILED' "$WORK/trino-queries.log" | sort | uniq -c | head -5 >&2; } || true
    # The metastore's load is Trino's Thrift calls, so it is measured while Trino is still up.
    [[ -n "$MS_PID" ]] && measure_metastore
    stop_pid "$pid"
}

# ---------------------------------------------------------------------------------------------------------------
# Hive Metastore 4.1.0 on a throwaway PostgreSQL
#
# hive-standalone-metastore-server 4.1.0 (and the Hive binary tarball) are not on Maven Central, but hive-exec
# 4.1.0 shades the metastore server in (the apache/hive image has both on its class path). The class path is
# hive-exec + hive-metastore + Hadoop 3.4.1 (hadoop-common, hadoop-hdfs, hadoop-aws: HADOOP_OPTIONAL_TOOLS=hadoop-aws on
# minio) + DataNucleus + the PostgreSQL driver jars.ts pins. The schema SQL scripts ship only in the tarball, so
# DataNucleus creates the schema itself (datanucleus.schema.autoCreateAll=true, schema verification off) instead
# of schematool; the warehouse is a local directory, so the metastore never waits on an object store.

HIVE_HOME="$CACHE/hive-$HIVE_VERSION"
# components/lakehouse/sizing.ts dev metastore: limit 512Mi, cpu limit 1 -> jvmHeapMiB(512Mi)
# = max(512 * 0.5, min(512 * 0.8, 512 - 640)) = 256 (the 50% floor): SERVICE_OPTS="-Xmx256m ...".
METASTORE_MEM_LIMIT_MIB=512
METASTORE_CPUS=1
METASTORE_HEAP_MIB=256
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
MS_PID=""

metastore_install() {
    fetch_deps "$HIVE_HOME/lib" "org.apache.hive:hive-exec:$HIVE_VERSION" "org.apache.hive:hive-metastore:$HIVE_VERSION" \
        "org.apache.hive:hive-standalone-metastore-common:$HIVE_VERSION" "org.apache.hadoop:hadoop-common:3.4.1" \
        "org.apache.hadoop:hadoop-aws:3.4.1" "org.apache.hadoop:hadoop-hdfs:3.4.1" "org.postgresql:postgresql:$POSTGRES_JDBC_VERSION" \
        "org.datanucleus:datanucleus-api-jdo:6.0.3" "org.datanucleus:datanucleus-rdbms:6.0.10" \
        "org.datanucleus:javax.jdo:3.2.0-release"
    [[ -f "$CACHE/agents/jmx_prometheus_javaagent-$JMX_EXPORTER_VERSION.jar" ]] ||
        fetch_one "$CACHE/agents" "io.prometheus.jmx:jmx_prometheus_javaagent:$JMX_EXPORTER_VERSION"
    if [[ -z "$PG_BIN" || ! -x "$PG_BIN/postgres" ]]; then
        log "installing PostgreSQL from Debian"
        apt-get install -y -q postgresql >/dev/null
        PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
    fi
}

start_postgres() { start_throwaway_postgres "$WORK/pg" "$PG_PORT" metastore hive; }

start_metastore() {
    metastore_install
    start_postgres
    local conf="$WORK/hive-conf"
    mkdir -p "$conf" "$WORK/warehouse" "$WORK/hive-tmp"
    exporter_config metastore "$conf/jmx-exporter.yaml"
    # components/lakehouse/metastore-config.ts metastoreProperties for minio, but: schema created by DataNucleus,
    # verification off, local warehouse (see above).
    cat >"$conf/hive-site.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <property><name>javax.jdo.option.ConnectionDriverName</name><value>org.postgresql.Driver</value></property>
  <property><name>javax.jdo.option.ConnectionURL</name><value>\${env.METASTORE_DB_URL}</value></property>
  <property><name>javax.jdo.option.ConnectionUserName</name><value>\${env.METASTORE_DB_USER}</value></property>
  <property><name>javax.jdo.option.ConnectionPassword</name><value>\${env.METASTORE_DB_PASSWORD}</value></property>
  <property><name>datanucleus.schema.autoCreateAll</name><value>true</value></property>
  <property><name>metastore.schema.verification</name><value>false</value></property>
  <property><name>metastore.thrift.port</name><value>$METASTORE_PORT</value></property>
  <property><name>metastore.thrift.bind.host</name><value>127.0.0.1</value></property>
  <property><name>metastore.warehouse.dir</name><value>file://$WORK/warehouse/managed</value></property>
  <property><name>metastore.warehouse.external.dir</name><value>file://$WORK/warehouse/external</value></property>
  <property><name>metastore.metrics.enabled</name><value>true</value></property>
  <property><name>metastore.metrics.reporters</name><value>jmx</value></property>
  <property><name>fs.s3.impl</name><value>org.apache.hadoop.fs.s3a.S3AFileSystem</value></property>
  <property><name>fs.AbstractFileSystem.s3.impl</name><value>org.apache.hadoop.fs.s3a.S3A</value></property>
  <property><name>fs.s3a.endpoint</name><value>http://127.0.0.1:9</value></property>
  <property><name>fs.s3a.endpoint.region</name><value>us-east-1</value></property>
  <property><name>fs.s3a.path.style.access</name><value>true</value></property>
  <property><name>fs.s3a.connection.ssl.enabled</name><value>false</value></property>
  <property><name>fs.s3a.aws.credentials.provider</name><value>software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider</value></property>
</configuration>
EOF
    local opts=(-Xmx${METASTORE_HEAP_MIB}m -XX:+ExitOnOutOfMemoryError
        "-javaagent:$CACHE/agents/jmx_prometheus_javaagent-$JMX_EXPORTER_VERSION.jar=127.0.0.1:$METASTORE_METRICS_PORT:$conf/jmx-exporter.yaml")
    [[ "$NMT" == 1 ]] && opts+=(-XX:NativeMemoryTracking=summary)
    log "metastore: starting (cgroup ${METASTORE_MEM_LIMIT_MIB}Mi, ${METASTORE_CPUS} CPU)"
    # The image's entrypoint: HADOOP_CLIENT_OPTS="-Xmx1G $SERVICE_OPTS" (the later -Xmx wins), through bin/hive and
    # bin/hadoop, which add -Djava.net.preferIPv4Stack=true and the log settings.
    start_in_cgroup metastore "$METASTORE_MEM_LIMIT_MIB" "$METASTORE_CPUS" "$WORK/metastore.log" \
        env METASTORE_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/metastore" METASTORE_DB_USER=hive METASTORE_DB_PASSWORD=hive \
        AWS_ACCESS_KEY_ID=measure AWS_SECRET_ACCESS_KEY=measure \
        "$JAVA17_HOME/bin/java" -Xmx1G "${opts[@]}" -Djava.net.preferIPv4Stack=true "-Djava.io.tmpdir=$WORK/hive-tmp" \
        -Dlog4j2.formatMsgNoLookups=true "-Dhive.log.dir=$WORK" -Dhive.root.logger=INFO,console \
        -cp "$conf:$HIVE_HOME/lib/*" org.apache.hadoop.hive.metastore.HiveMetaStore
    MS_PID="$LAST_PID"
    METASTORE_OPTS="-Xmx1G ${opts[*]}"
    METASTORE_OPTS="${METASTORE_OPTS//$CACHE\/agents\//}"
    METASTORE_OPTS="${METASTORE_OPTS//$conf\//}"
    wait_while_alive metastore "$MS_PID" 300 bash -c "exec 3<>/dev/tcp/127.0.0.1/$METASTORE_PORT"
}

# Thrift calls through Trino's hive and iceberg connectors: metadata only (no object store here).
METASTORE_QUERIES=(
    "SHOW SCHEMAS FROM hive"
    "CREATE SCHEMA IF NOT EXISTS hive.measure_a"
    "SHOW TABLES FROM hive.measure_a"
    "SHOW SCHEMAS FROM lakehouse"
    "SELECT table_schema, count(*) FROM lakehouse.information_schema.tables GROUP BY 1"
    "DROP SCHEMA IF EXISTS hive.measure_a"
    "SELECT count(*) FROM hive.information_schema.schemata"
)

metastore_load() { query_load "$1" "$WORK/metastore-queries.log" 1 "${METASTORE_QUERIES[@]}"; }

measure_metastore() {
    measure metastore "$HIVE_VERSION" "$METASTORE_OPTS" "$MS_PID" metastore_load
    log "metastore: $(grep -c '^OK' "$WORK/metastore-queries.log" || true) Thrift-backed statements succeeded, $(grep -c '^FAILED' "$WORK/metastore-queries.log" || true) failed"
    { grep '^FAILED' "$WORK/metastore-queries.log" | sort | uniq -c | head -5 >&2; } || true
}

# ---------------------------------------------------------------------------------------------------------------
# Kafka 4.3.1 (one KRaft controller+broker) and Kafka Connect 4.3.1
#
# The Kafka binary tarball is not on Maven Central: libs/ is assembled from kafka_2.13, kafka-tools,
# connect-runtime, connect-json (runtime dependencies included) plus log4j-slf4j-impl, which the tarball ships
# as the logging binding. The Strimzi image adds its own extras (Cruise Control reporter, OAuth, quotas plugin),
# which are not loaded in this configuration.

KAFKA_HOME="$CACHE/kafka-$KAFKA_VERSION"
# components/streaming/sizing.ts, dev: `dual` pool limit 640Mi / cpu 1, connect limit 576Mi / cpu 1.
KAFKA_MEM_LIMIT_MIB=640
KAFKA_CPUS=1
CONNECT_MEM_LIMIT_MIB=576
CONNECT_CPUS=1
DEBEZIUM_VERSION=3.7.0.Final   # components/streaming/connect.ts debeziumPostgres
# kafka-run-class.sh's defaults (KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_JMX_OPTS), which Strimzi's scripts keep,
# with Strimzi's KAFKA_HEAP_OPTS from jvmOptions. Strimzi leaves GC logging off by default.
KAFKA_JVM_OPTS=(
    -Xms256m -Xmx256m -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true
    -Dcom.sun.management.jmxremote -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false
)
CLIENT_JVM_OPTS=(-Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)
KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

kafka_install() {
    fetch_deps "$KAFKA_HOME/libs" "org.apache.kafka:kafka_2.13:$KAFKA_VERSION" "org.apache.kafka:kafka-tools:$KAFKA_VERSION" \
        "org.apache.kafka:connect-runtime:$KAFKA_VERSION" "org.apache.kafka:connect-json:$KAFKA_VERSION" \
        "org.apache.logging.log4j:log4j-slf4j-impl:2.25.4"
    [[ -f "$CACHE/agents/jmx_prometheus_javaagent-$JMX_EXPORTER_VERSION.jar" ]] ||
        fetch_one "$CACHE/agents" "io.prometheus.jmx:jmx_prometheus_javaagent:$JMX_EXPORTER_VERSION"
}

connect_install() {
    # The FileStream connectors are not on the worker's class path since Kafka 3.2: a plugin directory, as in
    # the tarball. Debezium PostgreSQL is in the plugin path as in the image Strimzi builds (scanned at startup).
    local pp="$KAFKA_HOME/plugins"
    if [[ ! -d "$pp/file" ]]; then
        fetch_one "$pp/file" "org.apache.kafka:connect-file:$KAFKA_VERSION"
    fi
    if [[ ! -d "$pp/debezium-connector-postgres" ]]; then
        fetch_one "$WORK/dbz" "io.debezium:debezium-connector-postgres:$DEBEZIUM_VERSION:tar.gz:plugin"
        tar -xzf "$WORK/dbz/"*.tar.gz -C "$pp"
    fi
}

# The JMX exporter configuration the cluster uses, rendered from the repo's own TypeScript.
exporter_config() { # exporter_config kafka|connect|metastore OUT
    local repo; repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    local expr
    case "$1" in
        kafka) expr='import { jmxExporterConfig, kafkaMetricsRules } from "./components/streaming/metrics"; process.stdout.write(jmxExporterConfig(kafkaMetricsRules));' ;;
        connect) expr='import { jmxExporterConfig, connectMetricsRules } from "./components/streaming/metrics"; process.stdout.write(jmxExporterConfig(connectMetricsRules));' ;;
        metastore) expr='import { JMX_EXPORTER_CONFIG } from "./components/lakehouse/metastore-config"; process.stdout.write(JMX_EXPORTER_CONFIG);' ;;
    esac
    (cd "$repo" && node_modules/.bin/tsx -e "$expr") >"$2"
}

log4j2_console() {
    cat >"$1" <<'EOF'
<Configuration status="WARN">
  <Appenders><Console name="STDOUT" target="SYSTEM_OUT"><PatternLayout pattern="%d{ISO8601} %p %m (%c) [%t]%n"/></Console></Appenders>
  <Loggers><Root level="INFO"><AppenderRef ref="STDOUT"/></Root></Loggers>
</Configuration>
EOF
}

kafka_client() { # kafka_client MAIN ARGS... — a short-lived tool JVM outside the measured cgroups
    "$JAVA17_HOME/bin/java" "${CLIENT_JVM_OPTS[@]}" "-Dlog4j2.configurationFile=$WORK/log4j2-tools.xml" \
        -cp "$KAFKA_HOME/libs/*" "$@"
}

kafka_topic() {
    kafka_client org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" --create --if-not-exists \
        --topic "$1" --partitions "${2:-1}" --replication-factor 1
}

kafka_load() {
    local pid="$1" end=$(( SECONDS + LOAD_SECS ))
    (
        kafka_topic measure-a 1; kafka_topic measure-b 3; kafka_topic measure-c 1
        while (( SECONDS < end )); do
            for t in measure-a measure-b; do
                kafka_client org.apache.kafka.tools.ProducerPerformance --topic "$t" --num-records 50000 \
                    --record-size 1024 --throughput 2500 --producer-props "bootstrap.servers=$KAFKA_BOOTSTRAP" acks=all
                kafka_client org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$KAFKA_BOOTSTRAP" \
                    --topic "$t" --messages 50000 --timeout 60000 || true
                (( SECONDS < end )) || break
            done
        done
    ) >>"$WORK/kafka-load.log" 2>&1 &
    local lp=$!
    sample "$pid" "$LOAD_SECS"
    wait "$lp" || true
}

KAFKA_PID=""
start_kafka() {
    kafka_install
    local dir="$WORK/kafka"
    mkdir -p "$dir/data"
    log4j2_console "$WORK/log4j2.xml"
    log4j2_console "$WORK/log4j2-tools.xml"
    sed -i 's/level="INFO"/level="WARN"/' "$WORK/log4j2-tools.xml"
    exporter_config kafka "$dir/metrics-config.yml"
    # A combined KRaft node as Strimzi configures the `dual` pool, with components/streaming/kafka.ts's
    # kafkaConfig for dev (replication factor 1, min ISR 1).
    cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=0
controller.quorum.voters=0@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
auto.create.topics.enable=false
unclean.leader.election.enable=false
EOF
    log "kafka: formatting storage"
    "$JAVA17_HOME/bin/java" "${CLIENT_JVM_OPTS[@]}" "-Dlog4j2.configurationFile=$WORK/log4j2-tools.xml" \
        -cp "$KAFKA_HOME/libs/*" kafka.tools.StorageTool format -t q1Sh-9_ISia_zwGINzRvyQ -c "$dir/server.properties" \
        >"$dir/format.log" 2>&1
    local agent="-javaagent:$CACHE/agents/jmx_prometheus_javaagent-$JMX_EXPORTER_VERSION.jar=127.0.0.1:$KAFKA_METRICS_PORT:$dir/metrics-config.yml"
    local opts=("${KAFKA_JVM_OPTS[@]}" "$agent")
    [[ "$NMT" == 1 ]] && opts+=(-XX:NativeMemoryTracking=summary)
    log "kafka: starting (cgroup ${KAFKA_MEM_LIMIT_MIB}Mi, ${KAFKA_CPUS} CPU)"
    start_in_cgroup kafka "$KAFKA_MEM_LIMIT_MIB" "$KAFKA_CPUS" "$WORK/kafka.log" "$JAVA17_HOME/bin/java" "${opts[@]}" \
        "-Dlog4j2.configurationFile=$WORK/log4j2.xml" -cp "$KAFKA_HOME/libs/*" kafka.Kafka "$dir/server.properties"
    KAFKA_PID="$LAST_PID"
    wait_while_alive kafka "$KAFKA_PID" 180 grep -q "Kafka Server started" "$WORK/kafka.log"
}

run_kafka() {
    [[ -n "$KAFKA_PID" ]] || start_kafka
    measure kafka "$KAFKA_VERSION" "${KAFKA_JVM_OPTS[*]} -javaagent:jmx_prometheus_javaagent-$JMX_EXPORTER_VERSION" \
        "$KAFKA_PID" kafka_load
    log "kafka: load: $(grep -c 'records sent' "$WORK/kafka-load.log" || true) producer runs"
    curl -sf "http://127.0.0.1:$KAFKA_METRICS_PORT/metrics" | grep -c '^kafka_' | xargs printf 'kafka: exporter serves %s kafka_ series\n' >&2 || true
}

connect_load() {
    local pid="$1" end=$(( SECONDS + LOAD_SECS ))
    (
        kafka_topic measure-connect 1
        seq 1 20000 | sed 's/^/line /' >"$WORK/connect-source.txt"
        curl -sf -X PUT -H 'Content-Type: application/json' "http://127.0.0.1:$CONNECT_PORT/connectors/measure-file-source/config" \
            -d "{\"connector.class\":\"org.apache.kafka.connect.file.FileStreamSourceConnector\",\"tasks.max\":\"1\",\"file\":\"$WORK/connect-source.txt\",\"topic\":\"measure-connect\"}"
        echo
        curl -sf -X PUT -H 'Content-Type: application/json' "http://127.0.0.1:$CONNECT_PORT/connectors/measure-file-sink/config" \
            -d "{\"connector.class\":\"org.apache.kafka.connect.file.FileStreamSinkConnector\",\"tasks.max\":\"1\",\"file\":\"$WORK/connect-sink.txt\",\"topics\":\"measure-connect\"}"
        echo
        local n=20000
        while (( SECONDS < end )); do
            sleep 5
            seq $(( n + 1 )) $(( n + 2000 )) | sed 's/^/line /' >>"$WORK/connect-source.txt"; n=$(( n + 2000 ))
            curl -sf "http://127.0.0.1:$CONNECT_PORT/connectors?expand=status" >/dev/null || true
        done
        echo "sink lines: $(wc -l <"$WORK/connect-sink.txt" 2>/dev/null || echo 0) of $n"
    ) >>"$WORK/connect-load.log" 2>&1 &
    local lp=$!
    sample "$pid" "$LOAD_SECS"
    wait "$lp" || true
}

run_connect() {
    connect_install
    [[ -n "$KAFKA_PID" ]] || start_kafka
    local dir="$WORK/connect"
    mkdir -p "$dir"
    exporter_config connect "$dir/metrics-config.yml"
    # Strimzi's KafkaConnect for dev (components/streaming/connect.ts) minus the Kubernetes secrets provider.
    cat >"$dir/connect.properties" <<EOF
bootstrap.servers=$KAFKA_BOOTSTRAP
group.id=measure-connect
config.storage.topic=measure-connect-configs
offset.storage.topic=measure-connect-offsets
status.storage.topic=measure-connect-status
config.storage.replication.factor=-1
offset.storage.replication.factor=-1
status.storage.replication.factor=-1
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=false
value.converter.schemas.enable=false
listeners=http://127.0.0.1:$CONNECT_PORT
rest.advertised.host.name=127.0.0.1
plugin.path=$KAFKA_HOME/plugins
EOF
    # The broker has auto.create.topics.enable=false: Connect creates its internal topics itself (admin client).
    local agent="-javaagent:$CACHE/agents/jmx_prometheus_javaagent-$JMX_EXPORTER_VERSION.jar=127.0.0.1:$CONNECT_METRICS_PORT:$dir/metrics-config.yml"
    local opts=("${KAFKA_JVM_OPTS[@]}" "$agent")
    [[ "$NMT" == 1 ]] && opts+=(-XX:NativeMemoryTracking=summary)
    log "connect: starting (cgroup ${CONNECT_MEM_LIMIT_MIB}Mi, ${CONNECT_CPUS} CPU)"
    start_in_cgroup connect "$CONNECT_MEM_LIMIT_MIB" "$CONNECT_CPUS" "$WORK/connect.log" "$JAVA17_HOME/bin/java" "${opts[@]}" \
        "-Dlog4j2.configurationFile=$WORK/log4j2.xml" -cp "$KAFKA_HOME/libs/*" \
        org.apache.kafka.connect.cli.ConnectDistributed "$dir/connect.properties"
    local pid="$LAST_PID"
    wait_while_alive connect "$pid" 240 curl -sf "http://127.0.0.1:$CONNECT_PORT/connector-plugins"
    log "connect: plugins: $(curl -sf "http://127.0.0.1:$CONNECT_PORT/connector-plugins" | grep -o '"class":"[^"]*"' | cut -d'"' -f4 | tr '\n' ' ')"
    measure connect "$KAFKA_VERSION" "${KAFKA_JVM_OPTS[*]} -javaagent:jmx_prometheus_javaagent-$JMX_EXPORTER_VERSION" "$pid" connect_load
    log "connect: $(tail -1 "$WORK/connect-load.log")"
    stop_pid "$pid"
}

# ---------------------------------------------------------------------------------------------------------------
# Main

print_table() {
    printf '\n%-10s %-8s %9s %13s %9s %9s %13s %9s %9s %9s   %s\n' process version "RSS idle" "PSS/USS idle" "RSS load" \
        "RSS after" "PSS/USS after" "anon after" "VmHWM" "cg peak" "JVM options"
    local name version opts idle idle_pu loadpeak after after_pu anon hwm cgp
    while IFS=$'\t' read -r name version opts idle idle_pu loadpeak after after_pu anon hwm cgp; do
        printf '%-10s %-8s %9s %13s %9s %9s %13s %9s %9s %9s   %s\n' "$name" "$version" "$idle" "$idle_pu" "$loadpeak" \
            "$after" "$after_pu" "$anon" "$hwm" "$cgp" "$opts"
    done <"$RESULTS"
    echo "(MiB. RSS idle: max over 15 s after ${IDLE_SECS} s idle; RSS load: max during ${LOAD_SECS} s of load;"
    echo " RSS after: max over 15 s after ${SETTLE_SECS} s settling; anon after: its anonymous part (RssAnon);"
    echo " VmHWM: the process's peak RSS; cg peak: the memory cgroup's peak usage, page cache included, file pages"
    echo " first touched by an earlier process excluded.)"
    local f; for f in "$WORK"/*-flags.txt; do [[ -f "$f" ]] && echo "$(basename "$f" -flags.txt): $(cat "$f")"; done
}

main() {
    [[ $EUID -eq 0 ]] || { echo "needs root (cgroups)" >&2; exit 1; }
    local what=("$@")
    (( ${#what[@]} )) || what=(all)
    [[ " ${what[*]} " == *" all "* ]] && what=(metastore trino kafka connect)
    # The metastore's load comes through Trino: `metastore` implies `trino`, started after it.
    if [[ " ${what[*]} " == *" metastore "* ]]; then
        local rest=() x
        for x in "${what[@]}"; do [[ "$x" == metastore || "$x" == trino ]] || rest+=("$x"); done
        what=(metastore trino "${rest[@]}")
    fi
    mkdir -p "$CACHE"
    local w
    for w in "${what[@]}"; do
        case "$w" in
            trino) run_trino ;;
            kafka) run_kafka ;;
            connect) run_connect ;;
            metastore) start_metastore ;;
            *) echo "unknown: $w" >&2; exit 2 ;;
        esac
    done
    print_table
}

main "$@"
