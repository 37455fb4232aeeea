#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Builds docs/spec-notes.md from its parts (docs/spec-notes/*.md), one section per
protocol area, headings demoted one level. Parts are where the notes are written; the
merged file is what users read. Run after editing a part."""
import pathlib
import re

root = pathlib.Path(__file__).resolve().parent.parent
parts = sorted((root / "docs" / "spec-notes").glob("*.md"))
out = [
    "# Spec notes\n",
    "What rsptest looked up where `docs/sgp02-facts.md` left a fact open or",
    "sources disagreed: what was found, where, and what the code does. Where a point stays",
    "open the behaviour is a named option a SUT description can set (`rsptest options`;",
    "docs/sut-config.md). Confidence tags as in the facts file: [V] checked against",
    "vectors, [S] public secondary source, [M] from memory of the spec text, UNCONFIRMED.",
    "Generated from docs/spec-notes/*.md by scripts/merge-spec-notes.py.\n",
    "## Contents\n",
]
bodies = []
for p in parts:
    text = p.read_text()
    title = re.search(r"^# (.+)$", text, re.M).group(1).strip()
    out.append(f"- {title}")
    bodies.append(re.sub(r"^(#+) ", lambda m: "#" + m.group(1) + " ", text, flags=re.M))
out.append("")
(root / "docs" / "spec-notes.md").write_text("\n".join(out) + "\n" + "\n".join(bodies))
print(f"docs/spec-notes.md: {len(parts)} parts")
