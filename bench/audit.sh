#!/usr/bin/env bash
# The audit log's numbers (issue 11), printed as one table:
#
# 1. Durable appends: WRITERS threads (1, 16, 64) append realistic entries through one audit::Appender
#    (group commit), the writers' process on core 0, for DURATION seconds after a 2 s warm-up; entries per
#    second, p50/p99 latency, entries per commit. Goal: >= 10,000 entries/s at 16 writers, p99 <= 5 ms.
#    The floor, measured for FLOOR_DURATION seconds before every run: 4 KB written and fdatasync()ed in a
#    loop in WORK, on the same filesystem as the stores (one writer's best case: one fsync per entry).
#    This machine's virtual disk changes speed from one second to the next (300 to 8,000 fsyncs/s), so
#    each run is compared with the floor measured just before it.
# 2. `ssad audit verify` (the real CLI, on core 0) over a log of ENTRIES entries with 10 signed
#    checkpoints, filled once by bench_audit_fill and kept in WORK; wall and CPU time. Goal: <= 2 s.
# 3. Inclusion proofs for random entries of that log: through audit::inclusion_proof() on the store
#    (bench_audit_proofs, PROOFS of them), and through GET /v1/audit/proof/inclusion of `ssad serve`
#    (threads = 1, workers = 1, on core 0; wrk with one connection on core 1, a random index per request).
#
# Stores: SQLite (files in WORK) and PostgreSQL (STORES="sqlite postgres"): a durable server
# (bench/common.sh pg_bench_settings: fsync, synchronous_commit and full_page_writes on) started with
# tests/support/pg_server.sh in WORK/pg, its processes on core 1, so that the writers' core is theirs alone.
# BASELINE: a folder holding bench_audit_append, bench_audit_proofs and ssad built from another commit;
# they run as a third target ("sqlite, baseline", on its own copy of each SQLite store), alternated with
# the others. Every measurement alternates its targets RUNS times; medians.
#
# Usage: bench/audit.sh   (env: RUNS=3 DURATION=10 FLOOR_DURATION=3 WRITERS="1 16 64" ENTRIES=1000000
#        PROOFS=100000 STORES="sqlite postgres" WORK=/tmp/ssad-bench-audit BASELINE=)
# Needs the release build: cmake --preset release && cmake --build build/release --target ssad
#   bench_audit_append bench_audit_fill bench_audit_proofs
set -euo pipefail
runs=${RUNS:-3}
duration=${DURATION:-10}
floor_duration=${FLOOR_DURATION:-3}
writers_list=${WRITERS:-"1 16 64"}
entries=${ENTRIES:-1000000}
proofs=${PROOFS:-100000}
stores=${STORES:-"sqlite postgres"}
baseline=${BASELINE:-}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/release
ssad=$build/apps/ssad/ssad
work=${WORK:-/tmp/ssad-bench-audit}
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
need_packages time wrk curl sqlite3 python3 procps
for binary in "$ssad" "$build/bench/bench_audit_append" "$build/bench/bench_audit_fill" \
  "$build/bench/bench_audit_proofs"; do
  [ -x "$binary" ] || { echo "build the release preset first ($binary is missing)" >&2; exit 1; }
done
if [ -n "$baseline" ]; then
  for binary in bench_audit_append bench_audit_proofs ssad; do
    [ -x "$baseline/$binary" ] || { echo "BASELINE: $baseline/$binary is missing" >&2; exit 1; }
  done
fi
with_pg=0
[[ " $stores " == *" postgres "* ]] && with_pg=1
mkdir -p "$work"
tmp=$(mktemp -d /tmp/ssad-bench-audit-run.XXXXXX)
cleanup() {
  stop_started
  [ "$with_pg" = 0 ] || pg_bench_stop "$work/pg"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# field LINE KEY: the value of KEY=VALUE in a line of the bench programs.
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2; exit}'; }

# --- the targets -----------------------------------------------------------------------------------

# Each target: a name, the binaries it runs, and the append store and filled store it uses.
targets=()
declare -A bin_append bin_proofs bin_ssad append_store log_store label
add_target() {  # NAME LABEL BINARY_DIR SSAD APPEND_STORE LOG_STORE
  targets+=("$1")
  label[$1]=$2
  bin_append[$1]=$3/bench_audit_append
  bin_proofs[$1]=$3/bench_audit_proofs
  bin_ssad[$1]=$4
  append_store[$1]=$5
  log_store[$1]=$6
}
if [[ " $stores " == *" sqlite "* ]]; then
  add_target sqlite "SQLite" "$build/bench" "$ssad" "$work/append.db" "$work/log-$entries.db"
  if [ -n "$baseline" ]; then
    add_target sqlite-baseline "SQLite, baseline" "$baseline" "$baseline/ssad" "$work/append-baseline.db" \
      "$work/log-$entries-baseline.db"
  fi
