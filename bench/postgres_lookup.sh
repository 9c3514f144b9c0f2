#!/usr/bin/env bash
# Uncached RDAP domain lookups (issue 10): `ssad serve` on the PostgreSQL store against `ssad serve` on
# the SQLite store, the same data (one demo deposit imported into both), uniform over COUNT random names.
# The machine has two cores: ssad (and, for the PostgreSQL store, the PostgreSQL server with all its
# backends) on core 0, wrk on core 1. ssad: threads = 1, workers = 1, cache_megabytes = 0, no rate limit,
# no access log. wrk: one thread, CONNECTIONS keep-alive connections (16: what one client may have waiting
# on one worker; more are refused with 503). The targets alternate; medians.
#
# Usage: bench/postgres_lookup.sh [DOMAINS]   (default 1000000; env: COUNT=100000 RUNS=3 DURATION=10
#        WARMUP=DURATION CONNECTIONS=16 WORK=/tmp/ssad-bench-pg DEPOSITS=/tmp/ssad-bench-import
#        SQLITE_DB=WORK/sqlite-DOMAINS.db)
# Stores: the PostgreSQL database ssad_DOMAINS on the server in WORK/pg (bench/postgres_import.sh leaves
# it) and the SQLite file SQLITE_DB; either is imported from the demo deposit when missing. The
# PostgreSQL database is vacuumed and analysed first.
# Needs the release build: cmake --preset release && cmake --build --preset release --target ssad
set -euo pipefail
domains=${1:-1000000}
count=${COUNT:-100000}
runs=${RUNS:-3}
duration=${DURATION:-10}
warmup=${WARMUP:-$duration}
connections=${CONNECTIONS:-16}
root=$(cd "$(dirname "$0")/.." && pwd)
ssad=$root/build/release/apps/ssad/ssad
work=${WORK:-/tmp/ssad-bench-pg}
deposits=${DEPOSITS:-/tmp/ssad-bench-import}
deposit=$deposits/deposit-$domains
xml=$deposit/deposit-demo-$domains-20260101.xml
sqlite_db=${SQLITE_DB:-$work/sqlite-$domains.db}
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
need_packages wrk curl sqlite3 python3 procps postgresql-client-15
[ -x "$ssad" ] || { echo "build the release preset first" >&2; exit 1; }
mkdir -p "$work" "$deposits"

