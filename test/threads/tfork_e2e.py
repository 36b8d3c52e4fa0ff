#!/usr/bin/env python3
"""Updates a fork-per-connection server together with its session children.

  tfork_e2e.py --hcu-cc PATH --hcuapply PATH --work DIR
               --mode update|poison|dry|dry-poison [--sessions N]

Builds Inputs/tfork v1 and its v2 patch, starts v1 (listening on
127.0.0.1), opens N sessions (each served by its own child process) and
gives each some state, then applies the patch to the parent's pid.

update: one session first forks a grandchild that execs another program;
        hcuapply must report every process (the parent and the N children)
        updated and that one left alone; every session then answers in the
        v2 format with its total intact, and a session opened afterwards is
        served by v2 code.
poison: one session first makes its own process refuse to prepare (the
        mapping's transformer fails there); hcuapply --json must report that
        process as the cause and every other one as aborted; no process
        changes version: every session, and a new one, still answers in v1
        with its total intact.
dry:    hcuapply --dry-run: every process (the parent and the N children)
        must prepare in full (its log says it prepared and ran the dry run
        to the end) and roll back; every session, and a new one, still
        answers in v1 with its total intact.
dry-poison: as poison, with --dry-run: the dry run must find the child
        whose transformer fails (it runs the transformers everywhere).
Prints what it saw (for FileCheck) and PASS. Kills every process it started.
"""
import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "Inputs", "tfork")


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


def build(cmd):
    extra = os.environ.get("HCU_TEST_CFLAGS", "").split()
    cmd = cmd[:1] + extra + cmd[1:]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if res.returncode != 0:
        fail(f"{' '.join(cmd)} exited {res.returncode}\n{res.stdout}{res.stderr}")


class Session:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.buf = b""
        hello = self.line()
        m = re.fullmatch(r"(v\d) hello pid=(\d+)", hello)
        if not m:
            fail(f"unexpected greeting {hello!r}")
        self.version, self.pid = m.group(1), int(m.group(2))
        self.total, self.count = 0, 0

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                fail(f"session closed (got {self.buf!r})")
            self.buf += chunk
        text, self.buf = self.buf.split(b"\n", 1)
        return text.decode()

    def command(self, text, version):
        self.sock.sendall(text.encode() + b"\n")
        self.count += 1
        if text.startswith("add "):
            self.total += int(text[4:])
        got = self.line()
        if version == "v1":
            want = f"v1 total={self.total} count={self.count}"
        else:
            want = f"v2 sum={self.total} after {self.count} commands"
        if got != want:
            fail(f"session of pid {self.pid}: {text!r} answered {got!r}, expected {want!r}")


def status_version(hcuapply, pid):
    res = subprocess.run([hcuapply, "status", "--json", "-p", str(pid)],
                         capture_output=True, text=True, timeout=30)
    if res.returncode != 0:
        fail(f"status of {pid}: {res.stderr}")
    return json.loads(res.stdout)["version"]


def check_sessions(a, server, sessions, port, version):
    """Every session answers in version with its total intact; a new session
    is served; prints the versions every process reports."""
    for s in sessions:
        s.command("add 1000", version)
    print(f"{len(sessions)} sessions answered in {version} with their totals intact")
    late = Session(port)
    print(f"new session: {late.version} hello")
    late.command("add 5", late.version)
    late.sock.close()
    print(f"versions: parent {status_version(a.hcuapply, server.pid)}, "
          f"children {sorted({status_version(a.hcuapply, s.pid) for s in sessions})}")


def run_update(a, server, sessions, patch, port):
    sessions[0].command("spawn", "v1")
    res = subprocess.run([a.hcuapply, "-p", str(server.pid), patch], capture_output=True,
                         text=True, timeout=120)
    lines = res.stdout.splitlines()
    print(f"hcuapply: exit {res.returncode}: {lines[0] if lines else ''} {res.stderr.strip()}")
    if res.returncode != 0:
        fail("the update failed")
    # One line per process, the parent first; pids replaced by roles.
    roles = {server.pid: "parent"}
    roles.update({s.pid: "child" for s in sessions})
    seen = []
    for line in lines[1:]:
        m = re.match(r"hcuapply: updated pid (\d+) from version 1 to version 2 ", line)
        if not m:
            fail(f"unexpected line {line!r}")
        seen.append(roles.get(int(m.group(1)), "stranger"))
    print(f"per process: {seen[0]} then {seen[1:].count('child')} children"
          f"{'' if len(seen) == len(sessions) + 1 else ' and others'}")
    check_sessions(a, server, sessions, port, "v2")


