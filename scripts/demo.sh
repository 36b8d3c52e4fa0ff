#!/usr/bin/env bash
# demo.sh [BUILD_DIR]: a live update you can watch.
#
# Builds the alphabet server (test/alphabet) with hcu-cc, and its v2 and v3
# patches, into BUILD_DIR/demo/; starts the server (a letter every 500 ms) and
# a client that prints what it receives; then updates the running server to
# v2 and to v3 with hcuapply while the client stays connected. Exits 0 only if
# both updates succeeded and the letters went on over the same connection
# without a gap or a repeat.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
bin=$build/bin
src=$root/test/alphabet
out=$build/demo
tick_ms=500

for tool in hcu-cc hcuapply; do
  if [[ ! -x $bin/$tool ]]; then
    echo "demo: $bin/$tool not found; build first (cmake --build $build)" >&2
    exit 1
  fi
done

server_pid=
client_pid=
tail_pid=
cleanup() {
  local pid
  for pid in $tail_pid $client_pid $server_pid; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $tail_pid $client_pid $server_pid; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

banner() {
  printf '\n==== %s ====\n' "$*"
}

say_run() {
  echo "\$ $*"
  "$@"
}

banner "building v1 and the v2, v3 patches into $out"
mkdir -p "$out"
rm -f "$out"/alphabet_v1 "$out"/v2.so "$out"/v3.so
say_run "$bin/hcu-cc" -O2 -o "$out/alphabet_v1" "$src/v1/alphabet.c"
say_run "$bin/hcu-cc" -O2 --hcu-patch-for="$out/alphabet_v1" \
  --hcu-mapping="$src/v2/mapping.c" -shared -o "$out/v2.so" "$src/v2/alphabet.c"
say_run "$bin/hcu-cc" -O2 --hcu-patch-for="$out/v2.so" \
  --hcu-mapping="$src/v3/mapping.c" -shared -o "$out/v3.so" "$src/v3/alphabet.c"

banner "starting the v1 server and a client"
"$out/alphabet_v1" 0 "$tick_ms" >"$out/server.out" 2>"$out/server.err" &
server_pid=$!
port=
for _ in $(seq 100); do
  port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$out/server.out")
  [[ -n $port ]] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  sleep 0.05
done
if [[ -z $port ]]; then
  echo "demo: the server did not start" >&2
  cat "$out/server.err" >&2
  exit 1
fi
echo "server pid $server_pid listening on 127.0.0.1:$port (a letter every $tick_ms ms)"

: >"$out/client.log"
python3 -u "$src/client.py" 127.0.0.1 "$port" --timeout 5 >"$out/client.log" 2>&1 &
client_pid=$!
tail -n +1 -f "$out/client.log" &
tail_pid=$!

sleep 3
updated=0
pauses=()
for v in 2 3; do
  banner "updating the running server to v$v"
  if say_run "$bin/hcuapply" -p "$server_pid" "$out/v$v.so" | tee "$out/hcuapply_v$v.out"; then
    updated=$((updated + 1))
    pauses+=("$(sed -n 's/.* in \([0-9.]* ms\) pause.*/\1/p' "$out/hcuapply_v$v.out")")
  else
    echo "demo: the update to v$v failed" >&2
    break
  fi
  sleep 3
done

client_alive=1
kill -0 "$client_pid" 2>/dev/null || client_alive=0
server_alive=1
kill -0 "$server_pid" 2>/dev/null || server_alive=0
status_line=$("$bin/hcuapply" status -p "$server_pid" 2>&1 | grep -m1 -i version || true)
cleanup
trap - EXIT

# Check the stream the client printed: one connection, every letter after the
# one before, the v1, v2 and v3 formats in that order.
verdict=$(python3 - "$out/client.log" "$src" <<'EOF'
import sys
sys.path.insert(0, sys.argv[2])
from client import parse_line, next_letter
recs = []
for line in open(sys.argv[1], encoding="ascii", errors="replace"):
    parts = line.rstrip("\n").split(None, 2)
    if len(parts) == 3 and parts[0].endswith("s") and parts[1][:1] in ("v", "?"):
        recs.append(parse_line(parts[2]))
problems = []
if not recs:
    problems.append("the client received nothing")
for a, b in zip(recs, recs[1:]):
    if a.letter is None or b.letter != next_letter(a.letter):
        problems.append(f"{b.raw!r} came after {a.raw!r}")
        break
versions = [r.version or 0 for r in recs]
if versions != sorted(versions) or set(versions) != {1, 2, 3}:
    problems.append("the lines are not v1, then v2, then v3")
first_v2 = next((r for r in recs if r.version == 2), None)
if first_v2 is not None:
    idx = ord(first_v2.letter) - ord("A")
    if first_v2.counter not in (1000 + idx, 1026 if idx == 0 else 1000 + idx):
        problems.append(f"the first v2 line {first_v2.raw!r} does not carry the transformer's counter {1000 + idx}")
counted = [r.counter for r in recs if r.version and r.version >= 2]
if any(b != a + 1 for a, b in zip(counted, counted[1:])):
    problems.append("the counter did not go up by one per letter")
letters = "".join(r.letter or "?" for r in recs)
print(f"{len(recs)} letters ({letters})")
print("; ".join(problems) if problems else "ok")
EOF
)
stream_summary=$(sed -n 1p <<<"$verdict")
stream_verdict=$(sed -n 2p <<<"$verdict")

banner "summary"
ok=1
[[ $updated -eq 2 ]] || ok=0
[[ $client_alive -eq 1 && $server_alive -eq 1 ]] || ok=0
[[ $stream_verdict == ok ]] || ok=0
if [[ $ok -eq 1 ]]; then
  echo "The alphabet server (pid $server_pid) was built with hcu-cc from unchanged" \
    "source and updated twice while it ran: to v2 (a new field in its state, filled" \
    "in by the datatype transformer in test/alphabet/v2/mapping.c; pause ${pauses[0]:-?})" \
    "and to v3 (a new version of serve(), the function on the stack; pause" \
    "${pauses[1]:-?}). The client stayed on one connection and received" \
    "$stream_summary: no letter lost or repeated, the format changing at each" \
    "update, the counter starting where the transformer put it." \
    "hcuapply status said: ${status_line:-?}."
  exit 0
fi
echo "The demo failed: $updated of 2 updates succeeded; client" \
  "$([[ $client_alive -eq 1 ]] && echo connected || echo disconnected), server" \
  "$([[ $server_alive -eq 1 ]] && echo running || echo gone); stream:" \
  "$stream_summary, $stream_verdict. Logs are in $out."
exit 1
