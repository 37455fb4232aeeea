#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The mutation tool's list stays usable as the card's code changes: every mutant of
# tests/mutation/mutants/ must parse, name an area, a rule and a clause, and its old
# text must occur exactly once in card-side code (tests/mutation/run.py --check). The
# mutation run itself (a build per mutant) is on demand: docs/hacking.md.
. "$(dirname "$0")/lib.sh"

out=$(python3 "$RT_SRCDIR/tests/mutation/run.py" --check 2>&1)
status=$?
echo "$out"
check "every mutant applies exactly once (run.py --check)" test $status -eq 0

# The check can fail: a mutant whose old text is not in the file is refused.
bad="$WORK/mutants"
mkdir -p "$bad"
printf '== X-01\narea: basic\nfile: harness/roles/euicc/rt_euicc_apps.c\nrule: r\nclause: c\nold: no such text in the file\nnew: x\n' >"$bad/x.txt"
out=$(RT_MUTANT_DIR="$bad" python3 "$RT_SRCDIR/tests/mutation/run.py" --check 2>&1)
status=$?
check "a mutant that does not apply is refused (exit 2)" test $status -eq 2
check "... naming it" grep -q "X-01 occurs 0 times" <<<"$out"
printf '== X-02\narea: basic\nfile: harness/codec/rt_tlv.c\nrule: r\nclause: c\nold: #include\nnew: x\n' >"$bad/x.txt"
out=$(RT_MUTANT_DIR="$bad" python3 "$RT_SRCDIR/tests/mutation/run.py" --check 2>&1)
check "a mutant outside card-side code is refused" grep -q "not card-side code" <<<"$out"
finish
