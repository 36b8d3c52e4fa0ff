#!/usr/bin/env python3
"""Updates a program while it is blocked in one call, then unblocks it.

  blocking.py --hcu-cc PATH --hcuapply PATH --work DIR --mode MODE

Builds Inputs/blocker v1 with hcu-cc and its v2 patch, starts v1 in MODE
(accept, recv, read, poll, sleep, spin), waits until it is blocked, applies
the patch, then gives the call what it waits for. The program must finish in
the new code with the data intact: its one report line must be exactly the
expected one, prefixed "v2". For spin, the expected result is computed by an
uninstrumented build of the same source.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "Inputs", "blocker")


def run(cmd, **kw):
    extra = os.environ.get("HCU_TEST_CFLAGS", "").split()
    cmd = cmd[:1] + extra + cmd[1:]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=180, **kw)
    if res.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {res.returncode}\n{res.stdout}{res.stderr}")


def read_line(proc, timeout=20.0):
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
            sys.exit(f"FAIL: the program closed its output (got {line!r}); "
                     f"exit {proc.wait()}")
        line += chunk
    return line.decode().rstrip("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hcu-cc", required=True)
    ap.add_argument("--hcuapply", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--mode", required=True,
                    choices=["accept", "recv", "read", "poll", "sleep", "spin"])
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    v1 = os.path.join(a.work, "blocker")
    v2 = os.path.join(a.work, "v2.so")
    run([a.hcu_cc, "-O2", "-o", v1, os.path.join(SRC, "v1", "blocker.c")])
    run([a.hcu_cc, "-O2", f"--hcu-patch-for={v1}",
         f"--hcu-mapping={os.path.join(SRC, 'v2', 'mapping.c')}", "-o", v2,
         os.path.join(SRC, "v2", "blocker.c")])
    expected = {"accept": "v2 accepted ok", "recv": "v2 recv hello",
                "read": "v2 read hello", "poll": "v2 poll hello",
                "sleep": "v2 slept ok"}.get(a.mode)
    if a.mode == "spin":
        plain = os.path.join(a.work, "blocker_plain")
        run([os.environ.get("CC", "cc"), "-O2", "-o", plain,
             os.path.join(SRC, "v1", "blocker.c")])
        out = subprocess.run([plain, "spin"], capture_output=True, text=True,
                             timeout=120).stdout.splitlines()
        expected = out[-1].replace("v1 ", "v2 ", 1)

    proc = subprocess.Popen([v1, a.mode], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    conn = None
    try:
        ready = read_line(proc)
        if not ready.startswith("ready "):
            sys.exit(f"FAIL: unexpected first line {ready!r}")
        port = int(ready.split()[1])
        if a.mode == "recv":
            conn = socket.create_connection(("127.0.0.1", port), timeout=10)
            if read_line(proc) != "connected":
                sys.exit("FAIL: the program did not report the connection")
        if a.mode != "spin":
            time.sleep(0.3)  # let it block in the call
        res = subprocess.run([a.hcuapply, "-p", str(proc.pid), v2],
                             capture_output=True, text=True, timeout=60)
        print(f"hcuapply: exit {res.returncode}: {res.stdout.strip()} {res.stderr.strip()}")
        if res.returncode != 0 or "to version 2" not in res.stdout:
            sys.exit("FAIL: the update did not succeed")
        if a.mode == "accept":
            conn = socket.create_connection(("127.0.0.1", port), timeout=10)
        elif a.mode == "recv":
            conn.sendall(b"hello\n")
        elif a.mode in ("read", "poll"):
            proc.stdin.write(b"hello\n")
            proc.stdin.flush()
        line = read_line(proc, timeout=60)
        print(f"program: {line}")
        if line != expected:
            sys.exit(f"FAIL: expected {expected!r}")
        rc = proc.wait(timeout=20)
        err = proc.stderr.read().decode()
        if rc != 0:
            sys.exit(f"FAIL: the program exited {rc}: {err}")
        print("PASS")
    finally:
        if conn:
            conn.close()
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()


if __name__ == "__main__":
    main()
