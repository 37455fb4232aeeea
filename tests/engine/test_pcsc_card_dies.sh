#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A card that dies in the middle of an exchange (through real pcscd + vpcd) is named
# "removed" (EREMOVED, probe exit 3), every time. vpcd answers such an exchange with an
# empty response and success, which once made engine.pcsc_vpcd's killed-card check
# flaky (EPROTO "R-APDU of 0 bytes"). The card here is a minimal vpcd client (vpcd's
# protocol: 2-byte length + payload; 1-byte control messages, 0x04 asks for the ATR)
# that closes its socket when the first APDU arrives: the kill, without the timing.
. "$(dirname "$0")/lib.sh"
: "${RT_BUILDDIR:?RT_BUILDDIR not set}"
if [ -z "${RT_DIES_INSIDE:-}" ]; then
  export RT_DIES_INSIDE=1
  exec "$RT_SRCDIR/scripts/pcsc-sandbox.sh" bash "$0" "$@"
fi
PROBE="$RT_BUILDDIR/tests/rt_pcsc_probe"
cat >"$WORK/dies.py" <<'PY'
import socket, struct, sys
host, port = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((host, int(port)))
def recvn(n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            sys.exit(0)
        b += c
    return b
while True:
    (n,) = struct.unpack(">H", recvn(2))
    m = recvn(n)
    if n == 1:
        if m[0] == 4:
            atr = bytes.fromhex("3B979680B1FE453FC7828031807380210012")
            s.sendall(struct.pack(">H", len(atr)) + atr)
        continue
    s.close()  # an APDU: the card dies mid-exchange
    sys.exit(0)
PY
for i in 1 2 3; do
  python3 "$WORK/dies.py" "${RT_VPCD:-127.0.0.1:35963}" &
  card=$!
  check "round $i: card inserted" "$PROBE" --wait-ms 20000 wait present
  "$PROBE" --rt send 80CA005A00 >"$WORK/out-$i" 2>&1
  status=$?
  cat "$WORK/out-$i"
  check "round $i: exit 3 (removed)" test "$status" -eq 3
  check "round $i: EREMOVED" grep -q '^error EREMOVED' "$WORK/out-$i"
  wait "$card"
  check "round $i: pcscd reports the reader empty" "$PROBE" --wait-ms 20000 wait absent
done
finish
