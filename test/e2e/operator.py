#!/usr/bin/env python3
"""End-to-end: the operator's subcommands on a live alphabet server.

  operator.py --hcu-cc PATH --hcuapply PATH --src test/alphabet --work DIR

Builds v1, the v2 patch (its mapping changes a global's layout and has no
reverse transformer) and the v3 patch (on top of v2, code only). With one
client connected the whole time it runs status, list (with a stale
socket to skip), inspect of the patches, revert with nothing to revert,
apply --dry-run, apply --json, apply, status --json, revert
--dry-run, revert --json, a revert that is refused, apply again, messages
and messages --json. Every command's exit status and output is printed with
the pid and paths replaced by <PID>, <WORK>, <SRC> (FileCheck checks them in
operator.test); JSON answers are parsed and checked here. At the end the
client must have seen every letter exactly once, in the shapes of versions
1, 2, 3, 2, 3. Prints PASS, or FAIL: reason (exit 1).
"""

import os
import socket
import subprocess
import sys

import ops_lib as ol


def main(argv=None):
    args = ol.parse_args(__doc__, argv)
    deadline = ol.Deadline(150.0)
    ol.start_alarm(150.0)
    client = ol.load_client(args.src)
    srv = None
    failures = []
    try:
        paths = ol.build_alphabet(args.hcu_cc, args.src, args.work, deadline, v3=True)
        # A private runtime directory, so that list sees only this test's
        # server, plus a stale socket: a dead pid's, bound and closed.
        rundir = os.path.join(os.path.abspath(args.work), "run")
        os.makedirs(rundir, mode=0o700, exist_ok=True)
        os.environ["HCU_RUNTIME_DIR"] = rundir
        dead = subprocess.Popen(["true"])
        dead.wait()
        stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stale.bind(os.path.join(rundir, f"{dead.pid}.sock"))
        stale.close()
        srv = ol.Server(paths["v1"], client, deadline, name="operator-server")
        srv.wait_letters(3, "for the first letters")
        subs = dict(pid=srv.pid, work=os.path.abspath(args.work), rundir=rundir,
                    src=os.path.abspath(args.src))

        def tool(label, *argv, expect=0):
            res = subprocess.run([args.hcuapply, *argv], stdin=subprocess.DEVNULL,
                                 capture_output=True, text=True,
                                 timeout=deadline.left(60.0))
            print(f"== {label}: exit {res.returncode}")
            for stream, tag in ((res.stdout, "out"), (res.stderr, "err")):
                for line in stream.splitlines():
                    print(f"{tag}: {ol.scrub(line, **subs)}")
            if res.returncode != expect:
                failures.append(f"{label}: exit {res.returncode}, expected {expect}")
            srv.alive(f"after {label}")
            return res

        def expect_json(label, res, **want):
            js = ol.json_of(res)
            for k, v in want.items():
                if js.get(k) != v:
                    failures.append(f"{label}: JSON {k} is {js.get(k)!r}, expected {v!r}")
            return js

        pid = str(srv.pid)
        tool("status", "status", "-p", pid)
        tool("list", "list")
        js = expect_json("list --json", tool("list --json", "list", "--json"), ok=True,
                         stale=1)
        procs = [(p.get("pid"), p.get("version"), p.get("command"))
                 for p in js.get("processes", [])]
        if procs != [(srv.pid, 1, "alphabet_v1")]:
            failures.append(f"list --json processes are {procs}")
        tool("inspect v2", "inspect", paths["v2"])
        js = expect_json("inspect --json v3",
                         tool("inspect --json v3", "inspect", "--json", paths["v3"]),
                         ok=True, base_version=2, new_version=3,
                         datatype_transformers=False, retyped_globals=[])
        if js.get("target_build_id") != ol.json_of(
                subprocess.run([args.hcuapply, "status", "--json", "-p", pid],
                               capture_output=True, text=True, timeout=30)).get("build_id"):
            failures.append("inspect --json v3: target_build_id is not the server's build id")
        tool("inspect a program", "inspect", paths["v1"], expect=1)
        tool("revert at version 1", "revert", "-p", pid, expect=1)
        tool("dry run v2", "--dry-run", "-p", pid, paths["v2"])
        js = expect_json("status after dry run",
                         tool("status after dry run", "status", "--json", "-p", pid),
                         version=1)
        if not js.get("last_update", {}).get("dry_run"):
            failures.append("status after the dry run does not report a dry run")
        js = expect_json("apply v2 --json",
                         tool("apply v2 --json", "apply", "--json", "-p", pid, paths["v2"]),
                         ok=True, old_version=1, new_version=2, dry_run=False)
        if js.get("functions") != ["main", "serve"]:
            failures.append(f"apply v2 --json: functions {js.get('functions')}")
        srv.wait_letters(3, "after v2")
        tool("apply v3", "-p", pid, paths["v3"])
        srv.wait_letters(3, "after v3")
        js = expect_json("status --json at v3",
                         tool("status --json at v3", "status", "--json", "-p", pid),
                         version=3, model="immediate", threads=1, updates_enabled=True)
        hist = [(h.get("version"), h.get("patch")) for h in js.get("history", [])]
        if hist != [(2, paths["v2"]), (3, paths["v3"])]:
            failures.append(f"status --json history is {hist}")
        tool("status at v3", "status", "-p", pid)
        tool("revert --dry-run at v3", "revert", "--dry-run", "-p", pid)
        tool("status after revert dry run", "status", "--json", "-p", pid)
        expect_json("revert --json at v3",
                    tool("revert --json at v3", "revert", "--json", "-p", pid),
                    ok=True, revert=True, old_version=3, new_version=2)
        srv.wait_letters(3, "after the revert")
        tool("status after revert", "status", "-p", pid)
        expect_json("refused revert --json",
                    tool("refused revert --json", "revert", "--json", "-p", pid, expect=1),
                    ok=False, name="HCU_ERR_UNSUPPORTED")
        tool("apply v3 again", "-p", pid, paths["v3"])
        srv.wait_letters(3, "after v3 again")
        tool("messages", "messages", "-p", pid)
        js = expect_json("messages --json",
                         tool("messages --json", "messages", "--json", "-p", pid), ok=True)
        if not any("reverted version 3 -> 2" in m for m in js.get("messages", [])):
            failures.append("messages --json has no entry for the revert")
        srv.alive("at the end")
        recs = srv.stream.snapshot()
        problems = ol.check_continuity(recs, [1, 2, 3, 2, 3])
        if srv.stream.connections != 1 or srv.stream.closed.is_set():
            problems.append("the client's connection did not stay open")
        failures += problems
        print(f"client: {len(recs)} letters on one connection, versions 1, 2, 3, 2, 3"
              + ("" if problems else ", none lost or repeated"))
    except (ol.TestFailure, ol.Timeout) as e:
        failures.insert(0, str(e))
    finally:
        ol.stop_and_show(srv, show=False)
    if failures:
        for f in failures[1:]:
            print(f"  also: {f}")
        print(f"FAIL: {failures[0]}")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
