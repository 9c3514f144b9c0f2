#!/usr/bin/env bash
# Drives the real ssad binary as an operator would: demo, show, import, config errors, serve.
# Usage: cli_smoke.sh SSAD TEST_DATA_DIR. Prints "N passed, N failed".
set -u
ssad=$1
data=$2
# shellcheck source=tests/integration/harness.sh
source "$(dirname "$0")/harness.sh"

out=$("$ssad" demo --domains 200 --db "$work/demo.db" 2>&1)
check "demo loads 200 domains" contains "$out" "store holds 200 domains"
out=$("$ssad" show domain PAYPA1.example --db "$work/demo.db" 2>&1)
check "show prints the registrar" contains "$out" "Registrar:  *BulkReg Inc. (bulkreg, IANA 1908)"
check "show prints unredacted contacts" contains "$out" "registrant contact R41"
out=$("$ssad" show domain café27.example --db "$work/demo.db" 2>&1)
check "show accepts U-labels" contains "$out" "Domain:  *xn--caf27-dsa.example"
out=$("$ssad" show domain nosuch.example --db "$work/demo.db" 2>&1); rc=$?
check "show of a missing domain exits 3" test "$rc" -eq 3
check "show of a missing domain says so" contains "$out" "domain 'nosuch.example' not found"
out=$("$ssad" show domain "bad..name" --db "$work/demo.db" 2>&1); rc=$?
check "show of a bad name exits 2" test "$rc" -eq 2

cp -r "$data/escrow/rfc9022-full" "$work/full"
out=$("$ssad" import escrow "$work/full/deposit.xml" --db "$work/rfc.db" 2>&1)
check "escrow import reports rows" contains "$out" "imported FULL deposit 20101017001"
out=$("$ssad" import escrow "$work/full/deposit.xml" --db "$work/rfc.db" 2>&1)
check "second import changes nothing" contains "$out" "already imported; nothing changed"
echo "garbage,row" >> "$work/full/domain-YYYYMMDD.csv"
out=$("$ssad" import escrow "$work/full/deposit.xml" --db "$work/other.db" 2>&1); rc=$?
check "a bad deposit exits 2" test "$rc" -eq 2
check "a bad deposit names the checksum" contains "$out" "domain-YYYYMMDD.csv: CRC32 checksum is"

out=$("$ssad" import jsonl "$data/jsonl/registry.jsonl" --db "$work/jsonl.db" 2>&1)
check "jsonl import loads domains" contains "$out" "imported JSONL deposit jsonl-"
out=$("$ssad" show domain bücher.test --db "$work/jsonl.db" 2>&1)
check "a jsonl domain can be shown" contains "$out" "Domain:  *xn--bcher-kva.test"

printf '[store]\npaht = "x.db"\n' > "$work/bad.toml"
out=$("$ssad" migrate --config "$work/bad.toml" 2>&1); rc=$?
check "an unknown config key exits 2" test "$rc" -eq 2
check "an unknown config key is named" contains "$out" "store.paht: unknown key"
printf '[store]\npath = "%s"\n[log]\naccess_log = true\n' "$work/demo.db" > "$work/good.toml"

# The store holds personal data: its files are the owner's alone.
check "the database file is 0600" test "$(stat -c %a "$work/demo.db")" = 600
# serve never creates a database: a mistyped path must not serve an empty registry.
out=$("$ssad" serve --db "$work/missing.db" --http 127.0.0.1:0 2>&1); rc=$?
check "serve on a missing database exits 3" test "$rc" -eq 3
check "serve on a missing database names ssad migrate" contains "$out" "does not exist: create it with \`ssad migrate\`"
check "serve on a missing database creates nothing" test ! -e "$work/missing.db"
touch "$work/empty.db"
out=$("$ssad" serve --db "$work/empty.db" --http 127.0.0.1:0 2>&1); rc=$?
check "serve on a file that is not a current store exits 4" test "$rc" -eq 4
check "serve on a file that is not a current store names ssad migrate" contains "$out" "ssad migrate"
check "serve leaves a file that is not a current store untouched" test ! -s "$work/empty.db"
out=$("$ssad" show domain paypa1.example --db "$work/missing.db" 2>&1); rc=$?
check "show on a missing database exits 3 and creates nothing" test "$rc" -eq 3 -a ! -e "$work/missing.db"
# A file name is a file name, never an SQLite URI (whose file would escape the 0600 creation).
(cd "$work" && "$ssad" migrate --db file:uri.db >/dev/null 2>&1)
check "a file: name creates that file, 0600" test "$(stat -c %a "$work/file:uri.db" 2>/dev/null)" = 600 -a ! -e "$work/uri.db"
out=$("$ssad" serve --db "$work/demo.db" --base-url rdap.example --http 127.0.0.1:0 2>&1); rc=$?
check "a --base-url that is not a URL exits 2" test "$rc" -eq 2
# Off loopback, links must not come from a client's Host header: the public URL is required.
out=$("$ssad" serve --db "$work/demo.db" --http 0.0.0.0:0 2>&1); rc=$?
check "serve off loopback without a base URL exits 2" test "$rc" -eq 2
check "serve off loopback names rdap.base_url" contains "$out" "rdap.base_url must be set to serve HTTP on 0.0.0.0:0"

"$ssad" serve --config "$work/good.toml" --http 127.0.0.1:0 > "$work/serve.out" 2> "$work/serve.err" &
server_pid=$!
address=""
for _ in $(seq 1 100); do
  address=$(sed -n 's|.*serving .* on http://\([^ ]*\)$|\1|p' "$work/serve.err")
  [ -n "$address" ] && break
  sleep 0.1
done
check "serve prints its address" test -n "$address"
check "the WAL file SQLite made beside it is 0600" test "$(stat -c %a "$work/demo.db-wal")" = 600
check "so is its shared-memory file" test "$(stat -c %a "$work/demo.db-shm")" = 600
out=$(curl -sS "http://$address/healthz")
check "healthz answers ok" contains "$out" '"status":"ok"'
out=$(curl -sS "http://$address/readyz")
check "readyz counts the domains" contains "$out" '"domains":200'
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$address/nothing")
check "unknown paths are 404" test "$code" = 404
kill -TERM "$server_pid"
wait "$server_pid"; rc=$?
server_pid=""
check "SIGTERM stops the server cleanly" test "$rc" -eq 0
access_lines_are_json() {
  python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 3, lines
for line in lines:
    entry = json.loads(line)
    assert {"time", "remote", "method", "target", "status", "bytes", "duration_ms"} <= entry.keys(), entry
assert [json.loads(l)["status"] for l in lines] == [200, 200, 404]
' "$work/serve.out"
}
check "the access log is one JSON object per request on stdout" access_lines_are_json

echo "cli_smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
