#!/usr/bin/env bash
# What abuse protection costs (issue 14, "Numbers"): RDAP domain lookups with the anonymous limits and the
# detectors of accredited use on, against both off, alternated in one run. Two servers run side by side on
# core 0 (one reading thread, WORKERS workers each), each on its own copy of the 1M-domain demo store; wrk
# (-t1 -cCONNECTIONS, keep-alive) on core 1, uniform over COUNT of its names:
#
#   on:  rdap.rate_limit_per_second = rdap.rate_limit_burst = 1000000 (a bucket per client, never empty),
#        abuse.credential_failures_* as by default, abuse.monitoring = true
#   off: rdap.rate_limit_per_second = 0, abuse.credential_failures_per_minute = 0, abuse.monitoring = false
#
#   anon:          anonymous lookups, the response cache on (filled first)     goal: on / off >= 0.95
#   key:           an accredited network operator's lookups with its API key and
#                  farv1_qp=technicalIssueResolution (each disclosure a durable
#                  audit entry, bench/authorised.sh)                           goal: on / off >= 0.95
#   anon_uncached: anonymous lookups with cache_megabytes = 0 (another pair of servers, after the others)
# TESTS names the tests to run (all three by default). CONTROL=1 runs the "on" server with the "off"
# settings: the difference two servers show when nothing differs but their process and store file.
# SWAP=1 starts the "off" server first and gives "on" the copied store: run with and without it to tell
# what comes from the settings from what comes from the order.
#
# Each round measures on and off once per test, the order swapped every round (on first in odd rounds).
# The requestor's traffic is ordinary: registered names in no order, from one address, one credential.
# Only its rate is not: the detectors' volume and distinct-domain thresholds are raised on both servers
# (abuse.volume.floor_per_hour, abuse.enumeration.distinct_per_day), as an operator would for a requestor
# whose normal use is thousands of lookups a second; the detectors run on every lookup all the same. After
# the runs the script lists the abuse cases of both stores (there must be none) and what the "on" server
# counted in its usage windows (the lookups it saw; "off" must have counted nothing).
#
# PROFILE=1 adds one run of each test against the "on" server under `perf record --call-graph dwarf`,
# and prints the share of its samples in the abuse protection's entry points, with what they call.
#
# Usage: bench/abuse.sh   (env: DOMAINS=1000000 COUNT=100000 RUNS=5 DURATION=10 CONNECTIONS=64 WORKERS=64
#                          TESTS="anon key anon_uncached" PROFILE=0 CONTROL=0 SWAP=0
#                          WORK=/tmp/ssad-bench-import KEEP=0)
# Needs the release build: cmake --preset release && cmake --build --preset release --target ssad
# Reuses bench/import.sh's store (WORK/ours.db), importing it when absent, and works on copies of it.
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
lookup_settings
workers=${WORKERS:-64}
tests=${TESTS:-anon key anon_uncached}
profile=${PROFILE:-0}

need_packages wrk curl sqlite3 python3 procps
[ "$profile" = 0 ] || need_packages linux-perf
[ -x "$ssad" ] || { echo "build the release preset first: cmake --build --preset release --target ssad" >&2; exit 1; }
need_lookup_store
make_scratch abuse

# The stores: one copy at the current schema with the requestor, copied again for each side (each side
# appends its own audit entries and usage rows).
cp "$work/ours.db" "$tmp/on.db"
"$ssad" migrate --db "$tmp/on.db" >/dev/null
add_requestor "$ssad" "$tmp/on.db"
key=$requestor_key
sqlite3 "$tmp/on.db" 'pragma wal_checkpoint(truncate)' >/dev/null  # the requestor is in the file copied
cp "$tmp/on.db" "$tmp/off.db"
order="on off"
if [ "${SWAP:-0}" = 1 ]; then
  order="off on"
  mv "$tmp/on.db" "$tmp/first.db"
  mv "$tmp/off.db" "$tmp/on.db"
  mv "$tmp/first.db" "$tmp/off.db"
fi

# start_ssad SIDE CACHE_MEGABYTES: ssad with SIDE's settings (on or off) over SIDE's store; sets ssad_pid
# and ssad_url. Both sides raise the two thresholds this requestor's rate would cross (see above).
start_ssad() {
  local side=$1 cache=$2 limits='rate_limit_per_second = 0' abuse='monitoring = false
credential_failures_per_minute = 0'
  if [ "$side" = on ] && [ "${CONTROL:-0}" = 0 ]; then
    limits='rate_limit_per_second = 1000000
rate_limit_burst = 1000000'
    abuse='monitoring = true'
  fi
  serve "$side-$cache" "$tmp/$side.db" "cache_megabytes = $cache
$limits" "[abuse]
$abuse
[abuse.volume]
floor_per_hour = 100000000
[abuse.enumeration]
distinct_per_day = 100000000"
}

