#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
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

V="$HERE/cases/verdicts"
# --- an empty selection exits 5, says so, and leaves the last report alone
"$RSPTEST" run --report-dir "$WORK/e" -k SELF-PASS-001 "$V" >"$WORK/e1.out" 2>&1
cp "$WORK/e/junit.xml" "$WORK/e.before"
"$RSPTEST" run --report-dir "$WORK/e" -k zzz "$V" >"$WORK/e2.out" 2>&1
check "-k matching nothing exits 5" test $? -eq 5
check "-k matching nothing says so" grep -q 'no case selected' "$WORK/e2.out"
check "-k matching nothing leaves junit.xml as it was" cmp -s "$WORK/e.before" "$WORK/e/junit.xml"
check "-k matching nothing leaves the evidence in place" test -s "$WORK/e/verdicts/SELF-PASS-001.trace.txt"
mkdir -p "$WORK/empty"
"$RSPTEST" run --report-dir "$WORK/e" "$WORK/empty" >"$WORK/e3.out" 2>&1
check "an empty folder exits 5" test $? -eq 5
check "an empty folder leaves junit.xml as it was" cmp -s "$WORK/e.before" "$WORK/e/junit.xml"

# --- reports/ is never stale: the last run's evidence moves to REPORT_DIR/.previous
"$RSPTEST" run --report-dir "$WORK/e" -k SELF-PASS-002 "$V" >/dev/null 2>&1
check "a new run removes the last run's evidence" test ! -e "$WORK/e/verdicts/SELF-PASS-001.trace.txt"
check "the last run's evidence is kept in .previous" test -s "$WORK/e/.previous/verdicts/SELF-PASS-001.trace.txt"
check "the last run's junit.xml is kept in .previous" cmp -s "$WORK/e.before" "$WORK/e/.previous/junit.xml"
check "the new junit.xml has only the new case" \
  test "$(xpath "$WORK/e/junit.xml" 'string(//testcase/@name)')" = SELF-PASS-002
echo keep >"$WORK/e/notes.txt"
"$RSPTEST" run --report-dir "$WORK/e" -k SELF-PASS-002 "$V" >/dev/null 2>&1
check "files that are not reports stay where they are" test -s "$WORK/e/notes.txt"

# --- progress counter, -q, --maxfail, -x with one summary line, --durations
"$RSPTEST" run --report-dir "$WORK/p" "$V" >"$WORK/p1.out" 2>&1
check "each case line ends with an [n/N] counter" grep -q '^PASS  SELF-PASS-001 .*\[[0-9]*/15\]$' "$WORK/p1.out"
check "the last case line says [15/15]" grep -q '\[15/15\]$' "$WORK/p1.out"
"$RSPTEST" run -q --report-dir "$WORK/p" "$V" >"$WORK/p2.out" 2>&1
check "-q prints no PASS line" sh -c "! grep -q '^PASS' '$WORK/p2.out'"
check "-q prints no header" sh -c "! grep -q 'cases selected' '$WORK/p2.out'"
check "-q still prints failures and the summary" \
  sh -c "grep -q '^FAIL  SELF-FAIL-001' '$WORK/p2.out' && grep -q ' passed, ' '$WORK/p2.out'"
"$RSPTEST" run --maxfail 3 --report-dir "$WORK/p" "$V" >"$WORK/p3.out" 2>&1
check "--maxfail 3 stops after three failures" \
  test "$(grep -cE '^(FAIL|ERROR) ' "$WORK/p3.out" | head -1)" -ge 3
check "--maxfail 3: one line for the cases not run" \
  grep -q '^SKIP  [0-9]* more cases not run: stopped after 3 failures (--maxfail 3)$' "$WORK/p3.out"
check "--maxfail 3: the report still counts every selected case" \
  test "$(xpath "$WORK/p/junit.xml" 'string(/testsuites/@tests)')" = 15
