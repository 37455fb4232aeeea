#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Mutation testing of the reference eUICC: is the eUICC suite a judge?

Each mutant (tests/mutation/mutants/*.txt) is one realistic bug put into code that the
card alone runs: an exact source replacement, with the rule it breaks and the clause.
For each mutant this tool applies it to a private copy of the tree, rebuilds rsptest,
runs the eUICC suite against the reference card (in-process, every SUT of --sut), and
reverts. A mutant is KILLED when a case that passed on the unmutated card FAILs; a
mutant that only makes cases ERROR (the harness could not set something up), crashes
or hangs rsptest is NOT counted as killed (the suite did not judge it; it is listed
with its own column). Survivors need a case, or an explanation in the mutant's `note:`
(equivalent mutant, or why no portable case can catch it).

Run on demand, not in CI (a build per mutant). See docs/hacking.md, "Mutation testing".

    python3 tests/mutation/run.py                    # every mutant
    python3 tests/mutation/run.py --area scp80       # one area
    python3 tests/mutation/run.py --id ISDR-07 -v    # one mutant, with the run's output
    python3 tests/mutation/run.py --list             # the mutants, no build
    python3 tests/mutation/run.py --check            # every mutant applies (engine.mutants)
    python3 tests/mutation/run.py --markdown docs/mutation-results.md

Exit status: 0 when every area reaches its target (--min-area, default 85 %) and the
overall kill ratio reaches --min-total (default 90 %); 1 otherwise; 2 on a usage or
set-up error (a mutant whose text is not found exactly once, a baseline that fails).
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MUTANT_DIR = os.environ.get("RT_MUTANT_DIR") or os.path.join(ROOT, "tests", "mutation", "mutants")
AREAS = ["basic", "scp80", "scripts", "concatenation", "isdr", "es8", "persistence"]
FIELDS = {"area", "file", "rule", "clause", "old", "new", "note"}
# Where mutants may go: the reference card's own code, and the card-side functions of
# harness/scp/ (a mutant there must sit in a function only the card calls: see the
# mutant files' headers). Codecs and the primitives the harness roles share are judged
# by vectors and cross-checks, not by mutation.
CARD_CODE = ("harness/roles/euicc/", "harness/scp/")
VERDICT = re.compile(r"^(PASS|FAIL|ERROR|SKIP) +(\S+)")


class Mutant:
    def __init__(self, mid, src, line):
        self.id = mid
        self.src = src  # "file:line" of its entry, for messages
        self.line = line
        self.f = {}
        self.old = []
        self.new = []

    def get(self, k):
        return self.f.get(k, "")


def die(msg):
    print("mutation: " + msg, file=sys.stderr)
    sys.exit(2)


def parse_mutants(paths):
    """Entries: '== ID' then 'key: value' lines; 'old:' and 'new:' may repeat (one line
    of source each, joined with newlines); the text after 'old: ' is taken verbatim, so
    tabs of the source are kept. Lines starting with '#' are comments."""
    out, seen = [], {}
    for path in paths:
        cur = None
        with open(path, encoding="utf-8") as fh:
            for n, raw in enumerate(fh, 1):
                line = raw.rstrip("\n")
                where = "%s:%d" % (os.path.relpath(path, ROOT), n)
                if line.startswith("#") or not line.strip():
                    continue
                if line.startswith("== "):
                    mid = line[3:].strip()
                    if mid in seen:
                        die("%s: mutant %s already defined at %s" % (where, mid, seen[mid]))
                    seen[mid] = where
                    cur = Mutant(mid, where, n)
                    out.append(cur)
                    continue
                m = re.match(r"^([a-z]+):(?: (.*))?$", line)
                if not cur or not m or m.group(1) not in FIELDS:
                    die("%s: expected '== ID' or one of %s" % (where, ", ".join(sorted(FIELDS))))
                k, v = m.group(1), m.group(2) or ""
                if k == "old":
                    cur.old.append(v)
                elif k == "new":
                    cur.new.append(v)
                elif k in cur.f:
                    die("%s: %s given twice for %s" % (where, k, cur.id))
                else:
                    cur.f[k] = v
    for m in out:
        for k in ("area", "file", "rule", "clause"):
            if not m.get(k):
                die("%s: mutant %s has no %s" % (m.src, m.id, k))
        if m.get("area") not in AREAS:
            die("%s: area %r is none of %s" % (m.src, m.get("area"), ", ".join(AREAS)))
        if not m.old:
            die("%s: mutant %s has no old text" % (m.src, m.id))
        m.old_text = "\n".join(m.old)
        m.new_text = "\n".join(m.new)
        if m.old_text == m.new_text:
            die("%s: mutant %s changes nothing" % (m.src, m.id))
    return out


def check_applies(mutants, tree):
    for m in mutants:
        path = os.path.join(tree, m.get("file"))
        if not os.path.isfile(path):
            die("%s: %s: no such file" % (m.src, m.get("file")))
        text = open(path, encoding="utf-8").read()
        n = text.count(m.old_text)
        if n != 1:
            die("%s: the old text of %s occurs %d times in %s (must be exactly once)" %
                (m.src, m.id, n, m.get("file")))


def copy_tree(dst):
    """The tracked and untracked (not ignored) files of the working tree, so new cases
    count before they are committed; the user's tree is never modified."""
    files = subprocess.run(["git", "-C", ROOT, "ls-files", "-co", "--exclude-standard", "-z"],
                           check=True, capture_output=True).stdout.decode().split("\0")
    src = os.path.join(dst, "src")
    for rel in files:
        if not rel or rel.startswith(("reports/", "build")):
            continue
        s = os.path.join(ROOT, rel)
        if not os.path.isfile(s):
            continue  # deleted in the working tree
        d = os.path.join(src, rel)
        os.makedirs(os.path.dirname(d), exist_ok=True)
        if not os.path.exists(d) or open(s, "rb").read() != open(d, "rb").read():
            # A fresh mtime, not the source's (copy2): after a run killed mid-mutant the
            # copy holds the mutant and its object is newer than the original's time,
            # so make would keep the mutated object.
            shutil.copyfile(s, d)
            shutil.copymode(s, d)
    return src


def build(src, bdir, verbose):
    if not os.path.exists(os.path.join(bdir, "CMakeCache.txt")):
        subprocess.run(["cmake", "-S", src, "-B", bdir, "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                        "-DRT_WERROR=OFF"], check=True, capture_output=not verbose)
    r = subprocess.run(["cmake", "--build", bdir, "-j%d" % os.cpu_count(), "--target", "rsptest"],
                       capture_output=True, text=True)
    if r.returncode != 0 and verbose:
        print(r.stdout[-4000:] + r.stderr[-4000:])
    return r.returncode == 0


def run_suite(bdir, src, sut, rep, timeout, verbose):
    """{case id: verdict} of one run of the eUICC suite, and a problem string (crash,
    timeout, usage error) or None."""
    cmd = [os.path.join(bdir, "rsptest"), "run", "--sut", sut, "--seed", "1",
           "-j", "2", "--report-dir", rep, os.path.join(src, "testcases", "euicc")]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                           errors="replace")
    except subprocess.TimeoutExpired:
        return {}, "timeout after %d s" % timeout
    if verbose:
        print(r.stdout + r.stderr)
    verdicts = {}
    for line in r.stdout.splitlines():
        m = VERDICT.match(line)
        if m:
            verdicts[m.group(2)] = m.group(1)
    problem = None
    if r.returncode < 0:
        problem = "rsptest killed by signal %d" % -r.returncode
    elif r.returncode not in (0, 1):
        problem = "rsptest exit %d: %s" % (r.returncode, (r.stderr.strip().splitlines() or [""])[-1])
    return verdicts, problem


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--area", action="append", help="only mutants of this area (repeatable)")
    ap.add_argument("--id", action="append", help="only this mutant (repeatable)")
    ap.add_argument("--sut", action="append",
                    help="SUT(s) to run (default: reference, reference-brainpool, reference-persistent)")
    ap.add_argument("--work", default=os.path.join(ROOT, "build-mutation"),
                    help="scratch folder: tree copy and build (default build-mutation/)")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per suite run")
    ap.add_argument("--markdown", help="also write the result table to this file")
    ap.add_argument("--min-total", type=float, default=90.0)
    ap.add_argument("--min-area", type=float, default=85.0)
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--check", action="store_true",
                    help="check that every mutant applies exactly once to the tree and is "
                         "card-only code, then exit (no build)")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    files = sorted(os.path.join(MUTANT_DIR, f) for f in os.listdir(MUTANT_DIR) if f.endswith(".txt"))
    mutants = parse_mutants(files)
    if a.area:
        mutants = [m for m in mutants if m.get("area") in a.area]
    if a.id:
        mutants = [m for m in mutants if m.id in a.id]
    if not mutants:
        die("no mutant selected")
    if a.check:
        for m in mutants:
            if not m.get("file").startswith(CARD_CODE):
                die("%s: %s is not card-side code (%s)" % (m.src, m.get("file"), ", ".join(CARD_CODE)))
        check_applies(mutants, ROOT)
        print("mutation: %d mutants, each applies exactly once" % len(mutants))
        return 0
    if a.list:
        for m in mutants:
            print("%-10s %-13s %-40s %s" % (m.id, m.get("area"), m.get("file"), m.get("rule")))
        return 0
    suts = a.sut or ["reference", "reference-brainpool", "reference-persistent"]

    os.makedirs(a.work, exist_ok=True)
    src = copy_tree(a.work)
    bdir = os.path.join(a.work, "build")
    check_applies(mutants, src)

    # Revert on Ctrl-C/SIGTERM too (the copy is ours, but a later run must start clean).
    current = {}

    def revert():
        if current:
            with open(current["path"], "w", encoding="utf-8") as fh:
                fh.write(current["text"])
            current.clear()

    def on_signal(signum, _frame):
        revert()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    t0 = time.time()
    if not build(src, bdir, True):
        die("the unmutated tree does not build")
    base = {}
    for sut in suts:
        v, problem = run_suite(bdir, src, sut, os.path.join(a.work, "rep-base"), a.timeout, False)
        bad = sorted(k for k, x in v.items() if x in ("FAIL", "ERROR"))
        if problem or bad or not v:
            die("baseline on %s is not clean (%s): fix the suite first" %
                (sut, problem or ", ".join(bad) or "no case ran"))
        base[sut] = v
    print("baseline: %s (%d s)" % (", ".join("%s %d cases" % (s, len(base[s])) for s in suts),
                                   time.time() - t0))

    results = []
    for m in mutants:
        path = os.path.join(src, m.get("file"))
        text = open(path, encoding="utf-8").read()
        current.update(path=path, text=text)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text.replace(m.old_text, m.new_text, 1))
        t = time.time()
        res = {"m": m, "killers": [], "errors": [], "problem": None, "status": None}
        if not build(src, bdir, a.verbose):
            res["status"] = "NO-BUILD"
        else:
            for sut in suts:
                v, problem = run_suite(bdir, src, sut, os.path.join(a.work, "rep-mut"),
                                       a.timeout, a.verbose)
                if problem:
                    res["problem"] = problem
                for cid, pv in base[sut].items():
                    if pv != "PASS":
                        continue
                    mv = v.get(cid)
                    tag = cid if len(suts) == 1 or sut == suts[0] else "%s@%s" % (cid, sut)
                    if mv == "FAIL":
                        res["killers"].append(tag)
                    elif mv == "ERROR":
                        res["errors"].append(tag)
            if res["killers"]:
                res["status"] = "KILLED"
            elif res["problem"]:
                res["status"] = "CRASH"
            elif res["errors"]:
                res["status"] = "ERROR-ONLY"
            else:
                res["status"] = "SURVIVED"
        revert()
        results.append(res)
        who = res["killers"] or res["errors"] or ([res["problem"]] if res["problem"] else [])
        shown = ", ".join(who[:4]) + (" +%d" % (len(who) - 4) if len(who) > 4 else "")
        print("%-10s %-13s %-10s %4.1fs %s" % (m.id, m.get("area"), res["status"],
                                              time.time() - t, shown), flush=True)
    if not build(src, bdir, False):
        print("mutation: warning: the reverted tree does not build", file=sys.stderr)
    return report(results, a, suts)


def report(results, a, suts):
    valid = [r for r in results if r["status"] != "NO-BUILD"]
    rows, ok = [], True
    for area in AREAS:
        rs = [r for r in valid if r["m"].get("area") == area]
        if not rs:
            continue
        k = sum(1 for r in rs if r["status"] == "KILLED")
        pct = 100.0 * k / len(rs)
        ok = ok and pct >= a.min_area
        rows.append((area, len(rs), k, pct))
    k = sum(1 for r in valid if r["status"] == "KILLED")
    total = 100.0 * k / len(valid) if valid else 0.0
    ok = ok and total >= a.min_total

    lines = ["| area | mutants | killed | ratio |", "|---|---:|---:|---:|"]
    lines += ["| %s | %d | %d | %.0f %% |" % r for r in rows]
    lines.append("| **all** | %d | %d | %.0f %% |" % (len(valid), k, total))
    print("\n" + "\n".join(lines))
    nb = [r["m"].id for r in results if r["status"] == "NO-BUILD"]
    if nb:
        print("not counted (do not build): " + ", ".join(nb))
    surv = [r for r in valid if r["status"] != "KILLED"]
    for r in surv:
        print("%s %s: %s%s" % (r["status"], r["m"].id, r["m"].get("rule"),
                               (" — " + r["m"].get("note")) if r["m"].get("note") else ""))
    if a.markdown:
        write_markdown(a.markdown, results, lines, suts)
    print("\nkill ratio %.1f %% (target %.0f %%, every area %.0f %%): %s" %
          (total, a.min_total, a.min_area, "met" if ok else "NOT met"))
    return 0 if ok else 1


def write_markdown(path, results, summary, suts):
    out = ["# Mutation testing of the reference eUICC: results", "",
           "Generated by `python3 tests/mutation/run.py --markdown %s` on %s against %s "
           "(in-process). KILLED: a case that passes on the unmutated card FAILs. "
           "ERROR-ONLY / CRASH: the suite did not judge it (not counted as killed). "
           "How it works: `docs/hacking.md`, \"Mutation testing\"." %
           (os.path.relpath(path, ROOT) if os.path.isabs(path) else path,
            time.strftime("%Y-%m-%d"), ", ".join("`%s`" % s for s in suts)), ""]
    out += summary + ["", "| mutant | area | rule broken | clause | result | killed by / note |",
                      "|---|---|---|---|---|---|"]
    for r in results:
        m = r["m"]
        ks = r["killers"]
        by = ", ".join(ks[:6]) + (" +%d more" % (len(ks) - 6) if len(ks) > 6 else "")
        if r["status"] != "KILLED":
            by = m.get("note") or ", ".join(r["errors"][:3]) or (r["problem"] or "")
        cell = lambda s: s.replace("|", "\\|")
        out.append("| %s | %s | %s | %s | %s | %s |" % (m.id, m.get("area"), cell(m.get("rule")),
                                                      cell(m.get("clause")), r["status"], cell(by)))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")


if __name__ == "__main__":
    sys.exit(main())
