#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The built-in suite against the reference eUICC through a real PC/SC stack: a private
# pcscd with the vpcd driver, the card served by `rsptest card serve`. Every case passes
# and each case's evidence holds the APDUs as they crossed pcscd.
. "$(dirname "$0")/lib.sh"
n=$(find "$RT_SRCDIR/testcases" -name '*.yaml' ! -name defaults.yaml ! -name '*.steps.yaml' | wc -l)
bash "$RT_SRCDIR/scripts/with-reference-card.sh" "$RSPTEST" \
  "$RSPTEST" run --sut reference-vpcd --report-dir "$WORK/rep" "$RT_SRCDIR/testcases" >"$WORK/out" 2>&1
status=$?
cat "$WORK/out"
check "suite over pcscd + vpcd exits 0" test $status -eq 0
check "no case fails or errors over pcscd + vpcd" \
  grep -Eqx "[1-9][0-9]* passed, 0 failed, 0 errors, [0-9]+ skipped" "$WORK/out"
check "every skip is a feature the SUT does not declare" \
  sh -c "! grep '^SKIP' '$WORK/out' | grep -v 'does not declare'"
check "JUnit valid" xmllint --noout --schema "$RT_SRCDIR/tests/junit.xsd" "$WORK/rep/junit.xml"
check "the SUT in the report is the vpcd one" grep -q 'pcscd + vpcd' "$WORK/rep/junit.xml"
check "evidence names the PC/SC reader and holds the APDUs" \
  grep -q '>> 80CA005A00' "$WORK/rep/euicc/basic/EUICC-BASIC-EID-001.trace.txt"

# The other curve: the card served with the brainpoolP256r1 personality, the SUT that
# names its ECASD keys. Every case passes here too (issue 8: both curves over PC/SC).
RT_CARD_ARGS="--personality $RT_SRCDIR/sut/personalities/reference-brainpool.yaml" \
  bash "$RT_SRCDIR/scripts/with-reference-card.sh" "$RSPTEST" \
  "$RSPTEST" run --sut reference-brainpool-vpcd --report-dir "$WORK/repbp" "$RT_SRCDIR/testcases" >"$WORK/outbp" 2>&1
status=$?
tail -n 3 "$WORK/outbp"
check "brainpool suite over pcscd + vpcd exits 0" test $status -eq 0
check "brainpool: no case fails, errors or is skipped over pcscd + vpcd" \
  grep -Eqx "[1-9][0-9]* passed, 0 failed, 0 errors, 0 skipped" "$WORK/outbp"
check "brainpool: the report names the brainpool vpcd SUT" \
  grep -q 'brainpoolP256r1 ECASD (pcscd + vpcd)' "$WORK/repbp/junit.xml"

# A failing expectation over PC/SC: the JUnit entry shows the APDUs that made it fail.
mkdir -p "$WORK/neg"
cat >"$WORK/neg/neg.yaml" <<'YAML'
id: NEG-VPCD-001
title: must FAIL over PC/SC — expects 9000 for an unknown AID
sut: euicc
steps:
  - device.select: { aid: "${UNKNOWN_AID}" }
    expect: { sw: "9000" }
YAML
bash "$RT_SRCDIR/scripts/with-reference-card.sh" "$RSPTEST" \
  "$RSPTEST" run --sut reference-vpcd --report-dir "$WORK/rep2" "$WORK/neg" >"$WORK/out2" 2>&1
check "failing case over PC/SC exits 1" test $? -eq 1
check "its JUnit failure carries the APDUs" \
  sh -c "xmllint --xpath 'string(//testcase[@name=\"NEG-VPCD-001\"]/system-out)' '$WORK/rep2/junit.xml' | grep -q '<< 6A82'"
finish
