//! Page text that follows the text state, one text line a line.
//!
//! lopdf's `extract_text` breaks lines only at `ET`, `T*`, `'` and `"`, so a
//! producer that sets a whole paragraph in one `BT … ET` and moves between
//! lines with `Td` / `TD` / `Tm` (Chromium/Skia, Cairo, Word, pdfTeX), or
//! places every word on its own, comes out as one run-together line. This
//! extractor walks the content operations itself, keeps the text matrix, the
//! CTM (`cm`, `q`, `Q`) and the text state (`Tc`, `Tw`, `Tz`, `TL`, `Ts`,
//! `Tf`), measures every string with the font's glyph widths, and decides
//! from positions alone:
//!
//! * a new line when the baseline moves by more than half the font size,
//!   when the writing direction turns, when text goes back left along the
//!   same baseline by more than a font size, or jumps ahead by more than
//!   three (the next cell of a table row, the next column of a grid);
//! * a space between two runs of one line when the gap between them is more
//!   than 0.15 × the font size (or a `TJ` offset below −200 thousandths of
//!   an em says so); none when they abut, so words placed glyph by glyph come
//!   out whole.
//!
//! Lines stay in content order: nothing is sorted, so two-column layouts
//! and tables keep the reading order they were written in.
//!
//! Strings are decoded with lopdf's own encoding machinery
//! ([`lopdf::Encoding`] from `get_font_encoding_with_limit`), so the text is
//! the characters lopdf's `extract_text` gives; only the whitespace differs.
//! Fonts are resolved once per file (keyed by their dictionary), not once
//! per page.

use std::collections::{BTreeMap, HashMap};

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId};

use super::afm;

/// A run further from the line's baseline than this × the font size starts
/// a new line. Superscripts and subscripts (≈ 0.3) stay on it.
const NEW_LINE: f64 = 0.5;
/// A gap between two runs wider than this × the font size is a space.
const SPACE_GAP: f64 = 0.15;
/// Text further back along the same baseline than this × the font size
/// starts a new line (it cannot continue the one before).
const BACKWARDS: f64 = 1.0;
/// A gap wider than this × the font size parts two table cells or columns
/// written on one baseline: each gets its own line (the parser reads
/// cell-per-line tables; names run together on one line it cannot split).
const CELL_GAP: f64 = 3.0;
/// A `TJ` offset below this (thousandths of an em) is a space.
const TJ_SPACE: f64 = -200.0;
/// Deepest `q` nesting followed; deeper saves are counted, not stored.
const MAX_SAVES: usize = 256;
/// Most entries read from a CID font's `/W` array.
const MAX_CID_WIDTHS: usize = 1 << 16;

/// The text of one page, and the problems met decoding it.
pub(super) struct PageLayoutText {
    pub text: String,
    /// One-line messages, without duplicates (an encoding a font lacks, …).
    pub errors: Vec<String>,
    /// A font's `/ToUnicode` stream is over the decompression limit.
    pub over_limit: bool,
}

/// Fonts of a file, resolved once.
#[derive(Default)]
pub(super) struct FontCache<'a> {
    fonts: HashMap<usize, FontEntry<'a>>,
}

enum FontEntry<'a> {
    Ok(Font<'a>),
    Err { message: String, over_limit: bool },
}

struct Font<'a> {
    encoding: Encoding<'a>,
    widths: Widths,
    /// Per-byte decoding of a `/ToUnicode` font whose codes are one byte
    /// each (see [`ByteDecoder`]); None for other encodings.
    bytes: Option<Box<std::cell::RefCell<ByteDecoder>>>,
}

/// What one byte of a `/ToUnicode` font decodes to, learnt on first use.
///
/// lopdf decodes a `/ToUnicode` string code by code, looking each prefix up
/// in range maps and allocating as it goes — the largest cost of reading a
/// page. When a byte is a whole code on its own (the decoder resets after
/// it), a string of such bytes is the concatenation of their decodings. A
/// byte is taken as such only when lopdf itself says so: its decoding with
/// a following byte `x` equals its decoding then `x`'s, for an `x` whose
/// two-byte reading would give something else. Bytes that map to UTF-16
/// surrogates or to a byte-order mark (which lopdf's UTF-16 decoding treats
/// specially) are left to lopdf, as is every string containing one of them.
struct ByteDecoder {
    /// Per byte: 0 not yet known, 1 decoded alone (`span`), 2 left to lopdf.
    state: Box<[u8; 256]>,
    span: Box<[(u32, u32); 256]>,
    text: String,
}

const UNKNOWN: u8 = 0;
const ALONE: u8 = 1;
const LOPDF: u8 = 2;

