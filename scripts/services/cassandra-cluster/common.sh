# Shared by the cluster scripts (sourced, not run). Node N (1..3) listens on 127.0.0.N: CQL 19042, storage 17000,
# local-only JMX 1719N; its data, logs and pid file are in $CLUSTER_DIR/nodeN.
# shellcheck shell=bash

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SINGLE="$(cd "$HERE/../cassandra" && pwd)"   # the single-node server: its pom.xml, lib/ and logback.xml are reused
LIB="$SINGLE/lib"
# shellcheck source=../cassandra/jvm-module-options.sh
source "$SINGLE/jvm-module-options.sh"
CLUSTER_DIR="${STREAMSTORE_CLUSTER_DIR:-/tmp/streamstore-cassandra-cluster}"
HEAP="${STREAMSTORE_CLUSTER_HEAP:-768m}"
TIMEOUT="${STREAMSTORE_CLUSTER_START_TIMEOUT:-240}"
CQL_PORT=19042
NODES=(1 2 3)

clog() { echo "[cassandra-cluster] $*"; }
node_address() { echo "127.0.0.$1"; }
node_dir() { echo "$CLUSTER_DIR/node$1"; }
node_jmx_port() { echo "1719$1"; }
node_pidfile() { echo "$(node_dir "$1")/cassandra.pid"; }

check_node_number() {
  [[ "${1:-}" =~ ^[123]$ ]] || { echo "[cassandra-cluster] node number must be 1, 2 or 3 (got '${1:-}')" >&2; exit 2; }
}

# A real CQL handshake (OPTIONS -> SUPPORTED) with the single node's probe.
node_cql_ready() { node "$SINGLE/cql-ping.mjs" "$(node_address "$1")" "$CQL_PORT" 2000 >/dev/null 2>&1; }

# The pid of node N's JVM, if it is running (a recycled pid that is not this node's JVM does not count).
node_pid() {
  local pidfile pid
  pidfile="$(node_pidfile "$1")"
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null |
    grep -q -- "-Dcassandra.storagedir=$(node_dir "$1") .*org.apache.cassandra.service.CassandraDaemon" || return 1
  echo "$pid"
}

node_show_logs() {
  local logs
  logs="$(node_dir "$1")/logs"
  for f in system.log stdout.log; do
    if [[ -s "$logs/$f" ]]; then
      echo "----- node $1: last 60 lines of $logs/$f -----"
      tail -n 60 "$logs/$f"
    fi
  done
}

find_java17() {
  local cand
  java_major() { "$1" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n1; }
  for cand in "${STREAMSTORE_CASSANDRA_JAVA:-}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)" \
              /usr/lib/jvm/java-17-openjdk-amd64/bin/java /usr/lib/jvm/java-17-openjdk-arm64/bin/java /usr/lib/jvm/*17*/bin/java; do
    [[ -n "$cand" && -x "$cand" ]] || continue
    if [[ "$(java_major "$cand")" == "17" ]]; then echo "$cand"; return 0; fi
  done
  echo "[cassandra-cluster] ERROR: Cassandra 5.0 needs Java 17; none found (set STREAMSTORE_CASSANDRA_JAVA)." >&2
  return 1
}

# The jars of the single-node server (scripts/services/cassandra/lib), fetched with its pom.xml when missing.
ensure_jars() {
  local version
  version="$(sed -n 's:.*<cassandra.version>\(.*\)</cassandra.version>.*:\1:p' "$SINGLE/pom.xml")"
  if [[ "$(cat "$LIB/.complete" 2>/dev/null || true)" != "$version" ]]; then
    mkdir -p "$CLUSTER_DIR"
    # Same lock as the single node's start.sh would need: take the single node's start lock while filling lib/.
    mkdir -p "${STREAMSTORE_CASSANDRA_DIR:-/tmp/streamstore-cassandra}"
    exec 8>"${STREAMSTORE_CASSANDRA_DIR:-/tmp/streamstore-cassandra}/.start.lock"
    command -v flock >/dev/null 2>&1 && flock 8
    if [[ "$(cat "$LIB/.complete" 2>/dev/null || true)" != "$version" ]]; then
      clog "fetching Cassandra $version jars into $LIB (maven, $SINGLE/pom.xml) ..."
      rm -rf "$LIB"
      mkdir -p "$LIB"
      local mvnlog="$CLUSTER_DIR/maven.log"
      mvn_copy() {
        mvn -q -B -Dstyle.color=never "$@" -f "$SINGLE/pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIB" >"$mvnlog" 2>&1
      }
      if ! mvn_copy -o && ! mvn_copy; then
        echo "[cassandra-cluster] ERROR: maven could not fetch the Cassandra jars:" >&2
        tail -n 40 "$mvnlog" >&2
        exit 1
      fi
      echo "$version" > "$LIB/.complete"
    fi
    exec 8>&-
  fi
  CASSANDRA_VERSION="$version"
  JAMM="$(ls "$LIB"/jamm-*.jar 2>/dev/null | head -n1 || true)"
  if [[ -z "$JAMM" || ! -f "$LIB/cassandra-all-$version.jar" ]]; then
    echo "[cassandra-cluster] ERROR: $LIB is incomplete (no jamm or cassandra-all jar); delete it and retry." >&2
    exit 1
  fi
}

