#!/usr/bin/env python3
"""Updates of a program with pinned functions (variadic, setjmp, VLA).

  pinned.py --hcu-cc PATH --hcuapply PATH --work DIR --mode {free,stuck}

Builds Inputs/pinned v1 with hcu-cc and its v2 patch, and compares every
round's report with an uninstrumented build of the same source fed the same
input. Rounds 0 and 3 longjmp out of a variadic function.

free:  after the longjmps, the thread waits in main (not pinned): the update
       must succeed (a longjmp that skipped the returns of pinned functions
       left no pin behind) and the next rounds print v2 with the same data.
stuck: the thread waits inside a variadic function: the update must time out
       with hcuapply exit 1 and leave the program running v1, unchanged.
"""
import argparse
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "Inputs", "pinned")
ROUNDS_BEFORE, ROUNDS_AFTER = 5, 3


def build(cmd):
    extra = os.environ.get("HCU_TEST_CFLAGS", "").split()
    cmd = cmd[:1] + extra + cmd[1:]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if res.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {res.returncode}\n{res.stdout}{res.stderr}")


def read_line(proc, timeout=30.0):
    end = time.monotonic() + timeout
    line = b""
    os.set_blocking(proc.stdout.fileno(), False)
    while not line.endswith(b"\n"):
        if time.monotonic() > end:
            sys.exit(f"FAIL: no line from the program within {timeout} s (got {line!r})")
        try:
            chunk = os.read(proc.stdout.fileno(), 1)
        except BlockingIOError:
            time.sleep(0.01)
            continue
        if not chunk:
            sys.exit(f"FAIL: the program closed its output (got {line!r}); exit {proc.wait()}")
        line += chunk
    return line.decode().rstrip("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hcu-cc", required=True)
    ap.add_argument("--hcuapply", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--mode", required=True, choices=["free", "stuck"])
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    v1 = os.path.join(a.work, "pinned")
    v2 = os.path.join(a.work, "v2.so")
    plain = os.path.join(a.work, "pinned_plain")
    build([a.hcu_cc, "-O2", "-o", v1, os.path.join(SRC, "v1", "pinned.c")])
    build([a.hcu_cc, "-O2", f"--hcu-patch-for={v1}",
           f"--hcu-mapping={os.path.join(SRC, 'v2', 'mapping.c')}", "-o", v2,
           os.path.join(SRC, "v2", "pinned.c")])
    build([os.environ.get("CC", "cc"), "-O2", "-o", plain, os.path.join(SRC, "v1", "pinned.c")])
    total = ROUNDS_BEFORE + ROUNDS_AFTER
    ref = subprocess.run([plain], input="\n" * (total - 1), capture_output=True, text=True,
                         timeout=60).stdout.splitlines()[1:]
    if len(ref) != total:
        sys.exit(f"FAIL: the plain build printed {len(ref)} rounds, not {total}")

    args = [v1] + (["stuck"] if a.mode == "stuck" else [])
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        if read_line(proc) != "ready":
            sys.exit("FAIL: no ready line")
        got = [read_line(proc)]
        for _ in range(ROUNDS_BEFORE - 1):
            proc.stdin.write(b"\n")
            proc.stdin.flush()
            got.append(read_line(proc))
        time.sleep(0.3)  # let it block in its read
        cmd = [a.hcuapply, "-p", str(proc.pid)]
        if a.mode == "stuck":
            cmd.append("--timeout=1000")
        res = subprocess.run(cmd + [v2], capture_output=True, text=True, timeout=60)
        print(f"hcuapply: exit {res.returncode}: {res.stdout.strip()} {res.stderr.strip()}")
        for _ in range(ROUNDS_AFTER):
            proc.stdin.write(b"\n")
            proc.stdin.flush()
            got.append(read_line(proc))
        proc.stdin.close()
        rc = proc.wait(timeout=30)
        if rc != 0:
            sys.exit(f"FAIL: the program exited {rc}: {proc.stderr.read().decode()}")
        prefix = "v2" if a.mode == "free" else "v1"
        want = ref[:ROUNDS_BEFORE] + [prefix + l[2:] for l in ref[ROUNDS_BEFORE:]]
        for g, w in zip(got, want):
            print(f"program: {g}")
            if g != w:
                sys.exit(f"FAIL: expected {w!r}")
        print("PASS")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()


if __name__ == "__main__":
    main()
