#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# After SIGINT, a case's cleanups get a short grace (2 s), not the 10 s a timed-out case
# gets: a cleanup that never ends is cut off, the case is ERROR "interrupted by signal 2
# during step 1", the reports are written and the run exits 130 soon after the signal.
. "$(dirname "$0")/lib.sh"

"$RSPTEST" run -v --report-dir "$WORK/rep" "$HERE/cases/slowcleanup" >"$WORK/out" 2>&1 &
pid=$!
# -v echoes the evidence as it happens: wait until the step runs
for _ in $(seq 1 200); do grep -q -- '--- step 1' "$WORK/out" && break; sleep 0.05; done
t0=$(date +%s%N)
kill -INT "$pid"
wait "$pid"
status=$?
ms=$((($(date +%s%N) - t0) / 1000000))
grep -E '^(PASS|FAIL|ERROR|SKIP)' "$WORK/out"
echo "ended ${ms} ms after the signal"
check "exit status 130" test "$status" -eq 130
check "the case is ERROR 'interrupted by signal 2 during step 1'" grep -Eq '^ERROR SLOWCLEAN-001 \([0-9.]+s\): interrupted by signal 2 during step 1' "$WORK/out"
check "the next case is skipped" grep -q '^SKIP  SLOWCLEAN-002 .*interrupted by signal 2' "$WORK/out"
check "ended within the 2 s grace (< 5 s after the signal, not 10)" test "$ms" -lt 5000
check "JUnit valid" xmllint --noout --schema "$RT_SRCDIR/tests/junit.xsd" "$WORK/rep/junit.xml"
finish
