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
//! Strings are decoded by [`super::fonts`] (ToUnicode first, then glyph
//! names, then the base encoding, as poppler does), which also counts the
//! codes no font maps; the content stream is read by [`super::content`].
//!
//! Besides the text, each line is kept with where it sits on the page
//! ([`TextLine`]), for readers of tables by geometry.

use std::collections::BTreeMap;

use lopdf::content::Content;
use lopdf::{Document, ObjectId};

use super::content::{self, Operand};
use super::fonts::{Decoded, Font, FontCache, FontEntry};

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

/// One line of a page's text and where it sits: device space of the page
/// (PDF points, origin at the bottom left of the media box, the page's
/// `/Rotate` not applied). There is one `TextLine` per line of the page
/// text, in the same order; [`super::PageText::line_text`] gives its text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextLine {
    /// Byte range of the line in the page's `text` (without its line break).
    pub start: u32,
    pub end: u32,
    /// Leftmost and rightmost x the line's glyphs reach (0 when the
    /// producer's matrices gave no usable geometry).
    pub x0: f32,
    pub x1: f32,
    /// y of the line's baseline (of its first run).
    pub baseline: f32,
    /// Largest font size on the line, in points.
    pub size: f32,
    /// Every run of the line is set in a bold font.
    pub bold: bool,
}

/// Lines travel from the decoding workers as one string of integers (byte
/// range, then x0, x1, baseline and size in hundredths of a point, then
/// bold as 0/1; lines apart by `;`): a tenth of the JSON of objects, and
/// quicker to read back.
pub(crate) mod line_codec {
    use super::TextLine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(lines: &[TextLine], s: S) -> Result<S::Ok, S::Error> {
        use std::fmt::Write;
        let mut out = String::with_capacity(lines.len() * 32);
        let centi = |v: f32| (v * 100.0).round() as i64;
        for (i, l) in lines.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            let _ = write!(
                out,
                "{} {} {} {} {} {} {}",
                l.start,
                l.end,
                centi(l.x0),
                centi(l.x1),
                centi(l.baseline),
                centi(l.size),
                u8::from(l.bold)
            );
        }
        s.serialize_str(&out)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<TextLine>, D::Error> {
        let s = String::deserialize(d)?;
        let mut lines = Vec::new();
        lines.reserve(s.bytes().filter(|&b| b == b';').count() + 1);
        for part in s.split(';').filter(|p| !p.is_empty()) {
            let mut n = [0i64; 7];
            let mut fields = part.split(' ');
            for slot in n.iter_mut() {
                let field = fields.next().ok_or_else(|| serde::de::Error::custom("a line needs 7 numbers"))?;
                *slot = field.parse::<i64>().map_err(serde::de::Error::custom)?;
            }
            let [start, end, x0, x1, baseline, size, bold] = n;
            let pt = |v: i64| v as f32 / 100.0;
            lines.push(TextLine {
                start: start as u32,
                end: end as u32,
                x0: pt(x0),
                x1: pt(x1),
                baseline: pt(baseline),
                size: pt(size),
                bold: bold != 0,
            });
        }
        Ok(lines)
    }
}

