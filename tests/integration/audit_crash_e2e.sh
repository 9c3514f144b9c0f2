#!/usr/bin/env bash
# Issue 11, item 8: a crash under concurrent audit appends loses no acknowledged entry, and the log still
# verifies. tests/support/audit_writer appends from 8 threads through one audit::Appender (group commit)
# and prints "acked SEQ MARKER" after each append returns; it is killed with SIGKILL in the middle of
# that. Then `ssad audit verify` must pass, every acknowledged (seq, marker) must be in `ssad audit
# export` with that seq, the entries must be numbered 0..N-1 and each one written once. The writer is
# started again on the crashed store (the log goes on after a crash), killed again, and all of it checked
# again. On SQLite, PRAGMA integrity_check too.
#
# What this does not test: a kill -9 ends the process, not the machine. Whatever the process had handed
# to the kernel survives it even without fsync, so this proves that an acknowledgement is never given
# before the commit, that a commit cut off half-way leaves nothing behind (SQLite's WAL, PostgreSQL's
# transactions), and that the numbering and the tree survive. That an acknowledged entry also survives a
# power loss rests on the commit waiting for the disk: SQLite with journal_mode=WAL and synchronous=FULL,
# PostgreSQL with synchronous_commit on (and the server's fsync on). A store test pins those settings on
# the connections units of work commit through (tests/unit/store/audit_durability_test.cpp).
#
# BACKEND is sqlite (a file in the scratch folder) or postgres (a schema of its own on the server of the
# ctest fixture `postgres`, whose URL file SSAD_TEST_POSTGRES_URL_FILE names; fails, never skips,
# without it).
# Usage: audit_crash_e2e.sh SSAD AUDIT_WRITER BACKEND. Prints "N passed, N failed".
set -u
ssad=$1
writer=$2
backend=$3
# shellcheck source=tests/integration/harness.sh
source "$(dirname "$0")/harness.sh"

writer_pid=""
schema=""
finish() {
  [ -n "$writer_pid" ] && kill -KILL "$writer_pid" 2>/dev/null && wait "$writer_pid" 2>/dev/null
  [ -n "$schema" ] && psql -X -q "$admin" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null
  cleanup
}
trap finish EXIT

case $backend in
  sqlite) store="$work/audit.db" ;;
  postgres)
    url_file=${SSAD_TEST_POSTGRES_URL_FILE:-}
    if [ -z "$url_file" ] || [ ! -s "$url_file" ]; then
      echo "audit_crash_e2e: SSAD_TEST_POSTGRES_URL_FILE names no URL file: run it with ctest (fixture postgres)" >&2
      exit 1
    fi
    admin=$(head -n 1 "$url_file")
    export PGOPTIONS='-c client_min_messages=warning'  # psql: no NOTICE for DROP ... CASCADE
    schema="audit_crash_$$_${RANDOM}"
    psql -X -q -v ON_ERROR_STOP=1 "$admin" -c "CREATE SCHEMA $schema" >/dev/null ||
      { echo "cannot create schema $schema" >&2; exit 1; }
    # Percent-encoded as tests/support/postgres.hpp does: libpq refuses a second '=' in a parameter.
    case $admin in
      *\?*) store="$admin&options=-csearch_path%3D$schema" ;;
      *) store="$admin?options=-csearch_path%3D$schema" ;;
    esac
    ;;
  *)
    echo "usage: audit_crash_e2e.sh SSAD AUDIT_WRITER sqlite|postgres" >&2
    exit 2
    ;;
esac

out=$("$ssad" migrate --db "$store" 2>&1)
check "migrate creates the store" test $? -eq 0
[ "$failed" -eq 0 ] || { echo "$out" >&2; exit 1; }

