#!/usr/bin/env python3
"""Builds Lua 5.4 and SQLite 3.40 (Debian source packages, fetched by
debian_src.sh) plainly and with hcu-cc, runs both builds on the same inputs
and compares them (issue 3, acceptance item 3).

Lua: the interpreter from src/*.c (upstream's `make linux`: -std=gnu99 -O2
-DLUA_COMPAT_5_3 -DLUA_USE_LINUX, linked with -Wl,-E -lm -ldl); runs every
test/differential/lua/*.lua, comparing stdout, stderr and exit status. Then
the same interpreter from one unit that #includes every Lua source: each
.c is a project header of that unit, whose functions hcu-transform inlines
and instruments (docs/design.md, "Functions defined in headers").

SQLite: the amalgamation (sqlite3.c, shell.c) generated once from the
source tree (./configure && make sqlite3.c shell.c: needs tclsh), then the
sqlite3 shell and test/speedtest1.c, built plainly and with hcu-cc; runs the
shell on every test/differential/sql/*.sql, and speedtest1 with timings
removed from its output.

Every source file is compiled on its own, so a file that hcu-cc refuses is
classified and reported, and the other files still are tried (like make -k).
"""

import argparse
import concurrent.futures
import glob
import os
import re
import shutil
import sys
import time

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hcudiff  # noqa: E402
from hcudiff import run  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RUNTIME_DIR = os.path.join("/tmp", "hcu-debsrc-%d" % os.getpid())  # control sockets

LUA_CFLAGS = ["-std=gnu99", "-O2", "-Wall", "-Wextra", "-DLUA_COMPAT_5_3", "-DLUA_USE_LINUX"]
LUA_LIBS = ["-Wl,-E", "-lm", "-ldl"]
# The Lua sources in an order that builds as one unit: the core, the
# libraries, the interpreter (each file's macros stay defined for the next).
LUA_ONE_UNIT = ["lzio", "lctype", "lopcodes", "lmem", "lundump", "ldump", "lstate",
                "lgc", "llex", "lcode", "lparser", "ldebug", "lfunc", "lobject", "ltm",
                "lstring", "ltable", "ldo", "lvm", "lapi", "lauxlib", "lbaselib",
                "lcorolib", "ldblib", "liolib", "lmathlib", "loadlib", "loslib",
                "lstrlib", "ltablib", "lutf8lib", "linit", "lua"]
SQLITE_CFLAGS = ["-O2", "-DSQLITE_ENABLE_FTS5", "-DSQLITE_ENABLE_MATH_FUNCTIONS",
                 "-DSQLITE_ENABLE_RTREE", "-DHAVE_USLEEP=1"]
SQLITE_LIBS = ["-lpthread", "-ldl", "-lm"]
SPEEDTEST_ARGS = ["--size", "10", "--memdb", "--verify", "--testset", "main"]


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hcu-cc", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--lua-src", help="the unpacked lua5.4 source package")
    ap.add_argument("--sqlite-src", help="the unpacked sqlite3 source package")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--cc", default="gcc")
    return ap.parse_args()


