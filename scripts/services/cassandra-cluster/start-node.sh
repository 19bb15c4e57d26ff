#!/usr/bin/env bash
# Start node N (1, 2 or 3) of the local test cluster again, e.g. after kill-node.sh N. Idempotent. Returns once the
# node answers CQL and, when the other two are running, all three see each other UP (else: it coordinates QUORUM).
#   scripts/services/cassandra-cluster/start-node.sh 2
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
check_node_number "${1:-}"
n="$1"
start_ts=$SECONDS
mkdir -p "$CLUSTER_DIR"
exec 9>"$CLUSTER_DIR/.node$n.lock"
command -v flock >/dev/null 2>&1 && flock 9
if node_cql_ready "$n"; then
  clog "node $n already answers CQL."
else
  if pid="$(node_pid "$n")"; then
    clog "node $n (pid $pid) is starting; waiting for it."
  else
    ensure_jars
    launch_node "$n"
  fi
  wait_node_cql "$n"
fi
running=()
for m in "${NODES[@]}"; do node_pid "$m" >/dev/null && running+=("$m"); done
nodes="$(IFS=,; echo "${running[*]}")"
if [[ ${#running[@]} -eq 3 ]]; then
  node "$HERE/cluster-check.mjs" --wait "$TIMEOUT" --nodes "$nodes"
else
  node "$HERE/cluster-check.mjs" --wait "$TIMEOUT" --nodes "$n"
fi
clog "node $n up after $((SECONDS - start_ts))s."
