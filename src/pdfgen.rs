//! Writing simple text PDFs: one text line a line, Helvetica (a standard,
//! non-embedded font) with WinAnsi encoding. For building test corpora and
//! benchmarks from text, and for trying motebok on a text before a PDF of it
//! exists; not a typesetter.

pub mod fidelity;

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Dictionary, Document, Object, Stream};

/// A PDF of `text`, `per_page` non-empty lines a page.
pub fn text_pdf(text: &str, per_page: usize) -> Vec<u8> {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let contents: Vec<Vec<u8>> = lines
        .chunks(per_page.max(1))
        .map(|chunk| {
            let mut ops = Vec::new();
            for (i, line) in chunk.iter().enumerate() {
                let y = 800 - 14 * i as i64;
                ops.push(Operation::new("BT", vec![]));
                ops.push(Operation::new("Tf", vec!["F1".into(), 9.into()]));
                ops.push(Operation::new("Td", vec![40.into(), y.into()]));
                ops.push(Operation::new("Tj", vec![Object::String(win_ansi(line), lopdf::StringFormat::Literal)]));
                ops.push(Operation::new("ET", vec![]));
            }
            // Encoding a content stream of plain operators cannot fail.
            Content { operations: ops }.encode().unwrap_or_default()
        })
        .collect();
    content_pdf(helvetica(), &contents)
}

/// A one-page PDF of text placed at points: each `(x, y, text)` drawn on
/// its own, in the order given (a table written column by column, as some
/// producers do, comes out in that order from a naive extractor).
pub fn placed_pdf(placed: &[(f32, f32, &str)]) -> Vec<u8> {
    let mut ops = Vec::new();
    for (x, y, text) in placed {
        ops.push(Operation::new("BT", vec![]));
        ops.push(Operation::new("Tf", vec!["F1".into(), 10.into()]));
        ops.push(Operation::new("Td", vec![(*x).into(), (*y).into()]));
        ops.push(Operation::new("Tj", vec![Object::String(win_ansi(text), lopdf::StringFormat::Literal)]));
        ops.push(Operation::new("ET", vec![]));
    }
    // Encoding a content stream of plain operators cannot fail.
    content_pdf(helvetica(), &[Content { operations: ops }.encode().unwrap_or_default()])
}

/// The standard Helvetica font with WinAnsi encoding.
pub fn helvetica() -> Dictionary {
    dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" }
}

/// A PDF of A4 pages, one a content stream (compressed, as real producers
/// write them), with `font` as resource `/F1`.
pub fn content_pdf(font: Dictionary, contents: &[Vec<u8>]) -> Vec<u8> {
    let mut doc = Document::with_version("1.4");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(font);
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids = Vec::new();
    for content in contents {
        let mut stream = Stream::new(dictionary! {}, content.clone());
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

/// A PDF from raw object bodies (numbered from 1; object 1 the catalog)
/// with a correct cross-reference table: for hand-made structures that a
/// writer library would refuse to produce.
pub fn raw_pdf<B: AsRef<[u8]>>(objects: &[B]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body.as_ref());
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

/// The body of a stream object with `dict` entries and `data`.
pub fn stream_object(dict: &str, data: &str) -> String {
    format!("<< {dict} /Length {} >>\nstream\n{data}\nendstream", data.len())
}

/// Two pages; page 1's text is drawn only through Form XObject /Fm0 (which
/// lopdf's own extractor does not enter). With `self_drawing`, /Fm0 also
/// draws itself: a reference cycle that overflows a naive renderer's stack.
pub fn form_xobject_pdf(self_drawing: bool) -> Vec<u8> {
    let font = "<< /Font << /F1 5 0 R >> >>";
    let page_resources = "<< /Font << /F1 5 0 R >> /XObject << /Fm0 6 0 R >> >>";
    let (form_resources, form_content) = if self_drawing {
        (page_resources, "BT /F1 12 Tf 72 700 Td (Vedtak fra tidligere behandlinger) Tj ET q /Fm0 Do Q")
    } else {
        (font, "BT /F1 12 Tf 72 700 Td (Vedtak fra tidligere behandlinger) Tj ET")
    };
    raw_pdf(&[
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>".to_string(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources {page_resources} /Contents 7 0 R >>"),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources {font} /Contents 8 0 R >>"),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        stream_object(&format!("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources {form_resources}"), form_content),
        stream_object("", "q /Fm0 Do Q"),
        stream_object("", "BT /F1 12 Tf 72 700 Td (Second page text) Tj ET"),
    ])
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
