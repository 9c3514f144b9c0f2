#!/usr/bin/env bash
# Public RDAP domain lookups (issue 4) against the static-file reference: nginx with one worker serving
# the byte-identical bodies from files. The server (ssad or nginx) runs on core 0, wrk on core 1;
# 64 keep-alive connections; 10 s runs after a warm-up; the targets alternate five times; medians.
#
#   hot:      one domain, again and again                       goal (issue 8): ssad >= 0.8 x nginx
#   random:   uniform over 100,000 domains of the 1M-domain demo store, nginx serving the same
#             100,000 files; ssad's cache sized to hold them    goal: no worse than before (issue 4: 0.4)
#   uncached: the random test against ssad with cache_megabytes = 0, alternated with nginx
#             (issue 8: goal ssad >= 0.5 x nginx)
# BASELINE=/path/to/an/older/ssad adds that binary as a third target in every test (same config, same
# store), alternated with the others: "before and after" side by side in one run.
#
# Usage: bench/rdap.sh   (env: DOMAINS=1000000 COUNT=100000 RUNS=5 DURATION=10 CONNECTIONS=64
#                         UNCACHED_RUNS=$RUNS BASELINE= WORK=/tmp/ssad-bench-import KEEP=0)
# Needs the release build: cmake --preset release && cmake --build --preset release --target ssad
# Reuses bench/import.sh's store (WORK/ours.db), importing it when absent; migrates it in place.
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
lookup_settings
uncached_runs=${UNCACHED_RUNS:-$runs}
baseline=${BASELINE:-}
db=$work/ours.db

need_packages wrk curl sqlite3 python3 procps
command -v nginx >/dev/null || need_packages nginx-light
[ -x "$ssad" ] || { echo "build the release preset first: cmake --build --preset release --target ssad" >&2; exit 1; }
need_lookup_store
# The baseline reads its own copy of the store as it was before this build migrates it (an older binary
# refuses a newer schema; if the store was migrated by an earlier run, import it again).
baseline_db=$work/baseline.db
[ -z "$baseline" ] || cp "$db" "$baseline_db"
"$ssad" migrate --db "$db" >/dev/null

make_scratch rdap
chmod 755 "$tmp"  # nginx's worker runs as nobody

# --- the targets -----------------------------------------------------------------------------------

# start_ssad NAME CACHE_MEGABYTES [BINARY]: ssad (or the baseline BINARY, over its own store); sets ssad_pid
# and ssad_url.
start_ssad() {
  local store=$db
  [ "${3:-$ssad}" = "$ssad" ] || store=$baseline_db
  serve "$1" "$store" "rate_limit_per_second = 0
cache_megabytes = $2" "" "${3:-$ssad}"
}

# wrk: the hot test requests its URL again and again (report.lua), the random test a path of the list per
# request (random.lua). Each run's server CPU time per request (the kernel's softirq work for loopback is
# not in it) does not depend on whether wrk or the server is the limit.
write_wrk_scripts
runs_of() { echo "${rps[$1]}" | awk '{for (i = 1; i <= NF; i++) printf "%s%.0f", (i > 1 ? ", " : ""), $i}'; }

# --- the bodies --------------------------------------------------------------------------------------

echo "machine and date:"
machine_facts
echo "store: $db ($domains domains); $count random names; wrk -t1 -c$connections -d${duration}s, $runs runs each"

sqlite3 "$db" "select name from domain order by random() limit $count" >"$tmp/names"
sed 's|^|/rdap/domain/|' "$tmp/names" >"$tmp/paths"
hot=$(head -n1 "$tmp/names")
# The store's file in the page cache, as on a server that has been up for a while.
cat "$db" "$db-wal" >/dev/null 2>&1 || true

start_ssad cached 1024
cached_pid=$ssad_pid
cached_url=$ssad_url
# Fetching every body once from ssad writes nginx's files and fills ssad's cache.
mkdir -p "$tmp/www/rdap/domain"
echo "fetching $count bodies from ssad..."
started_at=$SECONDS
fetch_bodies "$cached_url" "$tmp/names" "$tmp/www/rdap/domain"
echo "  done in $((SECONDS - started_at)) s; $(du -sh "$tmp/www" | cut -f1) on disk," \
  "hot domain $hot ($(wc -c <"$tmp/www/rdap/domain/$hot") bytes)"

