#!/usr/bin/env python3
"""GCC's execution torture tests, plain and with hcu-cc (issue 3, acceptance item 2).

Unpacks gcc.c-torture/execute from the Debian package gcc-12-source
(/usr/src/gcc-12/gcc-*.tar.xz) into WORK, then for every top-level test:
builds it with `gcc -O2 -w` plus the options its dg- directives ask for on
x86_64 (dg-options, dg-additional-options), runs it (a test passes when it
exits 0; failing tests call abort()), and builds and runs the tests that pass
plainly with hcu-cc and the same flags. Every test that passes plainly must
pass with hcu-cc, unless test/differential/torture-excluded.txt lists it
with the reason it is out of scope.

  torture.py --hcu-cc build/bin/hcu-cc --work /tmp/torture [--jobs 2] [--only 'pr1*.c'] [--every N]

Exits 0 when all of them pass, 1 when any fails, 2 when it cannot run.
"""

import argparse
import concurrent.futures
import fnmatch
import glob
import json
import os
import re
import shutil
import sys
import threading
import time

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hcudiff  # noqa: E402
from hcudiff import run  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
EXCLUDED = os.path.join(HERE, "torture-excluded.txt")
# Known hcu bugs, each with its diagnosis: still built and run; a failure is
# counted as known, a pass fails the run until the entry is removed.
KNOWN = os.path.join(HERE, "torture-known-failures.txt")
TARBALLS = "/usr/src/gcc-12/gcc-12*.tar.xz"
SUBDIR = "gcc/testsuite/gcc.c-torture/execute"


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", required=True)
    ap.add_argument("--hcu-cc", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("--opt", default="-O2")
    ap.add_argument("--timeout", type=float, default=10.0, help="run-time limit of a plain build, s")
    ap.add_argument("--only", default=None, help="glob of test names to run (default: all)")
    ap.add_argument("--excluded", default=EXCLUDED)
    ap.add_argument("--every", type=int, default=1,
                    help="run every Nth test in name order (CI's time budget; default: all)")
    return ap.parse_args()


def unpack(work):
    """Returns the execute/ directory, unpacking it on first use."""
    tarballs = sorted(glob.glob(TARBALLS))
    if not tarballs:
        hcudiff.die("no %s: install the Debian package gcc-12-source" % TARBALLS)
    tarball = tarballs[-1]
    dest = os.path.join(work, "src")
    stamp = os.path.join(dest, ".unpacked-" + os.path.basename(tarball))
    if not os.path.exists(stamp):
        shutil.rmtree(dest, ignore_errors=True)
        os.makedirs(dest)
        hcudiff.log("torture: unpacking %s from %s" % (SUBDIR, tarball))
        r = run(["tar", "-xf", tarball, "-C", dest, "--wildcards", "*/" + SUBDIR + "/*"], timeout=900)
        if r.rc != 0:
            hcudiff.die("cannot unpack %s: %s" % (tarball, r.err.strip()))
        open(stamp, "w").close()
    found = glob.glob(os.path.join(dest, "*", SUBDIR))
    if not found:
        hcudiff.die("%s has no %s" % (tarball, SUBDIR))
    return found[0]


_DG = re.compile(r"\{\s*(dg-[a-z-]+)\s+(.*)\}")


def target_applies(sel):
    """Whether a dg target selector holds for x86_64-linux-gnu (64-bit)."""
    sel = sel.strip()
    if not sel:
        return True
    m = re.match(r"\{?\s*target\s+(.*)", sel)
    if not m:
        return True
    t = m.group(1)
    if "ia32" in t and "!" not in t.split("ia32")[0][-3:]:
        return False
    return "x86_64" in t or "*-*-*" in t.replace("x86_64-*-*", "")


def directives(path):
    """The flags the test's dg- directives add on x86_64, and whether it
    is meant to run at all (dg-do compile/link tests are not)."""
    flags, runs = [], True
    text = open(path, errors="replace").read()
    for m in re.finditer(r"\{\s*(dg-options|dg-additional-options|dg-do)\s+(.*?)\s*\}\s*(\*/|$)",
                         text, re.M):
        kind, rest = m.group(1), m.group(2)
        if kind == "dg-do":
            if rest.split()[0] in ("compile", "link", "assemble", "preprocess"):
                runs = False
            continue
        q = re.match(r'"([^"]*)"\s*(.*)|\{\s*"([^"]*)"\s*\}\s*(.*)', rest)
        if not q:
            continue
        opts = q.group(1) if q.group(1) is not None else q.group(3)
        sel = q.group(2) if q.group(1) is not None else q.group(4)
        if target_applies(sel or ""):
            flags += opts.split()
    return flags, runs


# A pointer printed with %p: where a stack local, the heap or a library is
# changes from run to run (ASLR) and between the builds (hcu keeps
# address-taken locals in its frame arena), so only the text around it is
# compared (return-addr.c prints the addresses it checks).
_ADDR = re.compile(r"0x[0-9a-fA-F]{8,}")


def unaddressed(out):
    return _ADDR.sub("0x<address>", out)


def read_excluded(path):
    ex = {}
    if not os.path.exists(path):
        return ex
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        if len(parts) < 2 or not parts[1].strip():
            hcudiff.die("%s: '%s' gives no reason" % (path, line))
        ex[parts[0]] = parts[1].strip()
    return ex


def one(a, src, excluded, runtime_dir):
    name = os.path.basename(src)
    d = os.path.join(a.work, "t", name[:-2])
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    extra, runs = directives(src)
    res = {"name": name, "flags": extra}
    if not runs:
        res["outcome"] = "not-run"
        return res, d
    flags = [a.opt, "-w"] + extra
    plain = os.path.join(d, "plain")
    b = run([a.cc] + flags + [src, "-o", plain, "-lm"], timeout=300, cwd=d)
    if b.rc != 0:
        res.update(outcome="plain-fail", why="plain build: " + hcudiff.short(
            next((l for l in b.err.splitlines() if "error" in l), b.status())))
        return res, d
    r = run([plain], timeout=a.timeout, cwd=d)
    if r.rc != 0:
        res.update(outcome="plain-fail", why="plain run: " + r.status())
        return res, d
    if name in excluded:
        res["outcome"] = "excluded"
        return res, d
    env = hcudiff.hcu_env(runtime_dir=runtime_dir)
    exe = os.path.join(d, "hcu")
    b = run([a.hcu_cc] + flags + hcudiff.sanitizer_flags() + [src, "-o", exe, "-lm"],
            timeout=600, cwd=d, env=env)
    open(os.path.join(d, "hcu.log"), "w").write(b.err)
    if b.rc != 0 or b.timed_out:
        cls, first, errs = hcudiff.classify_hcu_cc(b)
        res.update(outcome="fail", cls=cls, detail=first or "", errors=errs)
        return res, d
    limit = max(2 * a.timeout, 20 * r.secs)
    h = run([exe], timeout=limit, cwd=d, env=env)
    if h.timed_out:
        res.update(outcome="fail", cls="timeout", detail="ran past %.0f s (plain: %.2f s)" % (limit, r.secs))
    elif h.rc != 0:
        tail = h.err.strip().splitlines()[-1] if h.err.strip() else ""
        res.update(outcome="fail", cls="runtime-crash",
                   detail="%s (plain: exit 0); stderr: %s" % (h.status(), hcudiff.short(tail, 120)))
    elif unaddressed(h.out) != unaddressed(r.out):
        res.update(outcome="fail", cls="output-mismatch", detail="stdout differs from the plain build's")
    else:
        res["outcome"] = "pass"
    return res, d


def main():
    a = parse_args()
    hcudiff.need_tool(os.path.abspath(a.hcu_cc), "hcu-cc")
    if not shutil.which(a.cc):
        hcudiff.die("plain compiler %s not found" % a.cc)
    a.work = os.path.abspath(a.work)
    a.hcu_cc = os.path.abspath(a.hcu_cc)
    os.makedirs(a.work, exist_ok=True)
    execdir = unpack(a.work)
    excluded = read_excluded(a.excluded)
    known = read_excluded(KNOWN)
    tests = sorted(glob.glob(os.path.join(execdir, "*.c")))
    if a.only:
        tests = [t for t in tests if fnmatch.fnmatch(os.path.basename(t), a.only)]
    if a.every > 1:
        tests = tests[::a.every]
    if not tests:
        hcudiff.die("no tests in %s" % execdir)
    unknown = (set(excluded) | set(known)) - {os.path.basename(t) for t in glob.glob(os.path.join(execdir, "*.c"))}
    if unknown:
        hcudiff.die("%s names tests that do not exist: %s" % (a.excluded, " ".join(sorted(unknown))))
    shutil.rmtree(os.path.join(a.work, "t"), ignore_errors=True)
    runtime_dir = os.path.join("/tmp", "hcu-torture-%d" % os.getpid())
    hcudiff.log("torture: %d tests from %s, %s, %d jobs" % (len(tests), execdir, a.opt, a.jobs))
    t0 = time.monotonic()
    lock = threading.Lock()
    done = [0]

    def work(src):
        res, d = one(a, src, excluded, runtime_dir)
        if res["outcome"] != "fail":
            shutil.rmtree(d, ignore_errors=True)
        with lock:
            done[0] += 1
            if res["outcome"] == "fail":
                hcudiff.log("FAIL %s [%s]: %s" % (res["name"], res["cls"], hcudiff.short(res["detail"], 160)))
            if done[0] % 200 == 0:
                hcudiff.log("  ... %d/%d done, %.0f s" % (done[0], len(tests), time.monotonic() - t0))
        return res

    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        results = list(ex.map(work, tests))
    fixed = []
    for r in results:
        if r["name"] in known:
            if r["outcome"] == "fail":
                r["outcome"] = "known-fail"
            elif r["outcome"] == "pass":
                fixed.append(r["name"])
    shutil.rmtree(runtime_dir, ignore_errors=True)
    elapsed = time.monotonic() - t0

    def n(outcome):
        return sum(1 for r in results if r["outcome"] == outcome)
    s = hcudiff.Summary("gcc.c-torture/execute, %s" % a.opt)
    s.count("tests", len(results))
    s.count("not meant to run (dg-do compile/link)", n("not-run"))
    s.count("fail plainly with gcc (not compared)", n("plain-fail"))
    s.count("passed plainly", len(results) - n("not-run") - n("plain-fail"))
    s.count("excluded (torture-excluded.txt)", n("excluded"))
    s.count("passed with hcu-cc", n("pass"))
    s.count("known hcu bugs, still failing (torture-known-failures.txt)", n("known-fail"))
    for r in results:
        if r["outcome"] == "fail":
            s.fail(r["cls"], r["name"], r["detail"], r.get("errors", ()))
    hcudiff.log(s.render())
    plain_fail = [r for r in results if r["outcome"] == "plain-fail"]
    if plain_fail:
        hcudiff.log("  failing plainly: " + " ".join(r["name"] for r in plain_fail[:20])
                    + (" ..." if len(plain_fail) > 20 else ""))
    hcudiff.log("  time: %.0f s with %d jobs" % (elapsed, a.jobs))
    with open(os.path.join(a.work, "results.json"), "w") as f:
        json.dump({"elapsed": elapsed, "results": results}, f, indent=1)
    if s.nfailed():
        hcudiff.log("  failing tests, with their hcu-cc logs: %s/t/<name>/" % a.work)
        hcudiff.log("torture: FAILED: %d tests pass plainly but not with hcu-cc" % s.nfailed())
        return 1
    if fixed:
        hcudiff.log("torture: FAILED: now passing, remove from %s: %s" % (KNOWN, " ".join(fixed)))
        return 1
    if n("pass") == 0:
        hcudiff.log("torture: FAILED: nothing passed")
        return 1
    hcudiff.log("torture: PASSED: %d tests" % n("pass"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
