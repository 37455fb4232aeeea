#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Independent cross-check of SCP80 (ETSI TS 102 225 / 3GPP TS 31.115) and of the crypto
primitives it uses, against rsptest's C implementation.

The reference below is written from the protocol definition in
docs/sgp02-facts.md §1 (field order, padding rule, RC/CC input rules, PoR
layout) with Python `cryptography` (Debian python3-cryptography, run with /usr/bin/python3)
and zlib; it shares no code with harness/. The C side is reached through
tests/tools/rt_scp80_tool (one request per line on stdin, see that file).

Random cases cover DES, 3DES 2-key, 3DES 3-key, DES-ECB and AES-128/192/256 ciphering,
CRC16/CRC32 RC and DES/3DES/AES CC (AES CC of 4 and 8 bytes), no security at all, every
counter mode and PoR setting, both dialects. The seed is printed; set RT_XCHECK_SEED to
replay a failure. Exit status 0 = all cases agree.
"""
import os
import random
import subprocess
import sys
import zlib

from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# ---------------------------------------------------------------- primitives ----


def _blockcipher(name, key):
    if name == "aes":
        return algorithms.AES(key), 16
    # TripleDES with an 8-byte key is single DES (K1=K2=K3), with 16 bytes 2-key EDE.
    return algorithms.TripleDES(key), 8


def ref_encrypt(name, key, data, ecb=False):
    alg, bs = _blockcipher(name, key)
    mode = modes.ECB() if ecb else modes.CBC(bytes(bs))  # TS 102 225: zero ICV
    enc = Cipher(alg, mode).encryptor()
    return enc.update(data) + enc.finalize()


def ref_cmac(key, data):
    c = cmac.CMAC(algorithms.AES(key))
    c.update(data)
    return c.finalize()


def ref_cbc_mac(key, data):
    """DES/3DES CBC-MAC: zero IV, zero padding to 8 (empty input = one block), last block."""
    if len(data) % 8 or not data:
        data = data + bytes(8 - len(data) % 8)
    return ref_encrypt("des", key, data)[-8:]


def ref_crc16(data):
    """ISO/IEC 13239 CRC-16: x^16+x^12+x^5+1, LSB-first, preset FFFF, final complement."""
    reg = 0xFFFF
    for byte in data:
        for bit in range(8):
            inbit = (byte >> bit) & 1
            top = reg & 1
            reg >>= 1
            if top ^ inbit:
                reg ^= 0x8408
    return reg ^ 0xFFFF


def ref_crc32(data):
    return zlib.crc32(data) & 0xFFFFFFFF


# -------------------------------------------------------- SCP80 definitions ----

# Cipher families by KIc low nibble (TS 102 225 5.1.2) and key lengths.
KIC_ALGS = {
    0x1: ("des", [8], False),
    0x5: ("des", [16], False),
    0x9: ("des", [24], False),
    0xD: ("des", [8], True),  # DES-ECB (legacy)
    0x2: ("aes", [16, 24, 32], False),
}
# KID nibble -> (CC algorithm + key lengths, RC algorithm or None) (TS 102 225 5.1.3).
KID_ALGS = {
    0x1: (("des", [8]), "crc16"),
    0x5: (("des", [16]), "crc32"),
    0x9: (("des", [24]), None),
    0x2: (("aes", [16, 24, 32]), None),
}


def check_value(kind, kid_nibble, kid_key, data, aes_len):
    """RC/CC bytes for SPI check kind 0 none / 1 RC / 2 CC."""
    if kind == 0:
        return b""
    cc_alg, rc_alg = KID_ALGS[kid_nibble]
    if kind == 1:
        if rc_alg == "crc16":
            return ref_crc16(data).to_bytes(2, "big")
        return ref_crc32(data).to_bytes(4, "big")
    if cc_alg[0] == "aes":
        return ref_cmac(kid_key, data)[:aes_len]
    return ref_cbc_mac(kid_key, data)


def check_len(kind, kid_nibble, aes_len):
    if kind == 0:
        return 0
    if kind == 1:
        return 2 if KID_ALGS[kid_nibble][1] == "crc16" else 4
    return aes_len if KID_ALGS[kid_nibble][0][0] == "aes" else 8


def ber(n):
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return bytes([0x81, n])
    return bytes([0x82, n >> 8, n & 0xFF])


def ref_wrap(c):
    """Command packet. SMS: UDH 027000 + CPL(2) CHL SPI KIc KID TAR | CNTR PCNTR CC data pad;
    generic: CPI 01 + BER CPL + BER CHL + same. CC input: CPL..TAR (SMS) or CPI..TAR
    (generic), then CNTR PCNTR data pad. Cipher CNTR..end."""
    spi1 = c["spi"][0]
    kind, ciph = spi1 & 3, (spi1 >> 2) & 1
    kic_n, kid_n = c["kic"] & 0xF, c["kid"] & 0xF
    cl = check_len(kind, kid_n, c["aes_len"])
    pad = 0
    if ciph:
        bs = 16 if KIC_ALGS[kic_n][0] == "aes" else 8
        pad = -(6 + cl + len(c["data"])) % bs
    body = c["data"] + bytes(pad)
    chl = 13 + cl
    hdr_tail = bytes([chl]) + c["spi"] + bytes([c["kic"], c["kid"]]) + c["tar"]
    cpl = len(hdr_tail) + 6 + cl + len(body)
    if c["dialect"] == "sms":
        lead, cc_lead = b"\x02\x70\x00" + cpl.to_bytes(2, "big"), cpl.to_bytes(2, "big")
        lead_hdr = lead + hdr_tail
        cc_in = cc_lead + hdr_tail
    else:
        lead_hdr = b"\x01" + ber(cpl) + hdr_tail
        cc_in = lead_hdr
    cc_in += c["cntr"] + bytes([pad]) + body
    chk = check_value(kind, kid_n, c["kid_key"], cc_in, c["aes_len"])
    sec = c["cntr"] + bytes([pad]) + chk + body
    if ciph:
        name, _, ecb = KIC_ALGS[kic_n]
        sec = ref_encrypt(name, c["kic_key"], sec, ecb)
    return lead_hdr + sec


def ref_por(c, status, data):
    """PoR. SMS: UDH 027100 + RPL(2) RHL TAR | CNTR PCNTR status CC data pad; generic:
    RPI 02 + BER RPL + BER RHL + same. CC input: everything from the first byte (UDH
    included) minus the CC, in plain text. SPI2 b5 ciphers from CNTR on."""
    spi2 = c["spi"][1]
    kind, ciph = (spi2 >> 2) & 3, (spi2 >> 4) & 1
    kic_n, kid_n = c["kic"] & 0xF, c["kid"] & 0xF
    cl = check_len(kind, kid_n, c["aes_len"])
    pad = 0
    if ciph:
        bs = 16 if KIC_ALGS[kic_n][0] == "aes" else 8
        pad = -(7 + cl + len(data)) % bs
    body = data + bytes(pad)
    rhl = 10 + cl
    rpl = 1 + 3 + 7 + cl + len(body)
    if c["dialect"] == "sms":
        lead = b"\x02\x71\x00" + rpl.to_bytes(2, "big")
    else:
        lead = b"\x02" + ber(rpl)
    lead += bytes([rhl]) + c["tar"]
    cc_in = lead + c["cntr"] + bytes([pad, status]) + body
    chk = check_value(kind, kid_n, c["kid_key"], cc_in, c["aes_len"])
    sec = c["cntr"] + bytes([pad, status]) + chk + body
    if ciph:
        name, _, ecb = KIC_ALGS[kic_n]
        sec = ref_encrypt(name, c["kic_key"], sec, ecb)
    return lead + sec


def card_expect(spi1, cntr, stored, cntr11="one"):
    """Status the receiving entity owes for the counter (TS 102 225 5.1.1, Table 5.3)."""
    mode = (spi1 >> 3) & 3
    if mode == 3 and cntr11 == "higher":
        mode = 2
    if mode < 2:
        return 0x00
    if stored == 0xFFFFFFFFFF:
        return 0x04
    if cntr <= stored:
        return 0x02
    if mode == 3 and cntr != stored + 1:
        return 0x03
    return 0x00


# ------------------------------------------------------------ random cases ----


def rand_case(rng):
    kic_n = rng.choice(list(KIC_ALGS))
    kid_n = rng.choice(list(KID_ALGS))
    cipher = rng.random() < 0.75
    kinds = [0, 2] + ([1] if KID_ALGS[kid_n][1] else [])
    kind = rng.choice(kinds)
    por_kind = rng.choice(kinds)
    por_ciph = rng.random() < 0.5
    cntr_mode = rng.randrange(4)
    por_req = rng.choice([0, 1, 1, 2])
    spi1 = kind | (cipher << 2) | (cntr_mode << 3)
    spi2 = por_req | (por_kind << 2) | (por_ciph << 4) | (rng.randrange(2) << 5)
    kic_key_len = rng.choice(KIC_ALGS[kic_n][1])
    kid_key_len = rng.choice(KID_ALGS[kid_n][0][1])
    cntr = rng.randrange(1, 0xFFFFFFFFFF)
    return {
        "dialect": rng.choice(["sms", "gen"]),
        "spi": bytes([spi1, spi2]),
        "kic": (rng.randrange(1, 16) << 4) | kic_n,
        "kid": (rng.randrange(1, 16) << 4) | kid_n,
        "tar": bytes(rng.randrange(256) for _ in range(3)),
        "cntr": cntr.to_bytes(5, "big"),
        "kic_key": bytes(rng.randrange(256) for _ in range(kic_key_len)),
        "kid_key": bytes(rng.randrange(256) for _ in range(kid_key_len)),
        "data": bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 7, 8, 15, 16, 17, rng.randrange(200), rng.randrange(300)]))),
        "aes_len": rng.choice([8, 8, 4]),
    }


def hx(b):
    return b.hex() if b else "-"


def read_vectors(path):
    """Parses a tests/vectors/scp80 file into a list of (kind, fields) records."""
    recs, cur = [], None
    with open(path) as f:
        for raw in f:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("["):
                cur = (line.strip("[]"), {})
                recs.append(cur)
                continue
            key, _, val = line.partition("=")
            cur[1][key.strip()] = val.strip()
    return recs


def check_vector_files(srcdir):
    """The published vectors, recomputed by the reference (independent of the C code)."""
    vdir = os.path.join(srcdir, "tests", "vectors", "scp80")
    n = bad = 0
    for name in sorted(os.listdir(vdir)):
        if not name.endswith(".txt"):
            continue
        for kind, f in read_vectors(os.path.join(vdir, name)):
            h = lambda k: bytes.fromhex(f.get(k, "").replace(" ", ""))
            c = {"dialect": f["dialect"], "spi": h("spi"), "kic": h("kic")[0],
                 "kid": h("kid")[0], "tar": h("tar"), "cntr": h("cntr"),
                 "kic_key": h("kic_key"), "kid_key": h("kid_key"), "data": h("data"),
                 "aes_len": int(f.get("aes_cc_len", "8"))}
            if kind == "cmd":
                got = ref_wrap(c)
            elif "expect" in f:
                continue
            else:
                got = ref_por(c, h("status")[0], h("data"))
            n += 1
            if got != h("packet"):
                bad += 1
                print("VECTOR MISMATCH %s %s\n  ref =%s\n  file=%s" %
                      (name, f.get("name"), got.hex(), h("packet").hex()))
    return n, bad


class Tool:
    def __init__(self, path):
        self.p = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, bufsize=1)

    def ask(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return self.p.stdout.readline().strip()

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def sec_fields(c):
    return "%s %s %02x %02x %s %s" % (c["dialect"], c["spi"].hex(), c["kic"], c["kid"],
                                      c["tar"].hex(), c["cntr"].hex())


def main():
    tooldir = os.environ.get("RT_TOOLDIR")
    if not tooldir:
        print("RT_TOOLDIR not set (run through ctest)")
        return 2
    seed = int(os.environ.get("RT_XCHECK_SEED", random.SystemRandom().randrange(1 << 32)))
    print("xcheck.scp80 seed=%d (replay: RT_XCHECK_SEED=%d)" % (seed, seed))
    rng = random.Random(seed)
    tool = Tool(os.path.join(tooldir, "rt_scp80_tool"))
    fails = 0
    counts = {}

    def bump(k):
        counts[k] = counts.get(k, 0) + 1

    def fail(what, case, got, want):
        nonlocal fails
        fails += 1
        if fails <= 10:
            print("MISMATCH %s\n  case=%r\n  got =%s\n  want=%s" % (what, case, got, want))

    # Fixed self-checks of the reference itself (public check values).
    assert ref_crc16(b"123456789") == 0x906E
    assert ref_crc32(b"123456789") == 0xCBF43926
    srcdir = os.environ.get("RT_SRCDIR")
    if srcdir:
        nvec, badvec = check_vector_files(srcdir)
        counts["vector-files"] = nvec
        fails += badvec

    for _ in range(300):
        c = rand_case(rng)
        want = ref_wrap(c).hex().upper()
        got = tool.ask("wrap %s %s %s %s %d" % (sec_fields(c), hx(c["kic_key"]), hx(c["kid_key"]),
                                                 hx(c["data"]), c["aes_len"]))
        bump("wrap")
        if got != "OK " + want:
            fail("wrap", c, got, want)
            continue
        # The card side opens the reference's packet; the counter relation is random.
        cntr = int.from_bytes(c["cntr"], "big")
        stored = rng.choice([cntr - 1, cntr - 1, cntr, max(0, cntr - rng.randrange(1, 1000)),
                             min(0xFFFFFFFFFE, cntr + 5), 0xFFFFFFFFFF])
        cntr11 = rng.choice(["one", "one", "higher"])
        exp_status = card_expect(c["spi"][0], cntr, stored, cntr11)
        line = "unwrap %s %s %s %010x 0000 %s %d %s" % (
            c["dialect"], hx(c["kic_key"]), hx(c["kid_key"]), stored, want, c["aes_len"],
            cntr11)
        got = tool.ask(line).split(" ")
        bump("unwrap")
        if got[0] != "RX" or int(got[2], 16) != exp_status:
            fail("unwrap status", c, " ".join(got), "%02X" % exp_status)
            continue
        por_req = c["spi"][1] & 3
        exp_por_wanted = por_req == 1 or (por_req == 2 and exp_status != 0)
        exp_data = hx(c["data"]).upper() if exp_status == 0 else "-"
        exp_upd = 1 if exp_status == 0 and ((c["spi"][0] >> 3) & 3) >= 2 else 0
        if got[3] != str(int(exp_por_wanted)) or got[4] != str(exp_upd) or \
                (exp_status == 0 and got[6] != exp_data) or \
                (exp_upd and got[5] != c["cntr"].hex().upper()):
            fail("unwrap result", c, " ".join(got), "por=%d upd=%d data=%s" %
                 (exp_por_wanted, exp_upd, exp_data))
            continue
        if exp_por_wanted:
            bump("card-por")
            exp_por = ref_por(c, exp_status, b"").hex().upper()
            if got[7] != exp_por:
                fail("card PoR", c, got[7], exp_por)
                continue
        # PoR built by the reference with random status and data, verified by C.
        status = rng.choice([0, 0, 1, 2, 3, 9, 0x0A, 0x0B])
        pdata = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 120)))
        por = ref_por(c, status, pdata)
        got = tool.ask("porverify %s %s %s %s %d" % (sec_fields(c), hx(c["kic_key"]),
                                                     hx(c["kid_key"]), por.hex(), c["aes_len"]))
        bump("porverify")
        if got != "OK %02X %s" % (status, hx(pdata).upper()):
            fail("porverify", c, got, "OK %02X %s" % (status, hx(pdata).upper()))
            continue
        got = tool.ask("por %s %02x %s %s %s %d" % (sec_fields(c), status, hx(c["kic_key"]),
                                                  hx(c["kid_key"]), hx(pdata), c["aes_len"]))
        bump("por")
        if got != "OK " + por.hex().upper():
            fail("por build", c, got, por.hex().upper())
            continue
        # A flipped byte in the secured part must never pass when a CC protects it.
        if (c["spi"][0] & 3) == 2:
            pkt = bytearray.fromhex(want)
            tail = len(c["cntr"]) + 1  # at least CNTR+PCNTR follow the TAR
            pos = len(pkt) - rng.randrange(1, tail + len(c["data"]) + 1)
            pkt[pos] ^= 1 << rng.randrange(8)
            got = tool.ask("unwrap %s %s %s 0000000000 0000 %s %d one" % (
                c["dialect"], hx(c["kic_key"]), hx(c["kid_key"]), pkt.hex(), c["aes_len"]))
            bump("tamper")
            if got.split(" ")[1] == "OK":
                fail("tampered packet accepted", c, got, "a failure")

    for _ in range(100):
        key = bytes(rng.randrange(256) for _ in range(rng.choice([16, 24, 32])))
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 100)))
        got = tool.ask("cmac %s %s" % (key.hex(), hx(data)))
        bump("cmac")
        if got != "OK " + ref_cmac(key, data).hex().upper():
            fail("cmac", (key.hex(), data.hex()), got, ref_cmac(key, data).hex())
    for _ in range(100):
        key = bytes(rng.randrange(256) for _ in range(rng.choice([8, 16, 24])))
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 100)))
        got = tool.ask("cbcmac %s %s" % (key.hex(), hx(data)))
        bump("cbcmac")
        if got != "OK " + ref_cbc_mac(key, data).hex().upper():
            fail("cbcmac", (key.hex(), data.hex()), got, ref_cbc_mac(key, data).hex())
    for _ in range(50):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 64)))
        got16 = tool.ask("crc16 %s" % hx(data))
        got32 = tool.ask("crc32 %s" % hx(data))
        bump("crc")
        if got16 != "OK %04X" % ref_crc16(data) or got32 != "OK %08X" % ref_crc32(data):
            fail("crc", data.hex(), got16 + " " + got32, "")
    tool.close()
    print("cases: " + ", ".join("%s=%d" % kv for kv in sorted(counts.items())))
    if fails:
        print("FAILED: %d mismatches (seed %d)" % (fails, seed))
        return 1
    print("all agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
