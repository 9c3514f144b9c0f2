#!/usr/bin/env bash
# Idle keep-alive connections (issue 9, item 6): the most one address can hold (server.max_connections_
# per_address), and the latency an honest client sees while IDLE connections from other loopback
# addresses (127.0.x.y, 64 each) are open. The server allows IDLE + 1000 connections in all. About 30 s.
#
# Usage: bench/idle_connections.sh   (env: IDLE=10000 REQUESTS=2000 SSAD=build/release/apps/ssad/ssad)
# Needs `ulimit -n` above IDLE + 100 for both the server and the client (each holds IDLE sockets).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
idle=${IDLE:-10000}
requests=${REQUESTS:-2000}
ssad=${SSAD:-$root/build/release/apps/ssad/ssad}
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
[ -x "$ssad" ] || { echo "no ssad binary at $ssad (build the release preset, or set SSAD)" >&2; exit 1; }
[ "$(ulimit -n)" -gt $((idle + 100)) ] || ulimit -n $((idle + 200))
tmp=$(mktemp -d /tmp/ssad-bench-idle.XXXXXX)
trap 'stop_started; rm -rf "$tmp"' EXIT
"$ssad" demo --domains 100 --db "$tmp/demo.db" >/dev/null
port=$(free_port)
cat >"$tmp/ssad.toml" <<CONF
[server]
http = "127.0.0.1:$port"
threads = 1
idle_timeout_seconds = 600
max_connections = $((idle + 1000))
max_connections_per_address = 64
[rdap]
base_url = "http://127.0.0.1:$port/rdap/"
rate_limit_per_second = 0
[log]
access_log = false
CONF
"$ssad" serve --db "$tmp/demo.db" --config "$tmp/ssad.toml" >"$tmp/ssad.log" 2>&1 &
started+=($!)
wait_listening "$port"
echo "date: $(date -u +%FT%TZ)  nproc: $(nproc)  cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "ssad: $ssad ($(git -C "$root" rev-parse --short HEAD))  ulimit -n: $(ulimit -n)"
python3 "$root/bench/idle_connections.py" "$port" "$idle" 64 "$requests"
