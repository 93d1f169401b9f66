#!/usr/bin/env bash
# Installs everything Govbench needs to build and run on a fresh Debian 12 machine; with
# `--packaging`, also what the test command needs to build and prove the packages: the
# Windows cross toolchain (MinGW-w64, the Rust target), Wine to run the Windows CLI, and
# tauri-cli to bundle the .deb. Idempotent: each step is skipped when its result is present.
set -euo pipefail

PACKAGING=0
[ "${1:-}" = "--packaging" ] && PACKAGING=1

WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' "$(dirname "$0")/../Cargo.lock" 2>/dev/null || true)"
WASM_BINDGEN_VERSION="${WASM_BINDGEN_VERSION:-0.2.130}"
TAURI_DRIVER_VERSION="2.1.0"
TAURI_CLI_VERSION="2.12.4"
WINDOWS_TARGET="x86_64-pc-windows-gnu"

APT_PACKAGES=(
  build-essential pkg-config libssl-dev libdbus-1-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev libxdo-dev
  xvfb xauth webkit2gtk-driver imagemagick poppler-utils
  gnome-keyring dbus dbus-x11 libsecret-tools
  fonts-noto-cjk
)
# MinGW-w64 cross-compiles the Windows CLI (its C parts: SQLCipher, OpenSSL); Wine 8 runs it.
# desktop-file-validate checks the .deb's desktop entry.
[ "$PACKAGING" -eq 1 ] && APT_PACKAGES+=(mingw-w64 wine64 desktop-file-utils)
# The tests of the shared workspace run against a private PostgreSQL cluster the test command
# starts (scripts/pg-test.sh), with a CA and certificates openssl makes.
[ "$PACKAGING" -eq 1 ] && APT_PACKAGES+=(postgresql-15 openssl)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Lists are read whole before grep looks at them: `producer | grep -q` under pipefail fails
# whenever grep stops reading early and the producer notices the closed pipe.
targets="$(rustup target list --installed)"
grep -q '^wasm32-unknown-unknown$' <<<"$targets" || rustup target add wasm32-unknown-unknown
if [ "$PACKAGING" -eq 1 ]; then
  grep -q "^${WINDOWS_TARGET}\$" <<<"$targets" || rustup target add "$WINDOWS_TARGET"
fi

if ! grep -q " ${WASM_BINDGEN_VERSION}\$" <<<"$(wasm-bindgen --version 2>/dev/null || true)"; then
  echo "setup: installing wasm-bindgen-cli ${WASM_BINDGEN_VERSION}"
  # Not --locked: one of its locked dependencies is missing from the registry mirror.
  cargo install -q wasm-bindgen-cli --version "=${WASM_BINDGEN_VERSION}" --force
fi

# tauri-driver has no --version; cargo's own list of installed binaries tells.
installed="$(cargo install --list)"
if ! command -v tauri-driver >/dev/null || ! grep -q "^tauri-driver v${TAURI_DRIVER_VERSION}:" <<<"$installed"; then
  echo "setup: installing tauri-driver ${TAURI_DRIVER_VERSION}"
  cargo install -q tauri-driver --version "=${TAURI_DRIVER_VERSION}" --locked --force
fi
if [ "$PACKAGING" -eq 1 ] && ! grep -q "^tauri-cli v${TAURI_CLI_VERSION}:" <<<"$installed"; then
  echo "setup: installing tauri-cli ${TAURI_CLI_VERSION} (about 8 minutes, once per machine)"
  cargo install -q tauri-cli --version "=${TAURI_CLI_VERSION}" --locked --force
fi
echo "setup: done"
