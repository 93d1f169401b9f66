#!/usr/bin/env bash
# Times headless Chromium printing the same quarter as HTML, next to this crate's renderer.
# Not part of the tests or CI: run it by hand where chromium is installed.
#
#   crates/report/benches/compare.sh            # runs the bench first (writes the HTML)
#   RUNS=5 crates/report/benches/compare.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."

runs=${RUNS:-5}
tmp=${TMPDIR:-/tmp}
html="$tmp/govbench-report-bench.html"
out="$tmp/govbench-report-chromium.pdf"

cargo bench -q -p govbench-report --bench report

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "no chromium found: only the printpdf numbers above" >&2
    exit 0
fi

times=()
for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    "$browser" --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
        --print-to-pdf="$out" "file://$html" >/dev/null 2>&1
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
pages=$(pdfinfo "$out" 2>/dev/null | awk '/^Pages:/ {print $2}')
bytes=$(stat -c %s "$out")
echo "chromium: median of $runs ${median} s (process start included), ${pages:-?} pages, $bytes bytes"
