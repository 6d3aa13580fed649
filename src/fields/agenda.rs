//! Saker of an agenda or minutes: the agenda table (sak, title, time, sak
//! type) and the detail section below it (description, "Forslag til
//! vedtak", "Vedtak", attachments), merged by sak number.
//!
//! Rows are found by their sak number at the start of a line and read as
//! joined text, so a table printed cell by cell (one cell a line) and one
//! printed row by row (a row a line, wrapped titles) read the same.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::Item;
use crate::rules::labels::{eq_fold, strip_label};
use crate::rules::Rules;
use crate::text::{join_lines, Line};

use super::sak::{leading_sak, Sak};

/// Lines a table heading may spread over (one column name a line).
const HEADING_MAX_LINES: usize = 5;

/// If a table heading ("Sak Tema Sakstype", "Sak Agenda NUIT Tidspunkt
/// Sakstype", or the same one word a line) starts at `i`: how many lines.
pub fn table_heading(lines: &[Line], i: usize, rules: &Rules) -> Option<usize> {
    let a = &rules.labels.agenda;
    let rest = strip_label(&lines[i].text, &a.sak)?;
    if !rest.is_empty() {
        return (starts_with_topic(rest, rules) && all_column_words(rest, rules)).then_some(1);
    }
    let mut n = 1;
    while i + n < lines.len() && n < HEADING_MAX_LINES && all_column_words(&lines[i + n].text, rules) {
        n += 1;
    }
    (n > 1 && starts_with_topic(&lines[i + 1].text, rules)).then_some(n)
}

fn starts_with_topic(text: &str, rules: &Rules) -> bool {
    strip_label(text, &rules.labels.agenda.topic).is_some()
}

/// `text` consists of column names and body names only.
fn all_column_words(text: &str, rules: &Rules) -> bool {
    let a = &rules.labels.agenda;
    let aliases = rules.body_alias_names();
    let mut rest = text.trim();
    let mut steps = 0;
    while !rest.is_empty() && steps < 12 {
        steps += 1;
        let next = [&a.topic[..], &a.time[..], &a.sak_type[..], aliases].into_iter().find_map(|l| strip_label(rest, l));
        match next {
            Some(r) if r.len() < rest.len() => rest = r,
            _ => return false,
        }
    }
    rest.is_empty()
}

/// A sak number opening a line, possibly after a "Sak" label ("Sak 12/23:
/// Godkjenning …"), and the rest of the line.
pub fn line_sak<'a>(line: &'a str, rules: &Rules) -> Option<(Sak, &'a str)> {
    let (sak, rest) = leading_sak(line).or_else(|| strip_label(line, &rules.labels.agenda.sak).and_then(leading_sak))?;
    Some((sak, rest.trim_start_matches([':', '–', '-', '.', ' '])))
}

/// A proposed-decision or decision label: alone on its line, or followed
/// by a colon and the text.
fn decision_label<'a>(line: &'a str, labels: &[String]) -> Option<&'a str> {
    let rest = strip_label(line, labels)?;
    let colon = line[..line.len() - rest.len()].contains(':');
    (rest.is_empty() || colon).then_some(rest)
}

static ATTACHMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?i)(\S+)\s+\d+[A-Za-z]?\s*:").expect("valid regex"));
static TRAILING_TIME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*\b([0-9O]{1,2}[:.][0-9O]{2})$").expect("valid regex"));

fn attachment_start(line: &str, rules: &Rules) -> bool {
    ATTACHMENT.captures(line).is_some_and(|c| rules.labels.decisions.attachment.iter().any(|a| eq_fold(a, &c[1])))
}

/// A break row of the agenda table ("Lunsj 11:50", "Pause 14:05").
fn is_break_row(line: &str, rules: &Rules) -> bool {
    strip_label(line, &rules.labels.agenda.breaks).is_some_and(|r| r.is_empty() || crate::dates::parse_time(r).is_some())
}

