#!/usr/bin/env bash
# SIGKILL node N (1, 2 or 3) of the local test cluster (by its pid file; the JVM gets no chance to flush or drain).
#   scripts/services/cassandra-cluster/kill-node.sh 2
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
check_node_number "${1:-}"
n="$1"
if ! pid="$(node_pid "$n")"; then
  clog "node $n is not running."
  rm -f "$(node_pidfile "$n")"
  exit 0
fi
kill -KILL "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
rm -f "$(node_pidfile "$n")"
clog "node $n (pid $pid) killed with SIGKILL."
