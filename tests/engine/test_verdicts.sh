#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The engine must report every verdict honestly: cases built to PASS, FAIL, ERROR and
# SKIP run through the real binary; the exit status, the console summary line, the
# evidence files and the JUnit report (validated against tests/junit.xsd) are checked.
. "$(dirname "$0")/lib.sh"

out="$WORK/out.txt"
"$RSPTEST" run --seed 7 --report-dir "$WORK/rep" "$HERE/cases/verdicts" >"$out" 2>&1
status=$?
cat "$out"
junit="$WORK/rep/junit.xml"

check "exit status 1 when something failed" test "$status" -eq 1
check "summary line counts the verdicts" grep -qx '3 passed, 2 failed, 8 errors, 2 skipped' "$out"
check "summary is the last line" sh -c "tail -n 1 '$out' | grep -qx '3 passed, 2 failed, 8 errors, 2 skipped'"
for id in SELF-PASS-001 SELF-PASS-002 SELF-PASS-003; do
  check "$id passes" grep -q "^PASS  $id " "$out"
done
for id in SELF-FAIL-001 SELF-FAIL-002; do
  check "$id fails" grep -q "^FAIL  $id " "$out"
done
for id in SELF-ERROR-001 SELF-ERROR-002 SELF-ERROR-003 SELF-ERROR-004 SELF-ERROR-005 \
          SELF-ERROR-006 SELF-ERROR-007 SELF-ERROR-008; do
  check "$id errors" grep -q "^ERROR $id " "$out"
done
for id in SELF-SKIP-001 SELF-SKIP-002; do
  check "$id is skipped" grep -q "^SKIP  $id " "$out"
done
check "FAIL message names the step and the SW" \
  grep -q 'SELF-FAIL-001 .*step 1 (device.select at fail_sw.yaml:4): expected SW 9000, got 6A82' "$out"
check "timeout is reported as such" grep -q 'SELF-ERROR-005 .*timeout' "$out"
check "memory cap is reported" grep -q 'SELF-ERROR-006 .*memory' "$out"
check "strict globals are reported" grep -q "SELF-ERROR-007 .*undeclared global 'undeclared_global_x'" "$out"
check "sandbox has no io" grep -q "SELF-ERROR-008 .*global 'io'" "$out"
check "unknown verb is named" grep -q "SELF-ERROR-002 .*lua/device.lua has no function 'no_such_verb'" "$out"
check "undefined variable is named with its position" grep -q 'SELF-ERROR-003 .*error_var.yaml:4:.*undefined variable \${NO_SUCH_VARIABLE}' "$out"
check "missing fixture is named" grep -q "SELF-ERROR-004 .*unknown fixture 'no_such_fixture' (no function 'no_such_fixture' in lua/fixtures.lua)" "$out"
check "skip reason for a missing feature" grep -q 'SELF-SKIP-001 .*does not declare: feature.nobody.declares' "$out"
check "failure digest shows the failing APDUs" grep -q '>> 00A4040010A0000005591010FFFFFFFF8900FFFF00' "$out"

check "JUnit report exists" test -s "$junit"
check "JUnit validates against tests/junit.xsd" xmllint --noout --schema "$RT_SRCDIR/tests/junit.xsd" "$junit"
check "JUnit totals: 15 tests" test "$(xpath "$junit" 'string(/testsuites/@tests)')" = 15
check "JUnit totals: 2 failures" test "$(xpath "$junit" 'string(/testsuites/@failures)')" = 2
check "JUnit totals: 8 errors" test "$(xpath "$junit" 'string(/testsuites/@errors)')" = 8
check "JUnit totals: 2 skipped" test "$(xpath "$junit" 'string(/testsuites/@skipped)')" = 2
check "JUnit testcase count matches" test "$(xpath "$junit" 'count(//testcase)')" = 15
check "JUnit failure elements match" test "$(xpath "$junit" 'count(//testcase/failure)')" = 2
check "JUnit error elements match" test "$(xpath "$junit" 'count(//testcase/error)')" = 8
check "JUnit skipped elements match" test "$(xpath "$junit" 'count(//testcase/skipped)')" = 2
check "suite counts add up to the totals" test "$(xpath "$junit" 'sum(//testsuite/@tests)')" = 15
check "failing case carries its APDUs in system-out" \
  sh -c "xmllint --xpath 'string(//testcase[@name=\"SELF-FAIL-001\"]/system-out)' '$junit' | grep -q '<< 6A82'"
check "failing case carries its message" \
  sh -c "xmllint --xpath 'string(//testcase[@name=\"SELF-FAIL-001\"]/failure/@message)' '$junit' | grep -q 'expected SW 9000, got 6A82'"
check "passing case has no system-out" \
  test "$(xpath "$junit" 'count(//testcase[@name="SELF-PASS-001"]/system-out)')" = 0
check "skipped case has its reason" \
  sh -c "xmllint --xpath 'string(//testcase[@name=\"SELF-SKIP-002\"]/skipped/@message)' '$junit' | grep -q 'judges an smsr'"
