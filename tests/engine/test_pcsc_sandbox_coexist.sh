#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# An ns sandbox and a plain sandbox at the same time (ctest -j2 runs them side by side)
# do not break each other. The flake this pins down: with no /run/pcscd on the host, a
# plain sandbox made the folder and removed it when done; an ns sandbox started in
# between had laid its tmpfs over that folder, and removing a folder detaches the
# mounts on it in every namespace, so the ns pcscd's socket vanished mid-run
# ("SCardEstablishContext: Service not available" in engine.pcsc_vpcd,
# engine.suite_vpcd, engine.main_job_signals under load).
#
# The whole test runs in a mount namespace of its own with a tmpfs over /run, so /run
# starts without pcscd/ whatever the host has, and the host's /run is never touched.
. "$(dirname "$0")/lib.sh"
: "${RT_BUILDDIR:?RT_BUILDDIR not set}"
SANDBOX="$RT_SRCDIR/scripts/pcsc-sandbox.sh"
PROBE="$RT_BUILDDIR/tests/rt_pcsc_probe"

if [ -z "${RT_COEXIST_INSIDE:-}" ]; then
  if ! unshare --mount --propagation private true 2>/dev/null; then
    # Without mount namespaces the ns sandbox cannot run either: nothing to meet.
    ok "no mount namespaces here: the ns sandbox cannot run, nothing to check"
    finish
    exit $?
  fi
  RT_COEXIST_INSIDE=1 WORK_OUT="$WORK" unshare --mount --propagation private \
    bash -c 'mount -t tmpfs -o mode=0755 tmpfs /run && exec bash "$0"' "$0"
  exit $?
fi
rm -rf "$WORK" # lib.sh made one in this process too; use the outer one
WORK=$WORK_OUT
check "start: no /run/pcscd" test ! -e /run/pcscd

# A: plain, stays until told to go. B: ns, started while A runs (so /run/pcscd, which A
# made, exists when B lays its tmpfs), checks its pcscd after A is gone.
hold='touch "$1/$2-ready"; while [ ! -e "$1/$2-go" ]; do sleep 0.05; done'
RT_PCSC_SANDBOX=plain bash "$SANDBOX" bash -c "$hold" sh "$WORK" a >"$WORK/a.out" 2>&1 &
a=$!
for _ in $(seq 1 600); do [ -e "$WORK/a-ready" ] || ! kill -0 $a 2>/dev/null && break; sleep 0.05; done
check "plain sandbox A runs" test -e "$WORK/a-ready"
check "A made /run/pcscd" test -d /run/pcscd

after='touch "$1/b-ready"; while [ ! -e "$1/b-go" ]; do sleep 0.05; done;
  [ -S /run/pcscd/pcscd.comm ] && echo socket-ok;
  "$2" --wait-ms 5000 wait reader && echo reader-ok'
RT_PCSC_SANDBOX=ns bash "$SANDBOX" bash -c "$after" sh "$WORK" "$PROBE" >"$WORK/b.out" 2>&1 &
b=$!
for _ in $(seq 1 600); do [ -e "$WORK/b-ready" ] || ! kill -0 $b 2>/dev/null && break; sleep 0.05; done
check "ns sandbox B runs beside A" test -e "$WORK/b-ready"

touch "$WORK/a-go"
wait $a
check "A ends (exit 0)" test $? -eq 0
check "A leaves /run/pcscd in place (removing it would detach B's tmpfs)" test -d /run/pcscd
touch "$WORK/b-go"
wait $b
check "B ends (exit 0)" test $? -eq 0
check "B's pcscd socket is still there after A ended" grep -qx socket-ok "$WORK/b.out"
check "B's pcscd still answers (its vpcd reader is listed)" grep -qx reader-ok "$WORK/b.out"
cat "$WORK/a.out" "$WORK/b.out"
finish
