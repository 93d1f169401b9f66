#!/usr/bin/env bash
# Builds the Yew UI into ui/dist/ (what Tauri embeds as frontendDist).
# Honours CARGO_TARGET_DIR; needs the wasm32-unknown-unknown target and wasm-bindgen-cli
# of the same version as the wasm-bindgen crate (scripts/setup.sh installs both).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
case "$TARGET_DIR" in
  /*) ;;
  *) TARGET_DIR="$REPO/$TARGET_DIR" ;;
esac
DIST="$REPO/ui/dist"

cargo build -p ui --target wasm32-unknown-unknown --release

rm -rf "$DIST"
mkdir -p "$DIST"
wasm-bindgen --target web --no-typescript --out-dir "$DIST" --out-name ui \
  "$TARGET_DIR/wasm32-unknown-unknown/release/ui.wasm"
cp "$REPO/ui/index.html" "$REPO/ui/main.js" "$REPO/ui/styles.css" "$DIST/"
if [ -d "$REPO/ui/static" ]; then
  cp -R "$REPO/ui/static/." "$DIST/"
fi
echo "build-ui: $(cd "$DIST" && ls | tr '\n' ' ')"
