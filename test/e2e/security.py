#!/usr/bin/env python3
"""End-to-end: the control channel refuses other users and survives garbage.

  security.py --hcu-cc PATH --hcuapply PATH --src test/alphabet --work DIR
              [--requests N]   (default 1000)

Runs as root. The server gets a private HCU_RUNTIME_DIR under DIR.

1. Another uid: the directory and socket modes are the first guard; to test
   the second (peer credentials) the test opens them up (0711 and 0666, as
   a file system that ignores modes would), then runs hcuapply status and
   revert as uid 65534 with setpriv. Both must be refused with
   HCU_ERR_PERMISSION (exit 3), and the process must log the refusal.
2. Garbage: N connections send malformed requests (random bytes, mutated
   valid requests, truncated lines, lines over 4096 bytes, a 1 MiB blob,
   bad percent escapes, NULs). Each must be answered with HCU_ERR_PROTOCOL
   and the "end" line; every 100 requests, letters must still come.
3. A server started with HCU_DISABLE=1: status says updates are disabled,
   apply is refused with HCU_ERR_DISABLED, and the letters go on.
At the end a correct update still succeeds and the client has seen every
letter exactly once. Prints PASS, or FAIL: reason (exit 1).
"""

import argparse
import os
import random
import re
import signal
import socket
import stat
import subprocess
import sys

import ops_lib as ol

NOBODY = 65534


def on_alarm(signum, frame):
    raise ol.Timeout("the test ran out of time")


