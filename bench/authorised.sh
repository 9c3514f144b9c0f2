#!/usr/bin/env bash
# Authorised RDAP domain lookups (issue 12): a network operator's bearer JWT (RS256, from the tests' identity
# provider) with farv1_qp=technicalIssueResolution over keep-alive, uniform over 100,000 domains of the
# 1M-domain demo store; each answer discloses the contacts' name, email and phone under the default policy
# and its rdap.disclose audit entry is durable (fsync) before the answer is sent. Side by side, alternated,
# in one run, with the server on core 0 and wrk on core 1:
#
#   anon:       the same 100,000 lookups anonymously, ssad's cache on (filled first)
#   jwt:        the authorised lookups with the JWT            goals: >= 0.5 x anon; p99 <= 10 ms
#   key:        the same with an API key instead of the JWT
#   nginx:      the anonymous bodies as static files (the usual ceiling, bench/rdap.sh)
#   jwt_nocache: the JWT with [oidc] verified_token_cache = 0 (a signature check per request), its own runs
#
# Then the decision engine alone (bench_policy_decide): decisions per second with the default policy.
#
# Usage: bench/authorised.sh   (env: DOMAINS=1000000 COUNT=100000 RUNS=5 DURATION=10 CONNECTIONS=64
#                               WORK=/tmp/ssad-bench-import KEEP=0)
# Needs the release build: cmake --preset release && cmake --build --preset release --target ssad bench_policy_decide
# Reuses bench/import.sh's store (WORK/ours.db), importing it when absent, and works on a copy of it.
set -euo pipefail
domains=${DOMAINS:-1000000}
count=${COUNT:-100000}
runs=${RUNS:-5}
duration=${DURATION:-10}
connections=${CONNECTIONS:-64}
workers=${WORKERS:-4}
root=$(cd "$(dirname "$0")/.." && pwd)
ssad=$root/build/release/apps/ssad/ssad
decide=$root/build/release/bench/bench_policy_decide
work=${WORK:-/tmp/ssad-bench-import}
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"

need_packages wrk curl sqlite3 python3 procps golang-go golang-gopkg-square-go-jose.v2-dev
command -v nginx >/dev/null || need_packages nginx-light
for binary in "$ssad" "$decide"; do
  [ -x "$binary" ] || { echo "build the release preset first: cmake --build --preset release --target ssad bench_policy_decide" >&2; exit 1; }
done
if [ ! -f "$work/ours.db" ] || [ "$(sqlite3 "$work/ours.db" 'select count(*) from domain')" != "$domains" ]; then
  RUNS=1 "$root/bench/import.sh" "$domains" >/dev/null
fi

tmp=$(mktemp -d /tmp/ssad-bench-authorised.XXXXXX)
chmod 755 "$tmp"  # nginx's worker runs as nobody
cleanup() {
  stop_started
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The store: a copy (the run adds requestors and audit entries), at the current schema.
db=$tmp/store.db
cp "$work/ours.db" "$db"
"$ssad" migrate --db "$db" >/dev/null

# The identity provider: the tests' own (Go, go-jose), its keys in a file the server reads at start.
GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS='' GOPROXY=off CGO_ENABLED=0 GOCACHE="$tmp/gocache" \
  go build -o "$tmp/test_idp" "$root/tests/support/test_idp/main.go"
"$tmp/test_idp" --jwks-file "$tmp/jwks.json" >"$tmp/idp.url" < <(tail -f /dev/null) &
started+=("$!")
while [ ! -s "$tmp/idp.url" ]; do sleep 0.1; done
idp=$(head -n1 "$tmp/idp.url")

# The requestor: a network operator with a user signing in at the provider, an accreditation and a key.
json_field() { python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
org=$("$ssad" requestor org add --db "$db" --name "Bench Networks" --json | json_field id)
user=$("$ssad" requestor user add --db "$db" --org "$org" --email noc@bench.example \
  --oidc-issuer "$idp" --oidc-subject bench-noc --json | json_field id)
"$ssad" requestor accreditation add --db "$db" --org "$org" --group network_operator --authority Bench \
  --until 2099-12-31 --json >/dev/null
key=$("$ssad" requestor key create --db "$db" --user "$user" --json | json_field key)
token=$(curl -sS --fail "$idp/token?sub=bench-noc&aud=rdap-bench&alg=RS256&exp=86400")

# start_ssad NAME VERIFIED_CACHE: ssad on core 0, one thread, the cache on; sets ssad_pid and ssad_url.
start_ssad() {
  local name=$1 verified=$2 port
  port=$(free_port)
  cat >"$tmp/$name.toml" <<EOF
[server]
http = "127.0.0.1:$port"
threads = 1
workers = $workers
[rdap]
base_url = "http://127.0.0.1:$port/rdap/"
rate_limit_per_second = 0
cache_megabytes = 1024
[oidc]
verified_token_cache = $verified
[[oidc.issuer]]
issuer = "$idp"
name = "Bench IdP"
audience = "rdap-bench"
jwks_file = "$tmp/jwks.json"
[log]
access_log = false
EOF
  taskset -c 0 "$ssad" serve --db "$db" --config "$tmp/$name.toml" >"$tmp/$name.log" 2>&1 &
  ssad_pid=$!
  started+=("$ssad_pid")
  wait_listening "$port"
  ssad_url=http://127.0.0.1:$port
}


# --- wrk -------------------------------------------------------------------------------------------

cat >"$tmp/random.lua" <<'EOF'
local paths = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time())
end
request = function()
  return wrk.format(nil, paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.1f %d %d %d %d %d\n", summary.requests / summary.duration * 1e6,
    latency:percentile(50), latency:percentile(99), summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout))
