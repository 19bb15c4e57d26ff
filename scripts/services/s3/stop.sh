#!/usr/bin/env bash
# Stop the daemons started by start.sh (by their pid files) and remove the state directory.
set -euo pipefail

DIR="${STREAMSTORE_S3_DIR:-/tmp/streamstore-s3}"

if [[ ! -d "$DIR" ]]; then
  echo "[s3 stop] nothing to stop ($DIR does not exist)"
  exit 0
fi

# our_pid NAME -> pid of that daemon if it runs with our ceph.conf (guards against pid reuse)
our_pid() {
  local pidfile="$DIR/run/$1.pid" pid
  [[ -f "$pidfile" ]] || return 0
  pid=$(cat "$pidfile" 2>/dev/null || true)
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$DIR/ceph.conf"; then
    echo "$pid"
  fi
}

# stop_group NAME... : SIGTERM all, wait up to 10 s, then SIGKILL what is left
stop_group() {
  local name pid pids=() alive
  for name in "$@"; do
    pid=$(our_pid "$name")
    [[ -n "$pid" ]] || continue
    echo "[s3 stop] stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid")
  done
  ((${#pids[@]})) || return 0
  for _ in $(seq 1 100); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || return 0
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "[s3 stop] pid $pid still alive after 10s, sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  sleep 0.3
}

# One after the other (about 2 s each): the gateway needs the OSD to shut down cleanly, and
# the OSD tells the monitor that it goes down (waiting up to 5 s for a monitor that is gone).
stop_group client.rgw.streamstore
stop_group osd.0
stop_group mon.a

rm -rf "$DIR"
echo "[s3 stop] stopped and removed $DIR"
