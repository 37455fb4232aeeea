#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# rt.scp03 / rt.scp03t through `rsptest lua`: the example session
# (examples/scp03_session.lua) and the binding's argument and state errors.
. "$(dirname "$0")/lib.sh"

EX="$RT_SRCDIR/examples/scp03_session.lua"
"$RSPTEST" lua "$EX" >"$WORK/ex" 2>&1
check "example exits 0" test $? -eq 0
check "example prints at least 30 ok lines" test "$(grep -c '^ok - ' "$WORK/ex")" -ge 30
check "example has no other lines than ok lines and the summary" \
  test "$(grep -vc -e '^ok - ' -e '^scp03_session: [0-9]* checks passed$' "$WORK/ex")" -eq 0
check "example: pySim EXTERNAL AUTHENTICATE" grep -qx 'ok - pySim EXTERNAL AUTHENTICATE' "$WORK/ex"
check "example: pySim GET EID wrapped" grep -qx 'ok - pySim GET EID wrapped (C-DECRYPTION + C-MAC)' "$WORK/ex"
check "example: R-MAC + R-ENC response" grep -qx 'ok - pySim GET EID response: R-MAC verified, R-ENC decrypted' "$WORK/ex"
check "example: counter moves for commands without data" grep -qx 'ok - case 1 command, no data: counter 3 on both sides' "$WORK/ex"
check "example: error SW without R-MAC" grep -qx 'ok - error SW goes out alone, without R-MAC' "$WORK/ex"
check "example: corrupted C-MAC refused" grep -qx 'ok - corrupted C-MAC is refused with 6982' "$WORK/ex"
check "example: SCP03t reassembly" grep -qx 'ok - ISD-P reassembled the package' "$WORK/ex"
check "example never prints a key" bash -c "! grep -qi -e 000102030405060708090a0b0c0d0e0f -e 101112131415161718191a1b1c1d1e1f '$WORK/ex'"

# A wrong expected vector makes the example fail loudly, naming both values.
sed 's/8c36f96bcc00724a4e13ad591d7da3f0/8c36f96bcc00724a4e13ad591d7da3f1/' "$EX" >"$WORK/ex_bad.lua"
check "tampered copy differs from the example" bash -c "! cmp -s '$EX' '$WORK/ex_bad.lua'"
"$RSPTEST" lua "$WORK/ex_bad.lua" >"$WORK/exbad" 2>&1
check "example with a wrong expected vector exits 1" test $? -eq 1
check "the mismatch names the check and both values" \
  grep -q 'pySim EXTERNAL AUTHENTICATE: got 848233.*F0, want 848233.*F1' "$WORK/exbad"

cat >"$WORK/errors.lua" <<'LUA'
local s, t = rt.scp03, rt.scp03t
local K = ("\1"):rep(16)
local function try(label, f, ...)
  local ok, e = pcall(f, ...)
  print(label .. ": " .. (ok and "no error" or tostring(e)))
end
try("short key", s.host, { enc = ("\1"):rep(15), mac = K })
try("mixed lengths", s.host, { enc = K, mac = ("\1"):rep(24) })
try("no mac", s.host, { enc = K })
try("challenge length", s.host, { enc = K, mac = K, host_challenge = "abc" })
try("card aid", s.card, { enc = K, mac = K, i = 0x70 })
local h = s.host{ enc = K, mac = K, host_challenge = ("\2"):rep(8) }
print("tostring: " .. tostring(h))
try("wrap before open", h.wrap, h, "\128\202\0\0\0")
local c = s.card{ enc = K, mac = K, aid = ("\160"):rep(8) }
local r = c:initialize_update(h:initialize_update())
local bad = r:sub(1, 21) .. string.char(r:byte(22) ~ 1) .. r:sub(23)
try("card cryptogram", h.process_iu_response, h, bad)
local r2, e2 = c:initialize_update("\128\80\49\0\8" .. ("\2"):rep(8) .. "\0")
print("unknown kvn: " .. rt.hex.encode(r2) .. " " .. e2)
local h2 = s.host{ enc = K, mac = K, host_challenge = ("\3"):rep(8) }
h2:process_iu_response(c:initialize_update(h2:initialize_update()))
try("sl 33 not offered", h2.external_authenticate, h2, 0x05)
local ea = h2:external_authenticate(0x33)
local ea_bad = ea:sub(1, 6) .. string.char(ea:byte(7) ~ 1) .. ea:sub(8)
local sw, why = c:external_authenticate(ea_bad)
print("host cryptogram: " .. rt.hex.encode(sw) .. " " .. why)
h:close()
h:close()
try("closed", h.initialize_update, h)
try("error tlv", function() return rt.hex.encode(t.error_tlv(0x86, t.reason.SECURITY)) end)
print("error tlv: " .. rt.hex.encode(t.error_tlv(0x86, t.reason.SECURITY)))
local isdp = t.card{ enc = K, mac = K, aid = ("\160"):rep(8) }
local rsp, err = isdp:process("\134\8\0\0\0\0\0\0\0\0")
print("86 first: " .. rt.hex.encode(rsp) .. " " .. err)
print("kcv: " .. rt.hex.encode(s.kcv(("\0"):rep(16))))
LUA
"$RSPTEST" lua "$WORK/errors.lua" >"$WORK/err" 2>&1
check "error script exits 0" test $? -eq 0
check "short key: clear error" grep -q '^short key: .*AES keys of one length' "$WORK/err"
check "mixed key lengths refused" grep -q '^mixed lengths: .*AES keys of one length' "$WORK/err"
check "missing mac named" grep -q "^no mac: .*field 'mac' (bytes) is required" "$WORK/err"
check "host challenge length" grep -q '^challenge length: .*host_challenge of 3 bytes' "$WORK/err"
check "card needs an AID for i=70" grep -q '^card aid: .*AID of 0 bytes' "$WORK/err"
check "tostring shows the state, no keys" grep -qx 'tostring: rt.scp03.session(idle)' "$WORK/err"
check "wrap before the session is open" grep -q '^wrap before open: .*no open session' "$WORK/err"
check "bad card cryptogram raises" grep -q '^card cryptogram: .*card cryptogram mismatch' "$WORK/err"
check "unknown KVN gives 6A88" grep -q '^unknown kvn: 6A88 .*key version 31 not found' "$WORK/err"
check "undefined SL refused" grep -q '^sl 33 not offered: .*security level 05' "$WORK/err"
check "bad host cryptogram gives 6982" grep -q '^host cryptogram: 6982 host cryptogram mismatch' "$WORK/err"
check "closed session refuses" grep -q '^closed: .*session is closed' "$WORK/err"
check "SCP03t error TLV" grep -qx 'error tlv: 9F460102' "$WORK/err"
check "SCP03t 86 before 85 answered 9F46" grep -q '^86 first: 9F460102 SCP03t: 86 outside an open session' "$WORK/err"
check "KCV of the zero key" grep -qx 'kcv: E14D5D' "$WORK/err"
check "no key bytes in any message" bash -c "! grep -q -e 01010101010101 '$WORK/err'"

finish
