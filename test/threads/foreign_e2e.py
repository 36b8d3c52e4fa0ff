#!/usr/bin/env python3
"""Updates a program while a thread libhcu did not start runs its callback.

  foreign_e2e.py --hcu-cc PATH --hcuapply PATH --work DIR --mode update|stall

Builds Inputs/tforeign: pump.c with the plain C compiler (its thread is
created by libc's pthread_create, unseen by hcu-cc), tforeign.c with hcu-cc,
and the v2 patch. update: applies the patch while the pump thread runs the
instrumented callback in a loop; the log must show that thread stopped
inside the callback, and the program's own check of what the callback
recorded is printed. stall: the callback is blocked in the library's code;
the update must time out, naming the thread, and change nothing.
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import blocked_thread as bt  # noqa: E402

SRC = os.path.join(HERE, "Inputs", "tforeign")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hcu-cc", required=True)
    ap.add_argument("--hcuapply", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--mode", required=True, choices=["update", "stall"])
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    pump = os.path.join(a.work, "pump.o")
    v1 = os.path.join(a.work, "tforeign")
    v2 = os.path.join(a.work, "v2.so")
    src = os.path.join(SRC, "tforeign.c")
    bt.build([os.environ.get("CC", "cc"), "-O2", "-c", "-o", pump,
              os.path.join(SRC, "pump.c")])
    bt.build([a.hcu_cc, "-O2", "-o", v1, src, pump, "-lpthread"])
    bt.build([a.hcu_cc, "-O2", "-DV2", f"--hcu-patch-for={v1}",
              f"--hcu-mapping={os.path.join(SRC, 'mapping.c')}", "-o", v2, src])

    args = [v1] + (["stall"] if a.mode == "stall" else [])
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        if bt.read_line(proc, 20) != "ready":
            bt.fail("unexpected first line")
        if a.mode == "stall":
            bt.wait_all_asleep(proc.pid)  # main in usleep, the pump in read
        cmd = [a.hcuapply, "-p", str(proc.pid), v2]
        if a.mode == "stall":
            cmd.insert(1, "--timeout=1000")
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        out = re.sub(r"tid \d+", "tid N", (res.stdout + res.stderr).strip())
        print(f"hcuapply: exit {res.returncode}: {out}")
        log = subprocess.run([a.hcuapply, "messages", "-p", str(proc.pid)],
                             capture_output=True, text=True, timeout=30).stdout
        # The thread is named after its entry; its innermost frame is the
        # callback or the function it calls.
        m = re.search(r"thread on_item stopped in (\w+) at \S+ \(\w+\), (\d+) frame", log)
        print("stopped: on_item " + (f"in {'the callback' if m.group(1) in ('on_item', 'work') else m.group(1)}, "
                                     f"{m.group(2)} frame(s)" if m else "not stopped"))
        proc.stdin.write(b"go\n")
        proc.stdin.flush()
        for _ in range(3):
            print(f"program: {bt.read_line(proc, 60)}")
        bt.passed(proc)
    finally:
        bt.reap(proc)


if __name__ == "__main__":
    main()
