#!/usr/bin/env python3
"""update_pause: how long a live update stops the alphabet server, and the
same service's downtime with the baselines, in one run.

  update_pause.py BIN_DIR        (BENCH_OUT set; builds from lib/build.sh)

hcu       alphabet_hcu (version 1) serves one client that reads all the time;
          the chain p2.so .. p21.so is applied one after another with
          `hcuapply --json`. Per update: pause_us (threads stopped: unwind
          done -> rebuild started, as reported by the runtime), quiesce_us
          (update requested -> every thread parked), their sum, and the wall
          clock of the whole hcuapply process (fork/exec, connect, dlopen of
          the patch, the update, the answer), and of `hcuapply --version`
          (what starting any process costs on this machine).
restart   alphabet_plain (cc -O2, no hcu): kill -9 and start again on the
          same port, until a new connection is accepted and until its first
          letter arrives (the letter sequence restarts at A: state is lost).
exec      exec_baseline/exec_alphabet: SIGUSR1 -> re-exec with the state in
          argv; the program reports signal -> first letter sent after exec.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import benchlib as bl  # noqa: E402

TICK_MS = 10
RUNS = int(os.environ.get("BENCH_RUNS", "20"))


def hcu_updates(bin_dir, build):
    hcuapply = os.path.join(bin_dir, "hcuapply")
    server, port = bl.start_alphabet(os.path.join(build, "alphabet_hcu"), tick_ms=TICK_MS)
    stream = None
    pauses, quiesces, totals, walls = [], [], [], []
    failed = []
    try:
        stream = bl.alphabet_client.Stream("127.0.0.1", port)
        if not stream.wait_for(5, 10):
            raise RuntimeError("the hcu server sent no letters")
        for k in range(2, RUNS + 2):
            patch = os.path.join(build, f"p{k}.so")
            t0 = time.perf_counter()
            r = subprocess.run([hcuapply, "--json", "-p", str(server.pid), patch],
                               stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               timeout=30)
            wall = time.perf_counter() - t0
            try:
                j = json.loads(r.stdout)
            except ValueError:
                j = {}
            if r.returncode != 0 or not j.get("ok"):
                failed.append(f"p{k}.so: exit {r.returncode}: {r.stdout.strip()} {r.stderr.strip()}")
                continue
            if j.get("new_version") != k:
                failed.append(f"p{k}.so: new_version {j.get('new_version')}")
            pauses.append(j["pause_us"])
            quiesces.append(j["quiesce_us"])
            totals.append(j["pause_us"] + j["quiesce_us"])
            walls.append(wall * 1e6)
            # let a few letters through in the new version before the next one
            if not stream.wait_for(stream.count() + 3, 5):
                failed.append(f"no letters after p{k}.so")
                break
        recs = stream.snapshot()
        if server.poll() is not None:
            failed.append(f"the server died (status {server.returncode})")
    finally:
        if stream is not None:
            stream.close()
        bl.kill(server)
    return pauses, quiesces, totals, walls, recs, failed


def process_floor(bin_dir):
    """Wall clock of `hcuapply --version`: the cost of starting any process
    here, the floor under hcuapply_wall."""
    walls = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        subprocess.run([os.path.join(bin_dir, "hcuapply"), "--version"],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=10)
        walls.append((time.perf_counter() - t0) * 1e6)
    return walls


def restarts(build):
    binary = os.path.join(build, "alphabet_plain")
    port = bl.free_port()
    to_accept, to_letter = [], []
    server, port = bl.start_alphabet(binary, port=port, tick_ms=TICK_MS)
    try:
        for _ in range(RUNS):
            # a client is connected and reading when the server goes down
            c = socket.create_connection(("127.0.0.1", port), timeout=5)
            c.recv(16)
            t0 = time.perf_counter()
            bl.kill(server)
            server = bl.start([binary, str(port), str(TICK_MS)])
            while True:
                try:
                    s = socket.create_connection(("127.0.0.1", port), timeout=5)
                    break
                except ConnectionRefusedError:
                    if server.poll() is not None:
                        raise RuntimeError("the restarted server exited")
                    time.sleep(0.0001)
            t1 = time.perf_counter()
            s.recv(16)
            t2 = time.perf_counter()
            to_accept.append((t1 - t0) * 1e6)
            to_letter.append((t2 - t0) * 1e6)
            s.close()
            c.close()
    finally:
        bl.kill(server)
    return to_accept, to_letter


def exec_updates(build):
    server, port = bl.start_alphabet(os.path.join(build, "exec_alphabet"), tick_ms=TICK_MS)
    stream = None
    us, failed = [], []
    try:
        stream = bl.alphabet_client.Stream("127.0.0.1", port)
        if not stream.wait_for(5, 10):
            raise RuntimeError("the exec server sent no letters")
        for _ in range(RUNS):
            os.kill(server.pid, signal.SIGUSR1)
            line = bl.read_line(server, 5)
            if not line.startswith("exec_update_ns "):
                failed.append(f"unexpected line {line!r}")
                continue
            us.append(int(line.split()[1]) / 1000.0)
            if not stream.wait_for(stream.count() + 3, 5):
                failed.append("no letters after an exec update")
                break
        recs = stream.snapshot()
    finally:
        if stream is not None:
            stream.close()
        bl.kill(server)
    return us, recs, failed


def main():
    bin_dir = sys.argv[1]
    build = os.path.join(bl.out_dir(), "build")
    res = bl.Results("update_pause")
    notes = []

    pauses, quiesces, totals, walls, recs, failed = hcu_updates(bin_dir, build)
    ex_us, ex_recs, ex_failed = exec_updates(build)
    acc, letter = restarts(build)
    floor = process_floor(bin_dir)

    # Every downtime is compared with a plain kill + restart (to accept).
    rs = bl.stats(acc)
    if pauses:
        res.add_stats("pause", "hcu", pauses, "us", rs)
        res.add_stats("quiesce", "hcu", quiesces, "us", rs)
        res.add_stats("quiesce_plus_pause", "hcu", totals, "us", rs)
        res.add_stats("hcuapply_wall", "hcu", walls, "us", rs)
        res.add_stats("hcuapply_version_wall", "hcu", floor, "us", rs)
    res.add("updates_failed", "hcu", len(failed), "count")
    res.add("stream_errors", "hcu", bl.stream_errors(recs), "count")
    res.add("letters_received", "hcu", len(recs), "count")
    if ex_us:
        res.add_stats("signal_to_first_send", "exec", ex_us, "us", rs)
    res.add("updates_failed", "exec", len(ex_failed), "count")
    res.add("stream_errors", "exec", bl.stream_errors(ex_recs), "count")
    res.add_stats("restart_to_accept", "restart", acc, "us", rs)
    res.add_stats("restart_to_first_letter", "restart", letter, "us", rs)
    res.write()
    for f in failed + ex_failed:
        print(f"update_pause: {f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
