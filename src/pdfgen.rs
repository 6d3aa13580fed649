//! Writing simple text PDFs: one text line a line, Helvetica (a standard,
//! non-embedded font) with WinAnsi encoding. For building test corpora and
//! benchmarks from text, and for trying motebok on a text before a PDF of it
//! exists; not a typesetter.

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};

/// A PDF of `text`, `per_page` non-empty lines a page.
pub fn text_pdf(text: &str, per_page: usize) -> Vec<u8> {
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
        // Encoding a content stream of plain operators cannot fail.
        let bytes = content.encode().unwrap_or_default();
        let mut stream = Stream::new(dictionary! {}, bytes);
        // Compressed, as real producers write them.
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
    let mut bytes = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = doc.save_to(&mut bytes);
    bytes
}

/// Text in Windows-1252 (WinAnsi) bytes; characters it lacks become `?`.
pub fn win_ansi(s: &str) -> Vec<u8> {
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
            '€' => 0x80,
            c if (c as u32) < 256 => c as u32 as u8,
            _ => b'?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_text_reads_back() {
        let bytes = text_pdf("Møte i NUIT\nDato 8. april 2022 – kl. 08.00\n\nside 2\nNUIT ber om innspill.", 2);
        let doc = crate::pdf::decode(&bytes, &Default::default()).expect("readable");
        assert_eq!(doc.pages.len(), 2);
        assert_eq!(doc.pages[0].text.trim(), "Møte i NUIT\nDato 8. april 2022 – kl. 08.00");
    }

    #[test]
    fn win_ansi_maps_typographic_characters() {
        assert_eq!(win_ansi("æøå–•€✓"), vec![0xe6, 0xf8, 0xe5, 0x96, 0x95, 0x80, b'?']);
    }
}
