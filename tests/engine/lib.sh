# SPDX-License-Identifier: Apache-2.0
# lib.sh — helpers for the engine self-tests (sourced). Each test runs the real
# rsptest binary ($RSPTEST) and asserts on its exit status, console and reports.
set -u
: "${RSPTEST:?RSPTEST must point to the rsptest binary (ctest sets it)}"
: "${RT_SRCDIR:?RT_SRCDIR must point to the source tree}"
HERE="$RT_SRCDIR/tests/engine"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
FAILS=0
CHECKS=0

ok()   { CHECKS=$((CHECKS + 1)); echo "ok - $*"; }
bad()  { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "not ok - $*"; }
check() { # check "description" command...
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi
}
# xpath FILE EXPR — prints the result of an XPath expression (xmllint)
xpath() { xmllint --xpath "$2" "$1" 2>/dev/null; }
finish() {
  echo "$CHECKS checks, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}
