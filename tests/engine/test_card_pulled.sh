#!/usr/bin/env bash
# A card pulled mid-test (through real pcscd + vpcd): the case in flight ends as an
# ERROR naming the cause, the run goes on, the next case finds the card again once it
# is back, and the report is written. Waits are on events (the console line, process
# exit, pcscd's reader state through `rt_pcsc_probe wait`), never fixed delays.
. "$(dirname "$0")/lib.sh"
if [ -z "${RT_PULLED_INSIDE:-}" ]; then
  export RT_PULLED_INSIDE=1
  exec "$RT_SRCDIR/scripts/pcsc-sandbox.sh" bash "$0" "$@"
fi
PROBE="$RT_BUILDDIR/tests/rt_pcsc_probe"
start_card() { "$RSPTEST" card serve --vpcd "${RT_VPCD:-127.0.0.1:35963}" >/dev/null 2>&1 & card=$!; }
start_card
check "card inserted" "$PROBE" --wait-ms 20000 wait present
"$RSPTEST" run --sut reference-vpcd --report-dir "$WORK/rep" "$HERE/cases/pulled" >"$WORK/out" 2>&1 &
run=$!
for _ in $(seq 1 1000); do
  grep -q '^PASS  PULL-001' "$WORK/out" && break
  kill -0 "$run" 2>/dev/null || break
  sleep 0.02
done
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
check "summary" grep -qx '2 passed, 0 failed, 1 errors, 0 skipped' "$WORK/out"
check "JUnit written and valid" xmllint --noout --schema "$RT_SRCDIR/tests/junit.xsd" "$WORK/rep/junit.xml"
finish