"$RSPTEST" run -x --report-dir "$WORK/p" "$V" >"$WORK/p4.out" 2>&1
check "-x: a single SKIP summary line, not one per case" test "$(grep -c '^SKIP' "$WORK/p4.out")" -eq 1
check "-x: the summary line says why" grep -q '^SKIP  [0-9]* more cases not run: stopped after the first failure (-x)$' "$WORK/p4.out"
"$RSPTEST" run --durations 2 --report-dir "$WORK/p" "$V" >"$WORK/p5.out" 2>&1
check "--durations 2 prints the two slowest" \
  sh -c "grep -A2 'slowest 2 durations' '$WORK/p5.out' | tail -2 | grep -c 's ' | grep -qx 2"
"$RSPTEST" run --maxfail 0 "$V" >/dev/null 2>&1
check "--maxfail 0 is a usage error" test $? -eq 2

# --- --lf reruns the last failures; with none recorded it runs everything
"$RSPTEST" run --report-dir "$WORK/lf" "$V" >/dev/null 2>&1
"$RSPTEST" run --lf --report-dir "$WORK/lf" "$V" >"$WORK/lf1.out" 2>&1
check "--lf reruns exactly the 10 FAIL/ERROR cases" grep -qx '0 passed, 2 failed, 8 errors, 0 skipped' "$WORK/lf1.out"
"$RSPTEST" run --lf --report-dir "$WORK/lf" -k SELF-PASS "$V" >"$WORK/lf2.out" 2>&1
check "--lf with -k selecting only passing cases exits 5" test $? -eq 5
"$RSPTEST" run --lf --report-dir "$WORK/lf2" -k SELF-PASS-001 "$V" >"$WORK/lf3.out" 2>&1
check "--lf without recorded failures runs the selection" grep -qx '1 passed, 0 failed, 0 errors, 0 skipped' "$WORK/lf3.out"

# --- collect-only
"$RSPTEST" run --collect-only -k SELF-PASS "$V" >"$WORK/co.out" 2>&1
check "--collect-only lists the selected cases" grep -q '^SELF-PASS-001 ' "$WORK/co.out"
check "--collect-only runs nothing" sh -c "! grep -q '^PASS' '$WORK/co.out'"
"$RSPTEST" run --collect-only -k zzz "$V" >/dev/null 2>&1
check "--collect-only of nothing exits 5" test $? -eq 5

# --- -j N: parallel workers for the in-process reference card, serial for PC/SC
"$RSPTEST" run -j 2 --report-dir "$WORK/j" "$TC" >"$WORK/j1.out" 2>&1
check "-j 2 runs the built-in suite green" test $? -eq 0
"$RSPTEST" run --report-dir "$WORK/j0" "$TC" >"$WORK/j0.out" 2>&1
check "-j 2 gives the same summary as a serial run" \
  test "$(tail -1 "$WORK/j1.out")" = "$(tail -1 "$WORK/j0.out")"
check "-j 2 report is valid JUnit" xmllint --noout --schema "$RT_SRCDIR/tests/junit.xsd" "$WORK/j/junit.xml"
check "-j 2 report has every case" \
  test "$(xpath "$WORK/j/junit.xml" 'count(//testcase)')" = "$(xpath "$WORK/j0/junit.xml" 'count(//testcase)')"
"$RSPTEST" run -j 3 --report-dir "$WORK/j3" "$V" >"$WORK/j3.out" 2>&1
check "-j 3 keeps FAIL and ERROR verdicts" grep -qx '3 passed, 2 failed, 8 errors, 2 skipped' "$WORK/j3.out"
check "-j 3 writes the evidence of each case" test -s "$WORK/j3/verdicts/SELF-FAIL-001.trace.txt"
printf 'name: r\nrole: euicc\ncard: { transport: pcsc, reader: "no such reader" }\n' >"$WORK/pcsc.yaml"
"$RSPTEST" run -j 2 --sut "$WORK/pcsc.yaml" --report-dir "$WORK/jp" -k SELF-PASS-001 "$V" >"$WORK/jp.out" 2>&1
check "-j with a PC/SC reader runs serially and says so" grep -q '^-j 2 ignored: .*PC/SC' "$WORK/jp.out"
"$RSPTEST" run -j 0 "$V" >/dev/null 2>&1
check "-j 0 is a usage error" test $? -eq 2
mkdir -p "$WORK/slow"
for n in a1 a2; do
  printf 'id: SLOWJ-%s\ntitle: t\nsut: euicc\nsteps:\n  - lua: |\n      while true do end\n' "$n" >"$WORK/slow/$n.yaml"