def converse(path, payload, shut=True, timeout=10.0):
    """Sends payload on a fresh connection; returns the whole answer."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
        try:
            s.sendall(payload)
            if shut:
                s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # it stopped reading at its limit; its answer is queued
        chunks = []
        while True:
            try:
                c = s.recv(65536)
            except ConnectionResetError:
                break
            if not c:
                break
            chunks.append(c)
        return b"".join(chunks).decode("ascii", "replace")
    finally:
        s.close()


def malformed(rng, i):
    """The i-th malformed request: (kind, bytes)."""
    valid = [b"hcu1 status\n", b"hcu1 messages\n", b"hcu1 revert dry_run=1\n"]
    kind = i % 10
    if kind == 0:
        return "random", bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
    if kind == 1:
        v = bytearray(rng.choice(valid[:2]))
        pos = rng.randrange(len(v) - 1)  # keep the newline: the line itself is bad
        v[pos] = rng.choice([c for c in range(256) if c != v[pos]])
        return "mutated", bytes(v)
    if kind == 2:
        v = rng.choice(valid)
        return "truncated", v[:rng.randrange(0, len(v) - 1)]
    if kind == 3:
        return "oversized", b"hcu1 apply path=/" + b"a" * (4096 + rng.randrange(1, 3000)) + b"\n"
    if kind == 4:
        return "bad escape", rng.choice([b"hcu1 apply path=/a%zz\n", b"hcu1 apply path=/a%00\n",
                                         b"hcu1 apply path=/a%4\n", b"hcu1 apply path=/a b\n"])
    if kind == 5:
        return "nul", b"hcu1 status\0\n"
    if kind == 6:
        return "extra", rng.choice([b"hcu1 status\nhcu1 status\n", b"hcu1  status\n",
                                    b"hcu1 status \n", b" hcu1 status\n", b"hcu1 status\r\n"])
    if kind == 7:
        return "bad keys", rng.choice([b"hcu1 apply path=/p.so path=/q.so\n",
                                       b"hcu1 apply path=relative.so\n",
                                       b"hcu1 apply path=/p.so timeout_ms=-1\n",
                                       b"hcu1 apply path=/p.so dry_run=2\n",
                                       b"hcu1 revert path=/p.so\n", b"hcu1 apply\n",
                                       b"hcu1 status x=1\n", b"hcu2 status\n"])
    if kind == 8:
        return "empty", b""
    return "binary", b"hcu1 " + bytes(rng.randrange(1, 256) for _ in range(64)) + b"\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hcu-cc", required=True)
    ap.add_argument("--hcuapply", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--requests", type=int, default=1000)
    args = ap.parse_args(argv)
    if os.geteuid() != 0:
        print("FAIL: security.py must run as root (it runs a client as uid 65534)")
        return 1
    deadline = ol.Deadline(240.0)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(245)
    client = ol.load_client(args.src)
    work = os.path.abspath(args.work)
    rundir = os.path.join(work, "run")
    os.makedirs(rundir, mode=0o700, exist_ok=True)
    os.chmod(rundir, 0o700)
    env = {"HCU_RUNTIME_DIR": rundir}
    os.environ["HCU_RUNTIME_DIR"] = rundir  # for hcuapply
    servers = []
    failures = []
    try:
        paths = ol.build_alphabet(args.hcu_cc, args.src, work, deadline)
        srv = ol.Server(paths["v1"], client, deadline, env=env, name="security-server")
        servers.append(srv)
        srv.wait_letters(3, "for the first letters")
        sock = os.path.join(rundir, f"{srv.pid}.sock")
        pid = str(srv.pid)

        # -- 1. Another uid.
        mode = stat.S_IMODE(os.stat(rundir).st_mode)
        smode = stat.S_IMODE(os.stat(sock).st_mode)
        print(f"modes: directory {mode:03o}, socket {smode:03o}")
        os.chmod(rundir, 0o711)
        os.chmod(sock, 0o666)
        for verb in (["status"], ["revert"]):
            res = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
                                  "--clear-groups", args.hcuapply, *verb, "-p", pid],
                                 capture_output=True, text=True, timeout=30)
            print(f"uid {NOBODY}: hcuapply {verb[0]}: exit {res.returncode}: "
                  f"{ol.scrub(ol.first_line(res.stderr), pid=srv.pid)}")
            if res.returncode != 3:
                failures.append(f"hcuapply {verb[0]} as uid {NOBODY} exited {res.returncode}")
        os.chmod(rundir, 0o700)
        os.chmod(sock, 0o600)
        srv.alive("after the other uid's requests")
        log = subprocess.run([args.hcuapply, "messages", "-p", pid], capture_output=True,
                             text=True, timeout=30).stdout
        refused = [l for l in log.splitlines() if f"refused a connection from uid {NOBODY}" in l]
        print(f"log: {len(refused)} refusal(s) of uid {NOBODY}")
        if refused:
            print("log: " + re.sub(r"uid 65534 pid \d+", "uid 65534 pid <CLIENT>",
                                   ol.scrub(refused[0].split(" ", 1)[1], pid=srv.pid)))
        srv.wait_letters(2, "after the other uid's requests")

        # -- 2. Malformed requests.
        rng = random.Random(6)
        kinds = {}
        for i in range(args.requests):
            kind, payload = malformed(rng, i)
            ans = converse(sock, payload)
            lines = ans.splitlines()
            ok = (len(lines) >= 3 and lines[0] == "error code=3 name=HCU_ERR_PROTOCOL"
                  and lines[1].startswith("message=") and lines[-1] == "end")
            if not ok:
                raise ol.TestFailure(f"malformed request #{i} ({kind}) {payload[:80]!r} got "
                                     f"{ans[:200]!r}")
            kinds[kind] = kinds.get(kind, 0) + 1
            if (i + 1) % 100 == 0:
                srv.alive(f"after {i + 1} malformed requests")
                srv.wait_letters(1, f"after {i + 1} malformed requests")
        big = converse(sock, b"x" * (1 << 20))
        if not big.startswith("error code=3 name=HCU_ERR_PROTOCOL\n"):
            raise ol.TestFailure(f"a 1 MiB request got {big[:200]!r}")
        # A client that sends half a line and waits: answered after the read
        # deadline, and the channel is free again afterwards.
        slow = converse(sock, b"hcu1 sta", shut=False)
        if not slow.startswith("error code=3 name=HCU_ERR_PROTOCOL\nmessage=timed%20out"):
            raise ol.TestFailure(f"a stalled request got {slow[:200]!r}")
        total = sum(kinds.values()) + 2
        print(f"malformed: {total} requests answered with HCU_ERR_PROTOCOL ("
              + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
              + ", 1 MiB blob 1, stalled 1)")
        srv.alive("after the malformed requests")
        st = subprocess.run([args.hcuapply, "status", "-p", pid], capture_output=True,
                            text=True, timeout=30)
        print(f"status after them: exit {st.returncode}: "
              f"{ol.scrub(ol.first_line(st.stdout), pid=srv.pid)}")
        res = subprocess.run([args.hcuapply, "-p", pid, paths["v2"]], capture_output=True,
                             text=True, timeout=60)
        print(f"update after them: exit {res.returncode}: "
              f"{ol.scrub(ol.first_line(res.stdout + res.stderr), pid=srv.pid)}")
        if res.returncode != 0:
            failures.append("the update after the malformed requests failed")
        srv.wait_letters(3, "after the update")
        recs = srv.stream.snapshot()
        problems = ol.check_continuity(recs, [1, 2])
        if srv.stream.connections != 1 or srv.stream.closed.is_set():
            problems.append("the client's connection did not stay open")
        failures += problems
        print(f"client: {len(recs)} letters on one connection"
              + ("" if problems else ", none lost or repeated"))

        # -- 3. Updates disabled.
        dis = ol.Server(paths["v1"], client, deadline,
                        env=dict(env, HCU_DISABLE="1"), name="disabled-server")
        servers.append(dis)
        dis.wait_letters(3, "for the first letters (disabled)")
        dpid = str(dis.pid)
        for argv_ in (["status", "-p", dpid], ["-p", dpid, paths["v2"]],
                      ["status", "--json", "-p", dpid]):
            res = subprocess.run([args.hcuapply, *argv_], capture_output=True, text=True,
                                 timeout=30)
            print(f"disabled: hcuapply {argv_[0]}: exit {res.returncode}: "
                  f"{ol.scrub(ol.first_line(res.stdout + res.stderr), pid=dis.pid)}")
        dis.wait_letters(3, "after the refused update (disabled)")
        dis.alive("with updates disabled")
        drecs = dis.stream.snapshot()
        dproblems = ol.check_continuity(drecs, [1])
        failures += [f"disabled server: {p}" for p in dproblems]
        print(f"disabled: {len(drecs)} letters, all v1"
              + ("" if dproblems else ", none lost or repeated"))

        # -- 4. Updates disabled by the program itself (hcu_set_updates_enabled).
        dexe = os.path.join(work, "disabler")
        ol.build([args.hcu_cc, "-O2", "-o", dexe,
                  os.path.join(ol.HERE, "Inputs", "disabler.c")], deadline,
                 "building the disabler program")
        full_env = dict(os.environ, **env)
        proc = subprocess.Popen([dexe], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, start_new_session=True,
                                env=full_env, text=True)
        try:
            ready = proc.stdout.readline().strip()
            print(f"disabler: {ready}")
            for argv_ in (["status", "-p", str(proc.pid)],
                          ["-p", str(proc.pid), paths["v2"]]):
                res = subprocess.run([args.hcuapply, *argv_], capture_output=True,
                                     text=True, timeout=30)
                print(f"disabler: hcuapply {argv_[0]}: exit {res.returncode}: "
                      f"{ol.scrub(ol.first_line(res.stdout + res.stderr), pid=proc.pid)}")
            if proc.poll() is not None:
                failures.append("the disabler program died")
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    except (ol.TestFailure, ol.Timeout, OSError) as e:
        failures.insert(0, str(e))
    finally:
        signal.alarm(0)
        for s in servers:
            s.stop()
    if failures:
        for f in failures[1:]:
            print(f"  also: {f}")
        print(f"FAIL: {failures[0]}")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
