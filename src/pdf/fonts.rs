//! Fonts: the text each character code of a string stands for, and how far
//! it moves the pen. Resolved once per font dictionary per file.
//!
//! A code's text is found as poppler finds it, first answer wins:
//!
//! 1. the font's `/ToUnicode` CMap, for each code it maps;
//! 2. for a simple font (Type1, TrueType, Type3), the glyph name
//!    `/Encoding /Differences` gives the code, read by the Adobe Glyph List
//!    (lopdf's copy), as `uniXXXX` / `uXXXX[XX]`, as a ligature of
//!    components (`f_f_i`), or without a suffix (`a.sc`); names no list
//!    knows (`g12`, as Chromium/Skia name Type 3 glyphs) give nothing here;
//! 3. the base encoding: `/BaseEncoding` or the `/Encoding` name, else
//!    StandardEncoding — except for Type 3 fonts, which have no built-in
//!    encoding: a code their `/Differences` does not name is unmapped.
//!
//! lopdf's own `get_font_encoding` takes `/Encoding` over `/ToUnicode` and
//! drops a whole `/Differences` array for one unknown glyph name, falling
//! back to StandardEncoding: the symbol soup Type 3 fonts came out as.
//!
//! A code none of these map is *unmapped*: it gives no text, and the page
//! counts it ([`Decoded::unmapped`]) for the quality check. Multi-byte
//! (Type0) fonts are read through their `/ToUnicode` by lopdf; without one
//! every code is unmapped.
//!
//! Whatever the source, the text is then made what a reader sees (see
//! [`visible`]): ligatures U+FB00–FB06 are spelt out (`ﬁ` → `fi`) and a
//! soft hyphen that is drawn (U+00AD) is a hyphen, `-`.

use std::collections::HashMap;

use lopdf::{dictionary, Dictionary, Document, Encoding, Object};

use super::afm;

/// Most entries read from a CID font's `/W` array.
const MAX_CID_WIDTHS: usize = 1 << 16;

/// Fonts of a file, resolved once.
#[derive(Default)]
pub(super) struct FontCache<'a> {
    fonts: HashMap<usize, FontEntry<'a>>,
    /// Glyph name → text, as [`glyph_text`] reads it.
    names: HashMap<Vec<u8>, Option<String>>,
}

pub(super) enum FontEntry<'a> {
    Ok(Font<'a>),
    Err { message: String, over_limit: bool },
}

pub(super) struct Font<'a> {
    codes: Codes<'a>,
    widths: Widths,
    /// Set in a bold face (by its name, weight or flags).
    pub(super) bold: bool,
}

/// How a font's codes become text.
enum Codes<'a> {
    /// One-byte codes: each code's text, a span of `text`; None: unmapped.
    Simple { spans: Box<[Option<(u32, u32)>; 256]>, text: String },
    /// Multi-byte codes read through the `/ToUnicode` CMap (lopdf's
    /// decoding, which gives U+FFFD for a code the CMap lacks).
    Cid(Encoding<'a>),
    /// Multi-byte codes without a usable `/ToUnicode`: nothing to read.
    CidUnmapped,
}

impl Codes<'_> {
    fn simple_text(&self, code: u8) -> Option<&str> {
        match self {
            Codes::Simple { spans, text } => spans[code as usize].map(|(a, b)| &text[a as usize..b as usize]),
            _ => None,
        }
    }
}

/// What decoding one string found.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(super) struct Decoded {
    /// Character codes shown.
    pub codes: usize,
    /// Codes that stand for no known character.
    pub unmapped: usize,
    /// Codes drawn invisibly (text rendering mode 3 or 7: an OCR layer).
    pub invisible: usize,
}

