#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `cmake --install` puts the binary and its data (lua/, testcases/, sut/, certs/,
# examples/, xsd/) and the PC/SC sandbox scripts under a prefix; the installed rsptest finds
# them without the source tree, and the README's commands run from the prefix.
. "$(dirname "$0")/lib.sh"
: "${RT_BUILDDIR:?}"
cmake --install "$RT_BUILDDIR" --prefix "$WORK/prefix" >"$WORK/inst.log" 2>&1
check "cmake --install succeeds" test $? -eq 0
check "binary installed" test -x "$WORK/prefix/bin/rsptest"
share="$WORK/prefix/share/rsptest"
for d in lua testcases sut certs examples xsd; do
  check "data folder $d installed" test -d "$share/$d"
done
# The off-card schema (harness/soap/rt_schema.c loads <datadir>/xsd/esim-messaging-3.xsd)
# is installed as the source tree has it, and xmllint compiles it from the prefix.
check "schema installed unchanged" cmp -s "$RT_SRCDIR/xsd/esim-messaging-3.xsd" \
  "$share/xsd/esim-messaging-3.xsd"
check "installed schema compiles (xmllint --nonet)" sh -c \
  "echo '<x/>' | xmllint --nonet --noout --schema '$share/xsd/esim-messaging-3.xsd' - 2>&1 |
   grep -q 'No matching global declaration'"
for s in pcsc-sandbox.sh with-reference-card.sh; do
  check "sandbox script $s installed and executable" test -x "$share/scripts/$s"
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
# The README's examples, run from the prefix (ecka_establish reads ../certs from there).
for example in "$share"/examples/*.lua; do
  env -u RSPTEST_DATADIR "$WORK/prefix/bin/rsptest" lua "$example" >"$WORK/ex.out" 2>&1
  status=$?
  [ $status -eq 0 ] || cat "$WORK/ex.out"
  check "installed example $(basename "$example") runs" test $status -eq 0
done
# The installed sandbox scripts: the reference card behind a private pcscd + vpcd,
# reached by the installed binary through PC/SC.
env -u RSPTEST_DATADIR "$share/scripts/with-reference-card.sh" "$WORK/prefix/bin/rsptest" \
  "$WORK/prefix/bin/rsptest" run --sut reference-vpcd --report-dir "$WORK/rep2" -k eid \
  >"$WORK/vpcd.out" 2>&1
status=$?
cat "$WORK/vpcd.out"
check "installed with-reference-card.sh runs the installed rsptest over pcscd + vpcd" \
  test $status -eq 0
check "cases ran over vpcd" grep -Eq "^PASS " "$WORK/vpcd.out"
finish
