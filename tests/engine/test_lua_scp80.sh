#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# rt.scp80 through `rsptest lua`: the example round trip (examples/scp80_roundtrip.lua)
# and the binding's argument errors.
. "$(dirname "$0")/lib.sh"

EX="$RT_SRCDIR/examples/scp80_roundtrip.lua"
"$RSPTEST" lua "$EX" >"$WORK/ex" 2>&1
check "example exits 0" test $? -eq 0
check "example prints at least 25 ok lines" test "$(grep -c '^ok - ' "$WORK/ex")" -ge 25
check "example has no other lines than ok lines and the summary" \
  test "$(grep -vc -e '^ok - ' -e '^scp80_roundtrip: [0-9]* checks passed$' "$WORK/ex")" -eq 0
check "example: AES round trip accepted" grep -qx 'ok - card accepts the packet (status 00)' "$WORK/ex"
check "example: PoR verified" grep -qx 'ok - SM-SR verifies the PoR: status 00' "$WORK/ex"
check "example: replay gives 02" grep -qx 'ok - replayed counter is refused: status 02' "$WORK/ex"
check "example: corrupted CC gives 01" grep -qx 'ok - corrupted CC is refused: status 01' "$WORK/ex"
check "example: pySim 3DES vector reproduced" grep -qx 'ok - pySim 3DES command packet, byte for byte' "$WORK/ex"
check "example: pySim 3DES PoR verified" grep -qx 'ok - pySim 3DES PoR verifies: status 00' "$WORK/ex"
check "example never prints a key" bash -c "! grep -qi -e 000102030405060708090A0B0C0D0E0F -e 300102030405060708090a0b0c0d0e0f '$WORK/ex'"

# The example must fail loudly on a mismatch: change one byte of the pySim vector.
sed 's/c41cf67f2f"/c41cf67f2e"/' "$EX" >"$WORK/ex_bad.lua"
check "tampered copy differs from the example" bash -c "! cmp -s '$EX' '$WORK/ex_bad.lua'"
"$RSPTEST" lua "$WORK/ex_bad.lua" >"$WORK/exbad" 2>&1
check "example with a wrong expected vector exits 1" test $? -eq 1
check "the mismatch names the check and both values" \
  grep -q 'pySim 3DES command packet, byte for byte: got 027000.*2F, want 027000.*2E' "$WORK/exbad"

# Binding errors: each inline script prints the pcall message of one bad call.
cat >"$WORK/errors.lua" <<'LUA'
local s = rt.scp80
local K = ("\1"):rep(16)
local function args(over)
  local t = { spi = "\22\57", kic = 0x12, kid = 0x12, tar = "\0\0\1", kic_key = K,
              kid_key = K, data = "\128\202\255\33\0" }
  for k, v in pairs(over) do t[k] = v end
  return t
end
local function try(label, f, ...)
  local ok, e = pcall(f, ...)
  print(label .. ": " .. (ok and "no error" or tostring(e)))
end
try("short key", s.wrap, args{ kic_key = ("\1"):rep(15) })
try("aes with a des key", s.wrap, args{ kid_key = ("\1"):rep(8) })
try("unknown dialect", s.wrap, args{ dialect = "smtp" })
try("short tar", s.wrap, args{ tar = "\0\1" })
try("bad kic", s.wrap, args{ kic = 300 })
try("bad spi name", s.spi_encode, { cntr = "sometimes" })
try("card key", s.card, { keysets = { [1] = { kic = ("\1"):rep(33) } }, tars = { "\0\0\1" } })
try("card hex tar", s.card, { keysets = {}, tars = { "000001" } })
try("card keyset 16", s.card, { keysets = { [16] = {} }, tars = {} })
local p = s.wrap(args{ cntr = "\0\0\0\0\1" })
local c = s.card{ keysets = { [1] = { kic = K, kid = K } }, tars = { "\0\0\2" } }
print("tostring: " .. tostring(c))
local rx = c:unwrap(p)
print("unknown tar: " .. rx.status .. " " .. rx.status_name)
local por = c:por(rx, "")
local res = s.verify_por(args{ packet = por, spi = "\22\33" }) -- PoR unsecured: no keys
print("unknown tar por: " .. res.status)
try("unwrap dialect", c.unwrap, c, p, "x25")
c:close()
c:close()
try("closed", c.unwrap, c, p)
local c2 = s.card{ keysets = { [1] = { kic = K, kid = K } }, tars = { "\0\0\1" } }
local por2 = c2:por(c2:unwrap(p), "\1\144\0")
local bad = por2:sub(1, -2) .. string.char(por2:byte(-1) ~ 1)
try("por bad cc", s.verify_por, args{ packet = bad })
try("por wrong tar", s.verify_por, args{ packet = por2, tar = "\0\0\3" })
c2:set_counter(1, "\255\255\255\255\255")
print("blocked: " .. c2:unwrap(s.wrap(args{ cntr = "\0\0\0\0\2" })).status)
local c3 <close> = s.card{ keysets = { [1] = { kic = K, kid = K } }, tars = { "\0\0\1" },
                           min_spi = { check = "cc", ciphered = true, cntr = "one_higher" } }