/// The text of one page, and the problems met decoding it.
pub(super) struct PageLayoutText {
    pub text: String,
    /// The lines of `text` with their geometry.
    pub lines: Vec<TextLine>,
    /// Codes shown, and how many no font maps to a character.
    pub glyphs: Decoded,
    /// One-line messages, without duplicates (an encoding a font lacks, …).
    pub errors: Vec<String>,
    /// A font's `/ToUnicode` stream is over the decompression limit.
    pub over_limit: bool,
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
    /// Text rendering mode (`Tr`): 3 and 7 draw nothing (OCR layers).
    render: i64,
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

/// Where the current line of the output sits on the page.
struct Extent {
    x0: f64,
    x1: f64,
    baseline: f64,
    size: f64,
    bold: bool,
}

/// Builds the page text from runs.
#[derive(Default)]
struct Writer {
    out: String,
    line: Option<Line>,
    /// A `TJ` offset asked for a space before the next run.
    space_hint: bool,
    /// The finished lines with their geometry, one per line of `out`.
    lines: Vec<TextLine>,
    /// Where the current line starts in `out`, and its extent so far.
    line_start: usize,
    extent: Option<Extent>,
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
            self.finish_line();
            self.out.push('\n');
            self.line_start = self.out.len();
        }
    }

    /// Record the line `out[line_start..]` with its extent.
    fn finish_line(&mut self) {
        if self.out.len() == self.line_start {
            return;
        }
        let e = self.extent.take().unwrap_or(Extent { x0: 0.0, x1: 0.0, baseline: 0.0, size: 0.0, bold: false });
        self.lines.push(TextLine {
            start: self.line_start as u32,
            end: self.out.len() as u32,
            x0: e.x0 as f32,
            x1: e.x1 as f32,
            baseline: e.baseline as f32,
            size: e.size as f32,
            bold: e.bold,
        });
    }

    fn push(&mut self, text: &str, run: Option<Run>, bold: bool) {
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
        let (lo, hi) = (run.origin.0.min(run.end.0), run.origin.0.max(run.end.0));
        match &mut self.extent {
            Some(e) => {
                e.x0 = e.x0.min(lo);
                e.x1 = e.x1.max(hi);
                e.size = e.size.max(run.size);
                e.bold &= bold;
            }
            None => {
                self.extent = Some(Extent { x0: lo, x1: hi, baseline: run.origin.1, size: run.size, bold });
            }
        }
        self.out.push_str(text);
    }

    /// The page text, ending in a line break, and its lines.
    fn finish(mut self) -> (String, Vec<TextLine>) {
        self.finish_line();
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        (self.out, self.lines)
    }
}

// ---------------------------------------------------------------------------
// The page

fn font_of<'c, 'a>(cache: &'c FontCache<'a>, gs: &GraphicsState) -> Option<&'c Font<'a>> {
    match gs.font.and_then(|k| cache.get(k)) {
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
        match cache.get(key) {
            Some(FontEntry::Ok(_)) => {
                fonts.insert(name, key);
            }
            Some(FontEntry::Err { message, over_limit: o }) => {
                over_limit |= o;
                if !errors.contains(message) {
                    errors.push(message.clone());
                }
            }
            None => {}
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
        render: 0,
    };
    let mut saved: Vec<GraphicsState> = Vec::new();
    let mut unsaved_depth = 0usize;
    let mut tm = Matrix::IDENTITY;
    let mut tlm = Matrix::IDENTITY;
    let mut writer = Writer::default();
    let mut decoded = String::new();
    let mut glyphs = Decoded::default();

    let font_of = |gs: &GraphicsState| font_of(cache, gs);

    // Show one string: decode it, place it, advance the text matrix.
    let mut show = |bytes: &[u8], gs: &GraphicsState, tm: &mut Matrix, writer: &mut Writer| {
        let Some(font) = font_of(gs) else { return };
        decoded.clear();
        let d = font.decode(bytes, &mut decoded);
        glyphs.codes += d.codes;
        glyphs.unmapped += d.unmapped;
        if matches!(gs.render, 3 | 7) {
            glyphs.invisible += d.codes;
        }
        let tx = font.advance(bytes, gs.size, gs.tc, if font.is_cid() { 0.0 } else { gs.tw }) * gs.th;
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
        writer.push(&decoded, run, font.bold);
        if tx.is_finite() {
            *tm = tm.pre_translate(tx, 0.0);
        }
    };

    // The operations as `Content::decode` would give them: read by
    // [`content::operations`] when the stream keeps to the plain syntax it knows,
    // else one at a time by lopdf; a stream lopdf cannot decode is an error
    // here too (what was read of the page is dropped).
    let fast = content::operations(&content);
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
            "Tr" => gs.render = n(0).map_or(gs.render, |v| v as i64),
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
                    show(bytes, &gs, &mut tm, &mut writer);
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
                    show(bytes, &gs, &mut tm, &mut writer);
                }
            }
            "TJ" => {
                let Some(Operand::Array(items)) = ops.first() else { continue };
                for item in items {
                    match item {
                        Operand::Str(bytes) => show(bytes, &gs, &mut tm, &mut writer),
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
    let (text, lines) = writer.finish();
    Ok(PageLayoutText { text, lines, errors, over_limit, glyphs })
}
