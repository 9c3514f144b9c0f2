#!/usr/bin/env bash
# WHOIS (RFC 3912, port 43) queries per second (issue 4) against a minimal static responder
# (bench/whois_static.cpp: one thread, reads the query line, writes one fixed answer taken from ssad,
# closes). The server runs on core 0, the load generator (bench/whois_load.cpp: one connection per
# query, CONNECTIONS at a time, random names of the 1M-domain demo store) on core 1; 10 s runs after a
# warm-up; the targets alternate five times; medians.
#
# Usage: bench/whois.sh   (env: DOMAINS=1000000 COUNT=100000 RUNS=5 DURATION=10 CONNECTIONS=32
#                          WORK=/tmp/ssad-bench-import)
# Needs the release build of ssad and the two bench programs:
#   cmake --preset release && cmake --build --preset release --target ssad bench_whois_load bench_whois_static
# When ssad has no WHOIS listener (no `--whois` in `ssad serve --help`), only the static responder is
# measured, with a made-up answer of the same size, so that the harness itself can be checked.
set -euo pipefail
domains=${DOMAINS:-1000000}
count=${COUNT:-100000}
runs=${RUNS:-5}
duration=${DURATION:-10}
connections=${CONNECTIONS:-32}
root=$(cd "$(dirname "$0")/.." && pwd)
ssad=$root/build/release/apps/ssad/ssad
load=$root/build/release/bench/bench_whois_load
static=$root/build/release/bench/bench_whois_static
work=${WORK:-/tmp/ssad-bench-import}
db=$work/ours.db
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"

need_packages sqlite3 python3
for program in "$ssad" "$load" "$static"; do
  [ -x "$program" ] || {
    echo "build first: cmake --build --preset release --target ssad bench_whois_load bench_whois_static" >&2
    exit 1
  }
done
if [ ! -f "$db" ] || [ "$(sqlite3 "$db" 'select count(*) from domain')" != "$domains" ]; then
  RUNS=1 "$root/bench/import.sh" "$domains" >/dev/null
fi
"$ssad" migrate --db "$db" >/dev/null