done
printf 'id: SLOWJ-z\ntitle: t\nsut: euicc\nsteps:\n  - lua: return 1\n' >"$WORK/slow/z.yaml"
"$RSPTEST" run -v -j 2 --report-dir "$WORK/js" "$WORK/slow" >"$WORK/js.out" 2>&1 &
pid=$!
for _ in $(seq 1 200); do [ "$(grep -c -- '--- step 1' "$WORK/js.out")" -ge 2 ] && break; sleep 0.05; done
kill -INT "$pid"
wait "$pid"
status=$?
check "-j 2 interrupted: exit 130" test "$status" -eq 130
check "-j 2 interrupted: both running cases are ERROR" test "$(grep -c '^ERROR SLOWJ-a.*interrupted' "$WORK/js.out")" -eq 2
check "-j 2 interrupted: the case not started is skipped" grep -q '^SKIP  SLOWJ-z .*interrupted by signal' "$WORK/js.out"
check "-j 2 interrupted: JUnit has the three cases" test "$(xpath "$WORK/js/junit.xml" 'count(//testcase)')" = 3

# --- JUnit stays well-formed whatever the case and the SUT's bytes contain
mkdir -p "$WORK/nasty"
cat >"$WORK/nasty/n.yaml" <<'YAML'
id: "NASTY-<&>\"-001"
title: "bell \a esc \e \u0001 ffff \uFFFF <tag> & \"q\""
sut: euicc
keywords: ["kw\u0002", "ok"]
spec: ["SGP.02 \u0008 5.1"]
steps:
  - name: "step \u0003"
    lua: |
      print("binary \xff\xfe \1\2 ]]> end")
      error("bad bytes \xff\xc3\x28 ctl \27[31m <x/> & ]]> sur \xed\xa0\x80 nc \xef\xbf\xbe ovl \xc0\xaf ok é€")
YAML
"$RSPTEST" run --report-dir "$WORK/n" "$WORK/nasty" >"$WORK/n.out" 2>&1
check "a case with control characters and invalid UTF-8 is an ERROR" grep -q '^ERROR NASTY' "$WORK/n.out"
check "its JUnit is well-formed (xmllint)" xmllint --noout "$WORK/n/junit.xml"
check "its JUnit is valid against the schema" xmllint --noout --schema "$RT_SRCDIR/tests/junit.xsd" "$WORK/n/junit.xml"
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
check "junitparser reads it, escapes visible" "$PY" - "$WORK/n/junit.xml" <<'PYEOF'
import sys, junitparser
x = junitparser.JUnitXml.fromfile(sys.argv[1])
cases = [c for s in x for c in s]
assert len(cases) == 1 and cases[0].name == 'NASTY-<&>"-001', cases
r = cases[0].result[0]
assert type(r).__name__ == 'Error', r
assert '\\xFF' in r.message and '\\x1B' in r.message, r.message
assert '\\x03' in r.message, r.message
for bad in ('\\xED', '\\xEF', '\\xC0'):  # surrogate, U+FFFE, overlong
    assert bad in r.message, (bad, r.message)
assert 'ok \u00e9\u20ac' in r.message, r.message  # valid UTF-8 kept as is
PYEOF

# --- the <failure> body leads with the message and the last exchanges, traceback after
"$RSPTEST" run --report-dir "$WORK/f" -k SELF-FAIL-001 "$V" >/dev/null 2>&1
xmllint --xpath 'string(//testcase[@name="SELF-FAIL-001"]/failure)' "$WORK/f/junit.xml" >"$WORK/f.body" 2>/dev/null
check "failure body starts with the expectation's message" sh -c "head -1 '$WORK/f.body' | grep -q 'expected SW 9000, got 6A82'"
check "failure body has the last exchanges before the traceback" \
  sh -c "a=\$(grep -n 'last exchanges' '$WORK/f.body' | cut -d: -f1); b=\$(grep -n 'stack traceback' '$WORK/f.body' | cut -d: -f1); [ -n \"\$a\" ] && [ -n \"\$b\" ] && [ \"\$a\" -lt \"\$b\" ]"
check "failure body quotes an exchange" grep -q '6A82' "$WORK/f.body"

finish
