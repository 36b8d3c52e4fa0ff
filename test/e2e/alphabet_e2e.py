#!/usr/bin/env python3
"""End-to-end test: live updates of the alphabet server, v1 -> v2 -> v3.

  alphabet_e2e.py --hcu-cc PATH --hcuapply PATH --src test/alphabet --work DIR

Builds v1 with hcu-cc, the v2 patch (base: v1) and the v3 patch (base: the v2
patch), and a "wrong" v2 patch built against another build of v1 (-O0, so a
different build id). Starts v1, keeps one client connected the whole time,
and while letters stream in: applies the wrong patch (must be refused and
change nothing), then v2, then v3. Checks that the stream never broke: one
connection, every letter the successor of the one before (Z -> A), v1 lines,
then v2 lines, then v3 lines, the v2 counter starting at the transformer's
value and going up by exactly one per letter, and `hcuapply status` saying
version 3 at the end. Prints a summary and PASS, or FAIL: reason (exit 1).
"""

import argparse
import os
import re
import selectors
import signal
import statistics
import subprocess
import sys
import threading
import time

LETTERS_PER_PHASE = 10
# The v2 transformer (test/alphabet/v2/mapping.c) sets
#   letters_sent = TRANSFORMER_BASE + (next_letter - 'A').
TRANSFORMER_BASE = 1000


class TestFailure(Exception):
    pass


class Timeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise Timeout("the test ran out of time")


class Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self, cap=None):
        left = self.end - time.monotonic()
        if left <= 0:
            raise Timeout("the test ran out of time")
        return left if cap is None else min(left, cap)


def fmt_cmd(cmd):
    return " ".join(cmd)


def run(cmd, deadline, what, cap=120.0):
    """Runs a tool to completion; returns CompletedProcess (text)."""
    print(f"$ {fmt_cmd(cmd)}", flush=True)
    try:
        # Own session, so that a timeout kills everything the tool started.
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
    except OSError as e:
        raise TestFailure(f"{what}: cannot run {cmd[0]}: {e}")
    try:
        out, err = proc.communicate(timeout=deadline.left(cap))
    except subprocess.TimeoutExpired:
        raise TestFailure(f"{what} did not finish in time: {fmt_cmd(cmd)}")
    finally:
        if proc.returncode is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.communicate()
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def show_output(res, indent="    "):
    for stream in (res.stdout, res.stderr):
        for line in stream.splitlines():
            print(indent + line)


def build(cmd, deadline, what):
    # HCU_TEST_CFLAGS (set by lit on sanitizer builds) goes to every compile
    # and link of the test programs and patches.
    extra = os.environ.get("HCU_TEST_CFLAGS", "").split()
    cmd = cmd[:1] + extra + cmd[1:]
    res = run(cmd, deadline, what)
    if res.returncode != 0:
        show_output(res)
        raise TestFailure(f"{what} failed (exit {res.returncode})")
    return res


def read_ready_line(proc, deadline, cap=10.0):
    """Reads the server's 'listening on 127.0.0.1:<port>' line; returns port."""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    buf = b""
    end = time.monotonic() + deadline.left(cap)
    try:
        while b"\n" not in buf:
            left = end - time.monotonic()
            if left <= 0:
                raise TestFailure("the server printed no ready line in time")
            if not sel.select(left):
                continue
            chunk = os.read(proc.stdout.fileno(), 256)
            if not chunk:
                raise TestFailure(f"the server exited before it was ready "
                                  f"(status {proc.wait(1)})")
            buf += chunk
    finally:
        sel.close()
    line = buf.split(b"\n", 1)[0]
    line = line.decode("ascii", "replace")
    # Keep draining the server's stdout (into a log) so it can never block.
    log = open(os.path.join(os.path.dirname(proc.args[0]), "server.stdout"), "wb")
    log.write(buf)

    def drain():
        with log:
            while True:
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                log.write(chunk)
                log.flush()

    threading.Thread(target=drain, daemon=True).start()
    m = re.fullmatch(r"listening on 127\.0\.0\.1:(\d+)", line)
    if not m:
        raise TestFailure(f"unexpected ready line from the server: {line!r}")
    return int(m.group(1))


def parse_version(text):
    m = re.search(r"\bversion\b\D{0,3}(\d+)", text)
    return int(m.group(1)) if m else None


