-- SPDX-License-Identifier: Apache-2.0
-- ecka_establish.lua — a whole SGP.02 ES8 EstablishISDPKeySet (GP Amd E scenario #3,
-- ECKA-EG) between the reference SM-DP side and the reference card side (ECASD + ISD-P),
-- with the TEST ONLY PKI of certs/, on both curves, printing each check.
--
--   build/rsptest lua examples/ecka_establish.lua [p256|bp256]
--
-- Then two bent runs show how a negative case looks: a signature from the wrong key and
-- a receipt changed in transit. Exit status 0 when every check came out as expected.
local ec = require "rt.ec"
local cert = require "rt.cert"
local ecka = require "rt.ecka"
local hex = require "rt.hex"

local here = (arg and arg[0] or "examples/ecka_establish.lua"):match("^(.*)/[^/]*$") or "."
local pki = here .. "/../certs/"

local function read(path)
  local f = assert(io.open(pki .. path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function gp(curve, name)
  return hex.decode((read(curve .. "/" .. name .. ".7f21.hex"):gsub("%s", "")))
end

local failures = 0
local function check(what, ok, detail)
  print(string.format("  %-58s %s%s", what, ok and "ok" or "FAILED",
                      detail and ("  (" .. detail .. ")") or ""))
  if not ok then failures = failures + 1 end
end

local function world(curve)
  local w = {}
  w.ci = ec.load(read(curve .. "/ci.pem"))
  w.ci_info = cert.x509_info(read(curve .. "/ci.pem"))
  w.sk_dp = ec.load(read(curve .. "/smdp.key"))
  w.ecasd = ec.load(read(curve .. "/ecasd.key"))
  w.dp_cert = gp(curve, "smdp")
  -- the SM-DP learns PK.ECASD.ECKA from the EIS: CI -> EUM -> ECASD chain
  local leaf, status, msg = cert.verify_chain({ gp(curve, "eum"), gp(curve, "ecasd") }, w.ci,
                                              w.ci_info.ski, 20300101)
  check("SM-DP: CERT.ECASD.ECKA chain to the CI", leaf ~= nil, status and (status .. ": " .. msg))
  w.pk_ecasd = leaf
  return w
end

local function establish(curve, bend)
  local w = world(curve)
  local smdp = ecka.smdp { sk = w.sk_dp, cert = w.dp_cert, pk_ecasd = w.pk_ecasd }
  local card = ecka.card { pk_ci = w.ci, ci_id = w.ci_info.ski, sk_ecasd = w.ecasd,
                           opts = { date = 20300101 } }
  -- STORE DATA 80 E2 09 00: DGI 3A01 { CERT.DP.ECDSA }
  local m1 = smdp:cert_data()
  local r1, st, msg = card:cert(m1)
  check("card: CERT.DP.ECDSA verified with PK.CI, answers 85 RC", r1 ~= nil, st and (st .. ": " .. msg))
  if not r1 then return end
  check("SM-DP: RC received", smdp:take_rc(r1) ~= nil, hex.encode(r1))
  -- STORE DATA 80 E2 89 01: 3A02 { A6 } | 7F49 ePK | 5F37 signature
  local m2 = smdp:key_data()
  print("    A6 CRT  " .. hex.encode(smdp:a6()))
  if bend == "signature" then
    -- re-sign the same data with a key that is not SK.DP.ECDSA
    local a6dgi = ecka.dgi(0x3A02, smdp:a6())
    local epk = ecka.epk(smdp:epk(), curve == "p256" and "P-256" or "brainpoolP256r1")
    local other = ec.generate(w.sk_dp:curve())
    m2 = a6dgi .. epk .. require("rt.tlv").encode(0x5F37, other:sign(ecka.signed_data(a6dgi, epk, smdp:rc())))
  end
  local r2
  r2, st, msg = card:key_data(m2)
  if bend == "signature" then
    check("card refuses a signature by another key", r2 == nil and st == "bad signature", st)
    return
  end
  check("card: signature over 3A02|7F49|0085 RC, ECDH, KDF, receipt", r2 ~= nil, st and (st .. ": " .. msg))
  if not r2 then return end
  if bend == "receipt" then
    r2 = r2:sub(1, -2) .. string.char(r2:byte(-1) ~ 1)
  end
  local ok, rst = smdp:check_receipt(r2)
  if bend == "receipt" then
    check("SM-DP refuses a changed receipt", not ok and rst == "bad receipt", rst)
    return
  end
  check("SM-DP: receipt matches", ok, rst)
  local kd, kc = smdp:keys(), card:keys()
  check("both sides hold the same S-ENC / S-MAC / DEK (KVN 30)",
        kd.enc == kc.enc and kd.mac == kc.mac and kd.dek == kc.dek)
  check("ePK form on the wire", select(2, card:epk()) == "b0f0", select(2, card:epk()))
  smdp:close()
  card:close()
end

local curves = { arg and arg[1] or nil }
if not curves[1] then curves = { "p256", "bp256" } end
for _, curve in ipairs(curves) do
  print("== " .. curve .. ": EstablishISDPKeySet")
  establish(curve)
  print("== " .. curve .. ": bent signature")
  establish(curve, "signature")
  print("== " .. curve .. ": bent receipt")
  establish(curve, "receipt")
end
print(failures == 0 and "all checks ok" or (failures .. " check(s) failed"))
os.exit(failures == 0 and 0 or 1)