impl ByteDecoder {
    fn new() -> ByteDecoder {
        ByteDecoder { state: Box::new([UNKNOWN; 256]), span: Box::new([(0, 0); 256]), text: String::new() }
    }

    /// Append the text of `bytes` to `out`; false (and `out` as it was)
    /// when lopdf must decode them.
    fn decode(&mut self, encoding: &Encoding, bytes: &[u8], out: &mut String) -> bool {
        for &b in bytes {
            if self.state[b as usize] == UNKNOWN {
                self.learn(encoding, b);
            }
            if self.state[b as usize] != ALONE {
                return false;
            }
        }
        out.reserve(bytes.len());
        for &b in bytes {
            let (start, end) = self.span[b as usize];
            out.push_str(&self.text[start as usize..end as usize]);
        }
        true
    }

    fn learn(&mut self, encoding: &Encoding, b: u8) {
        self.state[b as usize] = LOPDF;
        if let Some(alone) = byte_alone(encoding, b) {
            let start = self.text.len() as u32;
            self.text.push_str(&alone);
            self.span[b as usize] = (start, self.text.len() as u32);
            self.state[b as usize] = ALONE;
        }
    }
}

/// UTF-16 units that decode the same on their own and inside a longer
/// string: no surrogates, no byte-order mark first (`FE FF`, `FF FE`,
/// `EF BB` as bytes), not empty.
fn plain_units(units: &[u16]) -> bool {
    !units.is_empty()
        && !matches!(units[0], 0xFEFF | 0xFFFE | 0xEFBB)
        && units.iter().all(|u| !(0xD800..=0xDFFF).contains(u))
}

