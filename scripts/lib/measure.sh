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