# Launches node N's JVM in the background (own session, survives this script); does not wait for CQL.
launch_node() {
  local n="$1" dir logs address java pidfile
  dir="$(node_dir "$n")"; logs="$dir/logs"; address="$(node_address "$n")"; pidfile="$(node_pidfile "$n")"
  java="$(find_java17)"
  mkdir -p "$dir" "$logs" "$dir/triggers"
  sed "s/@ADDRESS@/$address/g" "$HERE/cassandra.yaml.in" > "$dir/cassandra.yaml"
  local opts=(
    "-Xms$HEAP" "-Xmx$HEAP"
    -XX:+UseG1GC -XX:+ParallelRefProcEnabled -XX:MaxTenuringThreshold=1 -XX:G1HeapRegionSize=8m
    -XX:G1RSetUpdatingPauseTimePercent=5 -XX:MaxGCPauseMillis=300 -XX:InitiatingHeapOccupancyPercent=70
    -XX:ParallelGCThreads=1 -XX:ConcGCThreads=1 -XX:CICompilerCount=2
    -ea "-da:net.openhft..." -XX:+UseThreadPriorities -Xss256k
    -XX:+UseTLAB -XX:+ResizeTLAB -XX:+PerfDisableSharedMem
    -XX:+HeapDumpOnOutOfMemoryError "-XX:HeapDumpPath=$dir" -XX:+ExitOnOutOfMemoryError
    -Djava.net.preferIPv4Stack=true
    "${CASSANDRA_MODULE_OPTIONS[@]}"
    "-javaagent:$JAMM"
    -Dcassandra-foreground=yes
    "-Dcassandra.config=file://$dir/cassandra.yaml"
    "-Dcassandra.storagedir=$dir"
    "-Dcassandra.logdir=$logs"
    "-Dcassandra.triggers_dir=$dir/triggers"
    "-Dlogback.configurationFile=file://$SINGLE/logback.xml"
    "-Dcassandra.jmx.local.port=$(node_jmx_port "$n")"
    -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true
    # Faster start: the seeds are all local, gossip converges in well under a second.
    -Dcassandra.skip_wait_for_gossip_to_settle=0
    -Dcassandra.ring_delay_ms=2000
    -Dcassandra.superuser_setup_delay_ms=0
    # NOT -Dcassandra.test.flush_local_schema_changes=false: it makes CREATE TABLE faster, but a node SIGKILLed
    # afterwards restarts without the table's schema and its commit log replay skips the table's rows ("Skipped N
    # mutations from unknown (probably removed) CF"): data loss the node-loss test caught.
  )
  for f in system.log stdout.log; do
    [[ -f "$logs/$f" ]] && mv -f "$logs/$f" "$logs/$f.prev"
  done
  : > "$logs/stdout.log"
  rm -f "$pidfile"
  setsid nohup bash -c 'echo $$ > "$0"; exec "$@"' "$pidfile" \
    "$java" "${opts[@]}" -cp "$LIB/*" org.apache.cassandra.service.CassandraDaemon \
    >>"$logs/stdout.log" 2>&1 </dev/null 8>&- 9>&- &
  for _ in $(seq 1 25); do [[ -s "$pidfile" ]] && break; sleep 0.2; done
  clog "node $n ($address:$CQL_PORT): pid $(cat "$pidfile" 2>/dev/null || echo '?'), log $logs/system.log"
}

# Waits until node N answers CQL; fails (with its log tail) if it exits or the timeout passes.
wait_node_cql() {
  local n="$1" start_ts=$SECONDS
  while ! node_cql_ready "$n"; do
    if ! node_pid "$n" >/dev/null; then
      echo "[cassandra-cluster] ERROR: node $n exited before CQL came up." >&2
      node_show_logs "$n" >&2
      return 1
    fi
    if (( SECONDS - start_ts >= TIMEOUT )); then
      echo "[cassandra-cluster] ERROR: node $n did not answer CQL within ${TIMEOUT}s (left running; stop.sh stops it)." >&2
      node_show_logs "$n" >&2
      return 1
    fi
    sleep 1
  done
}

# Every running node sees the three UP (a read at consistency ALL coordinated by each node) and the keyspace exists.
wait_cluster_up() {
  node "$HERE/cluster-check.mjs" --wait "${TIMEOUT}"
}
