-- SPDX-License-Identifier: Apache-2.0
-- smdp — the SM-DP's ES8 functions towards an eUICC's ISD-P (SGP.02 4.1.3; facts §4),
-- carried by the SM-SR's ES5 channel: every command goes out in a remote command script
-- addressed to the ISD-P's TAR (smsr.send_script, SCP80 over SMS; SGP.02 2.4.3/5.4.4).
--
--   establish_keyset  ES8.EstablishISDPKeySet (4.1.3.1): INSTALL [for personalization],
--                     STORE DATA 3A01 CERT.DP.ECDSA -> 85 RC, 3A02 A6|ePK|signature ->
--                     [85 DR] 86 receipt, checked (GP Amd E scenario #3, rt.ecka)
--   download_profile  ES8.DownloadAndInstallation (4.1.3.2/4.1.3.3): SCP03t 84/85/86 on
--                     the established keyset, the Profile Package cut into 86 segments,
--                     every answer checked (R-MAC, R-ENC), the SAIP EUICCResponse read
--   update_connectivity  ES8.UpdateConnectivityParameters (4.1.3.4): STORE DATA 3A07
--                     under SCP03 (APDU form, default) or SCP03t
--   create_isdp / delete_isdp  ES5 CreateISDP / DeleteProfile on the ISD-R, TEMPORARY:
--                     lua/es5.lua owns them; these stay until the ES8 cases move to
--                     es5.create_isdp (same bytes, facts §4.1 / §5.2)
--
-- Every step can be bent (args.bend) for negative cases. The keys of an established
-- keyset stay inside this module for the case (M.keyset(aid)), never in a result, a
-- variable or the trace. Credentials: the SUT description's `keys:` section
-- (docs/sut-config.md, keys) naming entries of lua/testpki.lua (the TEST ONLY PKI of
-- certs/), or hex. Open points are named options (ecka.*, scp03t.*, es8.*).
local case = require("rt.case")
local hex = require("rt.hex")
local tlv = require("rt.tlv")
local ec = require("rt.ec")
local cert = require("rt.cert")
local ecka = require("rt.ecka")
local scp03 = require("rt.scp03")
local scp03t = require("rt.scp03t")
local rcmd = require("rt.rcmd")
local sgp02 = require("sgp02")
local testpki = require("testpki")

local expect = require("expect")

local M = {}

-- facts §4.1: ISD-P instance AID = A0000005591010FFFFFFFF89 | TAR (3) | 00.
M.ISDP_AID_PREFIX = "A0000005591010FFFFFFFF89"
M.DEFAULT_TAR = "000010"
-- WHTY-SR's sample connectivity parameters (facts §5.2): A0 { 06 07 91 <SMSC digits> }.
M.DEFAULT_CONN = "A009060791338699421" .. "1F1"

local keysets = {} -- [AID hex] = {enc, mac, dek, kvn, key_len} (this case only)

local function bytes_of(v, name)
  if v == nil then return nil end
  if type(v) ~= "string" then error(("argument '%s' must be hex text"):format(name), 3) end
  local ok, b = pcall(hex.decode, v)
  if not ok then error(("argument '%s': %s"):format(name, tostring(b)), 3) end
  return b
end

local function fail(msg) case.fail(msg, 0) end

-- ---- identifiers -----------------------------------------------------------------------

-- aid_tar(args) -> aid bytes, tar bytes: from args.aid and/or args.tar (facts §4.1).
function M.aid_tar(args)
  local tar = args.tar and bytes_of(args.tar, "tar")
  local aid = args.aid and bytes_of(args.aid, "aid")
  if not aid then aid = hex.decode(M.ISDP_AID_PREFIX) .. (tar or hex.decode(M.DEFAULT_TAR)) .. "\0" end
  if not tar then
    if #aid ~= 16 then error("give tar= for an ISD-P AID that is not 16 bytes", 0) end
    tar = aid:sub(13, 15) -- TS 101 220: AID bytes 13..15 (facts §1.10)
  end
  return aid, tar
end

-- ---- credentials -----------------------------------------------------------------------

-- A named PKI entry: "p256/smdp.7f21" (testpki) or hex bytes.
local function pki_bytes(v)
  if v:find("^%x+$") and #v % 2 == 0 then return hex.decode(v) end
  return testpki.bytes(v)
end

-- The SUT's ECASD / CI and the SM-DP credentials on the ECASD's curve:
-- {curve, ci, ci_id, ecasd_cert, eum_cert, pk_ecasd, sk_dp, dp_cert}.
function M.credentials(curve_override)
  local sut = case.sut() or {}
  local k = (type(sut.keys) == "table" and sut.keys) or {}
  local e = (type(k.ecasd) == "table" and k.ecasd) or {}
  local curve = curve_override or e.curve or "P-256"
  local dir = (curve == "P-256" or curve == "prime256v1") and "p256" or "bp256"
  local c = { curve = curve, dir = dir }
  c.ecasd_cert = pki_bytes(e.cert or (dir .. "/ecasd.7f21"))
  c.eum_cert = pki_bytes(e.eum_cert or (dir .. "/eum.7f21"))
  local ci_pem = testpki.file(e.ci or (dir .. "/ci"))
  c.ci = ec.load(ci_pem)
  c.ci_id = cert.x509_info(ci_pem).ski
  local d = (type(k.smdp) == "table" and k.smdp) or {}
  c.dp_cert = pki_bytes(d.cert or (dir .. "/smdp.7f21"))
  c.sk_dp = ec.load(testpki.file(d.key or (dir .. "/smdp.key")))
  return c
end

-- YYYYMMDD of today (for certificate validity), from the wall clock.
local function today()
  local days = case.time_ms() // 86400000
  -- civil_from_days (H. Hinnant), days since 1970-01-01
  local z = days + 719468
  local era = z // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  return y * 10000 + m * 100 + d
end

-- PK.ECASD.ECKA as the SM-DP learns it: CERT.ECASD.ECKA from the EIS, verified up to
-- the CI through the EUM certificate (SGP.02 2.3; EKN 05).
function M.pk_ecasd(c)
  local leaf, status, msg = cert.verify_chain({ c.eum_cert, c.ecasd_cert }, c.ci, c.ci_id, today())
  if not leaf then
    error(("precondition: the SUT's CERT.ECASD.ECKA does not chain to the CI (%s: %s)")
          :format(tostring(status), tostring(msg)), 0)
  end
  return leaf
end

-- ---- the SM-SR's channel -----------------------------------------------------------------

local function smsr() return require("smsr") end

-- Sends a script to the ISD-P's TAR and returns the send_script result plus `tlvs`: the
-- response script's items other than 80 (R-APDUs 23 and the SCP03t answers), parsed.
local function send(tar, fields, bend)
  local a = { tar = hex.encode(tar), bend = bend and bend.ota or nil }
  for k, v in pairs(fields) do a[k] = v end
  local r = smsr().send_script(a)
  r.tlvs = {}
  if r.raw and #r.raw > 0 and (r.raw:byte(1) == 0xAB or r.raw:byte(1) == 0xAF) then
    local ok, top = pcall(tlv.parse, r.raw, { recurse = false })
    if ok and top[1] then
      local ok2, items = pcall(tlv.parse, top[1].value, { recurse = false })
      if ok2 then
        for _, it in ipairs(items) do
          if it.tag == 0x80 then
            r.executed = it.value:byte(1)
          else
            r.tlvs[#r.tlvs + 1] = it
          end
        end
      end
    end
  end
  return r
end

local function por_ok(r, what)
  if not r.por_present then fail(what .. ": no PoR from the card (SGP.02 2.4.3 asks for one)") end
  if r.por_authentic == false then fail(what .. ": PoR not authentic: " .. tostring(r.por_error)) end
  if r.por_status ~= 0 then
    fail(("%s: PoR status %s (%s)"):format(what, tostring(r.por_status), tostring(r.por_status_name)))
  end
end

-- ---- ES5 functions the SM-DP asks the SM-SR for (lua/es5.lua builds them) ---------------

-- smdp.create_isdp{aid=, tar=, memory=} -> {sw, por_status, por_present, aid, tar}
-- ES3.CreateISDP → ES5 CreateISDP: the SM-SR's INSTALL (es5.create_isdp). The caller
-- deletes it (es8 fixtures defer smdp.delete_isdp), so no automatic clean-up here.
function M.create_isdp(args)
  args = args or {}
  local aid, tar = M.aid_tar(args)
  local r = require("es5").create_isdp({ aid = hex.encode(aid), tar = hex.encode(tar),
                                          memory = args.memory, cleanup = false })
  return { sw = r.sw, por_status = r.por_status, aid = hex.encode(aid), tar = hex.encode(tar),
           por_present = r.por_present }
end

-- smdp.delete_isdp{aid=} -> {sw, por_status}  (ES5 DeleteProfile, es5.delete_profile)
function M.delete_isdp(args)
  local aid = M.aid_tar(args or {})
  keysets[hex.encode(aid)] = nil
  local r = require("es5").delete_profile({ aid = hex.encode(aid) })
  return { sw = r.sw, por_status = r.por_status }
end

-- ---- ES8.EstablishISDPKeySet -----------------------------------------------------------------

local function ecka_setup(c, args)
  local bend = args.bend or {}
  local params = { kvn = 0x30 }
  params.key_usage = tonumber(case.option("ecka.key_usage"), 16)
  for k, v in pairs(bend.params or {}) do params[k] = v end
  local opts = {
    epk_form = ({ b0_f0 = "b0f0", b0 = "b0", bare = "bare" })[case.option("ecka.epk_form")],
    receipt_pad = case.option("ecka.receipt_padding") == "pad80" and "pad80" or "plain",
  }
  local dp_cert, sk = c.dp_cert, c.sk_dp
  -- bend.cert: "wrong_ci" (an SM-DP certificate from another CI), "smsr" (an SM-SR
  -- certificate, C8 = 02), "expired"-style custom hex, or a testpki name.
  if bend.cert == "wrong_ci" then
    dp_cert = testpki.bytes(c.dir .. "/smdp-ci2.7f21")
    sk = ec.load(testpki.file(c.dir .. "/smdp-ci2.key"))
  elseif bend.cert == "smsr" then
    dp_cert = testpki.bytes(c.dir .. "/smsr.7f21")
    sk = ec.load(testpki.file(c.dir .. "/smsr.key"))
  elseif bend.cert == "key_usage" or bend.cert == "point_other_curve" then
    -- crafted by certs/make-test-pki.sh: smdp-ku (95 = 0080, a key-agreement key) and
    -- smdp-pt (F0 names this curve, B0 is a point of the other one); 3A01 must fail
    dp_cert = testpki.bytes(c.dir .. (bend.cert == "key_usage" and "/smdp-ku.7f21" or "/smdp-pt.7f21"))
  elseif bend.cert == "other_curve" then
    local o = c.dir == "p256" and "bp256" or "p256"
    dp_cert = testpki.bytes(o .. "/smdp.7f21")
    sk = ec.load(testpki.file(o .. "/smdp.key"))
  elseif bend.cert then
    dp_cert = pki_bytes(bend.cert)
  end
  return ecka.smdp({ sk = sk, cert = dp_cert, pk_ecasd = M.pk_ecasd(c), params = params,
                     opts = opts }), sk, params
end

-- The 3A02 data field built by hand, for bends the SM-DP object would not make.
local function bent_key_data(dp, sk, params, c, bend)
  local a6 = ecka.a6(params)
  local dgi = ecka.dgi(0x3A02, a6)
  local curve = bend.epk_curve or c.curve
  -- "other": whichever of the two SGP.02 curves the ECASD does not use.
  if curve == "other" then
    local mine = (c.curve == "P-256" or c.curve == "prime256v1") and "p256" or "bp256"
    curve = mine == "p256" and "brainpoolP256r1" or "prime256v1"
  end
  local eph = ec.generate(curve)
  local form = ({ b0_f0 = "b0f0", b0 = "b0", bare = "bare" })[case.option("ecka.epk_form")]
  local epk = ecka.epk(eph:public(), curve, form)
  -- bend.epk_ref = "other": a point of the ECASD's curve under the key parameter
  -- reference F0 of the other SGP.02 curve (GP Amd E Table 4-3: 00 P-256, 03 brainpool)
  local p256 = c.curve == "P-256" or c.curve == "prime256v1"
  if bend.epk_ref == "other" then
    epk = tlv.encode(0x7F49, tlv.encode(0xB0, eph:public()) .. tlv.encode(0xF0, p256 and "\x03" or "\x00"))
  elseif bend.epk_point == "other_curve" then
    -- bend.epk_point = "other_curve": the reference F0 of the ECASD's curve on a valid
    -- point of the other curve (not on the ECASD's: an invalid-curve key, BSI TR-03111)
    local o = ec.generate(p256 and "brainpoolP256r1" or "prime256v1")
    epk = tlv.encode(0x7F49, tlv.encode(0xB0, o:public()) .. tlv.encode(0xF0, p256 and "\x00" or "\x03"))
  end
  local signer = bend.signature == "other_key" and ec.generate(sk:curve()) or sk
  local sig = signer:sign(ecka.signed_data(dgi, epk, dp:rc()))
  if bend.signature == "bad" then sig = sig:sub(1, -2) .. string.char(sig:byte(-1) ~ 0x01) end
  return dgi .. epk .. tlv.encode(0x5F37, sig)
end

-- smdp.establish_keyset{aid=, tar=, curve=, bend={...}} -> result
--   result: {sw (last STORE DATA), sw_install, sw_cert, sw_keys, rc_len, stage
--   ("install"|"cert"|"keys"|"done"), receipt_ok, receipt_status, kvn, por_status}
--   bend: skip_install, install_aid=hex, cert="wrong_ci"|"smsr"|"other_curve"|
--   "key_usage"|"point_other_curve"|name|hex, keys_first (3A02 without 3A01),
--   signature="bad"|"other_key", epk_curve=curve|"other", epk_ref="other" (F0 of the
--   other curve on a point of the ECASD's), epk_point="other_curve" (the ECASD's F0 on
--   a point of the other curve), params={A6 fields}, expect_receipt=hex (the
--   receipt the SM-DP insists on), restart (a second 3A01 after the first; the 3A02 is
--   then signed over the FIRST RC: result rc_fresh), retry_keys (after a refused 3A02,
--   a correct one over the same RC: result sw_retry), ota={...} (smsr.send_script bends)
-- SGP.02 4.1.3.1; facts §4.2 steps 1-5.
function M.establish_keyset(args)
  args = args or {}
  local bend = args.bend or {}
  local aid, tar = M.aid_tar(args)
  local c = M.credentials(args.curve)
  local dp, sk, params = ecka_setup(c, args)
  local res = { stage = "install" }
  -- Script 1 (facts §4.2 steps 1-2): INSTALL [for personalization] + STORE DATA 3A01.
  local cmds = {}
  if not bend.skip_install then
    local target = bend.install_aid and bytes_of(bend.install_aid, "install_aid") or aid
    cmds[#cmds + 1] = hex.encode("\x80\xE6\x20\x00" .. string.char(#target + 6) .. "\0\0" ..
                                 string.char(#target) .. target .. "\0\0\0\0")
  end
  local first
  if not bend.keys_first then first = dp:cert_data() end
  if first then
    -- STORE DATA P1 09: DGI, response expected, not the last block; P2 00 (facts §5.2)
    cmds[#cmds + 1] = hex.encode("\x80\xE2\x09\x00" .. string.char(#first) .. first .. "\x00")
  end
  if #cmds > 0 then
    local r = send(tar, { commands = cmds }, bend)
    por_ok(r, "INSTALL/3A01 script")
    res.por_status = r.por_status
    local i = 1
    if not bend.skip_install then
      res.sw_install = r.responses[1] and r.responses[1].sw
      res.sw = res.sw_install
      if res.sw_install ~= 0x9000 then return res end
      i = 2
    end
    res.stage = "cert"
    if first then
      local rr = r.responses[i]
      if not rr then fail("no R-APDU for STORE DATA 3A01 (executed " .. tostring(r.executed) .. ")") end
      res.sw_cert, res.sw = rr.sw, rr.sw
      if rr.sw ~= 0x9000 then return res end
      local rc, msg = dp:take_rc(rr.data)
      if not rc then fail("STORE DATA 3A01 answer is not 85 RC: " .. tostring(msg)) end
      res.rc_len = #rc
      -- facts §4.2: 16 bytes expected (WHTY-SR); option-free check of the length only
      if #rc ~= 16 and #rc ~= 32 then fail(("RC of %d bytes (16 or 32 expected)"):format(#rc)) end
    end
  end
  if bend.restart then
    -- A second key establishment starts (3A01 again, another SM-DP session): the card
    -- must answer a fresh RC (SGP.02 4.1.3.1 step 2), and the first RC is dead.
    local dp2 = ecka_setup(c, args)
    local cd = dp2:cert_data()
    local r2 = send(tar, { commands = { hex.encode("\x80\xE2\x09\x00" .. string.char(#cd) .. cd .. "\x00") } }, bend)
    por_ok(r2, "second 3A01 script")
    local rr = r2.responses[1]
    if not rr then fail("no R-APDU for the second STORE DATA 3A01") end
    res.sw_cert2 = rr.sw
    if rr.sw ~= 0x9000 then res.sw = rr.sw; return res end
    local rc2, msg = dp2:take_rc(rr.data)
    if not rc2 then fail("second STORE DATA 3A01 answer is not 85 RC: " .. tostring(msg)) end
    res.rc_fresh = rc2 ~= dp:rc()
    dp2:close()
  end
  -- Script 2 (step 4): STORE DATA 80 E2 89 01 3A02 { A6 } | 7F49 | 5F37.
  res.stage = "keys"
  local data
  if bend.keys_first then
    data = ecka.dgi(0x3A02, ecka.a6({ kvn = 0x30 })) .. ecka.epk(ec.generate(c.curve):public(), c.curve) ..
        tlv.encode(0x5F37, string.rep("\1", 64))
  elseif bend.signature or bend.epk_curve or bend.epk_ref or bend.epk_point then
    data = bent_key_data(dp, sk, params, c, bend)
  else
    data = dp:key_data()
  end
  local r = send(tar, { commands = { hex.encode("\x80\xE2\x89\x01" .. string.char(#data) .. data .. "\x00") } }, bend)
  por_ok(r, "3A02 script")
  local rr = r.responses[1]
  if not rr then fail("no R-APDU for STORE DATA 3A02") end
  res.sw_keys, res.sw = rr.sw, rr.sw
  if rr.sw ~= 0x9000 and bend.retry_keys then
    -- The same SM-DP session tries again with a correct 3A02 over the same RC.
    local good = dp:key_data()
    local r3 = send(tar, { commands = { hex.encode("\x80\xE2\x89\x01" .. string.char(#good) .. good .. "\x00") } }, bend)
    por_ok(r3, "second 3A02 script")
    res.sw_retry = r3.responses[1] and r3.responses[1].sw
    if not res.sw_retry then fail("no R-APDU for the second STORE DATA 3A02") end
  end
  if rr.sw ~= 0x9000 then return res end
  -- Step 5: derive, check the receipt (86 L receipt, [85 L DR] before it).
  local answer = rr.data
  if bend.expect_receipt then
    local want = bytes_of(bend.expect_receipt, "expect_receipt")
    answer = answer:sub(1, #answer - #want) .. want
  end
  local ok, st, msg = dp:check_receipt(answer)
  res.receipt_ok = ok and true or false
  res.receipt_status = st
  res.stage = ok and "done" or "keys"
  if not ok then
    case.log("receipt check: " .. tostring(st) .. ": " .. tostring(msg))
    return res
  end
  local k = dp:keys()
  res.kvn = params.kvn
  keysets[hex.encode(aid)] = { enc = k.enc, mac = k.mac, dek = k.dek, kvn = res.kvn }
  dp:close()
  return res
end

-- The keyset established in this case for aid (nil when none). Never log it.
function M.keyset(aid)
  return keysets[hex.encode(aid)]
end

-- ---- SCP03t profile download -----------------------------------------------------------------

-- Package bytes from "ts48:NAME", a testpki name or hex.
function M.package_bytes(p)
  if p == nil then p = "ts48:SAIP2.3_NoBERTLV" end
  if p:find("^ts48:") then return testpki.bytes(p) end
  if p:find("^%x+$") and #p % 2 == 0 then return hex.decode(p) end
  error("package must be ts48:NAME or hex (the case sandbox reads no files): " .. p, 0)
end

-- smdp.with_header{package=, pol=hex, connectivity=hex, major=n} -> package bytes whose
-- ProfileHeader carries `pol` [4] and `connectivityParameters` [7] (SAIP PEDefinitions,
-- AUTOMATIC TAGS: 84 after iccid 83, 87 after the GFSTE list A6), and major-version [0]
-- = n when given.
function M.with_header(args)
  local pkg = M.package_bytes(args.package)
  local top = tlv.parse(pkg, { recurse = false })
  local hdr = top[1]
  if not hdr or hdr.tag ~= 0xA0 then error("the package does not start with a ProfileHeader", 0) end
  local kids = tlv.parse(hdr.value, { recurse = false })
  local out = {}
  for _, k in ipairs(kids) do
    if k.tag == 0x80 and args.major then
      out[#out + 1] = tlv.encode(0x80, string.char(args.major)) -- major-version [0] UInt8
    elseif k.tag ~= 0x84 and k.tag ~= 0x87 then
      out[#out + 1] = tlv.encode(k.tag, k.value)
    end
    if k.tag == 0x83 and args.pol then out[#out + 1] = tlv.encode(0x84, bytes_of(args.pol, "pol")) end
    if k.tag == 0xA6 and args.connectivity then
      out[#out + 1] = tlv.encode(0x87, bytes_of(args.connectivity, "connectivity"))
    end
  end
  return tlv.encode(0xA0, table.concat(out)) .. pkg:sub(hdr.size + 1)
end

-- ---- the profile's ICCID ---------------------------------------------------------------------

-- ICCID digits (20, as the SAIP ProfileHeader `iccid` [3] carries them: OCTET STRING (SIZE
-- (10)), digits in order) -> the 10 bytes, and the EF.ICCID form (TS 102 221 13.2: the
-- nibbles of each byte swapped).
local function iccid_bytes(digits, name)
  if type(digits) ~= "string" or not digits:find("^%x+$") or #digits ~= 20 then
    error(("%s must be 20 hex digits (the ProfileHeader's 10 ICCID bytes): %s"):format(name, tostring(digits)), 0)
  end
  return hex.decode(digits)
end
local function nibble_swap(b)
  return (b:gsub(".", function(c) local x = c:byte(); return string.char((x & 0x0F) << 4 | x >> 4) end))
end

-- Luhn check digit of a digit string (ITU-T E.118: the ICCID's last digit).
local function luhn(digits)
  local sum, double = 0, true
  for i = #digits, 1, -1 do
    local d = digits:byte(i) - 48
    if double then d = d * 2; if d > 9 then d = d - 9 end end
    sum, double = sum + d, not double
  end
  return tostring((10 - sum % 10) % 10)
end

-- smdp.iccid_for(tar) -> 20 digits: the ICCID the SM-DP gives the profile it downloads to
-- the ISD-P of `tar` (bytes) when the caller names none. An SM-DP personalises every
-- profile with its own ICCID (SGP.02 3.1.2: the ICCID identifies the profile; the eUICC
-- refuses one it already holds), while the harness's packages are all the same TS.48
-- test profile: the ICCID is the TS.48 prefix 8900012345, the TAR as 8 decimal digits,
-- 0 and the Luhn digit. ISD-Ps on a card have distinct TARs, so their profiles do not
-- collide.
function M.iccid_for(tar)
  local n = (tar:byte(1) << 16) | (tar:byte(2) << 8) | tar:byte(3)
  local d = ("8900012345%08d0"):format(n)
  return d .. luhn(d)
end

-- smdp.with_iccid(package bytes, iccid digits) -> package bytes, count: the ProfileHeader's
-- `iccid` [3] (83 0A) set to `iccid`, same length (no DER length changes), and every
-- EF.ICCID copy of the old value (its nibble-swapped form, in the file content of the MF
-- PE) set to the new one, so the profile does not name two ICCIDs (a card may check that
-- EF.ICCID matches the header; SGP.22's installFailedDueToDataMismatch is that check).
-- count = EF.ICCID copies rewritten.
function M.with_iccid(pkg, iccid)
  local new = iccid_bytes(iccid, "iccid")
  local top = tlv.parse(pkg, { recurse = false })
  local hdr = top[1]
  if not hdr or hdr.tag ~= 0xA0 then error("the package does not start with a ProfileHeader", 0) end
  local off = hdr.size - #hdr.value -- bytes of the header's own tag and length
  local at
  for _, k in ipairs(tlv.parse(hdr.value, { recurse = false })) do
    if k.tag == 0x83 then
      if #k.value ~= 10 then error("the ProfileHeader's iccid is not 10 bytes", 0) end
      at = off + k.size - 10
      break
    end
    off = off + k.size
  end
  if not at then error("the ProfileHeader has no iccid [3]", 0) end
  local old = pkg:sub(at + 1, at + 10)
  local head = pkg:sub(1, at) .. new .. pkg:sub(at + 11, hdr.size)
  local rest, count = pkg:sub(hdr.size + 1), 0
  local from, to = nibble_swap(old), nibble_swap(new)
  if from ~= to then
    local parts, i = {}, 1
    while true do
      local a, b = rest:find(from, i, true)
      if not a then break end
      parts[#parts + 1] = rest:sub(i, a - 1) .. to
      i, count = b + 1, count + 1
    end
    parts[#parts + 1] = rest:sub(i)
    rest = table.concat(parts)
  end
  return head .. rest, count
end

-- smdp.package_iccid(package bytes) -> 20 digits: the ProfileHeader's iccid.
function M.package_iccid(pkg)
  local ok, top = pcall(tlv.parse, pkg, { recurse = false })
  if not ok or not top[1] then return nil end
  local ok2, kids = pcall(tlv.parse, top[1].value, { recurse = false })
  if not ok2 then return nil end
  for _, k in ipairs(kids) do
    if k.tag == 0x83 then return hex.encode(k.value) end
  end
  return nil
end

-- SAIP EUICCResponse (PE_Definitions-3.3.1.asn): 30 { A0 { 30 PEStatus {80 status,
-- [81 identification], [82 additional], [83 offset]} ... } [81 aborted] [82 message] }.
function M.parse_euicc_response(b)
  local ok, top = pcall(tlv.parse, b)
  if not ok or #top ~= 1 or top[1].tag ~= 0x30 then
    return nil, "not a DER SEQUENCE: " .. hex.encode(b)
  end
  local r = { statuses = {}, aborted = false }
  for _, it in ipairs(top[1].children or {}) do
    if it.tag == 0xA0 then
      for _, pes in ipairs(it.children or {}) do
        local s = {}
        for _, f in ipairs(pes.children or {}) do
          local n = 0
          for i = 1, #f.value do n = n << 8 | f.value:byte(i) end
          if f.tag == 0x80 then s.status = n elseif f.tag == 0x81 then s.identification = n
          elseif f.tag == 0x82 then s.additional = n elseif f.tag == 0x83 then s.offset = n end
        end
        r.statuses[#r.statuses + 1] = s
      end
    elseif it.tag == 0x81 then
      r.aborted = true
    elseif it.tag == 0x82 then
      r.message = it.value
    end
  end
  if #r.statuses == 0 or r.statuses[1].status == nil then
    return nil, "EUICCResponse without peStatus"
  end
  return r
end

local function tar_keys(aid, args)
  local ks = keysets[hex.encode(aid)]
  if not ks and args.bend and args.bend.fake_keys then
    ks = { enc = case.random(16), mac = case.random(16), dek = case.random(16), kvn = 0x30 }
  end
  if not ks then
    error("precondition: no ISD-P keyset established in this case (smdp.establish_keyset first)", 0)
  end
  local enc, mac = ks.enc, ks.mac
  if args.bend and args.bend.wrong_keys then
    mac = mac:gsub(".", function(ch) return string.char(ch:byte() ~ 0x5A) end)
  end
  return enc, mac, ks
end

local function scp03t_opts()
  return { rmac_input = case.option("scp03t.rmac_input"),
           rmac_on_empty = case.option("scp03t.rmac_on_empty") == "yes" }
end

-- Sends the 84 of an SCP03t session (the 85 goes in front of the first segments).
-- Returns the host session and the IU response data, or nil (res has the error TLV).
local function scp03t_open(aid, tar, args, res)
  local bend = args.bend or {}
  local enc, mac, ks = tar_keys(aid, args)
  local o = scp03t_opts()
  local h = scp03t.host({ enc = enc, mac = mac, dek = ks.dek, kvn = bend.kvn or ks.kvn,
                          max_segment = args.segment or 1024, rmac_input = o.rmac_input,
                          rmac_on_empty = o.rmac_on_empty })
  -- SGP.02 4.1.3.3: 84 = INITIALIZE UPDATE in TLV form
  local r = send(tar, { items = { hex.encode(h:initialize_update()) } }, bend)
  por_ok(r, "SCP03t 84 script")
  local a = r.tlvs[1]
  if not a then fail("no answer to the 84 TLV") end
  if a.tag ~= 0x84 then
    res.error_tag = string.format("%X", a.tag)
    res.reason = a.value:byte(1)
    return nil
  end
  local ok, msg = pcall(h.process_iu_response, h, tlv.encode(a.tag, a.value))
  if not ok then fail("84 answer: " .. tostring(msg)) end
  return h, a.value
end

-- smdp.download_profile{aid=, tar=, package="ts48:NAME"|hex, iccid=, segment=1024, per_script=2,
--                       bend={...}} -> result
--   result: {installed, euicc_status, identification, offset, aborted, euicc_response,
--   segments, answered_86 (86 00 answers), error_tag ("9F46"...), reason, sent}
--   bend: mac_segment=k (corrupt the C-MAC of segment k, 1-based), truncate=n (drop the
--   last n bytes of the package), malformed="not_header"|"after_end"|"bad_length",
--   stop_after=k segments, sl=security level (33), kvn=, wrong_keys, ota={...},
--   resend_bad (with mac_segment: the segment as it should have been follows the
--   corrupted one in the same script; result resend_tag/resend_reason), data_before_ea
--   (an 86 right after the 84, without the 85: result error_tag/reason of that 86),
--   data_only (an 86 alone, no 84 or 85: result error_tag/reason), replay_ea (the 85
--   sent twice: result replay_tag, and after_replay_tag for the first segment after it),
--   iccid=20 digits|"package" (the ProfileHeader's ICCID, and EF.ICCID, set to a value
--   the SM-DP would not choose, e.g. one another ISD-P holds; "package": the package's
--   own ICCID untouched; smdp.with_iccid)
--   args.iccid=20 digits: the profile's ICCID (default smdp.iccid_for(tar); result iccid)
-- SGP.02 4.1.3.2 / 4.1.3.3; facts §4.3.

-- Sends one 86 (a block of data and an 8-byte MAC of the right size) that the card must
-- refuse because no authenticated session stands behind it; records the answer's tag
-- and reason byte in res. what: the script's name for por_ok; sent: for the message
-- when nothing came back.
local function send_stray_86(tar, bend, res, what, sent)
  local r = send(tar, { items = { hex.encode(tlv.encode(0x86, case.random(16) .. case.random(8))) } }, bend)
  por_ok(r, what)
  local a = r.tlvs[1]
  if not a then fail("no answer to " .. sent) end
  res.error_tag = string.format("%X", a.tag)
  res.reason = #a.value > 0 and a.value:byte(1) or nil
  return res
end
function M.download_profile(args)
  args = args or {}
  local bend = args.bend or {}
  local aid, tar = M.aid_tar(args)
  local pkg = M.package_bytes(args.package)
  -- SGP.02 3.1.2: the SM-DP personalises the profile with its ICCID (ProfileHeader iccid).
  local iccid = bend.iccid or args.iccid or M.iccid_for(tar)
  if iccid ~= "package" then pkg = M.with_iccid(pkg, iccid) else iccid = M.package_iccid(pkg) end
  if bend.truncate then pkg = pkg:sub(1, #pkg - bend.truncate) end
  if bend.malformed == "not_header" then
    pkg = "\xB0" .. pkg:sub(2)            -- first PE is not the ProfileHeader (A0)
  elseif bend.malformed == "after_end" then
    pkg = pkg .. tlv.encode(0xA0, "\x80\x01\x02") -- a PE after the end PE
  elseif bend.malformed == "bad_length" then
    pkg = pkg:sub(1, 1) .. "\x85\x01\x02\x03\x04\x05" .. pkg:sub(3) -- 5 length bytes
  end
  local res = { installed = false, answered_86 = 0, sent = 0, iccid = iccid }
  if bend.data_only then
    -- An 86 with no 84 before it in this card session (SGP.02 4.1.3.3: the session
    -- starts with 84/85).
    return send_stray_86(tar, bend, res, "SCP03t 86-only script", "an 86 sent without a session")
  end
  local h = scp03t_open(aid, tar, args, res)
  if not h then return res end
  if bend.data_before_ea then
    -- GP Amd D 6.2.4 / SGP.02 4.1.3.3: no 86 before the session is authenticated (85).
    return send_stray_86(tar, bend, res, "SCP03t 86-before-85 script", "the 86 TLV sent before the 85")
  end
  -- 85 first: the segments' C-MACs chain on from the EXTERNAL AUTHENTICATE's.
  local ea = hex.encode(h:external_authenticate(bend.sl or 0x33))
  local segs = h:segment(pkg, args.segment)
  res.segments = #segs
  local resend
  if bend.mac_segment and segs[bend.mac_segment] then
    local s = segs[bend.mac_segment]
    resend = bend.resend_bad and s or nil
    segs[bend.mac_segment] = s:sub(1, -2) .. string.char(s:byte(-1) ~ 0x01)
  end
  local last = bend.stop_after or #segs
  local per = args.per_script or 2
  local k, first_script = 1, true
  while k <= last do
    local items = {}
    if first_script then items[1] = ea end
    if first_script and bend.replay_ea then items[2] = ea end
    local base = k
    local upto = math.min(last, k + per - 1)
    local resent_at
    for j = k, upto do
      items[#items + 1] = hex.encode(segs[j])
      if resend and j == bend.mac_segment then
        items[#items + 1] = hex.encode(resend)
        resent_at = #items
      end
    end
    k = upto + 1
    local r = send(tar, { items = items }, bend)
    if resent_at then
      -- the answer to the resent segment: the item after the corrupted one's
      local a = r.tlvs[resent_at]
      if not a then fail("no answer to the resent segment") end
      res.resend_tag = string.format("%X", a.tag)
      res.resend_reason = a.tag ~= 0x86 and #a.value > 0 and a.value:byte(1) or nil
    end
    por_ok(r, "SCP03t script")
    local t0 = 1
    if first_script then
      local a = r.tlvs[1]
      if not a then fail("no answer to the 85 TLV") end
      if a.tag ~= 0x85 then
        res.error_tag, res.reason = string.format("%X", a.tag), a.value:byte(1)
        return res
      end
      local ok, msg = pcall(h.process_ea_response, h, tlv.encode(a.tag, a.value))
      if not ok then fail("85 answer: " .. tostring(msg)) end
      t0 = 2
      first_script = false
      if bend.replay_ea then
        -- the answer to the same 85 sent again in the open session
        local b = r.tlvs[2]
        if not b then fail("no answer to the replayed 85") end
        res.replay_tag = string.format("%X", b.tag)
        t0 = 3
        if b.tag ~= 0x85 then
          res.error_tag, res.reason = res.replay_tag, b.value:byte(1)
          local c = r.tlvs[3]
          res.after_replay_tag = c and string.format("%X", c.tag)
          return res
        end
      end
    end
    for j = t0, #r.tlvs do
      local a = r.tlvs[j]
      local segno = base + (j - t0)
      res.sent = segno
      if a.tag == 0x86 and #a.value == 0 then
        res.answered_86 = res.answered_86 + 1
      elseif a.tag == 0x86 then
        local ok, data = pcall(h.unwrap, h, tlv.encode(a.tag, a.value), segno)
        if not ok then fail(("answer to segment %d: %s"):format(segno, tostring(data))) end
        res.euicc_response = hex.encode(data)
        local er, msg = M.parse_euicc_response(data)
        if not er then fail(("answer to segment %d: %s"):format(segno, msg)) end
        res.euicc_status = er.statuses[1].status
        res.identification = er.statuses[1].identification
        res.offset = er.statuses[1].offset
        res.aborted = er.aborted
        res.installed = er.statuses[1].status == 0
        return res
      else
        -- 9F46 01 reason (facts §4.3); the session is over
        res.error_tag = string.format("%X", a.tag)
        res.reason = #a.value > 0 and a.value:byte(1) or nil
        return res
      end
    end
    if #r.tlvs < #items then
      fail(("the card answered %d of %d SCP03t items"):format(#r.tlvs, #items))
    end
  end
  return res
end

-- smdp.initialize_update{aid=, tar=, form="scp03t"|"scp03", bend={kvn=}} -> {card_challenge,
-- seq (integer), kvn, i, error_tag, reason, sw}: one INITIALIZE UPDATE on the ISD-P's
-- keyset (SCP03t 84 TLV, or the APDU in a script), no session opened after it. The answer
-- is the IU response data (GP Amd D 7.1.1.6; facts §3): KDD (10) | KVN | 03 | i | card
-- challenge (8) | card cryptogram (8) | sequence counter (3, with i b5 = pseudo-random).
function M.initialize_update(args)
  args = args or {}
  local aid, tar = M.aid_tar(args)
  local res = {}
  local data
  if (args.form or "scp03t") == "scp03t" then
    local h, iu = scp03t_open(aid, tar, args, res)
    if not h then return res end
    data = iu
  else
    local enc, mac, ks = tar_keys(aid, args)
    local s = scp03.host({ enc = enc, mac = mac, dek = ks.dek, kvn = ks.kvn, sl = 0x33 })
    local r = send(tar, { commands = { hex.encode(s:initialize_update()) } }, args.bend)
    por_ok(r, "INITIALIZE UPDATE script")
    local iu = r.responses[1]
    if not iu then fail("no R-APDU for INITIALIZE UPDATE") end
    res.sw = iu.sw
    if iu.sw ~= 0x9000 then return res end
    local ok, msg = pcall(s.process_iu_response, s, iu.data .. "\x90\x00")
    if not ok then fail("INITIALIZE UPDATE answer: " .. tostring(msg)) end
    data = iu.data
  end
  if not data or #data < 32 then fail("INITIALIZE UPDATE answer of " .. tostring(data and #data) .. " bytes (32 with a sequence counter)") end
  res.kvn = data:byte(11)
  res.i = data:byte(13)
  res.card_challenge = hex.encode(data:sub(14, 21))
  res.seq = string.unpack(">I3", data:sub(30, 32))
  return res
end

-- ---- ES8.UpdateConnectivityParameters ---------------------------------------------------------

-- smdp.update_connectivity{aid=, tar=, params=hex (3A07 value), transport="scp03"|
--                          "scp03t"|"plain", bend={sl=, wrong_keys}} -> {sw, euicc_status, error_tag}
-- SGP.02 4.1.3.4; facts §5.2 (WHTY-SR: SCP03 session in APDU form to the ISD-P).
function M.update_connectivity(args)
  args = args or {}
  local bend = args.bend or {}
  local aid, tar = M.aid_tar(args)
  local value = bytes_of(args.params or M.DEFAULT_CONN, "params")
  local dgi = "\x3A\x07" .. string.char(#value) .. value
  local transport = args.transport or case.option("es8.connectivity_transport")
  local res = {}
  -- STORE DATA P1 88: last block, DGI, no response (facts §5.2)
  local sd = "\x80\xE2\x88\x00" .. string.char(#dgi) .. dgi
  if transport == "plain" then
    local r = send(tar, { commands = { hex.encode(sd) } }, bend)
    por_ok(r, "3A07 script")
    res.sw = r.responses[1] and r.responses[1].sw
    return res
  elseif transport == "scp03t" then
    local h = scp03t_open(aid, tar, args, res)
    if not h then return res end
    local r = send(tar, { items = { hex.encode(h:external_authenticate(bend.sl or 0x33)),
                                    hex.encode(h:wrap(dgi)) } }, bend)
    por_ok(r, "SCP03t 3A07 script")
    local a = r.tlvs[2] or r.tlvs[1]
    if not a or a.tag ~= 0x86 then
      res.error_tag = a and string.format("%X", a.tag)
      res.reason = a and a.value:byte(1)
      return res
    end
    local ok, data = pcall(h.unwrap, h, tlv.encode(a.tag, a.value))
    if not ok then fail("3A07 answer: " .. tostring(data)) end
    local er = #data > 0 and M.parse_euicc_response(data) or nil
    res.euicc_status = er and er.statuses[1].status or 0
    res.sw = res.euicc_status == 0 and 0x9000 or res.euicc_status
    return res
  end
  -- SCP03 in APDU form: INITIALIZE UPDATE, then EXTERNAL AUTHENTICATE + wrapped STORE DATA
  local enc, mac, ks = tar_keys(aid, args)
  local s = scp03.host({ enc = enc, mac = mac, dek = ks.dek, kvn = ks.kvn, sl = bend.sl or 0x33 })
  local r = send(tar, { commands = { hex.encode(s:initialize_update()) } }, bend)
  por_ok(r, "INITIALIZE UPDATE script")
  local iu = r.responses[1]
  if not iu then fail("no R-APDU for INITIALIZE UPDATE") end
  res.sw_iu = iu.sw
  if iu.sw ~= 0x9000 then res.sw = iu.sw; return res end
  local ok, msg = pcall(s.process_iu_response, s, iu.data .. "\x90\x00")
  if not ok then fail("INITIALIZE UPDATE answer: " .. tostring(msg)) end
  local cmds = { hex.encode(s:external_authenticate(bend.sl or 0x33)), hex.encode(s:wrap(sd)) }
  r = send(tar, { commands = cmds }, bend)
  por_ok(r, "EXTERNAL AUTHENTICATE/3A07 script")
  res.sw_ea = r.responses[1] and r.responses[1].sw
  if res.sw_ea ~= 0x9000 then res.sw = res.sw_ea; return res end
  local sr = r.responses[2]
  if not sr then fail("no R-APDU for the wrapped STORE DATA 3A07") end
  local rap = sr.data .. string.char(sr.sw >> 8, sr.sw & 0xFF)
  local ok2, _, sw = pcall(s.unwrap, s, rap)
  if not ok2 then fail("STORE DATA 3A07 answer: " .. tostring(_)) end
  res.sw = sw
  return res
end

-- expect `refusal: { sw_cert: "6982", ... }`: each named result field (a status word)
-- is a refusal. Option es8.refusal_sw: exact (the SW written, the default) or any (any
-- SW but 9000 and the warnings 62xx/63xx): the SWs of the ES8 refusals are UNCONFIRMED
-- (docs/spec-notes.md, ES8).
expect.register("refusal", function(r, want)
  if type(want) ~= "table" then return false, "refusal: expects a mapping of SW fields" end
  local any = case.option("es8.refusal_sw") == "any"
  local keys = {}
  for k in pairs(want) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do
    local got, w = r[k], want[k]
    if math.type(got) ~= "integer" then
      return false, ("refusal: the result has no status word '%s'"):format(k)
    end
    local refused = got ~= 0x9000 and (got >> 8) ~= 0x62 and (got >> 8) ~= 0x63 and (got >> 8) ~= 0x61
    if not refused then
      return false, ("%s: %04X, a refusal%s expected"):format(k, got, any and "" or (" (" .. tostring(w) .. ")"))
    end
    if not any then
      local n = type(w) == "string" and tonumber(w, 16) or w
      if n ~= got then return false, ("%s: expected %s, got %04X"):format(k, tostring(w), got) end
    end
  end
  return true
end)

return M
