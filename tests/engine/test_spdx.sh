#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# test_spdx.sh — the project is Apache-2.0: LICENSE carries the licence text and every
# source file (C, headers, Lua, shell, Python, CMake) names it in an SPDX line within its
# first three lines, so a file copied out of the tree still says what it is under.
. "$(dirname "$0")/lib.sh"
cd "$RT_SRCDIR"

check "LICENSE is the Apache License 2.0 text" \
  sh -c "grep -q 'Apache License' LICENSE && grep -q 'Version 2.0, January 2004' LICENSE &&
         grep -q 'END OF TERMS AND CONDITIONS' LICENSE"

if git rev-parse --git-dir >/dev/null 2>&1; then
  files=$(git ls-files '*.c' '*.h' '*.lua' '*.sh' '*.py' 'CMakeLists.txt' '*/CMakeLists.txt' .ci/run)
else
  files=$(find harness lua scripts tests bench examples certs .ci -type f \
            \( -name '*.[ch]' -o -name '*.lua' -o -name '*.sh' -o -name '*.py' \
               -o -name CMakeLists.txt -o -name run \) ; echo CMakeLists.txt)
fi
missing=0 n=0
for f in $files; do
  case "$f" in tests/vectors/*) continue;; esac
  [ -f "$f" ] || continue
  n=$((n + 1))
  if ! head -n 3 "$f" | grep -q 'SPDX-License-Identifier: Apache-2.0'; then
    echo "# no SPDX line: $f"; missing=$((missing + 1))
  fi
done
check "all $n source files carry 'SPDX-License-Identifier: Apache-2.0' ($missing missing)" \
  test "$missing" -eq 0
check "at least 200 source files were scanned" test "$n" -ge 200

# The generator writes the header into what it generates, so regenerating keeps it.
check "make-test-pki.sh emits SPDX lines in derived files" \
  test "$(grep -c 'SPDX-License-Identifier' certs/make-test-pki.sh)" -ge 3
finish
