#!/usr/bin/env python3
"""Safety constraints end to end, on Inputs/gate (see gate.c).

  constraints_e2e.py --hcu-cc PATH --hcuapply PATH --work DIR --mode MODE

Builds gate v1 and the v2 patch with the mapping of MODE, drives the program
over stdin to the place the scenario needs, requests the update with hcuapply
in the background and waits for the runtime to log that a constraint forbids
it (HCU_VERBOSE=1 copies the log to stderr). Then it checks that the program
still answers in v1, moves it, and checks that the update applied (or, for
"never", that it timed out and the program goes on in v1). Prints each
exchange for FileCheck, then PASS.
"""
import argparse
import os
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "Inputs", "gate")


def build(cmd):
    extra = os.environ.get("HCU_TEST_CFLAGS", "").split()
    cmd = cmd[:1] + extra + cmd[1:]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if res.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {res.returncode}\n"
                 f"{res.stdout}{res.stderr}")


class Lines:
    """Lines of a pipe, read by a thread, waited for with a deadline."""

    def __init__(self, f):
        self.lines, self.cv = [], threading.Condition()
        threading.Thread(target=self._pump, args=(f,), daemon=True).start()

    def _pump(self, f):
        for raw in f:
            with self.cv:
                self.lines.append(raw.decode(errors="replace").rstrip("\n"))
                self.cv.notify_all()
        with self.cv:
            self.lines.append(None)
            self.cv.notify_all()

    def wait_for(self, pred, what, timeout=60.0):
        end = time.monotonic() + timeout
        with self.cv:
            while True:
                for i, l in enumerate(self.lines):
                    if l is None:
                        sys.exit(f"FAIL: stream closed waiting for {what}")
                    if pred(l):
                        del self.lines[: i + 1]
                        return l
                left = end - time.monotonic()
                if left <= 0:
                    sys.exit(f"FAIL: no {what} within {timeout} s; "
                             f"saw {self.lines!r}")
                self.cv.wait(left)


class Gate:
    def __init__(self, exe):
        env = dict(os.environ, HCU_VERBOSE="1")
        self.p = subprocess.Popen([exe], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env)
        self.out, self.err = Lines(self.p.stdout), Lines(self.p.stderr)
        self.expect("v1 main ready")

    def send(self, line):
        self.p.stdin.write((line + "\n").encode())
        self.p.stdin.flush()

    def expect(self, want):
        got = self.out.wait_for(lambda l: True, f"line {want!r}")
        print(f"program: {got}")
        if got != want:
            sys.exit(f"FAIL: expected {want!r}, got {got!r}")

    def ask(self, line, want):
        self.send(line)
        self.expect(want)


class Apply:
    # Long enough for a loaded machine to get through the scenario while the
    # update waits; the "never" scenario sets a short one on purpose.
    def __init__(self, hcuapply, pid, patch, timeout_ms=30000):
        cmd = [hcuapply, "-p", str(pid), f"--timeout={timeout_ms}"]
        self.p = subprocess.Popen(cmd + [patch], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)

    def result(self):
        out, err = self.p.communicate(timeout=120)
        print(f"hcuapply: exit {self.p.returncode}: {out.strip()} {err.strip()}")
        return self.p.returncode


def forbidden(gate, term):
    line = gate.err.wait_for(lambda l: "forbids the update" in l,
                             "log line saying a constraint forbids the update")
    print("log: " + line.split("update: ", 1)[-1])
    if f"(term {term} holds)" not in line:
        sys.exit(f"FAIL: expected term {term} to forbid the update")


