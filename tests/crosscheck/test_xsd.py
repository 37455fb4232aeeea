#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A second validator for rsptest's XML Schema (xsd/esim-messaging-3.xsd): Debian's
python3-xmlschema (pure Python, its own XSD 1.0 implementation, sharing no code with
libxml2) validates the same function elements libxml2 does through rsptest
(tests/tools/rt_soap_tool validate), and the two must agree on every one.

  - every hand-written instance: tests/vectors/soap/*.xml (envelopes; the Body's child
    is validated, a Fault has no declaration) and tests/vectors/soap/bodies/*.xml
    (valid-* must be valid, invalid-* invalid, in both validators);
  - rsptest's encoder output (rt_soap_tool encode-request / encode) with random values,
    valid and broken on purpose (a required child dropped, an EID of the wrong length,
    a bad boolean, an unknown child, an EID with a hex letter), decided by construction;
  - the schema's global elements against the function table (rt_soap_tool elements).
The seed is printed; RT_XCHECK_SEED replays a run; RT_XCHECK_RUNS sets the count."""
import glob
import os
import random
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import xmlschema

ENV = "http://www.w3.org/2003/05/soap-envelope"
ESIM = "http://namespaces.gsma.org/esim-messaging/3"
SRC = os.environ.get("RT_SRCDIR", ".")
TOOL = os.path.join(os.environ.get("RT_TOOLDIR", "build/tests"), "rt_soap_tool")
XSD = os.path.join(SRC, "xsd", "esim-messaging-3.xsd")
VEC = os.path.join(SRC, "tests", "vectors", "soap")

seed = int(os.environ.get("RT_XCHECK_SEED", random.randrange(1 << 32)))
runs = int(os.environ.get("RT_XCHECK_RUNS", "40"))
rnd = random.Random(seed)
print(f"seed {seed}, {runs} runs")
failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL:", msg)


# No network, no file outside the schema's folder, no entity tricks.
schema = xmlschema.XMLSchema10(XSD, allow="sandbox", defuse="always")


def function_element(path):
    """The element to validate: the Body's child of an envelope, else the root."""
    root = ET.parse(path).getroot()
    if root.tag == f"{{{ENV}}}Envelope":
        body = root.find(f"{{{ENV}}}Body")
        return list(body)[0]
    return root


def py_verdict(path):
    el = function_element(path)
    try:
        schema.validate(el)
        return True, ""
    except (xmlschema.XMLSchemaValidationError, xmlschema.XMLSchemaChildrenValidationError) as e:
        return False, (e.reason or str(e)).splitlines()[0]
    except (KeyError, xmlschema.XMLSchemaException) as e:  # no global declaration
        return False, str(e).splitlines()[0]


def c_verdicts(paths):
    r = subprocess.run([TOOL, "validate", XSD, *paths], capture_output=True, check=False)
    if r.returncode != 0:
        raise RuntimeError(f"rt_soap_tool validate: {r.stderr.decode()}")
    out = {}
    for line in r.stdout.decode().splitlines():
        word, rest = line.split(" ", 1)
        path = rest.split(" line=", 1)[0]
        out[path] = (word == "valid", rest)
    return out


def agree(paths, expect):
    """Both validators judge every path; expect maps path -> True/False (or None)."""
    cv = c_verdicts(paths)
    for p in paths:
        pv, why = py_verdict(p)
        c_ok, c_why = cv[p]
        if pv != c_ok:
            fail(f"{os.path.basename(p)}: libxml2 says {'valid' if c_ok else 'invalid'} "
                 f"({c_why}), xmlschema says {'valid' if pv else 'invalid'} ({why})")
        elif expect.get(p) is not None and pv != expect[p]:
            fail(f"{os.path.basename(p)}: both say {'valid' if pv else 'invalid'}, "
                 f"expected {'valid' if expect[p] else 'invalid'}")
    return len(paths)


# ------------------------------------------------------------ hand-written instances ----

envs = sorted(glob.glob(os.path.join(VEC, "*.xml")))
bodies = sorted(glob.glob(os.path.join(VEC, "bodies", "*.xml")))
expect = {p: not os.path.basename(p).startswith("fault-") for p in envs}
expect.update({p: os.path.basename(p).startswith("valid-") for p in bodies})
n_hand = agree(envs + bodies, expect)
n_valid = sum(1 for p in envs + bodies if expect[p])
print(f"hand-written: {n_hand} instances ({n_valid} valid) judged alike")
if len(bodies) < 30:
    fail(f"only {len(bodies)} hand-written bodies")


# ------------------------------------------------------------ rsptest's encoder output --

def digits(n):
    return "".join(rnd.choice("0123456789") for _ in range(n))


def oid():
    return ".".join(str(rnd.randrange(0, 50000)) for _ in range(rnd.randrange(2, 8)))


def hexs(n):
    return "".join(rnd.choice("0123456789ABCDEFabcdef") for _ in range(2 * n))


def eid():
    return "89" + digits(30)


def iccid():
    return "89" + digits(rnd.randrange(16, 18)) + rnd.choice(["", "F", "f", "1"])


REQUESTS = {
    "ES3-CreateISDPRequest": lambda: [("Eid", eid()), ("Iccid", iccid()), ("Mno-id", oid()),
                                      ("RequiredMemory", str(rnd.randrange(0, 1 << 24)))]
    + ([("MoreToDo", rnd.choice(["true", "false", "1", "0"]))] if rnd.random() < .5 else []),
    "ES3-SendDataRequest": lambda: [("Eid", eid()), ("Sd-aid", hexs(rnd.randrange(5, 17))),
                                    ("Data", hexs(rnd.randrange(1, 200)))],
    "ES3-EnableProfileRequest": lambda: [("Eid", eid()), ("Iccid", iccid())],
    "ES4-DisableProfileRequest": lambda: [("Eid", eid()), ("Iccid", iccid())],
    "ES3-DeleteISDPRequest": lambda: [("Eid", eid()), ("Iccid", iccid())],
    "ES3-AuditEISRequest": lambda: [("Eid", eid())] + [("Iccid", iccid())
                                                       for _ in range(rnd.randrange(0, 4))],
    "ES4-PrepareSMSRChangeRequest": lambda: [("Eid", eid()), ("CurrentSMSRid", oid())],
    "ES2-GetEISRequest": lambda: [("Eid", eid()), ("Smsr-id", oid())],
}

BREAKS = ["drop", "eid-length", "unknown", "boolean", "eid-hex"]
RESPONSES = ["ES3-SendDataResponse", "ES3-EnableProfileResponse", "ES3-GetEISResponse",
             "ES4-UpdatePolicyRulesResponse", "ES7-HandoverEUICCResponse",
             "ES2-DownloadProfileResponse", "ES4A-SetPLMAResponse", "ES3-CreateISDPResponse",
             "ES7-AuthenticateSMSRResponse"]
NEEDS_MORE = {"ES3-CreateISDPResponse", "ES7-AuthenticateSMSRResponse"}
HDR = ["//1.2.3/urn:uuid:1", "https://a.example/?EntityId=1.2.3",
       "https://b.example/?EntityId=1.2.4", "http://gsma.com/ES3/ProfileManagement/ES3-X"]

with tempfile.TemporaryDirectory() as tmp:
    paths, exp = [], {}
    for i in range(runs):
        element = rnd.choice(sorted(REQUESTS))
        kids = REQUESTS[element]()
        validity = rnd.choice(["-", str(rnd.randrange(1, 100000))])
        ok = True
        if rnd.random() < .5:
            brk = rnd.choice(BREAKS)
            ok = False
            if brk == "drop":
                kids.pop(rnd.randrange(len(kids)) if element != "ES3-AuditEISRequest" else 0)
            elif brk == "eid-length":
                kids[0] = ("Eid", "89" + digits(rnd.choice([0, 2, 26, 28, 32, 34])))
            elif brk == "unknown":
                kids.append(("Comment", "x"))
            elif brk == "boolean" and element == "ES3-CreateISDPRequest":
                if kids[-1][0] == "MoreToDo":
                    kids.pop()
                kids.append(("MoreToDo", "yes"))
            else:
                kids[0] = ("Eid", "89" + digits(29) + rnd.choice("ABCDEF"))
        out = subprocess.run([TOOL, "encode-request", *HDR, element, f"fc-{i}", validity,
                              *[f"{k}={v}" for k, v in kids]], capture_output=True, check=False)
        if out.returncode != 0:
            fail(f"encode-request {element}: {out.stderr.decode()}")
            continue
        p = os.path.join(tmp, f"req-{i}.xml")
        with open(p, "wb") as f:
            f.write(out.stdout)
        paths.append(p)
        exp[p] = ok
    for i, element in enumerate(RESPONSES * max(1, runs // len(RESPONSES))):
        status = rnd.choice(["EXECUTED_SUCCESS", "EXECUTED_WITHWARNING", "FAILED", "EXPIRED"])
        out = subprocess.run([TOOL, "encode", *HDR[:3], HDR[3], "-",
                              str(rnd.randrange(946684800, 4102444800)), status, element],
                             capture_output=True, check=False)
        if out.returncode != 0:
            fail(f"encode {element}: {out.stderr.decode()}")
            continue
        p = os.path.join(tmp, f"rsp-{i}.xml")
        with open(p, "wb") as f:
            f.write(out.stdout)
        paths.append(p)
        exp[p] = element not in NEEDS_MORE
    n_enc = agree(paths, exp)
    n_ok = sum(1 for p in paths if exp[p])
    print(f"encoder output: {n_enc} envelopes ({n_ok} valid by construction) judged alike")


# ------------------------------------------------------------ table vs schema ----------

r = subprocess.run([TOOL, "elements"], capture_output=True, check=True)
table = r.stdout.decode().split()
declared = {name for name in schema.elements}
if len(table) != len(set(table)):
    fail("the function table names an element twice")
if set(table) != declared:
    fail(f"table without declaration: {sorted(set(table) - declared)}; "
         f"declaration without row: {sorted(declared - set(table))}")
if any(schema.elements[n].target_namespace != ESIM for n in declared):
    fail("a global element outside esim-messaging/3")
print(f"table: {len(table)} element names, schema: {len(declared)} global elements")

print("OK" if failures == 0 else f"{failures} failure(s)")
sys.exit(1 if failures else 0)
