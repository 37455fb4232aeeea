#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""docs_paths.py SRCDIR FILE... — every repository path a document names exists.

A path is a `backticked` word (or a word in a code block) that starts with one of the
repository's top-level folders (harness/ docs/ tests/ ...) or names a harness layer
shorthand (codec/, roles/, engine/ ...: files under harness/). It exists when it is a
file or folder at the top, under harness/, or with .c appended (a module named without
extension, e.g. codec/rt_gpcert). Patterns (*, <x>, {a,b}, NAME) and outputs (build/, what a run
writes under reports/) are not checked. Prints one line per missing path; exit status 1 when any is missing.
"""
import os
import re
import sys

SRC = sys.argv[1]
TOP = ("harness/", "docs/", "tests/", "scripts/", "lua/", "testcases/", "sut/", "certs/",
       "bench/", "examples/", "reports/", ".ci/")
LAYERS = ("util/", "codec/", "crypto/", "scp/", "soap/", "transport/", "roles/", "engine/",
          "cli/")


def exists(p):
    p = p.rstrip("/")
    for base in ("", "harness/"):
        for ext in ("", ".c"):
            if os.path.exists(os.path.join(SRC, base + p + ext)):
                return True
    return False


def candidates(text):
    in_code = False
    for no, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            in_code = not in_code
            continue
        words = re.findall(r"`([^`]+)`", line)
        if in_code or line.startswith("    "):
            words += line.split()
        for w in words:
            for tok in re.split(r"[\s,;:()\"']+", w):
                tok = tok.rstrip(".")
                if not tok.startswith(TOP + LAYERS):
                    continue
                # what a run writes under reports/ (junit.xml, .previous/) is output
                if tok.startswith("reports/") and tok != "reports/README.md":
                    continue
                # patterns and placeholders: *, <x>, {a,b}, $VAR, ..., NAME/FILE
                if re.search(r"[*<>{}$|]|\.\.\.|…|\b[A-Z]{3,}\b", tok):
                    continue
                yield no, tok


def main():
    bad = 0
    for f in sys.argv[2:]:
        rel = os.path.relpath(f, SRC)
        for no, p in candidates(open(f, encoding="utf-8").read()):
            if not exists(p):
                print(f"{rel}:{no}: names '{p}', which is not in the repository")
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