def letters_text(recs):
    text = "".join(r.letter or "?" for r in recs)
    return text if len(text) <= 104 else f"{text[:52]}...{text[-52:]}"


class Phase:
    """What happened around one hcuapply call."""

    def __init__(self, name, patch):
        self.name = name
        self.patch = patch
        self.n_before = None  # records received before hcuapply started
        self.n_after = None   # records received when it returned
        self.t_start = None
        self.t_end = None
        self.result = None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hcu-cc", required=True, help="path of hcu-cc")
    ap.add_argument("--hcuapply", required=True, help="path of hcuapply")
    ap.add_argument("--src", required=True, help="test/alphabet")
    ap.add_argument("--work", required=True, help="directory for builds and logs")
    ap.add_argument("--tick-ms", type=int, default=30, help="server tick (ms)")
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="bound on the whole test (s)")
    args = ap.parse_args(argv)

    src = os.path.abspath(args.src)
    work = os.path.abspath(args.work)
    sys.path.insert(0, src)
    import client  # test/alphabet/client.py

    deadline = Deadline(args.timeout)
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(int(args.timeout) + 5)  # backstop if something blocks

    server = None
    stream = None
    server_err = None
    phases = []
    failures = []
    records = []
    tick = args.tick_ms / 1000.0
    print(f"alphabet e2e: src {src}, work {work}, tick {args.tick_ms} ms")
    try:
        # -- 0. The program has no hcu-specific line.
        for v in (1, 2, 3):
            path = os.path.join(src, f"v{v}", "alphabet.c")
            with open(path, encoding="utf-8") as f:
                hits = [i + 1 for i, line in enumerate(f) if "hcu" in line.lower()]
            if hits:
                raise TestFailure(f"{path} mentions hcu on line(s) {hits}: "
                                  f"the program must need no source change")
        print("source check: no line of v1/v2/v3 alphabet.c mentions hcu")

        # -- 1. Builds.
        os.makedirs(work, exist_ok=True)
        v1 = os.path.join(work, "alphabet_v1")
        v1_other = os.path.join(work, "alphabet_v1_O0")
        v2so = os.path.join(work, "v2.so")
        v3so = os.path.join(work, "v3.so")
        wrongso = os.path.join(work, "v2_for_other_v1.so")
        for p in (v1, v1_other, v2so, v3so, wrongso):
            if os.path.exists(p):
                os.unlink(p)
        s = lambda *parts: os.path.join(src, *parts)
        cc = args.hcu_cc
        build([cc, "-O2", "-o", v1, s("v1", "alphabet.c")], deadline, "building v1")
        build([cc, "-O2", f"--hcu-patch-for={v1}", f"--hcu-mapping={s('v2', 'mapping.c')}",
               "-shared", "-o", v2so, s("v2", "alphabet.c")], deadline, "building the v2 patch")
        build([cc, "-O2", f"--hcu-patch-for={v2so}", f"--hcu-mapping={s('v3', 'mapping.c')}",
               "-shared", "-o", v3so, s("v3", "alphabet.c")], deadline, "building the v3 patch")
        build([cc, "-O0", "-o", v1_other, s("v1", "alphabet.c")], deadline,
              "building another v1 (-O0)")
        build([cc, "-O2", f"--hcu-patch-for={v1_other}",
               f"--hcu-mapping={s('v2', 'mapping.c')}", "-shared", "-o", wrongso,
               s("v2", "alphabet.c")], deadline, "building the v2 patch for the other v1")
        for p in (v1, v2so, v3so, v1_other, wrongso):
            if not os.path.isfile(p):
                raise TestFailure(f"the build reported success but {p} is missing")
        with open(v1, "rb") as a, open(v1_other, "rb") as b:
            if a.read() == b.read():
                raise TestFailure("the -O0 build of v1 is identical to the -O2 one; "
                                  "the wrong-patch check would prove nothing")

        # -- 2. Start v1 and connect one client.
        server_err = open(os.path.join(work, "server.stderr"), "w+")
        cmd = [v1, "0", str(args.tick_ms)]
        print(f"$ {fmt_cmd(cmd)} &", flush=True)
        server = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=server_err, start_new_session=True)
        port = read_ready_line(server, deadline)
        print(f"server pid {server.pid} listening on 127.0.0.1:{port}")
        stream = client.Stream("127.0.0.1", port)

        def wait_letters(n, why):
            target = stream.count() + n
            if not stream.wait_for(target, deadline.left(max(5.0, 40 * n * tick))):
                if stream.closed.is_set():
                    raise TestFailure(f"the connection closed while waiting {why} "
                                      f"(after {stream.count()} lines"
                                      f"{'; ' + stream.error if stream.error else ''})")
                raise TestFailure(f"letters stopped coming while waiting {why} "
                                  f"(got {stream.count()} of {target})")

        def alive(when):
            if server.poll() is not None:
                raise TestFailure(f"the server died {when} (status {server.returncode})")

        def apply(phase):
            phase.n_before = stream.count()
            phase.t_start = time.monotonic()
            phase.result = run([args.hcuapply, "-p", str(server.pid), phase.patch],
                               deadline, f"hcuapply ({phase.name})", cap=30.0)
            phase.t_end = time.monotonic()
            phase.n_after = stream.count()
            show_output(phase.result)
            phases.append(phase)
            return phase.result

        def status(expect, when):
            res = run([args.hcuapply, "status", "-p", str(server.pid)], deadline,
                      "hcuapply status", cap=30.0)
            show_output(res)
            got = parse_version(res.stdout)
            if res.returncode != 0 or got != expect:
                failures.append(f"hcuapply status {when} reports version {got} "
                                f"(exit {res.returncode}), expected {expect}")

        wait_letters(LETTERS_PER_PHASE, "for the first letters")

        # -- 3. The wrong patch: refused, nothing changes.
        res = apply(Phase("wrong patch: v2 built for another v1", wrongso))
        if res.returncode == 0:
            failures.append("hcuapply accepted a patch built for another build of v1")
        elif "build" not in res.stderr.lower():
            failures.append("hcuapply refused the wrong patch but its error does not "
                            f"mention the build: {res.stderr.strip()!r}")
        alive("after the wrong patch")
        wait_letters(LETTERS_PER_PHASE, "after the wrong patch")
        alive("after the wrong patch")
        status(1, "after the refused patch")

        # -- 4. v1 -> v2 (datatype transformer), v2 -> v3 (serve() on the stack).
        for name, patch in (("v1 -> v2", v2so), ("v2 -> v3", v3so)):
            res = apply(Phase(name, patch))
            if res.returncode != 0:
                raise TestFailure(f"hcuapply {name} failed (exit {res.returncode}): "
                                  f"{res.stderr.strip()}")
            alive(f"after {name}")
            wait_letters(LETTERS_PER_PHASE, f"after {name}")
            alive(f"after {name}")
        status(3, "at the end")
        if stream.closed.is_set():
            failures.append("the connection was closed" +
                            (f": {stream.error}" if stream.error else ""))
        if stream.connections != 1:
            failures.append(f"the client connected {stream.connections} times")
        records = stream.snapshot()
        failures.extend(check_stream(records, phases[1:], tick))
    except (TestFailure, Timeout) as e:
        failures.insert(0, str(e))
    finally:
        signal.alarm(0)
        if stream is not None:
            if not records:
                records = stream.snapshot()
            stream.close()
        if server is not None:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        if server_err is not None:
            server_err.seek(0)
            err = server_err.read().strip()
            server_err.close()
            if err:
                print("server stderr:")
                for line in err.splitlines()[-20:]:
                    print("    " + line)

    summarize(records, phases, tick)
    if failures:
        for f in failures[1:]:
            print(f"  also: {f}")
        print(f"FAIL: {failures[0]}")
        return 1
    print("PASS")
    return 0


