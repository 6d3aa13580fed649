//! Stage 1: pages of text → clean lines.
//!
//! Page furniture (page numbers, "Notat side 6 av 10", bare URLs, a
//! reference printed at the top of every page) is dropped, whitespace is
//! tidied, and every line remembers its page so that each value can be
//! traced back to where it was printed. What the layout says about a line
//! is kept with it: whether a blank line or a page break comes before it,
//! whether it opens with a bullet or is indented, and the cells it holds
//! when the page prints wide gaps inside it (a table row, two names side by
//! side). Joining lines into values is [`join_lines`]: a line-final hyphen
//! is a real hyphen in this genre.

use std::collections::HashMap;

use crate::pdf::PageText;
use crate::rules::Rules;

/// One line of text and where it was printed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    /// The tidied text as printed (single spaces), bullet included: values
    /// such as decisions keep their bullets. [`Line::content`] is the text
    /// without it.
    pub text: String,
    pub page: u32,
    /// The parts of a line printed with wide gaps between them (three
    /// spaces or more in the text layer); empty when there is one part.
    pub cells: Vec<String>,
    /// Indentation: from the page's geometry where the layout extractor
    /// read it (half-ems from the page's leftmost line), else leading
    /// spaces in the text layer.
    pub indent: u16,
    /// The visual row the line sits on: lines printed on one baseline (the
    /// cells of a table row, split apart by wide gaps) share it. Counts up
    /// through the file; 0 without geometry.
    pub row: u32,
    /// Every run of the line is set in bold.
    pub bold: bool,
    /// Where the line starts on the page, in points (0 without geometry).
    pub x0: f32,
    /// The line's baseline and font size, in points (0 without geometry).
    pub baseline: f32,
    pub size: f32,
    /// The line opened with a bullet (•, ●, ○, ▪, -, *).
    pub bullet: bool,
    /// A blank line, or the start of a page, comes before this line.
    pub blank_before: bool,
    /// The line stops well short of the page's longest line: where a line
    /// ends a sentence so, its paragraph ends.
    pub short: bool,
}

impl Line {
    pub fn new(text: impl Into<String>, page: u32) -> Line {
        let text = text.into();
        let bullet = strip_bullet(&text).0;
        Line { text, page, bullet, ..Line::default() }
    }

    /// The text without its bullet.
    pub fn content(&self) -> &str {
        if self.bullet {
            strip_bullet(&self.text).1
        } else {
            &self.text
        }
    }
}

/// The clean lines of a file, in reading order, without empty lines.
pub fn clean_pages(pages: &[PageText], rules: &Rules) -> Vec<Line> {
    // Each page's lines, read once, empty lines dropped (a blank before a
    // line is kept as its sign), with their geometry where there is one.
    let mut row = 0u32;
    let read: Vec<Vec<Line>> = pages
        .iter()
        .map(|page| {
            let geometry = page_geometry(page);
            let mut lines = Vec::new();
            let mut blank = true;
            let mut last_baseline: Option<(f32, f32)> = None;
            for (k, raw) in page.text.lines().enumerate() {
                let mut line = read_line(raw, page.number);
                if let Some((left, g)) = geometry.as_ref().and_then(|(left, g)| g.get(k).map(|g| (*left, g))) {
                    line.indent = ((g.x0 - left).max(0.0) / (g.size.max(1.0) * 0.5)).round().min(u16::MAX as f32) as u16;
                    line.bold = g.bold;
                    line.x0 = g.x0;
                    line.baseline = g.baseline;
                    line.size = g.size;
                    let same_row = last_baseline.is_some_and(|(b, size)| (b - g.baseline).abs() <= 0.4 * size.max(g.size));
                    if !same_row {
                        row += 1;
                    }
                    last_baseline = Some((g.baseline, g.size));
                    line.row = row;
                }
                if line.text.is_empty() {
                    blank = true;
                    continue;
                }
                line.blank_before = blank;
                blank = false;
                lines.push(line);
            }
            lines
        })
        .collect();
    let repeated = repeated_edge_lines(&read);
    let mut out: Vec<Line> = Vec::new();
    for lines in read {
        let n = lines.len();
        let mut after_furniture = false;
        let mut blank_carried = false;
        for (k, mut line) in lines.into_iter().enumerate() {
            let at_edge = k == 0 || k + 1 == n;
            let edge_band = k < 2 || k + 2 >= n;
            if is_furniture(&line.text, rules) || (at_edge && is_page_number(&line.text)) || (edge_band && repeated.contains(&shape(&line.text))) {
                // A running header (the body's name) printed beside the
                // page number is furniture too.
                if out.last().is_some_and(|l| is_running_header(&l.text, rules)) {
                    out.pop();
                }
                after_furniture = true;
                blank_carried |= line.blank_before;
                continue;
            }
            if after_furniture && is_running_header(&line.text, rules) {
                continue;
            }
            after_furniture = false;
            line.blank_before |= blank_carried || k == 0;
            blank_carried = false;
            out.push(line);
        }
    }
    mark_short(&mut out);
    out
}

