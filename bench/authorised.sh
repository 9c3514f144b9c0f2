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
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"
lookup_settings
workers=${WORKERS:-4}
decide=$root/build/release/bench/bench_policy_decide

need_packages wrk curl sqlite3 python3 procps golang-go golang-gopkg-square-go-jose.v2-dev
command -v nginx >/dev/null || need_packages nginx-light
for binary in "$ssad" "$decide"; do
  [ -x "$binary" ] || { echo "build the release preset first: cmake --build --preset release --target ssad bench_policy_decide" >&2; exit 1; }
done
need_lookup_store
make_scratch authorised
chmod 755 "$tmp"  # nginx's worker runs as nobody

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
add_requestor "$ssad" "$db" --oidc-issuer "$idp" --oidc-subject bench-noc
key=$requestor_key
token=$(curl -sS --fail "$idp/token?sub=bench-noc&aud=rdap-bench&alg=RS256&exp=86400")

# start_ssad NAME VERIFIED_CACHE: ssad, the cache on, the provider trusted; sets ssad_pid and ssad_url.
start_ssad() {
  serve "$1" "$db" 'rate_limit_per_second = 0
cache_megabytes = 1024' "[oidc]
verified_token_cache = $2
[[oidc.issuer]]
issuer = \"$idp\"
name = \"Bench IdP\"
audience = \"rdap-bench\"
jwks_file = \"$tmp/jwks.json\""
}

# --- wrk -------------------------------------------------------------------------------------------

write_wrk_scripts
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
mkdir -p "$tmp/www/rdap/domain"
echo "fetching $count bodies from ssad..."
fetch_bodies "$main_url" "$tmp/names" "$tmp/www/rdap/domain"

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
