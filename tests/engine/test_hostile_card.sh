#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A hostile card behind a real pcscd + vpcd (tests/tools/rt_hostile_card.c): for every
# way a card can misbehave (stall, 0/1/65000-byte answers, closing mid-frame, endless
# 61xx/6Cxx, a bad or stalled ATR, an invalid status word), `rsptest run` ends within a
# bound, every case has a verdict, the JUnit report is valid, and a card that never
# answers is named as such. Also: SIGINT during a stalled exchange ends the case as
# interrupted (not as a card error) and the run exits 130 soon after.
# Each mode gets its own private pcscd (scripts/pcsc-sandbox.sh): a stalled card can
# leave vpcd's driver waiting until the card side goes.
. "$(dirname "$0")/lib.sh"
: "${RT_BUILDDIR:?RT_BUILDDIR not set}"
TOOL="$RT_BUILDDIR/tests/rt_hostile_card"
BOUND=20 # seconds a run may take at most (cases time out after 2 s)

if [ -n "${RT_HOSTILE_MODE:-}" ]; then
  # inside the sandbox: one mode, results into $RT_HOSTILE_OUT
  o=$RT_HOSTILE_OUT
  "$TOOL" --port "${RT_VPCD_PORT:-35963}" --after "${RT_HOSTILE_AFTER:-1}" "$RT_HOSTILE_MODE" 2>"$o/card.log" &
  card=$!
  t0=$(date +%s%N)
  "$RSPTEST" run --sut "$RT_HOSTILE_SUT" --report-dir "$o/rep" "$HERE/cases/hostile" \
    >"$o/out" 2>&1 &
  run=$!
  # a watchdog, so that a hanging run (the bug this test is for) fails instead of
  # hanging ctest; it never decides a verdict
  ( sleep $((BOUND + 10)); kill -KILL "$run" 2>/dev/null ) &
  dog=$!
  if [ -n "${RT_HOSTILE_SIGNAL:-}" ]; then
    # signal the run once HOSTILE-002's exchange is in flight: the card says when it
    # stalls on that C-APDU
    for _ in $(seq 1 200); do grep -q 'stalling' "$o/card.log" && break; sleep 0.05; done
    ts=$(date +%s%N)
    kill -INT "$run"
  fi
  wait "$run"
  echo $? >"$o/status"
  t1=$(date +%s%N)
  kill "$dog" 2>/dev/null; wait "$dog" 2>/dev/null
  echo $(((t1 - t0) / 1000000)) >"$o/ms"
  [ -n "${ts:-}" ] && echo $(((t1 - ts) / 1000000)) >"$o/ms_after_signal"
  kill -TERM "$card" 2>/dev/null; wait "$card" 2>/dev/null
  exit 0
fi

[ -x "$TOOL" ] || { echo "missing $TOOL"; exit 1; }
printf 'name: hostile card\nrole: euicc\ncard:\n  transport: pcsc\n  reader: "Virtual PCD"\n  reset: cold\n  wait_card_ms: 3000\n' >"$WORK/sut.yaml"
export RT_HOSTILE_SUT="$WORK/sut.yaml"

# run_mode NAME MODE [VAR=VALUE...] — one sandboxed run; results in $WORK/NAME
run_mode() {
  local name=$1 mode=$2; shift 2
  mkdir -p "$WORK/$name"
  env RT_HOSTILE_MODE="$mode" RT_HOSTILE_OUT="$WORK/$name" "$@" \
    "$RT_SRCDIR/scripts/pcsc-sandbox.sh" bash "$0"
  echo "--- $name: exit $(cat "$WORK/$name/status" 2>/dev/null) in $(cat "$WORK/$name/ms" 2>/dev/null) ms"
  cat "$WORK/$name/out" 2>/dev/null
}

