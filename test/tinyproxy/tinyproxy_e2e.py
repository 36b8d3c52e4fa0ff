#!/usr/bin/env python3
"""tinyproxy CVE-2023-49606 fixed live (issue 7).

  tinyproxy_e2e.py --hcu-cc PATH --hcu-patchgen PATH --hcuapply PATH --work DIR

Fetches Debian bookworm's tinyproxy source package with `apt-get source`
(nothing of it is committed), builds the upstream tree (v1) and the tree
with Debian's patches (v2, including 0002-CVE-2023-49606.patch) with hcu-cc,
and checks, printing one line per fact:

1. hcu-patchgen's report lists exactly the functions the Debian patches'
   hunks are in (read from the patches' hunk headers), and its template
   needs no hand edit; it builds the patch;
2. v1 is vulnerable: the CVE's request (a Connection header naming the
   Connection header) makes glibc abort a v1 proxy with a double free;
3. a second v1 proxy, on 127.0.0.1 in front of this script's own HTTP
   server, serves clients that fetch page after page and check every body
   (one connection per page: tinyproxy 1.11 closes the client connection
   after each response, so keep-alive clients are not possible); the patch
   is applied with hcuapply while they fetch; afterwards the same request is
   answered and the proxy lives on, and no client saw an error, a wrong
   body or a connection closed early.

Prints PASS, or FAIL: reason (exit 1). Everything it starts is stopped on
the way out; it gives up after 15 minutes.
"""

import argparse
import http.server
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

CLIENTS = 4
BODY_REPEAT = 50
FILES_REFUSED = []  # sources the transform refused, built with plain cc


class Failure(Exception):
    pass


def sh(cmd, cwd=None, env=None, check=True, quiet=True):
    r = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if check and r.returncode:
        tail = "\n".join(r.stdout.splitlines()[-20:])
        raise Failure("%s failed (exit %d):\n%s" % (" ".join(cmd), r.returncode, tail))
    return r


def fetch(work):
    src = os.path.join(work, "src")
    os.makedirs(src, exist_ok=True)
    sh(["apt-get", "source", "--download-only", "-qq", "tinyproxy"], cwd=src)
    dsc = [f for f in os.listdir(src) if f.endswith(".dsc")]
    if len(dsc) != 1:
        raise Failure("apt-get source gave no single .dsc: %s" % os.listdir(src))
    dsc = os.path.join(src, dsc[0])
    v1 = os.path.join(work, "v1")
    v2 = os.path.join(work, "v2")
    sh(["dpkg-source", "-x", "--skip-patches", dsc, v1])
    sh(["dpkg-source", "-x", dsc, v2])
    return v1, v2


def build(tree, hcu_cc, env):
    """configure CC=hcu-cc; make; a file the transform refuses is compiled
    with the plain compiler (it is then not updatable) and reported."""
    sh(["./configure", "CC=" + hcu_cc], cwd=tree, env=env)
    srcdir = os.path.join(tree, "src")
    sh(["make", "-k", "-j2"], cwd=srcdir, env=env, check=False)
    objs = []
    for c in sorted(os.listdir(srcdir)):
        if c.endswith(".c") and not c.endswith(".hcu.c"):
            o = c[:-2] + ".o"
            if not os.path.exists(os.path.join(srcdir, o)):
                objs.append(o)
    if objs:
        sh(["make", "CC=cc"] + objs, cwd=srcdir, env=env)
    sh(["make", "CC=" + hcu_cc], cwd=srcdir, env=env)
    return [o[:-2] + ".c" for o in objs]


def rebuild_as(v1, v2, hcu_cc, env, refused):
    """Builds v2 in a copy of v1's configured tree: only the sources that the
    patches change are copied over and rebuilt (configure is the slow part)."""
    changed = []
    for root, dirs, files in os.walk(v2):
        dirs[:] = [d for d in dirs if d not in ("debian", ".pc")]
        for f in files:
            p2 = os.path.join(root, f)
            p1 = os.path.join(v1, os.path.relpath(p2, v2))
            if not os.path.exists(p1) or open(p1, "rb").read() != open(p2, "rb").read():
                changed.append(os.path.relpath(p2, v2))
    # Built where it stays: the metadata names the sources by path.
    pristine = v2 + ".src"
    os.rename(v2, pristine)
    shutil.copytree(v1, v2, symlinks=True)
    for rel in changed:
        shutil.copy(os.path.join(pristine, rel), os.path.join(v2, rel))  # newer than the objects
        if rel.startswith("src/") and os.path.basename(rel) in refused:
            raise Failure("the transform refuses %s, which the patches change" % rel)
    sh(["make", "CC=" + hcu_cc], cwd=os.path.join(v2, "src"), env=env)
    return changed


