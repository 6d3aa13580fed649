//! Generated PDFs for the text-fidelity cases (issue 11): each writes a
//! short Norwegian text the way a producer that trips a text extractor
//! would — a Type 3 font, ligature glyphs, a soft-hyphen mapping, a page of
//! figures, encryption with an empty user password, damaged structure —
//! and says which words a careful reader sees.
//!
//! `tests/fidelity.rs` reads every case with motebok and with `pdftotext`;
//! `examples/fidelity.rs` writes them into the benchmark corpus.

use super::raw_pdf;

/// One generated PDF and what it should read as.
pub struct Case {
    /// File name without `.pdf`.
    pub name: &'static str,
    /// What the case exercises.
    pub what: &'static str,
    pub bytes: Vec<u8>,
    /// The text a reader sees, one line a line, pages apart by `\f`.
    pub expected: String,
    /// Whether the text must read well. `false` for a case whose text no
    /// engine can map (it must be flagged instead).
    pub readable: bool,
    /// Whether poppler's `pdftotext` reads it (it gives up on a document
    /// without a catalog, where motebok rebuilds one).
    pub poppler_reads: bool,
}

/// The words of `text` as a careful reader compares them: ligatures spelt
/// out, a drawn soft hyphen as `-` (poppler writes both as they are
/// mapped), zero-width characters dropped, split at white space.
pub fn words(text: &str) -> Vec<String> {
    let visible = crate::pdf::visible_text(text);
    visible
        .split_whitespace()
        .map(|w| w.chars().filter(|c| !matches!(c, '\u{200B}'..='\u{200D}' | '\u{FEFF}')).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Agreement of two texts' word multisets: twice the words they share over
/// the words of both (1.0 for two empty texts).
pub fn agreement(a: &str, b: &str) -> f64 {
    let mut count: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    let wa = words(a);
    let wb = words(b);
    for w in &wa {
        *count.entry(w.clone()).or_default() += 1;
    }
    let mut shared = 0usize;
    for w in &wb {
        if let Some(n) = count.get_mut(w) {
            if *n > 0 {
                *n -= 1;
                shared += 1;
            }
        }
    }
    if wa.is_empty() && wb.is_empty() {
        return 1.0;
    }
    2.0 * shared as f64 / (wa.len() + wb.len()) as f64
}

/// The lines every case sets (Norwegian, with æ ø å, digits and
/// punctuation).
pub const LINES: [&str; 4] = [
    "Referat fra møte i styret 12. mars 2024",
    "Til stede: Kari Nordmann, Per Ås og Åse Ødegård.",
    "Sak 3/24 Årsregnskap: styret godkjente regnskapet.",
    "Vedtak: Forslaget ble vedtatt med 7 mot 2 stemmer.",
];

fn expected_text() -> String {
    LINES.iter().map(|l| format!("{l}\n")).collect()
}

/// A hex string operand of `bytes`.
fn hex(bytes: &[u8]) -> String {
    let mut s = String::from("<");
    for b in bytes {
        s.push_str(&format!("{b:02X}"));
    }
    s.push('>');
    s
}

/// A content stream setting `lines` (already encoded) with font /F1, one
/// line a line, 16 points apart.
fn lines_content(lines: &[Vec<u8>]) -> String {
    let mut s = String::from("BT /F1 12 Tf 72 760 Td\n");
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            s.push_str("0 -16 Td\n");
        }
        s.push_str(&format!("{} Tj\n", hex(l)));
    }
    s.push_str("ET");
    s
}

/// Objects of a one-page PDF: 1 catalog, 2 pages, 3 page, 4 the font /F1,
/// 5 the content, then `extra` (6, 7, …).
fn one_page_objects(font: &str, content: &str, extra: &[String]) -> Vec<String> {
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_string(),
        font.to_string(),
        super::stream_object("", content),
    ];
    objects.extend(extra.iter().cloned());
    objects
}

