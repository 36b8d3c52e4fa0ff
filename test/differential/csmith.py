#!/usr/bin/env python3
"""Differential testing of hcu-cc with csmith (issue 3, acceptance item 1).

Generates programs with fixed seeds (S .. S+N-1), builds each plainly with gcc
and with hcu-cc at every optimization level asked for, runs them and compares
their output (csmith's checksum, with every global's hash: `prog 1`).

A program whose plain builds do not finish within the time limit, crash, or
disagree with each other is discarded (csmith cannot promise termination);
the rest must behave identically when built with hcu-cc.

  csmith.py --count 300 --seed 1 --work /tmp/cs --hcu-cc build/bin/hcu-cc
  csmith.py --long ...          # 3000 programs unless --count says otherwise

Exits 0 when every compared program matched, 1 when any failed, 2 when it
cannot run (csmith missing, ...). Failing programs stay in WORK/fail/ with
their build logs; the rest are deleted.
"""

import argparse
import concurrent.futures
import json
import os
import shutil
import sys
import threading
import time

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hcudiff  # noqa: E402
from hcudiff import run  # noqa: E402

CSMITH_INCLUDE = "/usr/include/csmith"

# Small programs (a few hundred lines) so that 300 of them build in minutes,
# with every feature csmith has left on: structs, unions, bit-fields, packed
# structs, pointers, volatiles, arrays, jumps, comma operators, embedded
# assignments, inline functions.
CSMITH_OPTS = [
    "--max-funcs", "5",
    "--max-block-depth", "3",
    "--max-block-size", "4",
    "--max-expr-complexity", "6",
    "--max-array-dim", "2",
    "--max-array-len-per-dim", "5",
    "--max-struct-fields", "5",
    "--max-union-fields", "4",
    "--max-pointer-depth", "2",
    "--concise",
]


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=None, help="programs to generate (300; 3000 with --long)")
    ap.add_argument("--seed", type=int, default=1, help="first seed")
    ap.add_argument("--work", required=True, help="work directory (created)")
    ap.add_argument("--hcu-cc", required=True, help="hcu-cc to test")
    ap.add_argument("--opt", default="-O0,-O2", help="optimization levels, comma-separated")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--long", action="store_true", help="thousands of programs")
    ap.add_argument("--timeout", type=float, default=5.0, help="plain build's run-time limit, seconds")
    ap.add_argument("--cc", default="gcc", help="plain compiler")
    ap.add_argument("--csmith", default=shutil.which("csmith") or "/usr/bin/csmith")
    ap.add_argument("--keep", action="store_true", help="keep passing programs too")
    a = ap.parse_args()
    if a.count is None:
        a.count = 3000 if a.long else 300
    a.opts = [o.strip() for o in a.opt.split(",") if o.strip()]
    return a


def check_prereqs(a):
    hcudiff.need_tool(a.csmith, "csmith (Debian package csmith)")
    if not os.path.isfile(os.path.join(CSMITH_INCLUDE, "csmith.h")):
        hcudiff.die("%s/csmith.h not found: install the Debian package libcsmith-dev" % CSMITH_INCLUDE)
    hcudiff.need_tool(a.hcu_cc, "hcu-cc")
    if not shutil.which(a.cc):
        hcudiff.die("plain compiler %s not found" % a.cc)


def one(a, seed, runtime_dir):
    """Returns a dict: seed, outcome ('pass'|'discard'|'fail'), class, detail."""
    d = os.path.join(a.work, "s%d" % seed)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    src = os.path.join(d, "p.c")
    res = {"seed": seed}
    g = run([a.csmith, "--seed", str(seed), "-o", src] + CSMITH_OPTS, timeout=60, cwd=d)
    if g.rc != 0 or not os.path.exists(src):
        res.update(outcome="discard", why="csmith failed: " + hcudiff.short(g.err or g.status()))
        return res, d
    res["lines"] = sum(1 for _ in open(src, errors="replace"))
    flags = ["-w", "-I" + CSMITH_INCLUDE]

    # Plain builds: the reference. The fastest level runs first so that a
    # program that does not terminate costs one timeout, not several.
    ref = None
    plain_secs = 0.0
    for opt in sorted(a.opts, key=lambda o: o == "-O0"):
        exe = os.path.join(d, "plain" + opt)
        b = run([a.cc, opt] + flags + [src, "-o", exe], timeout=300, cwd=d)
        if b.rc != 0:
            res.update(outcome="discard", why="plain %s build failed: %s" % (opt, hcudiff.short(b.err)))
            return res, d
        r = run([exe, "1"], timeout=a.timeout, cwd=d)
        if r.timed_out or r.rc != 0:
            res.update(outcome="discard", why="plain %s run: %s" % (opt, r.status()))
            return res, d
        if ref is not None and r.out != ref:
            res.update(outcome="discard", why="plain builds disagree (%s)" % opt)
            return res, d
        ref = r.out
        plain_secs = max(plain_secs, r.secs)

    env = hcudiff.hcu_env(runtime_dir=runtime_dir)
    for opt in a.opts:
        exe = os.path.join(d, "hcu" + opt)
        b = run([a.hcu_cc, opt] + flags + hcudiff.sanitizer_flags() + [src, "-o", exe],
                timeout=600, cwd=d, env=env)
        open(os.path.join(d, "hcu%s.log" % opt), "w").write(b.err)
        if b.rc != 0 or b.timed_out:
            cls, first, errs = hcudiff.classify_hcu_cc(b)
            res.update(outcome="fail", cls=cls, opt=opt, detail=first or "", errors=errs)
            return res, d
        limit = max(10.0, 20 * plain_secs)
        r = run([exe, "1"], timeout=limit, cwd=d, env=env)
        if r.timed_out:
            res.update(outcome="fail", cls="timeout", opt=opt,
                       detail="hcu %s build ran past %.0f s (plain: %.2f s)" % (opt, limit, plain_secs))
            return res, d
        if r.rc != 0:
            res.update(outcome="fail", cls="runtime-crash", opt=opt,
                       detail="hcu %s build: %s; stderr: %s" % (opt, r.status(),
                                                                hcudiff.short(r.err.strip().splitlines()[-1] if r.err.strip() else "")))
            return res, d
        if r.out != ref:
            open(os.path.join(d, "hcu%s.out" % opt), "w").write(r.out)
            open(os.path.join(d, "plain.out"), "w").write(ref)
            diff = first_difference(ref, r.out)
            res.update(outcome="fail", cls="output-mismatch", opt=opt,
                       detail="hcu %s build: %s" % (opt, diff))
            return res, d
    res["outcome"] = "pass"
    return res, d