/// A line that is nothing but a date ("Onsdag 24. januar 2024"): a date
/// printed beside the table, not part of a row.
fn is_stray_date(line: &str, meeting_year: Option<i32>, rules: &Rules) -> bool {
    crate::dates::parse_date(line, meeting_year, rules).is_ok()
}

/// A row of the agenda table.
#[derive(Debug, Clone)]
struct Row {
    sak: Sak,
    text: String,
    page: u32,
}

/// The detail block of one sak.
#[derive(Debug, Clone, Default)]
struct Detail {
    title: String,
    proposed: Option<String>,
    decision: Option<String>,
    attachments: Vec<String>,
}

/// Parse the saker in `lines` (everything after the participant list).
pub fn parse_items(lines: &[Line], meeting_year: Option<i32>, rules: &Rules) -> Vec<Item> {
    let headings: Vec<(usize, usize)> =
        (0..lines.len()).filter_map(|i| table_heading(lines, i, rules).map(|n| (i, n))).collect();
    let has_decisions = |from: usize, to: usize| {
        lines[from..to].iter().any(|l| {
            decision_label(&l.text, &rules.labels.decisions.proposed).is_some()
                || decision_label(&l.text, &rules.labels.decisions.decision).is_some()
        })
    };
    // Regions between headings; the first region with decision labels is the
    // detail section, the ones before it are the table.
    let mut bounds: Vec<(usize, usize)> = Vec::new();
    for (k, &(i, n)) in headings.iter().enumerate() {
        let end = headings.get(k + 1).map_or(lines.len(), |h| h.0);
        bounds.push((i + n, end));
    }
    if bounds.is_empty() {
        bounds.push((0, lines.len()));
    }
    let detail_at = bounds.iter().position(|&(a, b)| has_decisions(a, b));
    let (table_regions, detail_region) = match detail_at {
        Some(d) => (&bounds[..d], Some((bounds[d].0, lines.len()))),
        None => (&bounds[..], None),
    };
    let mut rows = Vec::new();
    for &(a, b) in table_regions {
        rows.extend(table_rows(&lines[a..b], meeting_year, rules));
    }
    let known: Vec<Sak> = rows.iter().map(|r| r.sak.clone()).collect();
    let details = match detail_region {
        Some((a, b)) => detail_blocks(&lines[a..b], &known, meeting_year, rules),
        None => Vec::new(),
    };
    let mut items: Vec<Item> = rows.iter().map(|r| item_from_row(r, rules)).collect();
    for (sak, page, d) in details {
        if let Some(item) = items.iter_mut().find(|i| i.sak == sak.printed) {
            item.proposed_decision = d.proposed;
            item.decision = d.decision;
            item.attachments = d.attachments;
        } else {
            let (title, sak_type) = split_type(&d.title, rules);
            items.push(Item {
                sak: sak.printed,
                number: Some(sak.number),
                year: Some(sak.year),
                title: Some(title).filter(|t| !t.is_empty()),
                time: None,
                sak_type,
                proposed_decision: d.proposed,
                decision: d.decision,
                attachments: d.attachments,
                page,
            });
        }
    }
    items
}

fn sak_fits_meeting(sak: &Sak, meeting_year: Option<i32>) -> bool {
    meeting_year.is_none_or(|y| (sak.year - y).abs() <= 1)
}

fn table_rows(lines: &[Line], meeting_year: Option<i32>, rules: &Rules) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let mut parts: Vec<&str> = Vec::new();
    let flush = |rows: &mut Vec<Row>, parts: &mut Vec<&str>| {
        if let Some(last) = rows.last_mut() {
            if last.text.is_empty() {
                last.text = join_lines(parts);
            }
        }
        parts.clear();
    };
    let mut in_row = false;
    for line in lines {
        if let Some((sak, rest)) = line_sak(&line.text, rules).filter(|(s, _)| sak_fits_meeting(s, meeting_year)) {
            flush(&mut rows, &mut parts);
            rows.push(Row { sak, text: String::new(), page: line.page });
            if !rest.is_empty() {
                parts.push(rest);
            }
            in_row = true;
        } else if is_break_row(&line.text, rules) {
            flush(&mut rows, &mut parts);
            in_row = false;
        } else if in_row && !is_stray_date(&line.text, meeting_year, rules) {
            parts.push(&line.text);
        }
    }
    flush(&mut rows, &mut parts);
    rows
}