/// A page's line geometry, one entry per line of its text, and the
/// leftmost x of its lines; `None` when the page has none (another engine
/// read it) or it does not match the text line for line.
fn page_geometry(page: &PageText) -> Option<(f32, &[crate::pdf::TextLine])> {
    let g = page.lines.as_slice();
    if g.is_empty() || g.len() != page.text.lines().count() {
        return None;
    }
    let left = g.iter().filter(|l| l.x1 > l.x0).map(|l| l.x0).fold(f32::INFINITY, f32::min);
    left.is_finite().then_some((left, g))
}

/// Mark lines shorter than 70 % of their page's longest line.
fn mark_short(lines: &mut [Line]) {
    let mut widest: HashMap<u32, usize> = HashMap::new();
    for l in lines.iter() {
        let w = widest.entry(l.page).or_default();
        *w = (*w).max(l.text.chars().count());
    }
    for l in lines.iter_mut() {
        l.short = l.text.chars().count() * 10 < widest[&l.page] * 7;
    }
}

/// One raw line of a page: tidied, with its bullet, indentation and cells.
fn read_line(raw: &str, page: u32) -> Line {
    let indent = raw.chars().take_while(|c| c.is_whitespace()).count().min(u16::MAX as usize) as u16;
    let trimmed = raw.trim();
    let (bullet, body) = strip_bullet(trimmed);
    let cells: Vec<String> = if body.contains("   ") || body.contains('\t') {
        split_cells(body).into_iter().map(tidy).filter(|c| !c.is_empty()).collect()
    } else {
        Vec::new()
    };
    let text = tidy(trimmed);
    Line { cells: if cells.len() > 1 { cells } else { Vec::new() }, text, page, indent, bullet, ..Line::default() }
}

/// Bullet characters that open a list entry.
const BULLETS: [char; 12] = ['•', '●', '○', '▪', '■', '◦', '‣', '∙', '·', '\u{F0B7}', '\u{F0A7}', '➢'];

/// The line without its bullet, and whether it had one. A hyphen or an
/// asterisk counts when a space follows it ("- Resultat: …").
pub fn strip_bullet(text: &str) -> (bool, &str) {
    let t = text.trim_start();
    if let Some(c) = t.chars().next() {
        if BULLETS.contains(&c) {
            return (true, t[c.len_utf8()..].trim_start());
        }
        if matches!(c, '-' | '*' | '–') && t[c.len_utf8()..].starts_with(' ') {
            return (true, t[c.len_utf8()..].trim_start());
        }
    }
    (false, t)
}

/// Parts of a line separated by three or more spaces (or a tab).
fn split_cells(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut run = 0;
    let mut run_start = 0;
    for (i, c) in text.char_indices() {
        if c == ' ' || c == '\u{a0}' {
            if run == 0 {
                run_start = i;
            }
            run += 1;
        } else if c == '\t' {
            if run == 0 {
                run_start = i;
            }
            run += 3;
        } else {
            if run >= 3 && run_start > start {
                out.push(&text[start..run_start]);
                start = i;
            }
            run = 0;
        }
    }
    out.push(&text[start..]);
    out
}

