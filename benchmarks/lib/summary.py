#!/usr/bin/env python3
"""Prints a short human summary of OUT/results.csv (run.sh calls it)."""

import csv
import sys

WANT = [
    ("update_pause", "pause_median", "hcu", "hcu update pause (median of {n})"),
    ("update_pause", "pause_mean", "hcu", "hcu update pause (mean)"),
    ("update_pause", "quiesce_plus_pause_median", "hcu", "hcu quiesce+pause (median)"),
    ("update_pause", "hcuapply_wall_median", "hcu", "hcuapply wall clock (median)"),
    ("update_pause", "hcuapply_version_wall_median", "hcu", "hcuapply --version wall clock (median)"),
    ("update_pause", "signal_to_first_send_median", "exec", "exec baseline signal->first send (median)"),
    ("update_pause", "restart_to_accept_median", "restart", "kill+restart plain -> accept (median)"),
    ("update_pause", "restart_to_first_letter_median", "restart", "kill+restart plain -> first letter (median)"),
    ("update_pause", "updates_failed", "hcu", "hcu updates failed"),
    ("update_pause", "stream_errors", "hcu", "hcu stream errors (letter out of sequence)"),
    ("steady_state", "wall_time_median", "plain", "workload plain (median)"),
    ("steady_state", "wall_time_median", "hcu", "workload hcu-cc (median)"),
    ("steady_state", "instructions", "plain", "workload plain instructions"),
    ("steady_state", "instructions", "hcu", "workload hcu-cc instructions"),
    ("steady_state", "text_data", "plain", "workload plain text+data"),
    ("steady_state", "text_data", "hcu", "workload hcu-cc text+data"),
    ("steady_state", "checksum_mismatch", "both", "workload checksum mismatch"),
    ("memory", "VmRSS", "plain", "alphabet plain VmRSS"),
    ("memory", "VmRSS", "hcu", "alphabet hcu VmRSS"),
    ("memory", "VmRSS", "hcu_after_1_update", "alphabet hcu VmRSS after 1 update"),
    ("memory", "VmRSS", "hcu_after_10_updates", "alphabet hcu VmRSS after 10 updates"),
    ("memory", "VmHWM", "hcu_after_10_updates", "alphabet hcu VmHWM after 10 updates"),
    ("memory", "VmRSS", "exec_after_10_updates", "alphabet exec VmRSS after 10 re-execs"),
]


def main():
    rows = {}
    with open(sys.argv[1], newline="") as f:
        for r in csv.DictReader(f):
            rows[(r["benchmark"], r["metric"], r["variant"])] = r
    n = rows.get(("update_pause", "pause_n", "hcu"), {}).get("value", "?")
    for b, m, v, label in WANT:
        r = rows.get((b, m, v))
        if r is None:
            print(f"  {label.format(n=n):<46} (missing)")
            continue
        ratio = f"  x{float(r['ratio_to_baseline']):.3f}" if r["ratio_to_baseline"] else ""
        print(f"  {label.format(n=n):<46} {r['value']:>12} {r['unit']:<6}{ratio}")


if __name__ == "__main__":
    main()
