-- SPDX-License-Identifier: Apache-2.0
-- scp03_session.lua — a GlobalPlatform SCP03 (Amendment D) session at security level 33
-- (C-MAC, C-DECRYPTION, R-MAC, R-ENCRYPTION) with rt.scp03, both ends in one script:
--   1. the public pySim AES-128 SL 33 vector (osmocom/pysim
--      tests/unittests/test_globalplatform.py, SCP03_Test_AES128_33; sgp02-facts §3) is
--      reproduced byte for byte by the host object: INITIALIZE UPDATE, card cryptogram,
--      EXTERNAL AUTHENTICATE, the wrapped GET EID and its unwrapped response;
--   2. a host and a card object run their own SL 33 session (pseudo-random challenge):
--      commands with and without data are wrapped and unwrapped, the card answers with
--      R-ENC + R-MAC, an error status word goes out without R-MAC;
--   3. a corrupted C-MAC closes the card's session, a replayed command is refused;
--   4. SCP03t: a package cut into 86 segments is reassembled by an ISD-P object.
-- Run: build/rsptest lua examples/scp03_session.lua
-- One line per check; any mismatch raises an error (exit status 1). Keys are never printed.
local scp03 = require "rt.scp03"
local scp03t = require "rt.scp03t"
local hex = require "rt.hex"

local checks = 0
local function check(what, got, want)
  if got ~= want then
    local function show(v)
      return type(v) == "string" and hex.encode(v) or tostring(v)
    end
    error(("%s: got %s, want %s"):format(what, show(got), show(want)), 2)
  end
  checks = checks + 1
  print("ok - " .. what)
end
local H = hex.decode

-- ---- 1. the pySim SL 33 vector -----------------------------------------------------
local KEYS = { -- pySim's published test keys, not secrets
  enc = H("000102030405060708090a0b0c0d0e0f"),
  mac = H("101112131415161718191a1b1c1d1e1f"),
  dek = H("202122232425262728292a2b2c2d2e2f"),
  kvn = 0x30,
}
local host = scp03.host{ enc = KEYS.enc, mac = KEYS.mac, dek = KEYS.dek, kvn = 0x30,
                         host_challenge = H("fdf38259a1e0de44"), sl = 0x33 }
check("pySim INITIALIZE UPDATE", host:initialize_update(), H("8050300008fdf38259a1e0de4400"))
check("pySim card cryptogram verifies", host:process_iu_response(
  H("000000000000000000003003703b1aca81e821f219081cdc01c26b372d000003" .. "9000")), true)
check("pySim EXTERNAL AUTHENTICATE", host:external_authenticate(),
  H("84823300108c36f96bcc00724a4e13ad591d7da3f0"))
check("pySim GET EID wrapped (C-DECRYPTION + C-MAC)", host:wrap(H("80E2910006BF3E035C015A00")),
  H("84e2910018267a85dfe4a98fca6fb0527e0dfecce4914e40401433c87f00"))
local data, sw = host:unwrap(H("f3ba2b1013aa6224f5e1c138d71805c569e5439b47576260b75fc021b25097cb"
                               .. "2e68f8a0144975b9" .. "9000"))
check("pySim GET EID response: R-MAC verified, R-ENC decrypted", data,
  H("bf3e125a1089882119900000000000000000000005"))
check("pySim GET EID response SW", sw, 0x9000)
host:close()

-- ---- 2. host <-> card, SL 33 --------------------------------------------------------
local K2 = { enc = ("\17"):rep(16), mac = ("\34"):rep(16), dek = ("\51"):rep(16) }
local AID = H("A0000005591010FFFFFFFF8900001000")
local h <close> = scp03.host{ enc = K2.enc, mac = K2.mac, kvn = 0x30,
                              host_challenge = H("0102030405060708") }
local c <close> = scp03.card{ enc = K2.enc, mac = K2.mac, kvn = 0x30, i = 0x70, aid = AID,
                              seq = 41 }
