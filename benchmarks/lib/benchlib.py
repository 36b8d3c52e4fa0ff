"""Helpers shared by the benchmark drivers (benchmarks/*/*.py).

Processes: every server is started in its own session and its pid is appended
to $BENCH_OUT/pids, so that run.sh's trap can kill the whole process group if
a driver dies; drivers also kill what they started in a finally block.

Results: rows (benchmark, metric, variant, value, unit, ratio_to_baseline) are
appended to $BENCH_OUT/<benchmark>.csv; run.sh concatenates them."""

import csv
import math
import os
import re
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))  # the repository
ALPHABET_SRC = os.path.join(ROOT, "test", "alphabet")

sys.path.insert(0, ALPHABET_SRC)
import client as alphabet_client  # noqa: E402  (test/alphabet/client.py)


def out_dir():
    return os.environ["BENCH_OUT"]


# ---------------------------------------------------------------- processes

_started = []


def _register(pid):
    _started.append(pid)
    with open(os.path.join(out_dir(), "pids"), "a") as f:
        f.write(f"{pid}\n")


def start(cmd, **kw):
    """Popen in a new session (stdout piped), registered for cleanup."""
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=kw.pop("stderr", subprocess.DEVNULL),
                         start_new_session=True, **kw)
    _register(p.pid)
    return p


def kill(p, sig=signal.SIGKILL):
    if p is None:
        return
    if p.poll() is None:
        try:
            os.killpg(p.pid, sig)
        except OSError:
            pass
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        pass


def read_line(p, timeout=10.0):
    """One line of p's stdout (bytes decoded), or raises on timeout/EOF."""
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    buf = b""
    end = time.monotonic() + timeout
    try:
        while not buf.endswith(b"\n"):
            left = end - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"no line from {p.args[0]} in {timeout} s")
            if not sel.select(left):
                continue
            c = os.read(p.stdout.fileno(), 1)  # byte by byte: never read past the line
            if not c:
                raise RuntimeError(f"{p.args[0]} exited (status {p.poll()})")
            buf += c
    finally:
        sel.close()
    return buf.decode("ascii", "replace").strip()


def start_alphabet(binary, port=0, tick_ms=10, env=None):
    """Starts an alphabet server; returns (Popen, port)."""
    p = start([binary, str(port), str(tick_ms)], env=env)
    line = read_line(p)
    m = re.fullmatch(r"listening on 127\.0\.0\.1:(\d+)", line)
    if not m:
        kill(p)
        raise RuntimeError(f"unexpected ready line {line!r}")
    return p, int(m.group(1))


def stream_errors(records):
    """Letters that do not follow the one before (the stream broke)."""
    bad = 0
    for a, b in zip(records, records[1:]):
        if a.letter is None or b.letter != alphabet_client.next_letter(a.letter):
            bad += 1
    return bad


def proc_status(pid):
    """VmRSS, VmHWM, RssAnon, RssFile (kB) from /proc/PID/status."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "Threads"):
                out[k] = int(v.split()[0])
    return out


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---------------------------------------------------------------- results

def stats(xs):
    xs = list(xs)
    return {
        "n": len(xs),
        "median": statistics.median(xs),
        "mean": statistics.fmean(xs),
        "min": min(xs),
        "max": max(xs),
        "stddev": statistics.stdev(xs) if len(xs) > 1 else 0.0,  # Bessel, as the thesis
    }


class Results:
    def __init__(self, benchmark):
        self.benchmark = benchmark
        self.path = os.path.join(out_dir(), f"{benchmark}.csv")
        self.rows = []

    def add(self, metric, variant, value, unit, ratio=None):
        if isinstance(value, float):
            value = round(value, 4)
        if ratio is not None:
            ratio = "" if (ratio != ratio or math.isinf(ratio)) else round(ratio, 4)
        self.rows.append([self.benchmark, metric, variant, value, unit,
                          "" if ratio is None else ratio])

    def add_stats(self, metric, variant, xs, unit, baseline=None):
        """metric_median, _mean, _min, _max, _stddev (+ _n); the ratio of the
        median and mean to the baseline's (a stats dict) if given."""
        s = stats(xs)
        for k in ("median", "mean", "min", "max", "stddev"):
            r = None
            if baseline is not None and k in ("median", "mean") and baseline[k]:
                r = s[k] / baseline[k]
            self.add(f"{metric}_{k}", variant, s[k], unit, r)
        self.add(f"{metric}_n", variant, s["n"], "count")
        return s

    def write(self):
        with open(self.path, "w", newline="") as f:
            csv.writer(f).writerows(self.rows)
