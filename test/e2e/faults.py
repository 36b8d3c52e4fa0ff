#!/usr/bin/env python3
"""End-to-end: every injected fault ends in a clean rollback.

  faults.py --hcu-cc PATH --hcuapply PATH --src test/alphabet --work DIR

Builds v1, the v2 patch, and a v2 patch whose datatype transformer really
dereferences a null pointer (Inputs/crash_mapping.c). For each fault
(HCU_FAULT=load, bind, transformer, transformer-crash, timeout, rebuild, and
the real crash without HCU_FAULT) it starts v1 with one client connected,
applies the failing update and checks: hcuapply exits 1 with the error
(printed, scrubbed of pid and paths, for FileCheck), the server stays alive,
`status` still says version 1, letters keep coming; then the correct v2
patch applies, and the client saw every letter exactly once, v1 lines then
v2 lines, on one connection. Prints PASS, or FAIL: reason (exit 1).
"""

import argparse
import os
import signal
import sys

import ops_lib as ol

FAULTS = ["load", "bind", "transformer", "transformer-crash", "timeout", "rebuild"]


def sig_caught(pid):
    """The process's SigCgt mask (signals with a handler) from /proc."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("SigCgt:"):
                return line.split()[1]
    raise ol.TestFailure(f"no SigCgt for pid {pid}")


def one_case(args, paths, client, deadline, fault, patch, env):
    hcuapply = args.hcuapply
    srv = ol.Server(paths["v1"], client, deadline, env=env, name=f"server-{fault}")
    try:
        srv.wait_letters(5, "for the first letters")
        caught_before = sig_caught(srv.pid)
        res = ol.run([hcuapply, "-p", str(srv.pid), patch], deadline, f"hcuapply ({fault})")
        err = ol.scrub(ol.first_line(res.stderr), pid=srv.pid, patch=patch,
                       src=os.path.abspath(args.src), work=os.path.abspath(args.work),
                       inputs=os.path.join(ol.HERE, "Inputs"))
        print(f"fault {fault}: exit {res.returncode}: {err}")
        if res.returncode != 1:
            raise ol.TestFailure(f"fault {fault}: hcuapply exited {res.returncode}, expected 1")
        srv.alive(f"after the {fault} fault")
        # The crash guard must put the program's signal dispositions back.
        caught_after = sig_caught(srv.pid)
        if caught_after != caught_before:
            raise ol.TestFailure(f"fault {fault}: the process's caught signals changed "
                                 f"from {caught_before} to {caught_after}")
        print(f"fault {fault}: signal dispositions unchanged")
        srv.wait_letters(5, f"after the {fault} fault")
        st = ol.run([hcuapply, "status", "--json", "-p", str(srv.pid)], deadline, "status")
        js = ol.json_of(st)
        if js.get("version") != 1 or js.get("last_update", {}).get("ok") is not False:
            raise ol.TestFailure(f"fault {fault}: status after the failure says {st.stdout!r}")
        print(f"fault {fault}: status: version {js['version']}, last update "
              f"{js['last_update']['name']}")
        good = ol.run([hcuapply, "-p", str(srv.pid), paths["v2"]], deadline, "hcuapply v2")
        print(f"fault {fault}: then v2: exit {good.returncode}: "
              f"{ol.scrub(ol.first_line(good.stdout + good.stderr), pid=srv.pid)}")
        if good.returncode != 0:
            raise ol.TestFailure(f"fault {fault}: the correct update after it failed")
        srv.wait_letters(5, f"after v2 (fault {fault})")
        srv.alive(f"after v2 (fault {fault})")
        recs = srv.stream.snapshot()
        problems = ol.check_continuity(recs, [1, 2])
        if srv.stream.connections != 1 or srv.stream.closed.is_set():
            problems.append("the client's connection did not stay open")
        if problems:
            raise ol.TestFailure(f"fault {fault}: " + "; ".join(problems))
        print(f"fault {fault}: {len(recs)} letters on one connection, none lost "
              f"or repeated, v1 then v2")
    finally:
        text = srv.stop()
        if text.strip():
            print(f"fault {fault}: server stderr (last lines):")
            for line in text.strip().splitlines()[-5:]:
                print("    " + line)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hcu-cc", required=True)
    ap.add_argument("--hcuapply", required=True)
    ap.add_argument("--src", required=True, help="test/alphabet")
    ap.add_argument("--work", required=True)
    ap.add_argument("--timeout", type=float, default=150.0)
    args = ap.parse_args(argv)
    deadline = ol.Deadline(args.timeout)
    signal.signal(signal.SIGALRM, ae_alarm)
    signal.alarm(int(args.timeout) + 5)
    client = ol.load_client(args.src)
    try:
        crash_map = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs",
                                 "crash_mapping.c")
        paths = ol.build_alphabet(args.hcu_cc, args.src, args.work, deadline,
                                  extra_patches=[("v2crash", "v2", crash_map, "v1")])
        for fault in FAULTS:
            one_case(args, paths, client, deadline, fault, paths["v2"],
                     {"HCU_FAULT": fault})
        one_case(args, paths, client, deadline, "real-crash", paths["v2crash"], {})
    except (ol.TestFailure, ol.Timeout) as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        signal.alarm(0)
    print("PASS")
    return 0


def ae_alarm(signum, frame):
    raise ol.Timeout("the test ran out of time")


if __name__ == "__main__":
    sys.exit(main())
