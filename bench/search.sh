#!/usr/bin/env bash
# Search pages on the 1M-domain demo store (issue 9): one client asks one search again and again (one
# connection, wrk on core 1, ssad on core 0 with one thread, uncached, no rate limit); p50 and p99 of a
# page, median over RUNS runs of DURATION seconds.
#
#   prefix:         /rdap/domains?name=no*                   a dense prefix (29,692 names; "ab*" matches none here)
#   prefix-count:   /rdap/domains?name=no*&count=true        the first page with totalCount
#   nameserver:     /rdap/domains?nsLdhName=NS               the busiest nameserver (82,205 domains)
#   ns-count:       /rdap/domains?nsLdhName=NS&count=true
#   ns-page-2:      the `next` link of the nameserver search (a cursor page)
#   suffix:         /rdap/domains?name=d*.zzz                no match: every "d" name had to be scanned
#   ids:            /rdap/domains?name=no*&fieldSet=id       names only
# BASELINE=/path/to/an/older/ssad runs the same searches against it, alternated with this build: before
# and after side by side in one run. Each binary gets its own copy of the store (the new one migrated), so
# an older binary is not refused a newer schema.
#
# Usage: bench/search.sh   (env: RUNS=3 DURATION=5 BASELINE= WORK=/tmp/ssad-bench-import KEEP=0)
# Needs the release build and bench/import.sh's store (WORK/ours.db, imported when absent).
set -euo pipefail
runs=${RUNS:-3}
duration=${DURATION:-5}
baseline=${BASELINE:-}
root=$(cd "$(dirname "$0")/.." && pwd)
ssad=$root/build/release/apps/ssad/ssad
work=${WORK:-/tmp/ssad-bench-import}
db=$work/ours.db
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"

need_packages wrk curl sqlite3 python3 procps
[ -x "$ssad" ] || { echo "build the release preset first: cmake --build --preset release --target ssad" >&2; exit 1; }
if [ ! -f "$db" ] || [ "$(sqlite3 "$db" 'select count(*) from domain')" != 1000000 ]; then
  RUNS=1 "$root/bench/import.sh" 1000000 >/dev/null
fi

tmp=$(mktemp -d /tmp/ssad-bench-search.XXXXXX)
cleanup() {
  stop_started
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp "$db" "$tmp/new.db"
"$ssad" migrate --db "$tmp/new.db" >/dev/null
[ -z "$baseline" ] || cp "$db" "$tmp/baseline.db"
ns=$(sqlite3 "$db" "SELECT h.name FROM domain_nameserver dn JOIN host h ON h.id = dn.host_id GROUP BY dn.host_id
                    ORDER BY count(*) DESC LIMIT 1")
ns_domains=$(sqlite3 "$db" "SELECT count(*) FROM domain_nameserver dn JOIN host h ON h.id = dn.host_id
                            WHERE h.name = '$ns'")

# start NAME BINARY DB: ssad on core 0, one thread, no cache; sets url and pid.
start() {
  local name=$1 binary=$2 store=$3 port
  port=$(free_port)
  cat >"$tmp/$name.toml" <<TOML
[server]
http = "127.0.0.1:$port"
threads = 1
[rdap]
base_url = "http://127.0.0.1:$port/rdap/"
rate_limit_per_second = 0
cache_megabytes = 0
page_size = 10
TOML
  # The suffix case "d*.zzz" has a one-character prefix: allow it (an older binary has no such limit,
  # and would refuse the key).
  [ "$binary" != "$ssad" ] || echo "search_min_prefix = 1" >>"$tmp/$name.toml"
  taskset -c 0 "$binary" serve --db "$store" --config "$tmp/$name.toml" >"$tmp/$name.log" 2>&1 &
  pid=$!
  started+=("$pid")
  wait_listening "$port"
  url=http://127.0.0.1:$port
}

cat >"$tmp/report.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d\n", latency:percentile(50), latency:percentile(99),
    summary.requests, summary.errors.status))
end
LUA

declare -A p50 p99
cases=(prefix prefix-count nameserver ns-count ns-page-2 suffix ids)
target() {  # target CASE BASE_URL
  case $1 in
    prefix) echo "$2/rdap/domains?name=no*" ;;
    prefix-count) echo "$2/rdap/domains?name=no*&count=true" ;;
    nameserver) echo "$2/rdap/domains?nsLdhName=$ns" ;;
    ns-count) echo "$2/rdap/domains?nsLdhName=$ns&count=true" ;;
    ns-page-2)
      curl -sS "$2/rdap/domains?nsLdhName=$ns" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["paging_metadata"]["links"][0]["href"])' ;;
    suffix) echo "$2/rdap/domains?name=d*.zzz" ;;
    ids) echo "$2/rdap/domains?name=no*&fieldSet=id" ;;
  esac
}

targets=(new)
[ -z "$baseline" ] || targets=(baseline new)
for run in $(seq 1 "$runs"); do
  for t in "${targets[@]}"; do
    if [ "$t" = new ]; then start new "$ssad" "$tmp/new.db"; else start baseline "$baseline" "$tmp/baseline.db"; fi
    for c in "${cases[@]}"; do
      u=$(target "$c" "$url")
      code=$(curl -s -o /dev/null -w '%{http_code}' "$u")
      [ "$code" = 200 ] || { echo "$t $c: HTTP $code for $u" >&2; exit 1; }
      read -r a b _ errors < <(taskset -c 1 wrk -t1 -c1 -d"${duration}s" -s "$tmp/report.lua" "$u" | sed -n 's/^RESULT //p')
      [ "$errors" = 0 ] || { echo "$t $c: $errors non-2xx answers" >&2; exit 1; }
      p50[$t.$c]="${p50[$t.$c]:-} $a"
      p99[$t.$c]="${p99[$t.$c]:-} $b"
    done
    stop_pid "$pid"
  done
done

echo "## Search pages on the 1M store (bench/search.sh)"
machine_facts
echo "- busiest nameserver: $ns ($ns_domains domains); page size 10; $runs runs of ${duration}s, medians"
echo
if [ -n "$baseline" ]; then
  echo "| search | before p50 | before p99 | after p50 | after p99 | p50 ratio (after/before) |"
  echo "|---|---|---|---|---|---|"
else
  echo "| search | p50 | p99 |"
  echo "|---|---|---|"
fi
for c in "${cases[@]}"; do
  # shellcheck disable=SC2086
  n50=$(median ${p50[new.$c]}) n99=$(median ${p99[new.$c]})
  if [ -n "$baseline" ]; then
    # shellcheck disable=SC2086
    b50=$(median ${p50[baseline.$c]}) b99=$(median ${p99[baseline.$c]})
    echo "| $c | $(ms "$b50") | $(ms "$b99") | $(ms "$n50") | $(ms "$n99") | $(ratio "$n50" "$b50") |"
  else
    echo "| $c | $(ms "$n50") | $(ms "$n99") |"
  fi
done
