#!/usr/bin/env bash
# Archive scale (issue 12): `motebok extract` over 10^3, 10^4 and 10^5
# inputs, and a rerun over the same unchanged inputs, reporting wall time,
# pages/s and peak RSS of the parent and of the decoding workers.
#
#   bash benches/scale.sh                 # 1000 10000 100000
#   bash benches/scale.sh 1000 10000      # other sizes
#   JOBS=2 KEEP=1 bash benches/scale.sh   # --jobs, keep the work dir
#   REPEAT=3 bash benches/scale.sh        # runs at 10^3 (default 3; 2 at 10^4, 1 above)
#
# The corpus is copies of the text fixtures (fixtures/0*.pdf,
# fixtures/layout/*.pdf, fixtures/bad/*.pdf: 13 files, 157 pages, 4 of
# them unreadable), cycled, 1,000 to a directory, each under a name of its
# own (`c000123-002.pdf`). Copies, not links: motebok reads a file reached
# by two paths (a hard or symbolic link) once. Runs use worker isolation
# (the default) and --ocr never; all cores unless JOBS is set. The
# unreadable files are retried on every run (as failed files always are)
# and come out the same, so the rerun still reuses the whole output.
#
# Peak RSS is motebok's own account (MOTEBOK_TIMINGS=1): the parent's
# VmHWM, and the sum of the decoding workers' VmHWM read just before each
# is closed. CPU is user + system time of motebok and its workers (GNU
# time): pages per CPU-second do not depend on what else the machine runs,
# pages per wall-second do. After the reruns, one input is replaced by
# another fixture and a third run ("changed") reads it and rewrites the
# datasets. 10^3 runs REPEAT times, 10^4 twice (the table
# shows each run). The rerun must decode nothing and give
# byte-identical output (every file but changes.json); the script fails
# otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${*:-1000 10000 100000}
JOBS=${JOBS:-}
REPEAT=${REPEAT:-3}
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed" >&2; exit 2; }
cargo build --release --quiet --bin motebok
WORK=$(mktemp -d "${TMPDIR:-/tmp}/motebok-scale.XXXXXX")
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$WORK"' EXIT; fi
# A copy of the binary: a rebuild during a long run does not change it.
cp target/release/motebok "$WORK/motebok"
BIN=$WORK/motebok
mapfile -t FIXTURES < <(ls fixtures/0*.pdf fixtures/layout/*.pdf fixtures/bad/*.pdf)
# Pages of each fixture, as motebok counts them (files.csv of one run).
"$BIN" extract "${FIXTURES[@]}" --out "$WORK/probe" --ocr never --fail-on never 2>/dev/null
declare -A PAGES
while IFS=, read -r file pages; do PAGES[$file]=$pages; done < <(python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1])): print(r["file"] + "," + r["pages"])' "$WORK/probe/csv/files.csv")

jobs_args=()
[ -n "$JOBS" ] && jobs_args=(--jobs "$JOBS")

# run LABEL OUT: one extract over $WORK/in; prints "wall cpu parent_kib workers_kib"
run() {
    local label=$1 out=$2 log="$WORK/$1.log"
    MOTEBOK_TIMINGS=1 /usr/bin/time -f "#time %e %U %S" -o "$WORK/$label.time" \
        "$BIN" extract "$WORK/in" --out "$out" --ocr never --fail-on never "${jobs_args[@]}" 2>"$log"
    local wall cpu main sum
    read -r _ wall user sys <"$WORK/$label.time"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    main=$(sed -n 's/.*peak-rss main \([0-9]*\) KiB.*/\1/p' "$log")
    sum=$(sed -n 's/.*max [0-9]* KiB, sum \([0-9]*\) KiB.*/\1/p' "$log")
    echo "$wall $cpu ${main:-0} ${sum:-0}"
}

row() { # n pages label wall cpu main sum
    printf '%-8s %-8s %7s %8s %8s %9s %10s %11.1f %12.1f %10.1f\n' "$1" "$2" "$3" "$4" "$5" \
        "$(awk -v p="$2" -v w="$4" 'BEGIN { printf "%.0f", p / w }')" "$(awk -v p="$2" -v c="$5" 'BEGIN { printf "%.0f", p / c }')" \
        "$(awk -v k="$6" 'BEGIN { print k / 1024 }')" "$(awk -v k="$7" 'BEGIN { print k / 1024 }')" \
        "$(awk -v a="$6" -v b="$7" 'BEGIN { print (a + b) / 1024 }')"
}

printf '%-8s %-8s %7s %8s %8s %9s %10s %11s %12s %10s\n' files pages run wall_s cpu_s pages/s pages/cpu_s parent_MiB workers_MiB total_MiB
for n in $SIZES; do
    rm -rf "$WORK/in" "$WORK/out"
    pages=0
    for ((i = 0; i < ${#FIXTURES[@]}; i++)); do
        f=${FIXTURES[$i]}
        k=$(( (n - i + ${#FIXTURES[@]} - 1) / ${#FIXTURES[@]} ))
        pages=$((pages + k * PAGES[$f]))
    done
    python3 - "$WORK/in" "$n" "${FIXTURES[@]}" <<'PY'
import os, shutil, sys
root, n, fixtures = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
for i in range(n):
    f = fixtures[i % len(fixtures)]
    d = os.path.join(root, "d%04d" % (i // 1000))
    if i % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    shutil.copyfile(f, os.path.join(d, "c%06d-%s" % (i, os.path.basename(f))))
PY
    reps=$REPEAT
    [ "$n" -gt 1000 ] && [ "$reps" -gt 2 ] && reps=2
    [ "$n" -gt 10000 ] && reps=1
    for ((r = 1; r <= reps; r++)); do
        rm -rf "$WORK/out" "$WORK/out.first"
        for label in first rerun; do
            read -r wall cpu main sum < <(run "$label-$n" "$WORK/out")
            row "$n" "$pages" "$label" "$wall" "$cpu" "$main" "$sum"
            [ "$label" = first ] && cp -al "$WORK/out" "$WORK/out.first"
        done
    done
    # Only the files that were not ok are decoded again (retried).
    grep -Eq " ([0-9]+) decoded, [0-9]+ reused, \1 retried" "$WORK/rerun-$n.log" || { echo "FAIL: the rerun decoded something new" >&2; cat "$WORK/rerun-$n.log" >&2; exit 1; }
    diff -r -q -x changes.json "$WORK/out.first" "$WORK/out" >/dev/null || { echo "FAIL: the rerun's output differs" >&2; exit 1; }
    # One input changed: its file is decoded, every other record is read
    # back, and the datasets are written anew.
    first_in=$(find "$WORK/in" -name '*.pdf' | sort | head -1)
    other=${FIXTURES[1]}
    cmp -s "$other" "$first_in" && other=${FIXTURES[2]}
    cp "$other" "$first_in"
    read -r wall cpu main sum < <(run "changed-$n" "$WORK/out")
    row "$n" "$pages" changed "$wall" "$cpu" "$main" "$sum"
    grep -q " 1 changed, " "$WORK/changed-$n.log" || { echo "FAIL: the changed rerun did not see one changed file" >&2; cat "$WORK/changed-$n.log" >&2; exit 1; }
    grep -h '^motebok:' "$WORK/first-$n.log" | sed "s/^/  first $n: /"
    du -sh "$WORK/out" | sed "s/^/  output size $n: /"
    rm -rf "$WORK/out.first"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