class Program:
    """One program of one package, built once plainly and once with hcu-cc."""

    def __init__(self, a, summary, pkg):
        self.a, self.summary, self.pkg = a, summary, pkg
        self.runtime_dir = RUNTIME_DIR

    def cc(self, kind):
        if kind == "plain":
            return [self.a.cc], None
        return [self.a.hcu_cc] + hcudiff.sanitizer_flags(), hcudiff.hcu_env(runtime_dir=self.runtime_dir)

    def compile_all(self, kind, sources, cflags, outdir):
        """Compiles each source on its own (all of them, even after a
        failure). Returns the objects, or None (failures are in the summary)."""
        os.makedirs(outdir, exist_ok=True)
        cc, env = self.cc(kind)

        def compile_one(src):
            obj = os.path.join(outdir, os.path.basename(src)[:-2] + ".o")
            r = run(cc + cflags + ["-c", src, "-o", obj], timeout=3600, cwd=outdir, env=env)
            with open(os.path.join(outdir, os.path.basename(src) + ".log"), "w") as f:
                f.write(r.err)
            return src, obj, r

        t0 = time.monotonic()
        objs, ok = [], True
        with concurrent.futures.ThreadPoolExecutor(max_workers=self.a.jobs) as ex:
            for src, obj, r in ex.map(compile_one, sources):
                name = "%s/%s" % (self.pkg, os.path.basename(src))
                if r.rc == 0 and not r.timed_out:
                    objs.append(obj)
                    continue
                ok = False
                if kind == "plain":
                    hcudiff.die("plain build of %s failed: %s" % (name, hcudiff.short(r.err)))
                cls, first, errs = hcudiff.classify_hcu_cc(r)
                self.summary.fail(cls, name, first or r.status(), errs)
                hcudiff.log("  hcu-cc %s: %s, %d errors, first: %s\n    (log: %s.log)" % (
                    name, cls, len(errs), hcudiff.short(first or "", 170),
                    os.path.join(outdir, os.path.basename(src))))
        hcudiff.log("  %s: compiled %d/%d files in %.0f s" % (
            kind, len(objs), len(sources), time.monotonic() - t0))
        return objs if ok else None

    def link(self, kind, objs, cflags, libs, outdir, exe_name):
        """Links objs into outdir/exe_name; returns it, or None."""
        cc, env = self.cc(kind)
        exe = os.path.join(outdir, exe_name)
        r = run(cc + cflags + ["-o", exe] + objs + libs, timeout=600, cwd=outdir, env=env)
        if r.rc == 0:
            return exe
        if kind == "plain":
            hcudiff.die("plain link of %s failed: %s" % (exe_name, hcudiff.short(r.err)))
        cls, first, errs = hcudiff.classify_hcu_cc(r)
        self.summary.fail(cls, "%s/%s (link)" % (self.pkg, exe_name), first or r.status(), errs)
        hcudiff.log("  hcu-cc link %s: %s: %s" % (exe_name, cls, hcudiff.short(first or "", 170)))
        return None

    def build(self, kind, sources, cflags, libs, outdir, exe_name, extra_objs=()):
        objs = self.compile_all(kind, sources, cflags, outdir)
        if objs is None:
            return None
        return self.link(kind, objs + list(extra_objs), cflags, libs, outdir, exe_name)

    def compare(self, name, plain_exe, hcu_exe, args, cwd, stdin_path=None, timeout=120,
                filt=lambda s: s):
        """Runs both builds; records a pass or the failure's class."""
        def go(exe, env):
            stdin = open(stdin_path, "rb") if stdin_path else None
            try:
                return run([exe] + args, timeout=timeout, cwd=cwd, env=env,
                           **({"stdin": stdin} if stdin else {}))
            finally:
                if stdin:
                    stdin.close()
        p = go(plain_exe, None)
        self.summary.count("%s: runs compared" % self.pkg)
        if p.timed_out:
            hcudiff.die("%s: the plain build timed out on %s" % (self.pkg, name))
        env = hcudiff.hcu_env(runtime_dir=self.runtime_dir)
        env.pop("HCU_VERBOSE", None)  # the runtime would log to the program's stderr
        h = go(hcu_exe, env)
        label = "%s/%s" % (self.pkg, name)
        hcudiff.log("  ran %s: plain %.1f s, hcu %.1f s" % (label, p.secs, h.secs))
        # The programs name themselves (argv[0]) in some messages.
        herr = h.err.replace(hcu_exe, plain_exe)
        if h.timed_out:
            self.summary.fail("timeout", label, "ran past %d s (plain: %.1f s)" % (timeout, p.secs))
        elif h.rc < 0 or (h.rc != p.rc and h.rc >= 128):
            self.summary.fail("runtime-crash", label, "%s (plain: %s); stderr: %s" % (
                h.status(), p.status(), hcudiff.short(h.err.strip()[-200:])))
        elif h.rc != p.rc or filt(h.out) != filt(p.out) or filt(herr) != filt(p.err):
            what = "exit %d vs %d" % (h.rc, p.rc) if h.rc != p.rc else (
                "stdout" if filt(h.out) != filt(p.out) else "stderr")
            self.summary.fail("output-mismatch", label, "%s differs: %s" % (
                what, first_difference(filt(p.out + p.err), filt(h.out + herr))))
        else:
            self.summary.count("%s: identical" % self.pkg)
            return True
        hcudiff.log("  FAIL %s" % label)
        return False


