#!/usr/bin/env python3
"""Builds C files plainly and with hcu-cc under -Wall -Wextra, with each
compiler and optimization level asked for, and fails when hcu-cc reports a
warning the plain build does not (issue 3, acceptance item 5).

A warning is keyed by (file, line, -Wflag): the instrumented code keeps the
user's lines (#line), so a warning about the user's code has the same key in
both builds. hcu-cc also shows what its Clang front end says about the
source; those are not new either, so the baseline is the plain build's
warnings plus Clang's (-fsyntax-only) on the same file.

  wall_wextra.py --hcu-cc HCU_CC --work DIR [--cc gcc --cc clang-19]
                 [--opt -O0 --opt -O2] [--csmith-seed N] file.c ...

Prints one line per build and every new warning; exits 1 if there is any.
"""

import argparse
import os
import re
import subprocess
import sys

WARNING = re.compile(r"^(.*?):(\d+):\d+: warning: .*\[(-W[^\]=,]+)[^\]]*\]$")
FLAGS = ["-Wall", "-Wextra"]


def warnings(cmd, env=None):
    """Runs a compile; returns the set of (file, line, flag) it warned about."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True, env=env)
    if p.returncode != 0:
        sys.exit("build failed: %s\n%s" % (" ".join(cmd), p.stdout))
    found = set()
    for line in p.stdout.splitlines():
        m = WARNING.match(line)
        if m:
            found.add((os.path.basename(m.group(1)), int(m.group(2)), m.group(3)))
    return found, p.stdout


def csmith_program(seed, work):
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "..", "..", "differential"))
    sys.dont_write_bytecode = True
    import csmith  # noqa: E402  (its options: the programs the csmith test uses)
    src = os.path.join(work, "csmith%d.c" % seed)
    subprocess.run(["csmith", "--seed", str(seed), "-o", src] + csmith.CSMITH_OPTS,
                   check=True, stdout=subprocess.DEVNULL)
    return src, ["-I" + csmith.CSMITH_INCLUDE]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hcu-cc", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--cc", action="append")
    ap.add_argument("--opt", action="append")
    ap.add_argument("--csmith-seed", type=int)
    ap.add_argument("--cflags", default="", help="extra flags for every build")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    progs = [(f, []) for f in a.files]
    if a.csmith_seed is not None:
        progs.append(csmith_program(a.csmith_seed, a.work))
    new_total = 0
    for src, inc in progs:
        base = os.path.basename(src)
        extra = inc + a.cflags.split()
        clang_fe, _ = warnings(["clang-19", "-fsyntax-only"] + FLAGS + extra + [src])
        for cc in a.cc or ["gcc", "clang-19"]:
            for opt in a.opt or ["-O0", "-O2"]:
                obj = os.path.join(a.work, "%s.%s%s.o" % (base, cc, opt))
                plain, _ = warnings([cc] + FLAGS + [opt] + extra + ["-c", src, "-o", obj])
                env = dict(os.environ, HCU_CC=cc)
                hcu, out = warnings([a.hcu_cc] + FLAGS + [opt] + extra + ["-c", src, "-o", obj], env)
                new = sorted(hcu - plain - clang_fe)
                new_total += len(new)
                print("%s %s %s: plain %d warnings, hcu-cc %d, new %d"
                      % (base, cc, opt, len(plain), len(hcu), len(new)))
                for w in new:
                    print("  NEW %s:%d [%s]" % w)
                    for line in out.splitlines():
                        m = WARNING.match(line)
                        if m and (os.path.basename(m.group(1)), int(m.group(2)), m.group(3)) == w:
                            print("    " + line)
    print("new warnings: %d" % new_total)
    return 1 if new_total else 0


if __name__ == "__main__":
    sys.exit(main())
