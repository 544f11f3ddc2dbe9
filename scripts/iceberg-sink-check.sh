#!/usr/bin/env bash
# npm run test:iceberg-sink: runs the feedback loop's data path from Kafka to Trino locally, with the program's own
# configuration (scripts/iceberg-sink-inputs.ts writes it from components/feedback, lakehouse and streaming):
#
#   records as the receiver's VRL writes them --> Kafka 4.3.1 topic feedback.<model> --> Kafka Connect 4.3.1 with
#   the Iceberg plugin resolved from icebergArtifacts("minio") the way Strimzi's build resolves it, and our
#   KafkaConnector config --> Iceberg table created by our bronze DDL through Trino 483 --> Hive Metastore 4.1.0
#   (PostgreSQL) + S3 (moto) --> count/min/max/partitions through Trino --> our monitoring SQL and its read-back.
#
# Everything listens on 127.0.0.1 only (ports ICEBERG_SINK_PORT_BASE+1..+7, default 29101..29107), runs in a
# temporary directory and is stopped on exit. Downloads (Maven Central, PyPI) are cached in
# ${ML_PLATFORM_TOOLS_CACHE:-~/.cache/ml-platform}/iceberg-sink. Needs: node, mvn, curl, Java 17 (JAVA17_HOME),
# Java 25 for Trino 483 (JAVA25_HOME), python3 (moto), PostgreSQL's initdb/pg_ctl (Debian `postgresql`).
# RECORDS (default 1000) records are produced; KEEP=1 keeps the run directory.
set -uo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
CACHE="${ML_PLATFORM_TOOLS_CACHE:-$HOME/.cache/ml-platform}/iceberg-sink"
CENTRAL="${MAVEN_CENTRAL:-https://repo1.maven.org/maven2}"
RECORDS="${RECORDS:-1000}"
BASE="${ICEBERG_SINK_PORT_BASE:-29100}"
PG_PORT=$((BASE + 1)) S3_PORT=$((BASE + 2)) HMS_PORT=$((BASE + 3)) KAFKA_PORT=$((BASE + 4)) CTRL_PORT=$((BASE + 5)) CONNECT_PORT=$((BASE + 6)) TRINO_PORT=$((BASE + 7))
JAVA17="${JAVA17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}/bin/java"
JAVA25="${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
PG_BIN="${PG_BIN:-$(dirname "$(readlink -f "$(command -v pg_ctl || echo /usr/lib/postgresql/15/bin/pg_ctl)")")}"
export AWS_ACCESS_KEY_ID=iceberg-sink-check AWS_SECRET_ACCESS_KEY=iceberg-sink-check-secret AWS_REGION=us-east-1

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
fail() { echo "iceberg-sink: FAIL - $*"; exit 1; }

