#!/usr/bin/python3
"""Drives a program on a real pseudo-terminal, as a person would type at it.

    pty_drive.py TRANSCRIPT STEPS_JSON -- PROGRAM ARGS...

STEPS_JSON is a list of steps: ["expect", REGEX] waits (20 s at most) for REGEX in what the
program printed since the last match; ["send", TEXT] types TEXT; ["intr"] types Ctrl-C (the
terminal's VINTR character, so the line discipline sends SIGINT); ["eof"] types Ctrl-D.
Everything the program printed goes to TRANSCRIPT. Exit status: the program's, 128+N when it
was killed by signal N, 3 when an expectation timed out.
"""
import json
import os
import pty
import re
import select
import sys
import time

transcript_path, steps_json = sys.argv[1], sys.argv[2]
argv = sys.argv[sys.argv.index("--") + 1:]
steps = json.loads(steps_json)

pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)

seen = b""
cursor = 0
transcript = open(transcript_path, "wb")


def pump(timeout):
    global seen
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return True
    try:
        data = os.read(fd, 4096)
    except OSError:
        return False
    if not data:
        return False
    seen += data
    transcript.write(data)
    transcript.flush()
    return True


status = None
for step in steps:
    if step[0] == "expect":
        pattern = re.compile(step[1].encode())
        deadline = time.time() + 20
        while True:
            m = pattern.search(seen, cursor)
            if m:
                cursor = m.end()
                break
            if time.time() > deadline or not pump(0.2):
                m = pattern.search(seen, cursor)
                if m:
                    cursor = m.end()
                    break
                sys.stderr.write("pty_drive: timed out waiting for %r; the program printed:\n%s\n"
                                 % (step[1], seen[cursor:].decode(errors="replace")))
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                sys.exit(3)
    elif step[0] == "send":
        time.sleep(0.05)
        os.write(fd, step[1].encode())
    elif step[0] == "intr":
        time.sleep(0.1)
        os.write(fd, b"\x03")
    elif step[0] == "eof":
        time.sleep(0.1)
        os.write(fd, b"\x04")

# Read what is left, then the exit status.
deadline = time.time() + 20
while time.time() < deadline and pump(0.2):
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
        while pump(0.05):
            pass
        break
if status is None:
    # The terminal closes a moment before the process can be reaped.
    done = 0
    for _ in range(100):
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.1)
    if not done:
        os.kill(pid, 9)
        sys.stderr.write("pty_drive: the program did not exit\n")
        os.waitpid(pid, 0)
        sys.exit(3)
    status = st
transcript.close()
if os.WIFSIGNALED(status):
    sys.exit(128 + os.WTERMSIG(status))
sys.exit(os.WEXITSTATUS(status))