# common checks: bounded, every case has a verdict, valid JUnit
common() {
  local name=$1 d="$WORK/$1" st
  st=$(cat "$d/status" 2>/dev/null || echo none)
  check "$name: the run ended by itself (exit 0, 1, 2 or 130; was $st)" sh -c "case '$st' in 0|1|2|130) true;; *) false;; esac"
  check "$name: within ${BOUND}s" test "$(cat "$d/ms" 2>/dev/null || echo 999999)" -lt $((BOUND * 1000))
  for i in 1 2 3; do
    check "$name: HOSTILE-00$i has a verdict" grep -Eq "^(PASS |FAIL |ERROR|SKIP ) HOSTILE-00$i " "$d/out"
  done
  check "$name: JUnit valid" xmllint --noout --schema "$RT_SRCDIR/tests/junit.xsd" "$d/rep/junit.xml"
  check "$name: JUnit has the 3 cases" test "$(xpath "$d/rep/junit.xml" 'count(//testcase)')" = 3
}

for mode in ok stall zero one huge close-mid loop-61xx loop-6cxx bad-atr stall-atr garbage; do
  run_mode "$mode" "$mode"
  common "$mode"
done

o=$WORK
check "ok: all pass" grep -qx '3 passed, 0 failed, 0 errors, 0 skipped' "$o/ok/out"
for m in stall zero; do
  check "$m: the case in flight is an ERROR" grep -q '^ERROR HOSTILE-002 ' "$o/$m/out"
  check "$m: ... naming the silent card and its C-APDU" \
    grep -Eq 'did not answer within [0-9]+ ms.*last C-APDU 00A40400' "$o/$m/rep/hostile/HOSTILE-002.trace.txt"
  check "$m: the card's state is said once" test "$(grep -c '^rsptest: the card is gone' "$o/$m/out")" = 1
  check "$m: the next case is an ERROR at once" grep -Eq '^ERROR HOSTILE-003 \(0\.[0-9]+s\): SUT unreachable: the card is gone since HOSTILE-002' "$o/$m/out"
done
check "stall-atr: HOSTILE-002 is an ERROR" grep -q '^ERROR HOSTILE-002 ' "$o/stall-atr/out"
check "one: no status word is an ERROR" grep -Eq '^ERROR HOSTILE-002 .*no status word' "$o/one/out"
check "garbage: the invalid status word is named" grep -Eq '^ERROR HOSTILE-002 .*invalid status word BEEF' "$o/garbage/out"
check "loop-61xx: the GET RESPONSE limit is an ERROR" grep -Eq '^ERROR HOSTILE-002 .*(61xx after|buffer full)' "$o/loop-61xx/out"
check "loop-6cxx: a verdict on the SW, not a hang" grep -Eq '^(FAIL |ERROR) HOSTILE-002 ' "$o/loop-6cxx/out"

# Ctrl-C while the card stalls: interrupted, not blamed on the card; exit 130 soon.
run_mode stall-int stall RT_HOSTILE_SIGNAL=INT
d="$WORK/stall-int"
check "stall+SIGINT: exit 130" test "$(cat "$d/status" 2>/dev/null)" = 130
check "stall+SIGINT: the case is ERROR 'interrupted by signal 2 during step 1'" \
  grep -Eq '^ERROR HOSTILE-002 .*: interrupted by signal 2 during step 1' "$d/out"
check "stall+SIGINT: the message does not blame the card" sh -c "! grep -E '^ERROR HOSTILE-002 .*(removed|Access denied|did not answer)' '$d/out'"
check "stall+SIGINT: the card call cut short is in the detail" grep -q 'interrupted by signal 2 during an exchange' "$d/rep/hostile/HOSTILE-002.trace.txt"
check "stall+SIGINT: the rest is skipped" grep -q '^SKIP  HOSTILE-003 .*interrupted by signal' "$d/out"
check "stall+SIGINT: ended within 5 s of the signal" test "$(cat "$d/ms_after_signal" 2>/dev/null || echo 99999)" -lt 5000
check "stall+SIGINT: JUnit valid" xmllint --noout --schema "$RT_SRCDIR/tests/junit.xsd" "$d/rep/junit.xml"
finish
