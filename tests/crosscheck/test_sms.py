#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""xcheck.sms — SMS TPDUs, addresses and concatenation recomputed independently.

The reference is written here from the 3GPP TS 23.040 definitions (§9.2.2.1 SMS-DELIVER
and §9.2.2.2 SMS-SUBMIT layouts, §9.1.2.3 semi-octets, §9.1.2.5 address fields,
§9.2.3.24 user data header and §9.2.3.24.1/.8 concatenation IEs) and the TS 23.038
default alphabet for TON 5; nothing is shared with harness/codec/rt_sms.c. Compared,
through tests/tools/rt_sms_tool:
  - every public TPDU of tests/vectors/sms/tpdu.txt (pySim, the asterix card trace):
    field by field; the refused ones must be refused by both;
  - 400 random SMS-DELIVER/SMS-SUBMIT TPDUs (fixed seed) built by the reference;
  - 300 random address fields encoded by C and decoded by the reference;
  - 120 random packets split by C (both IE orders, 8/16-bit references) and checked
    against the 140-octet rule, then reassembled by the reference and by C.
"""
import os
import random
import subprocess
import sys

TOOL = os.path.join(os.environ.get("RT_TOOLDIR", "build/tests"), "rt_sms_tool")
SRC = os.environ.get("RT_SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SEMI = "0123456789*#abc"
GSM7 = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
assert len(GSM7) == 128


def tool(*args):
    p = subprocess.run([TOOL, *args], capture_output=True, text=True)
    return p.returncode, p.stdout


# --- reference (TS 23.040) ----------------------------------------------------------

class Bad(Exception):
    pass


def ref_addr_decode(b, pos):
    if len(b) - pos < 2:
        raise Bad("address truncated")
    nd, toa = b[pos], b[pos + 1]
    if nd > 20:
        raise Bad("address too long")
    octs = (nd + 1) // 2
    val = b[pos + 2:pos + 2 + octs]
    if len(val) != octs:
        raise Bad("address value truncated")
    if (toa >> 4) & 7 == 5:
        bits = int.from_bytes(val, "little")
        text = "".join(GSM7[(bits >> (7 * k)) & 0x7F] for k in range(nd * 4 // 7))
        return toa, nd, text, pos + 2 + octs
    nibbles = []
    for x in val:
        nibbles += [x & 15, x >> 4]
    digits = nibbles[:nd]
    if 15 in digits:
        raise Bad("filler inside")
    if nd % 2 and nibbles[nd] != 15:
        raise Bad("missing filler")
    return toa, nd, "".join(SEMI[d] for d in digits), pos + 2 + octs


def ref_alphabet(dcs):
    g = dcs >> 4
    if g <= 7:
        return ["7bit", "8bit", "ucs2", "reserved"][(dcs >> 2) & 3]
    if g in (0xC, 0xD):
        return "7bit"
    if g == 0xE:
        return "ucs2"
    if g == 0xF:
        return "8bit" if dcs & 4 else "7bit"
    return "reserved"


def ref_decode(kind, b):
    if not b:
        raise Bad("empty")
    fo = b[0]
    want = 0 if kind == "deliver" else 1
    if fo & 3 != want:
        raise Bad("mti")
    f = {"rp": fo >> 7 & 1, "udhi": fo >> 6 & 1}
    pos = 1
    if kind == "deliver":
        f.update(mms=fo >> 2 & 1, lp=fo >> 3 & 1, sri=fo >> 5 & 1)
    else:
        f.update(rd=fo >> 2 & 1, vpf=fo >> 3 & 3, srr=fo >> 5 & 1)
        if len(b) < 2:
            raise Bad("mr")
        f["mr"] = b[1]
        pos = 2
    toa, nd, digits, pos = ref_addr_decode(b, pos)
    f.update(toa=toa, ndigits=nd, digits=digits)
    if len(b) - pos < 2:
        raise Bad("pid/dcs")
    f["pid"], f["dcs"] = b[pos], b[pos + 1]
    pos += 2
    if kind == "deliver":
        if len(b) - pos < 7:
            raise Bad("scts")
        f["scts"] = b[pos:pos + 7].hex().upper()
        pos += 7
    else:
        vl = [0, 7, 1, 7][f["vpf"]]
        if len(b) - pos < vl:
            raise Bad("vp")
        f["vp"] = b[pos:pos + vl].hex().upper()
        pos += vl
    if len(b) - pos < 1:
        raise Bad("udl")
    udl = b[pos]
    pos += 1
    f["udl"] = udl
    if ref_alphabet(f["dcs"]) == "7bit":
        if udl > 160:
            raise Bad("udl")
        octs = (udl * 7 + 7) // 8
    else:
        if udl > 140:
            raise Bad("udl")
        octs = udl
    ud = b[pos:]
    if len(ud) != octs:
        raise Bad("ud length")
    ies = []
    udh = b""
    if f["udhi"]:
        if not ud or ud[0] + 1 > len(ud):
            raise Bad("udhl")
        udh = ud[:ud[0] + 1]
        p = 1
        while p < len(udh):
            if p + 2 > len(udh) or p + 2 + udh[p + 1] > len(udh):
                raise Bad("ie")
            ies.append("%02X:%s" % (udh[p], udh[p + 2:p + 2 + udh[p + 1]].hex().upper()))
            p += 2 + udh[p + 1]
    f["udh"] = udh.hex().upper()
    f["payload"] = ud[len(udh):].hex().upper()
    f["ie"] = ies
    return f


def ref_encode(kind, f, ies, payload):
    fo = (0 if kind == "deliver" else 1) | f["rp"] << 7 | f["udhi"] << 6
    out = bytearray()
    if kind == "deliver":
        fo |= f["mms"] << 2 | f["lp"] << 3 | f["sri"] << 5
        out.append(fo)
    else:
        fo |= f["rd"] << 2 | f["vpf"] << 3 | f["srr"] << 5
        out += bytes([fo, f["mr"]])
    d = f["digits"]
    nib = [SEMI.index(c) for c in d]
    if len(nib) % 2:
        nib.append(15)
    out += bytes([len(d), f["toa"]]) + bytes(nib[i] | nib[i + 1] << 4 for i in range(0, len(nib), 2))
    out += bytes([f["pid"], f["dcs"]])
    out += bytes.fromhex(f["scts"] if kind == "deliver" else f["vp"])
    ud = b""
    if f["udhi"]:
        h = b"".join(bytes([i, len(v)]) + v for i, v in ies)
        ud = bytes([len(h)]) + h
    ud += payload
    out += bytes([len(ud)]) + ud
    return bytes(out)


def c_decode(kind, hexs):
    rc, out = tool("decode", kind, hexs)
    if rc != 0:
        return None
    f = {"ie": []}
    for line in out.splitlines():
        k, v = line.split("=", 1)
        if k == "ie":
            f["ie"].append(v)
        elif k in ("scts", "vp", "udh", "payload", "digits"):
            f[k] = v
        else:
            f[k] = int(v)
    return f


def main() -> int:
    if not os.access(TOOL, os.X_OK):
        print("xcheck.sms: %s not built" % TOOL)
        return 1
    bad = 0
    checked = 0

    def expect(cond, what):
        nonlocal bad, checked
        checked += 1
        if not cond:
            bad += 1
            print("MISMATCH:", what)

    # 1. public vectors
    vec = os.path.join(SRC, "tests", "vectors", "sms", "tpdu.txt")
    nvec = 0
    for line in open(vec, encoding="utf-8"):
        line = line.split("#")[0].strip()
        if not line:
            continue
        kind, hx = line.split(None, 1)
        hx = "".join(hx.split())
        if kind in ("deliver", "submit", "bad-deliver", "bad-submit"):
            k = kind.replace("bad-", "")
            try:
                ref = ref_decode(k, bytes.fromhex(hx))
            except Bad:
                ref = None
            c = c_decode(k, hx)
            expect((ref is None) == kind.startswith("bad-"), "reference verdict on %s" % line)
            expect(ref == c, "%s %s: ref %s, C %s" % (k, hx, ref, c))
            nvec += 1

    # 2. random TPDUs built by the reference
    rng = random.Random(23040)
    for i in range(400):
        kind = rng.choice(["deliver", "submit"])
        f = {"rp": rng.randint(0, 1), "udhi": rng.randint(0, 1), "toa": rng.choice([0x81, 0x91, 0xA1, 0x80]),
             "digits": "".join(rng.choice(SEMI) for _ in range(rng.randint(0, 20))),
             "pid": rng.choice([0x7F, 0x00, rng.randint(0, 255)]), "dcs": rng.choice([0xF6, 0xF5, 0x04, 0x08, 0xF4])}
        if kind == "deliver":
            f.update(mms=rng.randint(0, 1), lp=rng.randint(0, 1), sri=rng.randint(0, 1),
                     scts=bytes(rng.randrange(256) for _ in range(7)).hex().upper())
        else:
            f.update(rd=rng.randint(0, 1), vpf=rng.randint(0, 3), srr=rng.randint(0, 1), mr=rng.randrange(256))
            f["vp"] = bytes(rng.randrange(256) for _ in range([0, 7, 1, 7][f["vpf"]])).hex().upper()
        ies = []
        room = 140
        if f["udhi"]:
            for _ in range(rng.randint(0, 4)):
                v = bytes(rng.randrange(256) for _ in range(rng.randint(0, 6)))
                ies.append((rng.choice([0x00, 0x08, 0x70, 0x71, rng.randrange(256)]), v))
            room -= 1 + sum(2 + len(v) for _, v in ies)
        payload = bytes(rng.randrange(256) for _ in range(rng.randint(0, room)))
        tp = ref_encode(kind, f, ies, payload)
        ref = ref_decode(kind, tp)
        c = c_decode(kind, tp.hex())
        expect(c == ref, "random %s %s: ref %s, C %s" % (kind, tp.hex(), ref, c))
        # one broken variant each: truncated by one octet must be refused by both
        expect(c_decode(kind, tp[:-1].hex()) is None, "C accepts truncated %s" % tp[:-1].hex())

    # 3. addresses encoded by C, decoded by the reference
    for i in range(300):
        toa = rng.choice([0x81, 0x91, 0xA1])
        d = "".join(rng.choice(SEMI) for _ in range(rng.randint(0, 20)))
        rc, out = tool("addr", "%02X" % toa, d)
        b = bytes.fromhex(out.strip())
        t2, nd, d2, end = ref_addr_decode(b, 0)
        expect(rc == 0 and t2 == toa and d2 == d and end == len(b), "addr %s -> %s" % (d, out))
    for text in ["Tele2", "Vodafone", "ABCDEFGHIJK", "@$_x", "a"]:
        rc, out = tool("addr", "D0", text)
        b = bytes.fromhex(out.strip())
        _, nd, d2, _ = ref_addr_decode(b, 0)
        expect(rc == 0 and d2 == text and nd == (len(text) * 7 + 3) // 4, "alnum %s -> %s" % (text, out))

    # 4. concatenation: C splits, the reference checks the layout and reassembles
    for i in range(120):
        n = rng.choice([0, 1, 137, 138, 269, 270, 271, rng.randint(1, 2000)])
        pkt = bytes(rng.randrange(256) for _ in range(n))
        order = rng.choice(["concat_first", "cpi_first"])
        r16 = rng.randint(0, 1)
        ref = rng.randrange(65536 if r16 else 256)
        iei = rng.choice([0x70, 0x71])
        rc, out = tool("concat", order, str(r16), str(ref), "%02X" % iei, pkt.hex())
        uds = [bytes.fromhex(x) for x in out.split()]
        expect(rc == 0 and all(len(u) <= 140 for u in uds), "concat sizes n=%d" % n)
        if n + 3 <= 140:
            expect(len(uds) == 1 and uds[0] == bytes([2, iei, 0]) + pkt, "single n=%d" % n)
            continue
        cie = bytes([8, 4]) + ref.to_bytes(2, "big") if r16 else bytes([0, 3, ref])
        parts = []
        for s, u in enumerate(uds, 1):
            hl = u[0] + 1
            ie = cie + bytes([len(uds), s])
            if s == 1:
                pie = bytes([iei, 0])
                want = (ie + pie) if order == "concat_first" else (pie + ie)
            else:
                want = ie
            expect(u[1:hl] == want, "UDH of segment %d: %s" % (s, u[:hl].hex()))
            expect(s == len(uds) or len(u) == 140, "segment %d not full" % s)
            parts.append(u[hl:])
        expect(b"".join(parts) == pkt, "reference reassembly n=%d" % n)
        shuffled = uds[:]
        rng.shuffle(shuffled)
        rc, out = tool("reasm", *[u.hex() for u in shuffled])
        expect(rc == 0 and bytes.fromhex(out.strip()) == pkt, "C reassembly n=%d" % n)

    print("xcheck.sms: %d checks (%d public TPDUs), %d mismatches" % (checked, nvec, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
