#!/usr/bin/env bash
# The real ssad binary on PostgreSQL, as an operator drives it: migrate, the escrow and JSON Lines imports
# (good, bad and repeated), show, the registrar directory, demo and serve. Every command also runs on a
# SQLite file, and what the two print is compared byte for byte: the same data imported into both
# backends answers alike, on the command line, over RDAP and over WHOIS. Also: serve refuses PostgreSQL
# without rdap.cursor_secret, and no password of a URL shows in any output or log.
#
# The ctest fixture `postgres` runs the server (tests/support/pg_server.sh); SSAD_TEST_POSTGRES_URL_FILE
# names the file holding its URL. The script works in schemas of its own (options=-csearch_path) and
# drops them at the end. Without the server it fails, never skips.
# Usage: postgres_cli_e2e.sh SSAD TEST_DATA_DIR. Prints "N passed, N failed".
set -u
ssad=$1
data=$2
# shellcheck source=tests/integration/harness.sh
source "$(dirname "$0")/harness.sh"

url_file=${SSAD_TEST_POSTGRES_URL_FILE:-}
if [ -z "$url_file" ] || [ ! -s "$url_file" ]; then
  echo "postgres_cli_e2e: SSAD_TEST_POSTGRES_URL_FILE names no URL file: run it with ctest (fixture postgres)" >&2
  exit 1
fi
admin=$(head -n 1 "$url_file")
export PGOPTIONS='-c client_min_messages=warning'  # psql: no NOTICE for DROP ... CASCADE
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 "$admin" "$@"; }

# Schemas of this run: unique across runs and the processes ctest runs at once.
prefix="e2e_$$_${RANDOM}"
schemas=()
sqlite_pid=""
finish() {
  [ -n "$sqlite_pid" ] && kill "$sqlite_pid" 2>/dev/null && wait "$sqlite_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  server_pid=""
  for schema in "${schemas[@]}"; do psql_admin -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null; done
  cleanup
}
trap finish EXIT

# new_schema NAME: creates schema NAME, dropped on exit. schema_url NAME: a URL whose sessions use it
# (percent-encoded as tests/support/postgres.hpp does: libpq refuses a second '=' in a parameter).
new_schema() {
  psql_admin -c "CREATE SCHEMA $1" >/dev/null || { echo "cannot create schema $1" >&2; exit 1; }
  schemas+=("$1")
}
schema_url() {
  case $admin in
    *\?*) printf '%s&options=-csearch_path%%3D%s\n' "$admin" "$1" ;;
    *) printf '%s?options=-csearch_path%%3D%s\n' "$admin" "$1" ;;
  esac
}
new_schema "${prefix}_rfc"
new_schema "${prefix}_demo"
pg=$(schema_url "${prefix}_rfc")
pg_demo=$(schema_url "${prefix}_demo")
lite="$work/rfc.db"
lite_demo="$work/demo.db"
pg_sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$pg" -c "$1"; }

