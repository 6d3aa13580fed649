//! Text fidelity (issue 11): every generated case of `pdfgen::fidelity`
//! reads as a careful reader sees it, agrees with poppler's `pdftotext`
//! where poppler reads it, and a page no engine can read is flagged, never
//! passed off as ok.
//!
//! Needs `pdftotext` (poppler-utils, installed by `.ci/run`): without it the
//! comparison tests fail rather than skip.

use std::process::Command;

use motebok::model::{Engine, Quality, Status};
use motebok::pdf::{decode, DecodeOptions};
use motebok::pdfgen::fidelity::{agreement, cases, words, Case};
use motebok::rules::Rules;

fn text_of(d: &motebok::pdf::DecodedPdf) -> String {
    d.pages.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\u{0C}")
}

fn pdftotext(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("case.pdf");
    std::fs::write(&path, bytes).expect("write case");
    let out = Command::new("pdftotext")
        .arg("-raw")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext (poppler-utils) is needed for this test and could not be run: {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn case(name: &str) -> Case {
    cases().into_iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no case {name}"))
}

/// Every readable case gives exactly the expected words, each page good and
/// read by the layout extractor (or pdf-extract for text in forms), and the
/// file is `ok`.
#[test]
fn every_readable_case_reads_as_written() {
    let rules = Rules::embedded();
    for c in cases().into_iter().filter(|c| c.readable) {
        let d = decode(&c.bytes, &DecodeOptions::default()).unwrap_or_else(|e| panic!("{}: {e}", c.name));
        let text = text_of(&d);
        assert_eq!(words(&text), words(&c.expected), "{}: {}\n{text}", c.name, c.what);
        for p in &d.pages {
            assert_eq!(p.quality, Quality::Good, "{}: page {} {:?}", c.name, p.number, p.quality_note);
            assert!(matches!(p.engine, Engine::Lopdf | Engine::PdfExtract), "{}: {:?}", c.name, p.engine);
            assert_eq!(p.error, None, "{}", c.name);
        }
        let record = motebok::pipeline::record_from_decoded(c.name, &c.bytes, Ok(d), &rules);
        assert_eq!(record.status, Status::Ok, "{}: {:?}", c.name, record.errors);
    }
}

/// poppler reads the cases it can read as motebok does.
#[test]
fn readable_cases_agree_with_pdftotext() {
    for c in cases().into_iter().filter(|c| c.readable && c.poppler_reads) {
        let theirs = pdftotext(&c.bytes);
        let a = agreement(&theirs, &c.expected);
        assert!(a >= 0.99, "{}: pdftotext agrees {a:.3} with the expected text: {theirs:?}", c.name);
        let d = decode(&c.bytes, &DecodeOptions::default()).unwrap();
        let ours = agreement(&text_of(&d), &theirs);
        assert!(ours >= 0.99, "{}: motebok agrees {ours:.3} with pdftotext", c.name);
    }
}

/// A Type 3 font with unnamed glyphs and no /ToUnicode cannot be read by any
/// engine: the page is flagged poor, the file partial, with a reason.
#[test]
fn unreadable_type3_is_flagged_not_ok() {
    let c = case("type3-unmapped");
    let d = decode(&c.bytes, &DecodeOptions::default()).unwrap();
    assert_eq!(d.pages[0].quality, Quality::Poor, "{:?}", d.pages[0]);
    let note = d.pages[0].quality_note.clone().unwrap_or_default();
    assert!(note.contains("glyphs map to no character"), "{note}");
    let record = motebok::pipeline::record_from_decoded("type3-unmapped.pdf", &c.bytes, Ok(d), &Rules::embedded());
    assert_eq!(record.status, Status::Partial);
    assert_eq!(record.pages[0].quality, Quality::Poor);
    assert!(record.errors.iter().any(|e| e.page == Some(1) && e.message.contains("poor text")), "{:?}", record.errors);
}

/// Ligatures and soft hyphens: the exact characters, not just the words.
#[test]
fn ligatures_are_spelt_out_and_soft_hyphens_are_hyphens() {
    for name in ["ligatures-glyph-names", "ligatures-tounicode"] {
        let d = decode(&case(name).bytes, &DecodeOptions::default()).unwrap();
        let text = text_of(&d);
        assert!(text.contains("Steffensen") && text.contains("kvalifisert") && text.contains("afflux"), "{name}: {text}");
        assert!(!text.chars().any(|c| ('\u{FB00}'..='\u{FB06}').contains(&c)), "{name}: {text}");
    }
    for name in ["soft-hyphen-winansi", "soft-hyphen-tounicode"] {
        let d = decode(&case(name).bytes, &DecodeOptions::default()).unwrap();
        let text = text_of(&d);
        assert!(text.contains("Lind-Johansen") && text.contains("FU-koordinator"), "{name}: {text}");
        assert!(!text.contains('\u{AD}'), "{name}: {text}");
    }
}

/// A page of figures is text, not "no text layer".
#[test]
fn letterless_page_is_text() {
    let c = case("letterless");
    let d = decode(&c.bytes, &DecodeOptions::default()).unwrap();
    assert_eq!(d.pages[0].engine, Engine::Lopdf);
    assert_eq!(d.pages[0].quality, Quality::Good);
    assert!(d.pages[0].text.starts_with("2013 1200 10,0 % 98000\n"), "{}", d.pages[0].text);
}

/// Repairs say what they did, in our words.
#[test]
fn repairs_are_reported() {
    let warn = |name: &str| decode(&case(name).bytes, &DecodeOptions::default()).unwrap().warnings.join("; ");
    assert!(warn("missing-length").contains("without a usable /Length"), "{}", warn("missing-length"));
    assert!(warn("page-tree-root-is-page").contains("damaged page tree"), "{}", warn("page-tree-root-is-page"));
    assert!(warn("wrong-xref-offset").contains("cross-reference"), "{}", warn("wrong-xref-offset"));
    assert_eq!(warn("abbreviated-filters"), "", "a valid abbreviation is no damage");
    for c in cases() {
        for w in decode(&c.bytes, &DecodeOptions::default()).map(|d| d.warnings).unwrap_or_default() {
            assert!(!w.contains("lopdf") && !w.contains("http"), "{}: {w}", c.name);
        }
    }
}

/// The layout extractor keeps each line's geometry: one `TextLine` per line
/// of the text, left to right, top to bottom.
#[test]
fn lines_carry_geometry() {
    let c = case("type3-tounicode");
    let d = decode(&c.bytes, &DecodeOptions::default()).unwrap();
    let p = &d.pages[0];
    let texts: Vec<&str> = p.lines.iter().map(|l| p.line_text(l)).collect();
    assert_eq!(texts, p.text.lines().collect::<Vec<_>>());
    assert_eq!(p.lines.len(), 4);
    for (i, l) in p.lines.iter().enumerate() {
        assert!((l.x0 - 72.0).abs() < 0.01, "{l:?}");
        assert!(l.x1 > l.x0 + 100.0, "{l:?}");
        assert!((l.baseline - (760.0 - 16.0 * i as f32)).abs() < 0.01, "{l:?}");
        assert!((l.size - 12.0).abs() < 0.01, "{l:?}");
        assert!(!l.bold);
    }
    // Across the worker boundary (JSON), to a hundredth of a point.
    let back: motebok::pdf::PageText = serde_json::from_str(&serde_json::to_string(p).unwrap()).unwrap();
    assert_eq!(back.lines.len(), p.lines.len());
    for (a, b) in back.lines.iter().zip(&p.lines) {
        assert_eq!((a.start, a.end, a.bold), (b.start, b.end, b.bold));
        for (x, y) in [(a.x0, b.x0), (a.x1, b.x1), (a.baseline, b.baseline), (a.size, b.size)] {
            assert!((x - y).abs() <= 0.005, "{a:?} {b:?}");
        }
    }
    let bold = motebok::pdfgen::content_pdf(
        lopdf::dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica-Bold" },
        &[b"BT /F1 10 Tf 50.25 700.5 Td (Vedtak) Tj ET".to_vec()],
    );
    let d = decode(&bold, &DecodeOptions::default()).unwrap();
    let l = d.pages[0].lines[0];
    assert_eq!((d.pages[0].line_text(&l), l.bold, l.x0, l.baseline, l.size), ("Vedtak", true, 50.25, 700.5, 10.0));
}

#[test]
fn agreement_of_word_multisets() {
    assert_eq!(agreement("a b c", "c b a"), 1.0);
    assert_eq!(agreement("", ""), 1.0);
    assert!((agreement("a b c d", "a b c e") - 0.75).abs() < 1e-9);
    // poppler writes the ligature and soft hyphen as mapped; compared as read.
    assert_eq!(agreement("Ste\u{FB00}ensen Lind\u{AD}Johansen", "Steffensen Lind-Johansen"), 1.0);
    assert_eq!(agreement("Merknader\u{200B}", "Merknader"), 1.0);
}

/// `motebok text`: form feed between pages, `--pages`, `--json` with engine
/// and quality per page.
#[test]
fn text_command() {
    let dir = tempfile::tempdir().unwrap();
    let two_pages = motebok::pdfgen::text_pdf("Første side\nAndre side\nTredje side", 1);
    let path = dir.path().join("three.pdf");
    std::fs::write(&path, two_pages).unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_motebok")).arg("text").args(args).arg(&path).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, out, _) = run(&[]);
    assert_eq!(code, Some(0));
    assert_eq!(out, "Første side\n\u{0C}Andre side\n\u{0C}Tredje side\n");
    let (_, out, _) = run(&["--pages", "2-3"]);
    assert_eq!(out, "Andre side\n\u{0C}Tredje side\n");
    let (_, out, _) = run(&["--json", "--pages", "1", "--ocr", "never"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["pages"][0]["page"], 1);
    assert_eq!(v["pages"][0]["engine"], "lopdf");
    assert_eq!(v["pages"][0]["quality"], "good");
    assert_eq!(v["pages"][0]["text"], "Første side\n");
    assert_eq!(v["pages"].as_array().map(Vec::len), Some(1));
    let (code, _, err) = run(&["--pages", "9"]);
    assert_eq!(code, Some(2), "{err}");
    let (code, _, err) = run(&["--pages", "x"]);
    assert_eq!(code, Some(2), "{err}");
}

/// Every standard security handler revision opens with the empty user
/// password; files lopdf alone refuses (no /ID, a /Perms that does not check
/// out) are opened as poppler opens them, with a warning.
#[test]
fn empty_user_password_opens_every_revision() {
    for c in cases().into_iter().filter(|c| c.name.contains("password") || c.name.contains("no-id") || c.name.contains("perms")) {
        let d = decode(&c.bytes, &DecodeOptions::default()).unwrap_or_else(|e| panic!("{}: {e}", c.name));
        assert_eq!(words(&text_of(&d)), words(&c.expected), "{}", c.name);
        let lopdf_alone = lopdf::Document::load_mem(&c.bytes).map(|doc| doc.get_pages().len()).unwrap_or(0);
        if c.name.contains("no-id") || c.name.contains("perms") {
            assert_eq!(lopdf_alone, 0, "{}: lopdf opens it by itself now; the case no longer tests our decryption", c.name);
            assert!(d.warnings.iter().any(|w| w.contains("encryption")), "{}: {:?}", c.name, d.warnings);
        } else {
            assert_eq!(lopdf_alone, 1, "{}", c.name);
        }
    }
    // A wrong password is still wrong.
    let c = case("aes256-r6-bad-perms");
    let wrong = DecodeOptions { password: Some("guess".into()), ..DecodeOptions::default() };
    let d = decode(&c.bytes, &wrong);
    assert!(d.is_ok(), "the empty user password opens it whatever is given: {:?}", d.err());
}
