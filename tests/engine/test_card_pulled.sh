#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A card pulled mid-test (through real pcscd + vpcd): the case in flight ends as an
# ERROR naming the cause, the run goes on, the next case finds the card again once it
# is back, and the report is written. A card gone for good is said once and costs one
# wait_card_ms (not two per case); a card never there makes the run exit 2 after one
# wait. Waits are on events (the case's live evidence line, process exit, pcscd's reader state
# through `rt_pcsc_probe wait`), never fixed delays.
. "$(dirname "$0")/lib.sh"
: "${RT_BUILDDIR:?RT_BUILDDIR not set}"
if [ -z "${RT_PULLED_INSIDE:-}" ]; then
  export RT_PULLED_INSIDE=1
  exec "$RT_SRCDIR/scripts/pcsc-sandbox.sh" bash "$0" "$@"
fi
PROBE="$RT_BUILDDIR/tests/rt_pcsc_probe"
start_card() { "$RSPTEST" card serve --vpcd "${RT_VPCD:-127.0.0.1:35963}" >/dev/null 2>&1 & card=$!; }
start_card
check "card inserted" "$PROBE" --wait-ms 20000 wait present
# wait_in_flight OUT — until PULL-002 says (through -v's live evidence) that it runs
# its waiting step, its card open and reset done: pulling the card at "PASS PULL-001"
# raced PULL-002's open under load (it then found no card instead of losing one).
wait_in_flight() {
  for _ in $(seq 1 3000); do
    grep -q 'PULL-002 waiting' "$1" && return 0
    kill -0 "$run" 2>/dev/null || return 1
    sleep 0.02
  done
  return 1
}
"$RSPTEST" run -v --sut reference-vpcd --report-dir "$WORK/rep" "$HERE/cases/pulled" >"$WORK/out" 2>&1 &
run=$!
check "PULL-002 runs its waiting step" wait_in_flight "$WORK/out"
kill -TERM "$card"; wait "$card" 2>/dev/null
check "pulled card: pcscd reports the reader empty" "$PROBE" --wait-ms 20000 wait absent
start_card
wait "$run"
status=$?
kill -TERM "$card" 2>/dev/null; wait "$card" 2>/dev/null
cat "$WORK/out"
check "exit status 1 (an ERROR happened)" test $status -eq 1
check "the case before passes" grep -q '^PASS  PULL-001' "$WORK/out"
check "the case in flight is an ERROR naming the removed card" grep -Eq '^ERROR PULL-002 .*(removed|EREMOVED)' "$WORK/out"
check "the next case passes after the card is back" grep -q '^PASS  PULL-003' "$WORK/out"
check "summary" grep -qx '3 passed, 0 failed, 1 errors, 0 skipped' "$WORK/out"
check "JUnit written and valid" xmllint --noout --schema "$RT_SRCDIR/tests/junit.xsd" "$WORK/rep/junit.xml"

# secs CASE FILE — the seconds a case took, from its console line ("ERROR X (1.234s): ...")
secs() { sed -n "s/^[A-Z]* *$1 (\([0-9.]*\)s).*/\1/p" "$2"; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a < b) }'; }

# Gone for good: killed while PULL-002 waits, never restarted. (wait_card_ms is 5000.)
start_card
# the card killed above may take pcscd a moment to forget: wait until the new one shows
"$RT_BUILDDIR/tests/rt_pcsc_probe" --wait-ms 15000 atr >/dev/null 2>&1
"$RSPTEST" run -v --sut reference-vpcd --report-dir "$WORK/rep2" "$HERE/cases/pulled" >"$WORK/out2" 2>&1 &
run=$!
check "gone: PULL-002 runs its waiting step" wait_in_flight "$WORK/out2"
kill -TERM "$card"; wait "$card" 2>/dev/null
wait "$run"
status=$?
cat "$WORK/out2"
check "gone: exit status 1" test $status -eq 1
check "gone: the case in flight is an ERROR naming the removed card" grep -Eq '^ERROR PULL-002 .*(removed|EREMOVED)' "$WORK/out2"
check "gone: said once" test "$(grep -c '^rsptest: the card is gone' "$WORK/out2")" = 1
check "gone: PULL-003 waits wait_card_ms once, not twice (< 7 s)" lt "$(secs PULL-003 "$WORK/out2")" 7
check "gone: PULL-004 ends as ERROR at once (< 1 s)" lt "$(secs PULL-004 "$WORK/out2")" 1
check "gone: PULL-004 names the first cause" grep -q '^ERROR PULL-004 .*the card is gone since PULL-003' "$WORK/out2"
check "gone: JUnit valid" xmllint --noout --schema "$RT_SRCDIR/tests/junit.xsd" "$WORK/rep2/junit.xml"

# Never there: no card at all. One wait, one line, every case ERROR, exit 2.
"$RSPTEST" run --sut reference-vpcd --report-dir "$WORK/rep3" "$HERE/cases/pulled" >"$WORK/out3" 2>&1
status=$?
cat "$WORK/out3"
check "never there: exit status 2" test $status -eq 2
check "never there: said once" test "$(grep -c '^rsptest: the card is gone' "$WORK/out3")" = 1
check "never there: every case is an ERROR" test "$(grep -c '^ERROR PULL-00[1-4] .*SUT unreachable' "$WORK/out3")" = 4
check "never there: each case ends at once (< 1 s)" lt "$(secs PULL-001 "$WORK/out3")" 1
check "never there: JUnit valid" xmllint --noout --schema "$RT_SRCDIR/tests/junit.xsd" "$WORK/rep3/junit.xml"
finish