def first_difference(want, got):
    w, g = want.splitlines(), got.splitlines()
    for i in range(max(len(w), len(g))):
        wl = w[i] if i < len(w) else "<end>"
        gl = g[i] if i < len(g) else "<end>"
        if wl != gl:
            return "line %d: plain %r, hcu %r" % (i + 1, wl[:80], gl[:80])
    return "differs"


def lua(a, summary):
    src = os.path.join(a.lua_src, "src")
    sources = sorted(f for f in glob.glob(os.path.join(src, "*.c")) if os.path.basename(f) != "luac.c")
    if not sources:
        hcudiff.die("no Lua sources in %s" % src)
    p = Program(a, summary, "lua")
    out = os.path.join(a.work, "lua-build")
    shutil.rmtree(out, ignore_errors=True)
    # Debian's luaconf.h includes a header debian/rules generates.
    gen = os.path.join(out, "gen")
    os.makedirs(gen)
    arch = run([a.cc, "-print-multiarch"]).out.strip() or "x86_64-linux-gnu"
    with open(os.path.join(gen, "lua5.4-deb-multiarch.h"), "w") as f:
        f.write("#ifndef _LUA_DEB_MULTIARCH_\n#define _LUA_DEB_MULTIARCH_\n"
                "#define DEB_HOST_MULTIARCH \"%s\"\n#endif\n" % arch)
    cflags = LUA_CFLAGS + ["-I" + gen]
    hcudiff.log("lua: building %s (%d files)" % (a.lua_src, len(sources)))
    plain = p.build("plain", sources, cflags, LUA_LIBS, os.path.join(out, "plain"), "lua")
    hcu = p.build("hcu", sources, cflags, LUA_LIBS, os.path.join(out, "hcu"), "lua")
    scripts = sorted(glob.glob(os.path.join(HERE, "lua", "*.lua")))
    summary.count("lua: scripts", len(scripts))
    if hcu is None:
        return
    for s in scripts:
        p.compare(os.path.basename(s), plain, hcu, [os.path.basename(s)], cwd=os.path.dirname(s))
    lua_one_unit(a, summary, p, src, cflags, out, scripts)


def lua_one_unit(a, summary, p, src, cflags, out, scripts):
    """The interpreter from one file including every Lua source."""
    one_dir = os.path.join(out, "one")
    os.makedirs(one_dir)
    one = os.path.join(one_dir, "lua_one.c")
    with open(one, "w") as f:
        f.write("/* every Lua source in one unit (debian_src.py) */\n")
        for name in LUA_ONE_UNIT:
            f.write('#include "%s.c"\n' % name)
    cflags = cflags + ["-iquote", src]
    hcudiff.log("lua: building the interpreter as one unit")
    plain = p.build("plain", [one], cflags, LUA_LIBS, os.path.join(one_dir, "plain"), "lua")
    hcu = p.build("hcu", [one], cflags, LUA_LIBS, os.path.join(one_dir, "hcu"), "lua")
    summary.count("lua: one-unit scripts", len(scripts))
    if hcu is None:
        return
    for s in scripts:
        p.compare("one-unit/" + os.path.basename(s), plain, hcu, [os.path.basename(s)],
                  cwd=os.path.dirname(s))


def sqlite_amalgamation(a):
    """Generates sqlite3.c, sqlite3.h and shell.c once (with gcc and tclsh)."""
    gen = os.path.join(a.work, "sqlite-gen")
    stamp = os.path.join(gen, ".done")
    if os.path.exists(stamp):
        return gen
    if not shutil.which("tclsh"):
        hcudiff.die("tclsh not found: generating the SQLite amalgamation needs the Debian package tcl")
    shutil.rmtree(gen, ignore_errors=True)
    os.makedirs(gen)
    hcudiff.log("sqlite: generating the amalgamation in %s" % gen)
    t0 = time.monotonic()
    r = run([os.path.join(a.sqlite_src, "configure"), "--disable-tcl", "--disable-readline"],
            timeout=600, cwd=gen)
    if r.rc != 0:
        hcudiff.die("sqlite configure failed: %s" % r.err[-2000:])
    r = run(["make", "-j%d" % a.jobs, "sqlite3.c", "shell.c"], timeout=1800, cwd=gen)
    if r.rc != 0:
        hcudiff.die("make sqlite3.c shell.c failed: %s" % r.err[-2000:])
    hcudiff.log("  sqlite: amalgamation generated in %.0f s" % (time.monotonic() - t0))
    open(stamp, "w").close()
    return gen


