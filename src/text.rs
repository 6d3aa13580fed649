//! Stage 2: pages of text → clean lines.
//!
//! Page furniture (page numbers, "Notat side 6 av 10", bare URLs) is dropped,
//! whitespace is tidied, and every line remembers its page so that each value
//! can be traced back to where it was printed. Joining lines into values is
//! [`join_lines`]: a line-final hyphen is a real hyphen in this genre.

use crate::pdf::PageText;
use crate::rules::Rules;

/// One line of text and the page it was printed on.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub page: u32,
}

impl Line {
    pub fn new(text: impl Into<String>, page: u32) -> Line {
        Line { text: text.into(), page }
    }
}

/// The clean lines of a file, in reading order, without empty lines.
pub fn clean_pages(pages: &[PageText], rules: &Rules) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    let mut after_furniture = false;
    for page in pages {
        for raw in page.text.lines() {
            let text = tidy(raw);
            if text.is_empty() {
                continue;
            }
            if is_furniture(&text, rules) {
                // A running header (the body's name) printed beside the page
                // number is furniture too.
                if out.last().is_some_and(|l| is_running_header(&l.text, rules)) {
                    out.pop();
                }
                after_furniture = true;
                continue;
            }
            if after_furniture && is_running_header(&text, rules) {
                continue;
            }
            after_furniture = false;
            out.push(Line { text, page: page.number });
        }
    }
    out
}

/// A line holding nothing but a body's or the secretariat's name.
fn is_running_header(line: &str, rules: &Rules) -> bool {
    rules.canonical_body(line).is_some() || rules.bodies.secretariat.names.iter().any(|n| crate::rules::labels::eq_fold(n, line))
}

/// Plain text as the lines of one page (tidied, empty lines dropped), with
/// no furniture removal: for callers that hold text rather than PDF pages.
pub fn lines_of(text: &str, page: u32) -> Vec<Line> {
    text.lines().map(tidy).filter(|l| !l.is_empty()).map(|t| Line { text: t, page }).collect()
}

/// Collapse runs of whitespace (including no-break spaces) into one space,
/// trim, and drop soft hyphens and control characters.
pub fn tidy(raw: &str) -> String {
    let mut s = String::with_capacity(raw.len());
    let mut space = false;
    for c in raw.chars() {
        if c == '\u{00AD}' || (c.is_control() && !c.is_whitespace()) {
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
        let line = line.as_ref().trim();
        if line.is_empty() {
            continue;
        }
        push_joined(&mut out, line);
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
    fn tidy_collapses_whitespace_and_soft_hyphens() {
        assert_eq!(tidy("  14.  desember\u{a0}2021 \t"), "14. desember 2021");
        assert_eq!(tidy("e-hel\u{ad}se"), "e-helse");
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
        let pages = vec![PageText { number: 1, text: "evaluering av rådsmodellen.\nNUIT\nside 1\nOrientering\nNUIT ber om innspill.\n".into(), engine: crate::model::Engine::Lopdf, ocr_confidence: None, error: None }];
        let texts: Vec<String> = clean_pages(&pages, &rules).into_iter().map(|l| l.text).collect();
        assert_eq!(texts, vec!["evaluering av rådsmodellen.", "Orientering", "NUIT ber om innspill."]);
    }

    #[test]
    fn pages_become_lines_with_page_numbers() {
        let rules = Rules::embedded();
        let pages = vec![
            PageText { number: 1, text: "Møte i NUIT\n\nside 1\n".into(), engine: crate::model::Engine::Lopdf, ocr_confidence: None, error: None },
            PageText { number: 2, text: " Dato 8. april 2022 \n".into(), engine: crate::model::Engine::Lopdf, ocr_confidence: None, error: None },
        ];
        let lines = clean_pages(&pages, &rules);
        assert_eq!(lines, vec![Line::new("Møte i NUIT", 1), Line::new("Dato 8. april 2022", 2)]);
    }
}
