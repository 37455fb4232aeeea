#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# scripts/pcsc-sandbox.sh without namespaces ("plain", for unprivileged containers and
# chroots): forced with RT_PCSC_SANDBOX=plain, and chosen by itself when unshare is
# refused. The pcscd is still private — its own reader.conf.d (vpcd on a free port),
# its own socket handed over by socket activation and named by PCSCLITE_CSOCK_NAME — and
# leaves nothing behind; the PC/SC checks, the suite and the signal path work over it.
. "$(dirname "$0")/lib.sh"
: "${RT_BUILDDIR:?RT_BUILDDIR not set}"
SANDBOX="$RT_SRCDIR/scripts/pcsc-sandbox.sh"
PROBE="$RT_BUILDDIR/tests/rt_pcsc_probe"
mkdir -p "$WORK/tmp"
export TMPDIR="$WORK/tmp" # the sandbox's folder lands here: strays are findable
sys_sock=/run/pcscd/pcscd.comm
# no process whose command line names our folder (plain: pcscd -c, rsptest run)
no_strays() { ! pgrep -f -- "$WORK" >/dev/null; }
sys_before=$(stat -c %i "$sys_sock" 2>/dev/null || echo none)

# What CMD sees inside a plain sandbox.
inside='echo "mode=$RT_PCSC_SANDBOX_MODE"; echo "sock=${PCSCLITE_CSOCK_NAME:-}";
  [ -S "${PCSCLITE_CSOCK_NAME:-/nonexistent}" ] && echo socket-ok;
  ss -Hltn "sport = :$RT_VPCD_PORT" | grep -q . && echo vpcd-listens;
  "$1" card serve --vpcd "$RT_VPCD" >/dev/null 2>&1 & c=$!;
  "$2" --wait-ms 20000 atr; kill $c; wait $c'
RT_PCSC_SANDBOX=plain bash "$SANDBOX" bash -c "$inside" sh "$RSPTEST" "$PROBE" >"$WORK/forced" 2>&1
check "forced plain: exit 0" test $? -eq 0
cat "$WORK/forced"
check "forced plain: CMD is told the mode" grep -qx 'mode=plain' "$WORK/forced"
check "forced plain: the socket is ours, in the sandbox's folder" grep -q "^sock=$WORK/tmp/pcsc-sandbox\..*/pcscd.comm$" "$WORK/forced"
check "forced plain: it is a listening socket" grep -qx socket-ok "$WORK/forced"
check "forced plain: vpcd listens on RT_VPCD_PORT" grep -qx vpcd-listens "$WORK/forced"
check "forced plain: the card's ATR through our pcscd" grep -qx 'ATR 3B979680B1FE453FC7828031807380210012' "$WORK/forced"
check "forced plain: the sandbox's folder is gone" sh -c "! ls '$WORK/tmp' | grep -q ."
check "forced plain: no pcscd left" no_strays
check "forced plain: the system socket path is as before" test "$(stat -c %i "$sys_sock" 2>/dev/null || echo none)" = "$sys_before"

# auto: unshare refused as in a chroot -> plain, said on stderr.
mkdir -p "$WORK/bin"
cat >"$WORK/bin/unshare" <<'SH'
#!/bin/sh
echo "unshare: cannot change root filesystem propagation: Invalid argument" >&2
exit 1
SH
chmod +x "$WORK/bin/unshare"
PATH="$WORK/bin:$PATH" RT_PCSC_SANDBOX=auto bash "$SANDBOX" bash -c "$inside" sh "$RSPTEST" "$PROBE" >"$WORK/auto" 2>&1
check "unshare refused: exit 0" test $? -eq 0
check "unshare refused: falls back to plain" grep -qx 'mode=plain' "$WORK/auto"
check "unshare refused: says so" grep -q 'namespaces not allowed here' "$WORK/auto"
check "unshare refused: the card's ATR" grep -qx 'ATR 3B979680B1FE453FC7828031807380210012' "$WORK/auto"

# Two plain sandboxes at once (ctest -j2) do not meet: each its own port and socket.
for n in 1 2; do
  RT_PCSC_SANDBOX=plain bash "$SANDBOX" bash -c "$inside" sh "$RSPTEST" "$PROBE" >"$WORK/par$n" 2>&1 &
  eval "par$n=\$!"
done
wait "$par1"; s1=$?
wait "$par2"; s2=$?
check "two at once: both exit 0" test "$s1$s2" = 00
check "two at once: both see their card" sh -c "grep -qx 'ATR 3B979680B1FE453FC7828031807380210012' '$WORK/par1' && grep -qx 'ATR 3B979680B1FE453FC7828031807380210012' '$WORK/par2'"

# The PC/SC checks of engine.pcsc_vpcd, the suite's basic cases, and signals, over plain.
RT_PCSC_SANDBOX=plain bash "$HERE/test_pcsc_vpcd.sh" >"$WORK/vpcd" 2>&1
check "plain: every engine.pcsc_vpcd check passes" test $? -eq 0
grep -q '^FAIL' "$WORK/vpcd" && cat "$WORK/vpcd"
RT_PCSC_SANDBOX=plain bash "$RT_SRCDIR/scripts/with-reference-card.sh" "$RSPTEST" \
  "$RSPTEST" run --sut reference-vpcd --report-dir "$WORK/rep" -k basic "$RT_SRCDIR/testcases" >"$WORK/suite" 2>&1
check "plain: the basic cases pass over pcscd + vpcd" test $? -eq 0
check "plain: JUnit valid" xmllint --noout --schema "$RT_SRCDIR/tests/junit.xsd" "$WORK/rep/junit.xml"
RT_PCSC_SANDBOX=plain RT_SIGNAL_RUNS=4 bash "$HERE/test_main_job_signals.sh" >"$WORK/sig" 2>&1
check "plain: signals reach rsptest and the report survives (4 runs)" test $? -eq 0
grep -q '^not ok' "$WORK/sig" && cat "$WORK/sig"
check "plain: nothing left behind" no_strays
finish
