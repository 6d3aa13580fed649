#!/usr/bin/env bash
# Throughput of `motebok extract` end to end against poppler's `pdftotext -raw`
# (issue 6), side by side in one run.
#
#   bash benches/throughput.sh            # defaults below
#   COPIES=50 REPEAT=3 SCALING="10 100 1000" PIN=1 SINGLE_PAGES=2000 bash benches/throughput.sh
#
# Builds the release binary and the corpus generator (examples/gen_corpus.rs),
# then builds a corpus in a temporary directory: the fixtures
# (fixtures/0*.pdf, fixtures/layout/*.pdf), COPIES copies of each, plus one
# generated 200-page minutes PDF. Over that corpus, REPEAT times, interleaved:
#
#   * pdftotext -raw, file by file, one process after another (one core);
#   * motebok extract --jobs 1 (JSON + CSV + the rest written to a fresh
#     output directory, worker isolation on, --ocr never);
#   * motebok extract with all cores (--jobs $(nproc));
#   * pdftotext -raw with all cores (nproc processes side by side), which
#     shows how much parallelism the machine gives at the time;
# and, as a check without process start-up costs, one generated
# SINGLE_PAGES-page file (default 2000) through pdftotext and motebok.
#
# With PIN=1 (the default, when taskset exists) the one-core runs — pdftotext
# and motebok --jobs 1, parent and decoding worker alike — are pinned to CPU 0,
# so "one core" means one core. Reports pages/s (min / median / max over the
# repeats; the best is the least disturbed by other load), the ratio of the
# medians, the per-stage times of the motebok runs (MOTEBOK_TIMINGS=1), peak
# RSS (GNU time's max RSS of the largest process, and motebok's own
# main + sum-of-workers VmHWM), and the scaling of time and memory with the
# number of files (SCALING, all cores, fixture copies only).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
COPIES=${COPIES:-50}
REPEAT=${REPEAT:-3}
SCALING=${SCALING-10 100 1000}
PIN=${PIN:-1}
LONG_PAGES=${LONG_PAGES:-200}
# One long file on its own (no process start-up to amortise): pages.
SINGLE_PAGES=${SINGLE_PAGES:-2000}
NPROC=$(nproc)

command -v pdftotext >/dev/null || { echo "pdftotext (poppler-utils) is needed" >&2; exit 2; }
command -v pdfinfo >/dev/null || { echo "pdfinfo (poppler-utils) is needed" >&2; exit 2; }
GNUTIME=/usr/bin/time
[ -x "$GNUTIME" ] || GNUTIME=""
PINCMD=()
if [ "$PIN" = 1 ] && command -v taskset >/dev/null; then PINCMD=(taskset -c 0); fi