fn one_page(font: &str, content: &str, extra: &[String]) -> Vec<u8> {
    raw_pdf(&one_page_objects(font, content, extra))
}

/// A `/ToUnicode` CMap stream object mapping one-byte codes to text.
pub fn to_unicode_cmap(map: &[(u8, String)]) -> String {
    let mut body = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n/CMapName /Generated def /CMapType 2 def\n\
         1 begincodespacerange <00> <FF> endcodespacerange\n",
    );
    for chunk in map.chunks(100) {
        body.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (code, text) in chunk {
            let units: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
            body.push_str(&format!("<{code:02X}> <{units}>\n"));
        }
        body.push_str("endbfchar\n");
    }
    body.push_str("endcmap CMapName currentdict /CMap defineresource pop end end");
    super::stream_object("", &body)
}

/// Codes for the distinct characters of `LINES`, from 1 in order of first
/// use, as Chromium/Skia number the glyphs of a Type 3 font; and the lines
/// in those codes.
fn glyph_codes() -> (Vec<char>, Vec<Vec<u8>>) {
    let mut chars: Vec<char> = Vec::new();
    let lines = LINES
        .iter()
        .map(|l| {
            l.chars()
                .map(|c| {
                    let i = chars.iter().position(|&k| k == c).unwrap_or_else(|| {
                        chars.push(c);
                        chars.len() - 1
                    });
                    (i + 1) as u8
                })
                .collect()
        })
        .collect();
    (chars, lines)
}

/// A Type 3 font whose glyphs (codes 1…n) are named by `names`, each drawn
/// as a filled box; `to_unicode`: the object number of its CMap.
fn type3_font(names: &[String], to_unicode: Option<u32>) -> (String, Vec<String>) {
    let procs: Vec<String> = names.iter().map(|_| super::stream_object("", "500 0 50 0 450 700 d1 50 0 400 700 re f")).collect();
    // The char procs follow the font's other objects: 6 (CMap, if any), then these.
    let first = if to_unicode.is_some() { 7 } else { 6 };
    let char_procs: String =
        names.iter().enumerate().map(|(i, n)| format!("/{n} {} 0 R", first + i)).collect::<Vec<_>>().join(" ");
    let differences: String = names.iter().map(|n| format!("/{n}")).collect::<Vec<_>>().join(" ");
    let widths = vec!["500"; names.len()].join(" ");
    let font = format!(
        "<< /Type /Font /Subtype /Type3 /FontMatrix [0.001 0 0 0.001 0 0] /FontBBox [0 0 1000 1000] \
         /Resources << >> /CharProcs << {char_procs} >> /Encoding << /Type /Encoding /Differences [1 {differences}] >> \
         /FirstChar 1 /LastChar {} /Widths [{widths}]{} >>",
        names.len(),
        to_unicode.map(|n| format!(" /ToUnicode {n} 0 R")).unwrap_or_default()
    );
    (font, procs)
}

/// Glyph names a font's designer would use for a character.
fn glyph_name(c: char) -> String {
    match c {
        ' ' => "space".into(),
        '.' => "period".into(),
        ',' => "comma".into(),
        ':' => "colon".into(),
        '/' => "slash".into(),
        '0'..='9' => ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
            [c as usize - '0' as usize]
            .into(),
        'æ' => "ae".into(),
        'ø' => "oslash".into(),
        'å' => "aring".into(),
        'Æ' => "AE".into(),
        'Ø' => "Oslash".into(),
        'Å' => "Aring".into(),
        c if c.is_ascii_alphabetic() => c.to_string(),
        c => format!("uni{:04X}", c as u32),
    }
}