fi
if [ "$with_pg" = 1 ]; then
  need_packages postgresql-client-15
  pg_bench_start "$work/pg"
  admin=$(cat "$work/pg/url")
  sql() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 "$admin" -Atc "$1"; }
  for setting in fsync synchronous_commit; do
    [ "$(sql "show $setting")" = on ] || { echo "the server in $work/pg runs with $setting off" >&2; exit 1; }
  done
  # Everything PostgreSQL runs on core 1 (backends started later inherit the postmaster's affinity).
  postmaster=$(head -n1 "$work/pg/data/postmaster.pid")
  for pid in "$postmaster" $(pgrep -P "$postmaster"); do taskset -apc 1 "$pid" >/dev/null; done
  add_target postgres "PostgreSQL" "$build/bench" "$ssad" "${admin%/*}/ssad_audit_append" \
    "${admin%/*}/ssad_audit_$entries"
fi
[ ${#targets[@]} -gt 0 ] || { echo "STORES names no store (sqlite, postgres)" >&2; exit 1; }

# Fresh append stores; the filled logs are kept between runs of the script.
rm -f "$work"/append.db* "$work"/append-baseline.db*
if [ "$with_pg" = 1 ]; then
  sql "DROP DATABASE IF EXISTS ssad_audit_append"
  sql "CREATE DATABASE ssad_audit_append"
fi

# --- 2 and 3 need the filled logs: fill them first --------------------------------------------------

[ -f "$work/audit.key" ] || "$ssad" audit keygen --out "$work/audit.key" --name bench/ssad-audit >"$work/audit.vkey"
vkey=$(cat "$work/audit.vkey")
log_size() {
  if [[ "$1" == postgresql://* ]]; then
    psql -X -Atc 'SELECT size FROM audit_head' "$1" 2>/dev/null || echo 0
  else
    sqlite3 "$1" 'SELECT size FROM audit_head' 2>/dev/null || echo 0
  fi
}
for t in "${targets[@]}"; do
  store=${log_store[$t]}
  if [ "$t" = sqlite-baseline ]; then
    # The baseline reads its own copy of the same log.
    if [ "$(log_size "$store")" != "$(log_size "${log_store[sqlite]}")" ]; then
      rm -f "$store"*
      sqlite3 "${log_store[sqlite]}" ".backup '$store'"
    fi
    continue
  fi
  if [ "$(log_size "$store")" -lt "$entries" ]; then
    echo "filling the audit log of $store with $entries entries..."
    if [[ "$store" == postgresql://* ]]; then
      sql "DROP DATABASE IF EXISTS ssad_audit_$entries"
      sql "CREATE DATABASE ssad_audit_$entries"
    else
      rm -f "$store"*
    fi
    "$build/bench/bench_audit_fill" "$store" "$entries" 50000 "$work/audit.key" 10
    [[ "$store" != postgresql://* ]] || psql -X -q -c 'VACUUM (ANALYZE)' "$store"
  fi
done

echo "machine and date:"
machine_facts
echo "- disk: $(df -h "$work" | awk 'NR == 2 {print $1 " (" $2 ")"}'), $(findmnt -no FSTYPE -T "$work") for $work" \
  "(the floor's file, the SQLite stores and the PostgreSQL server's data)"
if [ "$with_pg" = 1 ]; then
  echo "- PostgreSQL $(sql 'show server_version' | cut -d' ' -f1), $(sql "select string_agg(name || '=' || current_setting(name), ' ' order by name) from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers')"), on core 1"
fi
echo "- targets: $(for t in "${targets[@]}"; do printf '%s; ' "${label[$t]}"; done)$runs alternated runs each"

# --- 1. appends ------------------------------------------------------------------------------------

declare -A rate p50 p99 batch vs_floor
floor_rate=() floor_p50=() floor_p99=()
echo "appends: $duration s per run after a 2 s warm-up, writers on core 0; before each, the floor for ${floor_duration}s"
for run in $(seq 1 "$runs"); do
  echo " round $run (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  # The order of the targets turns by one each round, so that none always follows the same one.
  order=("${targets[@]:$(((run - 1) % ${#targets[@]}))}" "${targets[@]:0:$(((run - 1) % ${#targets[@]}))}")
  for w in $writers_list; do
    for t in "${order[@]}"; do
      floor=$("$build/bench/bench_audit_append" fsync "$work" "$floor_duration")
      floor_rate+=("$(field "$floor" entries_per_s)")
      floor_p50+=("$(field "$floor" p50_us)")
      floor_p99+=("$(field "$floor" p99_us)")
      line=$(taskset -c 0 "${bin_append[$t]}" append "${append_store[$t]}" "$w" "$duration" 2)
      printf '  %-16s %s\n  %-16s %s\n' floor "$floor" "$t" "$line"
      rate[$t/$w]+="$(field "$line" entries_per_s) "
      p50[$t/$w]+="$(field "$line" p50_us) "
      p99[$t/$w]+="$(field "$line" p99_us) "
      batch[$t/$w]+="$(field "$line" entries_per_batch) "
      vs_floor[$t/$w]+="$(ratio "$(field "$line" entries_per_s)" "$(field "$floor" entries_per_s)") "
    done
  done
done

# --- 2. verify -------------------------------------------------------------------------------------

declare -A verify_wall verify_cpu verify_count
echo "ssad audit verify (one warm-up per target, then $runs alternated runs):"
for t in "${targets[@]}"; do
  [[ "${log_store[$t]}" == postgresql://* ]] || cat "${log_store[$t]}" >/dev/null
  taskset -c 0 "${bin_ssad[$t]}" audit verify --db "${log_store[$t]}" --key "$vkey" >/dev/null
done
for run in $(seq 1 "$runs"); do
  for t in "${targets[@]}"; do
    /usr/bin/time -f '%e %U %S' -o "$tmp/time" taskset -c 0 "${bin_ssad[$t]}" audit verify \
      --db "${log_store[$t]}" --key "$vkey" >"$tmp/verify"
    read -r wall user system <"$tmp/time"
    cpu=$(awk -v u="$user" -v s="$system" 'BEGIN {printf "%.2f", u + s}')
    printf '  %-16s %s s wall, %s s CPU: %s\n' "$t" "$wall" "$cpu" "$(cat "$tmp/verify")"
    verify_wall[$t]+="$wall "
    verify_cpu[$t]+="$cpu "
    verify_count[$t]=$(awk '{print $5}' "$tmp/verify")
  done
done

# --- 3. proofs -------------------------------------------------------------------------------------

declare -A proof_p50 proof_p99 http_rate http_p50 http_p99
echo "inclusion proofs through the store ($proofs random entries per run, one thread on core 0):"
for run in $(seq 1 "$runs"); do
  for t in "${targets[@]}"; do
    line=$(taskset -c 0 "${bin_proofs[$t]}" "${log_store[$t]}" "$proofs")
    printf '  %-16s %s\n' "$t" "$line"
    proof_p50[$t]+="$(field "$line" p50_us) "
    proof_p99[$t]+="$(field "$line" p99_us) "
  done
done

# ssad serve on each filled log (it appends its server.start entry; proofs stay within the first ENTRIES).
cat >"$tmp/random.lua" <<EOF
math.randomseed(os.time())
request = function()
  return wrk.format(nil, "/v1/audit/proof/inclusion?index=" .. math.random(0, $entries - 1) .. "&tree_size=$entries")
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.1f %d %d %d %d\n", summary.requests / summary.duration * 1e6,
    latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
EOF
declare -A serve_url serve_pid
for t in "${targets[@]}"; do
  port=$(free_port)
  cat >"$tmp/$t.toml" <<EOF
[server]
http = "127.0.0.1:$port"
threads = 1
workers = 1
[rdap]
base_url = "http://127.0.0.1:$port/rdap/"
rate_limit_per_second = 0
cursor_secret = "bench-audit-cursor-secret-0123456789abcdef"
[log]
access_log = false
EOF
  taskset -c 0 "${bin_ssad[$t]}" serve --db "${log_store[$t]}" --config "$tmp/$t.toml" >"$tmp/$t.log" 2>&1 &
  serve_pid[$t]=$!
  started+=("${serve_pid[$t]}")
  wait_listening "$port"
  serve_url[$t]=http://127.0.0.1:$port
  curl -sS --fail "${serve_url[$t]}/v1/audit/proof/inclusion?index=0&tree_size=$entries" >/dev/null
done
echo "inclusion proofs over HTTP (wrk -t1 -c1 -d${duration}s on core 1, ssad serve on core 0; a warm-up run each):"
for t in "${targets[@]}"; do taskset -c 1 wrk -t1 -c1 -d"${duration}s" -s "$tmp/random.lua" "${serve_url[$t]}" >/dev/null; done
for run in $(seq 1 "$runs"); do
  for t in "${targets[@]}"; do
    out=$(taskset -c 1 wrk -t1 -c1 -d"${duration}s" --latency -s "$tmp/random.lua" "${serve_url[$t]}")
    read -r r l50 l99 non2xx errors <<<"$(grep '^RESULT ' <<<"$out" | cut -d' ' -f2-)"
    if [ "$non2xx" != 0 ] || [ "$errors" != 0 ]; then
      echo "$t: $non2xx non-2xx answers, $errors socket errors" >&2
      exit 1
    fi
    printf '  %-16s %8.0f req/s  p50 %s  p99 %s\n' "$t" "$r" "$(ms "$l50")" "$(ms "$l99")"
    http_rate[$t]+="$r "
    http_p50[$t]+="$l50 "
    http_p99[$t]+="$l99 "
  done
done
echo "after: load average $(cut -d' ' -f1-3 /proc/loadavg)"

# --- the table -------------------------------------------------------------------------------------

# shellcheck disable=SC2086
{
  fr=$(median "${floor_rate[@]}")
  echo
  echo "## Audit log: bench/audit.sh (RUNS=$runs DURATION=$duration ENTRIES=$entries PROOFS=$proofs)"
  echo
  echo "| measure | store | median | p50 | p99 | entries per commit | ratio to the goal | ratio to the fsync floor (each run to the floor just before it) |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '| fsync floor (4 KB + fdatasync), %s runs of %s s | — | %.0f fsyncs/s (%s to %s) | %s | %s | 1 | — | 1.00 |\n' \
    "${#floor_rate[@]}" "$floor_duration" "$fr" "$(printf '%s\n' "${floor_rate[@]}" | sort -g | head -n1)" \
    "$(printf '%s\n' "${floor_rate[@]}" | sort -g | tail -n1)" "$(ms "$(median "${floor_p50[@]}")")" \
    "$(ms "$(median "${floor_p99[@]}")")"
  for w in $writers_list; do
    for t in "${targets[@]}"; do
      r=$(median ${rate[$t/$w]})
      q=$(median ${p99[$t/$w]})
      goal="—"
      if [ "$w" = 16 ]; then
        goal="$(ratio "$r" 10000) × 10,000/s; p99 $(ratio "$q" 5000) × 5 ms"
      fi
      printf '| appends, %s writers | %s | %.0f entries/s (runs %s) | %s | %s | %s | %s | %s |\n' "$w" \
        "${label[$t]}" "$r" "$(awk '{for (i = 1; i <= NF; i++) printf "%s%.0f", (i > 1 ? ", " : ""), $i}' <<<"${rate[$t/$w]}")" \
        "$(ms "$(median ${p50[$t/$w]})")" "$(ms "$q")" "$(median ${batch[$t/$w]})" "$goal" \
        "$(median ${vs_floor[$t/$w]}) (runs ${vs_floor[$t/$w]% })"
    done
  done
  for t in "${targets[@]}"; do
    wall=$(median ${verify_wall[$t]})
    walls=${verify_wall[$t]% }
    # shellcheck disable=SC2016 # the backquotes are Markdown
    printf '| `ssad audit verify`, %s entries | %s | %s s wall (runs %s), %s s CPU | — | — | — | %s × 2 s | — |\n' \
      "${verify_count[$t]}" "${label[$t]}" "$wall" "${walls// /, }" \
      "$(median ${verify_cpu[$t]})" "$(ratio "$wall" 2)"
  done
  for t in "${targets[@]}"; do
    printf '| inclusion proof, store (%s random of %s) | %s | — | %s µs | %s µs | — | — | — |\n' "$proofs" \
      "$entries" "${label[$t]}" "$(median ${proof_p50[$t]})" "$(median ${proof_p99[$t]})"
  done
  for t in "${targets[@]}"; do
    printf '| inclusion proof, HTTP (1 connection) | %s | %.0f req/s | %s | %s | — | — | — |\n' "${label[$t]}" \
      "$(median ${http_rate[$t]})" "$(ms "$(median ${http_p50[$t]})")" "$(ms "$(median ${http_p99[$t]})")"
  done
}