end
EOF

# load SECONDS URL PATHS [HEADER]: one wrk run from core 1; prints its RESULT fields.
load() {
  local seconds=$1 url=$2 paths=$3 header=${4:-} out result non2xx errors
  local args=(-t1 -c"$connections" -d"${seconds}s" --latency -s "$tmp/random.lua")
  [ -z "$header" ] || args+=(-H "$header")
  out=$(taskset -c 1 wrk "${args[@]}" "$url" -- "$paths")
  result=$(grep '^RESULT ' <<<"$out" | cut -d' ' -f2-)
  read -r _ _ _ _ non2xx errors <<<"$result"
  if [ "$non2xx" != 0 ] || [ "$errors" != 0 ]; then
    echo "$url: $non2xx non-2xx answers, $errors socket errors" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "$result"
}

declare -A rps p50 p99 cpu
measure() {  # measure SERIES PID SECONDS URL PATHS [HEADER]
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
  cpu[$series]+="$c "
  printf '  %-12s %10.0f req/s  p50 %s  p99 %s  server CPU %s µs/request\n' "$series" "$r" "$(ms "$p5")" \
    "$(ms "$p9")" "$c"
}
row() {  # row TARGET SERIES
  local series=$2
  # shellcheck disable=SC2086
  printf '| %s | %d | %.0f | %s | %s | %s µs |\n' "$1" "$(wc -w <<<"${rps[$series]}")" \
    "$(median ${rps[$series]})" "$(ms "$(median ${p50[$series]})")" "$(ms "$(median ${p99[$series]})")" \
    "$(median ${cpu[$series]})"
}
entries() { sqlite3 "$db" 'select count(*) from audit_entry'; }

# --- the bodies and the checks ------------------------------------------------------------------------

echo "machine and date:"
machine_facts
echo "store: a copy of $work/ours.db ($domains domains); $count random names; wrk -t1 -c$connections" \
  "-d${duration}s, $runs runs each"
sqlite3 "$db" "select name from domain order by random() limit $count" >"$tmp/names"
sed 's|^|/rdap/domain/|' "$tmp/names" >"$tmp/anon.paths"
sed 's|$|?farv1_qp=technicalIssueResolution|' "$tmp/anon.paths" >"$tmp/auth.paths"
cat "$db" "$db-wal" >/dev/null 2>&1 || true

start_ssad main 10000
main_pid=$ssad_pid
main_url=$ssad_url
# Every anonymous body once: fills ssad's cache and writes nginx's files (as bench/rdap.sh).
mkdir -p "$tmp/www/rdap/domain" "$tmp/fetch"
split -n l/4 -d "$tmp/names" "$tmp/fetch/names."
echo "fetching $count bodies from ssad..."
fetchers=()
for chunk in "$tmp"/fetch/names.*; do
  awk -v base="$main_url" -v dir="$tmp/www/rdap/domain" \
    '{printf "url = \"%s/rdap/domain/%s\"\noutput = \"%s/%s\"\n", base, $1, dir, $1}' "$chunk" >"$chunk.curl"
  curl -sS -K "$chunk.curl" -w '%{http_code}\n' >"$chunk.codes" &
  fetchers+=("$!")
done
for pid in "${fetchers[@]}"; do wait "$pid"; done
[ "$(cat "$tmp"/fetch/*.codes | grep -c '^200$')" = "$count" ] || { echo "not every fetch answered 200" >&2; exit 1; }

# The authorised answer discloses what the public's does not, and each costs one durable audit entry.
sample=$(head -n1 "$tmp/names")
before=$(entries)
curl -sS --fail -H "Authorization: Bearer $token" \
  "$main_url/rdap/domain/$sample?farv1_qp=technicalIssueResolution" >"$tmp/sample.auth.json"
curl -sS --fail -H "Authorization: Bearer $key" \
  "$main_url/rdap/domain/$sample?farv1_qp=technicalIssueResolution" >"$tmp/sample.key.json"
