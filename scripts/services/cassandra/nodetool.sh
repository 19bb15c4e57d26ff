#!/usr/bin/env bash
# nodetool for the local Cassandra started by start.sh (talks to local-only JMX).
#   scripts/services/cassandra/nodetool.sh status
#   scripts/services/cassandra/nodetool.sh flush streamstore
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="${STREAMSTORE_CASSANDRA_DIR:-/tmp/streamstore-cassandra}"
JMX_PORT="${STREAMSTORE_CASSANDRA_JMX_PORT:-7199}"
JAVA="${STREAMSTORE_CASSANDRA_JAVA:-java}"
[[ -d "$HERE/lib" ]] || { echo "no $HERE/lib: run start.sh first" >&2; exit 1; }
mkdir -p "$DIR/logs"
# JPMS flags as in conf/jvm17-clients.options
exec "$JAVA" -Xmx128m -XX:+UseSerialGC \
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
  --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-exports java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens java.base/java.nio=ALL-UNNAMED \
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens java.base/java.lang=ALL-UNNAMED \
  --add-opens java.base/java.io=ALL-UNNAMED \
  -Dcassandra.storagedir="$DIR" -Dcassandra.logdir="$DIR/logs" \
  -Dlogback.configurationFile="file://$HERE/logback-tools.xml" \
  -cp "$HERE/lib/*" org.apache.cassandra.tools.NodeTool -h 127.0.0.1 -p "$JMX_PORT" "$@"
