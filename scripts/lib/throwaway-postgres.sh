# Sourced by the measurement scripts: a throwaway PostgreSQL cluster on 127.0.0.1, run by the `postgres` user.
# Needs PG_BIN (Debian's /usr/lib/postgresql/<version>/bin) and a `log` function.

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
