#!/usr/bin/env bash
# How import time and uncached lookup latency grow with the store (issue 10), on both backends: for each
# size in SIZES, one escrow import of the demo deposit into a fresh SQLite file and one into a fresh
# PostgreSQL database (timed, one after the other), then bench/postgres_lookup.sh on the two stores just
# imported (shorter runs, after a longer warm-up: a 10M store's pages take about 40 s of lookups to come into
# memory). The PostgreSQL server is bench/postgres_import.sh's (WORK/pg, durable settings).
#
# Usage: bench/postgres_scale.sh   (env: SIZES="1000000 10000000" LOOKUP_RUNS=2 LOOKUP_DURATION=10
#        LOOKUP_WARMUP=60 COUNT=100000 WORK=/tmp/ssad-bench-pg DEPOSITS=/tmp/ssad-bench-import)
# A 10,000,000-domain deposit is about 6.5 GB of CSV; its SQLite store about 9 GB and its PostgreSQL
# database about 20 GB, plus up to max_wal_size (8 GB) of WAL: check `df -h` first.
# Needs the release build: cmake --preset release && cmake --build --preset release --target ssad
set -euo pipefail
sizes=${SIZES:-"1000000 10000000"}
lookup_runs=${LOOKUP_RUNS:-2}
lookup_duration=${LOOKUP_DURATION:-10}
lookup_warmup=${LOOKUP_WARMUP:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
ssad=$root/build/release/apps/ssad/ssad
work=${WORK:-/tmp/ssad-bench-pg}
deposits=${DEPOSITS:-/tmp/ssad-bench-import}
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
need_packages time wrk sqlite3 postgresql-client-15
[ -x "$ssad" ] || { echo "build the release preset first" >&2; exit 1; }
mkdir -p "$work" "$deposits"
trap 'pg_bench_stop "$work/pg"' EXIT

# timed FILE COMMAND...: runs COMMAND under GNU time; prints "wall_s peak_rss_mib exit_status". A
# failure is reported, not fatal: ssad may fail after its import committed (see the notes in
# docs/performance.md), and the store is then measured all the same. Its stderr goes to FILE.err.
timed() {
  local file=$1 status=0
  shift
  /usr/bin/time -f "%e %M" -o "$file" "$@" >/dev/null 2>"$file.err" || status=$?
  [ "$status" = 0 ] || { echo "  $* exited with status $status:" >&2; cat "$file.err" >&2; }
  tail -n1 "$file" | awk -v s="$status" '{printf "%s %d %s", $1, $2 / 1024, s}'
}
# wall, rss, status: the fields of a timed result.
wall() { cut -d' ' -f1 <<<"$1"; }
rss() { cut -d' ' -f2 <<<"$1"; }
status() { cut -d' ' -f3 <<<"$1"; }
# shown RESULT: "wall s (peak RSS n MiB)", with the exit status when it was not 0.
shown() {
  printf '%s s (peak RSS %s MiB%s)' "$(wall "$1")" "$(rss "$1")" "$([ "$(status "$1")" = 0 ] || echo ", exit status $(status "$1")")"
}

echo "machine and date:"
machine_facts
declare -A sqlite_import pg_import lookup_rows
for n in $sizes; do
  deposit=$deposits/deposit-$n
  xml=$deposit/deposit-demo-$n-20260101.xml
  if [ ! -f "$xml" ]; then
    echo "writing the demo deposit of $n domains to $deposit..."
    "$ssad" demo --domains "$n" --deposit-only --out "$deposit" --db "$work/unused.db" >/dev/null
    rm -f "$work"/unused.db*
  fi
  echo "$n domains ($(du -sh "$deposit" | cut -f1) of deposit; $(df -h --output=avail "$work" | tail -n1 | tr -d ' ') free in $work)"

  db=$work/sqlite-$n.db
  rm -f "$db" "$db-wal" "$db-shm"
  sqlite_import[$n]=$(timed "$work/time" "$ssad" import escrow "$xml" --db "$db")
  echo "  SQLite import: $(shown "${sqlite_import[$n]}"), store $(du -h "$db" | cut -f1)" \
    "(load average $(cut -d' ' -f1-3 /proc/loadavg))"

  pg_bench_start "$work/pg"
  admin=$(cat "$work/pg/url")
  psql -X -q -v ON_ERROR_STOP=1 "$admin" -c "DROP DATABASE IF EXISTS ssad_$n" -c "CREATE DATABASE ssad_$n" \
    -c CHECKPOINT 2>/dev/null
  pg_import[$n]=$(timed "$work/time" "$ssad" import escrow "$xml" --db "${admin%/*}/ssad_$n")
  echo "  PostgreSQL import: $(shown "${pg_import[$n]}"), database" \
    "$(psql -X -Atc "select pg_size_pretty(pg_database_size('ssad_$n'))" "$admin")" \
    "(load average $(cut -d' ' -f1-3 /proc/loadavg))"
  pg_bench_stop "$work/pg"

  echo "  lookups:"
  RUNS=$lookup_runs DURATION=$lookup_duration WARMUP=$lookup_warmup SQLITE_DB=$db "$root/bench/postgres_lookup.sh" "$n" \
    >"$work/lookup-$n.log" 2>&1 || { cat "$work/lookup-$n.log" >&2; exit 1; }
  sed 's/^/    /' "$work/lookup-$n.log"
  lookup_rows[$n]=$(grep -E '^\| (SQLite|PostgreSQL) \|' "$work/lookup-$n.log")
done

echo
echo "## Import and uncached lookups by store size: bench/postgres_scale.sh"
echo
machine_facts
echo
echo "| domains | SQLite import | PostgreSQL import | PostgreSQL / SQLite |"
echo "|---|---|---|---|"
for n in $sizes; do
  printf '| %s | %s | %s | %s |\n' "$n" "$(shown "${sqlite_import[$n]}")" "$(shown "${pg_import[$n]}")" \
    "$(ratio "$(wall "${pg_import[$n]}")" "$(wall "${sqlite_import[$n]}")")"
done
echo
echo "| store | domains | median req/s | median p50 | median p99 | ssad CPU per request | PostgreSQL CPU per request |"
echo "|---|---|---|---|---|---|---|"
for n in $sizes; do echo "${lookup_rows[$n]}"; done
