"""Shared pieces of hcu's differential test harnesses (csmith.py, torture.py,
debian_src.py): running commands with a timeout, building with hcu-cc and
classifying why a build or a run failed, and the summary table by class.

Failure classes, in the order a program meets them:

  transform-refused  hcu-transform rejected the file (its first error line is
                     the key: "call to 'X' is nested in an expression...")
  transform-garbled  the transform's own rewrite of the file does not parse (it
                     re-parses its output between rounds): the error points
                     past the end of the source line or names hcu_ identifiers
  transform-crash    hcu-cc or hcu-transform died on a signal
  compile-error      the instrumented C (x.o.hcu.c) does not compile
  link-error         the objects do not link (with libhcu.a)
  hcu-cc-error       hcu-cc failed in some other way (its own "hcu-cc: error:")
  runtime-crash      the hcu build died on a signal or exited differently
  output-mismatch    the hcu build's output differs from the plain build's
  timeout            the hcu build ran past its time limit
"""

import os
import re
import signal
import subprocess
import sys
import time

CLASSES = ["transform-refused", "transform-garbled", "transform-crash", "compile-error", "link-error",
           "hcu-cc-error", "runtime-crash", "output-mismatch", "timeout"]


class Run:
    def __init__(self, rc, out, err, timed_out, secs):
        self.rc, self.out, self.err, self.timed_out, self.secs = rc, out, err, timed_out, secs

    def status(self):
        """A short text for the exit status: 'exit 0', 'signal SIGSEGV', 'timeout'."""
        if self.timed_out:
            return "timeout"
        if self.rc < 0:
            try:
                return "signal " + signal.Signals(-self.rc).name
            except ValueError:
                return "signal %d" % -self.rc
        return "exit %d" % self.rc


def run(cmd, timeout=None, cwd=None, env=None, stdin=subprocess.DEVNULL):
    """Runs cmd (a list); kills its whole process group on timeout."""
    t0 = time.monotonic()
    for attempt in range(3):
        try:
            p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=stdin, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, start_new_session=True)
            break
        except OSError as e:
            # A tool being rebuilt under us (a shared build/) is briefly
            # missing or not executable: wait, then report it as a failure.
            if attempt == 2:
                return Run(127, "", "error: cannot run %s: %s\n" % (cmd[0], e), False,
                           time.monotonic() - t0)
            time.sleep(5)
    try:
        out, err = p.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = p.communicate()
        timed_out = True
    return Run(p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
               timed_out, time.monotonic() - t0)


def hcu_env(base=None, runtime_dir=None):
    """The environment for hcu-cc (verbose, so that its phases can be told
    apart) and for the programs it builds (control sockets under runtime_dir)."""
    env = dict(base if base is not None else os.environ)
    env["HCU_VERBOSE"] = "1"
    # Every diagnostic, not the first 20: the summary counts them all.
    env["HCU_TRANSFORM_FLAGS"] = (env.get("HCU_TRANSFORM_FLAGS", "") + " -ferror-limit=0").strip()
    if runtime_dir:
        # The runtime refuses a socket directory open to others.
        os.makedirs(runtime_dir, mode=0o700, exist_ok=True)
        os.chmod(runtime_dir, 0o700)
        env["HCU_RUNTIME_DIR"] = runtime_dir
    return env


def sanitizer_flags():
    """On a sanitizer build of hcu, lit sets HCU_TEST_CFLAGS: libhcu.a is
    sanitized, so whatever links it must be too."""
    return os.environ.get("HCU_TEST_CFLAGS", "").split()


_LOC = re.compile(r"^(?:In file included from )?[^\s:][^:]*:\d+(?::\d+)?:\s*"
                  r"|^[^\s:]+:\(\.[\w.]+\+0x[0-9a-f]+\):\s*")
_QUOTED = re.compile(r"'[^']*'|‘[^’]*’|`[^`']*'")
_NUM = re.compile(r"\b\d+\b")


def normalize(line):
    """A diagnostic's kind: no location, quoted names and numbers replaced."""
    s = _LOC.sub("", line.strip())
    s = _QUOTED.sub("'X'", s)
    s = _NUM.sub("N", s)
    s = s.split("; ")[0] if "is nested in" in s or "has side effects" in s else s
    return s[:150]


def short(line, n=200):
    line = line.strip()
    return line if len(line) <= n else line[:n] + "..."


_ERROR = re.compile(r"(^|\s)(fatal )?error:|undefined reference to|multiple definition of")


def classify_hcu_cc(r):
    """Classifies a failed hcu-cc run (made with HCU_VERBOSE=1).

    Returns (class, first error line, all error lines). The phase is the
    last command hcu-cc announced before the first error: the transform
    ("hcu-transform ... -> x.o.hcu.c"), the compile of the instrumented file
    (a compiler command on *.hcu.c) or the link (the command with libhcu.a)."""
    phase = None
    first = None
    errors = []
    for line in r.err.splitlines():
        if line.startswith("hcu-transform ") and " -> " in line:
            phase = "transform"
            continue
        if not first and ".hcu.c" in line and (" -c " in line or " -S " in line) \
                and not _ERROR.search(line):
            phase = "compile"
            continue
        if not first and "libhcu" in line and "--export-dynamic" in line:
            phase = "link"
            continue
        if _ERROR.search(line) or "PLEASE submit a bug report" in line \
                or line.startswith("collect2:"):
            errors.append(line)
            if first is None:
                first = line
    if r.timed_out:
        return "timeout", "hcu-cc timed out", errors
    if first and "hcu-cc: error:" in first and "crashed" in first:
        return "transform-crash", first, errors
    if r.rc < 0 or r.rc >= 128 or any("PLEASE submit a bug report" in e for e in errors):
        return "transform-crash", crash_site(r), errors
    if first is None:
        return "hcu-cc-error", "hcu-cc %s with no error message" % r.status(), errors
    if first.startswith("hcu-cc: error:") or first.startswith("hcu-transform: error:"):
        if phase == "transform":
            return "transform-refused", first, errors
        return "hcu-cc-error", first, errors
    if phase == "transform":
        return ("transform-garbled" if garbled(first) else "transform-refused"), first, errors
    if phase == "compile":
        return "compile-error", first, errors
    if phase == "link" or "undefined reference" in first or first.startswith("collect2:"):
        return "link-error", first, errors
    return "hcu-cc-error", first, errors


