//! Text-layer layout: PDFs whose producers move between lines inside one
//! text object, place every word or glyph on its own, or kern with `TJ`
//! must still read one text line a line, words whole and apart.
//!
//! Each style below writes the seed text of a real document the way another
//! PDF producer would (Chromium/Skia, Cairo, Word, pdfTeX, LibreOffice
//! tables); the decoded text must give the seed's words in order, and the
//! parsed documents must score against gold.

use lopdf::{dictionary, Document, Object, Stream};
use motebok::pdf::{decode, DecodeOptions, PageText};
use regex::Regex;

const FLOOR: f64 = 0.95;
const SIZE: f64 = 9.0;
const LEADING: f64 = 14.0;
const LINES_PER_PAGE: usize = 48;

/// Helvetica's widths (Adobe AFM) of the WinAnsi codes 32–255.
const HELVETICA: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,
    0, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 0, 737, 333,
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];

use motebok::pdfgen::win_ansi;

/// A string operand: hex, so no byte needs escaping.
fn hex(s: &str) -> String {
    let mut out = String::from("<");
    for b in win_ansi(s) {
        out.push_str(&format!("{b:02X}"));
    }
    out.push('>');
    out
}

fn glyph_width(b: u8) -> f64 {
    if b < 32 {
        return 0.0;
    }
    HELVETICA[b as usize - 32] as f64 / 1000.0
}

/// Width of `s` in Helvetica at `size`.
fn width(s: &str, size: f64) -> f64 {
    win_ansi(s).into_iter().map(glyph_width).sum::<f64>() * size
}

fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The seed's non-empty lines, rewrapped to fit the page.
fn seed_lines(id: &str) -> Vec<String> {
    crate::common::rewrap(&crate::common::seed(id), 70).lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum FontKind {
    /// Standard 14 Helvetica, no `/Widths` (the reader must know its metrics).
    Standard,
    /// A non-embedded TrueType font with `/FirstChar` + `/Widths`.
    WithWidths,
}

/// A PDF of one page a content stream, font `/F1`.
fn pdf_of(contents: &[String], font: FontKind) -> Vec<u8> {
    let font = match font {
        FontKind::Standard => motebok::pdfgen::helvetica(),
        FontKind::WithWidths => {
            let widths: Vec<Object> = HELVETICA.iter().map(|&w| Object::Integer(w as i64)).collect();
            dictionary! {
                "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "ABCDEF+LiberationSans",
                "Encoding" => "WinAnsiEncoding", "FirstChar" => 32, "LastChar" => 255, "Widths" => widths,
            }
        }
    };
    let contents: Vec<Vec<u8>> = contents.iter().map(|c| c.clone().into_bytes()).collect();
    motebok::pdfgen::content_pdf(font, &contents)
}

fn top(i: usize) -> f64 {
    800.0 - LEADING * i as f64
}

// ---------------------------------------------------------------------------
// Producer styles: each turns the lines of one page into a content stream.

/// (1) The whole page in one `BT`, lines reached with relative `Td`.
fn one_bt_td(lines: &[String]) -> String {
    let mut s = format!("BT /F1 {SIZE} Tf 40 800 Td\n");
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            s.push_str(&format!("0 -{LEADING} Td\n"));
        }
        s.push_str(&format!("{} Tj\n", hex(line)));
    }
    s.push_str("ET\n");
    s
}

/// (2) One `BT`, a `Tm` per line, in a flipped, scaled CTM as Chromium
/// (Skia) writes: `.75 0 0 -.75 0 842 cm`, text matrices with d = −1.
fn tm_per_line(lines: &[String]) -> String {
    let px = SIZE / 0.75;
    let mut s = format!("q .75 0 0 -.75 0 842 cm BT /F1 {px} Tf\n");
    for (i, line) in lines.iter().enumerate() {
        let y = (842.0 - top(i)) / 0.75;
        s.push_str(&format!("1 0 0 -1 {:.3} {y:.3} Tm {} Tj\n", 40.0 / 0.75, hex(line)));
    }
    s.push_str("ET Q\n");
    s
}

