#!/usr/bin/env bash
# `--jobs` far above the cores on one file must cost nothing: 7 interleaved
# runs each of `--jobs 1` and `--jobs 100000` over fixtures/001.pdf (45
# pages, --force, --ocr never), wall-clock medians. Fails if the large
# value is more than 1.5× slower or 50 ms slower (noise floor).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
BIN=target/release/motebok
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
t() { local s e; s=$(date +%s%N); "$BIN" extract fixtures/001.pdf -o "$TMP/out$1" -q --ocr never --force -j "$1"; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
one=(); big=()
for _ in 1 2 3 4 5 6 7; do one+=("$(t 1)"); big+=("$(t 100000)"); done
median() { printf '%s\n' "$@" | sort -n | sed -n 4p; }
m1=$(median "${one[@]}"); mb=$(median "${big[@]}")
echo "--jobs 1: ${one[*]} ms (median $m1)"
echo "--jobs 100000: ${big[*]} ms (median $mb)"
threads=$("$BIN" extract fixtures/001.pdf -o "$TMP/outj" --json --ocr never --force -j 100000 2>/dev/null | sed -n 's/.*"jobs": \([0-9]*\).*/\1/p')
echo "--jobs 100000 ran $threads worker threads"
if (( mb > m1 * 3 / 2 && mb - m1 > 50 )); then echo "FAIL: --jobs 100000 is slower than --jobs 1" >&2; exit 1; fi