# crash ROUND ACKS: starts the writer (8 threads) with its acknowledgements in $work/acked-ROUND, waits
# until it has acknowledged at least ACKS entries, and kills it with SIGKILL while it appends. The wait
# asks the file's line count up to 1,200 times, 50 ms apart (a read that times out, not a sleep): 60 s at
# most on a slow sanitizer build; the writer acknowledges hundreds of entries a second.
crash() {
  local round=$1 acks=$2 lines=0
  : > "$work/acked-$round"  # before the writer's shell has opened it, the loop below counts it already
  "$writer" "$store" 8 > "$work/acked-$round" 2> "$work/writer-$round.err" &
  writer_pid=$!
  for _ in $(seq 1 1200); do
    lines=$(wc -l < "$work/acked-$round")
    [ "$lines" -ge "$acks" ] && break
    kill -0 "$writer_pid" 2>/dev/null || break
    read -r -t 0.05 <> <(:) || true
  done
  kill -KILL "$writer_pid" 2>/dev/null
  wait "$writer_pid" 2>/dev/null
  writer_pid=""
  check "round $round: the writer acknowledged $acks entries before the kill" test "$lines" -ge "$acks"
  [ "$lines" -ge "$acks" ] || { cat "$work/writer-$round.err" >&2; exit 1; }
}

# The acknowledgements against the export. Arguments: the export, then START:ACKED for each round (the
# first seq the round could have written, and its acknowledgements). Every complete line of an ACKED file
# (the kill may cut the last one short) must be in the export with its seq and marker; the seqs must be
# 0..N-1; within a round's seqs each marker must show once (an entry written twice would repeat one).
# Prints the number of entries.
check_acked() {
  python3 - "$@" <<'PYTHON'
import json
import sys

export, rounds = sys.argv[1], [arg.split(":", 1) for arg in sys.argv[2:]]
entries = [json.loads(line) for line in open(export, encoding="utf-8")]
problems = []
seqs = [entry["seq"] for entry in entries]
if seqs != list(range(len(seqs))):
    problems.append("the exported seqs are not 0..%d in order" % (len(seqs) - 1))
marker = {entry["seq"]: entry["detail"].get("marker") for entry in entries if entry["action"] == "test.append"}
starts = [int(start) for start, _ in rounds] + [len(entries)]
acked_total = 0
for i, (start, acked) in enumerate(rounds):
    seen = set()
    for seq in range(starts[i], starts[i + 1]):
        if marker.get(seq) in seen:
            problems.append("entry %d repeats the marker %s of an earlier entry" % (seq, marker[seq]))
        seen.add(marker.get(seq))
    with open(acked, encoding="utf-8") as lines:
        for line in lines:
            if not line.endswith("\n"):
                continue  # cut short by the kill: its append returned, but the line was not all written
            word, seq, name = line.split()
            acked_total += 1
            if word != "acked" or int(seq) < starts[i] or marker.get(int(seq)) != name:
                problems.append("acknowledged %s %s is not in the log (it holds %s there)"
                                % (seq, name, marker.get(int(seq))))
for problem in problems[:20]:
    print(problem, file=sys.stderr)
print(len(entries))
sys.exit(1 if problems else 0)
PYTHON
}

# after_crash ROUND START:ACKED...: the checks after a crash; sets size (the entries in the log).
after_crash() {
  local round=$1
  shift
  out=$("$ssad" audit verify --db "$store" 2>&1)
  rc=$?
  check "round $round: audit verify passes after the crash" test "$rc" -eq 0
  [ "$rc" -eq 0 ] || echo "$out" >&2
  "$ssad" audit export --db "$store" --format jsonl > "$work/export-$round" 2> "$work/export-$round.err"
  check "round $round: audit export succeeds" test $? -eq 0
  size=$(check_acked "$work/export-$round" "$@")
  check "round $round: every acknowledged entry is in the log with its seq, numbered without gaps" test $? -eq 0
  check "round $round: verify counted the exported entries" contains "$out" "verifies: $size entries"
  if [ "$backend" = sqlite ]; then
    check "round $round: SQLite's integrity check passes" test "$(sqlite3 "$store" "PRAGMA integrity_check")" = ok
  fi
}

crash 1 500
after_crash 1 "0:$work/acked-1"
first_size=$size
check "round 1: the log holds at least the 500 acknowledged entries" test "$first_size" -ge 500

# The log goes on after the crash: the writer appends after what the first one left.
crash 2 100
after_crash 2 "0:$work/acked-1" "$first_size:$work/acked-2"
check "round 2: the log grew by at least the 100 acknowledged entries" test "$size" -ge $((first_size + 100))

echo "audit_crash_e2e ($backend): $passed passed, $failed failed"
[ "$failed" -eq 0 ]
