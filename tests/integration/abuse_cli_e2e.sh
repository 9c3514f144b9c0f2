#!/usr/bin/env bash
# Issue 14 item 3: abuse monitoring's cases through `ssad abuse`, end to end with the real binary. An
# operator sets up two requestors with `ssad requestor …`; `ssad serve` runs with a tiny [abuse] table (three
# malformed requests an hour throttle a credential to one request a minute; a sweep of five unregistered
# names in sequence suspends it). Over HTTP with curl, one requestor sends malformed queries and the other
# sweeps; then:
#   - `ssad abuse cases` lists both (text and --json, as GET /v1/abuse/cases), with every filter;
#   - `ssad abuse show ID` prints one with its evidence (text and --json);
#   - the throttled credential gets 429 with Retry-After and an RDAP error naming its case, the suspended
#     one 403, the other requestor neither;
#   - `ssad abuse lift ID --reason …` lifts each: the suspension ends at once (it is in the requestor
#     directory), the throttle at the server's next sync; both are in the audit log (abuse.throttle,
#     abuse.suspend_credential, abuse.lift with the reason);
#   - lifting again, an unknown case, a lift without a reason and a bad filter fail with a message and a
#     non-zero exit.
# Nothing waits on a fixed time: the one state the server reaches on its own clock (a throttle lifted by
# another process ends at its next sync) is polled for with `eventually`.
# Usage: abuse_cli_e2e.sh SSAD. Prints "N passed, N failed".
set -u
ssad=$1
# shellcheck source=tests/integration/harness.sh
source "$(dirname "$0")/harness.sh"
cd "$work" || exit 1

store="$work/abuse.db"
"$ssad" demo --domains 50 --db "$store" > demo.out 2>&1 || { cat demo.out >&2; exit 1; }
cat > ssad.toml <<TOML
[store]
path = "$store"
[rdap]
base_url = "https://rdap.e2e.example/rdap/"
rate_limit_per_second = 0
[abuse]
sync_seconds = 1
[abuse.malformed]
per_hour = 3
[abuse.enumeration]
sequence_run = 5
sample = 5
[abuse.throttle]
per_minute = 1
[log]
access_log = false
TOML
abuse() { "$ssad" abuse "$@" --config ssad.toml; }

# member JSON NAME: the first string member NAME of the JSON the CLI printed (ids and keys hold no quote).
member() { grep -o "\"$2\":\"[^\"]*\"" <<<"$1" | head -n 1 | cut -d '"' -f 4; }
made() {
  local var=$1 out
  shift
  out=$("$ssad" requestor "$@" --config ssad.toml --json 2> made.err) || { cat made.err >&2; exit 1; }
  printf -v "$var" '%s' "$(member "$out" id)"
  [ -n "${!var}" ] || { echo "no id in $out" >&2; exit 1; }
}
new_key() {
  local out
  out=$("$ssad" requestor key create --user "$2" --json --config ssad.toml 2> made.err) || { cat made.err >&2; exit 1; }
  printf -v "$1" '%s' "$(member "$out" key)"
  printf -v "$3" '%s' "$(member "$out" id)"
  case ${!1} in ssad_key_*) ;; *) echo "no key in $out" >&2; exit 1 ;; esac
}
org="" acc="" clumsy="" clumsy_key="" clumsy_key_id="" crawler="" crawler_key="" crawler_key_id=""
made org org add --name "NetOps Transit AS"
made acc accreditation add --org "$org" --group network_operator --authority "E2E Accreditation Authority" \
  --until 2099-12-31
made clumsy user add --org "$org" --email clumsy@netops.example
made crawler user add --org "$org" --email crawler@netops.example
new_key clumsy_key "$clumsy" clumsy_key_id
new_key crawler_key "$crawler" crawler_key_id

out=$(abuse cases 2>&1)
check "cases: none at first (exit 0)" test $? -eq 0
check "cases: says there are none" contains "$out" "^No cases.$"
check "cases --json: an empty list" test "$(abuse cases --json)" = '{"items":[]}'

"$ssad" serve --config ssad.toml --http 127.0.0.1:0 > serve.out 2> serve.err &
server_pid=$!
http=$(http_address serve.err) || exit 1
domain=driftkitelabs.example
# status KEY PATH: the HTTP status of GET /rdap/PATH with KEY; the body and headers go to last.body and
# last.headers.
status() {
  curl -s -o last.body -D last.headers -w '%{http_code}' -H "Authorization: Bearer $1" "http://$http/rdap/$2"
}
check "a registered domain, before anything" test "$(status "$clumsy_key" "domain/$domain")" = 200

# The clumsy requestor's client sends malformed queries; the crawler sweeps generated names.
for _ in 1 2 3; do
  check "a malformed query is answered 400" test "$(status "$clumsy_key" 'domain/bad_label!.example')" = 400
done
for name in aa000 aa001 aa002 aa003 aa004; do
  check "the sweep's $name is not found" test "$(status "$crawler_key" "domain/$name.example")" = 404
done

listing=$(abuse cases)
check "cases: the throttle of the clumsy key" contains "$listing" "^case_[a-z2-7]*  open  *throttle  *malformed  .* $clumsy$"
check "cases: the suspension of the crawler's key" \
  contains "$listing" "^case_[a-z2-7]*  open  *suspend_credential  *enumeration  .* $crawler$"
check "cases: each with its summary" contains "$listing" "^  3 malformed requests this hour$"
json=$(abuse cases --json --detector malformed)
throttle=$(member "$json" id)
check "cases --json --detector malformed: one case" test "$(grep -o '"id":"case_' <<<"$json" | wc -l)" -eq 1
check "cases --json: the throttle's members" \
  contains "$json" "\"detector\":\"malformed\",\"action\":\"throttle\",\"state\":\"open\""