/// A line holding nothing but a body's or the secretariat's name.
fn is_running_header(line: &str, rules: &Rules) -> bool {
    rules.canonical_body(line).is_some() || rules.bodies.secretariat.names.iter().any(|n| crate::rules::labels::eq_fold(n, line))
}

/// A bare page number ("3", "- 3 -", "3 |").
fn is_page_number(text: &str) -> bool {
    let t = text.trim_matches(|c: char| c == '-' || c == '–' || c == '|' || c.is_whitespace());
    !t.is_empty() && t.len() <= 4 && t.chars().all(|c| c.is_ascii_digit())
}

/// A line's shape for spotting running headers and footers: digits and
/// whitespace do not count ("Saksnr: 20/1989-526", "Side 3 av 17").
fn shape(text: &str) -> String {
    text.chars().filter(|c| !c.is_ascii_digit() && !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// Lines printed at the top or bottom of most pages (a reference, a title
/// repeated as a running header), by shape. Only files of three pages or
/// more have them; a shape must be on at least three pages and on more
/// than half of them.
fn repeated_edge_lines(pages: &[Vec<Line>]) -> std::collections::HashSet<String> {
    let with_text = pages.iter().filter(|p| !p.is_empty()).count();
    if with_text < 3 {
        return Default::default();
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    for lines in pages {
        let n = lines.len();
        let mut seen: Vec<String> = Vec::new();
        for (k, l) in lines.iter().enumerate() {
            if k < 2 || k + 2 >= n {
                let s = shape(&l.text);
                // Short shapes (a lone letter, a page number) say nothing.
                if s.chars().count() >= 4 && !seen.contains(&s) {
                    seen.push(s);
                }
            }
        }
        for s in seen {
            *counts.entry(s).or_default() += 1;
        }
    }
    counts.into_iter().filter(|(_, n)| *n >= 3 && *n * 2 > with_text).map(|(s, _)| s).collect()
}

/// Plain text as the lines of one page (tidied, empty lines dropped), with
/// no furniture removal: for callers that hold text rather than PDF pages.
pub fn lines_of(text: &str, page: u32) -> Vec<Line> {
    let mut out = Vec::new();
    let mut blank = true;
    for raw in text.lines() {
        let mut line = read_line(raw, page);
        if line.text.is_empty() {
            blank = true;
            continue;
        }
        line.blank_before = blank;
        blank = false;
        out.push(line);
    }
    mark_short(&mut out);
    out
}

/// Collapse runs of whitespace (including no-break spaces) into one space,
/// trim, drop soft hyphens, zero-width characters and control characters,
/// and compose letters written as a base and a combining mark ("a" + "̊"
/// is "å"), so that a name is spelt one way whatever the producer did.
pub fn tidy(raw: &str) -> String {
    let s = tidy_spaces(raw);
    if s.chars().any(|c| ('\u{0300}'..='\u{036F}').contains(&c)) {
        use unicode_normalization::UnicodeNormalization;
        s.nfc().collect()
    } else {
        s
    }
}

fn tidy_spaces(raw: &str) -> String {
    let mut s = String::with_capacity(raw.len());
    let mut space = false;
    for c in raw.chars() {
        if c == '\u{00AD}' || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}') || (c.is_control() && !c.is_whitespace()) {
            continue;
        }
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !s.is_empty() {
                s.push(' ');
            }
            space = false;
            s.push(c);
        }
    }
    s
}

/// A line that is page furniture rather than content.
pub fn is_furniture(line: &str, rules: &Rules) -> bool {
    rules.is_furniture(line)
}