def first_difference(want, got):
    w, g = want.splitlines(), got.splitlines()
    for i in range(max(len(w), len(g))):
        wl = w[i] if i < len(w) else "<end>"
        gl = g[i] if i < len(g) else "<end>"
        if wl != gl:
            return "line %d: plain %r, hcu %r" % (i + 1, wl, gl)
    return "outputs differ"


def main():
    a = parse_args()
    check_prereqs(a)
    a.work = os.path.abspath(a.work)
    a.hcu_cc = os.path.abspath(a.hcu_cc)
    os.makedirs(a.work, exist_ok=True)
    faildir = os.path.join(a.work, "fail")
    shutil.rmtree(faildir, ignore_errors=True)
    os.makedirs(faildir)
    # A short directory for the programs' control sockets (sun_path is small).
    runtime_dir = os.path.join("/tmp", "hcu-csmith-%d" % os.getpid())
    seeds = list(range(a.seed, a.seed + a.count))
    hcudiff.log("csmith: %d programs (seeds %d..%d), %s, %d jobs, work %s"
                % (a.count, seeds[0], seeds[-1], " ".join(a.opts), a.jobs, a.work))
    hcudiff.log("csmith options: " + " ".join(CSMITH_OPTS))
    t0 = time.monotonic()
    summary = hcudiff.Summary("csmith: %d programs, seeds %d..%d, %s"
                              % (a.count, seeds[0], seeds[-1], " ".join(a.opts)))
    results = []
    done = [0]
    lock = threading.Lock()

    def work(seed):
        res, d = one(a, seed, runtime_dir)
        if res["outcome"] == "fail":
            dest = os.path.join(faildir, "s%d" % seed)
            shutil.rmtree(dest, ignore_errors=True)
            shutil.move(d, dest)
        elif not a.keep:
            shutil.rmtree(d, ignore_errors=True)
        with lock:
            done[0] += 1
            if res["outcome"] == "fail":
                hcudiff.log("FAIL seed %d [%s %s]: %s" % (seed, res["cls"], res.get("opt", ""),
                                                        hcudiff.short(res["detail"], 160)))
            if done[0] % 50 == 0:
                hcudiff.log("  ... %d/%d done, %.0f s" % (done[0], a.count, time.monotonic() - t0))
        return res

    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        results = list(ex.map(work, seeds))
    shutil.rmtree(runtime_dir, ignore_errors=True)

    discards = {}
    for res in results:
        if res["outcome"] == "discard":
            discards.setdefault(res["why"].split(":")[0], []).append(res["seed"])
    ncmp = sum(1 for r in results if r["outcome"] != "discard")
    summary.count("generated", len(results))
    summary.count("discarded (plain build did not finish/run)", len(results) - ncmp)
    summary.count("compared", ncmp)
    summary.count("identical with hcu-cc", sum(1 for r in results if r["outcome"] == "pass"))
    for res in results:
        if res["outcome"] == "fail":
            summary.fail(res["cls"], "seed %d%s" % (res["seed"], (" " + res["opt"]) if res.get("opt") else ""),
                         res["detail"], res.get("errors", ()))
    elapsed = time.monotonic() - t0
    lines = [r["lines"] for r in results if "lines" in r]
    hcudiff.log(summary.render())
    for why, lst in sorted(discards.items()):
        hcudiff.log("  discarded, %s: %d (seeds %s%s)" % (why, len(lst), " ".join(map(str, lst[:10])),
                                                      " ..." if len(lst) > 10 else ""))
    if lines:
        hcudiff.log("  program size: %d lines on average, %d at most" % (sum(lines) // len(lines), max(lines)))
    hcudiff.log("  time: %.0f s with %d jobs" % (elapsed, a.jobs))
    if summary.nfailed():
        hcudiff.log("  failing programs, with their hcu-cc logs: %s/s<seed>/" % faildir)
        hcudiff.log("  reproduce one: %s --seed SEED %s -o p.c && %s -O2 -I%s p.c && ./a.out 1"
                    % (a.csmith, " ".join(CSMITH_OPTS), a.hcu_cc, CSMITH_INCLUDE))
    with open(os.path.join(a.work, "results.json"), "w") as f:
        json.dump({"elapsed": elapsed, "results": results}, f, indent=1)
    if ncmp == 0:
        hcudiff.log("csmith: FAILED: no program was compared")
        return 1
    if summary.nfailed():
        hcudiff.log("csmith: FAILED: %d of %d compared programs" % (summary.nfailed(), ncmp))
        return 1
    hcudiff.log("csmith: PASSED: %d programs identical" % ncmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
