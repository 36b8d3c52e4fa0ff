#!/usr/bin/env bash
# Makes `apt-get source` work: Debian 12 images ship only `deb` entries, so
# this adds matching `deb-src` entries for bookworm (main) when apt finds no
# source for PROBE (default tinyproxy), then runs apt-get update. Idempotent.
#   scripts/deb-src.sh [PROBE_PACKAGE]
set -euo pipefail
probe=${1:-tinyproxy}
if apt-get source --print-uris -qq "$probe" >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
list=/etc/apt/sources.list.d/hcu-deb-src.sources
echo "deb-src: adding deb-src entries ($list) and running apt-get update"
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | $SUDO tee "$list" >/dev/null
else
  $SUDO tee "$list" >/dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
fi
$SUDO apt-get update -qq || { echo "deb-src: apt-get update failed" >&2; exit 1; }
if ! apt-get source --print-uris -qq "$probe" >/dev/null 2>&1; then
  echo "deb-src: apt-get source still finds no source for $probe after adding $list" >&2
  exit 1
fi
