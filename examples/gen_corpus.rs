//! Write a long, seed-like minutes PDF for the throughput benchmark
//! (`benches/throughput.sh`): the seed texts of the fixtures, one after
//! another and over again, typeset in Helvetica (WinAnsi) at `LINES` lines a
//! page until the file has `PAGES` pages.
//!
//! `cargo run --release --example gen_corpus -- OUT.pdf [PAGES] [LINES]`
//! (defaults: 200 pages, 45 lines a page).
use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(out) = args.get(1) else {
        eprintln!("usage: gen_corpus OUT.pdf [PAGES] [LINES_PER_PAGE]");
        std::process::exit(2);
    };
    let pages: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    let per_page: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(45).max(1);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/seeds");
    let mut seed_lines: Vec<String> = Vec::new();
    for id in ["002", "000", "001", "003", "004"] {
        let text = std::fs::read_to_string(root.join(format!("{id}.txt"))).expect("seed text");
        seed_lines.extend(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string));
    }
    let lines: Vec<&str> = seed_lines.iter().map(String::as_str).cycle().take(pages * per_page).collect();
    let bytes = helvetica_pdf(&lines, per_page);
    std::fs::write(out, bytes).expect("output written");
}

/// Like `tests/common/mod.rs`'s `helvetica_pdf`: one text object a line.
fn helvetica_pdf(lines: &[&str], per_page: usize) -> Vec<u8> {
    let mut doc = Document::with_version("1.4");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids = Vec::new();
    for (n, chunk) in lines.chunks(per_page).enumerate() {
        let mut ops = Vec::new();
        for (i, line) in chunk.iter().enumerate() {
            let y = 800 - 16 * i as i64;
            ops.push(Operation::new("BT", vec![]));
            ops.push(Operation::new("Tf", vec!["F1".into(), 10.into()]));
            ops.push(Operation::new("Td", vec![50.into(), y.into()]));
            ops.push(Operation::new("Tj", vec![Object::String(win_ansi(line), lopdf::StringFormat::Literal)]));
            ops.push(Operation::new("ET", vec![]));
        }
        // Page furniture, as the fixtures have it.
        ops.push(Operation::new("BT", vec![]));
        ops.push(Operation::new("Tf", vec!["F1".into(), 8.into()]));
        ops.push(Operation::new("Td", vec![500.into(), 30.into()]));
        ops.push(Operation::new("Tj", vec![Object::String(format!("side {}", n + 1).into_bytes(), lopdf::StringFormat::Literal)]));
        ops.push(Operation::new("ET", vec![]));
        let content = Content { operations: ops };
        let mut stream = Stream::new(dictionary! {}, content.encode().expect("content encodes"));
        let _ = stream.compress();
        let content_id = doc.add_object(stream);
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
    let info_id = doc.add_object(dictionary! {
        "Title" => Object::string_literal("Referat fra møter i NUIT (benchmark corpus)"),
        "Producer" => Object::string_literal("motebok gen_corpus"),
    });
    doc.trailer.set("Info", info_id);
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