after=$(entries)
email=$(sqlite3 "$db" "select c.email from domain d join domain_contact dc on dc.domain_id = d.id
  join contact c on c.id = dc.contact_id where d.name = '$sample' and dc.role = 'registrant'")
grep -qF "$email" "$tmp/sample.auth.json" || { echo "the JWT answer lacks the registrant email" >&2; exit 1; }
grep -qF "$email" "$tmp/sample.key.json" || { echo "the API key answer lacks the registrant email" >&2; exit 1; }
if grep -qF "$email" "$tmp/www/rdap/domain/$sample"; then echo "the public answer has the email" >&2; exit 1; fi
[ $((after - before)) = 2 ] || { echo "expected 2 audit entries, got $((after - before))" >&2; exit 1; }
echo "check: the authorised answers disclose the registrant email, the public one does not;" \
  "one rdap.disclose entry per answer"

start_nginx "$tmp/www" "$tmp/nginx"

# --- alternated runs -----------------------------------------------------------------------------------

echo "warm-up..."
load "$duration" "$main_url" "$tmp/anon.paths" >/dev/null
load "$duration" "$main_url" "$tmp/auth.paths" "Authorization: Bearer $token" >/dev/null
load "$duration" "$nginx_url" "$tmp/anon.paths" >/dev/null
served_before=$(entries)
for run in $(seq 1 "$runs"); do
  echo " run $run"
  measure anon "$main_pid" "$duration" "$main_url" "$tmp/anon.paths"
  measure jwt "$main_pid" "$duration" "$main_url" "$tmp/auth.paths" "Authorization: Bearer $token"
  measure key "$main_pid" "$duration" "$main_url" "$tmp/auth.paths" "Authorization: Bearer $key"
  measure nginx "$nginx_worker" "$duration" "$nginx_url" "$tmp/anon.paths"
done
main_rss=$(peak_rss_mib "$main_pid")
stop_pid "$main_pid"
# Every authorised answer of the runs left its entry (the runs' request counts are in the RESULT lines;
# the entry count is the check that nothing was answered unlogged).
appended=$(($(entries) - served_before))

start_ssad nocache 0
nocache_pid=$ssad_pid
load "$duration" "$ssad_url" "$tmp/auth.paths" "Authorization: Bearer $token" >/dev/null
for run in $(seq 1 "$runs"); do
  echo " run $run (no verified-token cache)"
  measure jwt_nocache "$nocache_pid" "$duration" "$ssad_url" "$tmp/auth.paths" "Authorization: Bearer $token"
done
stop_pid "$nocache_pid"

# --- report ----------------------------------------------------------------------------------------

# shellcheck disable=SC2086
{
  anon=$(median ${rps[anon]})
  jwt=$(median ${rps[jwt]})
  jwt_p99=$(median ${p99[jwt]})
}
goal() { awk -v r="$1" -v g="$2" 'BEGIN {print (r >= g ? "met" : "missed")}'; }
echo
echo "## Authorised RDAP lookups: bench/authorised.sh"
echo
machine_facts
echo "- ssad $("$ssad" --version 2>/dev/null | head -n1), $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
echo "- $count random names of $domains, wrk -t1 -c$connections -d${duration}s on core 1, server on core 0" \
  "(one reading thread, $workers workers); $runs alternated runs; medians"
echo "- each authorised answer discloses 9–12 fields (seed 000) and appends one rdap.disclose entry, durable" \
  "before the answer: $appended entries appended during the alternated runs; peak RSS $main_rss MiB"
echo
echo "| target | runs | req/s | p50 | p99 | server CPU/request |"
echo "|---|---|---|---|---|---|"
row "anonymous, cache on" anon
row "authorised, bearer JWT (RS256), verified-token cache" jwt
row "authorised, API key" key
row "nginx, static files" nginx
row "authorised, bearer JWT, no verified-token cache (own runs)" jwt_nocache
echo
# shellcheck disable=SC2086
echo "- JWT / anonymous: $(ratio "$jwt" "$anon") (goal >= 0.5: $(goal "$(ratio "$jwt" "$anon")" 0.5));" \
  "JWT / nginx: $(ratio "$jwt" "$(median ${rps[nginx]})"); API key / anonymous: $(ratio "$(median ${rps[key]})" "$anon")"
echo "- JWT p99: $(ms "$jwt_p99") (goal <= 10 ms: $(awk -v p="$jwt_p99" 'BEGIN {print (p <= 10000 ? "met" : "missed")}'))"
echo "- runs: anon $(echo "${rps[anon]}" | xargs), jwt $(echo "${rps[jwt]}" | xargs), key $(echo "${rps[key]}" | xargs)," \
  "nginx $(echo "${rps[nginx]}" | xargs), jwt_nocache $(echo "${rps[jwt_nocache]}" | xargs)"
echo
echo "### The decision engine alone: bench_policy_decide"
echo
taskset -c 0 "$decide" --benchmark_min_time=1 2>/dev/null | grep -E '^(Public|Seed|Researcher)' |
  awk '{printf "- %s: %s ns per decision (%s)\n", $1, $2, $NF}'
