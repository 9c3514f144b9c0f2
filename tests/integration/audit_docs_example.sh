#!/usr/bin/env bash
# docs/audit.md's worked example, run as written: the "setup" block, a server started as the text says,
# then the "check" block; its output must have what the document shows.
# Usage: audit_docs_example.sh SSAD_BINARY REPOSITORY
set -uo pipefail
ssad=$1
repo=$2
# shellcheck source=tests/integration/harness.sh
source "$(dirname "$0")/harness.sh"

# The blocks that follow the markers in the document.
block() {
  awk -v marker="<!-- audit-example:$1 -->" '
    $0 == marker { found = 1; next }
    found && /^```bash$/ { inside = 1; next }
    inside && /^```$/ { exit }
    inside { print }' "$repo/docs/audit.md"
}
setup=$(block setup)
check_block=$(block check)
check "the document has its setup block" test -n "$setup"
check "the document has its check block" test -n "$check_block"

mkdir -p "$work/bin" "$work/scripts"
ln -s "$ssad" "$work/bin/ssad"
ln -s "$repo/scripts/audit-check" "$work/scripts/audit-check"
export PATH="$work/bin:$PATH"
cd "$work" || exit 1

if ! (set -e; eval "$setup") > setup.out 2> setup.err; then
  echo "FAILED: the setup block" >&2
  cat setup.err >&2
  exit 1
fi
check "the key file is private" test "$(stat -c %a audit.key)" = 600
check "the held checkpoint is a signed note of two entries" grep -q '^2$' held.checkpoint

ssad serve --config ssad.toml --http 127.0.0.1:0 > serve.out 2> serve.err &
server_pid=$!
http=$(http_address serve.err) || exit 1

output=$(SSAD_URL="http://$http" bash -e -c "$check_block" 2> check.err)
status=$?
check "the check block succeeds" test "$status" -eq 0
[ "$status" -eq 0 ] || cat check.err >&2
check "the checkpoint has three entries" contains "$output" '^3$'
check "audit-check verifies the signature" contains "$output" 'checkpoint: audit.example/log, 3 entries, root .*: signature verified'
check "entry 0 is included" contains "$output" '^entry 0: included (a path of 2 hashes)$'
check "entry 1 is included" contains "$output" '^entry 1: included (a path of 2 hashes)$'
check "the log only grew" contains "$output" '^since the held checkpoint of 2 entries: the log only grew$'
check "the log verifies" contains "$output" '^the audit log verifies: 3 entries, root .*, 2 stored checkpoints, 1 held checkpoints$'
check "the export has the registrar change" contains "$output" '"action":"registrar.set","object":{"kind":"registrar","id":"1"}'
check "the export names the fields set, not the values" lacks "$output" 'abuse@registrar.example'

echo "audit docs example: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