/// Strip a sak type printed at the end of a title.
fn split_type(text: &str, rules: &Rules) -> (String, Option<String>) {
    let t = text.trim();
    for name in &rules.documents.sak_types.names {
        if let Some(head) = t.len().checked_sub(name.len()).and_then(|n| t.get(..n)) {
            let tail = &t[head.len()..];
            if eq_fold(tail, name) && (head.is_empty() || head.ends_with(' ')) {
                return (head.trim().to_string(), Some(name.clone()));
            }
        }
    }
    (t.to_string(), None)
}

fn item_from_row(row: &Row, rules: &Rules) -> Item {
    let (rest, sak_type) = split_type(&row.text, rules);
    let (title, time) = match TRAILING_TIME.captures(&rest) {
        Some(c) => match crate::dates::parse_time(&c[1]) {
            Some(t) => (rest[..c.get(0).expect("match").start()].trim().to_string(), Some(t.to_string())),
            None => (rest.clone(), None),
        },
        None => (rest.clone(), None),
    };
    Item {
        sak: row.sak.printed.clone(),
        number: Some(row.sak.number),
        year: Some(row.sak.year),
        title: Some(title).filter(|t| !t.is_empty()),
        time,
        sak_type,
        proposed_decision: None,
        decision: None,
        attachments: Vec::new(),
        page: row.page,
    }
}

/// Cut the detail section into one block per sak and read each.
fn detail_blocks(lines: &[Line], known: &[Sak], meeting_year: Option<i32>, rules: &Rules) -> Vec<(Sak, u32, Detail)> {
    let mut starts: Vec<(usize, Sak)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((sak, rest)) = line_sak(&line.text, rules) else { continue };
        let expected = if known.is_empty() {
            sak_fits_meeting(&sak, meeting_year)
                && rest.chars().next().is_some_and(|c| c.is_uppercase() || c.is_lowercase())
                && starts.last().is_none_or(|(_, prev)| sak.number > prev.number || sak.year > prev.year)
        } else {
            known.contains(&sak) && !starts.iter().any(|(_, s)| *s == sak)
        };
        if expected {
            starts.push((i, sak));
        }
    }
    let mut out = Vec::new();
    for (k, (i, sak)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(lines.len(), |s| s.0);
        let block = &lines[*i..end];
        let first_rest = line_sak(&block[0].text, rules).map(|(_, r)| r.to_string()).unwrap_or_default();
        out.push((sak.clone(), block[0].page, read_detail(first_rest, &block[1..], rules)));
    }
    out
}

#[derive(PartialEq)]
enum Part {
    Title,
    Text,
    Proposed,
    Decision,
    Attachment,
}

