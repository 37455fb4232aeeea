#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The documentation is true and runnable: every docs/*.md is in the README's list,
# every repository path the docs name exists (docs_paths.py), nothing points outside
# the repository, the README's commands parse and run (build/rsptest -> $RSPTEST), and
# the personality-copy recipe of docs/euicc-personality.md works from a copy elsewhere.
. "$(dirname "$0")/lib.sh"
cd "$RT_SRCDIR"

# docs/spec-notes.md is generated from docs/spec-notes/ (scripts/merge-spec-notes.py)
# and quotes other projects' paths (pysim's tests/...) on purpose: only its place in
# the README's list is checked here.
docs=(README.md docs/*.md bench/README.md reports/README.md certs/README.md tests/vectors/*/README.md)
checked=()
# docs/sgp02-facts.md (the fact sheet) likewise names the files of the projects it read.
for f in "${docs[@]}"; do
  case "$f" in docs/spec-notes.md|docs/sgp02-facts.md) ;; *) checked+=("$f") ;; esac
done

# 1. the README lists every document
for f in docs/*.md; do
  check "README lists $f" grep -q "^- \`$f\`" README.md
done

# 2. every repository path named exists
if /usr/bin/python3 "$HERE/docs_paths.py" "$RT_SRCDIR" "${checked[@]}" >"$WORK/paths" 2>&1; then
  ok "every repository path the docs name exists"
else
  sed 's/^/  /' "$WORK/paths"
  bad "docs name paths that are not in the repository (above)"
fi

# 3. nothing outside the repository: the development machine's /work, the design
#    notes and spec facts that live beside the repository, home folders
if grep -nE '/work/|\.\./shared|(^|[^-])design\.md|/home/|/root/' \
     "${checked[@]}" >"$WORK/outside"; then
  sed 's/^/  /' "$WORK/outside"
  bad "docs refer to files outside the repository (above)"
else
  ok "no references to files outside the repository"
fi

# 3b. nor does any file of the tree (code comments cite docs/sgp02-facts.md, in the tree)
if git rev-parse --git-dir >/dev/null 2>&1; then
  if git grep -nIE '/work/|\.\./shared/' -- . ':!tests/engine/test_docs.sh' >"$WORK/outside2"; then
    sed 's/^/  /' "$WORK/outside2"
    bad "files of the tree refer to the development machine's folders (above)"
  else
    ok "no file of the tree refers to /work/ or ../shared/"
  fi
fi

# 4. the README's commands: the scripts parse; each rsptest command line runs (those
#    that need a card of your own only show their --help; the suite writes to $WORK)
grep -E '^    (bash |build/rsptest|cmake )' README.md | sed 's/^    //; s/ *#.*$//' >"$WORK/cmds"
check "README has commands to check" test "$(wc -l <"$WORK/cmds")" -ge 8
n=0
while read -r line; do
  n=$((n + 1))
  set -- $line
  case "$1" in
  bash)
    check "README: '$line': $2 exists and parses" bash -n "$2" ;;
  cmake)
    check "README: '$line' names the build folder" test "$3" = build ;;
  build/rsptest)
    shift
    sub=$1
    if [[ "$line" == *my-card.yaml* ]] || [ "$sub" = card ]; then
      check "README: '$line': rsptest $sub --help" "$RSPTEST" "$sub" --help
      continue
    fi
    args=("$@")
    [ "$sub" = run ] && args+=(--report-dir "$WORK/r$n")
    # the README's -k expression is quoted: let bash split it as a user's shell would
    eval "set -- ${args[*]}"
    "$RSPTEST" "$@" </dev/null >"$WORK/out$n" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then ok "README: '$line' exits 0"; else
      tail -n 5 "$WORK/out$n"; bad "README: '$line' exits $rc"; fi ;;
  esac
done <"$WORK/cmds"

# 5. the personality-copy recipe, run from the top of the tree with HOME=$WORK
sed -n '/<!-- engine.docs: personality-recipe -->/,/^```$/p' docs/euicc-personality.md |
  sed '1,2d;$d' | sed "s|build/rsptest|$RSPTEST|g" >"$WORK/recipe.sh"
check "the personality recipe is there" grep -q 'cp sut/personalities/reference.yaml' "$WORK/recipe.sh"
if [ -s "$WORK/recipe.sh" ] && HOME=$WORK bash -e "$WORK/recipe.sh" >"$WORK/recipe.out" 2>&1; then
  ok "the personality recipe loads the copied card"
else
  sed 's/^/  /' "$WORK/recipe.out"
  bad "the personality recipe fails"
fi
check "the copy lives outside the tree" test -f "$WORK/my-card.yaml"
finish