/// Chromium/Skia's Type 3 fonts: glyphs named `/g1`, `/g2`…, text only
/// through `/ToUnicode`.
fn type3_skia() -> Case {
    let (chars, lines) = glyph_codes();
    let names: Vec<String> = (1..=chars.len()).map(|i| format!("g{i}")).collect();
    let (font, procs) = type3_font(&names, Some(6));
    let map: Vec<(u8, String)> = chars.iter().enumerate().map(|(i, c)| ((i + 1) as u8, c.to_string())).collect();
    let mut extra = vec![to_unicode_cmap(&map)];
    extra.extend(procs);
    Case {
        name: "type3-tounicode",
        what: "Type 3 font, glyphs named g1, g2, …, mapped by /ToUnicode (Chromium/Skia)",
        bytes: one_page(&font, &lines_content(&lines), &extra),
        expected: expected_text(),
        readable: true,
        poppler_reads: true,
    }
}

/// A Type 3 font whose `/Differences` use standard glyph names, no
/// `/ToUnicode`.
fn type3_names() -> Case {
    let (chars, lines) = glyph_codes();
    let names: Vec<String> = chars.iter().map(|&c| glyph_name(c)).collect();
    let (font, procs) = type3_font(&names, None);
    Case {
        name: "type3-glyph-names",
        what: "Type 3 font, glyphs with standard names in /Differences, no /ToUnicode",
        bytes: one_page(&font, &lines_content(&lines), &procs),
        expected: expected_text(),
        readable: true,
        poppler_reads: true,
    }
}

/// A Type 3 font with names nothing reads and no `/ToUnicode`: no engine
/// can know its text, so the page must be flagged, not passed off as read.
fn type3_unmapped() -> Case {
    let (chars, lines) = glyph_codes();
    let names: Vec<String> = (1..=chars.len()).map(|i| format!("g{i}")).collect();
    let (font, procs) = type3_font(&names, None);
    Case {
        name: "type3-unmapped",
        what: "Type 3 font, glyphs g1, g2, … and no /ToUnicode: unreadable, must be flagged",
        bytes: one_page(&font, &lines_content(&lines), &procs),
        expected: String::new(),
        readable: false,
        poppler_reads: false,
    }
}