impl Font<'_> {
    /// Two-byte (CID) codes: word spacing does not apply.
    pub(super) fn is_cid(&self) -> bool {
        self.widths.is_cid()
    }

    /// Append the text of the string `bytes` to `out`.
    pub(super) fn decode(&self, bytes: &[u8], out: &mut String) -> Decoded {
        match &self.codes {
            Codes::Simple { spans, text } => {
                let mut unmapped = 0;
                out.reserve(bytes.len());
                for &b in bytes {
                    match spans[b as usize] {
                        Some((start, end)) => out.push_str(&text[start as usize..end as usize]),
                        None => unmapped += 1,
                    }
                }
                Decoded { codes: bytes.len(), unmapped, invisible: 0 }
            }
            Codes::Cid(encoding) => {
                let mut raw = String::new();
                // lopdf's ToUnicode decoding does not fail; an error would
                // only mean no text.
                let _ = encoding.write_to_string(bytes, &mut raw);
                let unmapped = raw.chars().filter(|&c| c == '\u{FFFD}').count();
                for c in raw.chars().filter(|&c| c != '\u{FFFD}') {
                    visible(c, out);
                }
                Decoded { codes: bytes.len().div_ceil(2), unmapped, invisible: 0 }
            }
            Codes::CidUnmapped => {
                let n = bytes.len().div_ceil(2);
                Decoded { codes: n, unmapped: n, invisible: 0 }
            }
        }
    }
}

/// Push `c` as a reader sees it: a ligature as its letters, a drawn soft
/// hyphen as `-`.
pub(super) fn visible(c: char, out: &mut String) {
    match c {
        '\u{FB00}' => out.push_str("ff"),
        '\u{FB01}' => out.push_str("fi"),
        '\u{FB02}' => out.push_str("fl"),
        '\u{FB03}' => out.push_str("ffi"),
        '\u{FB04}' => out.push_str("ffl"),
        '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
        '\u{00AD}' => out.push('-'),
        c => out.push(c),
    }
}

/// `text` as a reader sees it (see [`visible`]); borrowed when nothing
/// changes.
pub fn visible_text(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| matches!(c, '\u{FB00}'..='\u{FB06}' | '\u{00AD}')) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        visible(c, &mut out);
    }
    std::borrow::Cow::Owned(out)
}

impl<'a> FontCache<'a> {
    /// Resolve `font` (once per file) and return its key.
    pub(super) fn entry(&mut self, doc: &'a Document, font: &'a Dictionary, limit: usize) -> usize {
        let key = font as *const Dictionary as usize;
        if !self.fonts.contains_key(&key) {
            let entry = match font_codes(doc, font, limit, &mut self.names) {
                Ok(codes) => {
                    let widths = font_widths(doc, font, &codes);
                    FontEntry::Ok(Font { codes, widths, bold: is_bold(doc, font) })
                }
                Err(e) => FontEntry::Err { over_limit: is_over_limit(&e), message: super::reason(&e) },
            };
            self.fonts.insert(key, entry);
        }
        key
    }

    pub(super) fn get(&self, key: usize) -> Option<&FontEntry<'a>> {
        self.fonts.get(&key)
    }
}

/// Whether `font` is a bold face: its name says so (`Arial-BoldMT`,
/// `Calibri,Bold`, `…Black`, `…Heavy`, `…Semibold`), its descriptor's
/// `/FontWeight` is 600 or more, or its ForceBold flag is set.
fn is_bold(doc: &Document, font: &Dictionary) -> bool {
    let descendant = descendant(doc, font);
    let named = |d: &Dictionary| {
        d.get(b"BaseFont").and_then(Object::as_name).is_ok_and(|n| {
            let n = String::from_utf8_lossy(n).to_ascii_lowercase();
            ["bold", "black", "heavy", "semibd", "demi"].iter().any(|w| n.contains(w))
        })
    };
    let described = |d: &Dictionary| {
        let Ok(fd) = d.get_deref(b"FontDescriptor", doc).and_then(Object::as_dict) else { return false };
        let weight = fd.get(b"FontWeight").ok().and_then(|o| num_deref(doc, o)).unwrap_or(0.0);
        let flags = fd.get(b"Flags").ok().and_then(|o| num_deref(doc, o)).unwrap_or(0.0) as i64;
        weight >= 600.0 || flags & (1 << 18) != 0
    };
    named(font) || described(font) || descendant.is_some_and(|d| named(d) || described(d))
}

fn is_over_limit(e: &lopdf::Error) -> bool {
    matches!(e, lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }))
}

