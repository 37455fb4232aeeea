#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SIGINT/SIGTERM: the running case ends as ERROR, the rest are reported as skipped with
# the reason, the JUnit report is written atomically, and the exit status is 130.
. "$(dirname "$0")/lib.sh"

for sig in INT TERM; do
  rep="$WORK/rep-$sig"
  # -v echoes the evidence log live: the slow case's first line says it is running
  "$RSPTEST" run -v --report-dir "$rep" "$HERE/cases/slow" >"$WORK/out-$sig" 2>&1 &
  pid=$!
  # wait for that event (generous bound, and not past the run's end), no fixed delay
  for _ in $(seq 1 1500); do
    grep -q 'SLOW-001 running' "$WORK/out-$sig" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  kill -s "$sig" "$pid"
  wait "$pid"
  status=$?
  cat "$WORK/out-$sig"
  check "SIG$sig: exit status 130" test "$status" -eq 130
  check "SIG$sig: running case is an ERROR" grep -q '^ERROR SLOW-001 .*interrupted' "$WORK/out-$sig"
  check "SIG$sig: the next case is skipped with the reason" grep -q '^SKIP  SLOW-002 .*interrupted by signal' "$WORK/out-$sig"
  check "SIG$sig: JUnit written" test -s "$rep/junit.xml"
  check "SIG$sig: JUnit valid" xmllint --noout --schema "$RT_SRCDIR/tests/junit.xsd" "$rep/junit.xml"
  check "SIG$sig: JUnit has both cases" test "$(xpath "$rep/junit.xml" 'count(//testcase)')" = 2
  check "SIG$sig: no temporary file left" sh -c "! ls '$rep' | grep -q tmp"
done
finish