print("min spi: " .. c3:unwrap(p).status)
local g = args{ dialect = "generic", cntr = "\0\0\0\0\1" }
local gp = s.wrap(g)
local c4 = s.card{ keysets = { [1] = { kic = K, kid = K, cntr = "\0\0\0\0\0" } },
                   tars = { "\0\0\1" }, dialect = "generic" }
local grx = c4:unwrap(gp)
g.packet = c4:por(grx, "\1\144\0")
print(("generic: %02X %d %s %s"):format(gp:byte(1), grx.status, rt.hex.encode(c4:counter(1)),
                                      rt.hex.encode(s.verify_por(g).data)))
LUA
"$RSPTEST" lua "$WORK/errors.lua" >"$WORK/err" 2>&1
check "error script exits 0" test $? -eq 0
check "bad key length: clear error" \
  grep -qx 'short key: rt.scp80.wrap: kic_key is 15 bytes; an SCP80 key is 8 (DES), 16 (3DES 2-key, AES-128), 24 (3DES 3-key, AES-192) or 32 (AES-256) bytes' "$WORK/err"
check "key length wrong for the algorithm" grep -q '^aes with a des key: .*AES-CMAC needs another key length than 8' "$WORK/err"
check "unknown dialect" grep -qx 'unknown dialect: rt.scp80.wrap: dialect must be one of sms, generic, not smtp' "$WORK/err"
check "short TAR" grep -qx "short tar: rt.scp80.wrap: field 'tar' is 2 bytes, must be 3" "$WORK/err"
check "KIc out of range" grep -q '^bad kic: rt.scp80.wrap: kic must be a byte value' "$WORK/err"
check "unknown SPI name" grep -q '^bad spi name: .*spi.cntr must be one of none, nocheck, higher, one_higher, not sometimes' "$WORK/err"
check "card: long key" grep -q '^card key: rt.scp80.card: kic is 33 bytes' "$WORK/err"
check "card: TARs are bytes, not hex" grep -qx 'card hex tar: rt.scp80.card: tars\[1\] is 6 bytes, must be 3' "$WORK/err"
check "card: keyset out of range" grep -q '^card keyset 16: .*keyset number 0..15' "$WORK/err"
check "card tostring shows no keys" grep -qx 'tostring: rt.scp80.card(1 keysets, 1 TARs)' "$WORK/err"
check "unknown TAR gives 09" grep -qx 'unknown tar: 9 TAR unknown' "$WORK/err"
check "unknown TAR PoR goes unsecured" grep -qx 'unknown tar por: 9' "$WORK/err"
check "unwrap: unknown dialect" grep -q '^unwrap dialect: .*dialect must be one of sms, generic, not x25' "$WORK/err"
check "closed card refuses" grep -qx 'closed: rt.scp80.card is closed' "$WORK/err"
check "PoR with a bad CC names the CC" grep -q '^por bad cc: rt.scp80.verify_por: PoR: AES-CMAC CC mismatch' "$WORK/err"
check "PoR from another TAR names the TAR" grep -q '^por wrong tar: rt.scp80.verify_por: PoR: TAR 000001, command went to 000003' "$WORK/err"
check "stored counter FFFFFFFFFF gives 04" grep -qx 'blocked: 4' "$WORK/err"
check "below the minimum SPI gives 0A" grep -qx 'min spi: 10' "$WORK/err"
check "generic dialect round trip" grep -qx 'generic: 01 0 0000000001 019000' "$WORK/err"
check "no key bytes in any message" bash -c "! grep -q -e 01010101 '$WORK/err'"

finish
