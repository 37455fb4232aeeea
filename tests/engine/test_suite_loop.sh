#!/usr/bin/env bash
# The built-in suite (testcases/) against the reference eUICC in-process (loop):
# every case passes, and the report is valid JUnit with one entry per case.
. "$(dirname "$0")/lib.sh"
"$RSPTEST" run --sut reference --report-dir "$WORK/rep" "$RT_SRCDIR/testcases" >"$WORK/out" 2>&1
status=$?
cat "$WORK/out"
n=$(find "$RT_SRCDIR/testcases" -name '*.yaml' ! -name defaults.yaml ! -name '*.steps.yaml' | wc -l)
check "suite over loop exits 0" test $status -eq 0
check "all $n cases pass over loop" grep -qx "$n passed, 0 failed, 0 errors, 0 skipped" "$WORK/out"
check "JUnit valid" xmllint --noout --schema "$RT_SRCDIR/tests/junit.xsd" "$WORK/rep/junit.xml"
check "JUnit has every case" test "$(xpath "$WORK/rep/junit.xml" 'count(//testcase)')" = "$n"
finish