/// The `/ToUnicode` CMap of `font` as lopdf reads it, or None (none, or
/// unreadable: poppler too reads such a font by its encoding). Over the
/// decompression limit is an error.
fn to_unicode<'d>(doc: &'d Document, holder: &'d Dictionary, limit: usize) -> lopdf::Result<Option<Encoding<'d>>> {
    if holder.get(b"ToUnicode").is_err() {
        return Ok(None);
    }
    match holder.get_font_encoding_with_limit(doc, limit) {
        Ok(e @ Encoding::UnicodeMapEncoding(_)) => Ok(Some(e)),
        Ok(_) => Ok(None),
        Err(e) if is_over_limit(&e) => Err(e),
        Err(_) => Ok(None),
    }
}

fn font_codes<'a>(
    doc: &'a Document, font: &'a Dictionary, limit: usize, names: &mut HashMap<Vec<u8>, Option<String>>,
) -> lopdf::Result<Codes<'a>> {
    let subtype = font.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"");
    if subtype == b"Type0" {
        // lopdf reads the /ToUnicode of an Identity-H/V font; without one
        // (or with another CMap) it falls back to a one-byte encoding,
        // which reads two-byte codes as garbage.
        if font.get(b"ToUnicode").is_err() {
            return Ok(Codes::CidUnmapped);
        }
        return match font.get_font_encoding_with_limit(doc, limit) {
            Ok(e @ Encoding::UnicodeMapEncoding(_)) => Ok(Codes::Cid(e)),
            Ok(_) => Ok(Codes::CidUnmapped),
            Err(e) if is_over_limit(&e) => Err(e),
            Err(_) => Ok(Codes::CidUnmapped),
        };
    }

    // 1. /ToUnicode.
    let mut from_cmap: [Option<String>; 256] = std::array::from_fn(|_| None);
    if let Ok(object) = font.get(b"ToUnicode") {
        let holder = dictionary! { "Type" => "Font", "ToUnicode" => object.clone() };
        if let Some(Encoding::UnicodeMapEncoding(cmap)) = to_unicode(doc, &holder, limit)? {
            for (code, slot) in from_cmap.iter_mut().enumerate() {
                let units = cmap.get(code as u32, 1).or_else(|| cmap.get(code as u32, 2));
                if let Some(units) = units {
                    let s: String = char::decode_utf16(units).filter_map(Result::ok).collect();
                    if !s.is_empty() && s != "\u{FFFD}" {
                        *slot = Some(s);
                    }
                }
            }
        }
    }

    // 2. and 3. /Encoding: differences over a base.
    let encoding = font.get_deref(b"Encoding", doc).ok();
    let (base_name, differences): (Option<&[u8]>, Option<&Vec<Object>>) = match encoding {
        Some(Object::Name(n)) => (Some(n), None),
        Some(Object::Dictionary(d)) => (
            d.get(b"BaseEncoding").and_then(Object::as_name).ok(),
            d.get_deref(b"Differences", doc).and_then(Object::as_array).ok(),
        ),
        _ => (None, None),
    };
    let type3 = subtype == b"Type3";
    // An embedded Type 1 font program's own encoding (TeX's fonts: bullets,
    // math) is the base when the dictionary names none.
    let builtin = match base_name {
        None if !type3 => builtin_encoding(doc, font, limit)?,
        _ => None,
    };
    let base_name: Option<&[u8]> = match base_name {
        Some(n) => Some(n),
        None if type3 || builtin.is_some() => None,
        None => Some(b"StandardEncoding"),
    };
    let base_holder = base_name.map(|n| dictionary! { "Type" => "Font", "Encoding" => Object::Name(n.to_vec()) });
    let base = base_holder.as_ref().and_then(|h| h.get_font_encoding(doc).ok());

    let mut from_names: [Option<String>; 256] = std::array::from_fn(|_| None);
    if let Some(diffs) = differences {
        let mut code: i64 = 0;
        for item in diffs {
            match deref(doc, item) {
                Object::Integer(c) => code = *c,
                Object::Name(name) => {
                    if (0..256).contains(&code) {
                        let text = names.entry(name.clone()).or_insert_with(|| glyph_text(doc, name)).clone();
                        // A name nothing reads still takes the code from the base.
                        from_names[code as usize] = Some(text.unwrap_or_default());
                    }
                    code += 1;
                }
                _ => {}
            }
        }
    }

    let mut spans: Box<[Option<(u32, u32)>; 256]> = Box::new([None; 256]);
    let mut text = String::new();
    let mut raw = String::new();
    for code in 0..256usize {
        raw.clear();
        if let Some(s) = &from_cmap[code] {
            raw.push_str(s);
        } else if let Some(s) = &from_names[code] {
            // Named by /Differences: that name decides, even when it
            // means nothing (the base encoding no longer applies).
            raw.push_str(s);
        } else if let Some(base) = &base {
            let _ = base.write_to_string(&[code as u8], &mut raw);
        } else if let Some(name) = builtin.as_ref().and_then(|b| b[code].as_ref()) {
            if let Some(t) = names.entry(name.clone()).or_insert_with(|| glyph_text(doc, name)) {
                raw.push_str(t);
            }
        }
        if raw.is_empty() {
            continue;
        }
        let start = text.len() as u32;
        for c in raw.chars() {
            visible(c, &mut text);
        }
        spans[code] = Some((start, text.len() as u32));
    }
    Ok(Codes::Simple { spans, text })
}

