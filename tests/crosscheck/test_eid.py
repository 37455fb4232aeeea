#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""xcheck.eid — EID check digits recomputed independently of the C code.

The reference here is Python's arbitrary-precision integers applied to the SGP.29 §10
rule (check = 98 - (N mod 97) with the check digits zeroed; valid iff N mod 97 == 1),
nothing shared with harness/codec/rt_eid.c (which does digit-by-digit remainders).
Compares, through tests/tools/rt_codec_tool:
  - the public pySim EIDs (tests/unittests/test_euicc.py, contrib/eidtool.py, the GP
    test card EID in test_globalplatform.py),
  - 500 pseudo-random 30-digit bodies (fixed seed, so failures replay),
  - every single-digit corruption of one valid EID (mod 97 catches all of them).
"""
import os
import random
import subprocess
import sys

TOOL = os.path.join(os.environ.get("RT_TOOLDIR", "build/tests"), "rt_codec_tool")

PUBLIC_VALID = [
    "89049032123451234512345678901235",
    "89086030202200000022000023022943",
    "89044045116727494800000004479366",
    "89882119900000000000000000001654",
    "89882119900000000000000000000005",
]
PUBLIC_INVALID = ["89049032123451234512345678901234"]


def ref_complete(body30: str) -> str:
    n = int(body30 + "00")
    return body30 + "%02d" % (98 - n % 97)


def ref_valid(eid32: str) -> bool:
    # SGP.29 10: the check digits are the computed value (02..98); 00/01/99 also give
    # mod 97 == 1 but are not what the rule produces.
    return (eid32.startswith("89") and int(eid32) % 97 == 1
            and ref_complete(eid32[:30]) == eid32)


def tool(*args):
    p = subprocess.run([TOOL, *args], capture_output=True, text=True)
    return p.returncode, p.stdout.strip()


def main() -> int:
    if not os.access(TOOL, os.X_OK):
        print("xcheck.eid: %s not built" % TOOL)
        return 1
    bad = 0
    checked = 0

    def expect(cond, what):
        nonlocal bad, checked
        checked += 1
        if not cond:
            bad += 1
            print("MISMATCH:", what)

    for e in PUBLIC_VALID:
        expect(ref_valid(e), "reference rejects public EID %s" % e)
        rc, out = tool("eid-validate", e)
        expect(rc == 0 and out == "valid", "C rejects %s: %s" % (e, out))
        rc, out = tool("eid-complete", e[:30])
        expect(rc == 0 and out == e, "C completes %s as %s" % (e[:30], out))
    for e in PUBLIC_INVALID:
        expect(not ref_valid(e), "reference accepts %s" % e)
        rc, out = tool("eid-validate", e)
        expect(rc == 1 and out.startswith("invalid"), "C accepts %s" % e)

    rng = random.Random(20240229)
    for _ in range(500):
        body = "89" + "".join(rng.choice("0123456789") for _ in range(28))
        want = ref_complete(body)
        rc, out = tool("eid-complete", body)
        expect(rc == 0 and out == want, "complete %s: C %s, ref %s" % (body, out, want))

    # Bodies whose check digits are 97, 98 or 02: the aliases 00, 01, 99 (also mod 97
    # == 1) must be refused, the computed values accepted.
    found = {}
    while len(found) < 3:
        body = "89" + "".join(rng.choice("0123456789") for _ in range(28))
        c = 98 - int(body + "00") % 97
        if c in (97, 98, 2) and c not in found:
            found[c] = body
    for c, body in found.items():
        alias = c - 97 if c >= 97 else c + 97
        for cd in (c, alias):
            e = body + "%02d" % cd
            rc, _ = tool("eid-validate", e)
            expect((rc == 0) == ref_valid(e) and ref_valid(e) == (cd == c),
                   "check digits %02d of %s: C rc %d" % (cd, e, rc))

    base = PUBLIC_VALID[0]
    for i in range(2, 32):
        for d in "0123456789":
            if d == base[i]:
                continue
            e = base[:i] + d + base[i + 1:]
            rc, _ = tool("eid-validate", e)
            expect((rc == 0) == ref_valid(e), "corrupted %s: C rc %d" % (e, rc))

    print("xcheck.eid: %d checks, %d mismatches" % (checked, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
