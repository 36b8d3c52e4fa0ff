#!/bin/bash
# Runs hcu's benchmarks in one go and writes OUT_DIR/results.csv
# (benchmark,metric,variant,value,unit,ratio_to_baseline) plus a summary.
#
#   benchmarks/run.sh [BUILD_DIR [OUT_DIR]]     defaults: build, a new /tmp dir
#
# BUILD_DIR is the CMake build tree (BUILD_DIR/bin/hcu-cc, hcuapply; a
# relative path is taken from the current directory, else from the
# repository). It reports numbers; it asserts none. Bounded: each benchmark
# has a time limit, and every process it starts is killed on exit.
# Knobs: BENCH_RUNS (updates / restarts, 20), BENCH_SS_RUNS (5),
# BENCH_SS_ARGS ("200000 10"), BENCH_SS_CG_ARGS ("20000 2").
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=${1:-build}
if [ ! -d "$BUILD" ] && [ -d "$ROOT/$BUILD" ]; then BUILD=$ROOT/$BUILD; fi
BUILD=$(cd "$BUILD" && pwd)
BIN=$BUILD/bin
OUT=${2:-$(mktemp -d "${TMPDIR:-/tmp}/hcu-bench.XXXXXX")}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
for t in hcu-cc hcuapply; do
  [ -x "$BIN/$t" ] || { echo "run.sh: $BIN/$t not found (build first)" >&2; exit 2; }
done

export BENCH_OUT=$OUT
# Control sockets of the servers in our own directory, removed at the end.
export HCU_RUNTIME_DIR=$OUT/rt
mkdir -p "$HCU_RUNTIME_DIR"
chmod 700 "$HCU_RUNTIME_DIR"
rm -f "$OUT/pids" "$OUT"/*.csv

DRIVER=
cleanup() {
  # the driver running now, then every server a driver started (own groups)
  if [ -n "$DRIVER" ]; then kill -- -"$DRIVER" 2>/dev/null || kill "$DRIVER" 2>/dev/null || true; fi
  if [ -f "$OUT/pids" ]; then
    while read -r p; do kill -KILL -- -"$p" 2>/dev/null || true; done <"$OUT/pids"
  fi
  rm -rf "$HCU_RUNTIME_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs one step in its own process group, with a time limit (seconds).
step() {
  local limit=$1 name=$2
  shift 2
  local t0=$SECONDS rc=0
  echo "== $name"
  setsid timeout -s KILL "$limit" "$@" >"$OUT/$name.log" 2>&1 &
  DRIVER=$!
  wait "$DRIVER" || rc=$?
  DRIVER=
  if [ $rc -ne 0 ]; then
    echo "   $name failed (exit $rc; 137 = time limit of ${limit}s); log: $OUT/$name.log" >&2
    sed 's/^/   | /' "$OUT/$name.log" | tail -n 20 >&2
  elif [ -s "$OUT/$name.log" ]; then
    sed 's/^/   | /' "$OUT/$name.log" | tail -n 5
  fi
  echo "   ($((SECONDS - t0)) s)"
  return $rc
}

LOAD0=$(cut -d' ' -f1 /proc/loadavg)
echo "hcu benchmarks: build $BUILD, out $OUT, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cpus, load $LOAD0"
step 120 build sh "$HERE/lib/build.sh" "$BIN" "$OUT" ||
  { echo "run.sh: the build failed; nothing measured" >&2; exit 1; }
# A failed benchmark is reported; the others still run.
step 90 update_pause python3 "$HERE/update_pause/update_pause.py" "$BIN" || true
step 60 memory python3 "$HERE/memory/memory.py" "$BIN" || true
step 120 steady_state python3 "$HERE/steady_state/steady_state.py" "$BIN" || true

{
  echo "benchmark,metric,variant,value,unit,ratio_to_baseline"
  # how busy the machine was (other work skews every timing here)
  echo "run,loadavg_1min_start,host,$LOAD0,load,"
  echo "run,loadavg_1min_end,host,$(cut -d' ' -f1 /proc/loadavg),load,"
  echo "run,cpus,host,$(nproc),count,"
  for b in update_pause steady_state memory; do
    [ -f "$OUT/$b.csv" ] && cat "$OUT/$b.csv"
  done
} >"$OUT/results.csv"
echo "== summary ($OUT/results.csv)"
python3 "$HERE/lib/summary.py" "$OUT/results.csv"