def functions_in_patches(v2):
    """The functions the Debian patches' hunks are in (hunk headers name
    them: `@@ -779,7 +779,7 @@ static int remove_connection_headers (...`)."""
    names = set()
    pdir = os.path.join(v2, "debian", "patches")
    with open(os.path.join(pdir, "series")) as f:
        series = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    for p in series:
        with open(os.path.join(pdir, p), errors="replace") as f:
            for line in f:
                m = re.match(r"^@@ [^@]* @@ (.*)$", line)
                if m:
                    fn = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(", m.group(1))
                    if not fn:
                        raise Failure("cannot tell the function of hunk " + line.strip())
                    names.add(fn.group(1))
    return series, names


class Pages(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def do_GET(self):
        body = page_body(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def page_body(path):
    return (("%s\n" % path) * BODY_REPEAT).encode()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def read_response(sock, buf):
    """One HTTP/1.1 response with Content-Length from sock; returns
    (status, body, rest of buf)."""
    while b"\r\n\r\n" not in buf:
        data = sock.recv(65536)
        if not data:
            raise Failure("connection closed before the headers")
        buf += data
    head, buf = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for l in lines[1:]:
        if l.lower().startswith("content-length:"):
            length = int(l.split(":", 1)[1])
    while len(buf) < length:
        data = sock.recv(65536)
        if not data:
            raise Failure("connection closed in a body")
        buf += data
    return status, buf[:length], buf[length:]


class Client(threading.Thread):
    """Fetches page after page through the proxy, one connection per page
    (tinyproxy answers every request with `Connection: close`)."""

    def __init__(self, n, proxy_port, web_port):
        super().__init__(daemon=True)
        self.n, self.proxy_port, self.web_port = n, proxy_port, web_port
        self.stop = threading.Event()
        self.count = 0
        self.error = None

    def run(self):
        try:
            while not self.stop.is_set():
                path = "/c%d/p%d" % (self.n, self.count)
                sock = socket.create_connection(("127.0.0.1", self.proxy_port), timeout=30)
                req = ("GET http://127.0.0.1:%d%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                       "\r\n" % (self.web_port, path, self.web_port))
                sock.sendall(req.encode())
                status, body, _ = read_response(sock, b"")
                sock.close()
                if status != 200 or body != page_body(path):
                    raise Failure("client %d: %s gave status %d and a wrong body"
                                  % (self.n, path, status))
                self.count += 1
                time.sleep(0.01)
        except Exception as e:  # reported by the main thread
            self.error = "client %d after %d pages: %s" % (self.n, self.count, e)


def cve_request(proxy_port, web_port):
    s = socket.create_connection(("127.0.0.1", proxy_port), timeout=10)
    s.sendall(("GET http://127.0.0.1:%d/cve HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               "Connection: Connection\r\n\r\n" % web_port).encode())
    try:
        status, body, _ = read_response(s, b"")
        return status
    except (Failure, OSError):
        return None
    finally:
        s.close()


def start_proxy(binary, work, name, web_port, env):
    port = free_port()
    conf = os.path.join(work, name + ".conf")
    with open(conf, "w") as f:
        f.write("Port %d\nListen 127.0.0.1\nTimeout 60\nMaxClients 64\n"
                "Allow 127.0.0.1\nLogLevel Info\nLogFile \"%s\"\n"
                % (port, os.path.join(work, name + ".log")))
    err = open(os.path.join(work, name + ".stderr"), "w")
    p = subprocess.Popen([binary, "-d", "-c", conf], stdout=err, stderr=err, env=env)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return p, port
        except OSError:
            if p.poll() is not None:
                raise Failure("%s exited at start (status %s)" % (name, p.returncode))
            time.sleep(0.1)
    raise Failure(name + " does not accept connections")


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--hcu-cc", "--hcu-patchgen", "--hcuapply", "--work"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--prebuilt", action="store_true",
                    help="WORK already holds v1/ and v2/ built by an earlier run")
    a = ap.parse_args()
    signal.alarm(900)
    work = os.path.abspath(a.work)
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(os.path.abspath(a.hcu_cc)) + os.pathsep + env["PATH"]
    procs = []
    clients = []
    httpd = None
    try:
        if a.prebuilt:
            v1, v2 = os.path.join(work, "v1"), os.path.join(work, "v2")
        else:
            v1, v2 = fetch(work)
        series, expected = functions_in_patches(v2)
        print("debian patches: %s" % " ".join(series))
        print("functions the patches change: %s" % " ".join(sorted(expected)))
        if not a.prebuilt:
            refused = build(v1, a.hcu_cc, env)
            print("v1 built with hcu-cc; sources the transform refused (plain cc): %s"
                  % (" ".join(refused) or "none"))
            changed_files = rebuild_as(v1, v2, a.hcu_cc, env, refused)
            print("v2 built with hcu-cc (sources that differ: %s)"
                  % " ".join(changed_files))

        mapping = os.path.join(work, "mapping.c")
        patch = os.path.join(work, "v2.so")
        cflags = ["-DHAVE_CONFIG_H", "-DNDEBUG", "-I" + os.path.join(v2, "src"),
                  "-I" + v2, "-DSYSCONFDIR=\"/etc/tinyproxy\"",
                  "-DLOCALSTATEDIR=\"/var\"", "-g", "-O2"]
        r = sh([a.hcu_patchgen, os.path.join(v1, "src", "tinyproxy"),
                os.path.join(v2, "src", "tinyproxy"), "-o", mapping,
                "--build=" + patch, "--"] + cflags, env=env)
        changed = set()
        for line in r.stdout.splitlines():
            print("patchgen: " + line)
            m = re.match(r"^function (changed|affected|renamed): ([^ ]+)", line)
            if m:
                changed.add(m.group(2).split("/")[-1])
        if changed != expected:
            raise Failure("hcu-patchgen lists %s; the patches change %s"
                          % (sorted(changed), sorted(expected)))
        with open(mapping) as f:
            todos = sum("HCU-TODO:" in l for l in f)
        print("hcu-patchgen lists exactly the patched functions; lines written by hand: %d" % todos)

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
        web_port = httpd.server_address[1]
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        binary = os.path.join(v1, "src", "tinyproxy")

        # 2. v1 is vulnerable.
        p, port = start_proxy(binary, work, "victim", web_port, env)
        procs.append(p)
        cve_request(port, web_port)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            raise Failure("v1 survived the CVE request: no double free seen")
        with open(os.path.join(work, "victim.stderr")) as f:
            err = f.read()
        if p.returncode != -signal.SIGABRT or "double free" not in err:
            raise Failure("v1 ended with status %s and stderr %r" % (p.returncode, err[-300:]))
        print("v1 is vulnerable: glibc: %s" % err.strip().splitlines()[-1])

        # 3. Live update under keep-alive load.
        p, port = start_proxy(binary, work, "proxy", web_port, env)
        procs.append(p)
        clients = [Client(i, port, web_port) for i in range(CLIENTS)]
        for c in clients:
            c.start()
        time.sleep(2)
        before = sum(c.count for c in clients)
        r = sh([a.hcuapply, "-p", str(p.pid), patch], env=env, check=False)
        print("hcuapply exit %d" % r.returncode)
        if r.returncode:
            raise Failure("hcuapply failed:\n" + r.stdout)
        time.sleep(1)
        status = cve_request(port, web_port)
        time.sleep(1)
        if p.poll() is not None:
            raise Failure("the updated proxy died on the CVE request (status %s)" % p.returncode)
        print("after the update the CVE request gets status %s and the proxy lives" % status)
        time.sleep(1)
        for c in clients:
            c.stop.set()
        for c in clients:
            c.join(30)
        errors = [c.error for c in clients if c.error]
        if errors:
            raise Failure("; ".join(errors))
        after = sum(c.count for c in clients)
        if before == 0 or after <= before:
            raise Failure("clients fetched %d pages before and %d in all" % (before, after))
        print("%d clients fetched %d pages (%d before the update), every body "
              "checked, none saw an error or a connection closed early"
              % (CLIENTS, after, before))
        r = sh([a.hcuapply, "status", "-p", str(p.pid)], env=env, check=False)
        print("status: " + " ".join(r.stdout.split()))
        print("PASS")
        return 0
    except Failure as e:
        print("FAIL: %s" % e)
        return 1
    finally:
        for c in clients:
            c.stop.set()
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        if httpd:
            httpd.shutdown()


if __name__ == "__main__":
    sys.exit(main())