/// Text in WinAnsi bytes with some character sequences replaced by codes.
fn win_ansi_with(line: &str, replace: &[(&str, u8)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = line;
    'outer: while !rest.is_empty() {
        for (seq, code) in replace {
            if let Some(r) = rest.strip_prefix(seq) {
                out.push(*code);
                rest = r;
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.extend(super::win_ansi(&c.to_string()));
        rest = &rest[c.len_utf8()..];
    }
    out
}

const LIGATURE_LINES: [&str; 3] = [
    "Steffensen er kvalifisert for effektiv flyt.",
    "Offisielle affiner og afflux: difficile.",
    "Referat fra møte 12. mars 2024.",
];

/// Ligature glyphs named `/ff`, `/fi`, `/fl`, `/ffi`, `/ffl` in the
/// `/Differences` of a Times font, as pdfTeX writes them.
fn ligatures_by_name() -> Case {
    let codes: [(&str, u8); 5] = [("ffi", 0x0E), ("ffl", 0x0F), ("ff", 0x0B), ("fi", 0x0C), ("fl", 0x0D)];
    let lines: Vec<Vec<u8>> = LIGATURE_LINES.iter().map(|l| win_ansi_with(l, &codes)).collect();
    let font = "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding << /Type /Encoding \
                /BaseEncoding /WinAnsiEncoding /Differences [11 /ff /fi /fl /ffi /ffl] >> >>";
    Case {
        name: "ligatures-glyph-names",
        what: "ligature glyphs /ff /fi /fl /ffi /ffl by name (LaTeX): spelt out as letters",
        bytes: one_page(font, &lines_content(&lines), &[]),
        expected: LIGATURE_LINES.iter().map(|l| format!("{l}\n")).collect(),
        readable: true,
        poppler_reads: true,
    }
}

/// Ligature glyphs mapped by `/ToUnicode` to U+FB00–FB04.
fn ligatures_by_cmap() -> Case {
    let codes: [(&str, u8); 5] = [("ffi", 0x83), ("ffl", 0x84), ("ff", 0x80), ("fi", 0x81), ("fl", 0x82)];
    let lines: Vec<Vec<u8>> = LIGATURE_LINES.iter().map(|l| win_ansi_with(l, &codes)).collect();
    let mut map: Vec<(u8, String)> = (0x20u8..0x7F).map(|b| (b, (b as char).to_string())).collect();
    map.extend([(0x80, "\u{FB00}"), (0x81, "\u{FB01}"), (0x82, "\u{FB02}"), (0x83, "\u{FB03}"), (0x84, "\u{FB04}")].map(|(c, t)| (c, t.to_string())));
    map.extend([(0xF8u8, "ø".to_string())]);
    let font = "<< /Type /Font /Subtype /TrueType /BaseFont /Arial /Encoding /WinAnsiEncoding /ToUnicode 6 0 R >>";
    Case {
        name: "ligatures-tounicode",
        what: "ligature glyphs mapped by /ToUnicode to U+FB00-FB04: spelt out as letters",
        bytes: one_page(font, &lines_content(&lines), &[to_unicode_cmap(&map)]),
        expected: LIGATURE_LINES.iter().map(|l| format!("{l}\n")).collect(),
        readable: true,
        poppler_reads: true,
    }
}

const HYPHEN_LINES: [&str; 3] =
    ["Til stede: Andreas Lind-Johansen og FU-koordinator", "Kari Berg-Hansen (nestleder), roll-up og e-post.", "Sak 2-turneringen: utsatt."];

/// A WinAnsi font whose hyphens are drawn with code 0xAD (soft hyphen).
fn soft_hyphen_win_ansi() -> Case {
    let lines: Vec<Vec<u8>> = HYPHEN_LINES.iter().map(|l| win_ansi_with(l, &[("-", 0xAD)])).collect();
    let font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
    Case {
        name: "soft-hyphen-winansi",
        what: "visible hyphens drawn with WinAnsi code 0xAD (soft hyphen): read as '-'",
        bytes: one_page(font, &lines_content(&lines), &[]),
        expected: HYPHEN_LINES.iter().map(|l| format!("{l}\n")).collect(),
        readable: true,
        poppler_reads: true,
    }
}

/// A font whose `/ToUnicode` maps the hyphen glyph to U+00AD (Word).
fn soft_hyphen_cmap() -> Case {
    let lines: Vec<Vec<u8>> = HYPHEN_LINES.iter().map(|l| super::win_ansi(l)).collect();
    let mut map: Vec<(u8, String)> = (0x20u8..0x7F).map(|b| (b, (b as char).to_string())).collect();
    if let Some(slot) = map.iter_mut().find(|(c, _)| *c == b'-') {
        slot.1 = "\u{AD}".into();
    }
    let font = "<< /Type /Font /Subtype /TrueType /BaseFont /Calibri /Encoding /WinAnsiEncoding /ToUnicode 6 0 R >>";
    Case {
        name: "soft-hyphen-tounicode",
        what: "the hyphen glyph mapped to U+00AD by /ToUnicode (Word): read as '-'",
        bytes: one_page(font, &lines_content(&lines), &[to_unicode_cmap(&map)]),
        expected: HYPHEN_LINES.iter().map(|l| format!("{l}\n")).collect(),
        readable: true,
        poppler_reads: true,
    }
}

/// A page of figures: no letters at all.
fn letterless() -> Case {
    let rows: Vec<String> = (0..12)
        .map(|i| format!("{} {} {},{} % {}", 2013 + i, 1200 + 37 * i, 10 + i, i % 10, 98_000 - 1_234 * i))
        .collect();
    let lines: Vec<Vec<u8>> = rows.iter().map(|l| super::win_ansi(l)).collect();
    Case {
        name: "letterless",
        what: "a page of figures, no letters: text, not 'no text layer'",
        bytes: one_page(
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            &lines_content(&lines),
            &[],
        ),
        expected: rows.iter().map(|l| format!("{l}\n")).collect(),
        readable: true,
        poppler_reads: true,
    }
}

fn helvetica_objects() -> Vec<String> {
    let lines: Vec<Vec<u8>> = LINES.iter().map(|l| super::win_ansi(l)).collect();
    one_page_objects(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        &lines_content(&lines),
        &[],
    )
}

/// A PDF from object bodies, with a cross-reference table built by
/// `xref` from the true offsets, and `trailer` entries after /Size.
fn pdf_with(objects: &[Vec<u8>], trailer: &str, xref: impl Fn(usize, usize) -> usize) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let at = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for (i, o) in offsets.iter().enumerate() {
        out.extend_from_slice(format!("{:010} 00000 n \n", xref(i + 1, *o)).as_bytes());
    }
    out.extend_from_slice(format!("trailer\n<< /Size {} {trailer} >>\nstartxref\n{at}\n%%EOF\n", objects.len() + 1).as_bytes());
    out
}

fn bytes_of(objects: &[String]) -> Vec<Vec<u8>> {
    objects.iter().map(|o| o.as_bytes().to_vec()).collect()
}

/// A content stream whose `/Length` is missing or unusable.
fn bad_length(name: &'static str, what: &'static str, length: &str) -> Case {
    let mut objects = helvetica_objects();
    let content = lines_content(&LINES.iter().map(|l| super::win_ansi(l)).collect::<Vec<_>>());
    objects[4] = format!("<< {length} >>\nstream\n{content}\nendstream");
    Case {
        name,
        what,
        bytes: pdf_with(&bytes_of(&objects), "/Root 1 0 R", |_, o| o),
        expected: expected_text(),
        readable: true,
        poppler_reads: true,
    }
}

/// The xref table gives object 5 (the content) a wrong offset.
fn wrong_xref_offset() -> Case {
    let objects = helvetica_objects();
    Case {
        name: "wrong-xref-offset",
        what: "the cross-reference table points 40 bytes before the page content",
        bytes: pdf_with(&bytes_of(&objects), "/Root 1 0 R", |n, o| if n == 5 { o - 40 } else { o }),
        expected: expected_text(),
        readable: true,
        poppler_reads: true,
    }
}

/// `/Pages` of the catalog is the page itself, not a page tree.
fn page_tree_root_is_page() -> Case {
    let mut objects = helvetica_objects();
    objects[0] = "<< /Type /Catalog /Pages 3 0 R >>".into();
    objects[2] = objects[2].replace(" /Parent 2 0 R", "");
    Case {
        name: "page-tree-root-is-page",
        what: "the catalog's /Pages is a page, not a page tree",
        bytes: pdf_with(&bytes_of(&objects), "/Root 1 0 R", |_, o| o),
        expected: expected_text(),
        readable: true,
        poppler_reads: true,
    }
}

/// The trailer's `/Root` names an object that is not there (`no_catalog`:
/// and no catalog is left anywhere; the page tree is).
fn missing_catalog(no_catalog: bool) -> Case {
    let mut objects = helvetica_objects();
    if no_catalog {
        objects[0] = "null".into();
    }
    Case {
        name: if no_catalog { "no-catalog" } else { "missing-root" },
        what: if no_catalog {
            "no document catalog at all; the page tree is there"
        } else {
            "the trailer's /Root points to a missing object; the catalog is there"
        },
        bytes: pdf_with(&bytes_of(&objects), "/Root 9 0 R", |_, o| o),
        expected: expected_text(),
        readable: true,
        poppler_reads: false,
    }
}

/// Filters named by their abbreviations (`/Fl`, `/AHx`), as inline images
/// name them and some producers write in streams.
fn abbreviated_filters() -> Case {
    let content = lines_content(&LINES.iter().map(|l| super::win_ansi(l)).collect::<Vec<_>>());
    let mut stream = lopdf::Stream::new(lopdf::Dictionary::new(), content.into_bytes());
    let _ = stream.compress();
    let deflated = stream.content;
    let hexed: String = deflated.iter().map(|b| format!("{b:02x}")).collect::<String>() + ">";
    let mut objects = bytes_of(&helvetica_objects());
    let mut body = format!("<< /Filter [/AHx /Fl] /Length {} >>\nstream\n", hexed.len()).into_bytes();
    body.extend_from_slice(hexed.as_bytes());
    body.extend_from_slice(b"\nendstream");
    objects[4] = body;
    Case {
        name: "abbreviated-filters",
        what: "a content stream with /Filter [/AHx /Fl] (abbreviated names)",
        bytes: pdf_with(&objects, "/Root 1 0 R", |_, o| o),
        expected: expected_text(),
        readable: true,
        poppler_reads: true,
    }
}

/// A Form XObject that names itself in its own `/Resources` but never
/// draws itself: no cycle.
fn form_lists_itself() -> Case {
    let lines: Vec<Vec<u8>> = LINES.iter().map(|l| super::win_ansi(l)).collect();
    let font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
    let objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> /XObject << /Fm0 6 0 R >> >> /Contents 5 0 R >>".to_string(),
        font.to_string(),
        super::stream_object("", "q /Fm0 Do Q"),
        super::stream_object(
            "/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> /XObject << /Fm0 6 0 R >> >>",
            &lines_content(&lines),
        ),
    ];
    Case {
        name: "form-lists-itself",
        what: "a Form XObject that lists itself in its /Resources but never draws itself",
        bytes: raw_pdf(&objects),
        expected: expected_text(),
        readable: true,
        poppler_reads: true,
    }
}