check "classname is the folder" test "$(xpath "$junit" 'string(//testcase[@name="SELF-PASS-001"]/@classname)')" = "verdicts"
check "seed recorded" test "$(xpath "$junit" 'string(//testsuite/properties/property[@name="seed"]/@value)')" = 7
check "evidence file written per case" test -s "$WORK/rep/verdicts/SELF-FAIL-001.trace.txt"
check "evidence file has the verdict" grep -q 'verdict FAIL' "$WORK/rep/verdicts/SELF-FAIL-001.trace.txt"

# Only passing cases: exit 0.
"$RSPTEST" run --report-dir "$WORK/rep2" -k "PASS" "$HERE/cases/verdicts" >"$WORK/out2.txt" 2>&1
check "exit 0 when nothing failed (-k PASS)" test $? -eq 0
check "-k selects 3 cases" grep -qx '3 passed, 0 failed, 0 errors, 0 skipped' "$WORK/out2.txt"
"$RSPTEST" run --report-dir "$WORK/rep3" -k "selftest and not (ERROR or SKIP or PASS-00)" "$HERE/cases/verdicts" >"$WORK/out3.txt" 2>&1
check "-k with not/and/or/parentheses" grep -qx '0 passed, 2 failed, 0 errors, 0 skipped' "$WORK/out3.txt"
"$RSPTEST" run --report-dir "$WORK/rep4" -x "$HERE/cases/verdicts" >"$WORK/out4.txt" 2>&1
check "-x stops at the first failure, rest skipped" grep -q 'not run: stopped after the first failure (-x)' "$WORK/out4.txt"
check "-x report still counts every selected case" test "$(xpath "$WORK/rep4/junit.xml" 'string(/testsuites/@tests)')" = 15

# The sandbox holds (issue 7): strict globals cannot be unlocked, and rt.card paths
# from a case stay inside the run's own directory or are refused.
escape=/tmp/rsptest-sandbox-escape.state
rm -f "$escape"
"$RSPTEST" run --report-dir "$WORK/rep5" "$HERE/cases/sandbox" >"$WORK/out5.txt" 2>&1
cat "$WORK/out5.txt"
check "sandbox cases: 2 pass, 4 errors" grep -qx '2 passed, 0 failed, 4 errors, 0 skipped' "$WORK/out5.txt"
check "setmetatable(_G, nil) is refused" \
  grep -q "SELF-SANDBOX-001 .*cannot change a protected metatable" "$WORK/out5.txt"
check "getmetatable(_G) hides the strict metatable" grep -q "^PASS  SELF-SANDBOX-002 " "$WORK/out5.txt"
check "absolute state path refused" grep -q "state '/tmp/rsptest-sandbox-escape.state' refused" "$WORK/out5.txt"
check "no file made outside the run directory" test ! -e "$escape"
check "state path with .. refused" grep -q "state '../escaped.state' refused" "$WORK/out5.txt"
check "personality path refused" grep -q "personality '/etc/passwd' refused" "$WORK/out5.txt"
check "no line of the file read leaks into the report" sh -c "! grep -q 'root:' '$WORK/out5.txt'"
check "named personality and run-directory state work" grep -q "^PASS  SELF-SANDBOX-006 " "$WORK/out5.txt"
check "state file is inside the run directory" test -s "$WORK/rep5/sandbox-card.state"
rm -f "$escape"

# A precondition the harness could not establish is ERROR, never FAIL (issue 7): with an
# SM-DP certificate the card does not trust (signed by another CI), the base profile
# cannot be downloaded; no ES5 case may FAIL the card for it (before: the half-made ISD-P
# was adopted and ENABLE-002 / DISABLE-003 failed with "is selectable (07)").
sed -e "s|^  personality: .*|  personality: $RT_SRCDIR/sut/personalities/reference.yaml|" \
    -e "s|cert: p256/smdp.7f21|cert: p256/smdp-ci2.7f21|" -e "s|key: p256/smdp.key|key: p256/smdp-ci2.key|" \
    "$RT_SRCDIR/sut/reference.yaml" >"$WORK/badsmdp.yaml"
"$RSPTEST" run --sut "$WORK/badsmdp.yaml" --report-dir "$WORK/rep6" \
  -k "AUDIT-001 or ENABLE-002 or DISABLE-003 or MDEL-001" "$RT_SRCDIR/testcases" >"$WORK/out6.txt" 2>&1
cat "$WORK/out6.txt"
check "wrong SM-DP certificate: no case FAILs the card" sh -c "! grep -q '^FAIL ' '$WORK/out6.txt'"
check "wrong SM-DP certificate: 4 errors" grep -qx '0 passed, 0 failed, 4 errors, 0 skipped' "$WORK/out6.txt"
for id in EUICC-ES5-AUDIT-001 EUICC-ES5-ENABLE-002 EUICC-ES5-DISABLE-003; do
  check "$id: ERROR names the fixture and the cause" \
    grep -q "^ERROR $id .*fixture es5.base_profile failed: base profile: ES8 key establishment stopped at cert" "$WORK/out6.txt"
done
check "MDEL-001: ERROR names its fixture" \
  grep -q "^ERROR EUICC-ES5-MDEL-001 .*fixture es5.profile_disabled failed: base profile: " "$WORK/out6.txt"

finish
