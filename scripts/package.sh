#!/usr/bin/env bash
# Builds the Debian package: the desktop app and the `govbench` CLI, with the desktop entry
# (Chinese and English), icons and the shared libraries both need as dependencies (read off
# the binaries by dpkg-shlibdeps). Prints the path of the .deb on its last line.
#
# CARGO_TARGET_DIR is honoured (the test command keeps a release target outside the clone so
# that packaging is incremental). AppImage is not built: its bundler downloads AppRun and
# linuxdeploy at build time, which an offline machine cannot.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --packaging >&2
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"

echo "package: building the UI and the CLI" >&2
bash scripts/build-ui.sh >&2
cargo build --release --locked -p govbench-cli >&2

# Built first and bundled after: the package's dependencies are read off the built binaries.
echo "package: building the desktop app" >&2
(cd src-tauri && cargo tauri build --no-bundle --ci -- --locked >&2)

shlibs="$(mktemp -d)"
trap 'rm -rf "$shlibs"' EXIT
mkdir -p "$shlibs/debian"
printf 'Source: govbench\n\nPackage: govbench\nArchitecture: any\n' >"$shlibs/debian/control"
depends="$(cd "$shlibs" && dpkg-shlibdeps -O \
  "$target_dir/release/govbench-desktop" "$target_dir/release/govbench" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')"
[ -n "$depends" ] || { echo "package: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
echo "package: Depends: $depends" >&2

config="$(python3 -c 'import json, sys
print(json.dumps({"bundle": {"linux": {"deb": {
    "depends": [d.strip() for d in sys.argv[1].split(",")],
    "files": {"/usr/bin/govbench": sys.argv[2]},
}}}}))' "$depends" "$target_dir/release/govbench")"

echo "package: bundling the .deb" >&2
(cd src-tauri && cargo tauri bundle --bundles deb --ci --config "$config" >&2)
ls -t "$target_dir"/release/bundle/deb/*.deb | sed -n 1p