run=$(mktemp -d /tmp/iceberg-sink-check.XXXXXX)
chmod 755 "$run"
pids=()
pg_started=""
cleanup() {
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null; done
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    for _ in $(seq 30); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.5; done
    kill -9 "${pids[i]}" 2>/dev/null
  done
  [ -n "$pg_started" ] && as_pg "$PG_BIN/pg_ctl" -D "$run/pg" -m fast -w stop >/dev/null 2>&1
  if [ "${KEEP:-}" = 1 ]; then echo "run directory kept: $run" >&2; else rm -rf "$run"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# initdb refuses to run as root: PostgreSQL runs as the `postgres` user then.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { # name port pid seconds
  local i
  for ((i = 0; i < $4 * 2; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { tail -40 "$run/$1.log" >&2; fail "$1 exited before listening on $2 (log above)"; }
    sleep 0.5
  done
  tail -40 "$run/$1.log" >&2; fail "$1 did not listen on 127.0.0.1:$2 within $4 s"
}
start() { # name cmd...: background process, output to $run/<name>.log; its pid in $last_pid
  local name=$1; shift
  "$@" >"$run/$name.log" 2>&1 &
  last_pid=$!
  pids+=("$last_pid")
}

for p in $PG_PORT $S3_PORT $HMS_PORT $KAFKA_PORT $CTRL_PORT $CONNECT_PORT $TRINO_PORT; do
  port_free "$p" || fail "port $p on 127.0.0.1 is in use (set ICEBERG_SINK_PORT_BASE)"
done
for t in node mvn curl python3 "$JAVA17" "$JAVA25" "$PG_BIN/initdb" "$PG_BIN/pg_ctl"; do
  command -v "$t" >/dev/null || fail "missing tool: $t"
done

# --- 1. inputs from the program's own functions -------------------------------------------------------------------
in="$run/in"
S3_ENDPOINT="http://127.0.0.1:$S3_PORT" METASTORE_URI="thrift://127.0.0.1:$HMS_PORT" RECORDS="$RECORDS" \
  npx tsx scripts/iceberg-sink-inputs.ts "$in" >&2 || fail "scripts/iceberg-sink-inputs.ts failed"
json() { node -e 'const o=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(process.argv[2].split(".").reduce((v,k)=>v[k],o))' "$@"; }

# --- 2. downloads (cached) ------------------------------------------------------------------------------------------
mkdir -p "$CACHE"
mvnq() { mvn -B -q -Dmaven.repo.local="$CACHE/m2" "$@"; }
# resolve <dir> g:a:v...: a throwaway POM with those dependencies, `copy-dependencies -DincludeScope=runtime`.
# The POM and the done-marker live under $CACHE/poms: a plugin directory must hold nothing but the plugin.
resolve() {
  local out=$1; shift
  local pom; pom="$CACHE/poms/$(printf "%s " "$out" "$@" | sha1sum | cut -c1-12)"
  [ -f "$pom/.done" ] && [ -d "$out" ] && return 0
  rm -rf "$out" "$pom"; mkdir -p "$pom" "$out"
  {
    echo '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><groupId>local</groupId><artifactId>resolve</artifactId><version>0</version><dependencies>'
    local c g a v
    for c in "$@"; do IFS=: read -r g a v <<<"$c"; echo "<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>"; done
    echo '</dependencies></project>'
  } >"$pom/pom.xml"
  log "resolving $* into $out"
  mvnq -f "$pom/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$out" >&2 || return 1
  touch "$pom/.done"
}
# Strimzi 1.2.0's build (cluster-operator/.../model/KafkaConnectDockerfile.java), artifact by artifact, each in its own
# directory <plugin>/<hash> (Util.hashStub: the first 8 hex digits of a SHA-1):
# - `type: maven`: hash of "<group>/<artifact>/<version>"; the artifact's own POM downloaded as pom.xml,
#   `mvn dependency:copy-dependencies [-DincludeScope=<scope>] -DoutputDirectory=<dir> -f pom.xml`, then the
#   artifact's jar into the same directory;
# - `type: jar`: hash of the URL; the file downloaded as <dir>/<hash>.jar and, with a sha512sum, checked by
#   `sha512sum -c` (a mismatch fails the build); nothing else.
strimzi_plugin() { # <plugin.path root> <plugin name> <artifact list>
  local root=$1 name=$2 list=$3 out="$1/$2"
  [ -f "$root/.done" ] && return 0
  rm -rf "$root" "$root.poms"; mkdir -p "$out"
  local type gav scope g a v h d base
  while read -r type gav scope; do
    [ -n "$type" ] || continue
    if [ "$type" = jar ]; then
      h=$(printf %s "$gav" | sha1sum | cut -c1-8) d="$out/$h"
      mkdir -p "$d"
      curl -fsSL --retry 3 -o "$d/$h.jar" "$gav" || return 1
      if [ "$scope" != - ]; then
        echo "$scope $d/$h.jar" | sha512sum -c --quiet >&2 || { echo "iceberg-sink: $gav does not match its sha512sum" >&2; return 1; }
      fi
      log "plugin artifact $gav -> $h (jar)"
      continue
    fi
    IFS=: read -r g a v <<<"$gav"
    h=$(printf %s "$g/$a/$v" | sha1sum | cut -c1-8)
    d="$out/$h" base="$CENTRAL/${g//.//}/$a/$v/$a-$v"
    mkdir -p "$d" "$root.poms/$h"
    curl -fsSL --retry 3 -o "$root.poms/$h/pom.xml" "$base.pom" || return 1
    [ "$scope" = - ] && scope=""
    if ! mvnq -f "$root.poms/$h/pom.xml" dependency:copy-dependencies ${scope:+-DincludeScope=$scope} -DoutputDirectory="$d" >"$root.poms/$h/mvn.log" 2>&1; then
      # The artifact's POM as the project makes Maven resolve its test-scoped dependencies too (the goal resolves
      # the test scope, then filters). Where the repository lacks one of those, resolve it as a consumer would.
      echo "$gav: Strimzi-style resolution failed: $(grep -m1 -o 'Could not resolve dependencies.*' "$root.poms/$h/mvn.log" | cut -c1-300); resolved as a dependency instead" >>"$root/WARNINGS"
      rm -rf "$d"; resolve "$d.tmp" "$gav" || return 1
      mv "$d.tmp" "$d"; rm -f "$d/$a-$v.jar"
    fi
    curl -fsSL --retry 3 -o "$d/$a-$v.jar" "$base.jar" || return 1
    log "plugin artifact $gav -> $h ($(ls "$d" | wc -l) jars)"
  done <"$list"
  touch "$root/.done"
}

log "downloads into $CACHE (cached after the first run)"
# One plugin.path per artifact list (a changed list is resolved afresh next to the old one).
PLUGIN_PATH="$CACHE/plugins-$(sha1sum <"$in/plugin-artifacts.txt" | cut -c1-12)"
strimzi_plugin "$PLUGIN_PATH" iceberg "$in/plugin-artifacts.txt" || fail "the Iceberg plugin's artifacts did not resolve"
[ -f "$PLUGIN_PATH/WARNINGS" ] && sed 's/^/WARN: /' "$PLUGIN_PATH/WARNINGS" >&2
# Diagnosis only: run against a hand-edited copy of the plugin directory (e.g. one jar removed).
[ -n "${ICEBERG_SINK_PLUGIN_PATH:-}" ] && { PLUGIN_PATH=$ICEBERG_SINK_PLUGIN_PATH; log "plugin.path overridden: $PLUGIN_PATH"; }
KAFKA="$CACHE/kafka-4.3.1/libs"
resolve "$KAFKA" org.apache.kafka:kafka_2.13:4.3.1 org.apache.kafka:connect-runtime:4.3.1 org.apache.kafka:connect-json:4.3.1 \
  org.apache.kafka:kafka-tools:4.3.1 org.apache.logging.log4j:log4j-slf4j-impl:2.25.4 || fail "Kafka 4.3.1 did not resolve"
# Hive 4.1.0 publishes no metastore server artifact or binary on Central: hive-exec 4.1.0 carries the server
# classes (its DataNucleus JDO/RDBMS modules and spring-jdbc are optional dependencies there, named here); Hadoop 3.4.1 as in the
# image, with S3A; the PostgreSQL driver our metastore pins (lakehouse/jars.ts).
HIVE="$CACHE/hive-4.1.0/lib"
resolve "$HIVE" org.apache.hive:hive-exec:4.1.0 org.apache.hive:hive-metastore:4.1.0 org.apache.hadoop:hadoop-common:3.4.1 \
  org.apache.hadoop:hadoop-auth:3.4.1 org.apache.hadoop:hadoop-mapreduce-client-core:3.4.1 org.apache.hadoop:hadoop-hdfs:3.4.1 org.apache.hadoop:hadoop-aws:3.4.1 \
  org.datanucleus:datanucleus-api-jdo:6.0.3 org.datanucleus:datanucleus-rdbms:6.0.10 org.datanucleus:javax.jdo:3.2.0-release \
  org.springframework:spring-jdbc:5.3.39 \
  org.postgresql:postgresql:42.7.14 || fail "Hive Metastore 4.1.0 did not resolve"
# Trino 483's server tarball is not on Central (here): the server is trino-main's runtime classpath, the
# Iceberg plugin trino-iceberg's, without trino-spi (the server provides it).
TRINO="$CACHE/trino-483"
resolve "$TRINO/lib" io.trino:trino-main:483 || fail "Trino 483 did not resolve"
if [ ! -f "$TRINO/plugin/iceberg/zz-services.jar" ]; then
  resolve "$TRINO/plugin/iceberg" io.trino:trino-iceberg:483 || fail "Trino's Iceberg plugin did not resolve"
  rm -f "$TRINO"/plugin/iceberg/trino-spi-[0-9]*.jar
  # The published jar lacks the ServiceLoader entry the plugin packaging adds: put it in a jar of its own.
  mkdir -p "$run/services/META-INF/services"
  echo io.trino.plugin.iceberg.IcebergPlugin >"$run/services/META-INF/services/io.trino.spi.Plugin"
  (cd "$run/services" && "$(dirname "$JAVA17")/jar" cf "$TRINO/plugin/iceberg/zz-services.jar" META-INF) || fail "services jar"
fi
if [ ! -x "$CACHE/moto-venv/bin/moto_server" ]; then
  log "installing moto[server] from PyPI into $CACHE/moto-venv"
  python3 -m venv "$CACHE/moto-venv" && "$CACHE/moto-venv/bin/pip" install -q "moto[server]==5.2.5" >&2 || fail "moto did not install"
fi

# --- 3. PostgreSQL, S3 (moto), Hive Metastore ------------------------------------------------------------------------
log "PostgreSQL on 127.0.0.1:$PG_PORT"
mkdir -p "$run/pg" "$run/pgsock"
[ "$(id -u)" = 0 ] && chown postgres "$run/pg" "$run/pgsock"
as_pg "$PG_BIN/initdb" -D "$run/pg" -U postgres -A trust >"$run/initdb.log" 2>&1 || { cat "$run/initdb.log" >&2; fail "initdb"; }
as_pg "$PG_BIN/pg_ctl" -D "$run/pg" -l "$run/pg/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $run/pgsock" start >/dev/null || fail "PostgreSQL did not start"
pg_started=1
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -c "CREATE USER hive PASSWORD 'hive'" -c "CREATE DATABASE metastore OWNER hive" || fail "metastore database"

log "S3 (moto_server) on 127.0.0.1:$S3_PORT"
start moto "$CACHE/moto-venv/bin/moto_server" -H 127.0.0.1 -p "$S3_PORT"
wait_port moto "$S3_PORT" "$last_pid" 60
for b in bronze silver gold; do curl -fsS -X PUT "http://127.0.0.1:$S3_PORT/$b" >/dev/null || fail "bucket $b"; done

log "Hive Metastore 4.1.0 on 127.0.0.1:$HMS_PORT"
mkdir -p "$run/hms-conf"
{
  echo '<?xml version="1.0"?><configuration>'
  while IFS=$'\t' read -r k v; do
    # Substitution: the schema scripts are not published on Central, so DataNucleus creates the schema (below).
    case "$k" in
      datanucleus.schema.autoCreateAll) v=true ;;
      metastore.schema.verification) v=false ;;
      metastore.thrift.port) v=$HMS_PORT ;;
    esac
    printf '<property><name>%s</name><value>%s</value></property>\n' "$k" "$v"
  done <"$in/metastore.properties"
  echo '<property><name>metastore.thrift.bind.host</name><value>127.0.0.1</value></property>'
  echo '</configuration>'
} >"$run/hms-conf/hive-site.xml"
cat >"$run/hms-conf/log4j2.properties" <<EOF
rootLogger.level=INFO
rootLogger.appenderRef.console.ref=console
appender.console.type=Console
appender.console.name=console
appender.console.layout.type=PatternLayout
appender.console.layout.pattern=%d{ISO8601} %p %c{1}: %m%n
EOF
# Substitution for schematool -initSchema (its scripts ship only in Hive's binary tarball): DataNucleus' SchemaTool
# creates every table of the metastore's JDO mapping (package.jdo) up front. Left to the server's lazy creation,
# the first CREATE TABLE deadlocks: ALTER TABLE "TBL_PRIVS" ADD CONSTRAINT ... REFERENCES "TBLS" waits behind
# that very request's open INSERT INTO "TABLE_PARAMS".
mkdir -p "$run/jdo" && (cd "$run/jdo" && "$(dirname "$JAVA17")/jar" xf "$HIVE/hive-exec-4.1.0.jar" package.jdo) || fail "package.jdo"
cat >"$run/hms-conf/datanucleus.properties" <<EOF
javax.jdo.PersistenceManagerFactoryClass=org.datanucleus.api.jdo.JDOPersistenceManagerFactory
javax.jdo.option.ConnectionDriverName=org.postgresql.Driver
javax.jdo.option.ConnectionURL=jdbc:postgresql://127.0.0.1:$PG_PORT/metastore
javax.jdo.option.ConnectionUserName=hive
javax.jdo.option.ConnectionPassword=hive
datanucleus.identifierFactory=datanucleus1
datanucleus.rdbms.useLegacyNativeValueStrategy=true
datanucleus.schema.autoCreateAll=true
EOF
"$JAVA17" -cp "$HIVE/*" org.datanucleus.store.schema.SchemaTool -create -api JDO -props "$run/hms-conf/datanucleus.properties" \
  "$run/jdo/package.jdo" >"$run/schematool.log" 2>&1 || { tail -20 "$run/schematool.log" >&2; fail "metastore schema"; }
