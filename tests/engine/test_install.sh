#!/usr/bin/env bash
# `cmake --install` puts the binary and its data (lua/, testcases/, sut/, certs/) under
# a prefix; the installed rsptest finds them without the source tree.
. "$(dirname "$0")/lib.sh"
: "${RT_BUILDDIR:?}"
cmake --install "$RT_BUILDDIR" --prefix "$WORK/prefix" >"$WORK/inst.log" 2>&1
check "cmake --install succeeds" test $? -eq 0
check "binary installed" test -x "$WORK/prefix/bin/rsptest"
for d in lua testcases sut certs; do
  check "data folder $d installed" test -d "$WORK/prefix/share/rsptest/$d"
done
# Run from a folder with no source tree in reach, with the source tree hidden from
# the data-folder lookup (RSPTEST_DATADIR unset, binary not in a build tree).
cd "$WORK"
env -u RSPTEST_DATADIR "$WORK/prefix/bin/rsptest" run --report-dir "$WORK/rep" >"$WORK/out" 2>&1
status=$?
cat "$WORK/out"
check "installed rsptest runs its built-in suite" test $status -eq 0
check "installed rsptest used its installed test cases" \
  grep -q "$WORK/prefix/share/rsptest/testcases" "$WORK/rep/junit.xml"
finish
