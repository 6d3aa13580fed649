#!/usr/bin/env bash
# Rerun speed of incremental runs (issue 4): time `motebok extract` over a
# corpus of N PDFs (copies of fixtures/000.pdf–004.pdf, N/5 of each, one
# directory per copy), then again over the same, unchanged corpus, which must
# decode nothing ("0 decoded, N reused"), write byte-identical output (all
# but changes.json), and be at least 20x faster.
#
#   bash benches/refresh.sh [N]        # default N = 300
#
# Builds the release binary first. Workers isolation on (the default),
# --ocr never (the fixtures have text layers), all cores.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-300}
cargo build --release --quiet
BIN=$PWD/target/release/motebok
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
copies=$(( (N + 4) / 5 ))
for c in $(seq -w 1 "$copies"); do
    mkdir -p "$TMP/in/c$c"
    cp fixtures/00[0-4].pdf "$TMP/in/c$c/"
done
files=$(find "$TMP/in" -name '*.pdf' | wc -l)
mb=$(du -sm "$TMP/in" | cut -f1)

# Wall, user and system seconds of one run (bash's `time`, children included).
TIMEFORMAT="%R %U %S"
timed() { { time "$BIN" extract "$TMP/in" --out "$TMP/out" --ocr never 2>"$TMP/$1.log"; } 2>"$TMP/$1.time"; }
timed first
cp -a "$TMP/out" "$TMP/out.first"
timed second
read -r w1 u1 s1 <"$TMP/first.time"
read -r w2 u2 s2 <"$TMP/second.time"
echo "corpus: $files PDFs ($mb MB), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
sed 's/^/first run:  /' "$TMP/first.log"
sed 's/^/second run: /' "$TMP/second.log"
ratio=$(awk "BEGIN { print $w1 / $w2 }")
awk "BEGIN { printf \"first run  %.2f s wall, %.2f s CPU\nsecond run %.2f s wall, %.2f s CPU\nwall %.1fx faster, CPU %.1fx less\n\", $w1, $u1 + $s1, $w2, $u2 + $s2, $w1 / $w2, ($u1 + $s1) / ($u2 + $s2) }"

grep -q "0 decoded, $files reused" "$TMP/second.log" || { echo "FAIL: the second run decoded something" >&2; exit 1; }
diff -r -q -x changes.json "$TMP/out.first" "$TMP/out" || { echo "FAIL: the second run's output differs" >&2; exit 1; }
echo "second run output byte-identical (all files but changes.json, motebok.sqlite included)"
if awk "BEGIN { exit !($ratio < 20) }"; then
    echo "FAIL: less than 20x faster" >&2
    exit 1
fi
