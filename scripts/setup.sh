#!/usr/bin/env bash
# Installs every Debian 12 package hcu needs to build and test. Idempotent:
# prints nothing and touches nothing when everything is already there.
#   scripts/setup.sh                  # build and default tests
#   scripts/setup.sh --differential   # also csmith, gcc-12-source, tcl (test/differential),
#                                     # and deb-src entries for `apt-get source` (tinyproxy test)
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build python3 procps
  clang-19 libclang-19-dev libclang-cpp19-dev llvm-19-dev llvm-19-tools
  nlohmann-json3-dev libgtest-dev libclang-rt-19-dev
)

if [ "${1:-}" = "--differential" ]; then
  PACKAGES+=(csmith libcsmith-dev gcc-12-source tcl dpkg-dev)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${1:-}" = "--differential" ]; then
  "$(dirname "$0")/deb-src.sh" tinyproxy \
    || echo "setup: warning: no deb-src entries; the tinyproxy test will be unsupported" >&2
fi
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
