#!/bin/sh
# Runtime tests with hand-written "transformed" programs (test/runtime/):
# builds libhcu from runtime/src (or uses $LIBHCU), the counter program and
# its patches, then checks updates, refusals and rollbacks.
#
#   run.sh [WORKDIR]      exits non-zero on the first failure
set -eu
# HCU_TEST_CFLAGS: extra compiler flags (e.g. -fsanitize=address,undefined).

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CC=${CC:-cc}
W=${1:-$(mktemp -d "${TMPDIR:-/tmp}/hcu-rt-test.XXXXXX")}
mkdir -p "$W"

CFLAGS="${HCU_TEST_CFLAGS:-} -std=c11 -O2 -g -Wall -Wextra -D_GNU_SOURCE -I$ROOT/runtime/include -I$ROOT/runtime/src -I$ROOT/mappings/include"

fail() {
  echo "FAIL: $*" >&2
  [ -n "${OUT:-}" ] && [ -f "$OUT" ] && sed 's/^/  | /' "$OUT" >&2
  exit 1
}

# ---- libhcu
if [ -z "${LIBHCU:-}" ]; then
  mkdir -p "$W/lib"
  for f in "$ROOT"/runtime/src/*.c; do
    $CC $CFLAGS -fPIC -c "$f" -o "$W/lib/$(basename "$f" .c).o" || fail "compile $f"
  done
  rm -f "$W/lib/libhcu.a"
  ar rcs "$W/lib/libhcu.a" "$W"/lib/*.o
  LIBHCU=$W/lib/libhcu.a
fi

# ---- the program (what hcu-cc links: exported symbols, build id, the whole
# runtime so that patches find every hcu_* symbol)
$CC $CFLAGS -o "$W/counter" "$HERE/counter_v1.c" "$HERE/test_hook.c" \
  -Wl,--export-dynamic -Wl,--build-id \
  -Wl,--whole-archive "$LIBHCU" -Wl,--no-whole-archive -ldl -lpthread ||
  fail "link counter"
BID=$(readelf -n "$W/counter" | sed -n 's/.*Build ID: *//p')
[ -n "$BID" ] || fail "no build id in counter"

patch() { # name, extra flags...
  name=$1
  shift
  $CC $CFLAGS -shared -fPIC -o "$W/$name.so" "$HERE/counter_v2.c" "$@" ||
    fail "build patch $name"
}
patch v2 -DTARGET_BUILD_ID="\"$BID\""
patch wrongbuild -DTARGET_BUILD_ID='"0000"'
patch badcp -DTARGET_BUILD_ID="\"$BID\"" -DBAD_CPS
patch badtype -DTARGET_BUILD_ID="\"$BID\"" -DBAD_TYPE
patch badmap -DTARGET_BUILD_ID="\"$BID\"" -DBAD_MAPPING
patch badxform -DTARGET_BUILD_ID="\"$BID\"" -DXFORM_FAIL

export HCU_RUNTIME_DIR="$W/rt"
# Patches define the program's globals again on purpose (interposition).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_odr_violation=0}"
unset HCU_DISABLE HCU_SIGNAL HCU_TIMEOUT_MS HCU_ARENA_SIZE || true

# ---- 1. no update: plain behaviour
OUT=$W/plain.out
HCU_DISABLE=1 "$W/counter" 5 1 >"$OUT" || fail "plain run exited $?"
[ "$(grep -c '^v1 count=' "$OUT")" = 5 ] || fail "plain run: expected 5 lines"

# ---- 2. refusals roll back, then the update, then the same patch again
OUT=$W/update.out
P=$W
HCU_TEST_APPLY="$P/wrongbuild.so,$P/badcp.so,$P/badtype.so,$P/badmap.so,$P/badxform.so,stall:$P/v2.so,dry:$P/v2.so,$P/v2.so,$P/v2.so" \
  "$W/counter" 150 20 >"$OUT" || fail "update run exited $?"

expect_hook() { # n-th hook line, pattern
  line=$(grep '^hook: ' "$OUT" | sed -n "$1p")
  echo "$line" | grep -q -- "$2" || fail "hook line $1: expected '$2', got '$line'"
}
expect_hook 1 "wrongbuild.so -> HCU_ERR_WRONG_BUILD .*patch is for build 0000, this process runs build $BID"
expect_hook 2 "badcp.so -> HCU_ERR_FRAME .*main is stopped at [a-z_]*#1, which the new version does not have; add a continuation mapping"
expect_hook 3 "badtype.so -> HCU_ERR_FRAME .*local 'i' of type 'long', the new version's is 'int'"
expect_hook 4 "badmap.so -> HCU_ERR_MAPPING .*tick -> tock: the patch has no function 'tock'"
expect_hook 5 "badxform.so -> HCU_ERR_TRANSFORMER .*returned 7"
expect_hook 6 "stall:v2.so -> HCU_ERR_TIMEOUT .*within 50 ms: main (tid [0-9]*, running); nothing was changed"
expect_hook 7 "dry:v2.so -> HCU_OK version=1->2 .*dry run: version 1 -> 2"
expect_hook 8 "v2.so -> HCU_OK version=1->2 frames=[12]: version 1 -> 2: 2 functions switched (main,tick)"
expect_hook 9 "v2.so -> HCU_ERR_WRONG_VERSION .*patch applies to version 1, process runs version 2"