local iu_rsp = c:initialize_update(h:initialize_update())
check("card answers INITIALIZE UPDATE with 32 bytes + 9000", #iu_rsp, 34)
check("sequence counter 000042 in the response", iu_rsp:sub(30, 32), H("00002A"))
check("card challenge is KDF(K-ENC, 02, counter | AID)", iu_rsp:sub(14, 21),
  scp03.kdf(K2.enc, 2, H("00002A") .. AID, 8))
check("host verifies the card cryptogram", h:process_iu_response(iu_rsp), true)
check("card accepts EXTERNAL AUTHENTICATE", c:external_authenticate(h:external_authenticate(0x33)),
  H("9000"))
check("session open at SL 33", h:info().sl, 0x33)

local commands = {
  { "STORE DATA with data", H("80E2900003BF3E00") },
  { "GET STATUS without data (case 2)", H("80F2200200") },
  { "case 1 command, no data", H("80F22002") },
  { "DELETE with data, case 3", H("80E40000074F05A000000559") },
}
for n, cmd in ipairs(commands) do
  local wrapped = h:wrap(cmd[2])
  local plain = c:unwrap_command(wrapped)
  check(cmd[1] .. ": card recovers the command", plain, cmd[2])
  check(cmd[1] .. ": counter " .. n .. " on both sides", c:info().counter, h:info().counter)
  local rsp = c:wrap_response(("\90"):rep(n * 7), 0x9000)
  local back, rsw = h:unwrap(rsp)
  check(cmd[1] .. ": host recovers the response", back, ("\90"):rep(n * 7))
  check(cmd[1] .. ": response SW", rsw, 0x9000)
end
local wrapped = h:wrap(H("80CA00FE00"))
c:unwrap_command(wrapped)
local err_rsp = c:wrap_response("ignored", 0x6A88)
check("error SW goes out alone, without R-MAC", err_rsp, H("6A88"))
local _, esw = h:unwrap(err_rsp)
check("host reads the bare error SW", esw, 0x6A88)

-- ---- 3. attacks ---------------------------------------------------------------------
local w2 = h:wrap(H("80E2900003BF3E00"))
local bad = w2:sub(1, -3) .. string.char(w2:byte(-2) ~ 1) .. w2:sub(-1)
local plain, sw_bad, why = c:unwrap_command(bad)
check("corrupted C-MAC is refused with 6982", sw_bad, H("6982"))
check("the refusal names the C-MAC", why ~= nil and why:find("C-MAC mismatch", 1, true) ~= nil, true)
check("no command comes out of a bad C-MAC", plain, nil)
check("the card session is closed", c:info().state, "closed")
local _, sw_replay = c:unwrap_command(w2)
check("the session stays closed for the genuine command too", sw_replay, H("6985"))

-- ---- 4. SCP03t ----------------------------------------------------------------------
local smdp <close> = scp03t.host{ enc = K2.enc, mac = K2.mac, kvn = 0x30,
                                  host_challenge = H("1112131415161718") }
local isdp <close> = scp03t.card{ enc = K2.enc, mac = K2.mac, kvn = 0x30, aid = AID }
check("ISD-P answers 84", smdp:process_iu_response(isdp:process(smdp:initialize_update())), true)
check("ISD-P answers 85 with 85 00", isdp:process(smdp:external_authenticate(0x33)), H("8500"))
local pkg = ("\48\130\1\0"):rep(700) -- 2800 bytes standing in for a Profile Package
local segs = smdp:segment(pkg, 1024)
check("2800 bytes need 3 segments of at most 1024 bytes", #segs, 3)
local answers = isdp:process(table.concat(segs))
check("ISD-P answers each segment with 86 00", answers, H("860086008600"))
check("ISD-P reassembled the package", isdp:package(), pkg)

print(("scp03_session: %d checks passed"):format(checks))