# hive-exec's dependencies bring slf4j-reload4j too, which wins: configure log4j 1 as well.
printf 'log4j.rootLogger=INFO, console\nlog4j.appender.console=org.apache.log4j.ConsoleAppender\nlog4j.appender.console.layout=org.apache.log4j.PatternLayout\nlog4j.appender.console.layout.ConversionPattern=%%d %%p %%c{1}: %%m%%n\n' >"$run/hms-conf/log4j.properties"
# The site file names the database through ${env.METASTORE_DB_*}, as in the cluster.
start hms env METASTORE_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/metastore" METASTORE_DB_USER=hive METASTORE_DB_PASSWORD=hive \
  "$JAVA17" -Xmx512m -Dlog4j2.configurationFile="$run/hms-conf/log4j2.properties" -cp "$run/hms-conf:$HIVE/*" \
  org.apache.hadoop.hive.metastore.HiveMetaStore
wait_port hms "$HMS_PORT" "$last_pid" 180

# --- 4. Trino 483 with our lakehouse catalog, and our bronze/gold DDL -------------------------------------------------
log "Trino 483 on 127.0.0.1:$TRINO_PORT"
mkdir -p "$run/trino/etc/catalog" "$run/trino/data"
cat >"$run/trino/etc/config.properties" <<EOF
coordinator=true
node-scheduler.include-coordinator=true
http-server.http.port=$TRINO_PORT
discovery.uri=http://127.0.0.1:$TRINO_PORT
query.max-memory=400MB
query.max-memory-per-node=400MB
plugin.dir=$TRINO/plugin
catalog.config-dir=$run/trino/etc/catalog
EOF
# Substitution: the `hive` catalog (iceberg.hive-catalog-name's redirect target) is left out: no plain Hive tables here.
cp "$in/trino-lakehouse.properties" "$run/trino/etc/catalog/lakehouse.properties"
# Substitution: without Hive's schema scripts (not on Central) the metastore has no transaction tables
# (HIVE_LOCKS, TXNS, ...), so its lock API cannot work here: Trino and the sink commit without HMS locks, through
# the metastore's conditional alter_table (Hive 4's expected-parameter check) instead.
echo "iceberg.hive-catalog.locking-enabled=false" >>"$run/trino/etc/catalog/lakehouse.properties"
cat >"$run/trino/TrinoMain.java" <<'EOF'
public final class TrinoMain {
    public static void main(String[] args) {
        new io.trino.server.Server().start("483");
    }
}
EOF
start trino "$JAVA25" -Xmx1500m -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED --add-modules=jdk.incubator.vector \
  --add-opens=java.base/java.nio=ALL-UNNAMED -Djdk.attach.allowAttachSelf=true -Dhttp-server.http.host=127.0.0.1 \
  -Dnode.environment=iceberg_sink_check -Dnode.id=iceberg-sink-check -Dnode.data-dir="$run/trino/data" -Dnode.internal-address=127.0.0.1 \
  -Dconfig="$run/trino/etc/config.properties" -cp "$TRINO/lib/*" "$run/trino/TrinoMain.java"
wait_port trino "$TRINO_PORT" "$last_pid" 240
cat >"$run/trino.mjs" <<'EOF'
// node trino.mjs <server> <file>: each statement of the file (split at a `;` ending a line), rows as TSV.
import * as fs from "fs";
const [server, file] = process.argv.slice(2);
const statements = fs.readFileSync(file, "utf8").split(/;\s*$/m).map((s) => s.trim()).filter(Boolean);
const headers = { "X-Trino-User": "feedback" };
for (const st of statements) {
    let page = await (await fetch(`${server}/v1/statement`, { method: "POST", headers, body: st })).json();
    const rows = [];
    for (;;) {
        if (page.error) { console.error(`Trino: ${page.error.message}\n  in: ${st.split("\n")[0]}`); process.exit(1); }
        if (page.data) rows.push(...page.data);
        if (!page.nextUri) break;
        await new Promise((r) => setTimeout(r, 100));
        page = await (await fetch(page.nextUri, { headers })).json();
    }
    for (const r of rows) console.log(r.map((v) => (v !== null && typeof v === "object" ? JSON.stringify(v) : v)).join("\t"));
}
EOF
trino_sql() { node "$run/trino.mjs" "http://127.0.0.1:$TRINO_PORT" "$1"; }
trino_q() { printf '%s\n' "$1" >"$run/q.sql"; trino_sql "$run/q.sql"; }
for _ in $(seq 120); do trino_q "SELECT 1" >/dev/null 2>&1 && break; sleep 2; done
log "bronze/gold DDL (bootstrapSql) through Trino"
trino_sql "$in/bootstrap.sql" >"$run/ddl.out" || fail "our DDL failed through Trino (error above)"

# --- 5. Kafka 4.3.1 (KRaft, one node) and its topics --------------------------------------------------------------------
log "Kafka 4.3.1 on 127.0.0.1:$KAFKA_PORT"
mkdir -p "$run/kafka"
cp "$run/hms-conf/log4j2.properties" "$run/kafka/log4j2.properties"
{
  cat <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CTRL_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CTRL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$run/kafka/data
group.initial.rebalance.delay.ms=0
EOF
  # The dev cluster's broker settings (kafkaConfig).
  node -e 'for (const [k,v] of Object.entries(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")))) console.log(`${k}=${v}`)' "$in/broker.json"
} >"$run/kafka/server.properties"
kjava() { "$JAVA17" -Xmx384m -Dlog4j2.configurationFile="$run/kafka/log4j2.properties" -cp "$KAFKA/*" "$@"; }
kjava kafka.tools.StorageTool format -t "$(kjava kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" -c "$run/kafka/server.properties" >"$run/kafka-format.log" 2>&1 ||
  { cat "$run/kafka-format.log" >&2; fail "kafka storage format"; }
start kafka "$JAVA17" -Xmx512m -Dlog4j2.configurationFile="$run/kafka/log4j2.properties" -cp "$KAFKA/*" kafka.Kafka "$run/kafka/server.properties"
wait_port kafka "$KAFKA_PORT" "$last_pid" 120
# The topics Streaming declares for the loop (feedbackTopics): `-` partitions = the broker's default.
while read -r name partitions retention; do
  kjava org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --create --topic "$name" \
    $([ "$partitions" != - ] && echo --partitions "$partitions") $([ "$retention" != - ] && echo --config "retention.ms=$retention") >>"$run/topics.log" 2>&1 ||
    { cat "$run/topics.log" >&2; fail "topic $name"; }
done <"$in/topics.txt"

# --- 6. Kafka Connect (distributed, one worker) with the plugin, and our connector -----------------------------------
log "Kafka Connect 4.3.1 on 127.0.0.1:$CONNECT_PORT, plugin.path=$PLUGIN_PATH"
mkdir -p "$run/connect"
{
  cat <<EOF
bootstrap.servers=127.0.0.1:$KAFKA_PORT
group.id=$(json "$in/connect-cluster.json" groupId)
config.storage.topic=$(json "$in/connect-cluster.json" configStorageTopic)
offset.storage.topic=$(json "$in/connect-cluster.json" offsetStorageTopic)
status.storage.topic=$(json "$in/connect-cluster.json" statusStorageTopic)
listeners=http://127.0.0.1:$CONNECT_PORT
rest.advertised.host.name=127.0.0.1
rest.advertised.port=$CONNECT_PORT
plugin.path=$PLUGIN_PATH
EOF
  # The KafkaConnect's spec.config (kafkaConnectSpec): converters, replication factors.
  node -e 'for (const [k,v] of Object.entries(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")))) console.log(`${k}=${v}`)' "$in/worker.json"
} >"$run/connect/worker.properties"
start_connect() {
  start "connect${1:-}" "$JAVA17" -Xmx768m -Dlog4j2.configurationFile="$run/kafka/log4j2.properties" -cp "$KAFKA/*" \
    org.apache.kafka.connect.cli.ConnectDistributed "$run/connect/worker.properties"
  connect_pid=$last_pid
  wait_port "connect${1:-}" "$CONNECT_PORT" "$connect_pid" 240
}
start_connect
connect_api() { curl -fsS -H 'Content-Type: application/json' "$@"; }
for _ in $(seq 120); do connect_api "http://127.0.0.1:$CONNECT_PORT/connector-plugins" >"$run/plugins.json" 2>/dev/null && break; sleep 2; done
grep -q 'org.apache.iceberg.connect.IcebergSinkConnector' "$run/plugins.json" || { cat "$run/plugins.json" >&2; fail "Connect does not list IcebergSinkConnector"; }
log "connector feedback-iceberg (kafkaConnectorSpec)"
# Substitution (see the Trino catalog above): the sink's HiveCatalog commits without HMS locks.
node -e 'const f=process.argv[1],c=JSON.parse(require("fs").readFileSync(f,"utf8"));c["iceberg.hadoop.iceberg.engine.hive.lock-enabled"]="false";require("fs").writeFileSync(f,JSON.stringify(c,null,2))' "$in/connector.json"
connect_api -X PUT --data @"$in/connector.json" "http://127.0.0.1:$CONNECT_PORT/connectors/feedback-iceberg/config" >"$run/connector-put.json" ||
  { cat "$run/connector-put.json" >&2; fail "Connect refused the connector config"; }
# connector_state: "<connector>,<task>..." states; fails the check, with the task's trace, once one has FAILED.
connector_state() {
  local st
  st=$(curl -fsS "http://127.0.0.1:$CONNECT_PORT/connectors/feedback-iceberg/status" 2>/dev/null)
  state=$(node -e 'const s=JSON.parse(process.argv[1]);console.log([s.connector.state,...s.tasks.map(t=>t.state)].join(","))' "$st" 2>/dev/null)
  case "$state" in *FAILED*)
    echo "$st" | node -e 'const s=JSON.parse(require("fs").readFileSync(0));for(const t of [s.connector,...s.tasks]) if(t.trace) console.log(t.trace.split("\n").filter(l=>!/^\s+at |^\s+\.\.\./.test(l)).join("\n"))'
    fail "connector/task FAILED (the trace's messages above)";;
  esac
}
state=""
for _ in $(seq 90); do
  connector_state
  [[ "$state" == RUNNING,RUNNING* ]] && break
  sleep 2
done
[[ "$state" == RUNNING,RUNNING* ]] || fail "connector not running after 180 s (state: $state)"

# --- 7. records, as the receiver's Kafka sink writes them (key event_id, JSON value, zstd, acks=all, idempotent) -------
produce() { # file
  kjava org.apache.kafka.tools.ConsoleProducer --bootstrap-server "127.0.0.1:$KAFKA_PORT" --topic "$(json "$in/expect.json" topic)" \
    --reader-property parse.key=true --reader-property "key.separator=	" --compression-codec zstd \
    --producer-property acks=all --producer-property enable.idempotence=true <"$1" >>"$run/produce.log" 2>&1 || { cat "$run/produce.log" >&2; fail "producing records"; }
}
total=$(wc -l <"$in/records.txt")
half=$((total / 2))
head -n "$half" "$in/records.txt" >"$run/records-1.txt"
tail -n +"$((half + 1))" "$in/records.txt" >"$run/records-2.txt"
log "producing $half records"
produce "$run/records-1.txt"
# Exactly once across a worker restart: stop the worker after its first commit, produce the rest while it is down.
table=$(json "$in/expect.json" table)
bronze_table="${table%.*}.\"${table##*.}"
count() { trino_q "SELECT count(*) FROM $table" 2>/dev/null | tail -1; }
log "waiting for the first commit (commit interval 60 s)"
for _ in $(seq 60); do [ "$(count)" = "$half" ] && break; connector_state; sleep 5; done
first=$(count)
log "after the first commit: $first rows; restarting the Connect worker"
kill "$connect_pid"; for _ in $(seq 60); do kill -0 "$connect_pid" 2>/dev/null || break; sleep 0.5; done
produce "$run/records-2.txt"
start_connect 2
log "produced $total records; waiting for the sink to commit them all"
for _ in $(seq 72); do [ "$(count)" = "$total" ] && break; connector_state; sleep 5; done
sleep 65 # one more commit interval: anything committed twice would show now

# --- 8. checks through Trino ------------------------------------------------------------------------------------------------
exp() { json "$in/expect.json" "$1"; }
# Tab-separated: the timestamps have spaces in them.
IFS=$'\t' read -r rows ids mn mx < <(trino_q "SELECT count(*), count(DISTINCT event_id || event_type), CAST(min(event_time) AS varchar), CAST(max(event_time) AS varchar) FROM $table")
parts=$(trino_q "SELECT CAST(partition.event_time_day AS varchar) || '=' || CAST(record_count AS varchar) FROM ${bronze_table}\$partitions\" ORDER BY 1" | paste -sd, -)
spec=$(trino_q "SELECT regexp_extract(\"Create Table\", 'partitioning = ARRAY\[[^]]*\]') FROM (SHOW CREATE TABLE $table)" 2>/dev/null || true)
[ -n "$spec" ] || spec=$(trino_q "SHOW CREATE TABLE $table" | grep -o "partitioning = ARRAY\[[^]]*\]")
want_parts=$(node -e 'const e=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(Object.entries(e.perDay).map(([d,n])=>`${d}=${n}`).join(","))' "$in/expect.json")
snapshots=$(trino_q "SELECT count(*) FROM ${bronze_table}\$snapshots\"")
trino_sql "$in/monitoring.sql" >"$run/monitoring.out" 2>"$run/monitoring.err"; mon_rc=$?
metrics=$(trino_sql "$in/read-back.sql" 2>>"$run/monitoring.err" | sort | paste -sd, -)
request_count=$(trino_sql "$in/read-back.sql" 2>/dev/null | awk -F'\t' '$1=="request_count"{print $2}')

elapsed=$(($(date +%s) - started))
echo "iceberg-sink: $table after $total records (Kafka 4.3.1, Iceberg 1.11.0 sink, HMS 4.1.0, Trino 483), ${elapsed}s"
echo "  rows            $rows (want $total); distinct (event_id, event_type) $ids (want $total)"
echo "  after restart   first commit had $first rows (want $half), snapshots $snapshots"
echo "  event_time      min $mn (want $(exp minEventTime)), max $mx (want $(exp maxEventTime))"
echo "  partitions      $parts (want $want_parts); $spec"
echo "  monitoring SQL  rc=$mon_rc; read-back: $metrics"
# The coordinator's rounds (Iceberg 1.11.0's CommitState/Coordinator log lines): a round is "ready" once every
# partition's worker answered its START_COMMIT, else it ends at the commit timeout as a partial commit.
ready=$(cat "$run"/connect*.log | grep -c "INFO CommitState: Commit .* ready, received responses for all")
timedout=$(cat "$run"/connect*.log | grep -c "Commit timeout reached")
landed=$(cat "$run"/connect*.log | grep -c "committed to [1-9][0-9]* table(s)")
echo "  commit rounds   $ready answered by the worker, $timedout timed out; $landed committed data (want some answered)"
[ -s "$run/monitoring.err" ] && sed 's/^/  monitoring: /' "$run/monitoring.err"
ok=1
[ "$rows" = "$total" ] && [ "$ids" = "$total" ] || ok=0
[ "$mn" = "$(exp minEventTime)" ] && [ "$mx" = "$(exp maxEventTime)" ] || ok=0
[ "$parts" = "$want_parts" ] || ok=0
[[ "$spec" == *"day(event_time)"* ]] || ok=0
[ "$mon_rc" = 0 ] && [ "${request_count%.*}" = "$(exp requests)" ] || ok=0
[ "$ready" -gt 0 ] || ok=0
if [ "$ok" = 1 ]; then echo "iceberg-sink: PASS"; else
  grep -h -E "ERROR|Exception" "$run"/connect*.log | grep -v "^\s" | sort | uniq -c | sort -rn | head -20
  echo "iceberg-sink: FAIL"; exit 1
fi
