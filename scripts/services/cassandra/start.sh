#!/usr/bin/env bash
# Start a local single-node Apache Cassandra 5.0 for StreamStore's tests (no Docker, no tarball):
# the server jars come from Maven (pom.xml -> lib/), the JVM runs CassandraDaemon directly.
#
#   scripts/services/cassandra/start.sh      # idempotent; returns once CQL answers on 127.0.0.1:9042
#   scripts/services/cassandra/stop.sh
#
# Environment (all optional):
#   STREAMSTORE_CASSANDRA_DIR            data/log/pid dir       (default /tmp/streamstore-cassandra)
#   STREAMSTORE_CASSANDRA_HEAP           -Xms/-Xmx              (default 2g)
#   STREAMSTORE_CASSANDRA_KEEP_DATA      1 = keep the data of an earlier run when starting (default: start empty)
#   STREAMSTORE_CASSANDRA_JMX_PORT       local-only JMX port, 0 = no JMX (default 7199)
#   STREAMSTORE_CASSANDRA_START_TIMEOUT  seconds to wait for CQL (default 180)
#   STREAMSTORE_CASSANDRA_JAVA           java binary to use (must be Java 17)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="${STREAMSTORE_CASSANDRA_DIR:-/tmp/streamstore-cassandra}"
HEAP="${STREAMSTORE_CASSANDRA_HEAP:-2g}"
JMX_PORT="${STREAMSTORE_CASSANDRA_JMX_PORT:-7199}"
TIMEOUT="${STREAMSTORE_CASSANDRA_START_TIMEOUT:-180}"
CQL_HOST=127.0.0.1
CQL_PORT=9042
LIB="$HERE/lib"
LOGDIR="$DIR/logs"
PIDFILE="$DIR/cassandra.pid"

log() { echo "[cassandra] $*"; }
# shellcheck source=jvm-module-options.sh
source "$HERE/jvm-module-options.sh"

# --- readiness: a real CQL handshake (OPTIONS -> SUPPORTED) --------------------------------
cql_ready() {
  if command -v node >/dev/null 2>&1; then
    node "$HERE/cql-ping.mjs" "$CQL_HOST" "$CQL_PORT" 2000 >/dev/null 2>&1
  else
    # Fallback without Node: our log says CQL is listening and the port accepts connections.
    grep -qs "Starting listening for CQL clients" "$LOGDIR/system.log" &&
      (exec 3<>"/dev/tcp/$CQL_HOST/$CQL_PORT") 2>/dev/null
  fi
}

running_pid() {
  local pid
  [[ -f "$PIDFILE" ]] || return 1
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # a recycled pid that is not our JVM does not count
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "org.apache.cassandra.service.CassandraDaemon" || return 1
  echo "$pid"
}

show_logs() {
  if [[ -s "$LOGDIR/system.log" ]]; then
    echo "----- last 80 lines of $LOGDIR/system.log -----"
    tail -n 80 "$LOGDIR/system.log"
  fi
  if [[ -s "$LOGDIR/stdout.log" ]]; then
    echo "----- last 80 lines of $LOGDIR/stdout.log -----"
    tail -n 80 "$LOGDIR/stdout.log"
  fi
}

if cql_ready; then
  log "CQL already answers on $CQL_HOST:$CQL_PORT; nothing to do."
  exit 0
fi

mkdir -p "$DIR" "$LOGDIR" "$DIR/triggers"
# One start at a time (a second caller waits here, then finds CQL up). The JVM is started
# with this fd closed, so the lock goes away with this script.
exec 9>"$DIR/.start.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
  if cql_ready; then
    log "CQL already answers on $CQL_HOST:$CQL_PORT; nothing to do."
    exit 0
  fi
fi

# --- Java 17 ---------------------------------------------------------------------------
java_major() { "$1" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n1; }
JAVA=""
for cand in "${STREAMSTORE_CASSANDRA_JAVA:-}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)" \
            /usr/lib/jvm/java-17-openjdk-amd64/bin/java /usr/lib/jvm/java-17-openjdk-arm64/bin/java /usr/lib/jvm/*17*/bin/java; do
  [[ -n "$cand" && -x "$cand" ]] || continue
  if [[ "$(java_major "$cand")" == "17" ]]; then JAVA="$cand"; break; fi
done
if [[ -z "$JAVA" ]]; then
  echo "[cassandra] ERROR: Cassandra 5.0 with these JVM flags needs Java 17; none found (set STREAMSTORE_CASSANDRA_JAVA)." >&2
  exit 1
fi

# --- jars from Maven -------------------------------------------------------------------
CASSANDRA_VERSION="$(sed -n 's:.*<cassandra.version>\(.*\)</cassandra.version>.*:\1:p' "$HERE/pom.xml")"
if [[ "$(cat "$LIB/.complete" 2>/dev/null || true)" != "$CASSANDRA_VERSION" ]]; then
  log "fetching Cassandra $CASSANDRA_VERSION jars into $LIB (maven) ..."
  rm -rf "$LIB"
  mkdir -p "$LIB"
  mvn_copy() {
    mvn -q -B -Dstyle.color=never "$@" -f "$HERE/pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIB" \
      >"$LOGDIR/maven.log" 2>&1
  }
  # Offline first (works when the local repository already has everything), then online.
  if ! mvn_copy -o && ! mvn_copy; then
    echo "[cassandra] ERROR: maven could not fetch the Cassandra jars:" >&2
    tail -n 40 "$LOGDIR/maven.log" >&2
    exit 1
  fi
  echo "$CASSANDRA_VERSION" > "$LIB/.complete"
