#!/usr/bin/env bash
# make-test-pki.sh — builds the TEST ONLY SGP.02 PKI under tests/vectors/ecka/ with the
# openssl command line alone (no rsptest code), on both SGP.02 curves:
#
#   <curve>/ci      self-signed CI root                       (CA)
#   <curve>/eum     EUM, signed by the CI                     (CA, path length 0)
#   <curve>/ecasd   CERT.ECASD.ECKA, signed by the EUM        (key agreement)
#   <curve>/smdp    CERT.DP.ECDSA, signed by the CI           (signature)
#   <curve>/smsr    CERT.SR.ECDSA, signed by the CI           (signature)
#   <curve>/ci2     a second, unrelated CI root ("wrong CI" negative cases)
#   <curve>/smdp-ci2  an SM-DP certificate signed by ci2
#   <curve>/smdp-badsig.pem  smdp.pem with one bit of its signature flipped
#
# Each gets <name>.key (PKCS#8 PEM, TEST ONLY) and <name>.pem (X.509). Validity is fixed
# (20240101 .. 20491231) so that tests can pick times before, inside and after it.
# For eum, ecasd, smdp, smsr and smdp-ci2 the script also writes the SGP.02 GP-style
# certificate <name>.7f21.hex (sgp02-facts §4.4: 7F21 { 93 serial | 42 CA id = issuer
# SKI | 5F20 subject id = own SKI | 95 key usage | 5F25 | 5F24 (BCD YYYYMMDD) | 73 {C8
# type, C9 AKI} | 7F49 {B0 04‖X‖Y, F0 key parameter reference} | 5F37 r‖s }), signed with
# `openssl dgst -sha256 -sign` by the issuer, the DER signature turned into r‖s with
# `openssl asn1parse`. Being built without our encoder, these files also check it.
#
# <curve> is p256 (NIST P-256, key parameter reference 00) or bp256 (brainpoolP256r1,
# reference 03). Rerunning makes new keys; commit the result together.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export W="$work"

cat >"$work/ca.cnf" <<'CNF'
[ ca ]
default_ca = ca_default
[ ca_default ]
database = $ENV::W/index.txt
new_certs_dir = $ENV::W/new
serial = $ENV::W/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ policy_any ]
organizationName = supplied
commonName = supplied
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
O = rsptest
[ v3_ci ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_eum ]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_ecasd ]
basicConstraints = critical, CA:false
keyUsage = critical, keyAgreement
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_sign ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF

START=20240101000000Z
END=20491231235959Z