if [ -n "$baseline" ]; then
  start_ssad baseline 1024 "$baseline"
  base_pid=$ssad_pid
  base_url=$ssad_url
  echo "filling the baseline's cache..."
  fetch_bodies "$base_url" "$tmp/names" /dev/null
fi

start_nginx "$tmp/www" "$tmp/nginx"
# Byte-identical bodies: a sample of 200 names plus the hot one, fetched again from both servers.
mkdir -p "$tmp/cmp/ssad" "$tmp/cmp/nginx"
{ echo "$hot"; shuf -n 200 "$tmp/names"; } >"$tmp/cmp/names"
for target in ssad nginx; do
  base=$cached_url
  [ "$target" = ssad ] || base=$nginx_url
  awk -v base="$base" -v dir="$tmp/cmp/$target" \
    '{printf "url = \"%s/rdap/domain/%s\"\noutput = \"%s/%s\"\n", base, $1, dir, $1}' "$tmp/cmp/names" >"$tmp/cmp/$target.curl"
  curl -sS --fail -K "$tmp/cmp/$target.curl"
done
while read -r name; do
  cmp "$tmp/www/rdap/domain/$name" "$tmp/cmp/ssad/$name"
  cmp "$tmp/www/rdap/domain/$name" "$tmp/cmp/nginx/$name"
done <"$tmp/cmp/names"
echo "cmp: ssad and nginx bodies identical for $(wc -l <"$tmp/cmp/names") names"

# --- hot domain ----------------------------------------------------------------------------------------

echo "hot domain: warm-up..."
load "$duration" "$cached_url/rdap/domain/$hot" >/dev/null
load "$duration" "$nginx_url/rdap/domain/$hot" >/dev/null
[ -z "$baseline" ] || load "$duration" "$base_url/rdap/domain/$hot" >/dev/null
for run in $(seq 1 "$runs"); do
  echo " run $run"
  measure hot_ssad "$cached_pid" "$duration" "$cached_url/rdap/domain/$hot"
  measure hot_nginx "$nginx_worker" "$duration" "$nginx_url/rdap/domain/$hot"
  [ -z "$baseline" ] || measure hot_base "$base_pid" "$duration" "$base_url/rdap/domain/$hot"
done

# --- random over COUNT domains ---------------------------------------------------------------------

echo "random over $count domains: warm-up..."
load "$duration" "$cached_url" "$tmp/paths" >/dev/null
load "$duration" "$nginx_url" "$tmp/paths" >/dev/null
[ -z "$baseline" ] || load "$duration" "$base_url" "$tmp/paths" >/dev/null
for run in $(seq 1 "$runs"); do
  echo " run $run"
  measure random_ssad "$cached_pid" "$duration" "$cached_url" "$tmp/paths"
  measure random_nginx "$nginx_worker" "$duration" "$nginx_url" "$tmp/paths"
  [ -z "$baseline" ] || measure random_base "$base_pid" "$duration" "$base_url" "$tmp/paths"
done
cached_rss=$(peak_rss_mib "$cached_pid")
stop_pid "$cached_pid"
[ -z "$baseline" ] || stop_pid "$base_pid"

# --- random, ssad without its cache ----------------------------------------------------------------

start_ssad uncached 0
uncached_pid=$ssad_pid
uncached_url=$ssad_url
if [ -n "$baseline" ]; then
  start_ssad baseline-uncached 0 "$baseline"
  base_uncached_pid=$ssad_pid
  base_uncached_url=$ssad_url
fi
echo "random over $count domains, ssad with cache_megabytes = 0, alternated with nginx: warm-up..."
load "$duration" "$uncached_url" "$tmp/paths" >/dev/null
[ -z "$baseline" ] || load "$duration" "$base_uncached_url" "$tmp/paths" >/dev/null
for run in $(seq 1 "$uncached_runs"); do
  echo " run $run"
  measure random_uncached "$uncached_pid" "$duration" "$uncached_url" "$tmp/paths"
  measure uncached_nginx "$nginx_worker" "$duration" "$nginx_url" "$tmp/paths"
  [ -z "$baseline" ] || measure uncached_base "$base_uncached_pid" "$duration" "$base_uncached_url" "$tmp/paths"
