#!/bin/sh
# Self-test of validate_rdap.py:
#   1. its built-in unit tests (--self-test: JSONPath evaluator and helpers);
#   2. every fixture in selftest/valid/ passes;
#   3. every fixture in selftest/invalid/ fails (exit 1) with a message naming
#      its problem (the expectations below; a fixture without one is an error).
#
# Usage: tests/conformance/selftest.sh [SCHEMA_DIR]
# SCHEMA_DIR defaults to $RDAP_SCHEMAS, then to ../shared/conformance/icann-rdap-schemas
# next to the repository.  Needs Debian's /usr/bin/python3 with python3-jsonschema.
set -u

here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
checker="$here/validate_rdap.py"
schemas=${1:-${RDAP_SCHEMAS:-$here/../../../shared/conformance/icann-rdap-schemas}}
status=0

fail() {
    echo "selftest: FAIL: $*"
    status=1
}

if [ ! -d "$schemas" ]; then
    echo "selftest: schema directory not found: $schemas"
    exit 1
fi

# 1. unit tests
"$py" "$checker" --self-test || fail "--self-test"

# 2. valid fixtures
"$py" "$checker" --schemas "$schemas" "$here"/selftest/valid/*.json || fail "a valid fixture was rejected"

# 3. invalid fixtures: "file  text the output must contain"
expectations=$(cat <<'EOF'
domain-placeholder-text.json placeholder text 'REDACTED FOR PRIVACY'
domain-prepath-still-matches.json prePath "$.entities[?(@.roles[0]=='registrant')].handle" still selects
domain-missing-status-codes.json missing the 'Status Codes' notice
domain-nested-conformance.json /entities/0/rdapConformance: rdapConformance must appear only in the topmost object
domain-unsupported-jsonpath.json invalid or unsupported JSONPath: descendant segment '..' is not supported
domains-unscoped-path.json path must start with $.domainSearchResults[0]
error-code-mismatch.json errorCode 400 differs from the HTTP status 404
EOF
)

for path in "$here"/selftest/invalid/*.json; do
    name=$(basename "$path")
    printf '%s\n' "$expectations" | grep -q -F "$name " || fail "$name has no expectation in selftest.sh"
done

printf '%s\n' "$expectations" | while read -r name expected; do
    out=$("$py" "$checker" --schemas "$schemas" "$here/selftest/invalid/$name")
    rc=$?
    if [ "$rc" -ne 1 ]; then
        echo "selftest: FAIL: $name: expected exit status 1, got $rc"
        echo "$out"
        exit 1
    fi
    if ! printf '%s\n' "$out" | grep -q -F -- "$expected"; then
        echo "selftest: FAIL: $name: no message containing: $expected"
        echo "$out"
        exit 1
    fi
    echo "selftest: ok: $name is rejected ($expected)"
done || status=1

if [ "$status" -eq 0 ]; then
    echo "selftest: all passed"
fi
exit "$status"
