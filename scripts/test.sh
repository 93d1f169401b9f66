#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and runs every check: fmt, clippy, unit and integration
# tests (real SQLCipher files, real Secret Service keyring), the end-to-end test of the real
# desktop binary in WebKit under Xvfb, and the packages: the .deb built, installed, started
# and removed, and the Windows CLI cross-built and run under Wine. Screenshots land in
# target/e2e/. The packaging builds keep their target folders in ~/.cache/govbench
# (GOVBENCH_CACHE_DIR), outside the clone, so that only the first run on a machine is cold.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --packaging
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# A run from a clean clone gains nothing from incremental compilation, which doubles the size
# of the target folder.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

echo "== fmt"
cargo fmt --all --check

echo "== ui (wasm)"
bash scripts/build-ui.sh

echo "== clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p ui --target wasm32-unknown-unknown --locked -- -D warnings

echo "== build desktop"
cargo build -p govbench-desktop --locked

echo "== tests"
# A private D-Bus session with an unlocked gnome-keyring (Secret Service) whose files live
# in a temp dir, and a virtual display for WebKit.
keyring_home="$(mktemp -d)"
# A private PostgreSQL cluster (loopback, TLS with a CA made for it) for the shared workspace.
pg_dir="$(mktemp -d)"
trap 'bash scripts/pg-test.sh stop "$pg_dir"; rm -rf "$keyring_home" "$pg_dir"' EXIT
bash scripts/pg-test.sh start "$pg_dir" >/dev/null
# shellcheck disable=SC1091
source "$pg_dir/env"
export GOVBENCH_REQUIRE_KEYRING=1 GOVBENCH_REQUIRE_E2E=1 GOVBENCH_REQUIRE_PG=1
XDG_DATA_HOME="$keyring_home" dbus-run-session -- bash -c '
  set -euo pipefail
  echo -n "govbench-ci-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  xvfb-run -a -s "-screen 0 1280x800x24" cargo test --workspace --locked
'
echo "== packages: Windows"
bash tests/packaging/windows.sh

echo "== packages: Debian"
bash tests/packaging/deb.sh
echo "== all checks passed"
