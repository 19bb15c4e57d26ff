#!/usr/bin/env bash
# nodetool against node N of the local test cluster (local-only JMX on 1719N).
#   scripts/services/cassandra-cluster/nodetool.sh 1 status
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
check_node_number "${1:-}"
n="$1"; shift
STREAMSTORE_CASSANDRA_DIR="$(node_dir "$n")" STREAMSTORE_CASSANDRA_JMX_PORT="$(node_jmx_port "$n")" \
  exec bash "$SINGLE/nodetool.sh" "$@"