check "cases --json: its credential and evidence" \
  contains "$json" "\"credential\":\"$clumsy_key_id\".*\"evidence\":{\"window\":\"current hour\",\"count\":3,\"threshold\":3}"
suspension=$(member "$(abuse cases --json --action suspend_credential)" id)
check "cases --action suspend_credential: the crawler's" test -n "$suspension"
check "cases --user: only that user's" test "$(abuse cases --user "$crawler" | grep -c '^case_')" -eq 1
check "cases --organisation: both" test "$(abuse cases --organisation "$org" | grep -c '^case_')" -eq 2
check "cases --limit 1: one" test "$(abuse cases --limit 1 | grep -c '^case_')" -eq 1
check "cases --state lifted: none yet" contains "$(abuse cases --state lifted)" "^No cases.$"
out=$(abuse cases --state closed 2>&1)
check "cases --state closed: refused (exit non-zero)" test $? -ne 0
check "cases --state closed: names the state" contains "$out" 'state: unknown value "closed"'

shown=$(abuse show "$throttle")
check "show: exit 0" test $? -eq 0
check "show: the case's line" contains "$shown" "^$throttle  open  *throttle  *malformed"
check "show: its evidence" contains "$shown" '^  evidence: {"window":"current hour","count":3,"threshold":3}$'
check "show: its credential" contains "$shown" "^  credential: $clumsy_key_id$"
check "show: until when" contains "$shown" "^  until: 20[0-9-]*T[0-9:.]*Z$"
check "show --json: the case as /v1 has it" contains "$(abuse show "$throttle" --json)" "^{\"id\":\"$throttle\""
check "show --json: the suspension's signals" \
  contains "$(abuse show "$suspension" --json)" '"signals":\["sequential_sweep","not_found_ratio"]'
out=$(abuse show case_aaaaaaaaaaaaaaaa 2>&1)
check "show of an unknown case: exit non-zero" test $? -ne 0
check "show of an unknown case: says so" contains "$out" "not found"

# What the cases do: the clumsy key has its one request a minute, then 429; the crawler's key fails.
status "$clumsy_key" "domain/$domain" > first.status
check "the throttled key: its one request a minute" test "$(cat first.status)" = 200
check "the throttled key: then 429" test "$(status "$clumsy_key" "domain/$domain")" = 429
check "the throttled key: Retry-After" grep -qi '^Retry-After: 60' last.headers
check "the throttled key: an RDAP error naming the case" contains "$(cat last.body)" "\"errorCode\":429.*$throttle"
check "the suspended key: 403" test "$(status "$crawler_key" "domain/$domain")" = 403
check "the suspended key: an RDAP error" contains "$(cat last.body)" '"errorCode":403'

# Lifting.
out=$(abuse lift "$suspension" 2>&1)
check "lift without --reason: exit non-zero" test $? -ne 0
check "lift without --reason: says it is required" contains "$out" "reason"
lifted=$(abuse lift "$suspension" --reason "A misconfigured monitoring script, fixed." 2>&1)
check "lift the suspension: exit 0" test $? -eq 0
check "lift the suspension: the case is lifted" contains "$lifted" "^$suspension  lifted  *suspend_credential"
check "lift the suspension: by the console operator, with the reason" \
  contains "$lifted" "closed: .* by operator:.*: A misconfigured monitoring script, fixed.$"
check "the crawler's key works again at once" test "$(status "$crawler_key" "domain/$domain")" = 200
lifted=$(abuse lift "$throttle" --reason "The client's bug is fixed." --json 2>&1)
check "lift the throttle --json: exit 0" test $? -eq 0
check "lift the throttle --json: lifted, with the reason" \
  contains "$lifted" "\"state\":\"lifted\".*\"close_reason\":\"The client's bug is fixed.\""
served() { test "$(status "$clumsy_key" "domain/$domain")" = 200 && test "$(status "$clumsy_key" "domain/$domain")" = 200; }
check "the clumsy key is served again once the server syncs" eventually 20 served

out=$(abuse lift "$throttle" --reason "again" 2>&1)
check "lifting again: exit non-zero" test $? -ne 0
check "lifting again: says the case is lifted" contains "$out" "case $throttle is lifted"
out=$(abuse lift case_aaaaaaaaaaaaaaaa --reason "none such" 2>&1)
check "lifting an unknown case: exit non-zero" test $? -ne 0
check "lifting an unknown case: says so" contains "$out" "not found"
check "cases: none open after the lifts" contains "$(abuse cases)" "^No cases.$"
check "cases --state lifted: both" test "$(abuse cases --state lifted | grep -c '^case_')" -eq 2
check "cases --state '': every state" test "$(abuse cases --state '' | grep -c '^case_')" -eq 2

# The audit log has each case and each lift, with ids and counts and no address.
trail=$("$ssad" audit export --config ssad.toml)
check "audit: abuse.throttle of the case" contains "$trail" "\"action\":\"abuse.throttle\".*\"case\":\"$throttle\""
check "audit: abuse.suspend_credential of the case" \
  contains "$trail" "\"action\":\"abuse.suspend_credential\".*\"case\":\"$suspension\""
check "audit: abuse.lift with the reason" \
  contains "$trail" "\"action\":\"abuse.lift\".*\"case\":\"$throttle\".*\"reason\":\"The client's bug is fixed.\""
check "audit: no email address" lacks "$trail" "@netops.example"

echo "abuse_cli_e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
