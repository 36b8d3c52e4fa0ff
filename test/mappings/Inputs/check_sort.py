#!/usr/bin/env python3
"""check_sort.py OUTPUT VERSION: the sort program's final line in OUTPUT
(update_run.py's) must say the array is sorted, and its comparison count
must be below what bubble sort alone makes on the same array, n(n-1)/2 (our
bubble sort compares every pair of its passes, whatever the data)."""
import re
import sys

text = open(sys.argv[1]).read()
m = re.search(r"^program: v(\d+) n=(\d+) sorted=(\w+) comparisons=(\d+)$", text,
              re.M)
if not m:
    sys.exit("FAIL: no result line")
version, n, ok, total = m.group(1), int(m.group(2)), m.group(3), int(m.group(4))
bubble = n * (n - 1) // 2
print(f"version {version}: sorted={ok}, {total} comparisons; bubble sort alone: {bubble}")
if version != sys.argv[2] or ok != "yes":
    sys.exit("FAIL: expected a sorted array from version " + sys.argv[2])
if not total < bubble:
    sys.exit("FAIL: no fewer comparisons than bubble sort alone")
print("PASS")
