#!/usr/bin/env bash
# Stop the local test cluster (each node by its pid file, never by process name): SIGTERM, SIGKILL after
# STREAMSTORE_CLUSTER_STOP_TIMEOUT seconds (default 30). Keeps the data; `rm -rf /tmp/streamstore-cassandra-cluster`
# after stopping for a fresh cluster.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
STOP_TIMEOUT="${STREAMSTORE_CLUSTER_STOP_TIMEOUT:-30}"
start_ts=$SECONDS
pids=()
for n in "${NODES[@]}"; do
  if pid="$(node_pid "$n")"; then
    kill -TERM "$pid"
    pids+=("$n:$pid")
  else
    rm -f "$(node_pidfile "$n")"
  fi
done
if [[ ${#pids[@]} -eq 0 ]]; then
  clog "not running."
  exit 0
fi
clog "stopping ${pids[*]} (node:pid) ..."
for entry in "${pids[@]}"; do
  n="${entry%%:*}"; pid="${entry#*:}"
  while kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS - start_ts >= STOP_TIMEOUT )); then
      clog "node $n still alive after ${STOP_TIMEOUT}s; SIGKILL."
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.3
  done
  rm -f "$(node_pidfile "$n")"
done
clog "stopped after $((SECONDS - start_ts))s."
