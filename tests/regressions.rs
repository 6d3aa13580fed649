//! Crash regressions: inputs found by the fuzzers in `fuzz/` (see
//! fuzz/README.md), minimised, and hand-made inputs of the shapes fuzzers
//! look for (deep nesting, long chains). Each runs in this process, where a
//! stack overflow or an abort takes the whole test binary down — so a
//! failure here is loud.

use motebok::model::Engine;
use motebok::pdf::{DecodeOptions, PageText, PdfError};
use motebok::rules::Rules;

/// The `fields` fuzz target: bytes → page texts (split at form feeds) →
/// parse_documents → JSON.
fn fields(data: &[u8]) -> usize {
    let text = String::from_utf8_lossy(data);
    let pages: Vec<PageText> = text
        .split('\u{c}')
        .enumerate()
        .map(|(i, t)| PageText::new(i as u32 + 1, t.to_string(), Engine::Lopdf))
        .collect();
    let docs = motebok::read::read_file(&pages, &Rules::embedded());
    serde_json::to_vec(&docs).expect("documents serialise");
    docs.len()
}

/// The `pdf` fuzz target: decode in this process with the second engine off.
fn pdf(data: &[u8]) -> Result<motebok::pdf::DecodedPdf, PdfError> {
    let opts = DecodeOptions { second_engine: false, ..DecodeOptions::default() };
    motebok::pdf::decode(data, &opts)
}

fn one_page_with_content(content: &[u8]) -> Vec<u8> {
    let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(content);
    stream.extend_from_slice(b"\nendstream");
    motebok::pdfgen::raw_pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        stream,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ])
}

const DEEP: usize = 200_000;

#[test]
fn deeply_nested_arrays_and_dictionaries_in_an_object() {
    for (open, close) in [("[", "]"), ("<< /A ", ">>")] {
        let mut catalog = b"<< /Type /Catalog /Pages 2 0 R /X ".to_vec();
        catalog.extend(open.repeat(DEEP).into_bytes());
        catalog.extend(close.repeat(DEEP).into_bytes());
        catalog.extend_from_slice(b" >>");
        let bytes = motebok::pdfgen::raw_pdf(&[
            catalog,
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_vec(),
        ]);
        // lopdf refuses the catalog (it bounds its nesting depth); the page
        // tree is rebuilt from the page object found. No stack overflow.
        let d = pdf(&bytes).unwrap_or_else(|e| panic!("{open}…{close}: {e}"));
        assert_eq!(d.pages.len(), 1, "{open}…{close}");
        assert!(d.warnings.iter().any(|w| w.contains("damaged page tree")), "{open}…{close}: {:?}", d.warnings);
    }
}

#[test]
fn deeply_nested_content_stream() {
    let mut q = "q ".repeat(DEEP).into_bytes();
    q.extend_from_slice(b"BT /F1 12 Tf (Vedtak) Tj ET");
    q.extend("Q ".repeat(DEEP).into_bytes());
    let mut arrays = "[".repeat(DEEP).into_bytes();
    arrays.extend("]".repeat(DEEP).into_bytes());
    arrays.extend_from_slice(b" TJ");
    for content in [q, arrays] {
        let d = pdf(&one_page_with_content(&content)).expect("one page");
        assert_eq!(d.pages.len(), 1);
    }
}

#[test]
fn long_chain_of_page_tree_nodes() {
    let n = 50_000;
    let mut objects = vec![b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()];
    for i in 0..n {
        objects.push(format!("<< /Type /Pages /Kids [{} 0 R] /Count 1 >>", i + 3).into_bytes());
    }
    objects.push(b"<< /Type /Page /MediaBox [0 0 595 842] >>".to_vec());
    // Whatever lopdf makes of it (the leaf lacks /Parent), it must return.
    let _ = pdf(&motebok::pdfgen::raw_pdf(&objects));
}

#[test]
fn page_tree_that_contains_itself() {
    let bytes = motebok::pdfgen::raw_pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_vec(),
    ]);
    let _ = pdf(&bytes);
}

#[test]
fn text_of_nothing_but_trigger_words() {
    // Every line a sak heading, label or date: the parser's worst case,
    // bounded in time.
    let line = "Sak 12/21 Vedtak: Møte 3/2021 Dato 12. mars 2021 kl. 09.00 Til stede: Forfall:\n";
    let started = std::time::Instant::now();
    fields(line.repeat(5_000).as_bytes());
    fields(line.replace('\n', " ").repeat(5_000).as_bytes());
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "{:?}", started.elapsed());
}

#[test]
fn empty_and_degenerate_page_texts() {
    for input in [&b""[..], b"\x0c", b"\x0c\x0c\x0c", b"\n", b"\xff\xfe", b"Sak", b"Sak 1/", b"Vedtak:", b"\r\n\r\n", b"\0\0\0"] {
        fields(input);
    }
}
