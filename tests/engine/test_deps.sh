#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every program the scripts and tests call comes from a Debian package that
# scripts/install-deps.sh names (or from one apt installs with it, or from the
# Essential/required set every minimal Debian root has). deps_scan.py does the scan
# and asks dpkg -S; this test fails on any command it cannot account for.
. "$(dirname "$0")/lib.sh"

command -v dpkg >/dev/null || { echo "not a Debian system: dpkg missing" >&2; exit 1; }
if /usr/bin/python3 "$HERE/deps_scan.py" "$RT_SRCDIR" >"$WORK/scan.txt" 2>&1; then
  ok "every command the scripts and tests call comes from an installed package"
else
  grep '^not ok' "$WORK/scan.txt" | sed 's/^not ok - /  /'
  bad "commands from packages scripts/install-deps.sh does not install (see above)"
fi
tail -n 1 "$WORK/scan.txt"
# the scan itself must see the commands it is meant to check (guards a silent no-op)
for c in openssl xmllint pcscd unshare; do
  check "scan saw $c" grep -q "^ok - $c:" "$WORK/scan.txt"
done
finish