fn read_detail(first: String, lines: &[Line], rules: &Rules) -> Detail {
    let d = &rules.labels.decisions;
    let mut title = vec![first];
    let mut proposed: Vec<&str> = Vec::new();
    let mut decision: Vec<&str> = Vec::new();
    let mut attachments: Vec<Vec<&str>> = Vec::new();
    let mut part = Part::Title;
    let mut seen_proposed = false;
    let mut seen_decision = false;
    for line in lines {
        let t = line.text.as_str();
        if let Some(rest) = decision_label(t, &d.proposed) {
            part = Part::Proposed;
            seen_proposed = true;
            proposed.clear();
            proposed.extend((!rest.is_empty()).then_some(rest));
            continue;
        }
        if let Some(rest) = decision_label(t, &d.decision) {
            part = Part::Decision;
            seen_decision = true;
            decision.clear();
            decision.extend((!rest.is_empty()).then_some(rest));
            continue;
        }
        if part != Part::Decision && attachment_start(t, rules) {
            part = Part::Attachment;
            attachments.push(vec![t]);
            continue;
        }
        match part {
            Part::Title => {
                if title.len() < 3 && crate::segment::continues_previous(t, title.last().map_or("", |s| s.as_str())) {
                    title.push(t.to_string());
                } else {
                    part = Part::Text;
                }
            }
            Part::Text => {}
            Part::Proposed => proposed.push(t),
            Part::Decision => decision.push(t),
            Part::Attachment => {
                if let Some(a) = attachments.last_mut() {
                    a.push(t);
                }
            }
        }
    }
    Detail {
        title: join_lines(&title),
        proposed: seen_proposed.then(|| join_lines(&proposed)).filter(|s| !s.is_empty()),
        decision: seen_decision.then(|| join_lines(&decision)).filter(|s| !s.is_empty()),
        attachments: attachments.iter().map(|a| join_lines(a)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::text::lines_of;

    #[test]
    fn row_by_row_and_cell_by_cell_tables_read_the_same() {
        let rules = Rules::embedded();
        let rows = "Sak Agenda NUIT Tidspunkt Sakstype\n27/25 Anskaffelse DHO løsning for Nordlandssykehuset HF\nmed opsjoner for kommuner\n10:55 Drøfting\nLunsj 11:40\n28/25 Eventuelt 15:10\n";
        let cells = "Sak\nTema\nTidspunkt\nSakstype\n27/25\nAnskaffelse DHO løsning for Nordlandssykehuset HF\nmed opsjoner for kommuner\n10:55\nDrøfting\nLunsj 11:40\n28/25\nEventuelt\n15:10\n";
        for text in [rows, cells] {
            let items = parse_items(&lines_of(text, 1), Some(2025), &rules);
            let got: Vec<_> = items.iter().map(|i| (i.sak.as_str(), i.title.as_deref(), i.time.as_deref(), i.sak_type.as_deref())).collect();
            assert_eq!(
                got,
                vec![
                    ("27/25", Some("Anskaffelse DHO løsning for Nordlandssykehuset HF med opsjoner for kommuner"), Some("10:55"), Some("Drøfting")),
                    ("28/25", Some("Eventuelt"), Some("15:10"), None),
                ],
                "{text}"
            );
        }
    }

    #[test]
    fn details_give_proposals_decisions_and_attachments() {
        let rules = Rules::embedded();
        let text = "Sak Tema Sakstype\n13/22 Godkjenning av innkalling Godkjenning\n14/22 Ny strategi Drøfting\nSak Tema\n13/22 Godkjenning av innkalling Godkjenning\nForslag til vedtak:\nNUIT godkjenner innkalling og dagsorden.\n14/22 Ny strategi Drøfting\nTekst om saken.\nVedlegg 1:\nToppnotat Ny\nstrategi\nForslag til vedtak:\nNUIT ber Direktoratet for e-\nhelse ta med seg innspill.\n";
        let items = parse_items(&lines_of(text, 1), Some(2022), &rules);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].proposed_decision.as_deref(), Some("NUIT godkjenner innkalling og dagsorden."));
        assert_eq!(items[1].proposed_decision.as_deref(), Some("NUIT ber Direktoratet for e-helse ta med seg innspill."));
        assert_eq!(items[1].attachments, vec!["Vedlegg 1: Toppnotat Ny strategi".to_string()]);
        assert_eq!(items[1].sak_type.as_deref(), Some("Drøfting"));
    }

    #[test]
    fn minutes_decision_runs_to_the_next_sak() {
        let rules = Rules::embedded();
        let text = "Sak Tema\n21/21 Godkjenning\nDet kom ingen innspill.\nVedtak:\nNUIT godkjenner\ninnkalling.\n22/21 Eventuelt\nIngen saker.\n";
        let items = parse_items(&lines_of(text, 1), Some(2021), &rules);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].decision.as_deref(), Some("NUIT godkjenner innkalling."));
        assert_eq!(items[1].decision, None);
        assert_eq!(items[1].title.as_deref(), Some("Eventuelt"));
    }
}