/// The glyph names of an embedded Type 1 font program's own `/Encoding`
/// (`dup 15 /bullet put` in its clear-text part), or None when it has none
/// or uses StandardEncoding.
fn builtin_encoding(doc: &Document, font: &Dictionary, limit: usize) -> lopdf::Result<Option<Vec<Option<Vec<u8>>>>> {
    let Ok(descriptor) = font.get_deref(b"FontDescriptor", doc).and_then(Object::as_dict) else { return Ok(None) };
    let Ok(program) = descriptor.get_deref(b"FontFile", doc).and_then(Object::as_stream) else { return Ok(None) };
    let data = match program.get_plain_content_with_limit(limit) {
        Ok(d) => d,
        Err(e) if is_over_limit(&e) => return Err(e),
        Err(_) => return Ok(None),
    };
    let clear = &data[..find(&data, b"eexec").unwrap_or(data.len())];
    let Some(at) = find(clear, b"/Encoding") else { return Ok(None) };
    let rest = &clear[at + b"/Encoding".len()..];
    let head = &rest[..rest.len().min(40)];
    if find(head, b"StandardEncoding").is_some() {
        return Ok(None);
    }
    let mut table: Vec<Option<Vec<u8>>> = vec![None; 256];
    let mut found = false;
    let tokens: Vec<&[u8]> = rest.split(|c| c.is_ascii_whitespace()).filter(|t| !t.is_empty()).collect();
    for (i, t) in tokens.iter().enumerate() {
        if found && (*t == b"readonly" || *t == b"def") {
            break;
        }
        if *t != b"dup" || i + 3 >= tokens.len() || tokens[i + 3] != b"put" {
            continue;
        }
        let code = std::str::from_utf8(tokens[i + 1]).ok().and_then(|c| c.parse::<usize>().ok());
        if let (Some(code), Some(name)) = (code, tokens[i + 2].strip_prefix(b"/")) {
            if code < 256 {
                table[code] = Some(name.to_vec());
                found = true;
            }
        }
    }
    Ok(found.then_some(table))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The text a glyph name stands for: by the Adobe Glyph List (lopdf's
/// table, reached through a one-entry `/Differences`), `uniXXXX…`,
/// `uXXXX[XX]`, ligature components joined by `_`, or the name without a
/// `.suffix`. None for names none of these read.
fn glyph_text(doc: &Document, name: &[u8]) -> Option<String> {
    fn by_list(doc: &Document, name: &[u8]) -> Option<String> {
        let holder = dictionary! {
            "Type" => "Font",
            "Encoding" => dictionary! { "Differences" => vec![Object::Integer(0), Object::Name(name.to_vec())] },
        };
        // An unknown name makes lopdf fall back to StandardEncoding, which
        // has nothing at code 0.
        let encoding = holder.get_font_encoding(doc).ok()?;
        let mut s = String::new();
        encoding.write_to_string(&[0], &mut s).ok()?;
        (!s.is_empty()).then_some(s)
    }
    fn hex_char(h: &str) -> Option<char> {
        u32::from_str_radix(h, 16).ok().and_then(char::from_u32)
    }
    fn one(doc: &Document, name: &str) -> Option<String> {
        if name.is_empty() {
            return None;
        }
        if let Some(s) = by_list(doc, name.as_bytes()) {
            return Some(s);
        }
        if let Some(hex) = name.strip_prefix("uni") {
            if !hex.is_empty() && hex.len() % 4 == 0 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return (0..hex.len()).step_by(4).map(|i| hex_char(&hex[i..i + 4])).collect();
            }
        }
        if let Some(hex) = name.strip_prefix('u') {
            if (4..=6).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return hex_char(hex).map(String::from);
            }
        }
        None
    }
    let name = std::str::from_utf8(name).ok()?;
    let base = match name.find('.') {
        Some(0) | None => name,
        Some(i) => &name[..i],
    };
    if let Some(s) = one(doc, name) {
        return Some(s);
    }
    if base.contains('_') {
        return base.split('_').map(|part| one(doc, part)).collect();
    }
    if base != name {
        return one(doc, base);
    }
    None
}