/// (3) Every word placed with its own `Td`, no space characters.
fn word_by_word(lines: &[String]) -> String {
    let space = width(" ", SIZE);
    let mut s = format!("BT /F1 {SIZE} Tf\n");
    for (i, line) in lines.iter().enumerate() {
        s.push_str(&format!("1 0 0 1 40 {} Tm\n", top(i)));
        let mut prev: Option<&str> = None;
        for word in line.split_whitespace() {
            if let Some(p) = prev {
                s.push_str(&format!("{:.3} 0 Td ", width(p, SIZE) + space));
            }
            s.push_str(&format!("{} Tj\n", hex(word)));
            prev = Some(word);
        }
    }
    s.push_str("ET\n");
    s
}

/// (3b) Every glyph placed on its own with an absolute `Tm` (Cairo, OCR
/// text layers); spaces are not drawn, only skipped.
fn glyph_by_glyph(lines: &[String]) -> String {
    let mut s = format!("BT /F1 {SIZE} Tf\n");
    for (i, line) in lines.iter().enumerate() {
        let mut x = 40.0;
        for c in line.chars() {
            let t = c.to_string();
            if c != ' ' {
                s.push_str(&format!("1 0 0 1 {x:.3} {} Tm {} Tj\n", top(i), hex(&t)));
            }
            x += width(&t, SIZE);
        }
    }
    s.push_str("ET\n");
    s
}

/// (4) `TJ` arrays: kerning inside words, a space-sized offset (−278, the
/// width of Helvetica's space) between them and no space characters; lines
/// reached with `TD`.
fn tj_kerning(lines: &[String]) -> String {
    let mut s = format!("BT /F1 {SIZE} Tf 40 800 Td\n");
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            s.push_str(&format!("0 -{LEADING} TD\n"));
        }
        s.push('[');
        for (w, word) in line.split_whitespace().enumerate() {
            if w > 0 {
                s.push_str(" -278 ");
            }
            let chars: Vec<char> = word.chars().collect();
            for (k, chunk) in chars.chunks(3).enumerate() {
                if k > 0 {
                    s.push_str(if k % 2 == 0 { " 25 " } else { " -18 " });
                }
                s.push_str(&hex(&chunk.iter().collect::<String>()));
            }
        }
        s.push_str("] TJ\n");
    }
    s.push_str("ET\n");
    s
}

/// One row of a page: a line, or two grid cells on one baseline.
enum Row {
    Line(String),
    Pair(String, String),
}

/// Participant entries ("Navn Navnesen (Org)") and bare names ("Karl
/// Vestli") paired into rows of a two-column grid.
fn grid_rows(lines: &[String]) -> Vec<Row> {
    let entry = Regex::new(r"^[A-ZÆØÅ][\p{L}. -]+ \([^()]+\)$").unwrap();
    let name = Regex::new(r"^[A-ZÆØÅ][\p{L}.-]+( [A-ZÆØÅ][\p{L}.-]+){1,3}$").unwrap();
    let cell = |l: &str| (entry.is_match(l) || name.is_match(l)) && width(l, SIZE) < 230.0;
    let mut rows = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if i + 1 < lines.len() && cell(&lines[i]) && cell(&lines[i + 1]) {
            rows.push(Row::Pair(lines[i].clone(), lines[i + 1].clone()));
            i += 2;
        } else {
            rows.push(Row::Line(lines[i].clone()));
            i += 1;
        }
    }
    rows
}