tmp=$(mktemp -d /tmp/ssad-bench-pglookup.XXXXXX)
cleanup() {
  stop_started
  pg_bench_stop "$work/pg"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pg_bench_start "$work/pg"
admin=$(cat "$work/pg/url")
pg_url=${admin%/*}/ssad_$domains
sql() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$admin" -Atc "$1"; }

# --- the stores ------------------------------------------------------------------------------------

ensure_deposit() {
  if [ ! -f "$xml" ]; then
    echo "writing the demo deposit of $domains domains to $deposit..."
    "$ssad" demo --domains "$domains" --deposit-only --out "$deposit" --db "$tmp/unused.db" >/dev/null
  fi
}
if [ "$(sql "select count(*) from pg_database where datname = 'ssad_$domains'")" = 0 ] ||
  [ "$(psql -X -Atc 'select count(*) from domain' "$pg_url" 2>/dev/null)" != "$domains" ]; then
  ensure_deposit
  echo "importing into PostgreSQL (ssad_$domains)..."
  sql "DROP DATABASE IF EXISTS ssad_$domains"
  sql "CREATE DATABASE ssad_$domains"
  "$ssad" import escrow "$xml" --db "$pg_url" >/dev/null
fi
if [ ! -f "$sqlite_db" ] || [ "$(sqlite3 "$sqlite_db" 'select count(*) from domain')" != "$domains" ]; then
  ensure_deposit
  echo "importing into SQLite ($sqlite_db)..."
  rm -f "$sqlite_db" "$sqlite_db-wal" "$sqlite_db-shm"
  "$ssad" import escrow "$xml" --db "$sqlite_db" >/dev/null
fi
"$ssad" migrate --db "$sqlite_db" >/dev/null
# A store in its steady state: a fresh import leaves PostgreSQL's tables without hint bits, visibility map
# and statistics, and autovacuum would otherwise set them during the runs (on core 0, counted as the
# server's CPU). VACUUM ANALYZE does it first, as autovacuum does some minutes after an import.
echo "VACUUM ANALYZE on ssad_$domains..."
psql -X -q -v ON_ERROR_STOP=1 -c 'VACUUM (ANALYZE)' "$pg_url"

# Everything PostgreSQL runs on core 0: the postmaster and the processes it has started (backends
# started later inherit its affinity).
postmaster=$(head -n1 "$work/pg/data/postmaster.pid")
for pid in "$postmaster" $(pgrep -P "$postmaster"); do taskset -apc 0 "$pid" >/dev/null; done
# pg_ticks: CPU time of the PostgreSQL server's processes (running children and the exited ones).
pg_ticks() {
  local total pid
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$postmaster/stat")
  for pid in $(pgrep -P "$postmaster"); do
    total=$((total + $(cpu_ticks "$pid" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# --- the servers -----------------------------------------------------------------------------------

# start_ssad NAME STORE: ssad on core 0 (one thread, one worker, no cache); sets ssad_pid and ssad_url.
workers=1
start_ssad() {
  serve "$1" "$2" 'rate_limit_per_second = 0
cache_megabytes = 0
cursor_secret = "bench-postgres-lookup-cursor-secret-0123456789"'
}
start_ssad sqlite "$sqlite_db"
sqlite_pid=$ssad_pid
sqlite_url=$ssad_url
start_ssad postgres "$pg_url"
pg_pid=$ssad_pid
pg_url_http=$ssad_url

# --- wrk -------------------------------------------------------------------------------------------

sqlite3 "$sqlite_db" "select name from domain order by random() limit $count" >"$tmp/names"
sed 's|^|/rdap/domain/|' "$tmp/names" >"$tmp/paths"
write_wrk_scripts

# The same answers from both stores: a sample of 100 names, bodies compared without the server's own URL
# and the one event that differs by store (the time of the last import, "last update of RDAP database").
mkdir -p "$tmp/cmp"
shuf -n 100 "$tmp/names" >"$tmp/cmp/names"
while read -r name; do
  for target in sqlite postgres; do
    base=$sqlite_url
    [ "$target" = sqlite ] || base=$pg_url_http
    curl -sS --fail "$base/rdap/domain/$name" | sed "s|$base|BASE|g" |
      python3 -c 'import json, sys
b = json.load(sys.stdin)
b["events"] = [e for e in b.get("events", []) if e.get("eventAction") != "last update of RDAP database"]
print(json.dumps(b, sort_keys=True))' >"$tmp/cmp/$target"
  done
  cmp -s "$tmp/cmp/sqlite" "$tmp/cmp/postgres" || { echo "different answers for $name:" >&2; diff "$tmp/cmp/sqlite" "$tmp/cmp/postgres" >&2; exit 1; }
done <"$tmp/cmp/names"
echo "cmp: the two stores answer alike for $(wc -l <"$tmp/cmp/names") names"

# paged_in: KiB read from disk into memory since boot (/proc/vmstat pgpgin); a run that reads much is
# not served from memory (the store does not fit in the page cache, or has not been read yet).
paged_in() { awk '/^pgpgin / {print $2}' /proc/vmstat; }

declare -A rps p50 p99 cpu dbcpu
# measure SERIES URL: one run; ssad's CPU per request and, for PostgreSQL, the server's; disk reads.
measure() {
  local series=$1 url=$2 pid=$sqlite_pid before after pg_before pg_after io_before io result r p5 p9 n c d=0
  [ "$series" = sqlite ] || pid=$pg_pid
  before=$(cpu_ticks "$pid")
  pg_before=$(pg_ticks)
  io_before=$(paged_in)
  result=$(load "$duration" "$url" "$tmp/paths")
  after=$(cpu_ticks "$pid")
  pg_after=$(pg_ticks)
  io=$(awk -v a="$io_before" -v b="$(paged_in)" -v s="$duration" 'BEGIN {printf "%.1f", (b - a) / 1024 / s}')
  read -r r p5 p9 n _ <<<"$result"
  c=$(cpu_per_request "$before" "$after" "$n")
  [ "$series" = sqlite ] || d=$(cpu_per_request "$pg_before" "$pg_after" "$n")
  rps[$series]+="$r "
  p50[$series]+="$p5 "
  p99[$series]+="$p9 "
  cpu[$series]+="$c "
  dbcpu[$series]+="$d "
  printf '  %-9s %8.0f req/s  p50 %s  p99 %s  ssad CPU %s µs/request  PostgreSQL CPU %s µs/request  disk reads %s MB/s\n' \
    "$series" "$r" "$(ms "$p5")" "$(ms "$p9")" "$c" "$d" "$io"
}

echo "machine and date:"
machine_facts
echo "- stores: $sqlite_db ($(du -h "$sqlite_db" | cut -f1)), $pg_url ($(sql "select pg_size_pretty(pg_database_size('ssad_$domains'))"));" \
  "PostgreSQL $(sql 'show server_version' | cut -d' ' -f1), $(sql "select string_agg(name || '=' || current_setting(name), ' ' order by name) from pg_settings where name in ('fsync', 'synchronous_commit', 'shared_buffers')")"
echo "- $count random names of $domains; wrk -t1 -c$connections -d${duration}s on core 1; ssad (threads 1," \
  "workers 1, no cache) and PostgreSQL on core 0; $runs alternated runs after a ${warmup}s warm-up each"
cat "$sqlite_db" >/dev/null  # the SQLite file in the page cache; PostgreSQL's pages come in with the warm-up
echo "warm-up..."
load "$warmup" "$sqlite_url" "$tmp/paths" >/dev/null
load "$warmup" "$pg_url_http" "$tmp/paths" >/dev/null
for run in $(seq 1 "$runs"); do
  echo " run $run (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  measure sqlite "$sqlite_url"
  measure postgres "$pg_url_http"
done
echo "after: load average $(cut -d' ' -f1-3 /proc/loadavg)"
sqlite_rss=$(peak_rss_mib "$sqlite_pid")
pg_rss=$(peak_rss_mib "$pg_pid")

# shellcheck disable=SC2086
row() {
  printf '| %s | %s | %.0f (runs %s) | %s | %s | %s µs | %s µs |\n' "$1" "$domains" "$(median ${rps[$2]})" \
    "$(awk '{for (i = 1; i <= NF; i++) printf "%s%.0f", (i > 1 ? ", " : ""), $i}' <<<"${rps[$2]}")" \
    "$(ms "$(median ${p50[$2]})")" "$(ms "$(median ${p99[$2]})")" "$(median ${cpu[$2]})" "$(median ${dbcpu[$2]})"
}
echo
echo "## Uncached RDAP lookups, PostgreSQL and SQLite: bench/postgres_lookup.sh $domains"
echo
echo "| store | domains | median req/s | median p50 | median p99 | ssad CPU per request | PostgreSQL CPU per request |"
echo "|---|---|---|---|---|---|---|"
row SQLite sqlite
row PostgreSQL postgres
echo
# shellcheck disable=SC2086
echo "- ratio PostgreSQL / SQLite, req/s: $(ratio "$(median ${rps[postgres]})" "$(median ${rps[sqlite]})") (goal >= 0.5)"
echo "- ssad peak RSS (VmHWM): SQLite store $sqlite_rss MiB, PostgreSQL store $pg_rss MiB"
