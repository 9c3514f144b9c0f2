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

# --- the RDAP lookup benchmarks (bench/rdap.sh, bench/authorised.sh, bench/abuse.sh) ---------------------

# lookup_settings: their settings from the environment: domains (DOMAINS=1000000, the demo store's size),
# count (COUNT=100000 names drawn from it), runs (RUNS=5), duration (DURATION=10 seconds a run),
# connections (CONNECTIONS=64, wrk's) and work (WORK=/tmp/ssad-bench-import, bench/import.sh's
# directory); and ssad, the release build's binary.
# shellcheck disable=SC2034  # the sourcing script reads them
lookup_settings() {
  domains=${DOMAINS:-1000000}
  count=${COUNT:-100000}
  runs=${RUNS:-5}
  duration=${DURATION:-10}
  connections=${CONNECTIONS:-64}
  work=${WORK:-/tmp/ssad-bench-import}
  ssad=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/release/apps/ssad/ssad
}

# need_lookup_store: $work/ours.db with $domains domains, imported by bench/import.sh when absent or of
# another size.
need_lookup_store() {
  if [ ! -f "$work/ours.db" ] || [ "$(sqlite3 "$work/ours.db" 'select count(*) from domain')" != "$domains" ]; then
    RUNS=1 "$(dirname "${BASH_SOURCE[0]}")/import.sh" "$domains" >/dev/null
  fi
}

# make_scratch NAME: `tmp`, a fresh directory /tmp/ssad-bench-NAME.XXXXXX, removed at exit (kept with
# KEEP=1) once the processes in `started` are stopped.
make_scratch() {
  tmp=$(mktemp -d "/tmp/ssad-bench-$1.XXXXXX")
  trap remove_scratch EXIT
  trap 'exit 130' INT TERM
}
remove_scratch() {
  stop_started
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}

# --- ssad and wrk on their cores (bench/rdap.sh, bench/authorised.sh, bench/abuse.sh, ...) ------------
# These use the sourcing script's `ssad` (the binary), `tmp` (its scratch directory), `connections` (wrk's
# -c) and, when set, `workers` (server.workers).

# serve NAME STORE RDAP_KEYS [TABLES [BINARY]]: `ssad serve` (or BINARY, another build of it) on core 0
# over STORE: one reading thread, $workers workers (the default when unset), RDAP at a fixed base URL, no
# access log; RDAP_KEYS are further lines of its [rdap] table and TABLES further tables, whole. Its config
# is $tmp/NAME.toml and its output $tmp/NAME.log. Sets ssad_pid and ssad_url; adds it to `started`.
# shellcheck disable=SC2034  # ssad_url is the sourcing script's to read
serve() {
  local name=$1 store=$2 rdap_keys=$3 tables=${4:-} binary=${5:-$ssad} port
  port=$(free_port)
  {
    printf '[server]\nhttp = "127.0.0.1:%s"\nthreads = 1\n' "$port"
    [ -z "${workers:-}" ] || echo "workers = $workers"
    printf '[rdap]\nbase_url = "http://127.0.0.1:%s/rdap/"\n%s\n' "$port" "$rdap_keys"
    printf '[log]\naccess_log = false\n%s\n' "$tables"
  } >"$tmp/$name.toml"
  taskset -c 0 "$binary" serve --db "$store" --config "$tmp/$name.toml" >"$tmp/$name.log" 2>&1 &
  ssad_pid=$!
  started+=("$ssad_pid")
  wait_listening "$port"
  ssad_url=http://127.0.0.1:$port
}

# write_wrk_scripts: $tmp/report.lua, which ends each run with one line: RESULT req/s p50_µs p99_µs
# requests non-2xx errors; and $tmp/random.lua, the same requesting a path per request drawn from the
# file of paths its first argument names. Declares the series measure() records: space-separated lists of
# req/s, p50 and p99 (µs) and the server's CPU per request (µs: user + system of the serving process,
# which does not depend on whether wrk or the server was the limit), by series.
write_wrk_scripts() {
  declare -gA rps p50 p99 cpu_us
  cat >"$tmp/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.1f %d %d %d %d %d\n", summary.requests / summary.duration * 1e6,
    latency:percentile(50), latency:percentile(99), summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout))
