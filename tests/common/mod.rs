//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use motebok::model::Engine;
use motebok::pdf::PageText;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn seed(id: &str) -> String {
    std::fs::read_to_string(root().join("tests/seeds").join(format!("{id}.txt"))).expect("seed text")
}

pub fn gold(id: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("tests/gold").join(format!("{id}.json"))).expect("gold file");
    serde_json::from_str(&text).expect("gold JSON")
}

/// Text cut into pages of `per_page` lines, as a text layer would give it.
pub fn pages_of(text: &str, per_page: usize) -> Vec<PageText> {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .chunks(per_page.max(1))
        .enumerate()
        .map(|(i, chunk)| PageText {
            number: i as u32 + 1,
            text: chunk.join("\n"),
            engine: Engine::Lopdf,
            ocr_confidence: None,
            error: None,
        })
        .collect()
}

/// F1 of the documents parsed from `pages` against gold `id`.
pub fn f1_of_pages(id: &str, pages: &[PageText]) -> f64 {
    let rules = motebok::rules::Rules::embedded();
    let docs = motebok::fields::parse_documents(pages, &rules);
    let out = serde_json::json!({ "documents": docs });
    let gold = gold(id);
    let score = motebok::eval::score_runs([(id, &gold, Some(&out))]);
    if score.f1 < 0.999 {
        for m in score.misses.iter().take(30) {
            eprintln!("{m:?}");
        }
    }
    score.f1
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}

/// A PDF with the given text, one line a text line, in Helvetica (a
/// standard, non-embedded font with WinAnsi encoding: another producer than
/// the fixtures' embedded TrueType). `per_page` lines a page.
pub fn helvetica_pdf(text: &str, per_page: usize) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.4");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let mut kids = Vec::new();
    for chunk in lines.chunks(per_page.max(1)) {
        let mut ops = Vec::new();
        for (i, line) in chunk.iter().enumerate() {
            let y = 800 - 14 * i as i64;
            ops.push(Operation::new("BT", vec![]));
            ops.push(Operation::new("Tf", vec!["F1".into(), 9.into()]));
            ops.push(Operation::new("Td", vec![40.into(), y.into()]));
            ops.push(Operation::new("Tj", vec![Object::String(win_ansi(line), lopdf::StringFormat::Literal)]));
            ops.push(Operation::new("ET", vec![]));
        }
        let content = Content { operations: ops };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().expect("content encodes")));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id, "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        kids.push(Object::from(page_id));
    }
    let count = kids.len() as i64;
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("PDF written");
    bytes
}

fn win_ansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '–' => 0x96,
            '—' => 0x97,
            '•' => 0x95,
            '’' => 0x92,
            '‘' => 0x91,
            '“' => 0x93,
            '”' => 0x94,
            '…' => 0x85,
            c if (c as u32) < 256 => c as u32 as u8,
            _ => b'?',
        })
        .collect()
}
