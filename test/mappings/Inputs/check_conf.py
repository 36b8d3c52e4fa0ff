#!/usr/bin/env python3
"""check_conf.py OUTPUT: every round line of the conf program (update_run.py's
output) must show the state carried over: hits = round, bytes = 100 * round,
the pointer reads the same hits, the snapshot is the one main took at the
last round 5k+1, the run-time setting (listen_port=2121) survives; version 2
lines also show the new table entry (max_fails=3) and misses=0. All v1 lines
come before all v2 lines, and there are some of each."""
import re
import sys

v1 = re.compile(r"^program: v1 round (\d+): listen_port=2121 idle=300; hits=(\d+) "
                r"bytes=(\d+) via-pointer=(\d+) snapshot=(\d+)$")
v2 = re.compile(r"^program: v2 round (\d+): listen_port=2121 idle=300 max_fails=3; "
                r"hits=(\d+) bytes=(\d+) misses=0 via-pointer=(\d+) snapshot=(\d+)$")
n1 = n2 = 0
last = 0
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if not line.startswith("program: v"):
        continue
    m1, m2 = v1.match(line), v2.match(line)
    m = m1 or m2
    if not m:
        sys.exit(f"FAIL: unexpected line {line!r}")
    if m1 and n2:
        sys.exit(f"FAIL: a v1 line after a v2 line: {line!r}")
    r, hits, nbytes, ptr, snap = (int(g) for g in m.groups())
    if r != last + 1 or hits != r or nbytes != 100 * r or ptr != r or \
            snap != 5 * ((r - 1) // 5) + 1:
        sys.exit(f"FAIL: state not carried over: {line!r}")
    last = r
    n1 += bool(m1)
    n2 += bool(m2)
if not n1 or not n2:
    sys.exit(f"FAIL: {n1} v1 lines, {n2} v2 lines")
print(f"PASS: {n1 + n2} rounds, the last {n2} in version 2")
