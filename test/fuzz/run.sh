#!/bin/sh
# Builds hcu's libFuzzer targets with clang-19 and runs each for a while.
#
#   test/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
#
# Targets: constraints (the patch's safety constraint tables, as the runtime
# loads and evaluates them) and request (the control channel's request
# parser). Each run starts from the corpus in BUILD_DIR/corpus/TARGET (kept
# between runs, seeded from test/fuzz/seeds/TARGET), prints libFuzzer's final
# stats, and fails on any crash, sanitizer report or broken invariant; the
# input that broke it is left in BUILD_DIR as crash-*.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
B=${1:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
SECS=${2:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
TARGETS=${*:-constraints request}
CC=${HCU_FUZZ_CC:-clang-19}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
FLAGS="-g -O1 -D_GNU_SOURCE -I$ROOT/runtime/include -I$ROOT/runtime/src -I$ROOT/mappings/include -I$ROOT/test/unit"
mkdir -p "$B"

build() { # target, C sources...
  t=$1
  shift
  objs=""
  for c in "$@"; do
    o="$B/$t-$(basename "$c" .c).o"
    $CC $FLAGS $SAN -fsanitize=fuzzer-no-link -std=c11 -c "$c" -o "$o"
    objs="$objs $o"
  done
  # shellcheck disable=SC2086
  $CC --driver-mode=g++ $FLAGS $SAN -fsanitize=fuzzer -std=c++17 \
    "$HERE/fuzz_$t.cpp" $objs -o "$B/fuzz_$t" -lpthread
}

for t in $TARGETS; do
  case $t in
  constraints) build constraints "$ROOT/runtime/src/constraints.c" ;;
  request)
    build request "$ROOT/runtime/src/control.c" "$ROOT/runtime/src/log.c" \
      "$ROOT/runtime/src/errors.c" "$ROOT/test/unit/engine_stub.c"
    ;;
  *)
    echo "run.sh: unknown target $t" >&2
    exit 2
    ;;
  esac
  corpus="$B/corpus/$t"
  mkdir -p "$corpus"
  [ -d "$HERE/seeds/$t" ] && cp -n "$HERE/seeds/$t"/* "$corpus/" 2>/dev/null || true
  echo "fuzz_$t: $SECS s"
  (cd "$B" && ASAN_OPTIONS=detect_leaks=1 "./fuzz_$t" -max_total_time="$SECS" \
    -print_final_stats=1 -max_len=4096 "corpus/$t") >"$B/fuzz_$t.log" 2>&1 || {
    tail -40 "$B/fuzz_$t.log" >&2
    echo "FAIL: fuzz_$t found a problem (see $B/fuzz_$t.log and $B/crash-*)" >&2
    exit 1
  }
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$B/fuzz_$t.log")
  echo "fuzz_$t: $execs executions, no crash"
done