def run_poison(a, server, sessions, patch, port):
    bad = sessions[len(sessions) // 2]
    bad.command("poison", "v1")
    res = subprocess.run([a.hcuapply, "--json", "-p", str(server.pid), patch],
                         capture_output=True, text=True, timeout=120)
    print(f"hcuapply: exit {res.returncode}")
    print("stderr: " + res.stderr.splitlines()[0].replace(str(bad.pid), "<poisoned>"))
    if res.returncode == 0:
        fail("the update succeeded although one child could not prepare")
    out = json.loads(res.stdout)
    procs = out["processes"]
    print(f"json: ok={out['ok']} name={out['name']} processes={len(procs)}")
    by_pid = {p["pid"]: p for p in procs}
    culprit = by_pid.get(bad.pid)
    if not culprit:
        fail(f"the poisoned child {bad.pid} is not in the report")
    print(f"json: poisoned child: ok={culprit['ok']} {culprit['name']}: {culprit['message']}")
    others = sorted({p["name"] for p in procs if p["pid"] != bad.pid})
    print(f"json: the {len(procs) - 1} others: {others}")
    check_sessions(a, server, sessions, port, "v1")


def run_dry(a, server, sessions, patch, port, poison):
    bad = sessions[len(sessions) // 2]
    if poison:
        bad.command("poison", "v1")
    res = subprocess.run([a.hcuapply, "--dry-run", "-p", str(server.pid), patch],
                         capture_output=True, text=True, timeout=120)
    # The summary: stdout on success, the first line of stderr on failure.
    out = res.stdout if res.returncode == 0 else res.stderr + res.stdout
    if poison:
        out = out.replace(str(bad.pid), "<poisoned>")
    lines = out.splitlines()
    print(f"hcuapply: exit {res.returncode}: {lines[0] if lines else ''}")
    if poison:
        if res.returncode == 0:
            fail("the dry run passed although one child cannot prepare")
    else:
        if res.returncode != 0:
            fail(f"the dry run failed: {out}")
        per = [ln for ln in lines[1:]
               if re.match(r"hcuapply: dry run: pid \d+ can be updated from version 1 "
                           r"to version 2", ln)]
        print(f"per process: {len(per)} dry-run lines")
    # What each process did, from its own log: prepared (transformers run,
    # waiting for the decision), then the dry run's end.
    prepared = 0
    for pid in [server.pid] + [s.pid for s in sessions]:
        log = subprocess.run([a.hcuapply, "messages", "-p", str(pid)],
                             capture_output=True, text=True, timeout=30).stdout
        if (re.search(r"update: prepared version 1 -> 2; waiting for the decision", log)
                and "prepared in full (datatype transformers run) and rolled back" in log):
            prepared += 1
    print(f"processes that prepared in full and rolled back: {prepared}")
    check_sessions(a, server, sessions, port, "v1")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hcu-cc", required=True)
    ap.add_argument("--hcuapply", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--mode", required=True,
                    choices=["update", "poison", "dry", "dry-poison"])
    ap.add_argument("--sessions", type=int, default=10)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    v1 = os.path.join(a.work, "tfork")
    v2 = os.path.join(a.work, "v2.so")
    src = os.path.join(SRC, "tfork.c")
    build([a.hcu_cc, "-O2", "-o", v1, src])
    build([a.hcu_cc, "-O2", "-DV2", f"--hcu-patch-for={v1}",
           f"--hcu-mapping={os.path.join(SRC, 'mapping.c')}", "-o", v2, src])
    # Its own process group, so that the children die with it.
    server = subprocess.Popen([v1], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              start_new_session=True)
    sessions = []
    try:
        first = server.stdout.readline().decode().strip()
        m = re.fullmatch(r"port (\d+)", first)
        if not m:
            fail(f"unexpected first line {first!r}")
        port = int(m.group(1))
        for i in range(a.sessions):
            s = Session(port)
            if s.version != "v1":
                fail(f"session {i} greeted by {s.version}")
            s.command(f"add {i + 1}", "v1")
            s.command("add 100", "v1")
            sessions.append(s)
        if len({s.pid for s in sessions} | {server.pid}) != a.sessions + 1:
            fail("sessions are not served by distinct child processes")
        print(f"{a.sessions} sessions open, each in its own child")
        if a.mode == "update":
            run_update(a, server, sessions, v2, port)
        elif a.mode == "poison":
            run_poison(a, server, sessions, v2, port)
        else:
            run_dry(a, server, sessions, v2, port, a.mode == "dry-poison")
        for s in sessions:
            s.sock.close()
        if server.poll() is not None:
            fail(f"the server exited {server.returncode}: {server.stderr.read().decode()}")
        print("PASS")
    finally:
        for s in sessions:
            s.sock.close()
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server.wait()


if __name__ == "__main__":
    main()
