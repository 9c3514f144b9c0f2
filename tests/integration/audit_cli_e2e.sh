#!/usr/bin/env bash
# The audit log as an operator and an outside verifier use it, with the real ssad binary: keygen, the key
# file's protection, what imports, registrar changes and starts record, checkpoints over HTTP checked by
# Go's sumdb/note and sumdb/tlog (tlogcheck: no code shared with ours), export and its filters, verify on
# an untouched log and on copies an operator tampered with (with the sqlite3 tool), and bad input.
# Usage: audit_cli_e2e.sh SSAD TLOGCHECK TEST_DATA_DIR. Prints "N passed, N failed".
set -u
ssad=$1
tlogcheck=$2
data=$3
# shellcheck source=tests/integration/harness.sh
source "$(dirname "$0")/harness.sh"
cd "$work" || exit 1

# keygen: a private file, never overwritten; the printed verifier key is the key's.
"$ssad" audit keygen --out audit.key --name e2e.test/audit > audit.vkey 2> keygen.err
check "keygen writes a key readable by its owner only" test "$(stat -c %a audit.key)" = 600
check "keygen prints the verifier key" grep -q '^e2e.test/audit+[0-9a-f]\{8\}+' audit.vkey
before=$(sha256sum audit.key)
"$ssad" audit keygen --out audit.key > /dev/null 2> again.err
check "keygen never overwrites a key (exit 4)" test $? -eq 4
check "the key is unchanged" test "$before" = "$(sha256sum audit.key)"
lacks "$(cat again.err keygen.err)" 'PRIVATE+KEY'
check "no key material on standard error" test $? -eq 0
"$ssad" audit keygen --out bad.key --name 'has space' > /dev/null 2>&1
check "keygen refuses a name with a space (exit 2)" test $? -eq 2

vkey=$(cat audit.vkey)
cat > ssad.toml <<'TOML'
[store]
path = "audit.db"
[audit]
signing_key = "audit.key"
[log]
access_log = false
TOML

# What changes the system is recorded.
"$ssad" import escrow --config ssad.toml "$data/escrow/rfc9022-full/deposit.xml" > /dev/null
"$ssad" registrar set 1 --abuse-email abuse@one.example --url https://one.example --config ssad.toml > /dev/null
"$ssad" audit checkpoint --config ssad.toml > held.checkpoint
check "a checkpoint is printed as a signed note" grep -q '^— e2e.test/audit ' held.checkpoint
exported=$("$ssad" audit export --config ssad.toml 2> export.err)
check "the import is recorded with its deposit and files" contains "$exported" '"action":"import.escrow","object":{"kind":"deposit"'
check "the files' hashes are recorded" contains "$exported" '"files":"[^"]*=[0-9a-f]\{64\}'
check "the registrar change names its fields" contains "$exported" '"detail":{"fields":"url abuse_email"}'
check "no value set reaches the log" lacks "$exported" 'abuse@one.example'
check "export reports its count" grep -q '^exported 2 entries$' export.err

# A key others may read is refused.
cp audit.key open.key && chmod 644 open.key
sed 's/audit.key/open.key/' ssad.toml > open.toml
"$ssad" audit checkpoint --config open.toml > /dev/null 2> open.err
check "a key others may read is refused" test $? -ne 0
check "the refusal says chmod 600" grep -q 'chmod 600' open.err
# A FIFO where the key should be is refused at once, not waited on.
mkfifo fifo.key && chmod 600 fifo.key
sed 's/audit.key/fifo.key/' ssad.toml > fifo.toml
timeout 10 "$ssad" audit checkpoint --config fifo.toml > /dev/null 2> fifo.err
check "a key that is not a regular file is refused (exit 2, no hang)" test $? -eq 2

# serve records its start and signs a checkpoint covering it; Go's note and tlog check what it serves.
"$ssad" serve --config ssad.toml --http 127.0.0.1:0 > serve.out 2> serve.err &
server_pid=$!
http=$(http_address serve.err) || exit 1
base="http://$http/v1/audit"
curl -s "$base/checkpoint" > latest.checkpoint
opened=$("$tlogcheck" checkpoint "$vkey" < latest.checkpoint 2>&1)
check "Go's note package opens the served checkpoint" test $? -eq 0
size=$(sed -n 2p <<<"$opened")
root=$(sed -n 3p <<<"$opened")
check "the checkpoint covers the start (3 entries)" test "$size" = 3
check "the published key is the one served" test "$(curl -s "$base/key")" = "$vkey"
curl -s "$base/leaves?start=0&end=$((size - 1))" > leaves.json
check "Go's tlog computes the checkpoint's root from the leaves" \
  test "$(python3 -c 'import json,sys; print(json.dumps({"leaf_hashes": json.load(open("leaves.json"))["leaf_hashes"]}))' |
    "$tlogcheck" root)" = "$root"
rm -f cases.json
for i in $(seq 0 $((size - 1))); do
  curl -s "$base/proof/inclusion?index=$i&tree_size=$size" >> proofs.jsonl
  echo >> proofs.jsonl