_WHERE = re.compile(r"^(/[^:]+|[^/\s:][^:]*):(\d+):(\d+): (?:fatal )?error: (.*)")


def garbled(diag):
    """Whether a front-end error is about text the transform wrote rather
    than the user's (the plain compiler accepted the user's): it names the
    transform's identifiers or ones the source never spells, it is a syntax
    error, or its column lies past the end of the source line."""
    m = _WHERE.match(diag or "")
    if not m:
        return False
    msg = m.group(4)
    if re.search(r"\bhcu_|__typeof__\w|\w__typeof__", msg):
        return True
    if re.match(r"(expected |extraneous )", msg):
        return True
    try:
        with open(m.group(1), errors="replace") as f:
            text = f.read()
    except OSError:
        return False
    q = re.match(r"(?:use of undeclared identifier|unknown type name) '([^']+)'", msg)
    if q and not re.search(r"\b%s\b" % re.escape(q.group(1)), text):
        return True
    lines = text.split("\n")
    ln, col = int(m.group(2)), int(m.group(3))
    return ln <= len(lines) and col > len(lines[ln - 1]) + 1


_FRAME = re.compile(r"#\d+ 0x[0-9a-f]+ (?:\S+ )?(hcu::[^(]*)\(.*?\s/\S*/([\w.]+:\d+)")


def crash_site(r):
    """'hcu-cc crashed (exit 139) in hcu::...::replace (Normalizer.cpp:175)':
    the innermost frame of hcu's own code in LLVM's stack dump."""
    where = ""
    for line in r.err.splitlines():
        m = _FRAME.search(line.replace("(anonymous namespace)::", ""))
        if m:
            fn = m.group(1).strip()
            where = " in %s (%s)" % (fn, m.group(2))
            break
    return "hcu-cc crashed (%s)%s" % (r.status(), where)


class Summary:
    """Failures by class, each with its key (a normalized first diagnostic)
    and examples; printed as a table at the end of a run."""

    def __init__(self, title):
        self.title = title
        self.failures = {}          # class -> list of (name, key, detail)
        self.all_diags = {}         # normalized error -> set of names
        self.counts = {}            # free-form counters, printed first

    def count(self, what, n=1):
        self.counts[what] = self.counts.get(what, 0) + n

    def fail(self, cls, name, detail, all_errors=()):
        key = normalize(detail) if detail else cls
        self.failures.setdefault(cls, []).append((name, key, short(detail or "")))
        for e in all_errors:
            if "too many errors emitted" in e:
                continue
            self.all_diags.setdefault(normalize(e), set()).add(name)

    def nfailed(self):
        return sum(len(v) for v in self.failures.values())

    def render(self, examples=3, keys=6):
        out = ["", "==== %s ====" % self.title]
        for what, n in self.counts.items():
            out.append("  %-40s %6d" % (what, n))
        out.append("  %-40s %6d" % ("failed (all classes)", self.nfailed()))
        if not self.failures:
            return "\n".join(out + [""])
        out.append("")
        out.append("  %-20s %6s   %s" % ("class", "count", "top first-diagnostics (count: kind)"))
        for cls in CLASSES + sorted(set(self.failures) - set(CLASSES)):
            items = self.failures.get(cls)
            if not items:
                continue
            out.append("  %-20s %6d" % (cls, len(items)))
            bykey = {}
            for name, key, detail in items:
                bykey.setdefault(key, []).append((name, detail))
            for key, lst in sorted(bykey.items(), key=lambda kv: -len(kv[1]))[:keys]:
                out.append("      %5d: %s" % (len(lst), key))
                for name, detail in lst[:examples]:
                    out.append("             e.g. %s: %s" % (name, detail))
            if len(bykey) > keys:
                out.append("      ... and %d more kinds" % (len(bykey) - keys))
        if self.all_diags:
            out.append("")
            out.append("  every error hcu-transform/cc reported, by kind (programs affected):")
            for key, names in sorted(self.all_diags.items(), key=lambda kv: -len(kv[1]))[:15]:
                out.append("      %5d: %s" % (len(names), key))
        return "\n".join(out + [""])


def log(msg):
    print(msg, flush=True)


def die(msg):
    print("error: " + msg, file=sys.stderr, flush=True)
    sys.exit(2)


def need_tool(path, what):
    """A missing prerequisite fails the test loudly, never skips it."""
    if not path or not os.access(path, os.X_OK):
        die("%s not found (%s); install it (scripts/setup.sh)" % (what, path))