/// Join lines into one value. A line-final hyphen after a letter joins the
/// next line without a space ("e-" + "helse" = "e-helse"), except before a
/// conjunction, where the hyphen is a suspended compound ("drift-" + "og
/// forvaltning" = "drift- og forvaltning").
pub fn join_lines<S: AsRef<str>>(lines: &[S]) -> String {
    let mut out = String::new();
    for line in lines {
        push_joined(&mut out, line.as_ref());
    }
    out
}

/// `line` reads as the continuation of `prev`: it opens in lower case, or
/// `prev` ends open (a hyphen, a dash, a comma), and `prev` does not end a
/// sentence.
pub fn continues_previous(line: &str, prev: &str) -> bool {
    let starts_lower = line.chars().next().is_some_and(|c| c.is_lowercase());
    let last_word = prev.split_whitespace().last().unwrap_or("");
    let prev_open = prev.ends_with('-')
        || prev.ends_with('–')
        || prev.ends_with(',')
        || prev.matches('(').count() > prev.matches(')').count()
        || matches!(last_word, "og" | "eller" | "i" | "for" | "til" | "av" | "om" | "med" | "på" | "samt" | "fra" | "ved");
    // A title set in capitals goes on in capitals ("… MED TILHØRENDE" /
    // "ERSTATNINGSOPPGØR").
    let capitals = |t: &str| t.chars().filter(|c| c.is_alphabetic()).count() >= 3 && t.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
    // A parenthesis after a title ("… (Benedicte Myrvoll, …)") is part of it.
    let aside = line.starts_with('(');
    (starts_lower || prev_open || aside || (capitals(prev) && capitals(line))) && !prev.ends_with('.')
}

/// [`join_lines`] over the text of `lines`.
pub fn join_texts(lines: &[Line]) -> String {
    let mut out = String::new();
    for l in lines {
        push_joined(&mut out, &l.text);
    }
    out
}

/// Append `line` to `acc` with the joining rule of [`join_lines`].
pub fn push_joined(acc: &mut String, line: &str) {
    let line = line.trim();
    if line.is_empty() {
        return;
    }
    if acc.is_empty() {
        acc.push_str(line);
        return;
    }
    let trimmed_len = acc.trim_end().len();
    acc.truncate(trimmed_len);
    if ends_with_word_hyphen(acc) && !starts_with_conjunction(line) {
        acc.push_str(line);
    } else {
        acc.push(' ');
        acc.push_str(line);
    }
}

fn ends_with_word_hyphen(s: &str) -> bool {
    let mut it = s.chars().rev();
    matches!(it.next(), Some('-')) && it.next().is_some_and(|c| c.is_alphanumeric())
}

