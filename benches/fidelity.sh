#!/usr/bin/env bash
# Text fidelity (issue 11): motebok's page text against poppler's
# `pdftotext -raw`, word-multiset agreement per file.
#
#   bash benches/fidelity.sh                # fixtures (with fixtures/real), generated cases
#   OCR=never bash benches/fidelity.sh      # without the OCR fallback
#   MORE=/path/to/pdfs bash benches/fidelity.sh
#
# Corpus: fixtures/ (every PDF: the dev PDFs, the malformed ones, and the 16
# real published PDFs of fixtures/real), any directory in $MORE, and the
# generated cases of src/pdfgen/fidelity.rs (a Type 3 font page,
# ligatures, soft hyphens, a page of figures, encryption with an empty user
# password, missing /Length, broken xref, …) written to a temporary
# directory. For each file: `motebok text --json --ocr $OCR` and
# `pdftotext -raw`; prints a table, every file under 0.99, every page
# flagged, and a summary line (examples/fidelity.rs). Needs poppler-utils;
# OCR fallback needs tesseract-ocr and tesseract-ocr-nor.
set -euo pipefail
cd "$(dirname "$0")/.."
OCR=${OCR:-auto}
MORE=${MORE:-}
command -v pdftotext >/dev/null || { echo "benches/fidelity.sh: pdftotext (poppler-utils) is needed" >&2; exit 2; }
cargo build --release --quiet --bin motebok --example fidelity
GEN=$(mktemp -d)
trap 'rm -rf "$GEN"' EXIT
target/release/examples/fidelity generate "$GEN/generated" >/dev/null
CORPUS=(fixtures "$GEN/generated")
[[ -n $MORE ]] && CORPUS+=("$MORE")
target/release/examples/fidelity compare --ocr "$OCR" "${CORPUS[@]}"
