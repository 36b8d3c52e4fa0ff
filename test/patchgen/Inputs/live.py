#!/usr/bin/env python3
"""Runs a version pair through hcu-patchgen and updates v1 live to v2.

  live.py --hcu-cc PATH --hcu-patchgen PATH --hcuapply PATH --case DIR --work DIR
          [--cflags FLAGS] --before CMDS --after CMDS

DIR holds v1/prog.c and v2/prog.c: programs that print "ready", then read commands
from stdin, one per line, and answer each with one line. Builds both with
hcu-cc, runs `hcu-patchgen v1 v2 --build` (its report and the mapping go to
the work directory and stdout), starts v1, sends the --before commands
(comma separated), applies the patch with hcuapply while the program runs,
sends the --after commands and prints every answer as `v1> LINE` / `v2> LINE`.
Everything it starts is killed on the way out; it gives up after 60 s.
"""

import argparse
import os
import select
import subprocess
import sys
import time


def run(cmd, **kw):
    print("$ " + " ".join(os.path.basename(c) if i == 0 else c
                          for i, c in enumerate(cmd)), flush=True)
    return subprocess.run(cmd, **kw)


def read_line(proc, deadline):
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0:
            raise RuntimeError("no answer from the program in time")
        r, _, _ = select.select([proc.stdout], [], [], left)
        if not r:
            continue
        c = os.read(proc.stdout.fileno(), 1)
        if not c:
            raise RuntimeError("the program closed its output (exit status %s)"
                               % proc.poll())
        line += c
    return line.decode().rstrip("\n")


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--hcu-cc", "--hcu-patchgen", "--hcuapply", "--case", "--work"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--cflags", default="")
    ap.add_argument("--before", default="")
    ap.add_argument("--after", default="")
    ap.add_argument("--resolve", default=None,
                    help="expect hcu-patchgen --build to refuse the template; "
                    "replace each HCU-TODO line with this C text and build "
                    "from the edited mapping")
    a = ap.parse_args()
    deadline = time.monotonic() + 60
    cflags = a.cflags.split()
    os.makedirs(os.path.join(a.work, "v1"), exist_ok=True)
    os.makedirs(os.path.join(a.work, "v2"), exist_ok=True)
    v1 = os.path.join(a.work, "v1", "prog")
    v2 = os.path.join(a.work, "v2", "prog")
    for src, out in ((os.path.join(a.case, "v1", "prog.c"), v1),
                     (os.path.join(a.case, "v2", "prog.c"), v2)):
        if run([a.hcu_cc] + cflags + ["-O2", "-o", out, src]).returncode:
            print("FAIL: cannot build " + src)
            return 1
    mapping = os.path.join(a.work, "mapping.c")
    patch = os.path.join(a.work, "v2.so")
    r = run([a.hcu_patchgen, v1, v2, "-o", mapping, "--build=" + patch, "--"]
            + cflags + ["-O2"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
    sys.stdout.write(r.stdout)
    if a.resolve is not None:
        if r.returncode == 0:
            print("FAIL: hcu-patchgen built a patch from a template with "
                  "decisions left")
            return 1
        print("hcu-patchgen refused with exit %d" % r.returncode)
        edited = os.path.join(a.work, "mapping-edited.c")
        with open(mapping) as f:
            lines = f.readlines()
        n = 0
        with open(edited, "w") as f:
            for line in lines:
                if "HCU-TODO:" in line:
                    line = a.resolve + "\n"
                    n += 1
                f.write(line)
        print("lines written by hand: %d" % n)
        r = run([a.hcu_patchgen, v1, v2, "--mapping=" + edited,
                 "--build=" + patch, "--"] + cflags + ["-O2"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        sys.stdout.write(r.stdout)
    if r.returncode:
        print("FAIL: hcu-patchgen exited with %d" % r.returncode)
        return 1

    proc = subprocess.Popen([v1], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        if read_line(proc, deadline) != "ready":
            print("FAIL: v1 did not say ready")
            return 1
        for cmd in filter(None, a.before.split(",")):
            proc.stdin.write((cmd + "\n").encode())
            proc.stdin.flush()
            print("v1> " + read_line(proc, deadline), flush=True)
        r = run([a.hcuapply, "-p", str(proc.pid), patch],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                timeout=max(1, deadline - time.monotonic()))
        print("hcuapply exit %d" % r.returncode)
        if r.returncode:
            sys.stdout.write(r.stdout)
            return 1
        for cmd in filter(None, a.after.split(",")):
            proc.stdin.write((cmd + "\n").encode())
            proc.stdin.flush()
            print("v2> " + read_line(proc, deadline), flush=True)
        proc.stdin.close()
        proc.wait(timeout=max(1, deadline - time.monotonic()))
        print("exit %d" % proc.returncode)
        return 0
    except Exception as e:  # report, never hang
        print("FAIL: %s" % e)
        return 1
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    sys.exit(main())