/// How a case is encrypted.
#[derive(Clone, Copy)]
enum Crypt {
    Rc4_40,
    Rc4_128,
    Aes128,
    Aes256R5,
    Aes256R6,
}

/// `LINES` in Helvetica, encrypted by lopdf with an empty user password
/// and owner password `owner`; `tweak` then edits the document (the
/// `/Encrypt` dictionary's id is passed) before it is written.
#[allow(deprecated)]
fn encrypted(crypt: Crypt, file_id: &[u8], tweak: impl Fn(&mut lopdf::Document, lopdf::ObjectId)) -> Vec<u8> {
    use lopdf::encryption::crypt_filters::{Aes128CryptFilter, Aes256CryptFilter, CryptFilter};
    use lopdf::encryption::{EncryptionState, EncryptionVersion, Permissions};
    use std::collections::BTreeMap;
    use std::sync::Arc;
    let Ok(mut doc) = lopdf::Document::load_mem(&raw_pdf(&helvetica_objects())) else { return Vec::new() };
    let id = lopdf::Object::String(file_id.to_vec(), lopdf::StringFormat::Hexadecimal);
    doc.trailer.set("ID", vec![id.clone(), id]);
    let key = [0x5Au8; 32];
    let aes128: Arc<dyn CryptFilter> = Arc::new(Aes128CryptFilter);
    let aes256: Arc<dyn CryptFilter> = Arc::new(Aes256CryptFilter);
    let (owner_password, user_password, permissions) = ("owner", "", Permissions::all());
    let version = match crypt {
        Crypt::Rc4_40 => EncryptionVersion::V1 { document: &doc, owner_password, user_password, permissions },
        Crypt::Rc4_128 => EncryptionVersion::V2 { document: &doc, owner_password, user_password, key_length: 128, permissions },
        Crypt::Aes128 => EncryptionVersion::V4 {
            document: &doc,
            encrypt_metadata: true,
            crypt_filters: BTreeMap::from([(b"StdCF".to_vec(), aes128)]),
            stream_filter: b"StdCF".to_vec(),
            string_filter: b"StdCF".to_vec(),
            owner_password,
            user_password,
            permissions,
        },
        Crypt::Aes256R5 => EncryptionVersion::R5 {
            encrypt_metadata: true,
            crypt_filters: BTreeMap::from([(b"StdCF".to_vec(), aes256)]),
            file_encryption_key: &key,
            stream_filter: b"StdCF".to_vec(),
            string_filter: b"StdCF".to_vec(),
            owner_password,
            user_password,
            permissions,
        },
        Crypt::Aes256R6 => EncryptionVersion::V5 {
            encrypt_metadata: true,
            crypt_filters: BTreeMap::from([(b"StdCF".to_vec(), aes256)]),
            file_encryption_key: &key,
            stream_filter: b"StdCF".to_vec(),
            string_filter: b"StdCF".to_vec(),
            owner_password,
            user_password,
            permissions,
        },
    };
    let Ok(state) = EncryptionState::try_from(version) else { return Vec::new() };
    if doc.encrypt(&state).is_err() {
        return Vec::new();
    }
    if let Ok(lopdf::Object::Reference(encrypt_id)) = doc.trailer.get(b"Encrypt").cloned() {
        tweak(&mut doc, encrypt_id);
    }
    let mut out = Vec::new();
    let _ = doc.save_to(&mut out);
    out
}