def check_stream(recs, updates, tick):
    """Checks the recorded lines; updates are the v1->v2 and v2->v3 phases."""
    out = []
    if not recs:
        return ["no line received"]
    bad = [(i, r.raw) for i, r in enumerate(recs) if r.version is None]
    if bad:
        out.append(f"{len(bad)} line(s) of unknown shape, first #{bad[0][0]}: {bad[0][1]!r}")
        return out

    # Every letter follows the one before.
    for i in range(1, len(recs)):
        want = next_letter(recs[i - 1].letter)
        if recs[i].letter != want:
            kind = "repeated" if recs[i].letter == recs[i - 1].letter else "skipped/wrong"
            out.append(f"line #{i} {recs[i].raw!r} after {recs[i - 1].raw!r}: "
                       f"expected letter {want} ({kind})")
            break

    # Shapes: v1 ... v1, v2 ... v2, v3 ... v3, each switch during its update.
    versions = [r.version for r in recs]
    if versions != sorted(versions):
        i = next(i for i in range(1, len(versions)) if versions[i] < versions[i - 1])
        out.append(f"line #{i} {recs[i].raw!r} is v{versions[i]} after a "
                   f"v{versions[i - 1]} line")
    if versions[0] != 1:
        out.append(f"the first line {recs[0].raw!r} is not in the v1 format")
    for ph, v in zip(updates, (2, 3)):
        first = next((i for i, x in enumerate(versions) if x >= v), None)
        if first is None:
            out.append(f"no v{v} line after {ph.name}")
            continue
        if first < ph.n_before:
            out.append(f"a v{v} line (#{first}) arrived before {ph.name} started")
        # A line already in flight may land just after hcuapply returned; the
        # next tick must be in the new format.
        if recs[first].t > ph.t_end + 2 * tick + 0.5:
            out.append(f"the first v{v} line (#{first}) came "
                       f"{recs[first].t - ph.t_end:.3f} s after {ph.name} returned")
        if first > 0 and versions[first - 1] != v - 1:
            out.append(f"no v{v - 1} line right before the first v{v} line")

    # Counters: the first v2 line carries the transformer's value, then +1.
    counted = [(i, r) for i, r in enumerate(recs) if r.version >= 2]
    if counted:
        i0, r0 = counted[0]
        idx = ord(r0.letter) - ord("A")
        expect = TRANSFORMER_BASE + idx
        # If the update landed between a send and the letter's advance, the
        # transformer saw the letter before this one: index + 1, so from 'Z'
        # to 'a' the counter reads 1026.
        ok = r0.counter == expect or (idx == 0 and r0.counter == TRANSFORMER_BASE + 26)
        if not ok:
            out.append(f"the first v2 line {r0.raw!r} has counter {r0.counter}; "
                       f"the transformer sets {expect} for letter {r0.letter}")
        for (ia, a), (ib, b) in zip(counted, counted[1:]):
            if b.counter != a.counter + 1:
                out.append(f"counter of line #{ib} {b.raw!r} does not follow "
                           f"line #{ia} {a.raw!r}")
                break

    # The tick survived the updates (tick_ms is a file-scope static of the
    # program; the new code must use the running program's value).
    for v in (1, 2, 3):
        ts = [r.t for r in recs if r.version == v]
        gaps = [b - a for a, b in zip(ts, ts[1:])]
        if len(gaps) >= 3 and statistics.median(gaps) > 4 * tick + 0.05:
            out.append(f"v{v} lines come every {statistics.median(gaps) * 1000:.0f} ms, "
                       f"the server was started with a {tick * 1000:.0f} ms tick")
    return out