/// The text of byte `b` when lopdf decodes it as a code of its own in any
/// string (see [`ByteDecoder`]), else None.
fn byte_alone(encoding: &Encoding, b: u8) -> Option<String> {
    let Encoding::UnicodeMapEncoding(cmap) = encoding else { return None };
    let decode = |bytes: &[u8]| {
        let mut s = String::new();
        encoding.write_to_string(bytes, &mut s).ok().map(|_| s)
    };
    let units_of = |code: u32, len: u8| cmap.get(code, len).unwrap_or_else(|| vec![0xFFFD]);
    let units = units_of(b as u32, 1);
    if !plain_units(&units) {
        return None;
    }
    let alone: String = char::decode_utf16(units.iter().copied()).collect::<Result<String, _>>().ok()?;
    if decode(&[b])? != alone {
        return None;
    }
    // A byte `x` after `b` tells whether lopdf's decoder ended a code at `b`:
    // if not, it reads the two-byte code `b x`, which (for the `x` chosen)
    // decodes differently.
    for x in 0..=255u8 {
        let next = units_of(x as u32, 1);
        let two = units_of((b as u32) << 8 | x as u32, 2);
        if !plain_units(&next) || !plain_units(&two) {
            continue;
        }
        let mut split = units.clone();
        split.extend_from_slice(&next);
        if split == two {
            continue;
        }
        let expected: String = char::decode_utf16(split.iter().copied()).collect::<Result<String, _>>().ok()?;
        return (decode(&[b, x])? == expected).then_some(alone);
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
/// from the content stream (see [`simple_content`]) or from lopdf's
/// operation.
#[derive(Debug, PartialEq)]
enum Operand<'a> {
    Int(i64),
    Real(f32),
    Name(&'a [u8]),
    Str(std::borrow::Cow<'a, [u8]>),
    Array(Vec<Operand<'a>>),
    /// Anything else (`null`, booleans, dictionaries, …): of no use here.
    Other,
}

impl<'a> Operand<'a> {
    fn of(o: &'a Object) -> Operand<'a> {
        match o {
            Object::Integer(i) => Operand::Int(*i),
            Object::Real(r) => Operand::Real(*r),
            Object::Name(n) => Operand::Name(n),
            Object::String(s, _) => Operand::Str(std::borrow::Cow::Borrowed(s)),
            Object::Array(items) => Operand::Array(items.iter().map(Operand::of).collect()),
            _ => Operand::Other,
        }
    }

    /// The value of a number ([`num`] of the object).
    fn num(&self) -> Option<f64> {
        match self {
            Operand::Int(i) => Some(*i as f64),
            Operand::Real(r) => Some(*r as f64),
            _ => None,
        }
        .filter(|v| v.is_finite())
    }

    fn name(&self) -> Option<&[u8]> {
        match self {
            Operand::Name(n) => Some(n),
            _ => None,
        }
    }
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

fn num_deref(doc: &Document, o: &Object) -> Option<f64> {
    num(deref(doc, o))
}

impl<'a> FontCache<'a> {
    fn entry(&mut self, doc: &'a Document, font: &'a Dictionary, limit: usize) -> usize {
        let key = font as *const Dictionary as usize;
        self.fonts.entry(key).or_insert_with(|| match font.get_font_encoding_with_limit(doc, limit) {
            Ok(encoding) => {
                let widths = font_widths(doc, font, &encoding);
                let bytes = (matches!(encoding, Encoding::UnicodeMapEncoding(_)) && !widths.is_cid())
                    .then(|| Box::new(std::cell::RefCell::new(ByteDecoder::new())));
                FontEntry::Ok(Font { encoding, widths, bytes })
            }
            Err(e) => FontEntry::Err {
                over_limit: matches!(e, lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })),
                message: super::error_chain(&e),
            },
        });
        key
    }
}

/// The glyph widths of a font, per unit font size.
fn font_widths(doc: &Document, font: &Dictionary, encoding: &Encoding) -> Widths {
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
    let mut decoded = String::new();
    for (code, slot) in table.iter_mut().enumerate() {
        let from_widths = widths.and_then(|w| {
            let i = code as f64 - first;
            (i >= 0.0 && i < w.len() as f64).then(|| w.get(i as usize)).flatten().and_then(|o| num_deref(doc, o))
        });
        let w = match (from_widths, widths, &standard) {
            (Some(w), _, _) => w * scale,
            (None, Some(_), _) => missing.map_or(0.5, |m| m * scale),
            (None, None, Some(std)) => {
                decoded.clear();
                let _ = encoding.write_to_string(&[code as u8], &mut decoded);
                decoded.chars().next().and_then(|c| std.width(c)).map_or(0.5, |w| w * 0.001)
            }
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

/// `/W` and `/DW` of a Type0 font's descendant.
fn cid_widths(doc: &Document, font: &Dictionary) -> Widths {
    let descendant = font
        .get_deref(b"DescendantFonts", doc)
        .and_then(Object::as_array)
        .ok()
        .and_then(|a| a.first())
        .and_then(|o| deref(doc, o).as_dict().ok());
    let Some(cid) = descendant else { return Widths::Cid(Vec::new(), 1.0) };
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
    fn advance(&self, bytes: &[u8], size: f64, tc: f64, tw: f64) -> f64 {
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

// ---------------------------------------------------------------------------
// Geometry

/// `[a b c d e f]`: a point (x, y) maps to (a x + c y + e, b x + d y + f).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Matrix([f64; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn from_operands(ops: &[Operand]) -> Option<Matrix> {
        if ops.len() < 6 {
            return None;
        }
        let mut m = [0.0; 6];
        for (slot, o) in m.iter_mut().zip(ops) {
            *slot = o.num()?;
        }
        Some(Matrix(m))
    }

    /// `self` then `other`.
    fn then(&self, other: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    /// Translate by (tx, ty) in this matrix's own space first.
    fn pre_translate(&self, tx: f64, ty: f64) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        Matrix([a, b, c, d, tx * a + ty * c + e, tx * b + ty * d + f])
    }

    fn is_finite(&self) -> bool {
        self.0.iter().all(|v| v.is_finite())
    }
}

#[derive(Clone)]
struct GraphicsState {
    ctm: Matrix,
    /// Key of the current font in the cache, or None (unknown font).
    font: Option<usize>,
    size: f64,
    tc: f64,
    tw: f64,
    th: f64,
    tl: f64,
    rise: f64,
}

/// A run of text placed on the page, in device space.
struct Run {
    /// Baseline origin (without the text rise).
    origin: (f64, f64),
    /// End of the run along the baseline.
    end: (f64, f64),
    /// Unit vector of the writing direction.
    dir: (f64, f64),
    /// Font size in device space.
    size: f64,
}

struct Line {
    origin: (f64, f64),
    end: (f64, f64),
    dir: (f64, f64),
    size: f64,
}

/// Builds the page text from runs.
#[derive(Default)]
struct Writer {
    out: String,
    line: Option<Line>,
    /// A `TJ` offset asked for a space before the next run.
    space_hint: bool,
}

fn dot(a: (f64, f64), b: (f64, f64)) -> f64 {
    a.0 * b.0 + a.1 * b.1
}

fn cross(a: (f64, f64), b: (f64, f64)) -> f64 {
    a.0 * b.1 - a.1 * b.0
}

fn sub(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    (a.0 - b.0, a.1 - b.1)
}

impl Writer {
    fn new_line(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn push(&mut self, text: &str, run: Option<Run>) {
        if text.is_empty() {
            return;
        }
        let hint = std::mem::take(&mut self.space_hint);
        let Some(run) = run else {
            // No usable geometry (a degenerate matrix): keep the text where
            // it falls, as lopdf would.
            self.out.push_str(text);
            return;
        };
        let mut space = false;
        let same_line = match &self.line {
            None => false,
            Some(line) => {
                let size = line.size.max(run.size);
                let turn = dot(line.dir, run.dir) < 0.9;
                let off_baseline = cross(line.dir, sub(run.origin, line.origin)).abs() > NEW_LINE * size;
                let gap = dot(line.dir, sub(run.origin, line.end));
                if turn || off_baseline || gap < -BACKWARDS * size || gap > CELL_GAP * size {
                    false
                } else {
                    space = hint || gap > SPACE_GAP * size;
                    true
                }
            }
        };
        if same_line {
            let line = self.line.as_mut().expect("same line has a line");
            if space && !self.out.ends_with(char::is_whitespace) && !text.starts_with(char::is_whitespace) {
                self.out.push(' ');
            }
            line.end = run.end;
            line.size = line.size.max(run.size);
            // Follow a drifting baseline, but not a smaller-set superscript.
            if run.size >= 0.8 * line.size {
                line.origin = run.origin;
            }
        } else {
            self.new_line();
            self.line = Some(Line { origin: run.origin, end: run.end, dir: run.dir, size: run.size });
        }
        self.out.push_str(text);
    }
}

// ---------------------------------------------------------------------------
// The page

fn font_of<'c, 'a>(cache: &'c FontCache<'a>, gs: &GraphicsState) -> Option<&'c Font<'a>> {
    match gs.font.and_then(|k| cache.fonts.get(&k)) {
        Some(FontEntry::Ok(f)) => Some(f),
        _ => None,
    }
}

/// The text of page `page_id`, one text line a line. `Err` when the page's
/// resources or content cannot be read at all.
pub(super) fn page_text<'a>(
    doc: &'a Document, page_id: ObjectId, limit: usize, cache: &mut FontCache<'a>,
) -> lopdf::Result<PageLayoutText> {
    let page_fonts = doc.get_page_fonts(page_id)?;
    let mut errors: Vec<String> = Vec::new();
    let mut over_limit = false;
    let mut fonts: BTreeMap<Vec<u8>, usize> = BTreeMap::new();
    for (name, dict) in page_fonts {
        let key = cache.entry(doc, dict, limit);
        match &cache.fonts[&key] {
            FontEntry::Ok(_) => {
                fonts.insert(name, key);
            }
            FontEntry::Err { message, over_limit: o } => {
                over_limit |= o;
                if !errors.contains(message) {
                    errors.push(message.clone());
                }
            }
        }
    }
    let content = doc.get_page_content_with_limit(page_id, limit)?;
    let cache = &*cache;

    let mut gs = GraphicsState {
        ctm: Matrix::IDENTITY,
        font: None,
        size: 0.0,
        tc: 0.0,
        tw: 0.0,
        th: 1.0,
        tl: 0.0,
        rise: 0.0,
    };
    let mut saved: Vec<GraphicsState> = Vec::new();
    let mut unsaved_depth = 0usize;
    let mut tm = Matrix::IDENTITY;
    let mut tlm = Matrix::IDENTITY;
    let mut writer = Writer::default();
    let mut decoded = String::new();

    let font_of = |gs: &GraphicsState| font_of(cache, gs);

    // Show one string: decode it, place it, advance the text matrix.
    let mut show = |bytes: &[u8], gs: &GraphicsState, tm: &mut Matrix, writer: &mut Writer, errors: &mut Vec<String>| {
        let Some(font) = font_of(gs) else { return };
        decoded.clear();
        let fast = font.bytes.as_ref().is_some_and(|d| d.borrow_mut().decode(&font.encoding, bytes, &mut decoded));
        if !fast {
            if let Err(e) = font.encoding.write_to_string(bytes, &mut decoded) {
                let m = super::error_chain(&e);
                if !errors.contains(&m) {
                    errors.push(m);
                }
            }
        }
        let tx = font.advance(bytes, gs.size, gs.tc, if font.widths.is_cid() { 0.0 } else { gs.tw }) * gs.th;
        let m = tm.then(&gs.ctm);
        let run = if m.is_finite() && tx.is_finite() {
            let origin = m.apply(0.0, 0.0);
            let end = m.apply(tx, 0.0);
            let (a, b, c, d) = (m.0[0], m.0[1], m.0[2], m.0[3]);
            let along = a.hypot(b);
            let up = c.hypot(d);
            let size = gs.size.abs() * up;
            (along > 1e-12 && size > 1e-9 && size.is_finite()).then(|| {
                let dir = if gs.th < 0.0 { (-a / along, -b / along) } else { (a / along, b / along) };
                Run { origin, end, dir, size }
            })
        } else {
            None
        };
        writer.push(&decoded, run);
        if tx.is_finite() {
            *tm = tm.pre_translate(tx, 0.0);
        }
    };

    // The operations as `Content::decode` would give them: read by
    // [`simple_content`] when the stream keeps to the plain syntax it knows,
    // else one at a time by lopdf; a stream lopdf cannot decode is an error
    // here too (what was read of the page is dropped).
    let fast = simple_content::operations(&content);
    let mut slow = if fast.is_none() { Some(Content::decode_iter(&content)) } else { None };
    let mut k = 0;
    loop {
        let lopdf_op;
        let converted: Vec<Operand>;
        let (operator, ops): (&str, &[Operand]) = match (&fast, &mut slow) {
            (Some((list, operands)), _) => {
                let Some(&(name, a, b)) = list.get(k) else { break };
                k += 1;
                (name, &operands[a as usize..b as usize])
            }
            (None, Some(iter)) => {
                let Some(op) = iter.next() else { break };
                lopdf_op = op?;
                converted = lopdf_op.operands.iter().map(Operand::of).collect();
                (lopdf_op.operator.as_str(), &converted[..])
            }
            (None, None) => break,
        };
        let n = |i: usize| ops.get(i).and_then(Operand::num);
        match operator {
            "q" => {
                if saved.len() < MAX_SAVES {
                    saved.push(gs.clone());
                } else {
                    unsaved_depth += 1;
                }
            }
            "Q" => {
                if unsaved_depth > 0 {
                    unsaved_depth -= 1;
                } else if let Some(s) = saved.pop() {
                    gs = s;
                }
            }
            "cm" => {
                if let Some(m) = Matrix::from_operands(ops) {
                    let ctm = m.then(&gs.ctm);
                    if ctm.is_finite() {
                        gs.ctm = ctm;
                    }
                }
            }
            "BT" => {
                tm = Matrix::IDENTITY;
                tlm = Matrix::IDENTITY;
            }
            "Tf" => {
                gs.font = ops.first().and_then(Operand::name).and_then(|name| fonts.get(name).copied());
                if let Some(size) = n(1) {
                    gs.size = size;
                }
            }
            "Tc" => gs.tc = n(0).unwrap_or(gs.tc),
            "Tw" => gs.tw = n(0).unwrap_or(gs.tw),
            "Tz" => gs.th = n(0).map_or(gs.th, |v| v / 100.0),
            "TL" => gs.tl = n(0).unwrap_or(gs.tl),
            "Ts" => gs.rise = n(0).unwrap_or(gs.rise),
            "Td" | "TD" => {
                if let (Some(tx), Some(ty)) = (n(0), n(1)) {
                    if operator == "TD" {
                        gs.tl = -ty;
                    }
                    tlm = tlm.pre_translate(tx, ty);
                    tm = tlm;
                }
            }
            "Tm" => {
                if let Some(m) = Matrix::from_operands(ops) {
                    tlm = m;
                    tm = m;
                }
            }
            "T*" => {
                tlm = tlm.pre_translate(0.0, -gs.tl);
                tm = tlm;
            }
            "Tj" => {
                if let Some(Operand::Str(bytes)) = ops.first() {
                    show(bytes, &gs, &mut tm, &mut writer, &mut errors);
                }
            }
            "'" | "\"" => {
                if operator == "\"" {
                    gs.tw = n(0).unwrap_or(gs.tw);
                    gs.tc = n(1).unwrap_or(gs.tc);
                }
                tlm = tlm.pre_translate(0.0, -gs.tl);
                tm = tlm;
                // lopdf breaks the line here whatever the leading says.
                writer.line = None;
                let i = if operator == "'" { 0 } else { 2 };
                if let Some(Operand::Str(bytes)) = ops.get(i) {
                    show(bytes, &gs, &mut tm, &mut writer, &mut errors);
                }
            }
            "TJ" => {
                let Some(Operand::Array(items)) = ops.first() else { continue };
                for item in items {
                    match item {
                        Operand::Str(bytes) => show(bytes, &gs, &mut tm, &mut writer, &mut errors),
                        other => {
                            let Some(adjust) = other.num() else { continue };
                            if font_of(&gs).is_none() {
                                continue;
                            }
                            if adjust < TJ_SPACE {
                                writer.space_hint = true;
                            }
                            let tx = -adjust / 1000.0 * gs.size * gs.th;
                            if tx.is_finite() {
                                tm = tm.pre_translate(tx, 0.0);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut text = writer.out;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(PageLayoutText { text, errors, over_limit })
}

/// A fast reader for content streams in the plain syntax most producers
/// write, giving exactly the operations lopdf's parser gives.
///
/// lopdf's content parser (nom combinators, an allocation per token) is the
/// largest cost of reading a page. This reader knows: white space; integers
/// (at most 18 digits) and reals in the forms lopdf reads; names without
/// `#` escapes; literal strings without escapes, line breaks or nested
/// parentheses; hex strings; flat arrays of these; operators. Anything else
/// — comments, dictionaries, `null` / `true` / `false`, inline images,
/// nested arrays, references, odd numbers such as `0.00-4` or `1.2.3`,
/// operands left without an operator, any byte it does not expect — makes
/// it give up (`None`), and the stream goes to lopdf. Tested against lopdf
/// on the fixtures' streams and on random token soups.
mod simple_content {
    use std::borrow::Cow;

    use super::Operand;

    /// Operations as (operator, range of their operands in the list of
    /// operands), and that list.
    pub(super) type Operations<'a> = (Vec<(&'a str, u32, u32)>, Vec<Operand<'a>>);

    fn is_space(c: u8) -> bool {
        matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0 | 0x0C)
    }

    fn is_delimiter(c: u8) -> bool {
        b"()<>[]{}/%".contains(&c)
    }

    fn is_operator_char(c: u8) -> bool {
        c.is_ascii_alphanumeric() || matches!(c, b'*' | b'\'' | b'"')
    }

    fn skip_space(data: &[u8], mut i: usize) -> usize {
        while i < data.len() && is_space(data[i]) {
            i += 1;
        }
        i
    }

    /// The operations of `data`, or None when it is not plain.
    pub(super) fn operations(data: &[u8]) -> Option<Operations<'_>> {
        if data.len() >= u32::MAX as usize {
            return None;
        }
        let mut ops = Vec::with_capacity(data.len() / 16);
        let mut operands: Vec<Operand> = Vec::with_capacity(data.len() / 8);
        let mut first = 0u32;
        let mut i = skip_space(data, 0);
        while i < data.len() {
            let c = data[i];
            if c.is_ascii_alphabetic() || matches!(c, b'*' | b'\'' | b'"') {
                let end = i + data[i..].iter().take_while(|&&c| is_operator_char(c)).count();
                let word = &data[i..end];
                if [&b"null"[..], b"true", b"false", b"BI"].iter().any(|w| word.starts_with(w)) {
                    return None;
                }
                let operator = std::str::from_utf8(word).ok()?;
                let last = operands.len() as u32;
                ops.push((operator, first, last));
                first = last;
                i = end;
            } else {
                let (object, next) = operand(data, i, false)?;
                operands.push(object);
                i = next;
            }
            i = skip_space(data, i);
        }
        (first as usize == operands.len()).then_some((ops, operands))
    }

    /// One operand starting at `data[i]` (in an array: `in_array`), and
    /// where what follows it starts.
    fn operand(data: &[u8], i: usize, in_array: bool) -> Option<(Operand<'_>, usize)> {
        match data[i] {
            b'0'..=b'9' | b'+' | b'-' | b'.' => number(data, i),
            b'/' => {
                let start = i + 1;
                let end = start + data[start..].iter().take_while(|&&c| !is_space(c) && !is_delimiter(c)).count();
                let name = &data[start..end];
                if name.contains(&b'#') {
                    return None;
                }
                Some((Operand::Name(name), end))
            }
            b'(' => {
                let start = i + 1;
                let mut bytes: Option<Vec<u8>> = None;
                let mut j = start;
                loop {
                    let run = data[j..].iter().position(|&c| matches!(c, b')' | b'(' | b'\\' | b'\r' | b'\n'))?;
                    if let Some(b) = bytes.as_mut() {
                        b.extend_from_slice(&data[j..j + run]);
                    }
                    j += run;
                    match data[j] {
                        b')' => {
                            let text = match bytes {
                                Some(b) => Cow::Owned(b),
                                None => Cow::Borrowed(&data[start..j]),
                            };
                            return Some((Operand::Str(text), j + 1));
                        }
                        b'\\' => {
                            let (byte, next) = escape(data, j + 1)?;
                            bytes.get_or_insert_with(|| data[start..j].to_vec()).push(byte);
                            j = next;
                        }
                        _ => return None,
                    }
                }
            }
            b'<' => {
                let mut j = i + 1;
                if data.get(j) == Some(&b'<') {
                    return None;
                }
                let mut bytes = Vec::new();
                let mut half = false;
                loop {
                    let c = *data.get(j)?;
                    j += 1;
                    if is_space(c) {
                        continue;
                    }
                    if c == b'>' {
                        break;
                    }
                    let v = (c as char).to_digit(16)? as u8;
                    if half {
                        *bytes.last_mut()? |= v;
                    } else {
                        bytes.push(v << 4);
                    }
                    half = !half;
                }
                Some((Operand::Str(Cow::Owned(bytes)), j))
            }
            b'[' if !in_array => {
                let mut items = Vec::new();
                let mut j = skip_space(data, i + 1);
                loop {
                    match *data.get(j)? {
                        b']' => return Some((Operand::Array(items), j + 1)),
                        b'0'..=b'9' | b'+' | b'-' | b'.' | b'/' | b'(' | b'<' => {
                            let (item, next) = operand(data, j, true)?;
                            items.push(item);
                            j = skip_space(data, next);
                        }
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }

    /// The byte a backslash escape at `data[j]` (just after the `\\`)
    /// stands for, as lopdf reads it, and where the string goes on; None for
    /// a line continuation or the end of the data.
    fn escape(data: &[u8], j: usize) -> Option<(u8, usize)> {
        let c = *data.get(j)?;
        Some(match c {
            b'0'..=b'7' => {
                let n = data[j..].iter().take(3).take_while(|c| (b'0'..=b'7').contains(c)).count();
                let value = data[j..j + n].iter().fold(0u16, |v, &d| v * 8 + (d - b'0') as u16);
                (value as u8, j + n)
            }
            b'\r' | b'\n' => return None,
            b'n' => (b'\n', j + 1),
            b'r' => (b'\r', j + 1),
            b't' => (b'\t', j + 1),
            b'b' => (0x08, j + 1),
            b'f' => (0x0C, j + 1),
            other => (other, j + 1),
        })
    }

    /// An integer or a real as lopdf reads them, followed by white space,
    /// a delimiter that may start another operand, `]` or the end.
    fn number(data: &[u8], i: usize) -> Option<(Operand<'_>, usize)> {
        let mut j = i;
        if matches!(data[j], b'+' | b'-') {
            j += 1;
        }
        let digits = |from: usize| data[from..].iter().take_while(|c| c.is_ascii_digit()).count();
        let whole = digits(j);
        j += whole;
        let object = if data.get(j) == Some(&b'.') {
            let fraction = digits(j + 1);
            if whole == 0 && fraction == 0 {
                return None;
            }
            j += 1 + fraction;
            let text = std::str::from_utf8(&data[i..j]).ok()?;
            Operand::Real(text.parse::<f32>().ok()?)
        } else {
            if whole == 0 || whole > 18 {
                return None;
            }
            let text = std::str::from_utf8(&data[i..j]).ok()?;
            Operand::Int(text.parse::<i64>().ok()?)
        };
        match data.get(j) {
            None => {}
            Some(&c) if is_space(c) || matches!(c, b'/' | b'(' | b'<' | b'[' | b']') => {}
            Some(_) => return None,
        }
        Some((object, j))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_as_lopdf(data: &[u8]) -> bool {
        let Some((fast, operands)) = simple_content::operations(data) else { return false };
        let slow: Vec<lopdf::content::Operation> = Content::decode_iter(data)
            .collect::<lopdf::Result<Vec<_>>>()
            .unwrap_or_else(|e| panic!("lopdf fails where the fast reader does not: {e} on {:?}", String::from_utf8_lossy(data)));
        assert_eq!(fast.len(), slow.len(), "{:?}", String::from_utf8_lossy(data));
        for (&(operator, from, to), b) in fast.iter().zip(&slow) {
            assert_eq!(operator, b.operator, "{:?}", String::from_utf8_lossy(data));
            let theirs: Vec<Operand> = b.operands.iter().map(Operand::of).collect();
            // Operand::of keeps what the page walk uses; lopdf's operands
            // must be of the kinds the fast reader gives.
            assert_eq!(&operands[from as usize..to as usize], &theirs[..], "{:?}", String::from_utf8_lossy(data));
            for o in &b.operands {
                assert!(
                    matches!(o, lopdf::Object::Integer(_) | lopdf::Object::Real(_) | lopdf::Object::Name(_) | lopdf::Object::String(..) | lopdf::Object::Array(_)),
                    "{o:?}"
                );
            }
        }
        true
    }

    /// The fast content reader gives lopdf's operations on every fixture
    /// page it takes, and takes them all.
    #[test]
    fn simple_content_matches_lopdf_on_fixtures() {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        for name in ["000.pdf", "001.pdf", "002.pdf", "003.pdf", "004.pdf", "layout/002-layout.pdf", "scanned/002-scan.pdf"] {
            let doc = Document::load_mem(&std::fs::read(root.join(name)).unwrap()).unwrap();
            for (n, page) in doc.get_pages() {
                let content = doc.get_page_content(page);
                assert!(same_as_lopdf(&content), "{name} page {n}: not read by the fast reader");
            }
        }
    }

    /// On random token soups, whenever the fast reader answers, lopdf
    /// answers the same.
    #[test]
    fn simple_content_matches_lopdf_on_token_soup() {
        let tokens: &[&str] = &[
            "BT", "ET", "/F1", "/F1+0", "12", "Tf", "(abc)", "()", "<48656c6c6f>", "<4 8 6>", "<>", "[(a) -250 (b)]", "[]",
            "[ 1 2 3 ]", "1.5", "-.5", "+3", ".5", "5.", "-0", "Td", "TD", "Tj", "TJ", "'", "\"", "q", "Q", "cm", "T*", "d0",
            "0 0 1 rg", "%c\n", "% x\r\n", "null", "nullx", "true", "false", "1 0 R", "[1 0 R]", "BI /W 1 /H 1 /BPC 8 /CS /G ID x EI",
            "<<>>", "<< /A 1 >>", "(a\\)b)", "(a(b)c)", "(a\nb)", "\r\n", "\t", "/N#41", "/", "1.2.3", "0.00-12", "99999999999999999999",
            "123456789012345678", "-", "+", ".", "[ [1] ]", "]", ")", "{", "}", "(x", "<4", "<zz>", "1e5", "Tj1", "BT1", "\u{e9}",
            "/\u{e9}", "(\u{e9})", "[(a)1(b)]", "[/A(b)<41>]", "5(a)", "5/A", "5<41>", "5[1]", "5]", "5)", "-5.5.5",
            "(a\\(b\\))", "(\\101\\7\\777x)", "(\\8\\9)", "(\\n\\r\\t\\b\\f)", "(\\x)", "(a\\\nb)", "(a\\\r\nb)", "(\\", "(\\\\)", "(a\\)",
        ];
        let seps: &[&str] = &[" ", " ", " ", "\n", "", "\r\n", "\t"];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut taken = 0;
        let rounds: usize = std::env::var("MOTEBOK_SOUP_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(20000);
        for _ in 0..rounds {
            let n = (next() % 12) as usize;
            let mut s = String::new();
            for _ in 0..n {
                s.push_str(tokens[(next() % tokens.len() as u64) as usize]);
                s.push_str(seps[(next() % seps.len() as u64) as usize]);
            }
            if same_as_lopdf(s.as_bytes()) {
                taken += 1;
            }
        }
        assert!(taken > 1000, "{taken}");
    }

    /// The per-byte decoder gives lopdf's text for every string it takes,
    /// and takes the fixtures' strings.
    #[test]
    fn byte_decoder_agrees_with_lopdf() {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut fast_strings = 0;
        for name in ["000.pdf", "001.pdf", "003.pdf", "layout/002-layout.pdf", "bad/encrypted-nopass.pdf"] {
            let bytes = std::fs::read(root.join(name)).unwrap();
            let doc = Document::load_mem(&bytes).unwrap();
            let mut cache = FontCache::default();
            for (_, page) in doc.get_pages() {
                for (_, dict) in doc.get_page_fonts(page).unwrap() {
                    cache.entry(&doc, dict, 1 << 24);
                }
            }
            for entry in cache.fonts.values() {
                let FontEntry::Ok(font) = entry else { continue };
                let Some(decoder) = &font.bytes else { continue };
                for round in 0..2000 {
                    let len = (next() % 40) as usize;
                    // Mostly printable codes, sometimes any byte.
                    let s: Vec<u8> = (0..len)
                        .map(|_| if round % 4 == 0 { next() as u8 } else { 32 + (next() % 95) as u8 })
                        .collect();
                    let mut fast = String::from("x");
                    let mut slow = String::from("x");
                    font.encoding.write_to_string(&s, &mut slow).unwrap();
                    if decoder.borrow_mut().decode(&font.encoding, &s, &mut fast) {
                        assert_eq!(fast, slow, "{name}: {s:?}");
                        fast_strings += 1;
                    } else {
                        assert_eq!(fast, "x");
                    }
                }
            }
        }
        assert!(fast_strings > 1000, "{fast_strings}");
    }
}