echo "building (release)..." >&2
cargo build --release --quiet --bin motebok --example gen_corpus
BIN=$ROOT/target/release/motebok
GEN=$ROOT/target/release/examples/gen_corpus

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/corpus"
fixtures=(fixtures/0*.pdf fixtures/layout/*.pdf)
for c in $(seq -w 1 "$COPIES"); do
    for f in "${fixtures[@]}"; do
        cp "$f" "$TMP/corpus/$(basename "$f" .pdf)-c$c.pdf"
    done
done
"$GEN" "$TMP/corpus/long-${LONG_PAGES}p.pdf" "$LONG_PAGES"
mkdir -p "$TMP/single"
"$GEN" "$TMP/single/long-${SINGLE_PAGES}p.pdf" "$SINGLE_PAGES"
FILES=$(ls "$TMP/corpus" | wc -l)
PAGES=0
for f in "$TMP/corpus"/*.pdf; do
    p=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}')
    PAGES=$((PAGES + p))
done
MB=$(du -sm "$TMP/corpus" | cut -f1)

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# pdftotext over the corpus, one file after another.
run_pdftotext() {
    local t0 t1
    t0=$(now)
    "${PINCMD[@]}" bash -c 'for f in "$1"/*.pdf; do pdftotext -raw "$f" /dev/null; done' _ "$TMP/corpus"
    t1=$(now)
    secs "$t0" "$t1"
}

# pdftotext over the corpus on all cores: NPROC shards side by side (what
# the machine's parallelism gives a plain C tool, for comparison).
run_pdftotext_all() {
    local t0 t1
    t0=$(now)
    ls "$TMP/corpus"/*.pdf | xargs -P "$NPROC" -n 16 sh -c 'for f in "$@"; do pdftotext -raw "$f" /dev/null; done' _
    t1=$(now)
    secs "$t0" "$t1"
}

# motebok extract over $1 with $2 jobs ($3: pin or not), into a fresh output
# directory; timing and GNU time lines in $TMP/log-$4.
run_motebok() {
    local dir=$1 jobs=$2 pin=$3 tag=$4 t0 t1
    local pre=()
    [ "$pin" = pin ] && pre=("${PINCMD[@]}")
    rm -rf "$TMP/out"
    t0=$(now)
    if [ -n "$GNUTIME" ]; then
        MOTEBOK_TIMINGS=1 "${pre[@]}" "$GNUTIME" -f "gnutime: maxrss_kb=%M" \
            "$BIN" extract "$dir" --out "$TMP/out" --ocr never --jobs "$jobs" 2>"$TMP/log-$tag"
    else
        MOTEBOK_TIMINGS=1 "${pre[@]}" "$BIN" extract "$dir" --out "$TMP/out" --ocr never --jobs "$jobs" 2>"$TMP/log-$tag"
    fi
    t1=$(now)
    [ -s "$TMP/out/csv/files.csv" ] || { echo "motebok wrote no csv/files.csv" >&2; cat "$TMP/log-$tag" >&2; exit 1; }
    secs "$t0" "$t1"
}

stats() { # min median max of the arguments
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s %s %s", v[1], m, v[NR] }'
}
rate() { awk -v p="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0) ? p / s : 0 }'; }

echo "corpus: $FILES files, $PAGES pages, $MB MB ($COPIES copies of ${#fixtures[@]} fixtures + one ${LONG_PAGES}-page PDF)" >&2
pt=(); pn=(); m1=(); mn=()
for r in $(seq 1 "$REPEAT"); do
    pt+=("$(run_pdftotext)")
    pn+=("$(run_pdftotext_all)")
    m1+=("$(run_motebok "$TMP/corpus" 1 pin "j1-$r")")
    mn+=("$(run_motebok "$TMP/corpus" "$NPROC" nopin "jn-$r")")
    echo "  repeat $r: pdftotext ${pt[-1]} s (all cores ${pn[-1]} s), motebok --jobs 1 ${m1[-1]} s, --jobs $NPROC ${mn[-1]} s" >&2
done
st=(); sm=()
for r in $(seq 1 "$REPEAT"); do
    t0=$(now); "${PINCMD[@]}" pdftotext -raw "$TMP/single/long-${SINGLE_PAGES}p.pdf" /dev/null; t1=$(now)
    st+=("$(secs "$t0" "$t1")")
    sm+=("$(run_motebok "$TMP/single" 1 pin "single-$r")")
done
read -r st_min st_med st_max <<<"$(stats "${st[@]}")"
read -r sm_min sm_med sm_max <<<"$(stats "${sm[@]}")"
read -r pt_min pt_med pt_max <<<"$(stats "${pt[@]}")"
read -r pn_min pn_med pn_max <<<"$(stats "${pn[@]}")"
read -r m1_min m1_med m1_max <<<"$(stats "${m1[@]}")"
read -r mn_min mn_med mn_max <<<"$(stats "${mn[@]}")"

# Stage times: the median --jobs 1 run (by wall time).
median_tag() { # prefix, times...
    local prefix=$1; shift
    local i=1 best="" want
    want=$(stats "$@" | awk '{ print $2 }')
    local bestd=""
    for t in "$@"; do
        d=$(awk -v a="$t" -v b="$want" 'BEGIN { d = a - b; print (d < 0) ? -d : d }')
        if [ -z "$bestd" ] || awk -v a="$d" -v b="$bestd" 'BEGIN { exit !(a < b) }'; then bestd=$d; best=$i; fi
        i=$((i + 1))
    done
    echo "$prefix-$best"
}
j1log=$TMP/log-$(median_tag j1 "${m1[@]}")
jnlog=$TMP/log-$(median_tag jn "${mn[@]}")
maxrss() { grep -h '^gnutime:' "$@" 2>/dev/null | sed 's/.*maxrss_kb=//' | sort -n | tail -1; }
ownrss() { grep -h 'peak-rss' "$1" | sed 's/.*main+sum \([0-9]*\) KiB.*/\1/'; }

echo
echo "## motebok throughput vs pdftotext -raw ($(date -u +%Y-%m-%d))"
echo
echo "machine: $NPROC cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: COPIES=$COPIES REPEAT=$REPEAT SCALING=\"$SCALING\" PIN=$PIN bash benches/throughput.sh"
echo "corpus: $FILES files, $PAGES pages, $MB MB ($COPIES copies of ${#fixtures[@]} fixtures + one ${LONG_PAGES}-page generated minutes PDF)"
echo "one-core runs pinned to CPU 0: $([ ${#PINCMD[@]} -gt 0 ] && echo yes || echo no); times are min / median / max of $REPEAT"
echo
echo "| run | seconds (min / med / max) | pages/s (best / median) |"
echo "|---|---|---|"
echo "| pdftotext -raw, file by file, 1 core | $pt_min / $pt_med / $pt_max | $(rate "$PAGES" "$pt_min") / $(rate "$PAGES" "$pt_med") |"
echo "| pdftotext -raw, $NPROC processes side by side | $pn_min / $pn_med / $pn_max | $(rate "$PAGES" "$pn_min") / $(rate "$PAGES" "$pn_med") |"
echo "| motebok extract --jobs 1 (isolation, JSON+CSV) | $m1_min / $m1_med / $m1_max | $(rate "$PAGES" "$m1_min") / $(rate "$PAGES" "$m1_med") |"
echo "| motebok extract --jobs $NPROC | $mn_min / $mn_med / $mn_max | $(rate "$PAGES" "$mn_min") / $(rate "$PAGES" "$mn_med") |"
echo "| one ${SINGLE_PAGES}-page file: pdftotext -raw, 1 core | $st_min / $st_med / $st_max | $(rate "$SINGLE_PAGES" "$st_min") / $(rate "$SINGLE_PAGES" "$st_med") |"
echo "| one ${SINGLE_PAGES}-page file: motebok extract --jobs 1 | $sm_min / $sm_med / $sm_max | $(rate "$SINGLE_PAGES" "$sm_min") / $(rate "$SINGLE_PAGES" "$sm_med") |"
echo
echo "ratio motebok --jobs 1 / pdftotext (pages/s, medians): $(awk -v a="$pt_med" -v b="$m1_med" 'BEGIN { printf "%.2f", a / b }')x; best runs: $(awk -v a="$pt_min" -v b="$m1_min" 'BEGIN { printf "%.2f", a / b }')x"
echo "speed-up --jobs $NPROC over --jobs 1 (medians): $(awk -v a="$m1_med" -v b="$mn_med" 'BEGIN { printf "%.2f", a / b }')x (pdftotext on $NPROC cores over 1: $(awk -v a="$pt_med" -v b="$pn_med" 'BEGIN { printf "%.2f", a / b }')x: the parallelism this machine gives right now)"
echo "peak RSS, --jobs 1: largest process $(maxrss "$TMP"/log-j1-*) KiB, main + workers $(ownrss "$j1log") KiB; --jobs $NPROC: largest process $(maxrss "$TMP"/log-jn-*) KiB, main + workers $(ownrss "$jnlog") KiB"
echo
echo "stage times of the median --jobs 1 run (CPU seconds; decode is timed in the worker):"
grep -h '^motebok-timing:' "$j1log" | sed 's/^motebok-timing: /    /'

if [ -n "$SCALING" ]; then
    echo
    echo "scaling (all cores, fixture copies, fresh output each):"
    echo
    echo "| files | pages | seconds | pages/s | peak RSS largest process (KiB) | main + workers (KiB) |"
    echo "|---|---|---|---|---|---|"
    for n in $SCALING; do
        rm -rf "$TMP/scale"; mkdir -p "$TMP/scale"
        i=0
        while [ "$i" -lt "$n" ]; do
            f=${fixtures[$((i % ${#fixtures[@]}))]}
            cp "$f" "$TMP/scale/s$(printf %05d "$i")-$(basename "$f")"
            i=$((i + 1))
        done
        s=$(run_motebok "$TMP/scale" "$NPROC" nopin "scale-$n")
        p=$(grep -h 'motebok-timing: wall' "$TMP/log-scale-$n" | sed 's/.*pages \([0-9]*\).*/\1/')
        echo "| $n | $p | $s | $(rate "$p" "$s") | $(maxrss "$TMP/log-scale-$n") | $(ownrss "$TMP/log-scale-$n") |"
    done
fi
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
