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
                FontEntry::Ok(Font { encoding, widths })
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

    fn from_operands(ops: &[Object]) -> Option<Matrix> {
        if ops.len() < 6 {
            return None;
        }
        let mut m = [0.0; 6];
        for (slot, o) in m.iter_mut().zip(ops) {
            *slot = num(o)?;
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
    let content = Content::decode(&content)?;
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
        if let Err(e) = font.encoding.write_to_string(bytes, &mut decoded) {
            let m = super::error_chain(&e);
            if !errors.contains(&m) {
                errors.push(m);
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

    for op in &content.operations {
        let ops = &op.operands;
        let n = |i: usize| ops.get(i).and_then(num);
        match op.operator.as_str() {
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
                gs.font = ops.first().and_then(|o| o.as_name().ok()).and_then(|name| fonts.get(name).copied());
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
                    if op.operator == "TD" {
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
                if let Some(Object::String(bytes, _)) = ops.first() {
                    show(bytes, &gs, &mut tm, &mut writer, &mut errors);
                }
            }
            "'" | "\"" => {
                if op.operator == "\"" {
                    gs.tw = n(0).unwrap_or(gs.tw);
                    gs.tc = n(1).unwrap_or(gs.tc);
                }
                tlm = tlm.pre_translate(0.0, -gs.tl);
                tm = tlm;
                // lopdf breaks the line here whatever the leading says.
                writer.line = None;
                let i = if op.operator == "'" { 0 } else { 2 };
                if let Some(Object::String(bytes, _)) = ops.get(i) {
                    show(bytes, &gs, &mut tm, &mut writer, &mut errors);
                }
            }
            "TJ" => {
                let Some(Object::Array(items)) = ops.first() else { continue };
                for item in items {
                    match item {
                        Object::String(bytes, _) => show(bytes, &gs, &mut tm, &mut writer, &mut errors),
                        other => {
                            let Some(adjust) = num(other) else { continue };
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
