#!/usr/bin/env python3
"""Update pause with 1, 16 and 64 threads (median of 20 updates each).

  benchmarks/threads/pause.py [--build build] [--threads 1,16,64] [--updates 20]

Builds tbench.c with hcu-cc and a chain of patches (v2 from v1, v3 from
v2.so, ...), alternating two versions. For each thread count it starts the
program (N threads in a loop of work and a 200 us sleep), applies the whole
chain, and reports hcuapply's pause (first thread stopped -> last thread
resumed) and quiescence time (request -> all stopped): median and max.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run(cmd):
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{res.stdout}{res.stderr}")
    return res.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--threads", default="1,16,64")
    ap.add_argument("--updates", type=int, default=20)
    ap.add_argument("--work", default=None)
    a = ap.parse_args()
    cc = os.path.join(a.build, "bin", "hcu-cc")
    apply = os.path.join(a.build, "bin", "hcuapply")
    work = a.work or tempfile.mkdtemp(prefix="hcu-tbench-")
    os.makedirs(work, exist_ok=True)
    src = os.path.join(HERE, "tbench.c")
    template = open(os.path.join(HERE, "mapping.c.in")).read()
    prog = os.path.join(work, "tbench")
    run([cc, "-O2", "-o", prog, src])
    chain, base = [], prog
    for v in range(2, a.updates + 2):
        m = os.path.join(work, f"mapping_v{v}.c")
        with open(m, "w") as f:
            f.write(template.replace("@N@", str(v)))
        so = os.path.join(work, f"v{v}.so")
        run([cc, "-O2"] + (["-DV2"] if v % 2 == 0 else []) +
            [f"--hcu-patch-for={base}", f"--hcu-mapping={m}", "-o", so, src])
        chain.append(so)
        base = so
    env = dict(os.environ, HCU_RUNTIME_DIR=os.path.join(work, "rt"))
    print(f"{'threads':>7} {'pause median':>13} {'pause max':>10} {'quiesce median':>15}")
    for n in [int(x) for x in a.threads.split(",")]:
        proc = subprocess.Popen([prog, str(n)], stdout=subprocess.PIPE, env=env)
        try:
            if proc.stdout.readline() != b"ready\n":
                sys.exit("tbench did not start")
            time.sleep(0.3)
            pauses, quiesce = [], []
            for so in chain:
                out = subprocess.run([apply, "-p", str(proc.pid), so], capture_output=True,
                                     text=True, env=env).stdout
                m = re.search(r"in ([\d.]+) ms pause \(quiescence ([\d.]+) ms\)", out)
                if not m:
                    sys.exit(f"update failed: {out}")
                pauses.append(float(m.group(1)))
                quiesce.append(float(m.group(2)))
                time.sleep(0.05)
        finally:
            proc.kill()
            proc.wait()
        print(f"{n:>7} {statistics.median(pauses):>10.3f} ms {max(pauses):>7.3f} ms "
              f"{statistics.median(quiesce):>12.3f} ms", flush=True)


if __name__ == "__main__":
    main()
