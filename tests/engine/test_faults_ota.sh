#!/usr/bin/env bash
# Fault self-test of the OTA suite (testcases/euicc/ota): against a reference card that
# breaks one SCP80 rule on purpose (SUT card `faults:`, enum rt_euicc_fault), the cases
# that check that rule must FAIL, and a case that does not depend on it still passes.
# Until the SUT loader knows `card: faults:` (engine/rt_sut.c), the test says so and
# checks nothing else.
. "$(dirname "$0")/lib.sh"

# sut FAULT — writes a loop SUT whose reference card has that fault knob.
sut() {
  cat >"$WORK/$1.yaml" <<YAML
name: reference eUICC with fault $1
role: euicc
card:
  transport: loop
  reset: cold
  faults: [$1]
scp80:
  keysets:
    - kvn: 1
      kic: "000102030405060708090A0B0C0D0E0F"
      kid: "101112131415161718191A1B1C1D1E1F"
      kic_alg: aes
      kid_alg: aes
YAML
}

# run FAULT — runs the OTA cases against it; output in $WORK/FAULT.out
run() {
  sut "$1"
  "$RSPTEST" run --sut "$WORK/$1.yaml" --report-dir "$WORK/rep-$1" -k ota \
    "$RT_SRCDIR/testcases/euicc" >"$WORK/$1.out" 2>&1
}

verdict() { # verdict FAULT ID -> PASS/FAIL/ERROR/SKIP
  sed -n "s/^\(PASS\|FAIL\|ERROR\|SKIP\) *$2 .*/\1/p" "$WORK/$1.out" | head -1
}

run por_bad_cc
if grep -q "unknown key 'faults'" "$WORK/por_bad_cc.out"; then
  cat "$WORK/por_bad_cc.out"
  echo "# SKIP: the SUT description has no card 'faults:' yet (engine/rt_sut.c)"
  finish
  exit $?
fi
run no_por
run accept_replay
for f in por_bad_cc no_por accept_replay; do cat "$WORK/$f.out"; done

check "por_bad_cc: expanded script case FAILs" test "$(verdict por_bad_cc EUICC-OTA-EXP-001)" = FAIL
check "por_bad_cc: compact case FAILs" test "$(verdict por_bad_cc EUICC-OTA-CMP-001)" = FAIL
check "por_bad_cc: PoR-in-DELIVER-REPORT case FAILs" test "$(verdict por_bad_cc EUICC-OTA-POR-001)" = FAIL
check "por_bad_cc: a no-PoR case still passes" test "$(verdict por_bad_cc EUICC-OTA-POR-003)" = PASS
check "no_por: expanded script case FAILs" test "$(verdict no_por EUICC-OTA-EXP-001)" = FAIL
check "no_por: replay case FAILs" test "$(verdict no_por EUICC-OTA-SEC-003)" = FAIL
check "no_por: a no-PoR case still passes" test "$(verdict no_por EUICC-OTA-POR-003)" = PASS
check "accept_replay: replay case FAILs" test "$(verdict accept_replay EUICC-OTA-SEC-003)" = FAIL
check "accept_replay: expanded script case passes" test "$(verdict accept_replay EUICC-OTA-EXP-001)" = PASS
finish
