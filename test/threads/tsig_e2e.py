#!/usr/bin/env python3
"""Updates a program while one of its threads runs a signal handler.

  tsig_e2e.py --hcu-cc PATH --hcuapply PATH --work DIR --mode wait|forever

Builds Inputs/tsig v1 and its v2 patch, starts v1, has its thread
"sigthread" enter the SIGUSR1 handler on_usr1 (which loops) while the thread
"spinner" spins in a loop without calls, and applies the patch.

wait:    the update must still be waiting one second later; SIGUSR2 then
         ends the handler, which must finish in v1; the update completes,
         both threads continue in v2, and the next SIGUSR1 runs the v2
         handler.
forever: the handler never returns; the update must time out and hcuapply
         must say which thread is in which handler; the process keeps
         running v1.
Prints what it saw (for FileCheck) and PASS.
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "Inputs", "tsig")


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


def build(cmd):
    extra = os.environ.get("HCU_TEST_CFLAGS", "").split()
    cmd = cmd[:1] + extra + cmd[1:]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if res.returncode != 0:
        fail(f"{' '.join(cmd)} exited {res.returncode}\n{res.stdout}{res.stderr}")


class Program:
    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.buf = b""

    def line(self, timeout=60):
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            if time.monotonic() > end:
                fail(f"no line from the program within {timeout} s (got {self.buf!r})")
            try:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
            except BlockingIOError:
                time.sleep(0.01)
                continue
            if not chunk:
                fail(f"the program closed its output (got {self.buf!r}); exit {self.proc.wait()}")
            self.buf += chunk
        text, self.buf = self.buf.split(b"\n", 1)
        return text.decode()

    def expect(self, command, want):
        if command:
            self.proc.stdin.write(command.encode() + b"\n")
            self.proc.stdin.flush()
        got = self.line()
        print(f"program: {got}", flush=True)
        if got != want:
            fail(f"expected {want!r}")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def apply_cmd(a, pid, patch, *extra):
    return [a.hcuapply, *extra, "-p", str(pid), patch]


def run_wait(a, prog, patch):
    prog.expect("sig", "v1 handler start")
    upd = subprocess.Popen(apply_cmd(a, prog.proc.pid, patch), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        if upd.poll() is not None:
            fail(f"the update ended while on_usr1 was running: {upd.communicate()}")
        print("update: still waiting while on_usr1 runs", flush=True)
        os.kill(prog.proc.pid, signal.SIGUSR2)  # lets the handler return
        prog.expect(None, "v1 handler end")
        out, err = upd.communicate(timeout=60)
    finally:
        if upd.poll() is None:
            upd.kill()
            upd.wait()
    print(f"hcuapply: exit {upd.returncode}: {out.strip()} {err.strip()}", flush=True)
    if upd.returncode != 0:
        fail("the update did not succeed")
    # The spinner (a static start routine) was stopped in its loop, not
    # left running unregistered.
    log = subprocess.run([a.hcuapply, "messages", "-p", str(prog.proc.pid)],
                         capture_output=True, text=True, timeout=30).stdout
    m = re.search(r"thread (\S*spinner) stopped in (\S+) at (loop#\d+) \((\w+)\)", log)
    if not m:
        fail(f"no stop of the spinner thread in the log:\n{log}")
    print(f"stopped: thread {m.group(1)} in {m.group(2)} at {m.group(3)} ({m.group(4)})")
    prog.expect("spin", "v2 spinner alive")
    prog.expect("tick", "v2 sigthread alive")
    prog.expect("sig", "v2 handler start")
    os.kill(prog.proc.pid, signal.SIGUSR2)
    prog.expect(None, "v2 handler end")


def run_forever(a, prog, patch):
    prog.expect("sig", "v1 handler start")
    res = subprocess.run(apply_cmd(a, prog.proc.pid, patch, "--timeout=1500"),
                         capture_output=True, text=True, timeout=60)
    print(f"hcuapply: exit {res.returncode}: {res.stdout.strip()} {res.stderr.strip()}",
          flush=True)
    if res.returncode == 0:
        fail("the update succeeded although a handler never returned")
    prog.expect("spin", "v1 spinner alive")
    st = subprocess.run([a.hcuapply, "status", "-p", str(prog.proc.pid)],
                        capture_output=True, text=True, timeout=30)
    print(f"status: {st.stdout.splitlines()[0] if st.stdout else st.stderr.strip()}")
    prog.expect("spin", "v1 spinner alive")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hcu-cc", required=True)
    ap.add_argument("--hcuapply", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--mode", required=True, choices=["wait", "forever"])
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    v1 = os.path.join(a.work, "tsig")
    v2 = os.path.join(a.work, "v2.so")
    src = os.path.join(SRC, "tsig.c")
    build([a.hcu_cc, "-O2", "-o", v1, src])
    build([a.hcu_cc, "-O2", "-DV2", f"--hcu-patch-for={v1}",
           f"--hcu-mapping={os.path.join(SRC, 'mapping.c')}", "-o", v2, src])
    prog = Program([v1] + (["forever"] if a.mode == "forever" else []))
    try:
        prog.expect(None, "v1 ready")
        prog.expect("spin", "v1 spinner alive")
        prog.expect("tick", "v1 sigthread alive")
        if a.mode == "wait":
            run_wait(a, prog, v2)
            prog.proc.stdin.write(b"quit\n")
            prog.proc.stdin.flush()
            rc = prog.proc.wait(timeout=30)
            if rc != 0:
                fail(f"the program exited {rc}: {prog.proc.stderr.read().decode()}")
        else:
            run_forever(a, prog, v2)
        print("PASS")
    finally:
        prog.kill()


if __name__ == "__main__":
    main()
