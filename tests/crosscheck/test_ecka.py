#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Independent cross-check of the SGP.02 key establishment (ES8 EstablishISDPKeySet,
GP Amd E scenario #3 / ECKA-EG) and of the EC primitives it uses, against rsptest's C.

The reference below is written from the definitions in docs/sgp02-facts.md
§4.2 and §4.4 (DGI and TLV layout, signed data 3A02 | 7F49 | 00 85 L RC, ShS = x of the
ECDH point, ANSI X9.63 KDF with SHA-256 and a 32-bit counter from 1, SharedInfo layout,
key split, receipt = AES-CMAC over A6 [| 85 L DR]) with Debian's python3-cryptography
and hashlib; it shares no code with harness/. The C side is reached through
tests/tools/rt_ecka_tool (one request per line). The openssl command line is a third
opinion for ECDH (`openssl pkeyutl -derive`).

Per run, on P-256 and brainpoolP256r1 with random keys: ECDH both ways, public key
derivation, ECDSA C->Python and Python->C (plain r||s), the X9.63 KDF, SharedInfo + split
+ receipt for random A6 parameters, and a whole establishment made by the C tool that is
re-verified and recomputed here step by step. The seed is printed; RT_XCHECK_SEED
replays a run; RT_XCHECK_RUNS sets the count (default 120). Exit 0 = all agree.
"""
import hashlib
import os
import random
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives import cmac, hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.kdf.x963kdf import X963KDF

CURVES = {"p256": (ec.SECP256R1(), 0x00), "bp256": (ec.BrainpoolP256R1(), 0x03)}


# ------------------------------------------------------------------ primitives ----

def priv_from_int(curve, d):
    return ec.derive_private_key(d, CURVES[curve][0])


def point(pub):
    return pub.public_bytes(serialization.Encoding.X962,
                            serialization.PublicFormat.UncompressedPoint)


def pub_from_point(curve, pt):
    return ec.EllipticCurvePublicKey.from_encoded_point(CURVES[curve][0], pt)


def ref_ecdh(priv, pub):
    return priv.exchange(ec.ECDH(), pub)  # x-coordinate, field length


def ref_x963(z, info, n):
    """BSI TR-03111 4.3.3: SHA-256(Z | counter32 | SharedInfo), counter from 1."""
    out = b""
    counter = 1
    while len(out) < n:
        out += hashlib.sha256(z + counter.to_bytes(4, "big") + info).digest()
        counter += 1
    return out[:n]


def ref_cmac(key, data):
    c = cmac.CMAC(algorithms.AES(key))
    c.update(data)
    return c.finalize()


def rs_to_der(sig):
    return utils.encode_dss_signature(int.from_bytes(sig[:32], "big"),
                                      int.from_bytes(sig[32:], "big"))


def der_to_rs(der):
    r, s = utils.decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def verify_rs(pub, msg, sig):
    try:
        pub.verify(rs_to_der(sig), msg, ec.ECDSA(hashes.SHA256()))
        return True
    except Exception:
        return False


# ------------------------------------------------------------- TLV and layout ----

def tlv_read(buf, pos):
    """BER-TLV at pos -> (tag int, value, next pos, header+value bytes)."""
    start = pos
    tag = buf[pos]
    pos += 1
    if tag & 0x1F == 0x1F:
        while True:
            tag = (tag << 8) | buf[pos]
            pos += 1
            if not buf[pos - 1] & 0x80:
                break
    ln = buf[pos]
    pos += 1
    if ln & 0x80:
        k = ln & 0x7F
        ln = int.from_bytes(buf[pos:pos + k], "big")
        pos += k
    val = buf[pos:pos + ln]
    assert len(val) == ln, "truncated TLV"
    return tag, val, pos + ln, buf[start:pos + ln]


def tlv(tag, val):
    t = tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")
    n = len(val)
    if n < 128:
        ln = bytes([n])
    elif n < 256:
        ln = bytes([0x81, n])
    else:
        ln = bytes([0x82]) + n.to_bytes(2, "big")
    return t + ln + val


def dgi_read(buf, pos):
    """GP DGI: 2-byte tag, 1-byte length or FF + 2 bytes."""
    tag = int.from_bytes(buf[pos:pos + 2], "big")
    if buf[pos + 2] == 0xFF:
        ln = int.from_bytes(buf[pos + 3:pos + 5], "big")
        hl = 5
    else:
        ln = buf[pos + 2]
        hl = 3
    return tag, buf[pos + hl:pos + hl + ln], pos + hl + ln


def a6_fields(a6):
    tag, val, _, _ = tlv_read(a6, 0)
    assert tag == 0xA6
    f, pos = {}, 0
    while pos < len(val):
        t, v, pos, _ = tlv_read(val, pos)
        f[t] = v
    return f


def ref_shared_info(f, dr, sin):
    """Key usage | key type | key length | [DR] | [len HostID | HostID] | [len SIN | SIN |
    len SDIN | SDIN] (facts §4.2, GP Amd A Table 3-28 per NJIWA)."""
    si = f[0x95] + f[0x80] + f[0x81] + dr
    if f[0x90][1] & 0x04:
        si += bytes([len(f[0x84])]) + f[0x84]
        if sin and f.get(0x45):
            si += bytes([len(sin)]) + sin + bytes([len(f[0x45])]) + f[0x45]
    return si


def ref_split(shs, f, dr, sin):
    kl = f[0x81][0]
    nkeys = 3 if f[0x95][0] == 0x10 else 1
    kd = ref_x963(shs, ref_shared_info(f, dr, sin), kl * (1 + nkeys))
    rk = kd[:kl]
    if nkeys == 3:
        return rk, kd[kl:2 * kl], kd[2 * kl:3 * kl], kd[3 * kl:4 * kl]
    return rk, kd[kl:2 * kl], kd[kl:2 * kl], kd[kl:2 * kl]


def ref_receipt(key, a6, dr, pad):
    data = a6 + (tlv(0x85, dr) if dr else b"")
    if pad:
        data += b"\x80"
        data += b"\x00" * (-len(data) % 16)
    return ref_cmac(key, data)


def make_a6(rng):
    sp = rng.choice([0x09, 0x0B, 0x0D, 0x0F, 0x08, 0x0A])
    body = tlv(0x90, bytes([3, sp])) + tlv(0x95, bytes([rng.choice([0x10, 0x5C])]))
    if rng.random() < 0.3:
        body += tlv(0x96, b"\x00")
    body += tlv(0x80, b"\x88") + tlv(0x81, bytes([rng.choice([16, 24, 32])]))
    body += tlv(0x82, b"\x01") + tlv(0x83, b"\x30") + tlv(0x91, os.urandom(rng.choice([0, 2, 3])))
    if sp & 0x04:
        body += tlv(0x45, os.urandom(rng.randint(1, 16))) + tlv(0x84, os.urandom(16))
    return tlv(0xA6, body)


# ------------------------------------------------------------------- the runs ----

class Tool:
    def __init__(self, path):
        self.p = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)

    def ask(self, *args):
        line = " ".join(a if isinstance(a, str) else (a.hex() or "-") for a in args)
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        ans = self.p.stdout.readline().split()
        if not ans or ans[0] != "OK":
            raise AssertionError("tool: %s -> %s" % (line[:80], " ".join(ans)))
        return [b"" if a == "-" else bytes.fromhex(a) for a in ans[1:]]

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def run_primitives(tool, rng, curve):
    a = ec.generate_private_key(CURVES[curve][0])
    b = ec.generate_private_key(CURVES[curve][0])
    da = a.private_numbers().private_value.to_bytes(32, "big")
    db = b.private_numbers().private_value.to_bytes(32, "big")
    (pa,) = tool.ask("pub", curve, da)
    check(pa == point(a.public_key()), "public point")
    (z,) = tool.ask("ecdh", curve, da, point(b.public_key()))
    check(z == ref_ecdh(a, b.public_key()), "ECDH a->b")
    (z2,) = tool.ask("ecdh", curve, db, point(a.public_key()))
    check(z2 == z, "ECDH b->a")
    msg = os.urandom(rng.randint(0, 300))
    (sig,) = tool.ask("sign", curve, da, msg)
    check(len(sig) == 64 and verify_rs(a.public_key(), msg, sig), "C signature verifies in Python")
    psig = der_to_rs(a.sign(msg, ec.ECDSA(hashes.SHA256())))
    # the verify answer is "OK 1" / "OK 0", not hex: read it raw
    tool.p.stdin.write("verify %s %s %s %s\n" % (curve, point(a.public_key()).hex(),
                                                   msg.hex() or "-", psig.hex()))
    tool.p.stdin.flush()
    check(tool.p.stdout.readline().split() == ["OK", "1"], "Python signature verifies in C")
    bad = bytearray(psig)
    bad[rng.randrange(64)] ^= 1 << rng.randrange(8)
    tool.p.stdin.write("verify %s %s %s %s\n" % (curve, point(a.public_key()).hex(),
                                                   msg.hex() or "-", bytes(bad).hex()))
    tool.p.stdin.flush()
    check(tool.p.stdout.readline().split() == ["OK", "0"], "flipped signature refused in C")
    # KDF against hashlib and against cryptography's X963KDF
    zz, info, n = os.urandom(rng.randint(1, 64)), os.urandom(rng.randint(0, 40)), rng.randint(1, 200)
    (kd,) = tool.ask("kdf", zz, info, str(n))
    check(kd == ref_x963(zz, info, n), "X9.63 KDF vs hashlib")
    check(kd == X963KDF(hashes.SHA256(), n, info or None).derive(zz), "X9.63 KDF vs cryptography")
    # SharedInfo, split and receipt for random parameters
    a6 = make_a6(rng)
    f = a6_fields(a6)
    dr = os.urandom(16) if f[0x90][1] & 0x02 else b""
    sin = os.urandom(rng.randint(1, 8)) if rng.random() < 0.5 else b""
    shs = ref_ecdh(a, b.public_key())
    si, rk, enc, mac, dek = tool.ask("derive", shs, a6, dr, sin)
    check(si == ref_shared_info(f, dr, sin), "SharedInfo")
    check((rk, enc, mac, dek) == ref_split(shs, f, dr, sin), "key split")
    pad = rng.randint(0, 1)
    (rc,) = tool.ask("receipt", rk, a6, dr, str(pad))
    check(rc == ref_receipt(rk, a6, dr, pad), "receipt")


def run_establish(tool, rng, curve):
    sp = rng.choice([0x09, 0x0B, 0x0D, 0x0F, 0x08])
    ku = rng.choice(["10", "5C"])
    form = rng.choice(["b0f0", "b0", "bare"])
    pad = rng.choice(["0", "1"])
    hid = os.urandom(16) if sp & 0x04 else b""
    sdin = os.urandom(rng.randint(1, 8)) if sp & 0x04 else b""
    sin = os.urandom(rng.randint(1, 8)) if (sp & 0x04 and rng.random() < 0.5) else b""
    (ci_pt, dp_d, ecasd_d, m1, r1, m2, r2, enc, mac, dek, rk) = tool.ask(
        "establish", curve, "%02X" % sp, ku, form, pad, hid, sdin, sin)
    ci = pub_from_point(curve, ci_pt)
    dp = priv_from_int(curve, int.from_bytes(dp_d, "big"))
    ecasd = priv_from_int(curve, int.from_bytes(ecasd_d, "big"))
    # 3A01 { 7F21 }: the signature covers the 7F21 value up to 5F37 (facts §4.4)
    tag, cert, end = dgi_read(m1, 0)
    check(tag == 0x3A01 and end == len(m1), "3A01 DGI")
    t, cval, _, _ = tlv_read(cert, 0)
    check(t == 0x7F21, "7F21")
    pos, fields = 0, {}
    while pos < len(cval):
        start = pos
        t, v, pos, _ = tlv_read(cval, pos)
        fields[t] = v
        if t == 0x5F37:
            tbs = cval[:start]
    check(verify_rs(ci, tbs, fields[0x5F37]), "certificate signature by CI")
    _, b0, nxt, _ = tlv_read(fields[0x7F49], 0)
    check(b0 == point(dp.public_key()), "certified key is the SM-DP key")
    # 85 RC
    t, rc, _, _ = tlv_read(r1, 0)
    check(t == 0x85 and len(rc) == 16, "RC")
    # 3A02 { A6 } | 7F49 | 5F37; signed: 3A02 DGI | 7F49 TLV | 00 85 L RC
    tag, a6, p1 = dgi_read(m2, 0)
    check(tag == 0x3A02, "3A02 DGI")
    t, epkv, p2, epk_tlv = tlv_read(m2, p1)
    check(t == 0x7F49, "7F49")
    t, sig, p3, _ = tlv_read(m2, p2)
    check(t == 0x5F37 and p3 == len(m2), "5F37 last")
    signed = m2[:p1] + epk_tlv + b"\x00\x85" + bytes([len(rc)]) + rc
    check(verify_rs(dp.public_key(), signed, sig), "key establishment signature by SK.DP")
    if form == "bare":
        check(len(epkv) == 65 and epkv[0] == 4, "bare ePK")
        epk = epkv
    else:
        t, epk, q, _ = tlv_read(epkv, 0)
        check(t == 0xB0, "B0")
        if form == "b0f0":
            t, ref, q, _ = tlv_read(epkv, q)
            check(t == 0xF0 and ref == bytes([CURVES[curve][1]]), "F0")
        check(q == len(epkv), "7F49 content")
    f = a6_fields(a6)
    check(f[0x90] == bytes([3, sp]) and f[0x95] == bytes.fromhex(ku) and f[0x83] == b"\x30",
          "A6 content")
    # card response [85 DR] 86 receipt
    pos, dr = 0, b""
    t, v, pos, _ = tlv_read(r2, pos)
    if t == 0x85:
        dr = v
        t, v, pos, _ = tlv_read(r2, pos)
    check(t == 0x86 and len(v) == 16 and pos == len(r2), "receipt TLV")
    check(bool(dr) == bool(sp & 0x02), "DR present iff asked")
    shs = ref_ecdh(ecasd, pub_from_point(curve, epk))
    rk2, enc2, mac2, dek2 = ref_split(shs, f, dr, sin)
    check((rk, enc, mac, dek) == (rk2, enc2, mac2, dek2), "keys of the establishment")
    check(v == ref_receipt(rk2, a6, dr, pad == "1"), "card receipt")


def run_openssl(rng, curve, work):
    a = ec.generate_private_key(CURVES[curve][0])
    b = ec.generate_private_key(CURVES[curve][0])
    ka, kb = os.path.join(work, "a.pem"), os.path.join(work, "b.pub.pem")
    with open(ka, "wb") as fh:
        fh.write(a.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()))
    with open(kb, "wb") as fh:
        fh.write(b.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo))
    z = subprocess.run(["openssl", "pkeyutl", "-derive", "-inkey", ka, "-peerkey", kb],
                       check=True, capture_output=True).stdout
    os.unlink(ka)
    return a, b, z


def main():
    tooldir = os.environ.get("RT_TOOLDIR", "build/tests")
    seed = int(os.environ.get("RT_XCHECK_SEED", random.SystemRandom().randrange(1 << 32)))
    runs = int(os.environ.get("RT_XCHECK_RUNS", "120"))
    print("seed %d (RT_XCHECK_SEED=%d replays the parameter choices), %d runs" % (seed, seed, runs))
    rng = random.Random(seed)
    tool = Tool(os.path.join(tooldir, "rt_ecka_tool"))
    count = 0
    try:
        for i in range(runs):
            curve = ("p256", "bp256")[i % 2]
            run_primitives(tool, rng, curve)
            run_establish(tool, rng, curve)
            count += 1
        with tempfile.TemporaryDirectory() as work:
            for i in range(10):
                curve = ("p256", "bp256")[i % 2]
                a, b, z = run_openssl(rng, curve, work)
                da = a.private_numbers().private_value.to_bytes(32, "big")
                (zc,) = tool.ask("ecdh", curve, da, point(b.public_key()))
                check(zc == z == ref_ecdh(a, b.public_key()), "ECDH vs openssl pkeyutl")
    except AssertionError as e:
        print("MISMATCH after %d runs: %s (seed %d)" % (count, e, seed))
        return 1
    finally:
        tool.close()
    print("%d runs agree (ECDH, ECDSA both ways, X9.63 KDF, SharedInfo, split, receipt, "
          "full establishment); 10 ECDH runs agree with openssl pkeyutl" % count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
