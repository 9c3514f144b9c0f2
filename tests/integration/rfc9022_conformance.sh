#!/usr/bin/env bash
# Issue 9, item 3: a new user's path with an RFC 9022 deposit written from the RFC (not our demo
# generator). The real ssad binary imports tests/data/escrow/rfc9022-full, serves it, and every domain
# and registrar answer goes through the conformance checker: without the registrar directory the
# registrars lack an abuse contact (-47500), which serve and /readyz report; with IANA's registrar-ids
# file and the operator's abuse contacts imported, no answer has -47500 or -47700. The demo registry
# (fCustom columns) keeps passing too.
# Usage: rfc9022_conformance.sh SSAD TEST_DATA_DIR VALIDATOR SCHEMA_DIR. Prints "N passed, N failed".
set -u
ssad=$1
data=$2
validator=$3
schemas=$4
# shellcheck source=tests/integration/harness.sh
source "$(dirname "$0")/harness.sh"

address=""
start() {  # start DB: serves DB on a free port; sets address
  # Emptied here, not by the background job's redirection, which may run after the loop below has read the
  # last server's address.
  : > "$work/serve.err"
  "$ssad" serve --db "$1" --http 127.0.0.1:0 > "$work/serve.out" 2> "$work/serve.err" &
  server_pid=$!
  address=""
  for _ in $(seq 1 300); do  # up to 30 s on a loaded machine
    address=$(sed -n 's|.*serving .* on http://\([^ ]*\)$|\1|p' "$work/serve.err")
    [ -n "$address" ] && break
    sleep 0.1
  done
  [ -n "$address" ] || { echo "FAILED: serve did not start" >&2; cat "$work/serve.err" >&2; exit 1; }
}
stop() {
  kill -TERM "$server_pid"
  wait "$server_pid"
  server_pid=""
}
# fetch_all DB DIR: saves every domain and every registrar entity of DB as the checker's golden files.
fetch_all() {
  mkdir -p "$2"
  for name in $(sqlite3 "$1" "select name from domain"); do
    curl -sS "http://$address/rdap/domain/$name" > "$2/domain-$name.json"
  done
  for id in $(sqlite3 "$1" "select iana_id from registrar where iana_id is not null"); do
    curl -sS "http://$address/rdap/entity/$id" > "$2/entity-registrar-$id.json"
  done
}
validate() { /usr/bin/python3 "$validator" --schemas "$schemas" "$1"/*.json 2>&1; }

cp -r "$data/escrow/rfc9022-full" "$work/deposit"
out=$("$ssad" import escrow "$work/deposit/deposit.xml" --db "$work/rfc.db" 2>&1)
check "the RFC 9022 deposit imports" contains "$out" "imported FULL deposit 20101017001"

# Without the directory: nothing is invented, and the operator is told.
start "$work/rfc.db"
check "serve names a registrar without an abuse contact" \
  contains "$(cat "$work/serve.err")" "registrar IANA 1234 'EXAMPLE' (Example Inc.) has no abuse email and phone"
ready=$(curl -sS "http://$address/readyz")
check "readyz lists the three registrars without an abuse contact" \
  test "$(grep -o '"missing":\["email","phone"\]' <<<"$ready" | wc -l)" -eq 3
fetch_all "$work/rfc.db" "$work/before"
stop
before=$(validate "$work/before")
check "without the directory the checker reports -47500" contains "$before" "(tool -47500)"
check "the deposit's registrar URL alone gives the about link" lacks "$before" "(tool -47700)"

out=$("$ssad" registrar import "$data/registrars/registrar-ids-example.csv" --db "$work/rfc.db" 2>&1)
check "IANA's registrar-ids file imports" contains "$out" "updated 4 registrars"
out=$("$ssad" registrar import "$data/registrars/abuse-contacts-example.csv" --db "$work/rfc.db" 2>&1)
check "the abuse-contact file imports" contains "$out" "updated 3 registrars"
out=$("$ssad" registrar list --db "$work/rfc.db" 2>&1)
check "registrar list shows no registrar missing an abuse contact" lacks "$out" "missing:"
# A later FULL deposit, which replaces every registrar it carries, never erases the directory.
sed -i 's/id="20101017001"/id="20101024001"/' "$work/deposit/deposit.xml"
out=$("$ssad" import escrow "$work/deposit/deposit.xml" --db "$work/rfc.db" 2>&1)
check "a later FULL deposit imports" contains "$out" "imported FULL deposit 20101024001"

start "$work/rfc.db"
check "serve reports no registrar without an abuse contact" lacks "$(cat "$work/serve.err")" "no abuse"
ready=$(curl -sS "http://$address/readyz")
check "readyz lists none" contains "$ready" '"registrars_without_abuse_contact":\[\]'
fetch_all "$work/rfc.db" "$work/after"
stop
check "every domain and registrar was fetched" test "$(ls "$work/after" | wc -l)" -eq 7
after=$(validate "$work/after")
check "no answer lacks the abuse contact (-47500)" lacks "$after" "(tool -47500)"
check "no answer lacks the about link (-47700)" lacks "$after" "(tool -47700)"
check "the about link's value is the directory's RDAP base URL" \
  contains "$(cat "$work/after/domain-domain1.test.json")" '"value":"https://rdap.registrarx.test/","rel":"about"'
check "the entity lookup shows the deposit's registrar address" \
  contains "$(cat "$work/after/entity-registrar-1234.json")" '"123 Example Dr.","Suite 100"'
grep -v -e '(tool -47500)' -e '(tool -47700)' <<<"$after" | grep -v '^validate_rdap:' | sed 's/^/  other finding: /' >&2

# The demo registry, whose deposit carries abuse contacts in fCustom columns, passes as before.
"$ssad" demo --domains 20 --db "$work/demo.db" > /dev/null 2>&1
start "$work/demo.db"
mkdir -p "$work/demo"
name=$(sqlite3 "$work/demo.db" "select name from domain limit 1")
curl -sS "http://$address/rdap/domain/$name" > "$work/demo/domain-demo.json"
stop
demo=$(validate "$work/demo")
check "a demo domain passes the checker" contains "$demo" ": 0 problem"

echo "rfc9022_conformance: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
