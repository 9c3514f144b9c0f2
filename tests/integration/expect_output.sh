#!/usr/bin/env bash
# expect_output.sh REGEX COMMAND [ARGS...]: passes when COMMAND exits 0 and its standard output matches
# the extended REGEX (across lines). CTest's PASS_REGULAR_EXPRESSION alone would ignore the exit code.
set -u
regex=$1
shift
out=$("$@") || { echo "exit code $? from: $*" >&2; exit 1; }
printf '%s' "$out"
printf '%s' "$out" | grep -zEq -- "$regex" || { echo "output does not match: $regex" >&2; exit 1; }
