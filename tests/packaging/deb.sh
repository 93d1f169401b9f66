#!/usr/bin/env bash
# Builds the .deb (scripts/package.sh), checks its metadata and contents, installs it into
# this machine with dpkg -i, runs the installed CLI, starts the installed app under Xvfb and
# checks that it reaches the login screen and stays up (the end-to-end harness, pointed at
# /usr/bin/govbench-desktop), then removes it with dpkg -r and checks that nothing of it is
# left in /usr. The release build lives in a target folder outside the clone (warm later).
set -euo pipefail
cd "$(dirname "$0")/../.."

cache="${GOVBENCH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/govbench}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
fail() { echo "deb: FAILED: $*" >&2; exit 1; }

start=$(date +%s)
deb="$(CARGO_TARGET_DIR="$cache/target-release" bash scripts/package.sh | tail -n 1)"
echo "deb: built $(basename "$deb") in $(($(date +%s) - start)) s: $(stat -c %s "$deb") bytes"
package="$(dpkg-deb -f "$deb" Package)"
dpkg-deb -f "$deb" Package Version Architecture Maintainer Installed-Size Depends Description

for field in Maintainer Description Depends; do
  value="$(dpkg-deb -f "$deb" "$field")"
  [ -n "$value" ] && [ "$value" != "(none)" ] || fail "the package has no $field"
done
grep -q '@' <<<"$(dpkg-deb -f "$deb" Maintainer)" || fail "the maintainer has no address"
for dep in libwebkit2gtk-4.1-0 libgtk-3-0 libssl3 libdbus-1-3; do
  grep -q "$dep" <<<"$(dpkg-deb -f "$deb" Depends)" || fail "Depends lacks $dep"
done

contents="$(dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./||')"
for file in usr/bin/govbench-desktop usr/bin/govbench \
  usr/share/applications/Govbench.desktop \
  usr/share/icons/hicolor/512x512/apps/govbench-desktop.png \
  usr/share/icons/hicolor/32x32/apps/govbench-desktop.png; do
  grep -qx "$file" <<<"$contents" || fail "$file is not in the package"
done
unpacked="$(mktemp -d)"
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"
entry="$unpacked/usr/share/applications/Govbench.desktop"
desktop-file-validate "$entry" || fail "the desktop entry does not validate"
grep -q '^Name\[zh_CN\]=.*垂直大模型治理工作台' "$entry" || fail "no Chinese name"
grep -q '^Comment\[zh_CN\]=' "$entry" && grep -q '^Comment=' "$entry" || fail "no comments"

echo "deb: installing"
$SUDO dpkg -r "$package" >/dev/null 2>&1 || true
before="$(find /usr | sort)"
trap 'rm -rf "$unpacked"; $SUDO dpkg -r "$package" >/dev/null 2>&1 || true' EXIT
$SUDO dpkg -i "$deb"
echo "deb: installed size $(dpkg-query -W -f='${Installed-Size}' "$package") KiB"
[ "$(command -v govbench)" = /usr/bin/govbench ] || fail "govbench is not on PATH"
govbench --lang en drills templates --format json | grep -q '"steps"' ||
  fail "the installed CLI does not run"

echo "deb: starting the installed app under Xvfb"
GOVBENCH_DESKTOP_BIN=/usr/bin/govbench-desktop GOVBENCH_REQUIRE_E2E=1 \
  xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test --locked -p govbench-e2e --test desktop -- --ignored --exact \
  the_installed_package_starts_at_the_login_screen

echo "deb: removing"
$SUDO dpkg -r "$package"
[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)" = "install ok installed" ] && fail "still installed"
left="$(diff <(echo "$before") <(find /usr | sort) || true)"
[ -z "$left" ] || fail "dpkg -r left this in /usr: $left"
echo "deb: installed, started and removed cleanly"