done
python3 - <<'PY' > cases.json
import json
leaves = json.load(open("leaves.json"))["leaf_hashes"]
cases = []
for line in open("proofs.jsonl"):
    if line.strip():
        proof = json.loads(line)
        cases.append({"leaf_hashes": leaves, "index": proof["leaf_index"], "tree_size": proof["tree_size"],
                      "audit_path": proof["audit_path"]})
print(json.dumps(cases))
PY
"$tlogcheck" inclusion < cases.json > /dev/null
check "Go's tlog checks every inclusion proof served, and makes the same ones" test $? -eq 0
held_size=$(sed -n 2p held.checkpoint)
curl -s "$base/proof/consistency?first=$held_size&second=$size" > consistency.json
python3 - "$held_size" "$size" <<'PY' > consistency-case.json
import json, sys
proof = json.load(open("consistency.json"))
print(json.dumps({"leaf_hashes": json.load(open("leaves.json"))["leaf_hashes"], "first": int(sys.argv[1]),
                  "second": int(sys.argv[2]), "consistency": proof["consistency"]}))
PY
"$tlogcheck" consistency < consistency-case.json > /dev/null
check "Go's tlog checks the consistency proof from the held checkpoint" test $? -eq 0
kill "$server_pid" && wait "$server_pid" 2>/dev/null
server_pid=""

# verify: the untouched log, then copies an operator tampered with.
out=$("$ssad" audit verify --config ssad.toml --checkpoint held.checkpoint 2>&1)
check "an untouched log verifies (exit 0)" test $? -eq 0
check "verify reports what it checked" contains "$out" '^the audit log verifies: 3 entries, root .*, 2 stored checkpoints, 1 held checkpoints$'
out=$("$ssad" audit verify --config ssad.toml --key "$vkey" 2>&1)
check "an auditor verifies with the published key alone" test $? -eq 0
out=$("$ssad" audit verify --config ssad.toml --from 2 --checkpoint held.checkpoint 2>&1)
check "a range verifies from the stored tree before it" contains "$out" '^the audit log verifies: 1 entries,'


tampered() {  # NAME SQL EXPECTED_MESSAGE
  sqlite3 audit.db ".backup '$1.db'"  # a consistent copy, with what is still in the WAL
  sqlite3 "$1.db" "DROP TRIGGER audit_entry_no_update; DROP TRIGGER audit_entry_no_delete;
                   DROP TRIGGER audit_checkpoint_no_update; DROP TRIGGER audit_checkpoint_no_delete; $2"
  local message
  message=$("$ssad" audit verify --db "$1.db" --config ssad.toml 2>&1)
  local status=$?
  check "$1: verify fails (exit 5)" test "$status" -eq 5
  check "$1: verify names the problem" contains "$message" "$3"
}
tampered edited "UPDATE audit_entry SET encoding = CAST(encoding || x'00' AS BLOB) WHERE seq = 1" "entry 1: "
tampered deleted "DELETE FROM audit_entry WHERE seq = 1" "entry 1 is missing"
tampered reordered "UPDATE audit_entry SET seq = seq + 10 WHERE seq IN (0, 1); UPDATE audit_entry SET seq = 1 WHERE seq = 10;
                    UPDATE audit_entry SET seq = 0 WHERE seq = 11" "entry 0: "
tampered checkpoint "UPDATE audit_checkpoint SET note = replace(note, char(10) || '2' || char(10), char(10) || '1' || char(10))" \
  "checkpoint of size 2: its signature does not verify"
tampered truncated "DELETE FROM audit_entry WHERE seq = 2; DELETE FROM audit_checkpoint WHERE size = 3" \
  "the stored head (3 entries)"
check "the original still verifies" "$ssad" audit verify --config ssad.toml > /dev/null 2>&1

# export: filters, formats, an existing file never overwritten, bad input.
count=$("$ssad" audit export --config ssad.toml --object registrar:1 2>/dev/null | wc -l)
check "export --object registrar:1 finds the one change" test "$count" -eq 1
count=$("$ssad" audit export --config ssad.toml --actor system 2>/dev/null | wc -l)
check "export --actor system finds the start" test "$count" -eq 1
count=$("$ssad" audit export --config ssad.toml --from 2000-01-01 --to 2000-01-31 2>/dev/null | wc -l)
check "export of a month long ago is empty" test "$count" -eq 0
csv=$("$ssad" audit export --config ssad.toml --format csv 2>/dev/null)
check "CSV starts with its header" contains "$csv" '^seq,time,actor_kind,actor_id,action'
(umask 022 && "$ssad" audit export --config ssad.toml --out exported.jsonl 2> /dev/null)
check "export --out writes a file its owner alone may read (the entries are confidential)" \
  test "$(stat -c %a exported.jsonl)" = 600
"$ssad" audit export --config ssad.toml --out exported.jsonl > /dev/null 2>&1
check "export --out never overwrites a file" test $? -ne 0
"$ssad" audit export --config ssad.toml --format xml > /dev/null 2>&1
check "an unknown format is bad input (exit 2)" test $? -eq 2
"$ssad" audit export --config ssad.toml --from yesterday > /dev/null 2>&1
check "a bad date is bad input (exit 2)" test $? -eq 2

echo "audit cli e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