_TIMING = re.compile(r"\s+\d+\.\d+s\s*$", re.M)


def sqlite(a, summary):
    gen = sqlite_amalgamation(a)
    speedtest = os.path.join(a.sqlite_src, "test", "speedtest1.c")
    p = Program(a, summary, "sqlite")
    out = os.path.join(a.work, "sqlite-build")
    shutil.rmtree(out, ignore_errors=True)
    cflags = SQLITE_CFLAGS + ["-I" + gen]
    amalg = [os.path.join(gen, "sqlite3.c")]
    hcudiff.log("sqlite: building %s (sqlite3.c is %d lines)" % (
        a.sqlite_src, sum(1 for _ in open(amalg[0], errors="replace"))))
    def build_kind(kind):
        d = os.path.join(out, kind)
        objs = p.compile_all(kind, amalg, cflags, d)
        if objs is None:
            return None, None
        obj = objs[0]
        shell = p.build(kind, [os.path.join(gen, "shell.c")], cflags, SQLITE_LIBS,
                        os.path.join(d, "shell"), "sqlite3", extra_objs=[obj])
        st = p.build(kind, [speedtest], cflags, SQLITE_LIBS, os.path.join(d, "speedtest"),
                     "speedtest1", extra_objs=[obj]) if os.path.exists(speedtest) else None
        return shell, st
    # Both builds at once: the instrumented sqlite3.c (about 4 times the
    # text) is the longest compile of the whole test.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        built = dict(zip(("plain", "hcu"), ex.map(build_kind, ("plain", "hcu"))))
    scripts = sorted(glob.glob(os.path.join(HERE, "sql", "*.sql")))
    summary.count("sqlite: scripts (+ speedtest1)", len(scripts) + 1)
    (pshell, pst), (hshell, hst) = built["plain"], built["hcu"]
    if hshell:
        for s in scripts:
            p.compare(os.path.basename(s), pshell, hshell, [":memory:"], cwd=os.path.dirname(s),
                      stdin_path=s)
    if hst and pst:
        p.compare("speedtest1 " + " ".join(SPEEDTEST_ARGS), pst, hst, SPEEDTEST_ARGS, cwd=out,
                  timeout=600, filt=lambda s: _TIMING.sub("", s))


def main():
    a = parse_args()
    a.hcu_cc = os.path.abspath(a.hcu_cc)
    a.work = os.path.abspath(a.work)
    hcudiff.need_tool(a.hcu_cc, "hcu-cc")
    if not a.lua_src and not a.sqlite_src:
        hcudiff.die("nothing to do: give --lua-src and/or --sqlite-src")
    summary = hcudiff.Summary("Debian sources: %s" % ", ".join(
        os.path.basename(x) for x in (a.lua_src, a.sqlite_src) if x))
    t0 = time.monotonic()
    timings = []

    def timed(name, fn):
        t = time.monotonic()
        fn(a, summary)
        timings.append("%s %.0f s" % (name, time.monotonic() - t))
    # Lua builds and runs while SQLite's long compiles go on.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        futures = []
        if a.sqlite_src:
            futures.append(ex.submit(timed, "sqlite", sqlite))
        if a.lua_src:
            futures.append(ex.submit(timed, "lua", lua))
        for f in futures:
            f.result()
    shutil.rmtree(RUNTIME_DIR, ignore_errors=True)
    hcudiff.log(summary.render())
    hcudiff.log("  time: %.0f s (%s), %d jobs" % (time.monotonic() - t0, ", ".join(timings), a.jobs))
    if summary.nfailed():
        hcudiff.log("debian_src: FAILED: %d failures (build logs under %s/*-build/hcu/)" % (
            summary.nfailed(), a.work))
        return 1
    hcudiff.log("debian_src: PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
