#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Independent cross-check of harness/soap against Python's own XML stack
(xml.etree.ElementTree on expat, urllib.parse, datetime), which shares no code with
libxml2 or rsptest.

Both directions, through tests/tools/rt_soap_tool:
  - rsptest encodes callbacks (random ids, times, statuses); ElementTree parses them and
    checks the SOAP 1.2 and WS-A 1.0 namespaces, the header elements and their
    mustUnderstand attributes, the RPS query parameters (urllib.parse), the body element
    in esim-messaging/3, the xs:dateTime (datetime) and the Status text;
  - ElementTree writes envelopes (its own ns0/ns1 prefixes, its own escaping) with random
    header values, including a Fault and broken ones; rsptest decodes them and must
    report the same values, or the expected problem.
The seed is printed; RT_XCHECK_SEED replays a run; RT_XCHECK_RUNS sets the count."""
import datetime
import os
import random
import subprocess
import sys
import urllib.parse
import xml.etree.ElementTree as ET

ENV = "http://www.w3.org/2003/05/soap-envelope"
WSA = "http://www.w3.org/2005/08/addressing"
ESIM = "http://namespaces.gsma.org/esim-messaging/3"
TOOL = os.path.join(os.environ.get("RT_TOOLDIR", "build/tests"), "rt_soap_tool")
STATUSES = ["EXECUTED_SUCCESS", "EXECUTED_WITHWARNING", "FAILED", "EXPIRED"]
FUNCS = [("ES3", "ProfileManagement", "CreateISDP"), ("ES3", "PlatformManagement", "DeleteISDP"),
         ("ES7", "eUICCManagement", "HandoverEUICC")]

seed = int(os.environ.get("RT_XCHECK_SEED", random.randrange(1 << 32)))
runs = int(os.environ.get("RT_XCHECK_RUNS", "60"))
rnd = random.Random(seed)
print(f"seed {seed}, {runs} runs")
failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL:", msg)


def oid():
    return ".".join(str(rnd.randrange(0, 50000)) for _ in range(rnd.randrange(2, 9)))


def uuid():
    return "urn:uuid:%08x-%04x-4%03x-8%03x-%012x" % (rnd.getrandbits(32), rnd.getrandbits(16),
                                                       rnd.getrandbits(12), rnd.getrandbits(12),
                                                       rnd.getrandbits(48))


def tool(*args, data=None):
    r = subprocess.run([TOOL, *args], input=data, capture_output=True, check=False)
    if r.returncode != 0:
        raise RuntimeError(f"rt_soap_tool {args[0]}: {r.stderr.decode()}")
    return r.stdout


def decoded(xml_bytes):
    out = tool("decode", data=xml_bytes).decode()
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


# ------------------------------------------------------- rsptest writes, Python reads ----

for i in range(runs):
    iface, group, name = rnd.choice(FUNCS)
    secs = rnd.randrange(946684800, 4102444800)
    when = datetime.datetime.fromtimestamp(secs, datetime.timezone.utc)
    date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    sender, receiver = oid(), oid()
    msgid = f"//{sender}/{uuid()}?TransactionId={uuid()}&MessageDate={date}"
    frm = f"https://sr{i}.example:8443/es?EntityId={sender}&EntityName=SM-SR"
    to = f"https://dp{i}.example/cb?EntityId={receiver}"
    action = f"http://gsma.com/{iface}/{group}CallBack/{iface}-{name}"
    relates = f"//{receiver}/{uuid()}"
    status = rnd.choice(STATUSES)
    element = f"{iface}-{name}Response"
    raw = tool("encode", msgid, frm, to, action, relates, str(secs), status, element)
    root = ET.fromstring(raw)
    if root.tag != f"{{{ENV}}}Envelope":
        fail(f"root {root.tag}")
        continue
    kids = list(root)
    if [k.tag for k in kids] != [f"{{{ENV}}}Header", f"{{{ENV}}}Body"]:
        fail(f"envelope children {[k.tag for k in kids]}")
        continue
    hdr = {k.tag: k for k in kids[0]}
    want = {"MessageID": msgid, "To": to, "Action": action, "RelatesTo": relates}
    for local, value in want.items():
        el = hdr.get(f"{{{WSA}}}{local}")
        if el is None or el.text != value:
            fail(f"wsa:{local}: {None if el is None else el.text!r} != {value!r}")
    for local in ("To", "Action"):
        el = hdr.get(f"{{{WSA}}}{local}")
        if el is None or el.get(f"{{{ENV}}}mustUnderstand") not in ("true", "1"):
            fail(f"wsa:{local} without mustUnderstand")
    addr = hdr.get(f"{{{WSA}}}From")
    addr = None if addr is None else addr.find(f"{{{WSA}}}Address")
    if addr is None or addr.text != frm:
        fail(f"wsa:From/Address {None if addr is None else addr.text!r}")
    else:
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(addr.text).query)
        if q != {"EntityId": [sender], "EntityName": ["SM-SR"]}:
            fail(f"From query {q}")
    mq = urllib.parse.parse_qs(msgid.split("?", 1)[1])
    if mq["MessageDate"] != [date]:
        fail("MessageDate")
    body = list(kids[1])
    if len(body) != 1 or body[0].tag != f"{{{ESIM}}}{element}":
        fail(f"body {[b.tag for b in body]}")
        continue
    fn = body[0]
    names = [c.tag.split("}")[1] for c in fn]
    expect = ["ProcessingStart", "ProcessingEnd", "FunctionExecutionStatus"]
    if names != expect:
        fail(f"{element} children {names}")
        continue
    start = datetime.datetime.fromisoformat(fn[0].text.replace("Z", "+00:00"))
    if start != when:
        fail(f"ProcessingStart {fn[0].text} != {date}")
    st = fn[2].find(f"{{{ESIM}}}Status")
    if st is None or st.text != status:
        fail(f"Status {None if st is None else st.text}")
    scd = fn[2].find(f"{{{ESIM}}}StatusCodeData")
    if (scd is None) != (status == "EXECUTED_SUCCESS"):
        fail("StatusCodeData presence")


# ------------------------------------------------------- Python writes, rsptest reads ----

def envelope(headers, body_el):
    env = ET.Element(f"{{{ENV}}}Envelope")
    hdr = ET.SubElement(env, f"{{{ENV}}}Header")
    for local, value, attrs in headers:
        el = ET.SubElement(hdr, f"{{{WSA}}}{local}", attrs)
        if local in ("From", "ReplyTo"):
            ET.SubElement(el, f"{{{WSA}}}Address").text = value
        else:
            el.text = value
    ET.SubElement(env, f"{{{ENV}}}Body").append(body_el)
    return ET.tostring(env, encoding="utf-8", xml_declaration=True)


def response_el(element, secs, status):
    fn = ET.Element(f"{{{ESIM}}}{element}")
    ET.SubElement(fn, f"{{{ESIM}}}ProcessingStart").text = datetime.datetime.fromtimestamp(
        secs, datetime.timezone.utc).isoformat()
    fes = ET.SubElement(fn, f"{{{ESIM}}}FunctionExecutionStatus")
    ET.SubElement(fes, f"{{{ESIM}}}Status").text = status
    return fn


for i in range(runs):
    iface, group, name = rnd.choice(FUNCS)
    sender = oid()
    secs = rnd.randrange(946684800, 4102444800)
    status = rnd.choice(STATUSES)
    msgid = f"//{sender}/{uuid()}"
    frm = f"http://sr.example/x?EntityId={sender}&EntityName=A%26B<c>&&q='\"'"
    to = f"http://dp.example/{i}"
    action = f"http://gsma.com/{iface}/{group}CallBack/{iface}-{name}"
    relates = uuid()
    mu = {f"{{{ENV}}}mustUnderstand": rnd.choice(["true", "1"])}
    heads = [("MessageID", msgid, {}), ("From", frm, {}), ("To", to, mu), ("Action", action, mu),
             ("RelatesTo", relates, {})]
    rnd.shuffle(heads)
    raw = envelope(heads, response_el(f"{iface}-{name}Response", secs, status))
    d = decoded(raw)
    got = (d.get("problem"), d.get("message_id"), d.get("from"), d.get("to"), d.get("action"),
           d.get("relates_to"), d.get("to_mu"), d.get("status"), d.get("start"))
    want = ("ok", msgid, frm, to, action, relates, "1", status, str(secs))
    if got != want:
        fail(f"decode of an ElementTree envelope: {got} != {want}")
    # the same with a second Action: refused as a duplicate
    dup = envelope(heads + [("Action", action, {})], response_el(f"{iface}-{name}Response", secs,
                                                                 status))
    if decoded(dup).get("problem") != "duplicate-header":
        fail(f"duplicate Action accepted: {decoded(dup)}")
    # and without MessageID: refused as missing
    miss = envelope([h for h in heads if h[0] != "MessageID"],
                    response_el(f"{iface}-{name}Response", secs, status))
    if decoded(miss).get("problem") != "missing-header":
        fail(f"missing MessageID accepted: {decoded(miss)}")

# a Fault written by ElementTree (the QName values need their prefixes declared: ET
# declares a namespace only where an element uses it, so it is written by hand here)
fault = (f'<e:Envelope xmlns:e="{ENV}" xmlns:w="{WSA}"><e:Header><w:MessageID>urn:x</w:MessageID>'
         f'<w:From><w:Address>http://a</w:Address></w:From><w:To>http://b</w:To>'
         f'<w:Action>{WSA}/fault</w:Action></e:Header><e:Body><e:Fault><e:Code><e:Value>e:Receiver'
         f'</e:Value><e:Subcode><e:Value>w:EndpointUnavailable</e:Value></e:Subcode></e:Code>'
         f'<e:Reason><e:Text xml:lang="en">busy &amp; away</e:Text></e:Reason></e:Fault></e:Body>'
         f'</e:Envelope>').encode()
d = decoded(fault)
if (d.get("fault_code"), d.get("subcode1"), d.get("reason")) != (
        "Receiver", f"{{{WSA}}}EndpointUnavailable", "busy & away"):
    fail(f"fault {d}")

print("all agree" if not failures else f"{failures} failure(s)")
sys.exit(1 if failures else 0)