# Everything ssad prints on PostgreSQL goes to this log too: no password may show in it (last check).
log="$work/all-output"
: > "$log"
# run DB ARGS...: runs `ssad ARGS --db DB`; sets out (stdout and stderr) and rc.
run() {
  local db=$1
  shift
  out=$("$ssad" "$@" --db "$db" 2>&1)
  rc=$?
  printf '%s\n' "$out" >> "$log"
}
# both ARGS...: runs `ssad ARGS` on the SQLite file and on PostgreSQL; sets out_lite, rc_lite, out_pg, rc_pg.
both() {
  run "$lite" "$@"
  out_lite=$out rc_lite=$rc
  run "$pg" "$@"
  out_pg=$out rc_pg=$rc
}
# same NAME: both runs printed the same bytes and exited alike.
same() {
  check "$1: the same output on SQLite and PostgreSQL" test "$out_lite" = "$out_pg" -a "$rc_lite" = "$rc_pg"
  [ "$out_lite" = "$out_pg" ] || diff <(printf '%s\n' "$out_lite") <(printf '%s\n' "$out_pg") | head -20 >&2
}
counts() { pg_sql "SELECT (SELECT count(*) FROM domain), (SELECT count(*) FROM contact), (SELECT count(*) FROM host),
  (SELECT count(*) FROM registrar), (SELECT coalesce(max(seq), 0) FROM escrow_deposit)"; }

# migrate, twice: the second run finds the schema current and changes nothing.
run "$pg" migrate
check "migrate creates the schema on PostgreSQL" test "$rc" -eq 0
check "migrate names the database" contains "$out" "database postgresql://.* is at the current schema"
versions=$(pg_sql "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migration")
run "$pg" migrate
check "a second migrate succeeds" test "$rc" -eq 0
check "a second migrate applies nothing" test "$(pg_sql "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migration")" = "$versions"
check "the migrations are recorded" test -n "$versions"
run "$lite" migrate

# The RFC 9022 deposit, twice.
cp -r "$data/escrow/rfc9022-full" "$work/full"
both import escrow "$work/full/deposit.xml"
check "the RFC 9022 deposit imports into PostgreSQL" contains "$out_pg" "imported FULL deposit 20101017001"
check "the import reports what the store holds" contains "$out_pg" "store holds 4 domains, 3 contacts, 2 hosts, 3 registrars"
same "import escrow"
before=$(counts)
both import escrow "$work/full/deposit.xml"
check "a second import of the deposit changes nothing" contains "$out_pg" "deposit 20101017001 was already imported; nothing changed"
check "so the counts stay" test "$(counts)" = "$before"
same "import escrow again"

# A bad DIFF: its deletes apply first, then a row names an unknown registrar. The error names the file
# and line, the exit status is 2 and nothing of the deposit stays (the deleted domain is still there).
cp -r "$data/escrow/rfc9022-diff" "$work/bad-diff"
csv="$work/bad-diff/domain-YYYYMMDD.csv"
old_crc=$(python3 -c 'import sys, zlib; print("%08X" % zlib.crc32(open(sys.argv[1], "rb").read()))' "$csv")
echo "domain9.test,D9-TEST,,,sh8013,registrarQ,,,,,,,2030-01-01T00:00:00.0Z" >> "$csv"
new_crc=$(python3 -c 'import sys, zlib; print("%08X" % zlib.crc32(open(sys.argv[1], "rb").read()))' "$csv")
sed -i "s/cksum=\"$old_crc\"/cksum=\"$new_crc\"/" "$work/bad-diff/deposit.xml"
lines=$(wc -l < "$csv")
both import escrow "$work/bad-diff/deposit.xml"
check "a bad deposit exits 2 on PostgreSQL" test "$rc_pg" -eq 2
check "a bad deposit names file and line" test "$out_pg" = "ssad: domain-YYYYMMDD.csv line $lines: unknown registrar 'registrarQ'"
check "nothing of the bad deposit stays" test "$(counts)" = "$before"
run "$pg" show domain domain1.test
check "the domain the bad deposit deleted first is still there" test "$rc" -eq 0
same "a bad deposit"

# The DIFF itself applies (it deletes a host it names by ROID, read from its CSV file).
both import escrow "$data/escrow/rfc9022-diff/deposit.xml"
check "the RFC 9022 DIFF applies on PostgreSQL" contains "$out_pg" "imported DIFF deposit 20101018001"
same "import escrow DIFF"

# JSON Lines: a bad file (line 2 of 2), then the good one, twice.
before=$(counts)
printf '%s\n' '{"registrar": {"handle": "regZ", "name": "Z Registrar"}}' \
  '{"domain": {"name": "z.test", "roid": "DZ-TEST", "registrar": "regQ"}}' > "$work/bad.jsonl"
both import jsonl "$work/bad.jsonl"
check "a bad JSON Lines file exits 2 on PostgreSQL" test "$rc_pg" -eq 2
check "a bad JSON Lines file names file and line" test "$out_pg" = "ssad: bad.jsonl line 2: unknown registrar 'regQ'"
check "nothing of the bad JSON Lines file stays" test "$(counts)" = "$before"
same "a bad JSON Lines file"
both import jsonl "$data/jsonl/registry.jsonl"
check "a JSON Lines file imports into PostgreSQL" contains "$out_pg" "imported JSONL deposit jsonl-"
same "import jsonl"
before=$(counts)
both import jsonl "$data/jsonl/registry.jsonl"
check "a second import of the file changes nothing" contains "$out_pg" "was already imported; nothing changed"
check "so the counts stay" test "$(counts)" = "$before"
same "import jsonl again"

# The registrar directory.
both registrar import "$data/registrars/registrar-ids-example.csv"
check "IANA's registrar-ids file imports into PostgreSQL" contains "$out_pg" "updated 4 registrars"
same "registrar import (IANA)"
both registrar import "$data/registrars/abuse-contacts-example.csv"
check "the abuse-contact file imports into PostgreSQL" contains "$out_pg" "updated 3 registrars"
same "registrar import (abuse contacts)"
both registrar set 1234 --abuse-phone +1.7035550000 --url https://example.test/
check "registrar set works on PostgreSQL" test "$out_pg" = "registrar 1234 updated"
same "registrar set"
both registrar list
check "registrar list shows the change" contains "$out_pg" "+1.7035550000"
same "registrar list"

# show, for every domain of the store: the same names on both, and the same text for each.
names_pg=$(pg_sql "SELECT name FROM domain ORDER BY name")
names_lite=$(sqlite3 "$lite" "SELECT name FROM domain ORDER BY name")
check "both stores hold the same domains" test "$names_pg" = "$names_lite" -a -n "$names_pg"
for name in $names_pg nosuch.test; do
  both show domain "$name"
  same "show domain $name"
done
run "$pg" show domain domain2.test
check "show prints a domain from PostgreSQL" contains "$out" "Domain:  *domain2.test"

# The demo registry, on stores of its own: the same deposit, the same answers.
run "$lite_demo" demo --domains 500 --out "$work/demo-deposit"
out_lite=$out rc_lite=$rc
run "$pg_demo" demo --domains 500 --out "$work/demo-deposit"
out_pg=$out rc_pg=$rc
check "demo loads 500 domains into PostgreSQL" contains "$out_pg" "store holds 500 domains"
same "demo"
for name in paypa1.example café27.example; do
  run "$lite_demo" show domain "$name"
  out_lite=$out rc_lite=$rc
  run "$pg_demo" show domain "$name"
  out_pg=$out rc_pg=$rc
  same "show domain $name of the demo"
done

# serve: PostgreSQL needs a cursor secret every node shares.
run "$pg" serve --http 127.0.0.1:0
check "serve on PostgreSQL without rdap.cursor_secret exits 2" test "$rc" -eq 2
check "and names the setting" contains "$out" "rdap.cursor_secret is required with a PostgreSQL store"

# Both stores served with one configuration; their one difference, the time of the last import, is made
# the same (the RDAP "last update of RDAP database" event and WHOIS's last update line show it).
pg_sql "UPDATE store_meta SET value = '1700000000000' WHERE key = 'data_updated_ms'"
sqlite3 "$lite" "UPDATE store_meta SET value = '1700000000000' WHERE key = 'data_updated_ms'"
config() {  # config DB: a configuration serving DB
  cat <<TOML
[store]
path = "$1"
[server]
http = "127.0.0.1:0"
[rdap]
base_url = "https://rdap.example.test/rdap/"
cursor_secret = "e2e-cursor-secret-of-at-least-32-bytes"
rate_limit_per_second = 0
page_size = 1
[whois]
listen = "127.0.0.1:0"
[log]
access_log = true
TOML
}
config "$lite" > "$work/lite.toml"
config "$pg" > "$work/pg.toml"
# start NAME CONFIG: serves CONFIG in the background; sets pid, http and whois (the addresses it prints).
start() {
  "$ssad" serve --config "$2" > "$work/$1.out" 2> "$work/$1.err" &
  pid=$!
  http="" whois=""
  for _ in $(seq 1 300); do  # up to 30 s on a loaded machine
    http=$(sed -n 's|.*serving .* on http://\([^ ]*\)$|\1|p' "$work/$1.err")
    whois=$(sed -n 's|^  whois: *\([^ ]*\)$|\1|p' "$work/$1.err")
    [ -n "$http" ] && [ -n "$whois" ] && break
    sleep 0.1
  done
  [ -n "$http" ] || { echo "FAILED: serve ($1) did not start" >&2; cat "$work/$1.err" >&2; exit 1; }
}
start lite "$work/lite.toml"
sqlite_pid=$pid lite_http=$http lite_whois=$whois
start pg "$work/pg.toml"
server_pid=$pid pg_http=$http pg_whois=$whois
check "serve names the PostgreSQL store it serves" contains "$(cat "$work/pg.err")" "serving postgresql://"

# fetch ADDRESS PATH: the status and the body of an RDAP answer. comparable ADDRESS PATH: the same, its
# paging cursors blanked: a cursor carries the time it was issued (in ms) and so differs between any two
# answers, whatever the store; the cursors themselves are checked below, across the two servers.
fetch() { curl -sS -w '\nstatus %{http_code}\n' "http://$1$2"; }
comparable() { fetch "$1" "$2" | sed -E 's/cursor=[A-Za-z0-9_-]+/cursor=CURSOR/g'; }
paths=()
for name in $names_pg nosuch.test; do paths+=("/rdap/domain/$name"); done
for host in $(pg_sql "SELECT name FROM host ORDER BY name") ns9.nosuch.test; do paths+=("/rdap/nameserver/$host"); done
for id in $(pg_sql "SELECT DISTINCT iana_id FROM registrar WHERE iana_id IS NOT NULL ORDER BY 1") 4242; do
  paths+=("/rdap/entity/$id")
done
for handle in $(pg_sql "SELECT handle FROM contact ORDER BY handle"); do paths+=("/rdap/entity/$handle"); done
paths+=("/rdap/domains?name=domain*.test" "/rdap/domains?name=do*.test" "/rdap/domains?name=b%C3%BC*.test"
  "/rdap/domains?nsLdhName=ns1.example.test" "/rdap/nameservers?name=ns*.test"
  "/rdap/nameservers?ip=192.0.2.1" "/rdap/domain/bad..name" "/rdap/help")
differ=0
for path in "${paths[@]}"; do
  a=$(comparable "$lite_http" "$path")
  b=$(comparable "$pg_http" "$path")
  if [ "$a" != "$b" ]; then
    differ=$((differ + 1))
    echo "RDAP $path differs:" >&2
    diff <(printf '%s\n' "$a") <(printf '%s\n' "$b") | head -10 >&2
  fi
done
check "every RDAP answer (${#paths[@]}) is the same from SQLite and PostgreSQL" test "$differ" -eq 0
check "RDAP answers a domain from PostgreSQL" \
  contains "$(fetch "$pg_http" /rdap/domain/domain2.test)" '"ldhName":"domain2.test"'
check "the about link is the directory's RDAP base URL" \
  contains "$(fetch "$pg_http" /rdap/domain/example.test)" '"rel":"about"'
# Paging: the next page's cursor made by one store's server works on the other (the shared secret).
next=$(fetch "$pg_http" "/rdap/domains?name=do*.test" | python3 -c '
import json, sys
text = sys.stdin.read().rsplit("\nstatus", 1)[0]
links = [l["href"] for l in json.loads(text).get("paging_metadata", {}).get("links", []) if l.get("rel") == "next"]
print(links[0].replace("https://rdap.example.test", "") if links else "")')
check "a search over a page gives a next link" test -n "$next"
check "its cursor, made on PostgreSQL, works on the other server as on its own" \
  test "$(comparable "$lite_http" "$next")" = "$(comparable "$pg_http" "$next")"
check "and gives the second page" contains "$(fetch "$lite_http" "$next")" '"ldhName":"domain3.test"'
whois_differ=0
for name in $names_pg nosuch.test; do
  a=$(whois -h "${lite_whois%:*}" -p "${lite_whois##*:}" "$name" 2>&1)
  b=$(whois -h "${pg_whois%:*}" -p "${pg_whois##*:}" "$name" 2>&1)
  [ "$a" = "$b" ] || { whois_differ=$((whois_differ + 1)); diff <(echo "$a") <(echo "$b") | head -10 >&2; }
done
check "every WHOIS answer is the same from SQLite and PostgreSQL" test "$whois_differ" -eq 0
check "WHOIS answers a domain from PostgreSQL" \
  contains "$(whois -h "${pg_whois%:*}" -p "${pg_whois##*:}" domain2.test 2>&1)" "Domain Name: domain2.test"
ready=$(curl -sS "http://$pg_http/readyz")
check "readyz on PostgreSQL counts the domains" contains "$ready" "\"domains\":$(pg_sql "SELECT count(*) FROM domain")"

# A commit elsewhere (another node, an import) is announced: the server's cached answer follows at once.
fetch "$pg_http" /rdap/entity/9999 > /dev/null
run "$pg" registrar set 9999 --abuse-email changed@registrarx.test
seen=""
for _ in $(seq 1 50); do
  contains "$(fetch "$pg_http" /rdap/entity/9999)" "changed@registrarx.test" && { seen=yes; break; }
  sleep 0.1
done
check "a change made by another process shows in the server's answers" test -n "$seen"

for name in sqlite_pid server_pid; do
  kill -TERM "${!name}"
  wait "${!name}"
  rc=$?
  check "SIGTERM stops the server ($name) cleanly" test "$rc" -eq 0
  printf -v "$name" '%s' ""
done
cat "$work/pg.out" "$work/pg.err" >> "$log"

# No password of a URL shows: in the authority (user:password@) or as a parameter (password=).
password="e2e-Secret-pw-4711"
with_password=$(sed -E "s|^(postgres(ql)?://[^:@/]+)@|\\1:$password@|" <<<"$pg")
check "the URL with a password differs from the one without" test "$with_password" != "$pg"
case $pg in
  *\?*) as_parameter="$pg&password=$password" ;;
  *) as_parameter="$pg?password=$password" ;;
esac
unreachable=$(sed -E 's|@[^/]*/|@127.0.0.1:1/|' <<<"$with_password")
for url in "$with_password" "$as_parameter"; do
  run "$url" migrate
  check "migrate with a password in the URL works" test "$rc" -eq 0
  check "and shows the URL without its password" contains "$out" 'database postgresql://ssad@127\.0\.0\.1:[0-9][0-9]*/postgres is at'
  run "$url" import escrow "$work/full/deposit.xml"
  run "$url" show domain domain2.test
  run "$url" serve --http 127.0.0.1:0
done
run "$unreachable" migrate
check "an unreachable server is an error" test "$rc" -ne 0
sed "s|path = .*|path = \"$with_password\"|" "$work/pg.toml" > "$work/pw.toml"
start pw "$work/pw.toml"
server_pid=$pid
curl -sS "http://$http/rdap/domain/domain2.test" > /dev/null
kill -TERM "$server_pid"
wait "$server_pid"
server_pid=""
cat "$work/pw.out" "$work/pw.err" >> "$log"
check "serve shows the URL without its password" contains "$(cat "$work/pw.err")" "serving postgresql://ssad@127\.0\.0\.1:[0-9][0-9]*/postgres on"
check "no output or log of ssad shows the password" lacks "$(cat "$log")" "$password"

echo "postgres_cli_e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
