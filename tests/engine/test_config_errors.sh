#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Usage and configuration errors exit 2 with a message naming file:line:column.
. "$(dirname "$0")/lib.sh"

"$RSPTEST" run --report-dir "$WORK/r" "$HERE/cases/broken" >"$WORK/o1" 2>&1
check "broken YAML exits 2" test $? -eq 2
check "broken YAML names file:line:col" grep -q 'bad_syntax.yaml:[0-9]*:[0-9]*: YAML syntax error' "$WORK/o1"

"$RSPTEST" run --report-dir "$WORK/r" "$HERE/cases/unknownkey" >"$WORK/o2" 2>&1
check "unknown key exits 2" test $? -eq 2
check "unknown key named with position" grep -q "unknown_key.yaml:3:1: unknown key 'stpes'" "$WORK/o2"

"$RSPTEST" run --report-dir "$WORK/r" "$HERE/cases/badtype" >"$WORK/o3" 2>&1
check "type error exits 2" test $? -eq 2
check "type error named with position" grep -q "bad_type.yaml:3:10: 'timeout' must be a number" "$WORK/o3"

"$RSPTEST" run --no-such-option >"$WORK/o4" 2>&1
check "unknown option exits 2" test $? -eq 2

"$RSPTEST" run --sut "$WORK/missing.yaml" >"$WORK/o5" 2>&1
check "unreadable SUT file exits 2" test $? -eq 2
check "unreadable SUT file is named" grep -q 'missing.yaml: cannot open' "$WORK/o5"

printf 'name: x\nrole: toaster\n' >"$WORK/badsut.yaml"
"$RSPTEST" run --sut "$WORK/badsut.yaml" >"$WORK/o6" 2>&1
check "bad SUT role exits 2" test $? -eq 2
check "bad SUT role named with position" grep -q "badsut.yaml:2:7: 'role' must be one of" "$WORK/o6"

"$RSPTEST" run -k "a and" >"$WORK/o7" 2>&1
check "bad -k expression exits 2" test $? -eq 2

"$RSPTEST" run "$WORK/nonexistent" >"$WORK/o8" 2>&1
check "missing case path exits 2" test $? -eq 2

for sub in run list show lua card options; do
  "$RSPTEST" "$sub" --help >"$WORK/h" 2>&1
  check "$sub --help exits 0" test $? -eq 0
  check "$sub --help prints usage" grep -qi 'usage: rsptest' "$WORK/h"
done
"$RSPTEST" frobnicate >/dev/null 2>&1
check "unknown command exits 2" test $? -eq 2

# Named options: an unknown name or value is a configuration error with its position.
printf 'name: x\nrole: euicc\noptions:\n  scp80.aes_cc_len: 6\n' >"$WORK/opt1.yaml"
"$RSPTEST" run --sut "$WORK/opt1.yaml" >"$WORK/o10" 2>&1
check "bad option value exits 2" test $? -eq 2
check "bad option value named with position and choices" grep -q "opt1.yaml:4:21: option 'scp80.aes_cc_len' must be one of: 8, 4" "$WORK/o10"
printf 'name: x\nrole: euicc\noptions:\n  scp80.no_such: 1\n' >"$WORK/opt2.yaml"
"$RSPTEST" run --sut "$WORK/opt2.yaml" >"$WORK/o11" 2>&1
check "unknown option exits 2" test $? -eq 2
check "unknown option named" grep -q "opt2.yaml:4:3: unknown option 'scp80.no_such'" "$WORK/o11"

# A SUT that cannot be reached: every applicable case is an ERROR naming the cause.
printf 'name: absent reader\nrole: euicc\ncard:\n  transport: pcsc\n  reader: "no such reader"\n' >"$WORK/absent.yaml"
PCSCLITE_CSOCK_NAME="$WORK/no-pcscd.comm" "$RSPTEST" run --sut "$WORK/absent.yaml" --report-dir "$WORK/r9" -k EID-001 >"$WORK/o9" 2>&1
check "unreachable SUT (card never there) exits 2" test $? -eq 2
check "unreachable SUT is an ERROR naming the cause" grep -q '^ERROR EUICC-BASIC-EID-001 .*SUT unreachable' "$WORK/o9"
check "report written for an unreachable SUT" test -s "$WORK/r9/junit.xml"

# A misspelt expectation is a usage error at load time, never a verdict (issue 7):
# sww FAILed the card before, tlv.lenn passed silently.
mkdir -p "$WORK/bx1" "$WORK/bx2"
cp "$HERE/cases/verdicts/defaults.yaml" "$WORK/bx1/"
cp "$HERE/cases/verdicts/defaults.yaml" "$WORK/bx2/"
printf 'id: SELF-BADX-001\ntitle: typo in an expect key\nsteps:\n  - device.select: { aid: "${ISD_R_AID}" }\n    expect: { sww: "9000" }\n' >"$WORK/bx1/sww.yaml"
printf 'id: SELF-BADX-002\ntitle: typo in a tlv sub-key\nsteps:\n  - device.get_data: { tag: "5A" }\n    expect:\n      tlv: { tag: "5A", lenn: 3 }\n' >"$WORK/bx2/lenn.yaml"
"$RSPTEST" run --report-dir "$WORK/rbx1" "$WORK/bx1" >"$WORK/obx1" 2>&1
check "unknown expect key exits 2" test $? -eq 2
check "unknown expect key named with position" grep -q "sww.yaml:5:15: unknown expectation 'sww'" "$WORK/obx1"
check "no verdict for a case with a typo" sh -c "! grep -q '^FAIL ' '$WORK/obx1'"
"$RSPTEST" run --report-dir "$WORK/rbx2" "$WORK/bx2" >"$WORK/obx2" 2>&1
check "unknown tlv sub-key exits 2" test $? -eq 2
check "unknown tlv sub-key named with position" grep -q "lenn.yaml:6:25: unknown key 'lenn' in expect tlv" "$WORK/obx2"