# tlv TAGHEX VALUEHEX -> BER-TLV hex (definite length, minimal form)
tlv() {
  local tag=$1 val=$2 n=$(( ${#2} / 2 ))
  if [ "$n" -lt 128 ]; then printf '%s%02X%s' "$tag" "$n" "$val"
  elif [ "$n" -lt 256 ]; then printf '%s81%02X%s' "$tag" "$n" "$val"
  else printf '%s82%04X%s' "$tag" "$n" "$val"; fi
}
hexof() { xxd -p "$1" | tr -d '\n' | tr 'a-f' 'A-F'; }
ski() { openssl x509 -in "$1" -noout -ext subjectKeyIdentifier | sed -n 2p | tr -d ' :\n'; }
aki() { openssl x509 -in "$1" -noout -ext authorityKeyIdentifier | sed -n 2p | sed 's/keyid://' | tr -d ' :\n'; }
serial() { openssl x509 -in "$1" -noout -serial | sed 's/serial=//'; }
point() { openssl pkey -in "$1" -pubout -outform DER | tail -c 65 | xxd -p | tr -d '\n' | tr 'a-f' 'A-F'; }
ymd() { # notBefore/notAfter -> YYYYMMDD (ISO 8601 output of openssl x509 -dateopt)
  openssl x509 -in "$1" -noout "-$2" -dateopt iso_8601 | sed 's/.*=//' | cut -c1-10 | tr -d '-'
}

# sign_rs KEY HEXDATA -> r‖s hex (64 bytes), ECDSA with SHA-256
sign_rs() {
  printf '%s' "$2" | xxd -r -p >"$work/tbs.bin"
  openssl dgst -sha256 -sign "$1" -out "$work/sig.der" "$work/tbs.bin"
  local r s
  r=$(openssl asn1parse -inform DER -in "$work/sig.der" | awk -F: '/INTEGER/{print $NF}' | sed -n 1p)
  s=$(openssl asn1parse -inform DER -in "$work/sig.der" | awk -F: '/INTEGER/{print $NF}' | sed -n 2p)
  printf '%064s%064s' "$r" "$s" | tr ' ' 0
}

# newcert CURVE NAME ISSUER(or -) EXT SERIALHEX CN
newcert() {
  local cv=$1 name=$2 issuer=$3 ext=$4 ser=$5 cn=$6 dir="$here/$1" ossl
  case $cv in p256) ossl=P-256 ;; bp256) ossl=brainpoolP256r1 ;; esac
  openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$ossl" \
    -pkeyopt ec_param_enc:named_curve -out "$dir/$name.key" 2>/dev/null
  openssl req -new -key "$dir/$name.key" -subj "/O=rsptest TEST ONLY/CN=$cn" \
    -config "$work/ca.cnf" -out "$work/$name.csr"
  : >"$work/index.txt"
  rm -rf "$work/new" && mkdir "$work/new"
  echo "$ser" >"$work/serial"
  if [ "$issuer" = - ]; then
    openssl ca -batch -config "$work/ca.cnf" -selfsign -keyfile "$dir/$name.key" \
      -in "$work/$name.csr" -out "$dir/$name.pem" -extensions "$ext" -notext \
      -startdate $START -enddate $END -preserveDN 2>/dev/null
  else
    openssl ca -batch -config "$work/ca.cnf" -cert "$dir/$issuer.pem" -keyfile "$dir/$issuer.key" \
      -in "$work/$name.csr" -out "$dir/$name.pem" -extensions "$ext" -notext \
      -startdate $START -enddate $END -preserveDN 2>/dev/null
  fi
}

# gpcert CURVE NAME ISSUER USAGEHEX TYPEHEX(or -) — writes NAME.7f21.hex
gpcert() {
  local cv=$1 name=$2 issuer=$3 usage=$4 type=$5 dir="$here/$1" ref dd tbs sig
  case $cv in p256) ref=00 ;; bp256) ref=03 ;; esac
  dd=""
  [ "$type" != - ] && dd=$(tlv C8 "$type")
  dd="$dd$(tlv C9 "$(aki "$dir/$name.pem")")"
  tbs=$(tlv 93 "$(serial "$dir/$name.pem")")
  tbs="$tbs$(tlv 42 "$(ski "$dir/$issuer.pem")")"
  tbs="$tbs$(tlv 5F20 "$(ski "$dir/$name.pem")")"
  tbs="$tbs$(tlv 95 "$usage")"
  tbs="$tbs$(tlv 5F25 "$(ymd "$dir/$name.pem" startdate)")"
  tbs="$tbs$(tlv 5F24 "$(ymd "$dir/$name.pem" enddate)")"
  tbs="$tbs$(tlv 73 "$dd")"
  tbs="$tbs$(tlv 7F49 "$(tlv B0 "$(point "$dir/$name.key")")$(tlv F0 "$ref")")"
  sig=$(sign_rs "$dir/$issuer.key" "$tbs")
  tlv 7F21 "$tbs$(tlv 5F37 "$sig")" >"$dir/$name.7f21.hex"
  echo >>"$dir/$name.7f21.hex"
}

for cv in p256 bp256; do
  mkdir -p "$here/$cv"
  newcert $cv ci - v3_ci 01 "TEST CI $cv"
  newcert $cv eum ci v3_eum 0102 "TEST EUM $cv"
  newcert $cv ecasd eum v3_ecasd 0103 "TEST ECASD $cv"
  newcert $cv smdp ci v3_sign 0104 "TEST SM-DP $cv"
  newcert $cv smsr ci v3_sign 0105 "TEST SM-SR $cv"
  newcert $cv ci2 - v3_ci 02 "TEST OTHER CI $cv"
  newcert $cv smdp-ci2 ci2 v3_sign 0106 "TEST SM-DP under other CI $cv"
  # Key usage 88 for the signature keys (two implementations agree, facts §4.4);
  # 0080 for the ECASD key-agreement key (NJIWA's key-agreement constant; UNCONFIRMED).
  gpcert $cv eum ci 88 -
  gpcert $cv ecasd eum 0080 -
  gpcert $cv smdp ci 88 01
  gpcert $cv smsr ci 88 02
  gpcert $cv smdp-ci2 ci2 88 01
  # smdp-badsig.pem: smdp.pem with the last byte (inside the signature's s) changed
  openssl x509 -in "$here/$cv/smdp.pem" -outform DER -out "$work/bad.der"
  last=$(tail -c 1 "$work/bad.der" | xxd -p)
  head -c -1 "$work/bad.der" >"$work/bad2.der"
  printf '%02x' $(( 0x$last ^ 0x01 )) | xxd -r -p >>"$work/bad2.der"
  openssl x509 -inform DER -in "$work/bad2.der" -out "$here/$cv/smdp-badsig.pem"
done
echo "test PKI written under $here (TEST ONLY keys)"