enum Widths {
    /// One-byte codes: advance of each code per unit font size.
    Simple(Box<[f32; 256]>),
    /// Two-byte codes (Type0): CID ranges `(first, last, width)` sorted by
    /// `first`, and the default width; per unit font size.
    Cid(Vec<(u32, u32, f32)>, f32),
}

impl Widths {
    fn is_cid(&self) -> bool {
        matches!(self, Widths::Cid(..))
    }
}

fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(*r as f64),
        _ => None,
    }
    .filter(|v| v.is_finite())
}

/// An operand of a content operation, as the page walk uses it: borrowed
fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

fn num_deref(doc: &Document, o: &Object) -> Option<f64> {
    num(deref(doc, o))
}

/// The glyph widths of a font, per unit font size.
fn font_widths(doc: &Document, font: &Dictionary, codes: &Codes) -> Widths {
    let subtype = font.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"");
    if subtype == b"Type0" {
        return cid_widths(doc, font);
    }
    // Glyph space → text space: 1/1000, or a Type3 font's own matrix. (The
    // font size stays the `Tf` size: a Type3 font's glyph units say nothing
    // reliable about its em.)
    let mut scale = 0.001;
    if subtype == b"Type3" {
        if let Ok(m) = font.get_deref(b"FontMatrix", doc).and_then(Object::as_array) {
            let a = m.first().and_then(|o| num_deref(doc, o)).unwrap_or(0.001);
            if a.abs() > 1e-9 && a.abs() < 1e3 {
                scale = a.abs();
            }
        }
    }
    let descriptor = font.get_deref(b"FontDescriptor", doc).and_then(Object::as_dict).ok();
    let missing = descriptor.and_then(|d| d.get(b"MissingWidth").ok()).and_then(|o| num_deref(doc, o));
    let mut table = Box::new([0f32; 256]);
    let widths = font.get_deref(b"Widths", doc).and_then(Object::as_array).ok();
    let first = font.get(b"FirstChar").ok().and_then(|o| num_deref(doc, o)).unwrap_or(0.0);
    let standard = standard_table(font);
    for (code, slot) in table.iter_mut().enumerate() {
        let from_widths = widths.and_then(|w| {
            let i = code as f64 - first;
            (i >= 0.0 && i < w.len() as f64).then(|| w.get(i as usize)).flatten().and_then(|o| num_deref(doc, o))
        });
        let w = match (from_widths, widths, &standard) {
            (Some(w), _, _) => w * scale,
            (None, Some(_), _) => missing.map_or(0.5, |m| m * scale),
            (None, None, Some(std)) => codes
                .simple_text(code as u8)
                .and_then(|t| t.chars().next())
                .and_then(|c| std.width(c))
                .map_or(0.5, |w| w * 0.001),
            (None, None, None) => missing.map_or(0.5, |m| m * scale),
        };
        *slot = if w.is_finite() { w as f32 } else { 0.5 };
    }
    Widths::Simple(table)
}

/// Metrics for a standard font named without `/Widths`.
enum Standard {
    Fixed(f64),
    Table(afm::Table),
}

impl Standard {
    fn width(&self, c: char) -> Option<f64> {
        match self {
            Standard::Fixed(w) => Some(*w),
            Standard::Table(t) => t.binary_search_by_key(&c, |e| e.0).ok().map(|i| t[i].1 as f64),
        }
    }
}

