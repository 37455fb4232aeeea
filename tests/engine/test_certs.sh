#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The TEST ONLY PKI in certs/: the generator works (a fresh PKI in a temp dir verifies),
# every committed chain verifies — X.509 with `openssl verify` and rt.cert.x509_verify,
# the SGP.02 7F21 forms with rt.cert.verify_chain (CI -> EUM -> ECASD, CI -> SM-DP /
# SM-SR), each 7F21 certifies the same key as its X.509 twin — and the derived files
# (harness/roles/euicc/rt_euicc_test_pki.c, lua/testpki.lua) match certs/.
. "$(dirname "$0")/lib.sh"
C="$RT_SRCDIR/certs"

# openssl_chains DIR — the X.509 chains of one PKI tree
openssl_chains() {
  local d=$1 cv
  for cv in p256 bp256; do
    check "$cv: EUM chains to the CI (openssl)" openssl verify -CAfile "$d/$cv/ci.pem" "$d/$cv/eum.pem"
    check "$cv: ECASD chains to the CI through the EUM (openssl)" \
      openssl verify -CAfile "$d/$cv/ci.pem" -untrusted "$d/$cv/eum.pem" "$d/$cv/ecasd.pem"
    check "$cv: SM-DP chains to the CI (openssl)" openssl verify -CAfile "$d/$cv/ci.pem" "$d/$cv/smdp.pem"
    check "$cv: SM-SR chains to the CI (openssl)" openssl verify -CAfile "$d/$cv/ci.pem" "$d/$cv/smsr.pem"
    check "$cv: smdp-ci2 chains to ci2 (openssl)" openssl verify -CAfile "$d/$cv/ci2.pem" "$d/$cv/smdp-ci2.pem"
    if openssl verify -CAfile "$d/$cv/ci.pem" "$d/$cv/smdp-ci2.pem" >/dev/null 2>&1; then
      bad "$cv: smdp-ci2 must not chain to the CI"
    else
      ok "$cv: smdp-ci2 does not chain to the CI"
    fi
  done
  check "TLS server chains to the TLS CA, purpose sslserver" \
    openssl verify -purpose sslserver -CAfile "$d/tls/ca.pem" "$d/tls/server.pem"
  check "TLS client chains to the TLS CA, purpose sslclient" \
    openssl verify -purpose sslclient -CAfile "$d/tls/ca.pem" "$d/tls/client.pem"
  check "TLS server names localhost" sh -c "openssl x509 -in '$d/tls/server.pem' -noout -ext subjectAltName | grep -q 'DNS:localhost'"
}

# 1. The generator: a fresh PKI in a temporary directory.
if bash "$C/make-test-pki.sh" "$WORK/pki" >"$WORK/gen.out" 2>&1; then
  ok "make-test-pki.sh OUTDIR writes a fresh PKI"
else
  bad "make-test-pki.sh OUTDIR failed"; cat "$WORK/gen.out"
fi
for f in p256/ci.pem p256/ecasd.7f21.hex bp256/smdp.7f21.hex tls/server.key; do
  check "fresh PKI has $f" test -s "$WORK/pki/$f"
done
check "fresh PKI differs from the committed one (new keys)" \
  sh -c "! cmp -s '$WORK/pki/p256/ci.pem' '$C/p256/ci.pem'"
openssl_chains "$WORK/pki"

# 2. The committed PKI.
openssl_chains "$C"

