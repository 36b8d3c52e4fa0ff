#!/usr/bin/env bash
# Lua 5.4 and SQLite 3.40 from Debian's source packages, built plainly and
# with hcu-cc, their outputs compared (issue 3, acceptance item 3).
#
#   debian_src.sh --hcu-cc build/bin/hcu-cc --work /tmp/debsrc [--only lua|sqlite] [--jobs N]
#
# Fetches the sources with `apt-get source` into WORK (once; nothing is
# committed), adding a deb-src entry for bookworm if apt has none, then runs
# debian_src.py, which builds, runs and compares. Exits 0 when both programs
# behave identically, 1 when anything differs or fails to build with hcu-cc,
# 2 when it cannot run (no network, no apt, ...): never skips quietly.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

hcu_cc="" work="" only="" jobs="$(nproc)"
while [ $# -gt 0 ]; do
  case "$1" in
    --hcu-cc) hcu_cc="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "debian_src.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -z "$hcu_cc" ] || [ -z "$work" ]; then
  echo "usage: debian_src.sh --hcu-cc PATH --work DIR [--only lua|sqlite] [--jobs N]" >&2
  exit 2
fi
fail() { echo "error: $*" >&2; exit 2; }
command -v apt-get >/dev/null || fail "apt-get not found: this needs Debian 12"
command -v dpkg-source >/dev/null || fail "dpkg-source not found: install dpkg-dev"
mkdir -p "$work"
work="$(cd "$work" && pwd)"

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

# apt-get source needs deb-src entries; Debian 12 images ship only deb ones.
ensure_deb_src() {
  "$here/../../scripts/deb-src.sh" lua5.4 || fail "no deb-src entries for apt-get source"
}

# fetch PACKAGE: unpacks it under WORK/PACKAGE once; prints its directory.
fetch() {
  local pkg="$1"
  local dir="$work/$pkg"
  if [ ! -f "$dir/.fetched" ]; then
    ensure_deb_src >&2
    rm -rf "$dir" && mkdir -p "$dir"
    echo "debian_src: apt-get source $pkg" >&2
    local t0=$SECONDS
    (cd "$dir" && apt-get source -qq "$pkg" >fetch.log 2>&1) \
      || { cat "$dir/fetch.log" >&2; fail "apt-get source $pkg failed"; }
    echo "debian_src: fetched $pkg in $((SECONDS - t0)) s" >&2
    touch "$dir/.fetched"
  fi
  local src
  src="$(find "$dir" -mindepth 1 -maxdepth 1 -type d | head -n1)"
  [ -n "$src" ] || fail "apt-get source $pkg left no source directory in $dir"
  echo "$src"
}

args=(--hcu-cc "$hcu_cc" --work "$work" --jobs "$jobs")
if [ -z "$only" ] || [ "$only" = lua ]; then
  args+=(--lua-src "$(fetch lua5.4)")
fi
if [ -z "$only" ] || [ "$only" = sqlite ]; then
  args+=(--sqlite-src "$(fetch sqlite3)")
fi
exec "${PYTHON:-python3}" "$here/debian_src.py" "${args[@]}"