def next_letter(letter):
    return "A" if letter == "Z" else chr(ord(letter) + 1)


def summarize(recs, phases, tick):
    print("---- summary ----")
    if recs:
        by_v = {}
        for r in recs:
            by_v[r.version] = by_v.get(r.version, 0) + 1
        counts = ", ".join(f"v{k}: {n}" if k else f"unknown: {n}"
                           for k, n in sorted(by_v.items(), key=lambda kv: kv[0] or 0))
        print(f"{len(recs)} lines on one connection ({counts})")
        print(f"letters: {letters_text(recs)}")
        print(f"first: {recs[0].raw!r}  last: {recs[-1].raw!r}")
    else:
        print("no line received")
    for ph in phases:
        res = ph.result
        line = (res.stdout.strip() or res.stderr.strip()).splitlines()
        line = line[-1] if line else ""
        gap = ""
        if recs and ph.n_before is not None and 0 < ph.n_before < len(recs):
            lo = max(ph.n_before - 1, 0)
            hi = min((ph.n_after or ph.n_before) + 1, len(recs) - 1)
            g = max(recs[i + 1].t - recs[i].t for i in range(lo, hi))
            gap = f", longest gap between letters around it {g * 1000:.0f} ms"
        print(f"{ph.name}: exit {res.returncode} in {(ph.t_end - ph.t_start) * 1000:.0f} ms"
              f"{gap}")
        if line:
            print(f"    {line}")


if __name__ == "__main__":
    sys.exit(main())
