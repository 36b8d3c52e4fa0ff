#!/usr/bin/env bash
# Sets up, builds and runs every test: lit (transform, driver, runtime,
# end-to-end updates) and GoogleTest, through ctest; then the same suites
# once more on a build with AddressSanitizer and UndefinedBehaviorSanitizer
# (runtime, tools, and the programs and patches the tests build). The
# differential suites (csmith, GCC torture, and Lua and SQLite from Debian's
# sources, which need the network) run in the plain pass only.
#   scripts/test.sh            # everything
#   HCU_SKIP_SANITIZERS=1 scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --differential
scripts/build.sh build
echo "== tests (build/), with the differential suites =="
(cd build && HCU_DIFFERENTIAL=1 HCU_DEBIAN_SRC=1 ctest --output-on-failure)
if [ "${HCU_SKIP_SANITIZERS:-0}" != 1 ]; then
  scripts/build.sh build-asan -DHCU_SANITIZE=ON
  echo "== tests under ASan+UBSan (build-asan/) =="
  (cd build-asan && ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:detect_odr_violation=0 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure)
fi
