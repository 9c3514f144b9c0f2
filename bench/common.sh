# shellcheck shell=bash
# Shared by the scripts in bench/ (sourced, not run): packages, free ports, the processes a
# script starts and must stop, medians, and the machine facts every result is reported with.

# need_packages PKG...: installs the Debian packages that are missing, as scripts/setup does. When all
# are present it only checks (no apt-get update).
need_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_listening PORT [SECONDS=20]: returns once something accepts connections on 127.0.0.1:PORT.
wait_listening() {
  local port=$1 tries=$((${2:-20} * 10))
  while [ "$tries" -gt 0 ]; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
    tries=$((tries - 1))
  done
  echo "nothing listens on 127.0.0.1:$port" >&2
  return 1
}

# Processes this script started: `started+=($!)` after starting one; stop_started ends them (the trap).
started=()
stop_started() {
  local pid
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${started[@]}"; do wait "$pid" 2>/dev/null || true; done
  started=()
}

# stop_pid PID: ends one started process and forgets it.
stop_pid() {
  local pid=$1 rest=() p
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${started[@]}"; do [ "$p" = "$pid" ] || rest+=("$p"); done
  started=("${rest[@]}")
}

# peak_rss_mib PID: the process's peak resident set (VmHWM) in MiB.
peak_rss_mib() {
  awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"
}

# cpu_ticks PID: user + system CPU time the process has used, in clock ticks.
cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# cpu_per_request TICKS_BEFORE TICKS_AFTER REQUESTS: CPU µs per request, one decimal.
cpu_per_request() {
  awk -v a="$1" -v b="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", (n > 0 ? (b - a) * 1e6 / hz / n : 0)}'
}

# median NUMBER...: the middle value (the lower middle for an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}

# ratio A B: A / B with two decimals.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'
}

# ms MICROSECONDS: as milliseconds with two decimals.
ms() {
  awk -v u="$1" 'BEGIN {printf "%.2f ms", u / 1000}'
}

# machine_facts: the lines every result is printed with.
machine_facts() {
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: nproc $(nproc), CPU $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)," \
    "$(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), kernel $(uname -r)," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# --- PostgreSQL (bench/postgres_*.sh) ------------------------------------------------------------------

# The server settings the PostgreSQL benchmarks run with: PostgreSQL's durable defaults (fsync,
# synchronous_commit, full_page_writes on; tests/support/pg_server.sh turns them off for tests) with more
# memory and fewer checkpoints than the stock 128 MB / 1 GB / 5 min.
pg_bench_settings=${PG_SETTINGS:-"fsync=on synchronous_commit=on full_page_writes=on shared_buffers=1GB max_wal_size=8GB checkpoint_timeout=30min"}

# pg_server_start, pg_server_start_again, pg_server_kill, ...
# shellcheck source=tests/support/pg_server.sh
source "$(dirname "${BASH_SOURCE[0]}")/../tests/support/pg_server.sh"

# pg_bench_start DIR: the benchmark server in DIR, started (with pg_bench_settings) or started again
# from the data a previous run left. Refuses a server in DIR that runs with fsync off (a test server).
pg_bench_start() {
  local pgdir=$1
  if [ -f "$pgdir/data/PG_VERSION" ]; then
    pg_server_start_again "$pgdir"
  else
    PG_EXTRA_OPTS=$pg_bench_settings pg_server_start "$pgdir"
  fi
  if [ "$(psql -X -Atc 'show fsync' "$(cat "$pgdir/url")")" != on ]; then
    echo "the server in $pgdir runs with fsync off: not a benchmark server (remove $pgdir)" >&2
    return 1
  fi
}

# pg_bench_stop DIR: stops the server of DIR, keeping its data (a checkpoint first, so that starting it
# again replays nothing).
pg_bench_stop() {
  local pgdir=$1
  [ -f "$pgdir/url" ] || return 0
  psql -X -q -Atc 'CHECKPOINT' "$(cat "$pgdir/url")" >/dev/null 2>&1 || true
  pg_server_kill "$pgdir"
}

# start_nginx ROOT WORK: nginx with one worker on core 0 serving the files under ROOT at /rdap/domain/
# (the reference the RDAP benchmarks compare with), its config and temporary files in WORK; sets
# nginx_pid, nginx_worker and nginx_url, and adds it to `started`. The settings are Debian's stock
# nginx.conf ones (sendfile, tcp_nopush) plus no access log and practically unlimited keep-alive.
# shellcheck disable=SC2034  # nginx_url is the sourcing script's to read
start_nginx() {
  local root=$1 work=$2 port
  port=$(free_port)
  mkdir -p "$work"
  cat >"$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 1024; }
http {
  default_type application/rdap+json;
  types { }
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  client_body_temp_path $work/body;
  proxy_temp_path $work/proxy;
  fastcgi_temp_path $work/fastcgi;
  server {
    listen 127.0.0.1:$port;
    location /rdap/domain/ { root $root; }
  }
}
EOF
  taskset -c 0 nginx -c "$work/nginx.conf" -p "$work" 2>>"$work/error.log" &
  nginx_pid=$!
  started+=("$nginx_pid")
  wait_listening "$port"
  nginx_url=http://127.0.0.1:$port
  nginx_worker=
  while [ -z "$nginx_worker" ]; do
    sleep 0.1
    nginx_worker=$(pgrep -P "$nginx_pid" || true)
  done
}