# start_pair CACHE_MEGABYTES: both sides' servers, in $order; sets on_pid, on_url, off_pid and off_url.
start_pair() {
  local side
  for side in $order; do
    start_ssad "$side" "$1"
    if [ "$side" = on ]; then
      on_pid=$ssad_pid on_url=$ssad_url
    else
      off_pid=$ssad_pid off_url=$ssad_url
    fi
  done
}

write_wrk_scripts

# rounds TEST PATHS [HEADER]: RUNS rounds of one run on each side (servers in on_pid/on_url and
# off_pid/off_url), the order swapped every round; series TEST_on and TEST_off.
rounds() {
  local test=$1 paths=$2 header=${3:-} run side sides
  echo "$test: warm-up..."
  load "$duration" "$on_url" "$paths" "$header" >/dev/null
  load "$duration" "$off_url" "$paths" "$header" >/dev/null
  for run in $(seq 1 "$runs"); do
    echo " run $run"
    sides="on off"
    [ $((run % 2)) = 1 ] || sides="off on"
    for side in $sides; do
      if [ "$side" = on ]; then
        measure "${test}_on" "$on_pid" "$duration" "$on_url" "$paths" "$header"
      else
        measure "${test}_off" "$off_pid" "$duration" "$off_url" "$paths" "$header"
      fi
    done
  done
}

# profile TEST PATHS [HEADER]: one run against the on server under perf; the share of its samples (with
# their callees) in the abuse protection's entry points.
profile() {
  local test=$1 perf_pid
  shift
  perf record -q -F 499 --call-graph dwarf,16384 -p "$on_pid" -o "$tmp/$test.perf" -- sleep "$duration" \
    >/dev/null 2>&1 &
  perf_pid=$!
  load "$duration" "$on_url" "$@" >/dev/null
  wait "$perf_pid"
  perf report -i "$tmp/$test.perf" --children --sort symbol --stdio -g none 2>/dev/null >"$tmp/$test.report"
  {
    echo "- $test (on): $(grep -m1 '^# Samples' "$tmp/$test.report" | sed 's/^# //'); share of them" \
      "(callees included, self), for the abuse protection's functions:"
    grep -E '\[\.\] ssad::(abuse::|http::record_use|http::refuse_if_throttled)' "$tmp/$test.report" |
      awk '{s = $4; for (i = 5; i <= NF; i++) if ($i != "-") s = s " " $i; printf "  - %s (%s, %s)\n", substr(s, 1, 90), $1, $2}' |
      head -n 8 || true
  } | tee -a "$tmp/profile.txt"
}

# testing TEST: whether TESTS names it.
testing() { [[ " $tests " == *" $1 "* ]]; }

# --- cached servers: anonymous and authorised lookups ----------------------------------------------------

echo "machine and date:"
machine_facts
echo "stores: copies of $work/ours.db ($domains domains); $count random names; wrk -t1 -c$connections" \
  "-d${duration}s; $runs rounds; $workers workers"
sqlite3 "$tmp/on.db" "select name from domain order by random() limit $count" >"$tmp/names"
sed 's|^|/rdap/domain/|' "$tmp/names" >"$tmp/anon.paths"
sed 's|$|?farv1_qp=technicalIssueResolution|' "$tmp/anon.paths" >"$tmp/auth.paths"
cat "$tmp/on.db" "$tmp/off.db" >/dev/null

