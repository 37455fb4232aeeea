#!/usr/bin/env bash
# Fault self-test of the ES5 suite (testcases/euicc/es5): against a reference card that
# breaks one ES5 rule on purpose (SUT card `faults:`, enum rt_euicc_fault), the cases that
# check that rule must FAIL, and cases that do not depend on it still pass.
. "$(dirname "$0")/lib.sh"

# run FAULT — the ES5 cases against sut/reference.yaml plus that fault; output in
# $WORK/FAULT.out
run() {
  sed -e "s|personality: personalities/|personality: $RT_SRCDIR/sut/personalities/|" \
      -e "s|^  reset: cold|  reset: cold\n  faults: [$1]|" \
      "$RT_SRCDIR/sut/reference.yaml" >"$WORK/$1.yaml"
  "$RSPTEST" run --sut "$WORK/$1.yaml" --report-dir "$WORK/rep-$1" \
    "$RT_SRCDIR/testcases/euicc/es5" >"$WORK/$1.out" 2>&1
}

verdict() { # verdict FAULT ID -> PASS/FAIL/ERROR/SKIP
  sed -n "s/^\(PASS\|FAIL\|ERROR\|SKIP\) *$2 .*/\1/p" "$WORK/$1.out" | head -1
}

run ignore_pol1
if grep -q "unknown key 'faults'" "$WORK/ignore_pol1.out"; then
  cat "$WORK/ignore_pol1.out"
  echo "# SKIP: the SUT description has no card 'faults:' yet (engine/rt_sut.c)"
  finish
  exit $?
fi
run no_refresh
run forget_notification
run ignore_memory
for f in ignore_pol1 no_refresh forget_notification ignore_memory; do cat "$WORK/$f.out"; done

check "ignore_pol1: POL1 no-delete case FAILs" test "$(verdict ignore_pol1 EUICC-ES5-POL1-001)" = FAIL
check "ignore_pol1: POL1 no-disable case FAILs" test "$(verdict ignore_pol1 EUICC-ES5-POL1-002)" = FAIL
check "ignore_pol1: enable nominal still passes" test "$(verdict ignore_pol1 EUICC-ES5-ENABLE-001)" = PASS
check "no_refresh: enable nominal FAILs" test "$(verdict no_refresh EUICC-ES5-ENABLE-001)" = FAIL
check "no_refresh: disable nominal FAILs" test "$(verdict no_refresh EUICC-ES5-DISABLE-001)" = FAIL
check "no_refresh: delete nominal still passes" test "$(verdict no_refresh EUICC-ES5-DELETE-002)" = PASS
check "forget_notification: enable nominal FAILs" test "$(verdict forget_notification EUICC-ES5-ENABLE-001)" = FAIL
check "forget_notification: declaration case FAILs" test "$(verdict forget_notification EUICC-ES5-NOTIF-001)" = FAIL
check "forget_notification: roll-back case FAILs" test "$(verdict forget_notification EUICC-ES5-NOTIF-004)" = FAIL
check "forget_notification: unknown-ISD-P case still passes" test "$(verdict forget_notification EUICC-ES5-DELETE-005)" = PASS
check "ignore_memory: memory-full case FAILs" test "$(verdict ignore_memory EUICC-ES5-CISDP-003)" = FAIL
check "ignore_memory: duplicate-AID case still passes" test "$(verdict ignore_memory EUICC-ES5-CISDP-002)" = PASS
finish