def bad_table_patch(a, good):
    """The same patch relinked with a constraint table hcu-cc would have
    refused (a point functionB does not have), as another patch builder
    might make it: the runtime must refuse it by itself."""
    d = good + ".hcu.d"
    src = open(os.path.join(d, "patch_info.c")).read()
    table = ("static const hcu_safety_constraint_t hcu_bad_constraints[] = "
             "{ { \"main\", \"functionB\", 1, { { { 2, 9, 0 } } } } };\n\n")
    src = src.replace("__attribute__((visibility", table + "__attribute__((visibility", 1)
    old = ("    hcu_safety_constraints_v2,\n    (int)(sizeof hcu_safety_constraints_v2"
           " / sizeof hcu_safety_constraints_v2[0]),\n")
    if old not in src:
        sys.exit("FAIL: unexpected patch_info.c layout")
    src = src.replace(old, "    hcu_bad_constraints,\n    1,\n")
    bad_c = os.path.join(a.work, "patch_info_bad.c")
    open(bad_c, "w").write(src)
    inc = [f"-I{os.path.join(a.src_root, 'runtime', 'include')}",
           f"-I{os.path.join(a.src_root, 'mappings', 'include')}"]
    bad = os.path.join(a.work, "bad.so")
    cc = os.environ.get("CC", "cc")
    build([cc, "-fPIC", "-fvisibility=hidden", *inc, "-c", bad_c, "-o",
           bad_c + ".o"])
    build([cc, "-shared", "-fPIC", "-Wl,--build-id=sha1", "-o", bad,
           os.path.join(d, "gate.o"), bad_c + ".o"])
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hcu-cc", required=True)
    ap.add_argument("--hcuapply", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--mode", required=True,
                    choices=["plain", "negated", "dnf-stage1", "dnf-stage3",
                             "never", "bad-table", "worker"])
    ap.add_argument("--src-root", help="for bad-table: the runtime's headers")
    ap.add_argument("--mapping", help="Inputs/gate/mapping_NAME.c to use "
                    "instead of the mode's")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    mapping = {"plain": "plain", "negated": "negated", "dnf-stage1": "dnf",
               "dnf-stage3": "dnf", "never": "plain",
               "bad-table": "plain", "worker": "worker"}[a.mode]
    if a.mapping:
        mapping = a.mapping
    # "worker": tgate, the constrained function on a worker thread.
    src = SRC if a.mode != "worker" else os.path.join(HERE, "Inputs", "tgate")
    prog = "gate" if a.mode != "worker" else "tgate"
    v1 = os.path.join(a.work, prog)
    v2 = os.path.join(a.work, "v2.so")
    build([a.hcu_cc, "-O2", "-o", v1, os.path.join(src, prog + ".c"),
           "-lpthread"])
    build([a.hcu_cc, "-O2", '-DVERSION="v2"', f"--hcu-patch-for={v1}",
           f"--hcu-mapping={os.path.join(src, f'mapping_{mapping}.c')}",
           "-o", v2, os.path.join(src, prog + ".c")])
    if a.mode == "bad-table":
        v2 = bad_table_patch(a, v2)

    g = Gate(v1)
    try:
        if a.mode == "plain":
            g.ask("A", "v1 A entered")
            up = Apply(a.hcuapply, g.p.pid, v2)
            forbidden(g, 1)
            g.ask("ping", "v1 A ping")      # still waiting, still v1
            g.ask("leave", "v1 A left")     # out of functionA: it may apply
            if up.result() != 0:
                sys.exit("FAIL: the update did not apply")
            g.ask("ping", "v2 main ping")
        elif a.mode == "negated":
            up = Apply(a.hcuapply, g.p.pid, v2)
            forbidden(g, 1)
            g.ask("ping", "v1 main ping")
            g.ask("A", "v1 A entered")      # in functionA: it may apply
            if up.result() != 0:
                sys.exit("FAIL: the update did not apply")
            g.ask("ping", "v2 A ping")
            g.ask("leave", "v2 A left")
        elif a.mode == "dnf-stage1":
            g.ask("B", "v1 1 entered")
            up = Apply(a.hcuapply, g.p.pid, v2)
            forbidden(g, 1)
            g.ask("ping", "v1 1 ping")
            g.ask("next", "v1 2 entered")   # stage 2: no term holds
            if up.result() != 0:
                sys.exit("FAIL: the update did not apply")
            g.ask("ping", "v2 2 ping")
            g.ask("next", "v2 3 entered")
            g.ask("next", "v2 B left")
        elif a.mode == "dnf-stage3":
            g.ask("B", "v1 1 entered")
            g.ask("next", "v1 2 entered")
            g.ask("next", "v1 3 entered")
            up = Apply(a.hcuapply, g.p.pid, v2)
            forbidden(g, 2)
            g.ask("ping", "v1 3 ping")
            g.ask("next", "v1 B left")      # back in main: no term holds
            if up.result() != 0:
                sys.exit("FAIL: the update did not apply")
            g.ask("ping", "v2 main ping")
        elif a.mode == "worker":
            g.ask("B", "v1 worker busy")
            up = Apply(a.hcuapply, g.p.pid, v2)
            forbidden(g, 1)
            g.ask("ping", "v1 busy ping")   # still waiting, still v1
            g.ask("leave", "v1 worker idle")  # out of busy: it may apply
            if up.result() != 0:
                sys.exit("FAIL: the update did not apply")
            g.ask("ping", "v2 worker ping")
        elif a.mode == "never":
            g.ask("A", "v1 A entered")
            up = Apply(a.hcuapply, g.p.pid, v2, timeout_ms=3000)
            if up.result() == 0:
                sys.exit("FAIL: the update applied inside functionA")
            g.ask("ping", "v1 A ping")      # the old version goes on
            g.ask("leave", "v1 A left")
            g.ask("ping", "v1 main ping")
        elif a.mode == "bad-table":
            g.ask("B", "v1 1 entered")
            if Apply(a.hcuapply, g.p.pid, v2).result() == 0:
                sys.exit("FAIL: a patch with a bad constraint table applied")
            g.ask("ping", "v1 1 ping")      # untouched, still v1
            g.ask("next", "v1 2 entered")
            g.ask("next", "v1 3 entered")
            g.ask("next", "v1 B left")
        g.send("quit")
        rc = g.p.wait(timeout=30)
        if rc != 0:
            sys.exit(f"FAIL: the program exited {rc}")
        print("PASS")
    finally:
        if g.p.poll() is None:
            g.p.send_signal(signal.SIGKILL)
            g.p.wait()


if __name__ == "__main__":
    main()