fn starts_with_conjunction(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or("");
    matches!(first, "og" | "eller" | "samt" | "and" | "or")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Engine;

    fn page(number: u32, text: &str) -> PageText {
        PageText::new(number, text, Engine::Lopdf)
    }

    fn texts(lines: &[Line]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn hyphen_at_line_end_is_a_real_hyphen() {
        assert_eq!(join_lines(&["Nasjonalt e-", "helsestyre"]), "Nasjonalt e-helsestyre");
        assert_eq!(join_lines(&["Direktoratet for e- ", "helse"]), "Direktoratet for e-helse");
    }

    #[test]
    fn suspended_compound_keeps_its_space() {
        assert_eq!(join_lines(&["drift-", "og forvaltningskostnader"]), "drift- og forvaltningskostnader");
    }

    #[test]
    fn dash_between_words_is_not_joined() {
        assert_eq!(join_lines(&["strategi fra 2023 –", "mål og tiltak"]), "strategi fra 2023 – mål og tiltak");
        assert_eq!(join_lines(&["a -", "b"]), "a - b");
    }

    #[test]
    fn plain_lines_join_with_one_space() {
        assert_eq!(join_lines(&["Bente Christensen (Norsk", "  sykepleierforbund)"]), "Bente Christensen (Norsk sykepleierforbund)");
        assert_eq!(join_lines::<&str>(&[]), "");
    }

    #[test]
    fn tidy_collapses_whitespace_and_invisible_characters() {
        assert_eq!(tidy("  14.  desember\u{a0}2021 \t"), "14. desember 2021");
        assert_eq!(tidy("e-hel\u{ad}se"), "e-helse");
        assert_eq!(tidy("Referent: \u{200b}Andreas"), "Referent: Andreas");
        assert_eq!(tidy("Ha\u{30a}vard"), "Håvard");
    }

    #[test]
    fn furniture_is_dropped() {
        let rules = Rules::embedded();
        for f in ["side 2", "Side 2 av 4", "Notat side 6 av 10", "https://www.ehelse.no/styrer#09.12.2021"] {
            assert!(is_furniture(f, &rules), "{f}");
        }
        for c in ["Sak 2", "side om side med sektoren", "13/22 Eventuelt", "Møte 6/21"] {
            assert!(!is_furniture(c, &rules), "{c}");
        }
    }

    #[test]
    fn running_header_beside_page_number_is_dropped() {
        let rules = Rules::embedded();
        let pages = vec![page(1, "evaluering av rådsmodellen.\nNUIT\nside 1\nOrientering\nNUIT ber om innspill.\n")];
        assert_eq!(texts(&clean_pages(&pages, &rules)), vec!["evaluering av rådsmodellen.", "Orientering", "NUIT ber om innspill."]);
    }

    #[test]
    fn pages_become_lines_with_page_numbers() {
        let rules = Rules::embedded();
        let pages = vec![page(1, "Møte i NUIT\n\nside 1\n"), page(2, " Dato 8. april 2022 \n")];
        let lines = clean_pages(&pages, &rules);
        assert_eq!(texts(&lines), vec!["Møte i NUIT", "Dato 8. april 2022"]);
        assert_eq!((lines[0].page, lines[1].page), (1, 2));
    }

    #[test]
    fn bare_page_numbers_at_a_page_edge_are_furniture() {
        let rules = Rules::embedded();
        let pages = vec![page(1, "Referat\n1 Velkommen\nTekst.\n1\n"), page(2, "2\n2 Valg av ordstyrer\nTekst.\n")];
        assert_eq!(texts(&clean_pages(&pages, &rules)), vec!["Referat", "1 Velkommen", "Tekst.", "2 Valg av ordstyrer", "Tekst."]);
    }

    #[test]
    fn a_reference_printed_on_every_page_is_furniture() {
        let rules = Rules::embedded();
        let words = ["Innledning", "Bakgrunn", "Vurdering", "Konklusjon"];
        let pages: Vec<PageText> = (1..=4).map(|n| page(n, &format!("Saksnr: 20/1989-526\n{w} om saken.\nDette er side {n}.\nMer om {w}.\nSlutt på {w}.\n", w = words[n as usize - 1]))).collect();
        let lines = clean_pages(&pages, &rules);
        assert!(lines.iter().all(|l| !l.text.starts_with("Saksnr")), "{:?}", texts(&lines));
        assert_eq!(lines.len(), 16, "{:?}", texts(&lines));
    }

    #[test]
    fn layout_signs_are_kept() {
        let lines = lines_of("Tilstede:\n  ● Daniel Olufsen (daniehol)\n\nChristoffer Lofsberg     Lars Føleide\n- Resultat: 46 000\n", 1);
        assert_eq!(texts(&lines), vec!["Tilstede:", "● Daniel Olufsen (daniehol)", "Christoffer Lofsberg Lars Føleide", "- Resultat: 46 000"]);
        let contents: Vec<&str> = lines.iter().map(Line::content).collect();
        assert_eq!(contents, vec!["Tilstede:", "Daniel Olufsen (daniehol)", "Christoffer Lofsberg Lars Føleide", "Resultat: 46 000"]);
        assert!(lines[1].bullet && lines[1].indent == 2);
        assert!(lines[2].blank_before && !lines[1].blank_before);
        assert_eq!(lines[2].cells, vec!["Christoffer Lofsberg", "Lars Føleide"]);
        assert!(lines[3].bullet);
    }
}
