#!/usr/bin/env bash
# Automated disclosure requests end to end (issue 13 "Numbers"): POST /v1/requests over keep-alive HTTP
# with an API key — completeness check, the decision engine, and the durable write (fsync) of the request,
# its decision and its audit entry before the reply — from 16 concurrent clients (wrk, core 1) to a server
# on one core (core 0). Every request is a network operator's (seed 000) under the default policy:
# registrant and tech name, email and phone disclosed at once (201, status "decided"). Domains are drawn
# at random from the demo store.
#
# Side by side, alternated, in one run:
#   requests:  POST /v1/requests                              goals: >= 2,000 requests/s; p99 <= 10 ms
#   lookup:    the same requestor's authorised RDAP lookup of the same domains (issue 12's path, for scale)
# After the runs the store is checked: every 201 is a stored request with its audit entry, and the group
# commit's grouping is reported (changes per commit, from the audit log's checkpoints of size).
#
# Usage: bench/requests.sh   (env: DOMAINS=10000 RUNS=3 DURATION=10 CONNECTIONS=16 WORKERS=4 KEEP=0)
# Needs the release build: cmake --preset release && cmake --build --preset release --target ssad
set -euo pipefail
domains=${DOMAINS:-10000}
runs=${RUNS:-3}
duration=${DURATION:-10}
connections=${CONNECTIONS:-16}
workers=${WORKERS:-4}
root=$(cd "$(dirname "$0")/.." && pwd)
ssad=$root/build/release/apps/ssad/ssad
# shellcheck source=bench/common.sh
source "$root/bench/common.sh"

need_packages wrk curl sqlite3 python3 procps
[ -x "$ssad" ] || { echo "build the release preset first: cmake --build --preset release --target ssad" >&2; exit 1; }

make_scratch requests

db=$tmp/store.db
"$ssad" demo --db "$db" --domains "$domains" >/dev/null
add_requestor "$ssad" "$db"
key=$requestor_key
sqlite3 "$db" 'select name from domain' | shuf -n 2000 --random-source=<(yes) >"$tmp/names"

# The requestor files the same 2,000 requests again and again: abuse monitoring's duplicates detector
# would throttle it within a second (issue 14), so it is off here (the other detectors stay on).
serve ssad "$db" 'rate_limit_per_second = 0' '[abuse.duplicates]
per_day = 0'
url=$ssad_url

write_wrk_scripts
cat >"$tmp/requests.lua" <<'EOF'
local names = {}
local kind = "requests"
init = function(args)
  for line in io.lines(args[1]) do names[#names + 1] = line end
  kind = args[2]
  math.randomseed(os.time())
end
local body = [[{"domain": "%s", "purpose": "technicalIssueResolution", "lawful_basis": "6(1)(f)",
  "priority": "P3", "abuse_type": "ddos",
  "justification": "The domain's hosts are part of a DDoS against our network; we need to reach its holder.",
  "fields": [{"key": "registrant.email", "why": "reach the holder"}, {"key": "tech.phone", "why": "reach the technician"}],
  "terms": {"version": "1", "good_faith": true, "lawful_processing": true},
  "retention": {"days": 30}}]]
request = function()
  local name = names[math.random(#names)]
  if kind == "lookup" then
    return wrk.format("GET", "/rdap/domain/" .. name .. "?farv1_qp=technicalIssueResolution")
  end
  -- wrk.format takes these headers instead of wrk.headers (the -H ones): both go.
  local headers = {["Content-Type"] = "application/json"}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  return wrk.format("POST", "/v1/requests", headers, string.format(body, name))
end
local created = 0
response = function(status, headers, body)
  if status == 201 or status == 200 then created = created + 1 end
end
EOF
cat "$tmp/report.lua" >>"$tmp/requests.lua"

# run KIND: one wrk run from core 1; prints "rps p50_us p99_us requests".
run() {
  wrk_result "$duration" "$url" "$tmp/requests.lua" "Authorization: Bearer $key" "$tmp/names" "$1" | cut -d' ' -f1-4
}

echo "store: the demo registry ($domains domains), 2,000 names drawn; wrk -t1 -c$connections, ${duration}s x $runs runs" \
  "each, alternated; server on core 0 (threads 1, workers $workers), wrk on core 1"
machine_facts
declare -A rps p50 p99
total_created=0
for ((i = 1; i <= runs; i++)); do
  for kind in requests lookup; do
    before=$(cpu_ticks "$ssad_pid")
    read -r r a b n <<<"$(run "$kind")"
    after=$(cpu_ticks "$ssad_pid")
    rps[$kind]+="$r "
    p50[$kind]+="$a "
    p99[$kind]+="$b "
    [ "$kind" = requests ] && total_created=$((total_created + n))
    printf '  run %d %-9s %8.0f req/s  p50 %s  p99 %s  server CPU %s µs/request\n' "$i" "$kind" "$r" "$(ms "$a")" \
      "$(ms "$b")" "$(cpu_per_request "$before" "$after" "$n")"
  done
done
echo "medians over $runs runs:"
for kind in requests lookup; do
  # shellcheck disable=SC2086
  printf '  %-9s %8.0f req/s  p50 %s  p99 %s\n' "$kind" "$(median ${rps[$kind]})" "$(ms "$(median ${p50[$kind]})")" \
    "$(ms "$(median ${p99[$kind]})")"
done
stop_pid "$ssad_pid"
stored=$(sqlite3 "$db" 'select count(*) from disclosure_request')
logged=$(sqlite3 "$db" "select count(*) from audit_entry where action = 'request.create'" 2>/dev/null || echo "?")
echo "stored requests: $stored (wrk counted $total_created answers); request.create audit entries: $logged"
