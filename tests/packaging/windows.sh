#!/usr/bin/env bash
# Proves the Windows build from this Debian machine: cross-builds the `govbench` CLI for
# x86_64-pc-windows-gnu (MinGW-w64; SQLCipher with OpenSSL built from source), runs it under
# Wine on workspaces in Windows paths — create, demo, list, verify, back up — and checks that
# shares are refused: UNC paths in every spelling and a drive letter mapped to a share. Then
# checks that the desktop crate and the end-to-end tests compile for Windows (linking and
# running WebView2 under Wine is not practical). The build lives in a target folder outside the clone, so later runs are warm.
set -euo pipefail
cd "$(dirname "$0")/../.."

TARGET=x86_64-pc-windows-gnu
cache="${GOVBENCH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/govbench}"
export CARGO_TARGET_DIR="$cache/target-windows"

echo "windows: cross-building the CLI (the first time also OpenSSL: about 9 minutes)"
cargo build --release --locked -p govbench-cli --target "$TARGET"
exe="$CARGO_TARGET_DIR/$TARGET/release/govbench.exe"
echo "windows: govbench.exe is $(stat -c %s "$exe") bytes"

# Debian's wine64 package puts its programs outside PATH.
wine="$(command -v wine64 || echo /usr/lib/wine/wine64)"
wineserver="$(command -v wineserver || echo /usr/lib/wine/wineserver)"
run="$(mktemp -d)"
trap 'WINEPREFIX="$run/prefix" "$wineserver" -k 2>/dev/null || true; rm -rf "$run"' EXIT
export WINEPREFIX="$run/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
export GOVBENCH_PASSPHRASE="govbench-demo" GOVBENCH_DATA_DIR='C:\govbench-data'
cp "$exe" "$run/govbench.exe"
x86_64-w64-mingw32-gcc -shared -O2 -o "$run/bcryptprimitives.dll" tests/packaging/wine/bcryptprimitives.c
"$wine" wineboot --init >/dev/null 2>&1
# wineboot returns before the new prefix has settled (services still starting, the registry
# still being written); a command run meanwhile has been seen to exit 1 without a word.
"$wineserver" -w
drive_c="$WINEPREFIX/drive_c"

gb() { "$wine" "$run/govbench.exe" --lang en "$@"; }
fail() { echo "windows: FAILED: $*" >&2; exit 1; }
# A refusal: non-zero, the translated reason, and nothing written.
refused() {
  local path="$1" out
  if out="$(gb init --workspace "$path" --admin wang.fang 2>&1)"; then
    fail "a workspace was created at $path"
  fi
  grep -q "network or synced folder" <<<"$out" || fail "$path refused without the reason: $out"
  echo "windows: refused $path"
}

echo "windows: a workspace in C:\\govbench"
mkdir -p "$drive_c/govbench"
gb init --workspace 'C:\govbench\team.govbench' --admin wang.fang
[ -s "$drive_c/govbench/team.govbench" ] && [ -s "$drive_c/govbench/team.govbench-keys" ] ||
  fail "init did not write the workspace and its key file"
leftovers="$(find "$drive_c/govbench" -name '*.part' -o -name '*.tmp')"
[ -z "$leftovers" ] || fail "init left temporary files: $leftovers"
gb audit verify --workspace 'C:\govbench\team.govbench' --user wang.fang

echo "windows: verbatim drive paths are local"
gb init --workspace '\\?\C:\govbench\verbatim.govbench' --admin wang.fang
gb init --workspace '\\?\c:\govbench\lower.govbench' --admin wang.fang
[ -s "$drive_c/govbench/verbatim.govbench" ] && [ -s "$drive_c/govbench/lower.govbench" ] ||
  fail "verbatim paths were not created"

echo "windows: the demo workspace"
gb demo --workspace 'C:\govbench\demo.govbench'
listed="$(gb requirements list --workspace 'C:\govbench\demo.govbench' --user he.na --format json)"
grep -q '"title"' <<<"$listed" || fail "requirements list printed no requirements: $listed"
echo "windows: $(grep -o '"title"' <<<"$listed" | wc -l) requirements listed"
start=$(date +%s%N)
gb audit verify --workspace 'C:\govbench\demo.govbench' --user qian.hui
end=$(date +%s%N)
echo "windows: audit verify of the demo workspace under Wine took $(((end - start) / 1000000)) ms"
gb backup create --workspace 'C:\govbench\demo.govbench' --user admin --folder 'C:\govbench\backups'
ls "$drive_c/govbench/backups/"*.govbench >/dev/null || fail "no backup written"

echo "windows: shares are refused"
refused '\\fileserver\team\team.govbench'
refused '//fileserver/team/team.govbench'
refused '\\?\UNC\fileserver\team\team.govbench'
# A drive letter is judged by what Windows' drive-type query says of it: N: is accepted as a
# local disk, then refused once it is a network drive (Wine reads the type from its registry).
mkdir -p "$run/share"
ln -s "$run/share" "$WINEPREFIX/dosdevices/n:"
gb init --workspace 'N:\local.govbench' --admin wang.fang
rm -f "$run/share/"*
"$wine" reg add 'HKLM\Software\Wine\Drives' /v 'n:' /t REG_SZ /d network /f >/dev/null
"$wineserver" -k 2>/dev/null || true
refused 'N:\team.govbench'
[ -z "$(ls -A "$run/share")" ] || fail "something was written on the share"

echo "windows: checking the desktop app and the end-to-end tests for Windows (with clippy)"
cargo clippy --release --locked -p govbench-desktop --target "$TARGET" -- -D warnings
cargo clippy --release --locked -p govbench-e2e --tests --target "$TARGET" -- -D warnings
echo "windows: all checks passed"