fi
JAMM="$(ls "$LIB"/jamm-*.jar 2>/dev/null | head -n1 || true)"
if [[ -z "$JAMM" || ! -f "$LIB/cassandra-all-$CASSANDRA_VERSION.jar" ]]; then
  echo "[cassandra] ERROR: $LIB is incomplete (no jamm or cassandra-all jar); delete it and retry." >&2
  exit 1
fi

# --- already starting? -----------------------------------------------------------------
if pid="$(running_pid)"; then
  log "Cassandra (pid $pid) is running but CQL does not answer yet; waiting for it."
else
  rm -f "$PIDFILE"
  JVM_OPTS=(
    # heap and GC (from conf/jvm17-server.options, sized for a small test node)
    "-Xms$HEAP" "-Xmx$HEAP"
    -XX:+UseG1GC -XX:+ParallelRefProcEnabled -XX:MaxTenuringThreshold=1 -XX:G1HeapRegionSize=16m
    -XX:G1RSetUpdatingPauseTimePercent=5 -XX:MaxGCPauseMillis=300 -XX:InitiatingHeapOccupancyPercent=70
    -XX:ParallelGCThreads=2 -XX:ConcGCThreads=1
    # general (from conf/jvm-server.options)
    -ea "-da:net.openhft..." -XX:+UseThreadPriorities -Xss256k
    -XX:+UseTLAB -XX:+ResizeTLAB -XX:+PerfDisableSharedMem
    -XX:+HeapDumpOnOutOfMemoryError "-XX:HeapDumpPath=$DIR" -XX:+ExitOnOutOfMemoryError
    -Djava.net.preferIPv4Stack=true
    # JPMS and Netty (jvm-module-options.sh)
    "${CASSANDRA_MODULE_OPTIONS[@]}"
    # what cassandra-env.sh would add
    "-javaagent:$JAMM"
    -Dcassandra-foreground=yes
    "-Dcassandra.config=file://$HERE/cassandra.yaml"
    "-Dcassandra.storagedir=$DIR"
    "-Dcassandra.logdir=$LOGDIR"
    "-Dcassandra.triggers_dir=$DIR/triggers"
    "-Dlogback.configurationFile=file://$HERE/logback.xml"
    # no phoning home from the Chronicle libraries
    -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true
    # single node: nothing to wait for
    -Dcassandra.skip_wait_for_gossip_to_settle=0
    -Dcassandra.ring_delay_ms=1000
    -Dcassandra.superuser_setup_delay_ms=0
  )
  if [[ "$JMX_PORT" != "0" ]]; then
    JVM_OPTS+=("-Dcassandra.jmx.local.port=$JMX_PORT")   # local-only JMX (nodetool), no auth
  fi

  # A test node holds only what tests provision, and every test provisions its own keyspace. Keyspaces left by
  # runs that were killed pile up (hundreds of tables) until the node no longer fits its heap at startup: a node
  # that is not running starts empty.
  if [[ "${STREAMSTORE_CASSANDRA_KEEP_DATA:-0}" != "1" ]]; then
    rm -rf "$DIR/data" "$DIR/commitlog" "$DIR/hints" "$DIR/saved_caches" "$DIR/cdc_raw"
  fi
  log "starting Cassandra $CASSANDRA_VERSION (data $DIR, log $LOGDIR/system.log) ..."
  # Keep one previous run's logs aside so a failure report shows only this run.
  for f in system.log stdout.log; do
    [[ -f "$LOGDIR/$f" ]] && mv -f "$LOGDIR/$f" "$LOGDIR/$f.prev"
  done
  : > "$LOGDIR/stdout.log"
  # Own session (setsid) so it outlives this script and its terminal; bash writes its pid
  # and then execs java, so the pid file holds the JVM's pid.
  setsid nohup bash -c 'echo $$ > "$0"; exec "$@"' "$PIDFILE" \
    "$JAVA" "${JVM_OPTS[@]}" -cp "$LIB/*" org.apache.cassandra.service.CassandraDaemon \
    >>"$LOGDIR/stdout.log" 2>&1 </dev/null 9>&- &
  for _ in 1 2 3 4 5 6 7 8 9 10; do [[ -s "$PIDFILE" ]] && break; sleep 0.2; done
  pid="$(cat "$PIDFILE" 2>/dev/null || echo "?")"
  log "pid $pid"
fi

# --- wait for CQL ----------------------------------------------------------------------
start_ts=$SECONDS
while true; do
  if cql_ready; then
    log "CQL answers on $CQL_HOST:$CQL_PORT after $((SECONDS - start_ts))s (pid $(cat "$PIDFILE"))."
    exit 0
  fi
  if ! running_pid >/dev/null; then
    echo "[cassandra] ERROR: Cassandra exited before CQL came up." >&2
    show_logs >&2
    rm -f "$PIDFILE"
    exit 1
  fi
  if (( SECONDS - start_ts >= TIMEOUT )); then
    echo "[cassandra] ERROR: CQL did not answer on $CQL_HOST:$CQL_PORT within ${TIMEOUT}s (process $(cat "$PIDFILE") left running; stop it with stop.sh)." >&2
    show_logs >&2
    exit 1
  fi
  sleep 1
done
