#!/usr/bin/env python3
"""Soak: many consecutive updates of the alphabet server, alternating v1 and
v2, with one client connected the whole time.

  soak.py --hcu-cc PATH --hcuapply PATH --src test/alphabet --work DIR
          [--updates N]   (default 200; HCU_SOAK_UPDATES overrides, e.g. 5000)

A patch is tied to its base build and version, so alternating is apply and
revert: odd updates apply the v1 -> v2 patch (Inputs/reversible_mapping.c,
which has a reverse datatype transformer), even ones revert to v1, which
unloads the patch. Checks: every update succeeds, the client sees every
letter exactly once on one connection, and the server's RSS after the last
update is within 64 KiB of its RSS after the first update of the same kind
(both printed, with the RSS after the very first update too). Prints PASS,
or FAIL: reason (exit 1).
"""

import os
import subprocess
import sys
import time

import ops_lib as ol

RSS_SLACK_KIB = 64


def main(argv=None):
    def extra(ap):
        ap.add_argument("--updates", type=int,
                        default=int(os.environ.get("HCU_SOAK_UPDATES", "200")))
        ap.add_argument("--no-rss-check", action="store_true",
                        help="print RSS but do not compare it (sanitizer builds: "
                        "ASan's quarantine keeps freed memory resident)")
    args = ol.parse_args(__doc__, argv, extra)
    n = args.updates
    if n < 4 or n % 2:
        print("FAIL: --updates must be an even number >= 4")
        return 1
    timeout = 120.0 + 0.5 * n
    deadline = ol.Deadline(timeout)
    ol.start_alarm(timeout)
    client = ol.load_client(args.src)
    srv = None
    t_start = time.monotonic()
    try:
        rev = os.path.join(ol.HERE, "Inputs", "reversible_mapping.c")
        s = lambda *p: os.path.join(os.path.abspath(args.src), *p)
        os.makedirs(args.work, exist_ok=True)
        v1 = os.path.join(args.work, "alphabet_v1")
        v2 = os.path.join(args.work, "v2rev.so")
        ol.build([args.hcu_cc, "-O2", "-o", v1, s("v1", "alphabet.c")], deadline,
                 "building v1")
        ol.build([args.hcu_cc, "-O2", f"--hcu-patch-for={v1}", f"--hcu-mapping={rev}",
                  "-shared", "-o", v2, s("v2", "alphabet.c")], deadline,
                 "building the reversible v2 patch")
        srv = ol.Server(v1, client, deadline, name="soak-server")
        srv.wait_letters(3, "for the first letters")
        t_loop = time.monotonic()
        rss = {}
        for i in range(1, n + 1):
            cmd = ([args.hcuapply, "-p", str(srv.pid), v2] if i % 2
                   else [args.hcuapply, "revert", "-p", str(srv.pid)])
            try:
                res = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                                     text=True, timeout=deadline.left(60.0))
            except subprocess.TimeoutExpired:
                raise ol.TestFailure(f"update {i} did not finish in time")
            if res.returncode != 0:
                raise ol.TestFailure(f"update {i} ({'apply' if i % 2 else 'revert'}) "
                                     f"failed, exit {res.returncode}: {res.stderr.strip()}")
            if i in (1, 2, n - 1, n):
                rss[i] = ol.rss_kib(srv.pid)
            if i % 50 == 0:
                # Letters keep coming during the soak, not only at its end.
                srv.wait_letters(1, f"after update {i}")
                srv.alive(f"after update {i}")
        t_loop = time.monotonic() - t_loop
        srv.wait_letters(5, "after the last update")
        srv.alive("after the last update")
        st = subprocess.run([args.hcuapply, "status", "--json", "-p", str(srv.pid)],
                            capture_output=True, text=True, timeout=30)
        version = ol.json_of(st).get("version")
        recs = srv.stream.snapshot()
        problems = []
        # Shapes alternate v1/v2 in no fixed pattern (several updates fit in
        # one tick): check only the letters and the connection.
        seq = [p for p in ol.check_continuity(recs, [])
               if not p.startswith("line shapes")]
        problems += seq
        if srv.stream.connections != 1 or srv.stream.closed.is_set():
            problems.append("the client's connection did not stay open")
        if version != 1:
            problems.append(f"status says version {version} after {n} updates, expected 1")
        print(f"soak: {n} updates ({n // 2} apply, {n // 2} revert) succeeded")
        print(f"soak: {len(recs)} letters on one connection, "
              f"{'none lost or repeated' if not seq else 'PROBLEM'}")
        print(f"soak: RSS after update 1 (apply): {rss[1]} KiB; after update {n - 1} "
              f"(apply): {rss[n - 1]} KiB")
        print(f"soak: RSS after update 2 (revert): {rss[2]} KiB; after update {n} "
              f"(revert): {rss[n]} KiB")
        print(f"soak: updates took {t_loop:.1f} s ({1000 * t_loop / n:.1f} ms each), "
              f"whole test {time.monotonic() - t_start:.1f} s")
        print(f"soak: RSS after the first update: {rss[1]} KiB; after the last: "
              f"{rss[n]} KiB")
        for a, b in (() if args.no_rss_check else ((1, n), (1, n - 1), (2, n))):
            if abs(rss[b] - rss[a]) > RSS_SLACK_KIB:
                problems.append(f"RSS after update {b} ({rss[b]} KiB) differs from RSS "
                                f"after update {a} ({rss[a]} KiB) by more than "
                                f"{RSS_SLACK_KIB} KiB")
        if problems:
            raise ol.TestFailure("; ".join(problems))
        if not args.no_rss_check:
            print(f"soak: RSS within {RSS_SLACK_KIB} KiB: yes")
    except (ol.TestFailure, ol.Timeout) as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        ol.stop_and_show(srv)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
