"""Shared pieces of the operator tests (faults, soak, revert, security):
builds of the alphabet server, a running server with one connected client,
and checks of the letter stream. Every process started here is killed by
Server.stop(), which the tests call in a finally block."""

import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import alphabet_e2e as ae  # noqa: E402  (run, build, read_ready_line, ...)

TestFailure = ae.TestFailure
Timeout = ae.Timeout
Deadline = ae.Deadline
run = ae.run
build = ae.build


def load_client(src):
    sys.path.insert(0, os.path.abspath(src))
    import client  # test/alphabet/client.py
    return client


def build_alphabet(cc, src, work, deadline, v3=False, extra_patches=()):
    """Builds v1 and the v2 patch (and the v3 patch on top of v2); returns a
    dict of paths. extra_patches: (name, version dir, mapping path, base key)."""
    os.makedirs(work, exist_ok=True)
    s = lambda *p: os.path.join(os.path.abspath(src), *p)
    out = {"v1": os.path.join(work, "alphabet_v1"), "v2": os.path.join(work, "v2.so")}
    build([cc, "-O2", "-o", out["v1"], s("v1", "alphabet.c")], deadline, "building v1")
    build([cc, "-O2", f"--hcu-patch-for={out['v1']}", f"--hcu-mapping={s('v2', 'mapping.c')}",
           "-shared", "-o", out["v2"], s("v2", "alphabet.c")], deadline,
          "building the v2 patch")
    if v3:
        out["v3"] = os.path.join(work, "v3.so")
        build([cc, "-O2", f"--hcu-patch-for={out['v2']}",
               f"--hcu-mapping={s('v3', 'mapping.c')}", "-shared", "-o", out["v3"],
               s("v3", "alphabet.c")], deadline, "building the v3 patch")
    for name, vdir, mapping, base in extra_patches:
        out[name] = os.path.join(work, name + ".so")
        build([cc, "-O2", f"--hcu-patch-for={out[base]}", f"--hcu-mapping={mapping}",
               "-shared", "-o", out[name], s(vdir, "alphabet.c")], deadline,
              f"building the {name} patch")
    return out


class Server:
    """The alphabet server with one client connected for its whole life."""

    def __init__(self, exe, client, deadline, env=None, tick_ms=30, name="server"):
        self.deadline = deadline
        self.proc = None
        self.stream = None
        work = os.path.dirname(exe)
        self.err = open(os.path.join(work, name + ".stderr"), "w+")
        full_env = dict(os.environ)
        full_env.update(env or {})
        cmd = [exe, "0", str(tick_ms)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self.err, start_new_session=True, env=full_env)
        self.pid = self.proc.pid
        self.tick = tick_ms / 1000.0
        try:
            self.port = ae.read_ready_line(self.proc, deadline)
            self.stream = client.Stream("127.0.0.1", self.port)
        except BaseException:
            self.stop()
            raise

    def alive(self, when):
        if self.proc.poll() is not None:
            raise TestFailure(f"the server died {when} (status {self.proc.returncode})")

    def wait_letters(self, n, why):
        target = self.stream.count() + n
        if not self.stream.wait_for(target, self.deadline.left(max(5.0, 40 * n * self.tick))):
            if self.stream.closed.is_set():
                raise TestFailure(f"the connection closed while waiting {why}")
            raise TestFailure(f"letters stopped coming while waiting {why} "
                              f"(got {self.stream.count()} of {target})")

    def stop(self):
        """Kills the server and returns the last lines of its stderr."""
        if self.stream is not None:
            self.stream.close()
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()
        self.err.seek(0)
        text = self.err.read()
        self.err.close()
        return text


def check_continuity(recs, versions_in_order):
    """Every letter follows the one before (no loss, no repeat), line shapes
    go through versions_in_order in that order. Returns a list of problems."""
    out = []
    if not recs:
        return ["no line received"]
    bad = [r.raw for r in recs if r.version is None]
    if bad:
        return [f"{len(bad)} line(s) of unknown shape, first {bad[0]!r}"]
    for i in range(1, len(recs)):
        want = ae.next_letter(recs[i - 1].letter)
        if recs[i].letter != want:
            kind = "repeated" if recs[i].letter == recs[i - 1].letter else "lost"
            out.append(f"line #{i} {recs[i].raw!r} after {recs[i - 1].raw!r}: letter {kind}")
            break
    seq = []
    for r in recs:
        if not seq or seq[-1] != r.version:
            seq.append(r.version)
    if seq != list(versions_in_order):
        out.append(f"line shapes went through versions {seq}, expected {list(versions_in_order)}")
    return out


def scrub(text, **subs):
    """Replaces run-specific values (pid, paths) by <NAME> for FileCheck."""
    for name, value in sorted(subs.items(), key=lambda kv: -len(str(kv[1]))):
        if value:
            text = text.replace(str(value), f"<{name.upper()}>")
    return text


def first_line(text):
    lines = text.strip().splitlines()
    return lines[0] if lines else ""


def json_of(res):
    import json
    try:
        return json.loads(res.stdout)
    except ValueError:
        raise TestFailure(f"not one JSON object on stdout: {res.stdout!r}")


def parse_args(doc, argv=None, extra=None):
    """The arguments every operator test takes (--hcu-cc, --hcuapply, --src,
    --work); extra(parser) adds its own."""
    import argparse
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    for name in ("--hcu-cc", "--hcuapply", "--src", "--work"):
        ap.add_argument(name, required=True)
    if extra:
        extra(ap)
    return ap.parse_args(argv)


def _on_alarm(signum, frame):
    raise Timeout("the test ran out of time")


def start_alarm(seconds):
    """A SIGALRM that raises Timeout a little after the test's deadline."""
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(int(seconds) + 5)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise TestFailure(f"no VmRSS for pid {pid}")


def stop_and_show(srv, show=True):
    """Cancels the alarm, stops the server (if any) and, with show, prints
    the last lines of its stderr."""
    signal.alarm(0)
    if srv is None:
        return
    text = srv.stop()
    if show and text.strip():
        print("server stderr (last lines):")
        for line in text.strip().splitlines()[-5:]:
            print("    " + line)
