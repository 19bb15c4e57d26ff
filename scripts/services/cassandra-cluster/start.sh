#!/usr/bin/env bash
# Start the local 3-node Apache Cassandra 5.0 test cluster (no Docker): nodes on 127.0.0.1, 127.0.0.2 and 127.0.0.3,
# CQL port 19042 on each, from the jars of scripts/services/cassandra (fetched with its pom.xml when missing).
# Runs beside the single test node (127.0.0.1:9042). Idempotent: starts only the nodes that are not running, then
# returns once every node answers CQL and coordinates a write at consistency ALL (all three see each other UP).
#
#   scripts/services/cassandra-cluster/start.sh
#   scripts/services/cassandra-cluster/stop.sh
#   scripts/services/cassandra-cluster/kill-node.sh N     # SIGKILL node N
#   scripts/services/cassandra-cluster/start-node.sh N    # start node N again
#
# Environment: STREAMSTORE_CLUSTER_DIR (default /tmp/streamstore-cassandra-cluster), STREAMSTORE_CLUSTER_HEAP (768m),
# STREAMSTORE_CLUSTER_START_TIMEOUT (240 s), STREAMSTORE_CASSANDRA_JAVA (a Java 17 binary).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

start_ts=$SECONDS
mkdir -p "$CLUSTER_DIR"
exec 9>"$CLUSTER_DIR/.start.lock"   # one start at a time; the JVMs are launched with this fd closed
command -v flock >/dev/null 2>&1 && flock 9

all_ready=1
for n in "${NODES[@]}"; do node_cql_ready "$n" || all_ready=0; done
if (( all_ready )) && node "$HERE/cluster-check.mjs" --wait 5 >/dev/null 2>&1; then
  clog "all three nodes already answer on 127.0.0.{1,2,3}:$CQL_PORT and see each other UP; nothing to do."
  exit 0
fi

ensure_jars
launched=()
for n in "${NODES[@]}"; do
  if node_cql_ready "$n"; then
    clog "node $n already answers CQL."
  elif pid="$(node_pid "$n")"; then
    clog "node $n (pid $pid) is starting; waiting for it."
  else
    # All three are seeds that do not bootstrap, so they may start together.
    launch_node "$n"
    launched+=("$n")
  fi
done
for n in "${NODES[@]}"; do wait_node_cql "$n"; done
clog "CQL answers on all three nodes after $((SECONDS - start_ts))s; waiting for each to see the others UP ..."
if ! wait_cluster_up; then
  echo "[cassandra-cluster] ERROR: the nodes answer CQL but do not all see each other UP (left running; stop.sh stops them)." >&2
  for n in "${NODES[@]}"; do node_show_logs "$n" >&2; done
  exit 1
fi
clog "cluster up after $((SECONDS - start_ts))s (Cassandra $CASSANDRA_VERSION; started: ${launched[*]:-none}); contact points 127.0.0.1:$CQL_PORT,127.0.0.2:$CQL_PORT,127.0.0.3:$CQL_PORT, data center datacenter1."
