# shellcheck shell=bash
# What every test script in this folder starts with (sourced, not run): a scratch folder removed on exit
# with the server the script started, and the pass/fail counting the scripts report with.
#   check NAME COMMAND...   passes when the command succeeds; a failure prints "FAILED: NAME"
#   contains TEXT PATTERN   TEXT matches the grep PATTERN
#   lacks TEXT PATTERN      it does not
#   eventually SECONDS COMMAND...  COMMAND succeeds within SECONDS (for what a server does on its own clock)
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
# http_address ERR_FILE: the HOST:PORT a starting `ssad serve` prints on standard error (waits up to 10 s);
# exits the script, showing the file, when none comes.
http_address() {
  local http=""
  for _ in $(seq 1 100); do
    http=$(sed -n 's|.*serving .* on http://\([^ ]*\)$|\1|p' "$1")
    [ -n "$http" ] && break
    sleep 0.1
  done
  [ -n "$http" ] || { cat "$1" >&2; exit 1; }
  echo "$http"
}
lacks() { ! grep -q -- "$2" <<<"$1"; }
# eventually SECONDS COMMAND...: runs COMMAND until it succeeds, for at most SECONDS; fails when it never
# does. For a state a server reaches on its own clock: no fixed wait, the next try comes 50 ms after the
# last (a read that times out).
eventually() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    read -r -t 0.05 <> <(:) || true
  done
}
