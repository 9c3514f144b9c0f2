# shellcheck shell=bash
# What every test script in this folder starts with (sourced, not run): a scratch folder removed on exit
# with the server the script started, and the pass/fail counting the scripts report with.
#   check NAME COMMAND...   passes when the command succeeds; a failure prints "FAILED: NAME"
#   contains TEXT PATTERN   TEXT matches the grep PATTERN
#   lacks TEXT PATTERN      it does not
# The script sets server_pid when it starts `ssad serve` in the background.
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
passed=0
failed=0
check() {
  local name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name" >&2; fi
}
contains() { grep -q -- "$2" <<<"$1"; }
lacks() { ! grep -q -- "$2" <<<"$1"; }
