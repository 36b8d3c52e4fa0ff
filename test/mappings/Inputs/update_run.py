#!/usr/bin/env python3
"""Starts a program, applies patches with hcuapply when it prints given lines,
and prints everything for FileCheck.

  update_run.py --hcuapply PATH [--when REGEX --apply "ARGS..."]... -- PROG ARGS...

Each --when/--apply pair waits until the program prints a line matching
REGEX, then runs `hcuapply -p PID ARGS...` and prints `hcuapply: exit N:
OUTPUT`. Program lines are echoed as `program: LINE`; at the end it prints
`exit: N`. The program is killed if anything goes wrong or takes too long.
"""
import argparse
import os
import re
import shlex
import signal
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hcuapply", required=True)
    ap.add_argument("--when", action="append", default=[])
    ap.add_argument("--apply", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if len(a.when) != len(a.apply) or not cmd:
        sys.exit("usage: --when/--apply come in pairs, then -- PROG ARGS")
    steps = list(zip(a.when, a.apply))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, bufsize=1)
    end = time.monotonic() + a.timeout
    try:
        for line in proc.stdout:
            line = line.rstrip("\n")
            print(f"program: {line}", flush=True)
            if steps and re.search(steps[0][0], line):
                args = shlex.split(steps.pop(0)[1])
                res = subprocess.run([a.hcuapply, "-p", str(proc.pid)] + args,
                                     capture_output=True, text=True, timeout=60)
                out = (res.stdout.strip() + " " + res.stderr.strip()).strip()
                print(f"hcuapply: exit {res.returncode}: {out}", flush=True)
            if time.monotonic() > end:
                sys.exit("FAIL: the program ran too long")
        rc = proc.wait(timeout=max(1.0, end - time.monotonic()))
        err = proc.stderr.read()
        if err.strip():
            for l in err.splitlines():
                print(f"stderr: {l}")
        if steps:
            print(f"FAIL: the program never printed {steps[0][0]!r}")
        print(f"exit: {rc}")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()


if __name__ == "__main__":
    main()