done
uncached_rss=$(peak_rss_mib "$uncached_pid")
stop_pid "$uncached_pid"
[ -z "$baseline" ] || stop_pid "$base_uncached_pid"

# --- report ----------------------------------------------------------------------------------------

# shellcheck disable=SC2086
{
  hot_ratio=$(ratio "$(median ${rps[hot_ssad]})" "$(median ${rps[hot_nginx]})")
  random_ratio=$(ratio "$(median ${rps[random_ssad]})" "$(median ${rps[random_nginx]})")
  uncached_ratio=$(ratio "$(median ${rps[random_uncached]})" "$(median ${rps[uncached_nginx]})")
}
echo
echo "## RDAP lookups: bench/rdap.sh"
echo
machine_facts
echo "- ssad $("$ssad" --version 2>/dev/null | head -n1), $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
echo "- $count random names of $domains; hot domain $hot ($(wc -c <"$tmp/www/rdap/domain/$hot") bytes);" \
  "wrk -t1 -c$connections -d${duration}s on core 1, server on core 0; $runs alternated runs"
echo
echo "| test | target | runs | median req/s | median p50 | median p99 | server CPU per request |"
echo "|---|---|---|---|---|---|---|"
row "hot domain | ssad (cache 1024 MB)" hot_ssad
row "hot domain | nginx, 1 worker" hot_nginx
row "random $count | ssad (cache 1024 MB)" random_ssad
row "random $count | nginx, 1 worker" random_nginx
row "random $count | ssad, cache_megabytes = 0" random_uncached
row "random $count | nginx, 1 worker (alternated with the uncached runs)" uncached_nginx
if [ -n "$baseline" ]; then
  row "hot domain | baseline ssad (cache 1024 MB)" hot_base
  row "random $count | baseline ssad (cache 1024 MB)" random_base
  row "random $count | baseline ssad, cache_megabytes = 0" uncached_base
fi
echo
echo "- hot domain: ratio $hot_ratio (goal >= 0.8: $(goal "$hot_ratio" 0.8))"
echo "- random $count: ratio $random_ratio (goal >= 0.4: $(goal "$random_ratio" 0.4))"
echo "- random $count without the cache: ratio $uncached_ratio (goal >= 0.5: $(goal "$uncached_ratio" 0.5))"
if [ -n "$baseline" ]; then
  # shellcheck disable=SC2086
  echo "- baseline ($("$baseline" --version 2>/dev/null | head -n1)) against nginx: hot" \
    "$(ratio "$(median ${rps[hot_base]})" "$(median ${rps[hot_nginx]})"), random" \
    "$(ratio "$(median ${rps[random_base]})" "$(median ${rps[random_nginx]})"), uncached" \
    "$(ratio "$(median ${rps[uncached_base]})" "$(median ${rps[uncached_nginx]})")"
fi
# shellcheck disable=SC2086
echo "- server CPU per request, nginx / ssad (what the ratios would be if the server's core were the" \
  "only limit): hot $(ratio "$(median ${cpu_us[hot_nginx]})" "$(median ${cpu_us[hot_ssad]})")," \
  "random $(ratio "$(median ${cpu_us[random_nginx]})" "$(median ${cpu_us[random_ssad]})")," \
  "uncached $(ratio "$(median ${cpu_us[uncached_nginx]})" "$(median ${cpu_us[random_uncached]})")"
echo "- ssad peak RSS (VmHWM): $cached_rss MiB with the cache, $uncached_rss MiB without"
echo "- runs, req/s: hot ssad $(runs_of hot_ssad); hot nginx $(runs_of hot_nginx);" \
  "random ssad $(runs_of random_ssad); random nginx $(runs_of random_nginx); uncached $(runs_of random_uncached)"