if testing anon || testing key; then
  start_pair 1024
  echo "fetching $count bodies from each server (fills its cache)..."
  for side in $order; do
    if [ "$side" = on ]; then fetch_bodies "$on_url" "$tmp/names" /dev/null; else fetch_bodies "$off_url" "$tmp/names" /dev/null; fi
  done
  # The key discloses: the registrant's email is in its answer and not in the public one.
  sample=$(head -n1 "$tmp/names")
  email=$(sqlite3 "$tmp/on.db" "select c.email from domain d join domain_contact dc on dc.domain_id = d.id
    join contact c on c.id = dc.contact_id where d.name = '$sample' and dc.role = 'registrant'")
  for url in "$on_url" "$off_url"; do
    curl -sS --fail -H "Authorization: Bearer $key" "$url/rdap/domain/$sample?farv1_qp=technicalIssueResolution" |
      grep -qF "$email" || { echo "$url: the API key's answer lacks the registrant email" >&2; exit 1; }
    if curl -sS --fail "$url/rdap/domain/$sample" | grep -qF "$email"; then
      echo "$url: the public answer has the email" >&2
      exit 1
    fi
  done

  ! testing anon || rounds anon "$tmp/anon.paths"
  ! testing key || rounds key "$tmp/auth.paths" "Authorization: Bearer $key"
  if [ "$profile" = 1 ]; then
    ! testing anon || profile anon "$tmp/anon.paths"
    ! testing key || profile key "$tmp/auth.paths" "Authorization: Bearer $key"
  fi
  echo "- peak RSS of the cached servers: on $(peak_rss_mib "$on_pid") MiB, off $(peak_rss_mib "$off_pid") MiB" \
    >>"$tmp/notes.txt"
  # One sync interval (abuse.sync_seconds, 10 by default) for the last counts to reach the store.
  sleep 11
  stop_pid "$on_pid"
  stop_pid "$off_pid"
fi

# --- uncached servers: anonymous lookups -----------------------------------------------------------------

if testing anon_uncached; then
  start_pair 0
  rounds anon_uncached "$tmp/anon.paths"
  [ "$profile" = 0 ] || profile anon_uncached "$tmp/anon.paths"
  stop_pid "$on_pid"
  stop_pid "$off_pid"
fi

# --- report ----------------------------------------------------------------------------------------

# per_round TEST: each round's on / off of req/s, comma-separated.
per_round() {
  paste -d' ' <(tr ' ' '\n' <<<"${rps[${1}_on]}" | sed '/^$/d') <(tr ' ' '\n' <<<"${rps[${1}_off]}" | sed '/^$/d') |
    awk '{printf "%s%.0f/%.0f = %.3f", (NR > 1 ? "; " : ""), $1, $2, $1 / $2}'
}
# summary TEST GOAL: the medians' ratio against the goal, the CPU ratio and each round.
summary() {
  local test=$1 goal_ratio=$2 r
  # shellcheck disable=SC2086
  r=$(awk -v a="$(median ${rps[${test}_on]})" -v b="$(median ${rps[${test}_off]})" 'BEGIN {printf "%.3f", a / b}')
  # shellcheck disable=SC2086
  echo "- $test: on / off $r (goal >= $goal_ratio: $(goal "$r" "$goal_ratio")); server CPU per request off / on" \
    "$(awk -v a="$(median ${cpu_us[${test}_off]})" -v b="$(median ${cpu_us[${test}_on]})" 'BEGIN {printf "%.3f", a / b}');" \
    "rounds (on/off): $(per_round "$test")"
}
cases_of() {
  "$ssad" abuse cases --db "$tmp/$1.db" --state "" --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["items"]))'
}
echo
echo "## Abuse protection on and off: bench/abuse.sh"
echo
machine_facts
echo "- ssad $("$ssad" --version 2>/dev/null | head -n1), $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
echo "- $count random names of $domains, wrk -t1 -c$connections -d${duration}s on core 1, servers on core 0" \
  "(one reading thread, $workers workers); $runs rounds, on and off alternated; medians"
echo "- abuse cases after the runs: $(cases_of on) in the on store, $(cases_of off) in the off store;" \
  "usage windows of the on store: $(sqlite3 "$tmp/on.db" 'select count(*) || " rows, " || coalesce(sum(lookups), 0) || " lookups" from usage_windows')," \
  "of the off store: $(sqlite3 "$tmp/off.db" 'select count(*) || " rows" from usage_windows')"
[ "${CONTROL:-0}" = 0 ] || echo "- CONTROL=1: the \"on\" server ran with the \"off\" settings (a control run)"
echo "- servers started in the order: $order"
cat "$tmp/notes.txt" 2>/dev/null || true
[ "$profile" = 0 ] || cat "$tmp/profile.txt"
echo
echo "| test | side | runs | req/s | p50 | p99 | server CPU/request |"
echo "|---|---|---|---|---|---|---|"
for test in $tests; do
  row "$test | on" "${test}_on"
  row "$test | off" "${test}_off"
done
echo
for test in $tests; do summary "$test" 0.95; done
