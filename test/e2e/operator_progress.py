#!/usr/bin/env python3
"""hcuapply's progress lines for slow steps, in the non-TTY --verbose form.

  operator_progress.py --hcu-cc PATH --hcuapply PATH --src test/alphabet --work DIR

Builds alphabet v1, a v2 patch whose mapping forbids the update while
serve() runs (Inputs/serve_constraint_mapping.c: with a client connected
the update waits until its timeout) and a reversible v2 patch. With one
client connected it runs the waiting patch with --timeout=2500 three ways:
--verbose (progress lines on stderr: the patch loaded, then what it waits
for, naming the constraint and where the thread is), without --verbose
(stderr is not a terminal: no progress), and --verbose --json (stdout one
JSON object, stderr no progress); then a v2 patch with a reverse mapping
(Inputs/reversible_mapping.c) with --verbose, which succeeds, and revert
--verbose. Every stderr line is printed with the
pid and paths replaced (FileCheck checks them in operator-progress.test);
the client must see every letter exactly once. Prints PASS, or FAIL.
"""

import json
import os
import subprocess
import sys

import ops_lib as ol


def main(argv=None):
    args = ol.parse_args(__doc__, argv)
    deadline = ol.Deadline(150.0)
    ol.start_alarm(150.0)
    client = ol.load_client(args.src)
    srv = None
    problems = []
    try:
        waiting = os.path.join(ol.HERE, "Inputs", "serve_constraint_mapping.c")
        rev = os.path.join(ol.HERE, "Inputs", "reversible_mapping.c")
        paths = ol.build_alphabet(args.hcu_cc, args.src, args.work, deadline,
                                  extra_patches=[("v2wait", "v2", waiting, "v1"),
                                                 ("v2rev", "v2", rev, "v1")])
        srv = ol.Server(paths["v1"], client, deadline, name="progress-server")
        srv.wait_letters(3, "for the first letters")
        subs = dict(pid=srv.pid, work=os.path.abspath(args.work),
                    src=os.path.abspath(args.src), here=ol.HERE)

        def run(title, *cmd):
            res = subprocess.run([args.hcuapply, *cmd], stdin=subprocess.DEVNULL,
                                 capture_output=True, text=True,
                                 timeout=deadline.left(60.0))
            print(f"== {title}: exit {res.returncode}")
            for line in res.stderr.splitlines():
                print("err: " + ol.scrub(line, **subs))
            return res

        pid = str(srv.pid)
        r = run("apply --verbose, waiting", "-p", pid, "--verbose", "--timeout=2500",
                paths["v2wait"])
        waits = [l for l in r.stderr.splitlines() if "waiting for the safety" in l]
        print(f"progress lines while waiting: {'at least one' if waits else 'none'}")
        r = run("apply, waiting, no --verbose", "-p", pid, "--timeout=1500",
                paths["v2wait"])
        if any(": pid " + pid + ": " in l for l in r.stderr.splitlines()):
            problems.append("progress shown without --verbose on a non-terminal")
        r = run("apply --verbose --json, waiting", "-p", pid, "--verbose", "--json",
                "--timeout=1500", paths["v2wait"])
        try:
            obj = json.loads(r.stdout)
            print(f"json: ok={obj.get('ok')} name={obj.get('name')}")
        except ValueError:
            problems.append(f"--json output is not one JSON object: {r.stdout!r}")
        srv.alive("after the refused updates")
        srv.wait_letters(2, "after the refused updates")
        r = run("apply --verbose", "-p", pid, "--verbose", paths["v2rev"])
        print("out: " + ol.scrub(r.stdout.strip(), **subs))
        srv.wait_letters(2, "after the update")
        r = run("revert --verbose", "revert", "-p", pid, "--verbose")
        srv.wait_letters(3, "after the revert")
        srv.alive("after the revert")
        recs = srv.stream.snapshot()
        problems += ol.check_continuity(recs, [1, 2, 1])
        if srv.stream.connections != 1:
            problems.append("the client's connection did not stay open")
        if problems:
            raise ol.TestFailure("; ".join(problems))
        print(f"letters: {len(recs)} on one connection, none lost or repeated")
    except (ol.TestFailure, ol.Timeout) as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        ol.stop_and_show(srv, show=False)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
