#!/usr/bin/env bash
# Installs everything Govbench needs to build, run and test on a fresh Debian 12 machine.
# Idempotent: each step is skipped when its result is already present.
set -euo pipefail

WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' "$(dirname "$0")/../Cargo.lock" 2>/dev/null || true)"
WASM_BINDGEN_VERSION="${WASM_BINDGEN_VERSION:-0.2.130}"
TAURI_DRIVER_VERSION="2.1.0"

APT_PACKAGES=(
  build-essential pkg-config libssl-dev libdbus-1-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev libxdo-dev
  xvfb xauth webkit2gtk-driver imagemagick poppler-utils
  gnome-keyring dbus dbus-x11 libsecret-tools
  fonts-noto-cjk
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown

if ! wasm-bindgen --version 2>/dev/null | grep -q " ${WASM_BINDGEN_VERSION}\$"; then
  echo "setup: installing wasm-bindgen-cli ${WASM_BINDGEN_VERSION}"
  # Not --locked: one of its locked dependencies is missing from the registry mirror.
  cargo install -q wasm-bindgen-cli --version "=${WASM_BINDGEN_VERSION}" --force
fi

# tauri-driver has no --version; cargo's own list of installed binaries tells.
if ! command -v tauri-driver >/dev/null || ! cargo install --list | grep -q "^tauri-driver v${TAURI_DRIVER_VERSION}:"; then
  echo "setup: installing tauri-driver ${TAURI_DRIVER_VERSION}"
  cargo install -q tauri-driver --version "=${TAURI_DRIVER_VERSION}" --locked --force
fi
echo "setup: done"