/// (5) A two-column grid written row by row in one `BT`: left cell at
/// x = 40, right cell at x = 300, moved between with `Td`.
fn grid(rows: &[Row]) -> String {
    let mut s = format!("BT /F1 {SIZE} Tf\n");
    let (mut x, mut y) = (0.0, 0.0);
    let mut goto = |s: &mut String, tx: f64, ty: f64| {
        s.push_str(&format!("{:.3} {:.3} Td ", tx - x, ty - y));
        x = tx;
        y = ty;
    };
    for (i, row) in rows.iter().enumerate() {
        match row {
            Row::Line(l) => {
                goto(&mut s, 40.0, top(i));
                s.push_str(&format!("{} Tj\n", hex(l)));
            }
            Row::Pair(a, b) => {
                goto(&mut s, 40.0, top(i));
                s.push_str(&format!("{} Tj ", hex(a)));
                goto(&mut s, 300.0, top(i));
                s.push_str(&format!("{} Tj\n", hex(b)));
            }
        }
    }
    s.push_str("ET\n");
    s
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Style {
    OneBtTd,
    TmPerLine,
    WordByWord,
    GlyphByGlyph,
    TjKerning,
    Grid,
}

const STYLES: [Style; 6] =
    [Style::OneBtTd, Style::TmPerLine, Style::WordByWord, Style::GlyphByGlyph, Style::TjKerning, Style::Grid];

fn styled_pdf(id: &str, style: Style, font: FontKind) -> Vec<u8> {
    let lines = seed_lines(id);
    let contents: Vec<String> = if style == Style::Grid {
        let rows = grid_rows(&lines);
        assert!(rows.iter().any(|r| matches!(r, Row::Pair(..))), "{id}: the grid has rows of two");
        rows.chunks(LINES_PER_PAGE).map(grid).collect()
    } else {
        let render = match style {
            Style::OneBtTd => one_bt_td,
            Style::TmPerLine => tm_per_line,
            Style::WordByWord => word_by_word,
            Style::GlyphByGlyph => glyph_by_glyph,
            Style::TjKerning => tj_kerning,
            Style::Grid => unreachable!(),
        };
        lines.chunks(LINES_PER_PAGE).map(render).collect()
    };
    pdf_of(&contents, font)
}

fn f1(id: &str, pages: &[PageText]) -> f64 {
    let docs = motebok::read::read_file(pages, &motebok::rules::Rules::embedded());
    let out = serde_json::json!({ "documents": docs });
    let gold = crate::common::gold(id);
    motebok::eval::score_runs([(id, &gold, Some(&out))]).f1
}

fn all_text(pages: &[PageText]) -> String {
    pages.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n")
}

fn check_style(style: Style, font: FontKind) {
    for id in ["002", "004"] {
        let bytes = styled_pdf(id, style, font);
        let decoded = decode(&bytes, &DecodeOptions::default()).expect("generated PDF decodes");
        assert!(decoded.pages.len() > 1);
        assert!(decoded.pages.iter().all(|p| p.engine == motebok::model::Engine::Lopdf && p.error.is_none()));
        let text = all_text(&decoded.pages);
        let seed = crate::common::seed(id);
        let written = seed_lines(id).join("\n");
        assert_eq!(win_ansi(&written).iter().filter(|&&b| b == b'?').count(), written.matches('?').count(), "{id}: WinAnsi");
        let want = words(&seed);
        let got = words(&text);
        if got != want {
            let (g, w): (Vec<&str>, Vec<&str>) = (got.split(' ').collect(), want.split(' ').collect());
            let at = g.iter().zip(&w).position(|(a, b)| a != b).unwrap_or(g.len().min(w.len()));
            panic!(
                "{id} {style:?} {font:?}: words differ at word {at}: got {:?}, want {:?}",
                &g[at.saturating_sub(3)..(at + 5).min(g.len())],
                &w[at.saturating_sub(3)..(at + 5).min(w.len())]
            );
        }
        // One text line a line: as many lines as the generator wrote.
        let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
        let written = written.lines().count();
        assert_eq!(lines, written, "{id} {style:?} {font:?}: {lines} lines, {written} written");
        let score = f1(id, &decoded.pages);
        eprintln!("{id} {style:?} {font:?}: f1 {score:.4}");
        assert!(score >= FLOOR, "{id} {style:?} {font:?}: f1 {score:.4}");
    }
}

#[test]
fn one_bt_with_td_line_moves() {
    check_style(Style::OneBtTd, FontKind::Standard);
    check_style(Style::OneBtTd, FontKind::WithWidths);
}

#[test]
fn tm_per_line_in_a_flipped_ctm() {
    check_style(Style::TmPerLine, FontKind::Standard);
    check_style(Style::TmPerLine, FontKind::WithWidths);
}

#[test]
fn every_word_placed_with_its_own_td() {
    check_style(Style::WordByWord, FontKind::Standard);
    check_style(Style::WordByWord, FontKind::WithWidths);
}

#[test]
fn every_glyph_placed_on_its_own() {
    check_style(Style::GlyphByGlyph, FontKind::Standard);
    check_style(Style::GlyphByGlyph, FontKind::WithWidths);
}

#[test]
fn tj_arrays_with_kerning_and_space_offsets() {
    check_style(Style::TjKerning, FontKind::Standard);
    check_style(Style::TjKerning, FontKind::WithWidths);
}

#[test]
fn two_column_grid_written_row_by_row() {
    check_style(Style::Grid, FontKind::Standard);
    check_style(Style::Grid, FontKind::WithWidths);
    // Each grid cell reads as its own line, in the order written.
    let d = decode(&styled_pdf("002", Style::Grid, FontKind::Standard), &DecodeOptions::default()).unwrap();
    let text = all_text(&d.pages);
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let at = lines.iter().position(|l| l.starts_with("Karl Vestli")).expect("Karl Vestli");
    assert_eq!(lines[at..at + 3], ["Karl Vestli", "Jon Helge Andersen", "Lucie Aunan"]);
}

/// Plain lopdf `extract_text` against this crate's text layer, per style
/// (printed: `cargo test --test pdf_text_layout before_and_after -- --nocapture`).
#[test]
fn before_and_after() {
    for style in STYLES {
        for id in ["002", "004"] {
            let bytes = styled_pdf(id, style, FontKind::Standard);
            let doc = Document::load_mem(&bytes).unwrap();
            let plain: Vec<PageText> = doc
                .get_pages()
                .keys()
                .map(|&n| PageText::new(n, doc.extract_text(&[n]).unwrap_or_default(), motebok::model::Engine::Lopdf))
                .collect();
            let ours = decode(&bytes, &DecodeOptions::default()).unwrap().pages;
            let want = words(&crate::common::seed(id));
            let report = |pages: &[PageText]| {
                let text = all_text(pages);
                format!(
                    "lines {:4}, words equal {:5}, f1 {:.4}",
                    text.lines().filter(|l| !l.trim().is_empty()).count(),
                    words(&text) == want,
                    f1(id, pages)
                )
            };
            eprintln!("{id} {style:?}: {} lines written", seed_lines(id).len());
            eprintln!("    extract_text: {}", report(&plain));
            eprintln!("    motebok:      {}", report(&ours));
        }
    }
}

// ---------------------------------------------------------------------------
// Geometry details

fn one_page(content: &str, font: FontKind) -> String {
    let d = decode(&pdf_of(&[content.to_string()], font), &DecodeOptions::default()).unwrap();
    assert_eq!(d.pages.len(), 1);
    d.pages[0].text.clone()
}

fn lines_of(text: &str) -> Vec<String> {
    text.lines().map(words).filter(|l| !l.is_empty()).collect()
}

#[test]
fn superscripts_and_subscripts_stay_on_their_line() {
    // A footnote mark raised with Ts in a smaller font; a subscript set
    // 2.5 pt lower with its own Tm, as word processors place it.
    let co = 40.0 + width("Vedtak", 10.0) + width("1", 6.0) + width(" gjelder CO", 10.0);
    let content = format!(
        "BT /F1 10 Tf 40 700 Td (Vedtak) Tj 3 Ts /F1 6 Tf (1) Tj 0 Ts /F1 10 Tf ( gjelder CO) Tj \
         /F1 6 Tf 1 0 0 1 {co:.3} 697.5 Tm (2) Tj /F1 10 Tf 1 0 0 1 {:.3} 700 Tm ( fra 2022) Tj \
         1 0 0 1 40 686 Tm (Neste linje) Tj ET",
        co + width("2", 6.0)
    );
    for font in [FontKind::Standard, FontKind::WithWidths] {
        let text = one_page(&content, font);
        assert_eq!(lines_of(&text), ["Vedtak1 gjelder CO2 fra 2022", "Neste linje"], "{text:?}");
    }
}

#[test]
fn two_columns_written_column_by_column_keep_their_order() {
    let mut s = String::from("BT /F1 10 Tf\n");
    for (x, col) in [(40, "venstre"), (300, "høyre")] {
        for i in 0..4 {
            s.push_str(&format!("1 0 0 1 {x} {} Tm {} Tj\n", 700 - 12 * i, hex(&format!("{col} {i}"))));
        }
    }
    s.push_str("ET");
    let text = one_page(&s, FontKind::Standard);
    assert_eq!(
        lines_of(&text),
        ["venstre 0", "venstre 1", "venstre 2", "venstre 3", "høyre 0", "høyre 1", "høyre 2", "høyre 3"]
    );
}

#[test]
fn kerning_is_not_a_space_and_a_wide_offset_is() {
    let content = format!("BT /F1 10 Tf 40 700 Td [{} 40 (te) -30 (r) -250 (i) -120 (NUIT)] TJ ET", hex("Mø"));
    let text = one_page(&content, FontKind::Standard);
    assert_eq!(lines_of(&text), ["Møter iNUIT"], "{text:?}");
}

#[test]
fn word_spacing_and_character_spacing_are_measured() {
    // Justified: Tw widens the spaces; Tc spaces letters; the next word is
    // placed right after the measured end.
    // 7 glyphs × Tc 1 + one space × Tw 6.
    let w = width("Sak til", 10.0) + 7.0 * 1.0 + 6.0;
    let content = format!("BT /F1 10 Tf 6 Tw 1 Tc 40 700 Td (Sak til) Tj 0 Tw 0 Tc {w:.3} 0 Td (behandling) Tj ET");
    let text = one_page(&content, FontKind::WithWidths);
    assert_eq!(lines_of(&text), ["Sak tilbehandling"], "{text:?}");
    let text = one_page(&content, FontKind::Standard);
    assert_eq!(lines_of(&text), ["Sak tilbehandling"], "{text:?}");
}

#[test]
fn rotated_text_reads_along_its_baseline() {
    // A line set vertically up the margin, word by word, then normal text.
    let text = one_page(
        "BT /F1 10 Tf 0 1 -1 0 30 100 Tm (Utkast) Tj 0 1 -1 0 30 135 Tm (til) Tj \
         1 0 0 1 40 700 Tm (Referat) Tj ET",
        FontKind::Standard,
    );
    assert_eq!(lines_of(&text), ["Utkast til", "Referat"], "{text:?}");
}

// ---------------------------------------------------------------------------
// Hostile content: never a panic, never slow

#[test]
fn malformed_operators_do_not_panic() {
    let nasty = [
        "BT Tf /F1 Tf 12 /F1 Tf (a) Tj ET",
        "BT /F1 12 Tf (x) 5 Td 1 Td /X /Y Tm 1 2 3 Tm (b) Tj [1 (c) [2 (d)] /N <> ()] TJ 5 TJ ET",
        "BT /F9 12 Tf (missing font) Tj [(still) -300 (missing)] TJ ET",
        "BT /F1 12 Tf 0 0 0 0 0 0 Tm (zero matrix) Tj 0 0 0 0 0 0 cm (zero ctm) Tj ET",
        "BT /F1 12 Tf 99999999999999999999999999999999999999 0 0 99999999999999999999999999999999999999 1 1 Tm (huge) Tj \
         340282340000000000000000000000000000000 0 Td (x) Tj -340282340000000000000000000000000000000 3.4e38 TD (y) Tj ET",
        "BT /F1 -12 Tf -100 Tz 1 0 0 -1 40 700 Tm (negative) Tj 0 Tz (zero scale) Tj ET",
        "Q Q Q ET ET ' \" T* BT ' (a) \" 1 (b) \" 1 2 (c) ' T* Tz TL Tc Tw Ts ET",
        "BT /F1 12 Tf 1e400 1e400 Td (exponent) Tj ET",
        "q q q 1 0 0 1 5 5 cm Q Q Q Q Q BT /F1 12 Tf (after pops) Tj ET",
    ];
    for content in nasty {
        for font in [FontKind::Standard, FontKind::WithWidths] {
            let bytes = pdf_of(&[content.to_string(), "BT /F1 12 Tf 40 700 Td (Side to) Tj ET".to_string()], font);
            let d = decode(&bytes, &DecodeOptions::default()).unwrap_or_else(|e| panic!("{content}: {e}"));
            assert_eq!(d.pages[1].text.trim(), "Side to", "{content}");
        }
    }
}

#[test]
fn huge_pages_take_linear_time() {
    // 200 000 TJ elements on one line, 100 000 nested q, 50 000 lines.
    let mut tj = String::from("BT /F1 10 Tf 40 700 Td [");
    for i in 0..100_000 {
        tj.push_str(if i % 2 == 0 { "(ab) " } else { "-12 " });
        tj.push_str("-300 ");
    }
    tj.push_str("] TJ ET");
    let deep = format!("{} BT /F1 10 Tf 40 700 Td (deep) Tj ET {}", "q ".repeat(100_000), "Q ".repeat(100_000));
    let mut lines = String::from("BT /F1 10 Tf 40 800 Td\n");
    for _ in 0..50_000 {
        lines.push_str("(linje) Tj 0 -1 Td\n");
    }
    lines.push_str("ET");
    let start = std::time::Instant::now();
    let bytes = pdf_of(&[tj, deep, lines], FontKind::Standard);
    let d = decode(&bytes, &DecodeOptions::default()).unwrap();
    assert!(d.pages[0].text.starts_with("ab ab ab"), "{:?}", &d.pages[0].text[..40]);
    assert_eq!(d.pages[1].text.trim(), "deep");
    assert_eq!(d.pages[2].text.lines().count(), 50_000);
    assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
}

/// Dev helper: `DUMP_DIR=/tmp/x cargo test --test pdf_text_layout dump -- --ignored`
/// writes the decoded text of every fixture there.
#[test]
#[ignore]
fn dump_fixture_text() {
    let out = std::path::PathBuf::from(std::env::var("DUMP_DIR").expect("DUMP_DIR"));
    std::fs::create_dir_all(&out).unwrap();
    let fixtures = ["000.pdf", "001.pdf", "002.pdf", "003.pdf", "004.pdf", "layout/002-layout.pdf"];
    // DUMP_FILES: other PDFs (space-separated paths) instead of the fixtures.
    let files: Vec<std::path::PathBuf> = match std::env::var("DUMP_FILES") {
        Ok(list) => list.split_whitespace().map(std::path::PathBuf::from).collect(),
        Err(_) => fixtures.iter().map(|rel| crate::common::fixture(rel)).collect(),
    };
    for path in &files {
        let rel = path.file_name().unwrap().to_string_lossy().into_owned();
        let rel = if path.parent().is_some_and(|p| p.ends_with("layout")) { format!("layout/{rel}") } else { rel };
        let rel = rel.as_str();
        let bytes = std::fs::read(path).unwrap();
        let d = decode(&bytes, &DecodeOptions::default()).unwrap();
        let text: Vec<String> = d.pages.iter().map(|p| format!("=== page {} {:?}\n{}", p.number, p.engine, p.text)).collect();
        std::fs::write(out.join(rel.replace('/', "_") + ".txt"), text.join("\n")).unwrap();
        // And what lopdf's extract_text gives, for comparison.
        if let Ok(doc) = Document::load_mem(&bytes) {
            let plain: Vec<String> =
                doc.get_pages().keys().map(|&n| format!("=== page {n}\n{}", doc.extract_text(&[n]).unwrap_or_default())).collect();
            std::fs::write(out.join(rel.replace('/', "_") + ".extract_text.txt"), plain.join("\n")).unwrap();
        }
    }
}

/// The layout fixture scores as the plain one, read through this layer.
#[test]
fn layout_fixture_scores() {
    let bytes = std::fs::read(crate::common::fixture("layout/002-layout.pdf")).unwrap();
    let d = decode(&bytes, &DecodeOptions::default()).unwrap();
    let score = crate::common::f1_of_pages("002", &d.pages);
    assert!(score >= 0.99, "f1 {score:.4}");
}

/// Speed against lopdf's `extract_text` on the fixtures (run in release:
/// `cargo test --release --test pdf_text_layout speed -- --ignored --nocapture`).
#[test]
#[ignore]
fn speed_against_extract_text() {
    let files: Vec<Vec<u8>> = ["000.pdf", "001.pdf", "002.pdf", "003.pdf", "004.pdf", "layout/002-layout.pdf"]
        .iter()
        .map(|rel| std::fs::read(crate::common::fixture(rel)).unwrap())
        .collect();
    let rounds = 20;
    let time = |f: &dyn Fn(&[u8]) -> usize| {
        let start = std::time::Instant::now();
        let mut pages = 0;
        for _ in 0..rounds {
            for bytes in &files {
                pages += f(bytes);
            }
        }
        pages as f64 / start.elapsed().as_secs_f64()
    };
    let load_only = time(&|b| Document::load_mem(b).unwrap().get_pages().len());
    let plain = time(&|b| {
        let doc = Document::load_mem(b).unwrap();
        let pages = doc.get_pages();
        for &n in pages.keys() {
            std::hint::black_box(doc.extract_text_chunks_with_limit(&[n], 256 << 20));
        }
        pages.len()
    });
    let ours = time(&|b| decode(b, &DecodeOptions::default()).unwrap().pages.len());
    eprintln!("pages/s: load only {load_only:.0}, load + extract_text {plain:.0}, motebok::pdf::decode {ours:.0}");
}

/// A Type0 font (Identity-H, a ToUnicode CMap, `/W` widths) with every word
/// placed on its own: two-byte codes are measured with the CID widths.
#[test]
fn cid_font_words_placed_one_by_one() {
    let lines: Vec<String> =
        seed_lines("002").into_iter().filter(|l| l.chars().all(|c| (c as u32) < 0x80 || (0xA0..0x100).contains(&(c as u32)))).take(40).collect();
    assert!(lines.len() == 40);
    let cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Latin def \
                1 begincodespacerange <0000> <FFFF> endcodespacerange \
                1 beginbfrange <0000> <00FF> <0000> endbfrange endcmap \
                CMapName currentdict /CMap defineresource pop end end";
    let cid = |s: &str| -> String { format!("<{}>", s.chars().map(|c| format!("{:04X}", c as u32)).collect::<String>()) };
    let space = width(" ", SIZE);
    let mut content = format!("BT /F1 {SIZE} Tf\n");
    for (i, line) in lines.iter().enumerate() {
        content.push_str(&format!("1 0 0 1 40 {} Tm\n", top(i)));
        let mut prev: Option<&str> = None;
        for word in line.split_whitespace() {
            if let Some(p) = prev {
                content.push_str(&format!("{:.3} 0 Td ", width(p, SIZE) + space));
            }
            content.push_str(&format!("{} Tj\n", cid(word)));
            prev = Some(word);
        }
    }
    content.push_str("ET\n");

    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.as_bytes().to_vec()));
    let widths: Vec<Object> = HELVETICA.iter().map(|&w| Object::Integer(w as i64)).collect();
    let descendant = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "ABCDEF+LiberationSans",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "DW" => 1000, "W" => vec![Object::Integer(32), Object::Array(widths)],
    });
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+LiberationSans", "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::from(descendant)], "ToUnicode" => to_unicode,
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id, "Resources" => resources_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 }));
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();

    let d = decode(&bytes, &DecodeOptions::default()).unwrap();
    assert_eq!(d.pages[0].engine, motebok::model::Engine::Lopdf);
    let got: Vec<String> = lines_of(&d.pages[0].text);
    let want: Vec<String> = lines.iter().map(|l| words(l)).collect();
    assert_eq!(got, want);
}