# The SUT description's credentials are checked when it loads (issue 7): one usage error
# with its position, not an ERROR in every case.
sutkeys() { # sutkeys NAME SED-EXPR: the reference SUT with one edit
  sed -e "s|^  personality: .*|  personality: $RT_SRCDIR/sut/personalities/reference.yaml|" -e "$2" \
    "$RT_SRCDIR/sut/reference.yaml" >"$WORK/$1.yaml"
  "$RSPTEST" list --sut "$WORK/$1.yaml" >"$WORK/$1.out" 2>&1
}
# at FILE TEXT — "FILE:LINE" of the first line holding TEXT (positions follow the SUT
# files as they grow; the column is still checked literally)
at() { echo "$(basename "$1"):$(grep -nF -- "$2" "$1" | head -n1 | cut -d: -f1)"; }
sutkeys kvn0 's|    - kvn: 1|    - kvn: 0|'
check "SCP80 kvn 0 exits 2" test $? -eq 2
check "SCP80 kvn 0 named with position" grep -q "$(at "$WORK/kvn0.yaml" "kvn: 0"):12: scp80.keysets\[1\]: kvn must be 1..15" "$WORK/kvn0.out"
sutkeys kvn16 's|    - kvn: 1|    - kvn: 16|'
check "SCP80 kvn 16 exits 2" test $? -eq 2
sutkeys kiclen 's|      kic: "000102030405060708090A0B0C0D0E0F"|      kic: "0001020304050607"|'
check "AES KIc of 8 bytes exits 2" test $? -eq 2
check "AES KIc length named with position" grep -q "$(at "$WORK/kiclen.yaml" 'kic: "0001020304050607"'):12: scp80.keysets\[1\]: kic of 8 bytes does not fit aes (16, 24 or 32 bytes)" "$WORK/kiclen.out"
sutkeys deslen 's|      kid_alg: aes|      kid_alg: des|'
check "DES KID of 16 bytes exits 2" test $? -eq 2
check "DES KID length named" grep -q "kid of 16 bytes does not fit des (8 bytes)" "$WORK/deslen.out"
sutkeys kidhex 's|      kid: "101112131415161718191A1B1C1D1E1F"|      kid: "10111213141516171819ZZ1B1C1D1E1F"|'
check "non-hex KID exits 2" test $? -eq 2
check "non-hex KID named with position" grep -q "$(at "$WORK/kidhex.yaml" "ZZ1B"):12: scp80.keysets\[1\]: kid must be hex" "$WORK/kidhex.out"
sutkeys badalg 's|      kic_alg: aes|      kic_alg: aes256|'
check "unknown algorithm exits 2" test $? -eq 2
check "unknown algorithm named" grep -q "kic_alg must be one of: des, 3des2, 3des3, aes" "$WORK/badalg.out"
sutkeys curve 's|    curve: P-256|    curve: P-384|'
check "unknown curve exits 2" test $? -eq 2
check "unknown curve named with position" grep -q "$(at "$WORK/curve.yaml" "curve: P-384"):12: keys.ecasd.curve must be one of" "$WORK/curve.out"
sutkeys certname 's|    cert: p256/ecasd.7f21|    cert: p256/no-such.7f21|'
check "unknown certificate name exits 2" test $? -eq 2
check "unknown certificate named with position" grep -q "$(at "$WORK/certname.yaml" "no-such.7f21"):11: keys.ecasd.cert: 'p256/no-such.7f21' is neither" "$WORK/certname.out"
sutkeys ci 's|    ci: p256/ci|    ci: p256/nothere|'
check "unknown CI exits 2" test $? -eq 2
check "unknown CI named" grep -q "keys.ecasd.ci: 'p256/nothere' is no certificate of the test PKI" "$WORK/ci.out"
sutkeys smdpkey 's|    key: p256/smdp.key|    key: p256/smdp.pem|'
check "SM-DP key that is no key exits 2" test $? -eq 2
check "SM-DP key named" grep -q "keys.smdp.key: 'p256/smdp.pem' is no private key" "$WORK/smdpkey.out"
"$RSPTEST" list --sut "$RT_SRCDIR/sut/example-card-in-reader.yaml" >"$WORK/tmpl.out" 2>&1
check "the template's placeholders are a usage error (exit 2)" test $? -eq 2
check "... naming the first placeholder at file:line:col" \
  grep -q "$(at "$RT_SRCDIR/sut/example-card-in-reader.yaml" "cert: \"7F21"):11: keys.ecasd.cert: '7F21...' is neither hex .* template placeholder" "$WORK/tmpl.out"
"$RSPTEST" list --sut "$RT_SRCDIR/sut/reference.yaml" >"$WORK/ref.out" 2>&1
check "the reference SUT still loads" test $? -eq 0

finish
