#!/usr/bin/env python3
"""memory: resident memory of the alphabet server while it serves a client.

  memory.py BIN_DIR        (BENCH_OUT set; builds from lib/build.sh)

From /proc/PID/status, in kB: VmRSS (resident now), VmHWM (peak resident),
RssAnon (resident anonymous memory: heap, stacks, .bss/.data once written --
the closest to the thesis' massif heap+stack figure, which it is still not).
Variants: plain (cc -O2), hcu (hcu-cc -O2, version 1), hcu after 1 update
(p2.so) and after 10 updates (p2..p11), and the exec baseline before and after
10 re-execs. Ratios are to plain. Also the binaries' sizes (file bytes and
text+data from `size`), ratio to plain.
"""

import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import benchlib as bl  # noqa: E402

TICK_MS = 10
KEYS = ("VmRSS", "VmHWM", "RssAnon")


def serving(binary):
    server, port = bl.start_alphabet(binary, tick_ms=TICK_MS)
    stream = bl.alphabet_client.Stream("127.0.0.1", port)
    if not stream.wait_for(5, 10):
        stream.close()
        bl.kill(server)
        raise RuntimeError(f"{binary} sent no letters")
    return server, stream


def sample(server, stream):
    stream.wait_for(stream.count() + 3, 5)  # settled, still serving
    return bl.proc_status(server.pid)


def size_text_data(path):
    out = subprocess.run(["size", path], capture_output=True, text=True, check=True).stdout
    text, data = out.splitlines()[1].split()[:2]
    return int(text) + int(data)


def main():
    bin_dir = sys.argv[1]
    build = os.path.join(bl.out_dir(), "build")
    hcuapply = os.path.join(bin_dir, "hcuapply")
    res = bl.Results("memory")
    got = {}
    failed = []

    server, stream = serving(os.path.join(build, "alphabet_plain"))
    try:
        got["plain"] = sample(server, stream)
    finally:
        stream.close()
        bl.kill(server)

    server, stream = serving(os.path.join(build, "alphabet_hcu"))
    try:
        got["hcu"] = sample(server, stream)
        for k in range(2, 12):
            r = subprocess.run([hcuapply, "-p", str(server.pid), os.path.join(build, f"p{k}.so")],
                               stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               timeout=30)
            if r.returncode != 0:
                failed.append(f"p{k}.so: exit {r.returncode}: {r.stderr.strip()}")
                break
            if k == 2:
                got["hcu_after_1_update"] = sample(server, stream)
        else:
            got["hcu_after_10_updates"] = sample(server, stream)
        errors = bl.stream_errors(stream.snapshot())
    finally:
        stream.close()
        bl.kill(server)

    exe = os.path.join(build, "exec_alphabet")
    server, stream = serving(exe)
    try:
        got["exec"] = sample(server, stream)
        for _ in range(10):
            os.kill(server.pid, signal.SIGUSR1)
            bl.read_line(server, 5)
            stream.wait_for(stream.count() + 2, 5)
        got["exec_after_10_updates"] = sample(server, stream)
    finally:
        stream.close()
        bl.kill(server)

    base = got["plain"]
    for variant, st in got.items():
        for k in KEYS:
            res.add(k, variant, st[k], "kB", st[k] / base[k] if base[k] else None)
    res.add("updates_failed", "hcu", len(failed), "count")
    res.add("stream_errors", "hcu", errors, "count")

    plain_b = os.path.join(build, "alphabet_plain")
    for variant, name in (("plain", "alphabet_plain"), ("hcu", "alphabet_hcu"),
                          ("exec", "exec_alphabet"), ("hcu_patch_p2", "p2.so"),
                          ("hcu_patch_p3", "p3.so")):
        path = os.path.join(build, name)
        res.add("alphabet_file_size", variant, os.path.getsize(path), "bytes",
                os.path.getsize(path) / os.path.getsize(plain_b))
        res.add("alphabet_text_data", variant, size_text_data(path), "bytes",
                size_text_data(path) / size_text_data(plain_b))
    res.write()
    for f in failed:
        print(f"memory: {f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