end
EOF
  {
    cat <<'EOF'
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time())
end
request = function()
  return wrk.format(nil, paths[math.random(#paths)])
end
EOF
    cat "$tmp/report.lua"
  } >"$tmp/random.lua"
}

# wrk_result SECONDS URL SCRIPT [HEADER [ARGS...]]: one wrk run from core 1 (one thread, $connections
# keep-alive connections) with the Lua SCRIPT, which prints a RESULT line (report.lua's), the request
# header HEADER ("" for none) and the script's ARGS; prints the RESULT fields. A non-2xx answer or a
# socket error ends the script.
wrk_result() {
  local seconds=$1 url=$2 script=$3 header=${4:-} out result non2xx errors
  shift $(($# < 4 ? $# : 4))
  local args=(-t1 -c"$connections" -d"${seconds}s" --latency -s "$script")
  [ -z "$header" ] || args+=(-H "$header")
  out=$(taskset -c 1 wrk "${args[@]}" "$url" -- "$@")
  result=$(grep '^RESULT ' <<<"$out" | cut -d' ' -f2-)
  read -r _ _ _ _ non2xx errors <<<"$result"
  if [ "$non2xx" != 0 ] || [ "$errors" != 0 ]; then
    echo "$url: $non2xx non-2xx answers, $errors socket errors" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "$result"
}

# load SECONDS URL [PATHS [HEADER]]: one wrk run against URL itself, or over the paths of the file PATHS
# drawn at random; prints the RESULT fields.
load() {
  if [ -z "${3:-}" ]; then
    wrk_result "$1" "$2" "$tmp/report.lua"
  else
    wrk_result "$1" "$2" "$tmp/random.lua" "${4:-}" "$3"
  fi
}

# measure SERIES PID SECONDS URL [PATHS [HEADER]]: one run of load against the server PID, recorded under
# SERIES and printed.
measure() {
  local series=$1 pid=$2 result r p5 p9 n before after c
  shift 2
  before=$(cpu_ticks "$pid")
  result=$(load "$@")
  after=$(cpu_ticks "$pid")
  read -r r p5 p9 n _ <<<"$result"
  c=$(cpu_per_request "$before" "$after" "$n")
  rps[$series]+="$r "
  p50[$series]+="$p5 "
  p99[$series]+="$p9 "
  cpu_us[$series]+="$c "
  printf '  %-17s %10.0f req/s  p50 %s  p99 %s  server CPU %s µs/request\n' "$series" "$r" "$(ms "$p5")" \
    "$(ms "$p9")" "$c"
}
# row TARGET SERIES: a Markdown table row: target, runs, median req/s, p50, p99, server CPU per request.
row() {
  local series=$2
  # shellcheck disable=SC2086
  printf '| %s | %d | %.0f | %s | %s | %s µs |\n' "$1" "$(wc -w <<<"${rps[$series]}")" \
    "$(median ${rps[$series]})" "$(ms "$(median ${p50[$series]})")" "$(ms "$(median ${p99[$series]})")" \
    "$(median ${cpu_us[$series]})"
}
# goal RATIO GOAL: "met" when RATIO >= GOAL, else "missed".
goal() { awk -v r="$1" -v g="$2" 'BEGIN {print (r >= g ? "met" : "missed")}'; }

# fetch_bodies URL NAMES DIR: GET URL/rdap/domain/NAME for every name of the file NAMES, the body of each
# written to DIR/NAME (DIR /dev/null: thrown away); four sequential curl processes over a quarter of the
# names each (curl --parallel is slower here). Fills the server's cache; fails unless every answer is 200.
fetch_bodies() {
  local url=$1 names=$2 dir=$3 work pid chunk fetchers=()
  work=$(mktemp -d "$tmp/fetch.XXXXXX")
  split -n l/4 -d "$names" "$work/names."
  for chunk in "$work"/names.*; do
    awk -v base="$url" -v dir="$dir" '{printf "url = \"%s/rdap/domain/%s\"\noutput = \"%s\"\n", base, $1,
      (dir == "/dev/null" ? dir : dir "/" $1)}' "$chunk" >"$chunk.curl"
    curl -sS -K "$chunk.curl" -w '%{http_code}\n' >"$chunk.codes" &
    fetchers+=("$!")
  done
  for pid in "${fetchers[@]}"; do wait "$pid"; done
  if [ "$(cat "$work"/*.codes | grep -c '^200$')" != "$(wc -l <"$names")" ]; then
    echo "not every fetch from $url answered 200:" >&2
    cat "$work"/*.codes | sort | uniq -c >&2
    return 1
  fi
  rm -rf "$work"
}

# --- requestors (bench/authorised.sh, bench/abuse.sh, bench/requests.sh) -------------------------------

# json_field NAME: the member NAME of the JSON object on standard input.
json_field() { python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }

# add_requestor SSAD DB [USER OPTIONS...]: an organisation "Bench Networks" accredited in the
# network_operator group until 2099, one user noc@bench.example (with the `requestor user add` options
# given, such as its OpenID Connect identity) and an API key; sets requestor_org, requestor_user and
# requestor_key (the key itself).
# shellcheck disable=SC2034  # the sourcing script reads them
add_requestor() {
  local ssad=$1 db=$2
  shift 2
  requestor_org=$("$ssad" requestor org add --db "$db" --name "Bench Networks" --json | json_field id)
  requestor_user=$("$ssad" requestor user add --db "$db" --org "$requestor_org" --email noc@bench.example \
    "$@" --json | json_field id)
  "$ssad" requestor accreditation add --db "$db" --org "$requestor_org" --group network_operator \
    --authority Bench --until 2099-12-31 --json >/dev/null
  requestor_key=$("$ssad" requestor key create --db "$db" --user "$requestor_user" --json | json_field key)
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
