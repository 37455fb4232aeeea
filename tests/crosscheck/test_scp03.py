#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Independent cross-check of SCP03 (GP Card Spec Amendment D) and SCP03t (SGP.02 4.1.3.3)
against rsptest's C implementation.

The reference below is written from the protocol definitions in
docs/sgp02-facts.md §3 and §4.3 and docs/spec-notes.md, SCP03 (KDF layout,
derivation constants, cryptograms, C-MAC chaining, C-DECRYPTION counter/ICV, R-MAC, R-ENC,
DEK key component blocks, SCP03t TLV framing) with Python `cryptography` (Debian
python3-cryptography, run with /usr/bin/python3); it shares no code with harness/. The C
side is reached through tests/tools/rt_scp03_tool (one request per line on stdin).

Random sessions cover AES-128/192/256, S8 and S16, security levels 00 01 03 11 13 31 33,
pseudo-random and random card challenges, commands of the four ISO cases with and without
data, success / warning / error status words and empty or long responses; SCP03t runs
cover several segment sizes, both R-MAC input options and answers with and without data.
The seed is printed; pass it as the first argument or in RT_XCHECK_SEED to replay.
Exit status 0 = all cases agree.
"""
import os
import random
import subprocess
import sys

from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

N_SESSIONS = int(os.environ.get("RT_XCHECK_SESSIONS", "240"))
N_SCP03T = int(os.environ.get("RT_XCHECK_SCP03T", "60"))
AID = bytes.fromhex("A0000005591010FFFFFFFF8900001000")

# ------------------------------------------------------------------ primitives ----


def aes_cmac(key, data):
    c = cmac.CMAC(algorithms.AES(key))
    c.update(data)
    return c.finalize()


def aes_cbc(key, iv, data, decrypt=False):
    c = Cipher(algorithms.AES(key), modes.CBC(iv))
    op = c.decryptor() if decrypt else c.encryptor()
    return op.update(data) + op.finalize()


def aes_block(key, block):
    op = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return op.update(block) + op.finalize()


def iso_pad(data):
    """GP CS B.2.3 / ISO 9797-1 method 2: 80 then zeros to a multiple of 16, always."""
    data = data + b"\x80"
    return data + bytes((-len(data)) % 16)


def iso_unpad(data):
    stripped = data.rstrip(b"\x00")
    assert stripped and stripped[-1] == 0x80, "bad padding"
    return stripped[:-1]


# ------------------------------------------------------- SCP03 definitions ----

DC_CARD_CRYPTO, DC_HOST_CRYPTO, DC_CARD_CHALLENGE = 0x00, 0x01, 0x02
DC_S_ENC, DC_S_MAC, DC_S_RMAC = 0x04, 0x06, 0x07


def kdf(key, constant, context, nbytes):
    """SP 800-108 counter mode, PRF = AES-CMAC; fixed input as Amendment D 4.1.5 orders it:
    label (11 zero bytes, then the derivation constant), a zero separator, L in bits on
    two bytes, the one-byte counter i, then the context."""
    out = b""
    i = 1
    while len(out) < nbytes:
        fixed = bytes(11) + bytes([constant]) + b"\x00" + (nbytes * 8).to_bytes(2, "big")
        out += aes_cmac(key, fixed + bytes([i]) + context)
        i += 1
    return out[:nbytes]


class Ref:
    """One SCP03 session as both ends compute it."""

    def __init__(self, enc, mac, hc, cc, s):
        ctx = hc + cc
        n = len(enc)
        self.s_enc = kdf(enc, DC_S_ENC, ctx, n)
        self.s_mac = kdf(mac, DC_S_MAC, ctx, n)
        self.s_rmac = kdf(mac, DC_S_RMAC, ctx, n)
        self.card_cryptogram = kdf(self.s_mac, DC_CARD_CRYPTO, ctx, s)
        self.host_cryptogram = kdf(self.s_mac, DC_HOST_CRYPTO, ctx, s)
        self.s = s
        self.chain = bytes(16)
        self.counter = 0

    def icv(self, response):
        block = bytearray(self.counter.to_bytes(16, "big"))
        if response:
            block[0] = 0x80
        return aes_block(self.s_enc, bytes(block))

    def mac(self, data):
        full = aes_cmac(self.s_mac, self.chain + data)
        self.chain = full
        return full[: self.s]

    def rmac(self, data):
        return aes_cmac(self.s_rmac, self.chain + data)[: self.s]


def parse_capdu(apdu):
    """ISO 7816-4 short or extended C-APDU -> (header, data, le bytes or None, extended)."""
    hdr, body = apdu[:4], apdu[4:]
    if not body:
        return hdr, b"", None, False
    if len(body) == 1:
        return hdr, b"", body, False
    if body[0] == 0 and len(body) >= 3:
        if len(body) == 3:
            return hdr, b"", body, True
        lc = int.from_bytes(body[1:3], "big")
        data = body[3 : 3 + lc]
        rest = body[3 + lc :]
        return hdr, data, (rest if rest else None), True
    lc = body[0]
    data = body[1 : 1 + lc]
    rest = body[1 + lc :]
    return hdr, data, (rest if rest else None), False


def ref_wrap(ref, sl, apdu):
    """Amendment D 6.2.4 / 6.2.6 command protection, host side."""
    ref.counter += 1
    if not sl & 0x01:
        return apdu
    hdr, data, le, ext = parse_capdu(apdu)
    cla = hdr[0]
    if sl & 0x02 and data:
        data = aes_cbc(ref.s_enc, ref.icv(False), iso_pad(data))
    lc = len(data) + ref.s
    lc_field = (b"\x00" + lc.to_bytes(2, "big")) if ext else bytes([lc])
    mac_cla = (cla & 0xF0) | 0x04  # channel 0, b4 0, b3 1
    m = ref.mac(bytes([mac_cla]) + hdr[1:4] + lc_field + data)
    out = bytes([cla | 0x04]) + hdr[1:4] + lc_field + data + m
    if le is not None:
        out += b"\x00\x00" if ext else b"\x00"  # the host asks for the maximum
    return out


def ref_card_response(ref, sl, data, sw):
    """Amendment D 6.2.5 / 6.2.7 response protection, card side."""
    swb = sw.to_bytes(2, "big")
    if not sl & 0x10:
        return data + swb
    if not (sw == 0x9000 or swb[0] in (0x62, 0x63)):
        return swb  # error: the SW alone
    if sl & 0x20 and data:
        data = aes_cbc(ref.s_enc, ref.icv(True), iso_pad(data))
    return data + ref.rmac(data + swb) + swb


def ref_dek(dek, key, pad80):
    """GP CS Tables 11-70 / 11-71: whole blocks plain; else clear length | enc(padded)."""
    if len(key) % 16 == 0:
        return aes_cbc(dek, bytes(16), key)
    padded = key + (b"\x80" if pad80 else b"\x00")
    padded += bytes((-len(padded)) % 16)
    return bytes([len(key)]) + aes_cbc(dek, bytes(16), padded)


def ber_len(n):
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return b"\x81" + bytes([n])
    return b"\x82" + n.to_bytes(2, "big")


# ----------------------------------------------------------------- the tool ----


class Tool:
    def __init__(self):
        tooldir = os.environ.get("RT_TOOLDIR", os.path.join("build", "tests"))
        self.p = subprocess.Popen([os.path.join(tooldir, "rt_scp03_tool")], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, bufsize=1)

    def ask(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        ans = self.p.stdout.readline().strip()
        if not ans.startswith("OK"):
            raise AssertionError("tool: %s\n  request: %s" % (ans, line[:300]))
        return ans.split()[1:]

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def h(b):
    return b.hex().upper() if b else "-"


def unh(s):
    return b"" if s == "-" else bytes.fromhex(s)


def rand_apdu(rng, s, sl):
    cla = 0x80
    kase = rng.randint(1, 4)
    ins, p1, p2 = rng.choice([0xE2, 0xF2, 0xCA, 0xE6, 0xD8]), rng.randrange(256), rng.randrange(256)
    ext = rng.random() < 0.1
    maxlc = 1200 if ext else 255 - 16 - s
    data = rng.randbytes(rng.randint(1, maxlc)) if kase >= 3 else b""
    out = bytes([cla, ins, p1, p2])
    if ext:
        if data:
            out += b"\x00" + len(data).to_bytes(2, "big") + data
            if kase == 4:
                out += rng.randbytes(2)
        elif kase == 2:
            out += b"\x00" + rng.randbytes(2)
    else:
        if data:
            out += bytes([len(data)]) + data
        if kase in (2, 4):
            out += bytes([rng.randrange(256)])
    return out


def one_session(tool, rng, idx):
    keylen = rng.choice([16, 24, 32])
    s = rng.choice([8, 8, 16])
    enc, mac, dek = rng.randbytes(keylen), rng.randbytes(keylen), rng.randbytes(keylen)
    sl = rng.choice([0x00, 0x01, 0x03, 0x11, 0x13, 0x31, 0x33])
    pseudo = rng.random() < 0.7
    i = (0x10 if pseudo else 0) | 0x60 | (0x01 if s == 16 else 0)
    seq = rng.randint(1, 0xFFFFFE) if pseudo else 0
    hc, cc = rng.randbytes(s), rng.randbytes(s)
    kvn = rng.randint(0x30, 0x3F)
    cmds, rsps = [], []
    for _ in range(rng.randint(1, 12)):
        cmds.append(rand_apdu(rng, s, sl))
        sw = rng.choice([0x9000, 0x9000, 0x6310, 0x6283, 0x6A82, 0x6982])
        rsps.append((rng.randbytes(rng.choice([0, 0, 1, 15, 16, 17, 100, 230])), sw))
    line = "session %s %s %s %02X %X %02X %02X %s %s %X %s %s" % (
        h(enc), h(mac), h(dek), kvn, s, i, sl, h(hc), h(cc), seq,
        ",".join(h(c) for c in cmds), ",".join("%s:%04X" % (h(d), sw) for d, sw in rsps))
    got = tool.ask(line)

    ref = Ref(enc, mac, hc, cc, s)
    iu = bytes([0x80, 0x50, kvn, 0x00, s]) + hc + b"\x00"
    iur = bytes(10) + bytes([kvn, 0x03, i]) + cc + ref.card_cryptogram
    if pseudo:
        iur += seq.to_bytes(3, "big")
    iur += b"\x90\x00"
    # EXTERNAL AUTHENTICATE: MAC over 16 x 00 | 84 82 SL 00 Lc | host cryptogram
    ea_hdr = bytes([0x84, 0x82, sl, 0x00, 2 * s])
    ea = ea_hdr + ref.host_cryptogram + ref.mac(ea_hdr + ref.host_cryptogram)
    want = [h(iu), h(iur), h(ea)]
    wrapped, answers = [], []
    for c, (d, sw) in zip(cmds, rsps):
        wrapped.append(h(ref_wrap(ref, sl, c)))
        answers.append(h(ref_card_response(ref, sl, d, sw)))
    want += [",".join(wrapped), ",".join(answers)]
    for k, (a, b) in enumerate(zip(got, want)):
        if a != b:
            raise AssertionError("session %d field %d (keylen %d, S%d, SL %02X, i %02X):\n  C  %s\n"
                                 "  py %s" % (idx, k, keylen, s, sl, i, a[:200], b[:200]))
    return len(cmds)


def one_scp03t(tool, rng, idx):
    enc, mac = rng.randbytes(16), rng.randbytes(16)
    hc, cc = rng.randbytes(8), rng.randbytes(8)
    seq = rng.randint(1, 0xFFFF)
    kvn = 0x30
    sl = 0x33
    maxseg = rng.choice([1024, 512, 255, 128, 100, 2000])
    rmacopt = rng.choice([0, 1])
    pkg = rng.randbytes(rng.choice([1, 16, 17, 500, 1007, 1008, 3000, 9000]))
    answers = [rng.randbytes(rng.choice([0, 0, 3, 16, 40])) for _ in range(rng.randint(1, 4))]
    line = "scp03t %s %s %02X %s %s %X %02X %X %d %s %s" % (
        h(enc), h(mac), kvn, h(hc), h(cc), seq, sl, maxseg, rmacopt, h(pkg),
        ",".join(h(a) for a in answers))
    got = tool.ask(line)

    ref = Ref(enc, mac, hc, cc, 8)
    t84 = b"\x84\x0a" + bytes([kvn, 0x00]) + hc
    iur = bytes(10) + bytes([kvn, 0x03, 0x70]) + cc + ref.card_cryptogram + seq.to_bytes(3, "big")
    r84 = b"\x84" + ber_len(len(iur)) + iur
    # 85: the TLV header stands in for CLA INS P1 P2 Lc in the MAC input
    a85 = b"\x85" + bytes([1 + 16, sl])
    t85 = a85 + ref.host_cryptogram + ref.mac(a85 + ref.host_cryptogram)
    # 86 segments: the largest plain chunk whose 86 TLV stays within maxseg
    def tlv_size(p):
        body = (p // 16 + 1) * 16
        return 1 + len(ber_len(body + 8)) + body + 8
    payload = maxseg
    while tlv_size(payload) > maxseg:
        payload -= 1
    segs, rsps = b"", b""
    for k, off in enumerate(range(0, len(pkg), payload)):
        ref.counter += 1
        ct = aes_cbc(ref.s_enc, ref.icv(False), iso_pad(pkg[off : off + payload]))
        hdr = b"\x86" + ber_len(len(ct) + 8)
        segs += hdr + ct + ref.mac(hdr + ct)
        ans = answers[k % len(answers)]
        if not ans:
            rsps += b"\x86\x00"
        else:
            rct = aes_cbc(ref.s_enc, ref.icv(True), iso_pad(ans))
            rhdr = b"\x86" + ber_len(len(rct) + 8)
            rm = ref.rmac(rhdr + rct) if rmacopt == 0 else ref.rmac(rct)
            rsps += rhdr + rct + rm
    want = [h(t84), h(r84), h(t85), h(segs), h(rsps)]
    for k, (a, b) in enumerate(zip(got, want)):
        if a != b:
            raise AssertionError("scp03t %d field %d (maxseg %d, rmac %d, pkg %d):\n  C  %s\n"
                                 "  py %s" % (idx, k, maxseg, rmacopt, len(pkg), a[:200], b[:200]))


def small_checks(tool, rng):
    n = 0
    for _ in range(40):
        key = rng.randbytes(rng.choice([16, 24, 32]))
        const = rng.choice([0, 1, 2, 4, 6, 7])
        ctx = rng.randbytes(rng.choice([0, 16, 19, 32]))
        nb = rng.choice([8, 16, 24, 32, 48])
        assert tool.ask("kdf %s %02X %s %X" % (h(key), const, h(ctx), nb))[0] == h(kdf(key, const, ctx, nb))
        seq = rng.randint(0, 0xFFFFFF)
        s = rng.choice([8, 16])
        want = kdf(key, DC_CARD_CHALLENGE, seq.to_bytes(3, "big") + AID, s)
        assert tool.ask("challenge %s %X %s %X" % (h(key), seq, h(AID), s))[0] == h(want)
        assert tool.ask("kcv %s" % h(key))[0] == h(aes_block(key, b"\x01" * 16)[:3])
        klen = rng.randint(1, 48)
        k2 = rng.randbytes(klen)
        pad80 = rng.choice([0, 1])
        assert tool.ask("dek %s %s %d" % (h(key), h(k2), pad80))[0] == h(ref_dek(key, k2, pad80))
        n += 4
    return n


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else int(
        os.environ.get("RT_XCHECK_SEED", str(random.SystemRandom().randrange(1 << 32))))
    print("test_scp03.py seed %d (replay: /usr/bin/python3 %s %d)" % (seed, sys.argv[0], seed))
    rng = random.Random(seed)
    tool = Tool()
    try:
        nsmall = small_checks(tool, rng)
        ncmds = 0
        for k in range(N_SESSIONS):
            ncmds += one_session(tool, rng, k)
        for k in range(N_SCP03T):
            one_scp03t(tool, rng, k)
    finally:
        tool.close()
    print("agree: %d KDF/challenge/KCV/DEK checks, %d SCP03 sessions (%d commands), "
          "%d SCP03t downloads" % (nsmall, N_SESSIONS, ncmds, N_SCP03T))
    return 0


if __name__ == "__main__":
    sys.exit(main())