tmp=$(mktemp -d /tmp/ssad-bench-whois.XXXXXX)
cleanup() {
  stop_started
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

sqlite3 "$db" "select name from domain order by random() limit $count" >"$tmp/names"
# The store's file in the page cache, as on a server that has been up for a while.
cat "$db" "$db-wal" >/dev/null 2>&1 || true

# query PORT NAME: one WHOIS query, the answer on standard output.
query() {
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf '%s\r\n' "$2" >&3
  cat <&3
  exec 3<&-
}

have_whois=0
if "$ssad" serve --help | grep -q -- '--whois'; then have_whois=1; fi
if [ "$have_whois" = 1 ]; then
  http_port=$(free_port)
  whois_port=$(free_port)
  cat >"$tmp/ssad.toml" <<EOF
[server]
http = "127.0.0.1:$http_port"
threads = 1
[rdap]
base_url = "http://127.0.0.1:$http_port/rdap/"
rate_limit_per_second = 0
[whois]
listen = "127.0.0.1:$whois_port"
timeout_seconds = 10
[log]
access_log = false
EOF
  taskset -c 0 "$ssad" serve --db "$db" --config "$tmp/ssad.toml" >"$tmp/ssad.log" 2>&1 &
  ssad_pid=$!
  started+=("$ssad_pid")
  wait_listening "$http_port"
  wait_listening "$whois_port"
  # The reference answers with one real answer of ssad's.
  query "$whois_port" "$(head -n1 "$tmp/names")" >"$tmp/answer.txt"
  grep -q "$(head -n1 "$tmp/names")" "$tmp/answer.txt" || {
    echo "ssad's WHOIS answer does not name the domain:" >&2
    cat "$tmp/answer.txt" >&2
    exit 1
  }
else
  echo "ssad has no WHOIS listener yet: measuring the static responder only, with a made-up answer" >&2
  for i in $(seq 1 30); do printf 'Field %02d: %-38s\r\n' "$i" "value of field $i"; done >"$tmp/answer.txt"
fi

static_port=$(free_port)
taskset -c 0 "$static" 127.0.0.1 "$static_port" "$tmp/answer.txt" >"$tmp/static.log" 2>&1 &
static_pid=$!
started+=("$static_pid")
wait_listening "$static_port"
query "$static_port" "$(head -n1 "$tmp/names")" | cmp - "$tmp/answer.txt"

# run PORT SECONDS: one run of the load generator from core 1; prints its RESULT fields
# (queries/s p50_µs p99_µs queries errors mean-answer-bytes).
run() {
  local out
  out=$(taskset -c 1 "$load" 127.0.0.1 "$1" "$tmp/names" "$connections" "$2")
  grep '^RESULT ' <<<"$out" | cut -d' ' -f2-
}

# Results per target: space-separated lists of queries/s, p50 and p99 in µs, and the server's CPU time
# (user + system) per query in µs, which does not depend on whether the load generator is the limit.
declare -A qps p50 p99 cpu bytes errors
measure() {  # measure TARGET PORT PID
  local result q p5 p9 n e b before after c
  before=$(cpu_ticks "$3")
  result=$(run "$2" "$duration")
  after=$(cpu_ticks "$3")
  read -r q p5 p9 n e b <<<"$result"
  c=$(cpu_per_request "$before" "$after" "$n")
  qps[$1]+="$q "
  p50[$1]+="$p5 "
  p99[$1]+="$p9 "
  cpu[$1]+="$c "
  bytes[$1]=$b
  errors[$1]=$((${errors[$1]:-0} + e))
  printf '  %-8s %8.0f queries/s  p50 %s  p99 %s  server CPU %s µs/query  %d errors  %d bytes per answer\n' \
    "$1" "$q" "$(ms "$p5")" "$(ms "$p9")" "$c" "$e" "$b"
}
targets=(static)
declare -A port=([static]=$static_port) pid=([static]=$static_pid)
if [ "$have_whois" = 1 ]; then
  targets=(ssad static)
  port[ssad]=$whois_port
  pid[ssad]=$ssad_pid
fi

echo "machine and date:"
machine_facts
echo "warm-up..."
for target in "${targets[@]}"; do run "${port[$target]}" "$duration" >/dev/null; done
for i in $(seq 1 "$runs"); do
  echo " run $i"
  for target in "${targets[@]}"; do measure "$target" "${port[$target]}" "${pid[$target]}"; done
done

# shellcheck disable=SC2086  # the series are space-separated lists
row() {
  printf '| %s | %d | %.0f | %s | %s | %s µs | %d | %d |\n' "$2" "$(wc -w <<<"${qps[$1]}")" \
    "$(median ${qps[$1]})" "$(ms "$(median ${p50[$1]})")" "$(ms "$(median ${p99[$1]})")" "$(median ${cpu[$1]})" \
    "${errors[$1]}" "${bytes[$1]}"
}
runs_of() { echo "${qps[$1]}" | awk '{for (i = 1; i <= NF; i++) printf "%s%.0f", (i > 1 ? ", " : ""), $i}'; }
echo
echo "## WHOIS: bench/whois.sh"
echo
machine_facts
echo "- bench_whois_load: $connections connections, one query per connection, random names of $count;" \
  "${duration} s runs on core 1, server on core 0; $runs alternated runs"
echo
echo "| target | runs | median queries/s | median p50 | median p99 | server CPU per query | errors | bytes per answer |"
echo "|---|---|---|---|---|---|---|---|"
if [ "$have_whois" = 1 ]; then row ssad "ssad (threads = 1)"; fi
row static "static responder (1 thread)"
echo
if [ "$have_whois" = 1 ]; then
  # shellcheck disable=SC2086
  echo "- ratio ssad / static: $(ratio "$(median ${qps[ssad]})" "$(median ${qps[static]})");" \
    "server CPU per query, static / ssad: $(ratio "$(median ${cpu[static]})" "$(median ${cpu[ssad]})")"
  echo "- ssad peak RSS (VmHWM): $(peak_rss_mib "$ssad_pid") MiB"
  echo "- runs, queries/s: ssad $(runs_of ssad); static $(runs_of static)"
else
  echo "- ssad: no WHOIS listener in this build"
  echo "- runs, queries/s: static $(runs_of static)"
fi
