//! The same documents laid out differently: lines wrapped at other widths,
//! paragraphs reflowed, tables printed one cell a line, member grids read
//! row by row, other page breaks. Each variant must still score against the
//! gold of its seed: the parser reads structure and vocabulary, never line
//! positions.

use regex::Regex;

const FLOOR: f64 = 0.95;

use crate::common::rewrap;

/// Join a line with the next when the next starts in lower case (a wider
/// column: reflowed paragraphs).
fn widen(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let lower = line.chars().next().is_some_and(char::is_lowercase);
        match out.last_mut() {
            // Only prose lines grow; a URL stays on its own line.
            Some(prev) if lower && !prev.ends_with('-') && prev.chars().count() >= 50 && !line.starts_with("http") => {
                prev.push(' ');
                prev.push_str(line);
            }
            _ => out.push(line.to_string()),
        }
    }
    out.join("\n")
}

/// Print header fields and agenda rows one cell a line, as a PDF with a
/// bordered table gives them.
fn cells_per_line(text: &str) -> String {
    // Header fields only: "Møte 2/22" printed as a value inside a memo box
    // stays one cell.
    let label = Regex::new(r"^(Møte|Dato|Tid|Sted) (\S.*)$").unwrap();
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let is_header = |i: usize| lines[i..].iter().take(3).any(|l| l.starts_with("Dato ") || l.starts_with("Tid "));
    let row = Regex::new(r"^(\d{1,2}/\d{2}) (.+?)(?: (\d{2}:\d{2}))?(?: (Godkjenning|Drøfting|Orientering|Anbefaling|Tilslutning))?$").unwrap();
    let mut out = Vec::new();
    for (i, line) in lines.iter().copied().enumerate() {
        if let Some(c) = label.captures(line).filter(|_| is_header(i)) {
            out.push(c[1].to_string());
            out.push(c[2].to_string());
        } else if let Some(c) = row.captures(line) {
            for g in 1..=4 {
                if let Some(m) = c.get(g) {
                    out.push(m.as_str().to_string());
                }
            }
        } else {
            out.push(line.to_string());
        }
    }
    out.join("\n")
}

/// Put two complete participant entries on one line (a two-column grid read
/// row by row).
fn grid_rows(text: &str) -> String {
    let entry = Regex::new(r"^[A-ZÆØÅ][\p{L}. -]+ \([^()]+\)$").unwrap();
    let mut out: Vec<String> = Vec::new();
    let mut pending: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if entry.is_match(line) {
            match pending.take() {
                Some(first) => out.push(format!("{first} {line}")),
                None => pending = Some(line.to_string()),
            }
        } else {
            out.extend(pending.take());
            out.push(line.to_string());
        }
    }
    out.extend(pending);
    out.join("\n")
}

fn check(id: &str, name: &str, text: &str, per_page: usize) {
    let f1 = crate::common::f1_of_pages(id, &crate::common::pages_of(text, per_page));
    eprintln!("{id} {name} (pages of {per_page}): f1 {f1:.4}");
    assert!(f1 >= FLOOR, "{id} {name}: f1 {f1:.4}");
}

#[test]
fn narrow_columns() {
    for id in ["000", "001", "002", "004"] {
        check(id, "rewrap 45", &rewrap(&crate::common::seed(id), 45), 55);
    }
}

#[test]
fn reflowed_paragraphs() {
    for id in ["000", "001", "002", "004"] {
        check(id, "widen", &widen(&crate::common::seed(id)), 40);
    }
}

#[test]
fn tables_one_cell_a_line() {
    for id in ["000", "001", "002", "004"] {
        check(id, "cells", &cells_per_line(&crate::common::seed(id)), 55);
    }
}

#[test]
fn member_grid_read_row_by_row() {
    for id in ["000", "001", "002", "004"] {
        let text = grid_rows(&crate::common::seed(id));
        assert_ne!(text, crate::common::seed(id), "the transform changed something");
        check(id, "grid", &text, 55);
    }
}

#[test]
fn other_page_breaks() {
    for id in ["000", "001", "002", "004"] {
        for per_page in [13, 97] {
            check(id, "pages", &crate::common::seed(id), per_page);
        }
    }
}

#[test]
fn standard_font_pdf_from_another_producer() {
    let rules = motebok::rules::Rules::embedded();
    for id in ["002", "004"] {
        let bytes = crate::common::helvetica_pdf(&rewrap(&crate::common::seed(id), 70), 48);
        let decoded = motebok::pdf::decode(&bytes, &Default::default()).expect("generated PDF decodes");
        assert!(decoded.pages.len() > 1);
        let docs = motebok::read::read_file(&decoded.pages, &rules);
        let out = serde_json::json!({ "documents": docs });
        let gold = crate::common::gold(id);
        let f1 = motebok::eval::score_runs([(id, &gold, Some(&out))]).f1;
        eprintln!("{id} helvetica PDF: f1 {f1:.4}");
        assert!(f1 >= FLOOR, "{id}: f1 {f1:.4}");
    }
}

/// Print each memo header box as a bordered two-column table read row by
/// row: every label followed by its value, instead of the labels first and
/// the values after them.
fn boxes_as_tables(text: &str) -> String {
    let labels = ["Til", "Dato", "Saksnummer", "Type", "Innretning", "Fra", "Sakseier", "Saksbehandler"];
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        // A run of bare labels followed by as many values.
        let n = lines[i..].iter().take_while(|l| labels.contains(l)).count();
        if n >= 2 && i + 2 * n <= lines.len() {
            for k in 0..n {
                out.push(lines[i + k].to_string());
                out.push(lines[i + n + k].to_string());
            }
            i += 2 * n;
        } else {
            out.push(lines[i].to_string());
            i += 1;
        }
    }
    out.join("\n")
}

#[test]
fn memo_boxes_as_tables() {
    for id in ["000", "001", "004"] {
        let text = boxes_as_tables(&crate::common::seed(id));
        assert_ne!(text.split_whitespace().collect::<Vec<_>>(), crate::common::seed(id).split_whitespace().collect::<Vec<_>>(), "{id}: the transform changed something");
        check(id, "boxes", &text, 55);
    }
}