fn standard_table(font: &Dictionary) -> Option<Standard> {
    let name = font.get(b"BaseFont").and_then(Object::as_name).ok()?;
    let name = String::from_utf8_lossy(name);
    // A subset prefix "ABCDEF+" names the same font.
    let name = name.split_once('+').map_or(&*name, |(_, n)| n).to_ascii_lowercase();
    let bold = name.contains("bold") || name.contains("black") || name.contains("heavy");
    let italic = name.contains("italic") || name.contains("oblique");
    if name.contains("courier") || name.contains("mono") {
        return Some(Standard::Fixed(600.0));
    }
    if name.contains("times") || name.contains("serif") && !name.contains("sans") || name.contains("georgia") {
        return Some(Standard::Table(match (bold, italic) {
            (false, false) => afm::TIMES_ROMAN,
            (true, false) => afm::TIMES_BOLD,
            (false, true) => afm::TIMES_ITALIC,
            (true, true) => afm::TIMES_BOLD_ITALIC,
        }));
    }
    if name.contains("symbol") || name.contains("dingbat") {
        return None;
    }
    // Helvetica, Arial and other sans fonts: Helvetica's metrics are the
    // nearest guess.
    Some(Standard::Table(if bold { afm::HELVETICA_BOLD } else { afm::HELVETICA }))
}

/// The CID font a Type0 font draws with (its first `/DescendantFonts`).
fn descendant<'a>(doc: &'a Document, font: &'a Dictionary) -> Option<&'a Dictionary> {
    font.get_deref(b"DescendantFonts", doc)
        .and_then(Object::as_array)
        .ok()
        .and_then(|a| a.first())
        .and_then(|o| deref(doc, o).as_dict().ok())
}

/// `/W` and `/DW` of a Type0 font's descendant.
fn cid_widths(doc: &Document, font: &Dictionary) -> Widths {
    let Some(cid) = descendant(doc, font) else { return Widths::Cid(Vec::new(), 1.0) };
    let default = cid.get(b"DW").ok().and_then(|o| num_deref(doc, o)).unwrap_or(1000.0) * 0.001;
    let mut ranges: Vec<(u32, u32, f32)> = Vec::new();
    if let Ok(w) = cid.get_deref(b"W", doc).and_then(Object::as_array) {
        let mut i = 0;
        while i < w.len() && ranges.len() < MAX_CID_WIDTHS {
            let Some(first) = num_deref(doc, &w[i]).filter(|v| (0.0..=u32::MAX as f64).contains(v)) else { break };
            let first = first as u32;
            match w.get(i + 1).map(|o| deref(doc, o)) {
                Some(Object::Array(list)) => {
                    for (k, o) in list.iter().enumerate().take(MAX_CID_WIDTHS) {
                        if let Some(v) = num_deref(doc, o) {
                            let c = first.saturating_add(k as u32);
                            ranges.push((c, c, (v * 0.001) as f32));
                        }
                    }
                    i += 2;
                }
                Some(o) => {
                    let last = num(o).filter(|v| (0.0..=u32::MAX as f64).contains(v)).map(|v| v as u32);
                    let width = w.get(i + 2).and_then(|o| num_deref(doc, o));
                    if let (Some(last), Some(width)) = (last, width) {
                        if last >= first {
                            ranges.push((first, last, (width * 0.001) as f32));
                        }
                    }
                    i += 3;
                }
                None => break,
            }
        }
    }
    ranges.sort_by_key(|r| r.0);
    let default = if default.is_finite() { default as f32 } else { 1.0 };
    Widths::Cid(ranges, default)
}

impl Font<'_> {
    /// Advance of `bytes` in unscaled text space (before `Tz`), with the
    /// character and word spacing.
    pub(super) fn advance(&self, bytes: &[u8], size: f64, tc: f64, tw: f64) -> f64 {
        let mut total = 0.0;
        match &self.widths {
            Widths::Simple(table) => {
                for &b in bytes {
                    total += table[b as usize] as f64 * size + tc;
                    if b == b' ' {
                        total += tw;
                    }
                }
            }
            Widths::Cid(ranges, default) => {
                for code in bytes.chunks(2) {
                    let cid = code.iter().fold(0u32, |acc, &b| acc << 8 | b as u32);
                    // The last range starting at or before `cid`.
                    let i = ranges.partition_point(|r| r.0 <= cid);
                    let w = match i.checked_sub(1).map(|i| ranges[i]) {
                        Some((_, last, w)) if cid <= last => w,
                        _ => *default,
                    };
                    total += w as f64 * size + tc;
                }
            }
        }
        total
    }
}
