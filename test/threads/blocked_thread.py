#!/usr/bin/env python3
"""Updates a program while a second thread is blocked in one call.

  blocked_thread.py --hcu-cc PATH --hcuapply PATH --work DIR --mode MODE

Builds Inputs/tblock v1 and its v2 patch (the same file with -DV2), starts
v1 in MODE, waits until it is ready and the thread had time to block,
applies the patch, checks in the runtime's log that the thread was stopped
in that very call, then gives the call what it waits for (a line on stdin or
SIGUSR1). The thread must finish in the new code with the data intact: the
expected lines must appear exactly. Prints the log line and PASS.
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "Inputs", "tblock")

# mode: (call the thread is stopped in, what to give it, expected lines)
MODES = {
    "mutex": ("pthread_mutex_lock", "line", ["v2 mutex hello"]),
    "cond": ("pthread_cond_wait", "line", ["v2 cond hello"]),
    "timedwait": ("pthread_cond_timedwait", None, ["v2 timedwait timedout on-time"]),
    "sem": ("sem_wait", "line", ["v2 sem hello"]),
    "join": ("pthread_join", "line", ["v2 join hello"]),
    "epoll": ("epoll_wait", "line", ["v2 epoll hello"]),
    "ppoll": ("ppoll", "line", ["v2 ppoll hello"]),
    "pselect": ("pselect", "line", ["v2 pselect hello"]),
    "waitpid": ("waitpid", "line", ["v2 waitpid ok status=6"]),
    "sigwait": ("sigwait", "signal", ["v2 sigwait r=0 sig=SIGUSR1"]),
    "send": ("send", "line", ["v2 send 4194304", "peer got 4194304 bytes, 0 wrong"]),
    "write": ("write", "line", ["v2 write 4194304", "peer got 4194304 bytes, 0 wrong"]),
    "sleep": ("clock_nanosleep", None, ["v2 sleep r=0 on-time"]),
    "usleep": ("usleep", None, ["v2 usleep r=0 on-time"]),
    "select": ("select", "line", ["v2 select hello"]),
    "recvfrom": ("recvfrom", "line", ["v2 recvfrom hello"]),
    "recvmsg": ("recvmsg", "line", ["v2 recvmsg hello"]),
    "accept4": ("accept4", "line", ["v2 accept4 hello"]),
    "readv": ("readv", "line", ["v2 readv 6 hel|lo"]),
    "writev": ("writev", "line", ["v2 writev 4194304", "peer got 4194304 bytes, 0 wrong"]),
    "connect": ("connect", "line", ["v2 connect hello"]),
    "nanosleep": ("nanosleep", None, ["v2 nanosleep r=0 not-early"]),
    "sleepsec": ("sleep", None, ["v2 sleepsec r=0 not-early"]),
    "wait": ("wait", "line", ["v2 wait ok status=6"]),
    "timedlock": ("pthread_mutex_timedlock", None, ["v2 timedlock ETIMEDOUT not-early"]),
    "semtimed": ("sem_timedwait", "line", ["v2 semtimed r=0 hello"]),
    "condheld": ("pthread_cond_wait", "line", ["v2 condheld hello"]),
}


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


def build(cmd):
    extra = os.environ.get("HCU_TEST_CFLAGS", "").split()
    cmd = cmd[:1] + extra + cmd[1:]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if res.returncode != 0:
        fail(f"{' '.join(cmd)} exited {res.returncode}\n{res.stdout}{res.stderr}")


def read_line(proc, timeout):
    end = time.monotonic() + timeout
    line = b""
    os.set_blocking(proc.stdout.fileno(), False)
    while not line.endswith(b"\n"):
        if time.monotonic() > end:
            fail(f"no line from the program within {timeout} s (got {line!r})")
        try:
            chunk = os.read(proc.stdout.fileno(), 1)
        except BlockingIOError:
            time.sleep(0.01)
            continue
        if not chunk:
            fail(f"the program closed its output (got {line!r}); exit {proc.wait()}")
        line += chunk
    return line.decode().rstrip("\n")


def passed(proc):
    """The program must exit 0; then the test passes."""
    rc = proc.wait(timeout=30)
    if rc != 0:
        fail(f"the program exited {rc}: {proc.stderr.read().decode()}")
    print("PASS")


def reap(proc):
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def wait_all_asleep(pid, timeout=20.0):
    """Waits until every thread of pid has been asleep (state S) in two
    polls in a row, i.e. the blocked thread has reached its call."""
    end = time.monotonic() + timeout
    calm = 0
    time.sleep(0.1)
    while time.monotonic() < end:
        states = []
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    states.append(f.read().rsplit(")", 1)[1].split()[0])
            except OSError:
                pass
        calm = calm + 1 if states and all(s == "S" for s in states) else 0
        if calm >= 2:
            return
        time.sleep(0.05)
    fail("the program's threads did not all block")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hcu-cc", required=True)
    ap.add_argument("--hcuapply", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--mode", required=True, choices=sorted(MODES))
    a = ap.parse_args()
    call, give, expected = MODES[a.mode]
    os.makedirs(a.work, exist_ok=True)
    v1 = os.path.join(a.work, "tblock")
    v2 = os.path.join(a.work, "v2.so")
    src = os.path.join(SRC, "tblock.c")
    build([a.hcu_cc, "-O2", "-o", v1, src])
    build([a.hcu_cc, "-O2", "-DV2", f"--hcu-patch-for={v1}",
           f"--hcu-mapping={os.path.join(SRC, 'mapping.c')}", "-o", v2, src])

    proc = subprocess.Popen([v1, a.mode], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        if read_line(proc, 20) != "ready":
            fail("unexpected first line")
        wait_all_asleep(proc.pid)  # the thread is blocked in the call
        res = subprocess.run([a.hcuapply, "-p", str(proc.pid), v2], capture_output=True,
                             text=True, timeout=60)
        print(f"hcuapply: exit {res.returncode}: {res.stdout.strip()} {res.stderr.strip()}")
        if res.returncode != 0 or "to version 2" not in res.stdout:
            fail("the update did not succeed")
        log = subprocess.run([a.hcuapply, "messages", "-p", str(proc.pid)],
                             capture_output=True, text=True, timeout=30).stdout
        m = re.search(r"thread blocked stopped in blocked at (\S+) \((\w+)\)", log)
        if not m:
            fail(f"no stop of thread 'blocked' in the log:\n{log}")
        print(f"stopped: blocked at {m.group(1)} ({m.group(2)})")
        if not m.group(1).startswith(call + "#"):
            fail(f"the thread was stopped at {m.group(1)}, not in {call}")
        if give == "line":
            proc.stdin.write(b"hello\n")
            proc.stdin.flush()
        elif give == "signal":
            os.kill(proc.pid, signal.SIGUSR1)
        got = [read_line(proc, 60) for _ in expected]
        for line in got:
            print(f"program: {line}")
        if sorted(got) != sorted(expected):
            fail(f"expected {expected}")
        passed(proc)
    finally:
        reap(proc)


if __name__ == "__main__":
    main()
