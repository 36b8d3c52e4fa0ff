#!/usr/bin/env python3
"""Issue 4, acceptance 1: live updates of a multi-threaded server.

  tserver_e2e.py --hcu-cc PATH --hcuapply PATH --work DIR
                 [--clients 16] [--updates 50] [--workers 4] [--tsan]

Inputs/tserver/server.c has a thread per connection and a worker pool fed
through a condition-variable queue. Version A answers "A C S", version B
(the same file with -DVERSION_B) "B C S C+S". The driver builds v1 (A) and a
chain of patches, each applying to the one before: v2 (B) from v1, v3 (A)
from v2.so, v4 (B) from v3.so, ... with a mapping per version generated from
Inputs/tserver/mapping.c.in. While CLIENTS clients stream sequence-numbered
messages (in batches, sometimes split mid-line), it applies the patches one
after the other. Every client must get every reply exactly once, in order,
each in the format of version A or B, and see both formats; every update
must succeed.

--tsan builds a ThreadSanitizer libhcu from runtime/src into the work
directory and compiles the server and patches with -fsanitize=thread; any
TSan report in the server's stderr fails the test.
"""
import argparse
import glob
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "Inputs", "tserver")
ROOT = os.path.dirname(os.path.dirname(HERE))


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


def run(cmd, env=None):
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    if res.returncode != 0:
        fail(f"{' '.join(cmd)} exited {res.returncode}\n{res.stdout}{res.stderr}")
    return res


def build_tsan_runtime(work):
    """A libhcu.a with -fsanitize=thread, for HCU_LIB_DIR."""
    lib = os.path.join(work, "tsan-lib")
    os.makedirs(lib, exist_ok=True)
    cc = os.environ.get("CC", "cc")
    objs = []
    for src in sorted(glob.glob(os.path.join(ROOT, "runtime", "src", "*.c"))):
        obj = os.path.join(lib, os.path.basename(src)[:-2] + ".o")
        run([cc, "-std=c11", "-O1", "-g", "-fPIC", "-fsanitize=thread", "-D_GNU_SOURCE",
             "-I" + os.path.join(ROOT, "runtime", "include"),
             "-I" + os.path.join(ROOT, "runtime", "src"),
             "-I" + os.path.join(ROOT, "mappings", "include"), "-c", src, "-o", obj])
        objs.append(obj)
    run(["ar", "rcs", os.path.join(lib, "libhcu.a")] + objs)
    return lib


