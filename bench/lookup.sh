#!/usr/bin/env bash
# Domain lookups through the store (find_registration) on a demo store: p50/p90/p99 over random names.
# Usage: bench/lookup.sh [DOMAINS] [COUNT]   (defaults 1000000 and 100000; reuses bench/import.sh's store)
set -euo pipefail
domains=${1:-1000000}
count=${2:-100000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-/tmp/ssad-bench-import}
db=$work/ours.db
if [ ! -f "$db" ] || [ "$(sqlite3 "$db" 'select count(*) from domain')" != "$domains" ]; then
  RUNS=1 "$root/bench/import.sh" "$domains" >/dev/null
fi
"$root/build/release/bench/bench_store_lookup" "$db" "$count"
