#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""deps_scan.py SRCDIR — every program our scripts and tests call comes from a Debian
package that scripts/install-deps.sh names.

Why: on a fresh minimal Debian 12 (debootstrap --variant=minbase) the README's test
command once failed because engine.certs called `xxd`, which nothing installed. This
check finds such gaps on the machine where the packages are installed.

What it scans (heuristically, line by line):
  - shell files (*.sh, .ci/run, shebang bash/sh) under scripts/ tests/ certs/ bench/ .ci/:
    the word in command position (line start, after | ; && || $( ` ( { then do else !
    and after exec/command/sudo/env/timeout/nice/xargs/unshare), skipping VAR=value,
    here-documents, comments, functions defined in any scanned file and shell builtins;
  - Python files: the first element of subprocess.run/Popen/call/check_* lists and the
    shebang;
  - C files under tests/ and bench/: string literals on the lines that call system()
    or popen() and the format strings just above them, parsed as shell.
Each command found on PATH is resolved (symlinks, alternatives, /bin vs /usr/bin) and
asked of `dpkg -S`. It is satisfied when its package is named in install-deps.sh's PKGS,
is a (transitive, first-alternative) dependency of one that is, or is Essential/required
(every minbase root has those). Commands are looked up on Debian's PATH only (a pyenv or
/usr/local copy would hide a gap); words not found there are skipped, since the heuristic
cannot tell them from text: tests/fresh-root/run.sh catches a command that is missing
everywhere.
Exit status 0 when every command is satisfied, 1 otherwise (the report says which).
"""
import os
import re
import shutil
import subprocess
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else os.getcwd()
SCAN_DIRS = ["scripts", "tests", "certs", "bench", ".ci"]
DEBIAN_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"

# Words after which the next word is again a command.
PREFIXES = {"exec", "command", "sudo", "$SUDO", "env", "nice", "xargs", "time", "builtin",
            "nohup", "setsid", "stdbuf"}
# Prefixes whose own options (and for timeout a duration) come before the command.
OPT_PREFIXES = {"timeout", "unshare", "nsenter", "chroot", "ionice", "taskset"}
KEYWORDS = {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "in",
            "case", "esac", "function", "select", "!", "{", "}", "[[", "]]", "(", ")", "coproc"}


def bash_builtins():
    out = subprocess.run(["bash", "-c", "compgen -b; compgen -k"], capture_output=True,
                         text=True, check=True).stdout
    return set(out.split())


def is_shell(path):
    if path.endswith(".sh") or path.endswith("/.ci/run"):
        return True
    try:
        with open(path, "rb") as f:
            first = f.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and (b"bash" in first or b"/sh" in first)


def files():
    for d in SCAN_DIRS:
        top = os.path.join(SRC, d)
        for root, dirs, names in os.walk(top):
            dirs[:] = [x for x in dirs if x not in ("seeds", "vectors", "corpus-run")]
            for n in names:
                yield os.path.join(root, n)


def strip_comment(line):
    # A '#' starting a word outside quotes begins a comment.
    q = None
    for i, ch in enumerate(line):
        if q:
            if ch == q:
                q = None
        elif ch in "'\"":
            q = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t;|&("):
            return line[:i]
    return line


SPLIT = re.compile(r"\|\||&&|\$\(|[|;`(){}&]|\bthen\b|\bdo\b|\belse\b|\belif\b|\bif\b|\bwhile\b|\buntil\b|!")


def shell_words(segment):
    return re.findall(r"""[^\s'"]+|'[^']*'|"[^"]*\"""", segment)


def commands_in_shell_text(lines):
    """Yields (lineno, word) for words in command position."""
    heredoc = None
    for no, raw in enumerate(lines, 1):
        if heredoc is not None:
            if raw.strip() == heredoc:
                heredoc = None
            continue
        line = strip_comment(raw.rstrip("\n"))
        m = re.search(r"<<-?\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)['\"]?", line)
        if m:
            heredoc = m.group(1)
        # case patterns "foo)" are not commands
        if re.match(r"^\s*[^\s()]+\)\s*", line) and not re.match(r"^\s*\w+\(\)", line):
            line = line.split(")", 1)[1]
        for seg in SPLIT.split(line):
            words = shell_words(seg)
            i = 0
            while i < len(words):
                w = words[i]
                if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", w) or w in KEYWORDS:
                    i += 1
                    continue
                if w in PREFIXES:
                    i += 1
                    while i < len(words) and (words[i].startswith("-") or
                                              re.match(r"^[A-Za-z_]\w*=", words[i])):
                        i += 1
                    yield no, w
                    continue
                if w in OPT_PREFIXES:
                    yield no, w
                    i += 1
                    while i < len(words) and (words[i].startswith("-") or
                                              re.match(r"^[0-9.]+[smh]?$", words[i])):
                        i += 1
                    continue
                yield no, w
                break


def defined_functions(text):
    return set(re.findall(r"^\s*(?:function\s+)?([A-Za-z_][A-Za-z0-9_-]*)\s*\(\)", text, re.M))


def c_command_text(text):
    """Shell text given to system()/popen() in a C file: the string literals on the
    call's line and on the three lines above it (where the snprintf format usually is)."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.search(r"\b(system|popen)\s*\(", line):
            chunk = "\n".join(lines[max(0, i - 3):i + 2])
            lits = re.findall(r'"((?:[^"\\]|\\.)*)"', chunk)
            lits = [x for x in lits if x not in ("r", "w")]
            if lits:
                yield i + 1, " ".join(lits).replace("%s", "x")


def scan():
    found = {}  # word -> [file:line]
    funcs = set()
    shell_files = []
    for p in files():
        rel = os.path.relpath(p, SRC)
        try:
            text = open(p, encoding="utf-8", errors="replace").read()
        except OSError:
            continue
        first = text.split("\n", 1)[0]
        if first.startswith("#!"):
            m = re.match(r"#!\s*(\S+)(?:\s+(\S+))?", first)
            prog = m.group(2) if m.group(1).endswith("/env") else m.group(1)
            found.setdefault(prog, []).append(rel + ":1")
        if is_shell(p):
            shell_files.append((rel, text))
            funcs |= defined_functions(text)
        elif p.endswith(".py"):
            for m in re.finditer(r"subprocess\.\w+\(\s*\[\s*['\"]([^'\"]+)['\"]", text):
                no = text.count("\n", 0, m.start()) + 1
                found.setdefault(m.group(1), []).append(f"{rel}:{no}")
        elif p.endswith(".c"):
            for no, cmd in c_command_text(text):
                for _, w in commands_in_shell_text([cmd]):
                    found.setdefault(w, []).append(f"{rel}:{no}")
    for rel, text in shell_files:
        for no, w in commands_in_shell_text(text.splitlines(True)):
            found.setdefault(w, []).append(f"{rel}:{no}")
    return found, funcs


def dpkg_owner(path):
    cands = [path, os.path.realpath(path)]
    for c in list(cands):
        for a, b in (("/usr/bin/", "/bin/"), ("/bin/", "/usr/bin/"),
                     ("/usr/sbin/", "/sbin/"), ("/sbin/", "/usr/sbin/")):
            if c.startswith(a):
                cands.append(b + c[len(a):])
    for c in cands:
        r = subprocess.run(["dpkg", "-S", c], capture_output=True, text=True)
        if r.returncode == 0:
            # "pkg[:arch][, pkg2]: /path" (diversions print extra lines)
            for line in r.stdout.splitlines():
                if line.startswith("diversion"):
                    continue
                pkgs = line.rsplit(": ", 1)[0]
                return [x.strip().split(":")[0] for x in pkgs.split(",")]
    return None


def install_deps_pkgs():
    text = open(os.path.join(SRC, "scripts/install-deps.sh")).read()
    m = re.search(r"^PKGS=\((.*?)^\)", text, re.S | re.M)
    body = "\n".join(strip_comment(x) for x in m.group(1).splitlines())
    return set(body.split())


def package_db():
    """Every installed package: {name: (essential_or_required, [deps], [provides])}."""
    fmt = "${Package}\\t${Status}\\t${Essential}\\t${Priority}\\t${Depends}, ${Pre-Depends}\\t${Provides}\\n"
    out = subprocess.run(["dpkg-query", "-W", "-f=" + fmt], capture_output=True, text=True,
                         check=True).stdout
    db = {}
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) < 6 or not f[1].endswith(" installed"):
            continue
        deps = []
        for d in f[4].split(","):
            d = d.strip()
            if d:
                deps.append(re.split(r"[\s(:]", d.split("|")[0].strip())[0])
        provides = [re.split(r"[\s(]", x.strip())[0] for x in f[5].split(",") if x.strip()]
        db[f[0]] = (f[2] == "yes" or f[3] == "required", deps, provides)
    return db


def closure(pkgs, db):
    """The named packages plus what apt installs for them (Depends and Pre-Depends, first
    alternative; a virtual package counts as its installed providers)."""
    providers = {}
    for name, (_, _, prov) in db.items():
        for v in prov:
            providers.setdefault(v, []).append(name)
    seen, todo = set(), list(pkgs)
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        if p in db:
            todo.extend(db[p][1])
        else:
            todo.extend(providers.get(p, []))
    return seen


def main():
    found, funcs = scan()
    builtins = bash_builtins()
    named = install_deps_pkgs()
    db = package_db()
    allowed = closure(named, db)
    bad = 0
    checked = 0
    for w in sorted(found):
        if not w or w.startswith("$") or w.startswith("-") or w in builtins or w in funcs \
                or w in KEYWORDS or "\\" in w or w[0] in "'\"<>[=.{}" or w.endswith("()"):
            continue
        if "/" in w and not w.startswith(("/usr/", "/bin/", "/sbin/")):
            continue  # our own programs: "$root/build/rsptest", tests/tools, ./x
        where = ", ".join(found[w][:3])
        if not re.match(r"^[A-Za-z0-9/][A-Za-z0-9_./+-]*$", w):
            continue
        # Debian's own PATH: a pyenv or /usr/local copy would hide what a fresh root lacks.
        path = w if w.startswith("/") else shutil.which(w, path=DEBIAN_PATH)
        if not path or not os.path.exists(path):
            continue  # not a program here (a word the heuristic took for one)
        owners = dpkg_owner(path)
        checked += 1
        if not owners:
            print(f"not ok - '{w}' ({path}) belongs to no Debian package (used at {where})")
            bad += 1
            continue
        ok = [o for o in owners if o in allowed or (o in db and db[o][0])]
        if ok:
            print(f"ok - {w}: {ok[0]}")
        else:
            print(f"not ok - '{w}' comes from {'/'.join(owners)}, which "
                  f"scripts/install-deps.sh does not install (used at {where})")
            bad += 1
    print(f"{checked} commands checked, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