class Client(threading.Thread):
    """Streams "ID SEQ" lines and checks every reply."""

    def __init__(self, port, cid, stop):
        super().__init__(daemon=True)
        self.port, self.cid, self.stop = port, cid, stop
        self.seq = 0
        self.seen = set()
        self.error = None
        self.rng = random.Random(cid)

    def check(self, line, seq):
        m = re.fullmatch(r"A (\d+) (\d+)", line)
        if m and int(m.group(1)) == self.cid and int(m.group(2)) == seq:
            self.seen.add("A")
            return
        m = re.fullmatch(r"B (\d+) (\d+) (\d+)", line)
        if (m and int(m.group(1)) == self.cid and int(m.group(2)) == seq
                and int(m.group(3)) == self.cid + seq):
            self.seen.add("B")
            return
        raise AssertionError(f"client {self.cid}: expected the reply to message {seq}, "
                             f"got {line!r}")

    def run(self):
        try:
            s = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            f = s.makefile("r")
            while not self.stop.is_set():
                batch = self.rng.randint(1, 4)
                data = b"".join(b"%d %d\n" % (self.cid, self.seq + i) for i in range(batch))
                if self.rng.random() < 0.3:  # a line split across two sends
                    cut = self.rng.randint(1, len(data) - 1)
                    s.sendall(data[:cut])
                    time.sleep(0.001)
                    s.sendall(data[cut:])
                else:
                    s.sendall(data)
                for i in range(batch):
                    line = f.readline()
                    if not line.endswith("\n"):
                        raise AssertionError(f"client {self.cid}: connection closed or "
                                             f"timed out at message {self.seq}")
                    self.check(line.rstrip("\n"), self.seq)
                    self.seq += 1
            # Nothing more may arrive: each message was answered exactly once.
            s.settimeout(0.3)
            try:
                extra = s.recv(100)
            except socket.timeout:
                extra = b""
            if extra:
                raise AssertionError(f"client {self.cid}: unexpected data {extra!r}")
            s.close()
        except Exception as e:  # reported by the main thread
            self.error = f"{type(e).__name__}: {e}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hcu-cc", required=True)
    ap.add_argument("--hcuapply", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--updates", type=int, default=50)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--tsan", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    env = dict(os.environ)
    cflags = os.environ.get("HCU_TEST_CFLAGS", "").split()
    if a.tsan:
        env["HCU_LIB_DIR"] = build_tsan_runtime(a.work)
        cflags = ["-fsanitize=thread", "-g"]
        # Patches define the program's globals again on purpose.
        env["TSAN_OPTIONS"] = "halt_on_error=0 exitcode=66 report_signal_unsafe=0"
    cc = [a.hcu_cc] + cflags
    server_c = os.path.join(SRC, "server.c")
    template = open(os.path.join(SRC, "mapping.c.in")).read()

    t0 = time.monotonic()
    prog = os.path.join(a.work, "server")
    run(cc + ["-O2", "-o", prog, server_c], env)
    patches, base = [], prog
    for v in range(2, a.updates + 2):
        mapping = os.path.join(a.work, f"mapping_v{v}.c")
        with open(mapping, "w") as f:
            f.write(template.replace("@N@", str(v)))
        so = os.path.join(a.work, f"v{v}.so")
        flavour = ["-DVERSION_B"] if v % 2 == 0 else []
        run(cc + ["-O2"] + flavour + [f"--hcu-patch-for={base}", f"--hcu-mapping={mapping}",
                                      "-o", so, server_c], env)
        patches.append(so)
        base = so
    print(f"built v1 and {len(patches)} patches in {time.monotonic() - t0:.1f} s", flush=True)

    err_path = os.path.join(a.work, "server.stderr")
    with open(err_path, "w") as err:
        proc = subprocess.Popen([prog, str(a.workers)], stdout=subprocess.PIPE, stderr=err,
                                env=env)
    stop = threading.Event()
    clients = []
    try:
        line = proc.stdout.readline().decode()
        m = re.fullmatch(r"listening (\d+)\n", line)
        if not m:
            fail(f"unexpected first line {line!r}")
        port = int(m.group(1))
        clients = [Client(port, c, stop) for c in range(a.clients)]
        for c in clients:
            c.start()
        time.sleep(0.5)
        pauses = []
        for i, so in enumerate(patches):
            res = subprocess.run([a.hcuapply, "-p", str(proc.pid), so], capture_output=True,
                                 text=True, timeout=120)
            want = f"to version {i + 2}"
            if res.returncode != 0 or want not in res.stdout:
                fail(f"update {i + 1} ({os.path.basename(so)}): exit {res.returncode}: "
                     f"{res.stdout.strip()} {res.stderr.strip()}")
            pm = re.search(r"in ([\d.]+) ms pause", res.stdout)
            if pm:
                pauses.append(float(pm.group(1)))
            bad = [c for c in clients if c.error]
            if bad:
                fail(bad[0].error)
            time.sleep(0.1)
        time.sleep(0.3)
        stop.set()
        for c in clients:
            c.join(timeout=60)
        for c in clients:
            if c.is_alive():
                fail(f"client {c.cid} hung at message {c.seq}")
            if c.error:
                fail(c.error)
            if c.seen != {"A", "B"}:
                fail(f"client {c.cid} saw only version(s) {sorted(c.seen)}")
        if proc.poll() is not None:
            fail(f"the server exited with {proc.returncode}")
        total = sum(c.seq for c in clients)
        pauses.sort()
        print(f"{len(patches)} updates applied; {a.clients} clients, {total} messages, "
              f"each answered once and in order; both versions seen by every client", flush=True)
        if pauses:
            print(f"pause: median {pauses[len(pauses) // 2]:.3f} ms, "
                  f"max {pauses[-1]:.3f} ms", flush=True)
    finally:
        stop.set()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    with open(err_path) as f:
        errtext = f.read()
    if "WARNING: ThreadSanitizer" in errtext or "ERROR: " in errtext:
        fail(f"sanitizer report in the server's stderr:\n{errtext[:6000]}")
    print("PASS")


if __name__ == "__main__":
    main()
