#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A Lua step stuck inside a C function must still end at the case deadline (issue 7):
# the count hook does not fire inside string.find, so the sandbox's own pattern matcher
# (harness/lua/rt_strpat.c) checks the deadline. Cases with `timeout: 3` running a
# pathological pattern (exponential backtracking in stock Lua) must each end ERROR in
# about 3 s, and the run must go on to the next case. The run is bounded by `timeout`
# so a regression fails this test instead of hanging it.
. "$(dirname "$0")/lib.sh"

out="$WORK/out.txt"
t0=$(date +%s.%N)
timeout -s KILL 40 "$RSPTEST" run --report-dir "$WORK/rep" "$HERE/cases/deadline" >"$out" 2>&1
status=$?
t1=$(date +%s.%N)
cat "$out"
elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
echo "elapsed: ${elapsed}s"

check "the run ended by itself (not killed)" test "$status" -ne 137
check "exit status 1 (errors)" test "$status" -eq 1
check "find case is an ERROR for its timeout" \
  grep -q '^ERROR DEADLINE-001 .*timeout: case deadline exceeded inside string.find' "$out"
check "gsub case is an ERROR for its timeout" \
  grep -q '^ERROR DEADLINE-002 .*timeout: case deadline exceeded inside string.gsub' "$out"
check "the message names the case limit" grep -q 'longer than its 3.0 s limit' "$out"
check "the next case runs and passes" grep -q '^PASS  DEADLINE-003 ' "$out"
check "summary counts them" grep -qx '1 passed, 0 failed, 2 errors, 0 skipped' "$out"
for id in DEADLINE-001 DEADLINE-002; do
  secs=$(sed -n "s/^ERROR $id (\([0-9.]*\)s).*/\1/p" "$out")
  check "$id ended within 5 s of its start (took ${secs:-?} s)" \
    awk -v s="${secs:-999}" 'BEGIN { exit !(s >= 2.9 && s < 5.0) }'
done
check "whole run well under the 40 s guard (${elapsed} s)" awk -v s="$elapsed" 'BEGIN { exit !(s < 15) }'
check "JUnit has the three cases" test "$(xpath "$WORK/rep/junit.xml" 'count(//testcase)')" = 3
finish
