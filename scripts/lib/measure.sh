# Sourced by the measurement scripts (measure-jvm-memory.sh, measure-airflow-memory.sh): where our own cgroup is, and
# a throwaway PostgreSQL cluster on 127.0.0.1 run by the `postgres` user (needs PG_BIN, Debian's
# /usr/lib/postgresql/<version>/bin, and a `log` function).

# cg_self CONTROLLER: our own cgroup's path for that controller (cgroup v1), or the v2 path.
cg_self() {
    local ctl="$1" line
    while IFS= read -r line; do
        case "$line" in
            *:"$ctl":*|*,"$ctl":*|*:"$ctl",*) echo "${line#*:*:}"; return ;;
        esac
    done </proc/self/cgroup
    grep '^0::' /proc/self/cgroup | cut -d: -f3
}

# start_throwaway_postgres DIR PORT DB OWNER [SERVER_OPTION...]: initdb in DIR/data (password auth, superuser
# `postgres` with password `measure`), start it on 127.0.0.1:PORT with its socket in the data dir, then create the
# role OWNER (password OWNER) and its database DB. Sets PG_DATA. Stop it with `pg_ctl -D "$PG_DATA" stop`.
start_throwaway_postgres() {
    local dir="$1" port="$2" db="$3" owner="$4"
    shift 4
    mkdir -p "$dir"; echo measure >"$dir/pw"; chown -R postgres: "$dir"
    PG_DATA="$dir/data"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" -A scram-sha-256 --pwfile="$dir/pw" -U postgres >"$dir/initdb.log"
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$dir/postgres.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DATA $*" start >/dev/null
    PGPASSWORD=measure "$PG_BIN/psql" -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE USER $owner PASSWORD '$owner'" \
        -c "CREATE DATABASE $db OWNER $owner" >/dev/null
    log "postgres: $("$PG_BIN/postgres" --version) on 127.0.0.1:$port"
}

# --- A process tree in cgroups with a pod's limits: cgroup v1 (memory, cpu and cpuacct) or v2, nested under our own.
# The caller declares `CGROUPS=()` (removed on exit) and `declare -A CG_MEM CG_CPU CG_ENTER`.

# cg_make NAME PREFIX MEM_MIB CPU_MILLI: the cgroups PREFIX-NAME-<pid>, limited to MEM_MIB of memory and CPU_MILLI
# millicores. CG_ENTER[NAME] lists the cgroup.procs files a process writes its pid to, to join them.
cg_make() {
    local cg="$2-$1-$$" mem=$(( $3 * 1048576 )) quota=$(( $4 * 100 )) d
    if [[ -d /sys/fs/cgroup/memory ]]; then
        d="/sys/fs/cgroup/memory$(cg_self memory)/$cg"; mkdir "$d"; CGROUPS+=("$d"); CG_MEM[$1]="$d"
        echo "$mem" >"$d/memory.limit_in_bytes"
        d="/sys/fs/cgroup/cpu$(cg_self cpu)/$cg"; mkdir "$d"; CGROUPS+=("$d"); CG_CPU[$1]="$d"
        echo 100000 >"$d/cpu.cfs_period_us"; echo "$quota" >"$d/cpu.cfs_quota_us"
        CG_ENTER[$1]="${CG_MEM[$1]}/cgroup.procs $d/cgroup.procs"
        d="/sys/fs/cgroup/cpuacct$(cg_self cpuacct)/$cg"   # the cpu directory itself when the two are co-mounted
        if [[ -d /sys/fs/cgroup/cpuacct && ! -d "$d" ]]; then mkdir "$d"; CGROUPS+=("$d"); CG_ENTER[$1]+=" $d/cgroup.procs"; fi
        [[ -d "$d" ]] && CG_CPU[$1]="$d"
    else
        d="/sys/fs/cgroup$(cg_self '')/$cg"; mkdir "$d"; CGROUPS+=("$d"); CG_MEM[$1]="$d"; CG_CPU[$1]="$d"
        echo "$mem" >"$d/memory.max"; echo "$quota 100000" >"$d/cpu.max"
        CG_ENTER[$1]="$d/cgroup.procs"
    fi
}

cg_pids() { cat "${CG_MEM[$1]}/cgroup.procs" 2>/dev/null; }

# cg_cpu_usec NAME: the CPU time NAME's cgroup has used so far, in microseconds.
cg_cpu_usec() {
    local d="${CG_CPU[$1]}"
    if [[ -r "$d/cpuacct.usage" ]]; then echo $(( $(cat "$d/cpuacct.usage") / 1000 ))
    elif [[ -r "$d/cpu.stat" ]] && grep -q '^usage_usec' "$d/cpu.stat"; then awk '/^usage_usec/ {print $2}' "$d/cpu.stat"
    else echo 0; fi
}

# cg_ws_mib NAME: the working set as the kubelet computes it, usage minus inactive file pages, in MiB.
cg_ws_mib() {
    local d="${CG_MEM[$1]}"
    if [[ -r "$d/memory.current" ]]; then echo $(( ($(cat "$d/memory.current") - $(awk '$1 == "inactive_file" {print $2}' "$d/memory.stat")) / 1048576 ))
    else echo $(( ($(cat "$d/memory.usage_in_bytes") - $(awk '$1 == "total_inactive_file" {print $2}' "$d/memory.stat")) / 1048576 )); fi
}

# stop_started: stops what the script started (the pids in PIDS, last first; up to 15 s, then SIGKILL), the forked
# children left in CGROUPS, and the PostgreSQL in PG_DATA; removes the cgroups.
stop_started() {
    local i t cg
    for (( i=${#PIDS[@]}-1; i>=0; i-- )); do kill "${PIDS[$i]}" 2>/dev/null || true; done
    for t in $(seq 15); do
        for (( i=0; i<${#PIDS[@]}; i++ )); do kill -0 "${PIDS[$i]}" 2>/dev/null && break; done
        (( i < ${#PIDS[@]} )) || break; sleep 1
    done
    for (( i=${#PIDS[@]}-1; i>=0; i-- )); do kill -9 "${PIDS[$i]}" 2>/dev/null || true; { wait "${PIDS[$i]}"; } 2>/dev/null || true; done
    for cg in "${CGROUPS[@]}"; do [[ -f "$cg/cgroup.procs" ]] && xargs -r kill -9 <"$cg/cgroup.procs" 2>/dev/null || true; done
    if [[ -n "${PG_DATA:-}" && -f "$PG_DATA/postmaster.pid" ]]; then
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null 2>&1 || true
    fi
    sleep 1
    for cg in "${CGROUPS[@]}"; do rmdir "$cg" 2>/dev/null || true; done
}

# wait_for WHAT SECONDS COMMAND...: until COMMAND succeeds, or fails after SECONDS.
wait_for() {
    local what="$1" secs="$2" end=$(( SECONDS + $2 )); shift 2
    until "$@" >/dev/null 2>&1; do (( SECONDS < end )) || { log "$what: not ready after ${secs}s"; return 1; }; sleep 2; done
    log "$what: ready"
}
