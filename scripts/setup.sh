#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine: Qt's system libraries and a Japanese font, then a
# virtual environment in .venv with the app.  --dev adds the test tools (pytest, LibreOffice
# for the round-trip test, poppler for looking at PDFs, Xvfb for screenshots, PostgreSQL's
# server for the shared-server tests, which start a throwaway cluster of their own).
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1

pkgs=(
  # Qt 6 (xcb and offscreen platforms, fontconfig, EGL/GL, D-Bus)
  libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6
  libdbus-1-3 libglib2.0-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
  libxcb-xkb1 libxcb-xfixes0 libxrender1 libxi6 libsm6 libice6 libcups2
  # Japanese glyphs for the window (printing embeds the font bundled with the app)
  fonts-ipaexfont-gothic fonts-ipaexfont-mincho
)
if [ "$dev" = 1 ]; then
  pkgs+=(libreoffice-calc-nogui poppler-utils xvfb postgresql)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "setup: installing system packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
if [ "$dev" = 1 ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  .venv/bin/python -m pip install -q .
fi
echo "setup: ready (.venv)"