# 3. rt.cert on both trees: 7F21 chains, X.509 chains, 7F21 key = X.509 key.
cat >"$WORK/chains.lua" <<'LUA'
local cert, hex, ec = rt.cert, rt.hex, rt.ec
local dir = arg[1]
local fails = 0
local function say(ok, what) print((ok and "ok - " or "not ok - ") .. what); if not ok then fails = fails + 1 end end
local function read(p) local f = assert(io.open(dir .. "/" .. p, "rb")); local s = f:read("a"); f:close(); return s end
local function gp(p) return hex.decode((read(p):gsub("%s", ""))) end
local now = 1893456000 -- 2030-01-01, inside 2024..2049
for _, cv in ipairs({ "p256", "bp256" }) do
  local ci_pem = read(cv .. "/ci.pem")
  local ci_info, ci = cert.x509_info(ci_pem)
  local function chain(certs, root, id, what, policy)
    local leaf, st, msg = cert.verify_chain(certs, root, id, 20300101, policy)
    say(leaf ~= nil, cv .. ": 7F21 " .. what .. (leaf and "" or (" (" .. tostring(st) .. ": " .. tostring(msg) .. ")")))
    return leaf
  end
  local ecasd = chain({ gp(cv .. "/eum.7f21.hex"), gp(cv .. "/ecasd.7f21.hex") }, ci, ci_info.ski, "CI -> EUM -> ECASD")
  chain({ gp(cv .. "/smdp.7f21.hex") }, ci, ci_info.ski, "CI -> SM-DP")
  chain({ gp(cv .. "/smsr.7f21.hex") }, ci, ci_info.ski, "CI -> SM-SR")
  local ci2_info, ci2 = cert.x509_info(read(cv .. "/ci2.pem"))
  chain({ gp(cv .. "/smdp-ci2.7f21.hex") }, ci2, ci2_info.ski, "ci2 -> smdp-ci2")
  local bad = cert.verify_chain({ gp(cv .. "/smdp-ci2.7f21.hex") }, ci, ci_info.ski, 20300101)
  say(bad == nil, cv .. ": 7F21 smdp-ci2 does not verify under the CI")
  -- types and key usage (facts §4.4)
  say(cert.decode(gp(cv .. "/smdp.7f21.hex")).cert_type == 1, cv .. ": SM-DP 7F21 has C8 = 01")
  say(cert.decode(gp(cv .. "/smsr.7f21.hex")).cert_type == 2, cv .. ": SM-SR 7F21 has C8 = 02")
  -- the crafted SM-DP certificates (ES8 negative cases): signed by the CI, each refused
  -- for the one reason it was made for
  local ku, ku_st = cert.verify_chain({ gp(cv .. "/smdp-ku.7f21.hex") }, ci, ci_info.ski, 20300101,
                                      { key_usage = 0x88, cert_type = 1 })
  say(ku == nil and ku_st == "wrong key usage", cv .. ": smdp-ku is refused for its key usage (" .. tostring(ku_st) .. ")")
  say(cert.verify_chain({ gp(cv .. "/smdp-ku.7f21.hex") }, ci, ci_info.ski, 20300101, { cert_type = 1 }) ~= nil,
      cv .. ": smdp-ku verifies when the key usage is not asked")
  say(cert.decode(gp(cv .. "/smdp-ku.7f21.hex")).key_usage == 0x0080, cv .. ": smdp-ku has key usage 0080")
  local pt, pt_st = cert.verify_chain({ gp(cv .. "/smdp-pt.7f21.hex") }, ci, ci_info.ski, 20300101)
  say(pt == nil and pt_st == "bad certified key", cv .. ": smdp-pt is refused: its point is not on the curve (" .. tostring(pt_st) .. ")")
  local ptc = ec.load(read(cv .. "/smdp-pt.key")):curve()
  say(ptc ~= ci:curve(), cv .. ": smdp-pt's key is on the other curve (" .. tostring(ptc) .. ")")
  -- each 7F21 certifies the key of its X.509 twin and of its private key file
  for _, n in ipairs({ "eum", "ecasd", "smdp", "smsr", "smdp-ci2", "smdp-ku", "smdp-pt" }) do
    local d = cert.decode(gp(cv .. "/" .. n .. ".7f21.hex"))
    local _, xk = cert.x509_info(read(cv .. "/" .. n .. ".pem"))
    local sk = ec.load(read(cv .. "/" .. n .. ".key"))
    say(d.public_key == xk:public() and d.public_key == sk:public(), cv .. ": " .. n .. " 7F21 key = X.509 key = private key")
  end
  -- X.509 with rt.cert.x509_verify
  local function x(leaf, chain_, anchor, what)
    local okv, st, msg = cert.x509_verify(read(cv .. "/" .. leaf), chain_, read(cv .. "/" .. anchor), now)
    say(okv, cv .. ": X.509 " .. what .. (okv and "" or (" (" .. tostring(st) .. ": " .. tostring(msg) .. ")")))
  end
  x("eum.pem", nil, "ci.pem", "EUM under the CI")
  x("ecasd.pem", read(cv .. "/eum.pem"), "ci.pem", "ECASD under the CI through the EUM")
  x("smdp.pem", nil, "ci.pem", "SM-DP under the CI")
  x("smsr.pem", nil, "ci.pem", "SM-SR under the CI")
  local okv = cert.x509_verify(read(cv .. "/smdp-ci2.pem"), nil, ci_pem, now)
  say(not okv, cv .. ": X.509 smdp-ci2 does not verify under the CI")
  say(ecasd ~= nil and ecasd:public() == ec.load(read(cv .. "/ecasd.key")):public(), cv .. ": the ECASD chain ends in the ECASD key")
end
local okt = cert.x509_verify(read("tls/server.pem"), nil, read("tls/ca.pem"), now)
say(okt, "X.509 TLS server under the TLS CA")
os.exit(fails == 0 and 0 or 1)
LUA
for d in "$C" "$WORK/pki"; do
  if "$RSPTEST" lua "$WORK/chains.lua" "$d" >"$WORK/lua.out" 2>&1; then
    ok "rt.cert verifies every chain in $(basename "$d") ($(grep -c '^ok' "$WORK/lua.out") checks)"
  else
    bad "rt.cert on $d"; cat "$WORK/lua.out"
  fi
done

# 4. The derived files match the committed PKI.
bash "$C/make-test-pki.sh" --derived "$C" "$WORK/pki.c" "$WORK/testpki.lua"
check "rt_euicc_test_pki.c matches certs/ (rerun certs/make-test-pki.sh --derived certs ...)" \
  cmp -s "$WORK/pki.c" "$RT_SRCDIR/harness/roles/euicc/rt_euicc_test_pki.c"
check "lua/testpki.lua matches certs/ and tests/vectors/ts48" \
  cmp -s "$WORK/testpki.lua" "$RT_SRCDIR/lua/testpki.lua"
check "sut/reference.yaml names the committed ECASD certificate" \
  grep -q 'cert: p256/ecasd.7f21' "$RT_SRCDIR/sut/reference.yaml"
check "every private key is marked TEST ONLY by its certificate subject" \
  sh -c "for p in '$C'/*/*.pem; do openssl x509 -in \"\$p\" -noout -subject | grep -q 'TEST ONLY' || exit 1; done"
finish
