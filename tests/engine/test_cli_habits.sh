#!/usr/bin/env bash
# CLI habits pytest and ctest users bring: the same case whatever path selects it,
# exit 5 for an empty selection, -q/--lf/--maxfail/--durations/-j, a progress counter,
# a well-formed JUnit whatever the case contains, and reports that are never stale.
. "$(dirname "$0")/lib.sh"
TC="$RT_SRCDIR/testcases"

# --- folder defaults apply from the tree the file lives in (like conftest.py)
"$RSPTEST" run --report-dir "$WORK/d1" "$TC/euicc/basic" >"$WORK/d1.out" 2>&1
check "run of a testcases/ subfolder exits 0" test $? -eq 0
"$RSPTEST" run --report-dir "$WORK/d2" "$TC/euicc/basic/atr.yaml" >"$WORK/d2.out" 2>&1
check "run of one case file exits 0" test $? -eq 0
check "the case file's suite is its folder in testcases/" \
  test "$(xpath "$WORK/d2/junit.xml" 'string(//testsuite/@name)')" = euicc/basic
(cd "$TC/euicc" && "$RSPTEST" list basic) >"$WORK/d3.out" 2>&1
check "list from inside the tree applies the outer defaults (keyword euicc)" \
  grep -q '^EUICC-BASIC-ATR-001 *yes .*\[euicc, basic' "$WORK/d3.out"
"$RSPTEST" show EUICC-BASIC-ATR-001 "$TC/euicc/basic/atr.yaml" >"$WORK/d4.out" 2>&1
check "show of one file applies the folder defaults" grep -q '^sut: euicc' "$WORK/d4.out"
check "show of one file names the suite from the tree" grep -q '^# suite: euicc/basic' "$WORK/d4.out"
"$RSPTEST" show SELF-PASS-001 "$HERE/cases/verdicts/pass.yaml" >"$WORK/d5.out" 2>&1
check "outside testcases/, a file still gets its folder's defaults.yaml" \
  grep -q '^sut: euicc' "$WORK/d5.out"
mkdir -p "$WORK/tree/outer/inner"
printf 'sut: euicc\nkeywords: [outerkw]\n' >"$WORK/tree/outer/defaults.yaml"
printf 'plays: [device]\n' >"$WORK/tree/outer/inner/defaults.yaml"
printf 'id: TREE-001\ntitle: t\nsteps:\n  - lua: return 1\n' >"$WORK/tree/outer/inner/t.yaml"
"$RSPTEST" list -k outerkw "$WORK/tree/outer/inner" >"$WORK/d6.out" 2>&1
check "defaults of the parent folders of the search root apply" grep -q '^TREE-001 *yes' "$WORK/d6.out"

finish