# Count lines: v1 counts go up by one until the commit, the first v2 count is
# 1000 (the transformer) + 1 above the last v1 one, then up by one again, and
# no v1 line follows a v2 one. (The hook's own line may come after the first
# v2 lines: the program resumes before the hook prints.)
check_counts() { # file, total lines, minimum lines of each version
  awk -v total="$2" -v min="$3" '
    /^hook: / { if ($0 ~ /-> HCU_OK version=1->2/) ok = 1; next }
    /^v1 count=/ { split($2, a, "="); c = a[2] + 0
                   if (committed) { print "v1 line after the commit: " $0; bad = 1 }
                   if (c != last + 1) { print "v1 count jumps: " $0; bad = 1 }
                   last = c; n1++; next }
    /^v2 count=/ { split($2, a, "="); c = a[2] + 0
                   committed = 1
                   want = n2 ? last + 1 : last + 1001
                   if (c != want) { print "v2 count " c ", expected " want; bad = 1 }
                   last = c; n2++; next }
    /^v2 main: seen=/ { split($3, a, "="); seen = a[2] + 0; next }
    { print "unexpected line: " $0; bad = 1 }
    END {
      if (!ok) { print "no successful update"; bad = 1 }
      if (n1 + n2 != total) { print "expected " total " count lines, got " n1 + n2; bad = 1 }
      if (n1 < min || n2 < min) { print "v1 lines " n1 ", v2 lines " n2; bad = 1 }
      if (seen < n2 || seen > n2 + 1) { print "seen=" seen " for " n2 " v2 lines"; bad = 1 }
      exit bad
    }' "$1" >"$1.check" || { cat "$1.check" >&2; fail "output of $1"; }
}
check_counts "$OUT" 150 30

# ---- 3. an interrupted sleep keeps its deadline across the update
OUT=$W/replay.out
HCU_TEST_DELAY_MS=300 HCU_TEST_APPLY="$W/v2.so" "$W/counter" 3 1000 >"$OUT" ||
  fail "replay run exited $?"
grep -q '^hook: v2.so -> HCU_OK' "$OUT" || fail "replay run: update not applied"
t2=$(sed -n 's/^v2 count=1002 t=//p' "$OUT")
[ -n "$t2" ] || fail "replay run: no 'v2 count=1002' line"
[ "$t2" -ge 990 ] && [ "$t2" -lt 1200 ] ||
  fail "replay run: second tick at ${t2} ms, expected ~1000 (deadline kept)"
grep -q '^v2 main: seen=3$' "$OUT" || fail "replay run: expected seen=3"

# ---- 4. the wake signal can be moved
OUT=$W/signal.out
HCU_SIGNAL=$(( $(kill -l RTMIN 2>/dev/null || echo 34) + 7 )) \
  HCU_TEST_APPLY="$W/v2.so" "$W/counter" 20 20 >"$OUT" || fail "signal run exited $?"
grep -q '^hook: v2.so -> HCU_OK' "$OUT" || fail "HCU_SIGNAL run: update not applied"

# ---- 5. a busy thread: pause_ms(0) still enters the wrapper (the signal
# interrupts it), pause_ms(-1) never waits (nanosleep fails with EINVAL), so
# the thread stops at whichever update point or post-call check comes next.
# Several runs to meet several of them; any of them must work. A busy
# iteration takes about a microsecond, so the update comes a few ms in and
# the loop runs on for 200000 iterations: the update always lands mid-run.
for run in 1 2 3 4 5 6 7 8; do
  OUT=$W/busy$run.out
  ms=$(( run % 2 ? 0 : -1 ))
  HCU_VERBOSE=1 HCU_TEST_DELAY_MS=$((2 + run)) HCU_TEST_APPLY="$W/v2.so" \
    "$W/counter" 200000 $ms >"$OUT" 2>"$OUT.log" || fail "busy run $run exited $?"
  grep -q '^hook: v2.so -> HCU_OK' "$OUT" || fail "busy run $run: update not applied"
  check_counts "$OUT" 200000 1
  sed -n 's/.*update: thread main stopped in //p' "$OUT.log"
done

echo "runtime tests passed ($W)"
