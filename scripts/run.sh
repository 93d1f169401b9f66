#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Govbench and starts it. The first start opens the
# demo workspace (users and passphrase: see README).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-ui.sh
cargo build -p govbench-desktop --release --features custom-protocol --locked
exec target/release/govbench-desktop "$@"
