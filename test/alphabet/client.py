#!/usr/bin/env python3
"""Client for the alphabet test server (test/alphabet/v*/alphabet.c).

As a program:  client.py HOST PORT [--count N] [--timeout S]
  connects once, prints every line it receives with its arrival time
  (seconds since connecting) and the version the line's shape belongs to,
  and exits after N lines (default: until the server closes) or when no line
  arrived for S seconds (default 10; exit status 1 then).

As a library:  parse_line(text) -> Record, and Stream / read_records() to
  collect records from a live connection.

Line shapes of the three versions:
  v1  "A"           upper-case letter
  v2  "b #1000"     lower-case letter, counter
  v3  "[C] #1002"   upper-case letter in brackets, counter
"""

import argparse
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass
from typing import List, Optional

_SHAPES = [
    (1, re.compile(r"^([A-Z])$")),
    (2, re.compile(r"^([a-z]) #(\d+)$")),
    (3, re.compile(r"^\[([A-Z])\] #(\d+)$")),
]


@dataclass
class Record:
    raw: str  # the line as received, without its newline
    t: float  # arrival time (time.monotonic())
    letter: Optional[str]  # upper-case letter, None if the line has no known shape
    version: Optional[int]  # 1, 2 or 3 by the line's shape, None if unknown
    counter: Optional[int]  # the "#N" counter (v2, v3), else None


def parse_line(text: str, t: Optional[float] = None) -> Record:
    """Parses one line (with or without its newline) into a Record."""
    raw = text.rstrip("\r\n")
    when = time.monotonic() if t is None else t
    for version, pattern in _SHAPES:
        m = pattern.match(raw)
        if m:
            counter = int(m.group(2)) if m.lastindex and m.lastindex >= 2 else None
            return Record(raw, when, m.group(1).upper(), version, counter)
    return Record(raw, when, None, None, None)


def next_letter(letter: str) -> str:
    """The letter after `letter` (upper case), Z wrapping to A."""
    return "A" if letter == "Z" else chr(ord(letter) + 1)


class Stream:
    """One connection to the server, read in a background thread.

    Every received line is appended to .records (a list of Record, in order).
    .closed is set when the server closes the connection or reading fails;
    .error holds the exception text then, if any. connections counts the
    connections made: a Stream never reconnects, so it stays 1."""

    def __init__(self, host: str, port: int, connect_timeout: float = 5.0):
        self.records: List[Record] = []
        self.closed = threading.Event()
        self.error: Optional[str] = None
        self.connections = 0
        self._lock = threading.Lock()
        self._new = threading.Condition(self._lock)
        self._sock = socket.create_connection((host, port), timeout=connect_timeout)
        self.connections += 1
        self._sock.settimeout(0.2)
        self.t0 = time.monotonic()
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        buf = b""
        try:
            while not self._stop:
                try:
                    chunk = self._sock.recv(4096)
                except socket.timeout:
                    continue
                if not chunk:
                    break
                now = time.monotonic()
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    rec = parse_line(line.decode("ascii", "replace"), now)
                    with self._new:
                        self.records.append(rec)
                        self._new.notify_all()
        except OSError as e:
            self.error = str(e)
        finally:
            with self._new:
                self.closed.set()
                self._new.notify_all()

    def count(self) -> int:
        with self._lock:
            return len(self.records)

    def snapshot(self) -> List[Record]:
        with self._lock:
            return list(self.records)

    def wait_for(self, n: int, timeout: float) -> bool:
        """Waits until at least n records arrived; False on timeout or close."""
        deadline = time.monotonic() + timeout
        with self._new:
            while len(self.records) < n:
                if self.closed.is_set():
                    return False
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._new.wait(left)
            return True

    def close(self) -> None:
        self._stop = True
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._thread.join(2.0)
        self._sock.close()


def read_records(host: str, port: int, count: int, timeout: float = 10.0) -> List[Record]:
    """Connects, reads `count` lines (fewer if the server closes or no line
    arrives for `timeout` seconds), and returns them as Records."""
    s = Stream(host, port)
    try:
        while s.count() < count:
            before = s.count()
            if not s.wait_for(before + 1, timeout):
                break
        return s.snapshot()[:count]
    finally:
        s.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--count", type=int, default=0, help="stop after N lines (0: no limit)")
    ap.add_argument("--timeout", type=float, default=10.0,
                    help="give up when no line arrived for S seconds")
    args = ap.parse_args(argv)

    try:
        s = Stream(args.host, args.port)
    except OSError as e:
        print(f"client: cannot connect to {args.host}:{args.port}: {e}", file=sys.stderr)
        return 1
    shown = 0
    status = 0
    try:
        while args.count == 0 or shown < args.count:
            if not s.wait_for(shown + 1, args.timeout):
                if s.closed.is_set():
                    print("client: server closed the connection", file=sys.stderr)
                else:
                    print(f"client: no line for {args.timeout:g} s", file=sys.stderr)
                    status = 1
                break
            for rec in s.snapshot()[shown:]:
                shape = f"v{rec.version}" if rec.version else "??"
                print(f"{rec.t - s.t0:8.3f}s  {shape}  {rec.raw}", flush=True)
                shown += 1
                if args.count and shown >= args.count:
                    break
    except KeyboardInterrupt:
        pass
    finally:
        s.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
