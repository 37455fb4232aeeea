#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The built-in suite (testcases/) against the reference eUICC in-process (loop):
# every case passes, and the report is valid JUnit with one entry per case.
. "$(dirname "$0")/lib.sh"
"$RSPTEST" run --sut reference --report-dir "$WORK/rep" "$RT_SRCDIR/testcases" >"$WORK/out" 2>&1
status=$?
cat "$WORK/out"
n=$(find "$RT_SRCDIR/testcases" -name '*.yaml' ! -name defaults.yaml ! -name '*.steps.yaml' | wc -l)
check "suite over loop exits 0" test $status -eq 0
check "no case fails or errors over loop (skips: features the reference SUT does not declare)" \
  grep -Eqx "[1-9][0-9]* passed, 0 failed, 0 errors, [0-9]+ skipped" "$WORK/out"
check "every skip is a feature the SUT does not declare" \
  sh -c "! grep '^SKIP' '$WORK/out' | grep -v 'does not declare'"
check "JUnit valid" xmllint --noout --schema "$RT_SRCDIR/tests/junit.xsd" "$WORK/rep/junit.xml"
check "JUnit has every case" test "$(xpath "$WORK/rep/junit.xml" 'count(//testcase)')" = "$n"
# The same suite against the reference card with a brainpoolP256r1 ECASD: it declares
# ecc.brainpool, so every case applies and none may be skipped.
"$RSPTEST" run --sut reference-brainpool --report-dir "$WORK/rep-bp" "$RT_SRCDIR/testcases" >"$WORK/out-bp" 2>&1
status=$?
tail -n 3 "$WORK/out-bp"
check "suite over loop with a brainpool ECASD exits 0" test $status -eq 0
check "every case runs and passes with a brainpool ECASD" grep -qx "$n passed, 0 failed, 0 errors, 0 skipped" "$WORK/out-bp"
finish
