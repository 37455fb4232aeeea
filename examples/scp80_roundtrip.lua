-- SPDX-License-Identifier: Apache-2.0
-- scp80_roundtrip.lua — an SCP80 (ETSI TS 102 225 / 3GPP TS 31.115) round trip with
-- rt.scp80, both ends in one script:
--   1. the SM-SR side wraps an expanded-format remote command for the ISD-R (TAR 000001)
--      with AES-128 keyset 1: SPI 16 39 = cipher + CC + counter "higher than stored";
--      PoR required, with CC, ciphered, sent by SMS-SUBMIT;
--   2. a card object unwraps it, stores the new counter, builds the PoR;
--   3. the SM-SR side verifies the PoR;
--   4. the same packet replayed gives status 02 (CNTR low), a corrupted CC gives 01;
--   5. the public pySim 3DES vector (sgp02-facts §1.9, osmocom/pysim
--      tests/unittests/test_ota.py) is reproduced byte for byte, and its PoR verified.
-- Run: build/rsptest lua examples/scp80_roundtrip.lua
-- One line per check; any mismatch raises an error (exit status 1). Keys are never printed.
local scp80 = require "rt.scp80"
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

-- ---- 1. SM-SR side: wrap ---------------------------------------------------------
local ISDR_TAR = hex.decode("000001")
local KIC = hex.decode("000102030405060708090A0B0C0D0E0F") -- sample keys, not secrets
local KID = hex.decode("0F0E0D0C0B0A09080706050403020100")
local spi = scp80.spi_encode{
  check = "cc", ciphered = true, cntr = "higher",
  por = "por_required", por_check = "cc", por_ciphered = true, por_via_submit = true,
}
check("SPI from its fields is 16 39", spi, hex.decode("1639"))
local kic = scp80.kic_encode{keyset = 1, alg = "aes"}
local kid = scp80.kid_encode{keyset = 1, alg = "aes"}
check("KIc for keyset 1 AES is 12", kic, 0x12)
check("KID for keyset 1 AES is 12", kid, 0x12)
check("SPI decodes back to counter mode 'higher'", scp80.spi_decode(spi).cntr, "higher")
check("KID 12 decodes to AES-CMAC", scp80.kid_decode(kid).alg_name, "AES-CMAC")

-- An expanded-format remote command script (TS 102 226 5.2): AA { 22 <C-APDU> }.
local command = hex.decode("AA07 2205 80CAFF2100")
local sender = {
  dialect = "sms", spi = spi, kic = kic, kid = kid, tar = ISDR_TAR,
  cntr = hex.decode("0000000001"), kic_key = KIC, kid_key = KID, data = command,
}
local packet = scp80.wrap(sender)
check("packet starts with the UDH 02 70 00", packet:sub(1, 3), hex.decode("027000"))
check("CHL is 21 (13 + 8-byte AES CC)", packet:byte(6), 0x15)

-- ---- 2. card side: unwrap and PoR --------------------------------------------------
local card <close> = scp80.card{
  keysets = { [1] = { kic = KIC, kid = KID, kic_alg = "aes", kid_alg = "aes",
                      cntr = hex.decode("0000000000") } },
  tars = { ISDR_TAR },
}
local rx = card:unwrap(packet)
check("card accepts the packet (status 00)", rx.status, scp80.status.OK)
check("card status name", rx.status_name, "PoR OK")
check("card recovers the command script", rx.data, command)
check("card wants to send a PoR", rx.por_wanted, true)
check("card stored the new counter", card:counter(1), hex.decode("0000000001"))

local response = hex.decode("AB07 800101 23029000")
local por = card:por(rx, response)
check("PoR starts with the UDH 02 71 00", por:sub(1, 3), hex.decode("027100"))

-- ---- 3. SM-SR side: verify the PoR ------------------------------------------------
sender.packet = por
local res = scp80.verify_por(sender)
check("SM-SR verifies the PoR: status 00", res.status, 0)
check("PoR echoes the counter", res.cntr, sender.cntr)
check("PoR carries the response script", res.data, response)

-- ---- 4. negative cases ------------------------------------------------------------
local replay = card:unwrap(packet)
check("replayed counter is refused: status 02", replay.status, scp80.status.CNTR_LOW)
check("replay status name", replay.status_name, "CNTR low")
check("replay is not executed", replay.data, nil)
check("replay leaves the counter alone", card:counter(1), hex.decode("0000000001"))
sender.packet = card:por(replay, "")
check("the replay's PoR verifies with status 02", scp80.verify_por(sender).status, 0x02)

sender.cntr = hex.decode("0000000002")
local fresh = scp80.wrap(sender)
-- Flip one bit of the CC as sent: the secured part starts after the 13-byte clear
-- header (UDH 3, CPL 2, CHL 1, SPI..TAR 7) and holds CNTR(5) PCNTR(1) CC(8) ...; it is
-- enciphered (CBC), so the flip garbles the whole first block the card deciphers, and the
-- CC check (done before the counter check) fails.
local at = 13 + 6 + 1
local corrupt = fresh:sub(1, at - 1) .. string.char(fresh:byte(at) ~ 0x01) .. fresh:sub(at + 1)
local bad = card:unwrap(corrupt)
check("corrupted CC is refused: status 01", bad.status, scp80.status.RC_CC_DS_FAILED)
check("corrupted CC error names the CC", bad.error:find("CC mismatch", 1, true) ~= nil, true)
check("corrupted packet leaves the counter alone", card:counter(1), hex.decode("0000000001"))
check("the intact packet with counter 2 is accepted", card:unwrap(fresh).status, 0)

-- ---- 5. pySim public vector, 3DES 2-key, keyset 3 (sgp02-facts §1.9) ----------------
local pysim = {
  dialect = "sms", spi = hex.decode("0619"), kic = 0x35, kid = 0x35,
  tar = hex.decode("B00011"), cntr = hex.decode("0000000000"),
  kic_key = hex.decode("300102030405060708090a0b0c0d0e0f"),
  kid_key = hex.decode("301102030405060708090a0b0c0d0e0f"),
  data = hex.decode("00A40004023F00"),
}
check("pySim 3DES command packet, byte for byte", scp80.wrap(pysim),
      hex.decode("027000" .. "00201506193535b00011ae733256918d050b87c94fbfe12e4dc402f262c41cf67f2f"))
pysim.packet = hex.decode("027100001c12b000118bb989492c632529326a2f4681feb37c825bc9021c9f6d0b")
local pres = scp80.verify_por(pysim)
check("pySim 3DES PoR verifies: status 00", pres.status, 0)
check("pySim 3DES PoR data is 01 6132", pres.data, hex.decode("016132"))

print(("scp80_roundtrip: %d checks passed"):format(checks))
