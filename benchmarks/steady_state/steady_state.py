#!/usr/bin/env python3
"""steady_state: what the instrumentation costs a CPU-bound program that is
never updated.

  steady_state.py BIN_DIR        (BENCH_OUT set; builds from lib/build.sh)

workload.c (sort through a comparator pointer, recursive tree insert/sum, a
hashing loop, an interpreter dispatching through a pointer table) built with
`cc -O2` (plain) and `hcu-cc -O2` (hcu). Runs them alternately, RUNS times
each, and reports the median wall time (and min/mean/max); the ratio is
hcu/plain. With valgrind installed, also the instructions executed
(callgrind's "Collected", deterministic) for a smaller input, both builds.
Sizes: text+data (`size`) of both binaries and of libhcu.a (all members).
Both builds must print the same checksum (reported as checksum_mismatch).
"""

import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import benchlib as bl  # noqa: E402

RUNS = int(os.environ.get("BENCH_SS_RUNS", "5"))
ARGS = os.environ.get("BENCH_SS_ARGS", "200000 10").split()
CG_ARGS = os.environ.get("BENCH_SS_CG_ARGS", "20000 2").split()


def run_once(binary, args):
    t0 = time.perf_counter()
    r = subprocess.run([binary] + args, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=120)
    t = time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError(f"{binary} exited {r.returncode}: {r.stderr.strip()}")
    return t, r.stdout.strip()


def callgrind(binary, args, out):
    r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
                       + [binary] + args, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=180)
    m = re.search(r"Collected\s*:\s*(\d+)", r.stderr)
    if r.returncode != 0 or not m:
        raise RuntimeError(f"callgrind on {binary} failed: {r.stderr[-500:]}")
    return int(m.group(1)), r.stdout.strip()


def size_parts(path, total=False):
    cmd = ["size"] + (["-t"] if total else []) + [path]
    lines = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.splitlines()
    text, data, bss = lines[-1].split()[:3]
    return int(text), int(data), int(bss)


def main():
    bin_dir = sys.argv[1]
    build = os.path.join(bl.out_dir(), "build")
    plain = os.path.join(build, "workload_plain")
    hcu = os.path.join(build, "workload_hcu")
    res = bl.Results("steady_state")

    times = {"plain": [], "hcu": []}
    sums = set()
    run_once(plain, ARGS)  # warm the page cache for both
    run_once(hcu, ARGS)
    for _ in range(RUNS):
        for variant, b in (("plain", plain), ("hcu", hcu)):
            t, out = run_once(b, ARGS)
            times[variant].append(t * 1000)
            sums.add(out)
    base = res.add_stats("wall_time", "plain", times["plain"], "ms")
    res.add_stats("wall_time", "hcu", times["hcu"], "ms", base)
    res.add("input", "both", " ".join(ARGS), "N ROUNDS")

    if shutil.which("valgrind"):
        ip, outp = callgrind(plain, CG_ARGS, os.path.join(build, "callgrind.plain"))
        ih, outh = callgrind(hcu, CG_ARGS, os.path.join(build, "callgrind.hcu"))
        if outp != outh:
            sums.add("callgrind input: " + outp + " / " + outh)
        res.add("instructions", "plain", ip, "Ir", 1.0)
        res.add("instructions", "hcu", ih, "Ir", ih / ip)
        res.add("callgrind_input", "both", " ".join(CG_ARGS), "N ROUNDS")
    else:
        res.add("instructions", "skipped", "", "valgrind not installed")
    res.add("checksum_mismatch", "both", 0 if len(sums) == 1 else 1, "bool")

    tp, dp, _ = size_parts(plain)
    th, dh, _ = size_parts(hcu)
    res.add("text_data", "plain", tp + dp, "bytes", 1.0)
    res.add("text_data", "hcu", th + dh, "bytes", (th + dh) / (tp + dp))
    res.add("text", "plain", tp, "bytes", 1.0)
    res.add("text", "hcu", th, "bytes", th / tp)
    res.add("data", "plain", dp, "bytes", 1.0)
    res.add("data", "hcu", dh, "bytes", dh / dp)
    lib = os.path.join(os.path.dirname(os.path.abspath(bin_dir)), "lib", "libhcu.a")
    if os.path.isfile(lib):
        tl, dl, _ = size_parts(lib, total=True)
        res.add("text_data", "libhcu.a", tl + dl, "bytes", (tl + dl) / (tp + dp))
    res.write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
