#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# test_repl — the `rsptest lua` prompt on a terminal (a pty driven from python3):
# Tab completion of rt.* names, multi-line chunks, Ctrl-C interrupting a running chunk
# (the session stays) and discarding an unfinished one at the prompt, results printed
# with bytes in hex and status words as 9000, the history file, and --sut with the
# step library (device.select) at the prompt. Piped input keeps working as before.
. "$(dirname "$0")/lib.sh"

cat >"$WORK/drive.py" <<'PY'
import fcntl, os, pty, re, select, struct, sys, termios, time

rsptest, work = sys.argv[1], sys.argv[2]
fails = 0

def report(ok, what):
    global fails
    print(("ok - " if ok else "not ok - ") + what)
    if not ok:
        fails += 1

class Session:
    def __init__(self, *args):
        env = dict(os.environ, HOME=work, TERM="vt100",
                   RSPTEST_LUA_HISTORY=os.path.join(work, "hist"))
        env.pop("XDG_STATE_HOME", None)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(rsptest, [rsptest, "lua"] + list(args), env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.buf = b""
        self.log = b""

    # Keys go to the line editor: wait until it reads them (a ^C or ^D typed while the
    # terminal is still in its normal mode would be a signal or an EOF, not a key).
    def send(self, s, editing=True):
        if editing:
            self.wait_mode(True, "sending %r" % s)
        os.write(self.fd, s.encode())

    # Waits (bounded) until pattern appears in what the session printed since the last
    # match; consumes up to the match.
    def expect(self, pattern, what, timeout=20.0):
        rx = re.compile(pattern.encode())
        end = time.monotonic() + timeout
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                report(True, what)
                return True
            left = end - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                break
            try:
                data = os.read(self.fd, 4096)
            except OSError:
                break
            if not data:
                break
            self.buf += data
            self.log += data
        report(False, what + " (wanted %r; got %r)" % (pattern, self.buf[-400:]))
        return False

    # Waits (bounded) until the terminal is in line-editing mode (ISIG off: ^C is a key)
    # or in run mode (ISIG on: ^C is SIGINT), so a ^C is sent when it means what we test.
    def wait_mode(self, editing, what, timeout=20.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            isig = bool(termios.tcgetattr(self.fd)[3] & termios.ISIG)
            if isig != editing:
                return True
            select.select([], [], [], 0.01)
        report(False, what + ": the terminal never entered %s mode" %
               ("editing" if editing else "run"))
        return False

    def close(self):
        self.send("\x04")
        end = time.monotonic() + 20
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            try:
                r, _, _ = select.select([self.fd], [], [], 0.2)
                if r:
                    os.read(self.fd, 4096)
            except OSError:
                pass
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        return -9

s = Session()
s.expect(r"Tab completes", "banner on a terminal")
s.expect(r"rt> ", "prompt")
# Completion: a unique module, then a unique function (with its '(').
# (libedit redraws with cursor moves, so the proof is what the completed line does.)
s.send("rt.he\tenc\t'AB')\r")
s.expect(r"\r\n4142\r\n", "Tab completes rt.he\\t enc\\t to rt.hex.encode( (gives 4142)")
# Several candidates: the common part is added, a second Tab lists them.
s.send("rt.sc\t")
s.expect(r"p", "Tab adds the common part (rt.scp)")
s.send("\t")
s.expect(r"scp03 .*scp80", "second Tab lists the candidates rt.scp03, rt.scp80, ...")
s.wait_mode(True, "Ctrl-C at the prompt")
s.send("\x03")
s.expect(r"rt> ", "Ctrl-C discards the line")
# Results: bytes in hex, text as is, status words as 9000.
s.send("string.char(0x6F, 0x10, 0xAB)\r")
s.expect(r"\r\n6F10AB\r\n", "binary string printed in hex")
s.send("rt.apdu.split(rt.hex.decode('6F009000'))\r")
s.expect(r"\r\n6F00\t9000\r\n", "data, sw printed as hex and 9000")
s.send("{sw = 0x6A82, data = '\\x01\\x02', n = 3}\r")
s.expect(r"\{ data = 0102, n = 3, sw = 6A82 \}", "table with a sw field printed as 6A82")
# Multi-line chunk, as the lua prompt reads it.
s.send("function twice(x)\r")
s.expect(r"rt>> ", "unfinished chunk asks for more (rt>>)")
s.send("return x * 2\r")
s.expect(r"rt>> ", "still unfinished")
s.send("end\r")
s.expect(r"rt> ", "chunk complete")
s.send("twice(21)\r")
s.expect(r"\r\n42\r\n", "multi-line function defined and called")
# Ctrl-C at the prompt drops an unfinished chunk.
s.send("for i = 1, 3 do\r")
s.expect(r"rt>> ", "unfinished for loop")
s.wait_mode(True, "Ctrl-C at the rt>> prompt")
s.send("\x03")
s.expect(r"rt> ", "Ctrl-C drops the unfinished chunk")
# Ctrl-C interrupts a running chunk; the session and its globals stay.
s.send("print('spin' .. 'ning') while true do end\r")
s.expect(r"spinning", "endless chunk started")
s.wait_mode(False, "Ctrl-C while a chunk runs")
s.send("\x03", editing=False)
s.expect(r"interrupted", "Ctrl-C interrupts the running chunk")
s.expect(r"rt> ", "prompt back after the interrupt")
s.send("twice(500) + 337\r")
s.expect(r"\r\n1337\r\n", "session kept its state after Ctrl-C")
s.send("7 * 191\r")
s.expect(r"\r\n1337\r\n", "last line of the session")
rc = s.close()
report(rc == 0, "Ctrl-D leaves with status 0 (got %d)" % rc)
try:
    hist = open(os.path.join(work, "hist")).read()
except OSError:
    hist = ""
report("twice(21)" in hist, "history saved in $RSPTEST_LUA_HISTORY")

# History from the last session: Up recalls it.
s = Session()
s.expect(r"rt> ", "second session prompt")
s.send("\x1b[A")
s.expect(r"191", "Up recalls the last line of the previous session")
s.send("\r")
s.expect(r"\r\n1337\r\n", "recalled line runs")
s.close()

# --sut: the SUT card and the step library at the prompt.
s = Session("--sut", "reference")
s.expect(r"rt> ", "--sut prompt")
s.send("dev\t")
s.send("select{aid = 'A0000005591010FFFFFFFF8900000100'}\r")
s.expect(r"sw = 9000 \}", "device.select{...} (completed from dev) at the prompt: sw = 9000")
s.send("r = device.select{aid = 'A0000005591010FFFFFFFF8900000100'}\r")
s.expect(r"rt> ", "select saved")
s.send("r\r")
s.expect(r"rapdu = 6F.*9000, sw = 9000 \}", "select result: rapdu in hex, sw as 9000")
s.send("case.card():send(rt.hex.decode('00A4040010A0000005591010FFFFFFFF8900000100'))\r")
s.expect(r"\r\n6F[0-9A-F]+\t9000\r\n", "card:send gives data in hex and 9000")
rc = s.close()
report(rc == 0, "--sut session leaves with status 0 (got %d)" % rc)
sys.exit(1 if fails else 0)
PY
python3 "$WORK/drive.py" "$RSPTEST" "$WORK"
check "the prompt behaves on a terminal" test $? -eq 0

# Piped standard input: no prompt, one chunk per line, results with print (as before).
printf '1+1\nprint("x" .. 2)\n' | "$RSPTEST" lua >"$WORK/piped" 2>&1
check "piped input prints results without a prompt" \
  test "$(cat "$WORK/piped")" = "$(printf '2\nx2')"
printf 'print(device.select{aid="A0000005591010FFFFFFFF8900000100"}.sw == 0x9000)\n' |
  "$RSPTEST" lua --sut reference >"$WORK/piped2" 2>&1
check "piped input with --sut reaches the card" grep -qx true "$WORK/piped2"
printf 'print(arg[1], ...)\n' >"$WORK/args.lua"
"$RSPTEST" lua "$WORK/args.lua" -v x >"$WORK/args" 2>&1
check "script arguments after FILE are the script's (not options)" \
  test "$(cat "$WORK/args")" = "$(printf -- '-v\t-v\tx')"
"$RSPTEST" lua --sut "$WORK/missing.yaml" </dev/null >"$WORK/bad" 2>&1
check "an unreadable --sut is a usage error (2)" test $? -eq 2
finish
