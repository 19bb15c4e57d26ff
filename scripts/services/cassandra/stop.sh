#!/usr/bin/env bash
# Stop the local Cassandra started by start.sh (by its pid file; never by process name).
#   STREAMSTORE_CASSANDRA_DIR   same data dir as start.sh (default /tmp/streamstore-cassandra)
#   STREAMSTORE_CASSANDRA_STOP_TIMEOUT  seconds to wait after SIGTERM before SIGKILL (default 60)
set -euo pipefail

DIR="${STREAMSTORE_CASSANDRA_DIR:-/tmp/streamstore-cassandra}"
PIDFILE="$DIR/cassandra.pid"
TIMEOUT="${STREAMSTORE_CASSANDRA_STOP_TIMEOUT:-60}"

if [[ ! -f "$PIDFILE" ]]; then
  echo "[cassandra] not running (no $PIDFILE)."
  exit 0
fi
pid="$(cat "$PIDFILE" 2>/dev/null || true)"
if ! [[ "$pid" =~ ^[0-9]+$ ]] || ! kill -0 "$pid" 2>/dev/null; then
  echo "[cassandra] not running (stale pid file removed)."
  rm -f "$PIDFILE"
  exit 0
fi
# Make sure the pid is really our Cassandra before signalling it.
if ! tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "org.apache.cassandra.service.CassandraDaemon"; then
  echo "[cassandra] pid $pid from $PIDFILE is not CassandraDaemon; not touching it (stale pid file removed)." >&2
  rm -f "$PIDFILE"
  exit 0
fi

echo "[cassandra] stopping pid $pid ..."
kill -TERM "$pid"
start_ts=$SECONDS
while kill -0 "$pid" 2>/dev/null; do
  if (( SECONDS - start_ts >= TIMEOUT )); then
    echo "[cassandra] still alive after ${TIMEOUT}s; sending SIGKILL."
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
    break
  fi
  sleep 0.5
done
rm -f "$PIDFILE"
echo "[cassandra] stopped after $((SECONDS - start_ts))s."