fn encrypted_case(
    name: &'static str, what: &'static str, crypt: Crypt, tweak: impl Fn(&mut lopdf::Document, lopdf::ObjectId),
) -> Case {
    let bytes = encrypted(crypt, b"motebok-fidelity", tweak);
    Case { name, what, bytes, expected: expected_text(), readable: true, poppler_reads: true }
}

fn encryption_cases() -> Vec<Case> {
    let none = |_: &mut lopdf::Document, _| {};
    vec![
        encrypted_case("rc4-40-empty-password", "RC4 40-bit (revision 2), empty user password", Crypt::Rc4_40, none),
        encrypted_case("rc4-128-empty-password", "RC4 128-bit (revision 3), empty user password", Crypt::Rc4_128, none),
        encrypted_case("aes128-empty-password", "AES-128 (revision 4), empty user password", Crypt::Aes128, none),
        encrypted_case("aes256-r5-empty-password", "AES-256 (revision 5), empty user password", Crypt::Aes256R5, none),
        encrypted_case("aes256-r6-empty-password", "AES-256 (revision 6), empty user password", Crypt::Aes256R6, none),
        encrypted_case(
            "aes256-r6-bad-perms",
            "AES-256 (revision 6), empty user password, a /Perms entry that does not check out (poppler ignores it)",
            Crypt::Aes256R6,
            |doc, id| {
                if let Ok(dict) = doc.get_object_mut(id).and_then(lopdf::Object::as_dict_mut) {
                    dict.set("Perms", lopdf::Object::String(vec![0; 16], lopdf::StringFormat::Hexadecimal));
                }
            },
        ),
        Case {
            name: "rc4-128-no-id",
            what: "RC4 128-bit, empty user password, no /ID in the trailer (the key made with an empty ID)",
            bytes: encrypted(Crypt::Rc4_128, b"", |doc, _| {
                doc.trailer.remove(b"ID");
            }),
            expected: expected_text(),
            readable: true,
            poppler_reads: true,
        },
    ]
}

/// Every case.
pub fn cases() -> Vec<Case> {
    vec![
        type3_skia(),
        type3_names(),
        type3_unmapped(),
        ligatures_by_name(),
        ligatures_by_cmap(),
        soft_hyphen_win_ansi(),
        soft_hyphen_cmap(),
        letterless(),
        bad_length("missing-length", "a content stream without /Length", ""),
        bad_length("non-integer-length", "a content stream whose /Length is a name", "/Length /Unknown"),
        bad_length("short-length", "a content stream whose /Length is too short", "/Length 20"),
        wrong_xref_offset(),
        page_tree_root_is_page(),
        missing_catalog(false),
        missing_catalog(true),
        abbreviated_filters(),
        form_lists_itself(),
    ]
    .into_iter()
    .chain(encryption_cases())
    .collect()
}
