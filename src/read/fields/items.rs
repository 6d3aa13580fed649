//! Items (saker) in any numbering: a list at the top (an agenda table, a
//! saksliste, a numbered agenda) and headings in the body are the same
//! items, merged by identifier.
//!
//! Which numbered lines are items is decided by the sequence they make,
//! not line by line: the document's main family of identifiers is chosen
//! (`13/22` numbers with a year; a word series `Sak 1`, `PS 12/23`; plain
//! `1.` / `3.1` numbers), and a plain number is an item only where it
//! continues the numbering (the next number, the first sub-point, the
//! parent's next number after a sub-list). A numbered paragraph inside a
//! decision, a speaker's number or an amount does not continue it.
//! A table of contents is taken out before (see [`crate::read::blocks`]);
//! the body's headings give those items. A second pass over the same numbers (the body after the
//! agenda list) reads the same items again.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::model::{DocumentKind, Item};
use crate::read::lexicon::ident::{leading_ident, Ident, Series};
use crate::read::lexicon::labels;
use crate::read::lexicon::outcome::is_outcome_cell;
use crate::read::lines::{join_lines, Line};
use crate::read::Cx;
use crate::rules::labels::{eq_fold, strip_label};

use super::outcome::read_outcome;

/// The items of a document, and where (in `lines`) the first item with a
/// body of its own begins: participant lists and headers stand before it.
#[derive(Debug, Default)]
pub struct Items {
    pub items: Vec<Item>,
    pub first_body: usize,
}

/// A line accepted as an item.
#[derive(Debug, Clone)]
struct Heading {
    line: usize,
    ident: Ident,
    /// The identifier as emitted (implicit nesting gives `4.1` to a `1.`
    /// under `4.`; a restarted word series keeps its word).
    sak: String,
    number: Option<u32>,
    title: String,
}

/// Read the items of `lines` (a document after its title).
pub fn read_items(lines: &[Line], kind: DocumentKind, meeting_year: Option<i32>, cx: &Cx) -> Items {
    let headings = accepted(lines, meeting_year, cx);
    if headings.is_empty() {
        return Items { items: Vec::new(), first_body: lines.len() };
    }
    let table_rows = table_row_lines(lines, cx);
    let minutes = kind == DocumentKind::Minutes;
    // Entries: each heading's lines up to the next heading (or a part that
    // is no item's: a participant list, a list heading).
    let mut items: Vec<Item> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut bodies: Vec<Vec<Line>> = Vec::new();
    let mut first_body = lines.len();
    for (k, h) in headings.iter().enumerate() {
        let next = headings.get(k + 1).map_or(lines.len(), |n| n.line);
        let end = entry_end(lines, h.line + 1, next, cx);
        let entry = &lines[h.line + 1..end];
        let is_row = table_rows.get(h.line).copied().unwrap_or(false) || is_list_entry(&h.title, entry, next == end && k + 1 < headings.len(), cx);
        let (title, body) = if is_row { (row_text(&h.title, entry, cx), &entry[..0]) } else { heading_title(&h.title, entry, cx) };
        let (title, time, sak_type, outcome) = if is_row {
            split_row(&title, minutes, cx)
        } else {
            // An outcome printed as a cell of the row under the number.
            let cell = entry.iter().take(3).find(|l| is_outcome_cell(&l.text, cx.rules)).filter(|_| minutes && h.title.is_empty()).map(|l| l.text.trim_end_matches('.').to_string());
            (strip_title_label(&title, cx), None, None, cell)
        };
        let (title, sak_type) = match sak_type {
            Some(t) => (title, Some(t)),
            None if !is_row => split_type(&title, cx),
            None => (title, None),
        };
        if !body.is_empty() && first_body == lines.len() {
            first_body = h.line;
        }
        let page = lines[h.line].page;
        match index.get(&h.sak) {
            Some(&at) => {
                let item = &mut items[at];
                if item.title.as_deref().is_none_or(str::is_empty) && !title.is_empty() {
                    item.title = Some(title);
                }
                item.sak_type = item.sak_type.take().or(sak_type);
                item.time = item.time.take().or(time);
                if item.decision.is_none() {
                    item.decision = outcome;
                }
                bodies[at].extend(body.iter().cloned());
            }
            None => {
                index.insert(h.sak.clone(), items.len());
                items.push(Item {
                    sak: h.sak.clone(),
                    number: h.number,
                    year: h.ident.year,
                    title: Some(title).filter(|t| !t.is_empty()),
                    time,
                    sak_type,
                    proposed_decision: None,
                    decision: outcome,
                    attachments: Vec::new(),
                    page,
                });
                bodies.push(body.to_vec());
            }
        }
    }
    // A document that labels its decisions ("Vedtak:") labels every one:
    // a sentence elsewhere is discussion, not an unlabelled decision.
    let labelled = bodies.iter().flatten().any(|l| {
        labels::decision_label(&l.text, cx.rules).is_some_and(|(k, _)| k == labels::DecisionLabel::Decision)
            || labels::opener_sentence(&l.text, cx.rules) == Some(labels::DecisionLabel::Decision)
    });
    for (item, body) in items.iter_mut().zip(&bodies) {
        let o = read_outcome(body, minutes && !labelled, cx);
        item.proposed_decision = o.proposed;
        if o.decision.is_some() {
            item.decision = o.decision;
        } else if minutes && labelled && item.decision.is_none() {
            item.decision = super::outcome::voted_decision(body, cx);
        }
        item.attachments = o.attachments;
        if !minutes {
            // An agenda decides nothing yet.
            item.decision = item.decision.take().filter(|_| false);
        } else {
            item.time = None;
        }
    }
    Items { items, first_body }
}

/// Rows of agenda tables (after an "Sak Tema Sakstype" heading, up to the
/// first proposal or decision label): these are list rows, not headings.
fn table_row_lines(lines: &[Line], cx: &Cx) -> Vec<bool> {
    let mut rows = vec![false; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        let Some(n) = labels::agenda_table_heading(lines, i, cx.rules) else {
            i += 1;
            continue;
        };
        let mut k = i + n;
        let mut region = Vec::new();
        while k < lines.len() && labels::agenda_table_heading(lines, k, cx.rules).is_none() {
            if labels::decision_label(&lines[k].text, cx.rules).is_some() {
                region.clear();
                break;
            }
            region.push(k);
            k += 1;
        }
        for r in region {
            rows[r] = true;
        }
        i = k.max(i + 1);
    }
    rows
}

/// The end of an entry: the next heading, or a part that is no item's (a
/// participant list, a list heading, a break row of an agenda table).
fn entry_end(lines: &[Line], from: usize, next: usize, cx: &Cx) -> usize {
    (from..next)
        .find(|&k| {
            let t = lines[k].content();
            labels::participant_heading(t, cx.rules).is_some_and(|(s, _)| s.present.is_some() || s.function.is_some())
                || labels::is_list_heading(t, cx.rules)
                || labels::is_contents_heading(t, cx.rules)
                || is_break_row(t, cx)
                || labels::agenda_table_heading(lines, k, cx.rules).is_some()
                || stamped_heading(t)
        })
        .unwrap_or(next)
}

/// "[18:44] Felles intro til forslag 3 & 4", "Pause [21:07]": a short
/// heading with a time stamp (and no number) opens a part of the minutes
/// that is no item's.
fn stamped_heading(t: &str) -> bool {
    let stamp = |s: &str| s.strip_prefix('[').and_then(|r| r.strip_suffix(']')).is_some_and(|time| crate::dates::parse_time(time).is_some());
    let t = t.trim();
    let (first, last) = (t.split_whitespace().next().unwrap_or(""), t.split_whitespace().last().unwrap_or(""));
    t.split_whitespace().count() <= 10 && (stamp(first) || stamp(last))
}

/// A break row of an agenda table ("Lunsj 11:50", "Pause 14:05").
fn is_break_row(line: &str, cx: &Cx) -> bool {
    strip_label(line, &cx.rules.labels.agenda.breaks).is_some_and(|r| r.is_empty() || crate::dates::parse_time(r).is_some())
}

/// An entry of a list: the next item follows at once, and its other lines
/// are the rest of a row: the title (when the number stands alone), a
/// wrapped title, a time, a sak type, an archive number, an outcome, a
/// labelled title ("SAKSPROTOKOLL: …").
fn is_list_entry(title: &str, entry: &[Line], next_follows: bool, cx: &Cx) -> bool {
    if !next_follows || entry.len() > 4 {
        return false;
    }
    let mut prev = title.to_string();
    for (k, l) in entry.iter().enumerate() {
        let t = l.text.as_str();
        let row_part = (k == 0 && title.is_empty() && !t.ends_with('.'))
            || crate::read::lines::continues_previous(t, &prev)
            || crate::dates::parse_time(t).is_some()
            || t.split_once(' ').is_some_and(|(a, b)| crate::dates::parse_time(a).is_some() && split_type(b, cx).1.is_some())
            || split_type(t, cx).0.is_empty()
            || ARCHIVE_NUMBER.is_match(&format!("{t} "))
            || is_outcome_cell(t, cx.rules)
            || strip_label(t, &cx.rules.genre.items.title_labels).is_some_and(|r| t.len() > r.len() && t[..t.len() - r.len()].contains(':'));
        if !row_part {
            return false;
        }
        prev = t.to_string();
    }
    true
}

/// A row's text: the rest of its line and its other lines, without a date
/// printed beside the table ("Onsdag 24. januar 2024").
fn row_text(first: &str, entry: &[Line], cx: &Cx) -> String {
    let mut parts: Vec<&str> = vec![first];
    parts.extend(entry.iter().map(|l| l.text.as_str()).filter(|t| crate::dates::parse_date(t, Some(2000), cx.rules).is_err()));
    join_lines(&parts)
}

/// A heading's title: the rest of its line (or, for a number alone, the
/// next line), with the lines that continue it; and the body after it.
fn heading_title<'a>(first: &str, entry: &'a [Line], cx: &Cx) -> (String, &'a [Line]) {
    let mut parts: Vec<&str> = Vec::new();
    let mut k = 0;
    if first.is_empty() {
        // Cells printed between the number and the title: an archive
        // number, an outcome ("Innstilling vedtatt").
        while entry.get(k).is_some_and(|l| ARCHIVE_NUMBER.is_match(&format!("{} ", l.text)) && l.text.split_whitespace().count() == 1 || is_outcome_cell(&l.text, cx.rules)) {
            k += 1;
        }
        match entry.get(k) {
            Some(l) if l.text.split_whitespace().count() <= 14 && !l.text.ends_with(['.', ':']) => {
                parts.push(l.text.as_str());
                k += 1;
            }
            _ => return (String::new(), entry),
        }
    } else {
        parts.push(first);
    }
    while k < entry.len() && parts.len() < 3 {
        let prev = parts.last().copied().unwrap_or("");
        let line = entry[k].text.as_str();
        if !crate::read::lines::continues_previous(line, prev) || entry[k].blank_before || labels::decision_label(line, cx.rules).is_some() {
            break;
        }
        parts.push(line);
        k += 1;
    }
    (join_lines(&parts), &entry[k..])
}

static TRAILING_TIME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*\b([0-9O]{1,2}[:.][0-9O]{2})$").expect("valid regex"));
static ARCHIVE_NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{1,4}\s?/\s?\d{2,6}(?:\s?-\s?\d+)?\s+").expect("valid regex"));

/// A list row's parts: title, time, sak type, and an outcome printed in
/// the row ("Innstilling vedtatt"). An archive number printed after the
/// sak is dropped.
fn split_row(text: &str, minutes: bool, cx: &Cx) -> (String, Option<String>, Option<String>, Option<String>) {
    let mut rest = text.trim().to_string();
    while let Some(m) = ARCHIVE_NUMBER.find(&rest) {
        rest = rest[m.end()..].to_string();
    }
    let mut outcome = None;
    for o in &cx.rules.genre.decisions.outcomes {
        if let Some(after) = strip_label(&rest, std::slice::from_ref(o)) {
            if minutes && is_outcome_cell(o, cx.rules) {
                outcome = Some(rest[..rest.len() - after.len()].trim().trim_end_matches(':').to_string());
            }
            rest = after.to_string();
            break;
        }
    }
    let rest = strip_title_label(&rest, cx);
    let (rest, sak_type) = split_type(&rest, cx);
    let (title, time) = match TRAILING_TIME.captures(&rest) {
        Some(c) => match crate::dates::parse_time(&c[1]) {
            Some(t) => (rest[..c.get(0).expect("match").start()].trim().to_string(), Some(t.to_string())),
            None => (rest.clone(), None),
        },
        None => (rest.clone(), None),
    };
    (title, time, sak_type, outcome)
}

/// Strip a label printed before a title ("SAKSPROTOKOLL: …").
fn strip_title_label(text: &str, cx: &Cx) -> String {
    let t = text.trim();
    match strip_label(t, &cx.rules.genre.items.title_labels) {
        Some(rest) if t[..t.len() - rest.len()].contains(':') => rest.to_string(),
        _ => t.to_string(),
    }
}

/// Strip a sak type printed at the end of a title.
fn split_type(text: &str, cx: &Cx) -> (String, Option<String>) {
    let t = text.trim();
    for name in &cx.rules.documents.sak_types.names {
        if let Some(head) = t.len().checked_sub(name.len()).and_then(|n| t.get(..n)) {
            let tail = &t[head.len()..];
            // A sak type is printed as a capitalised word ("… Drøfting"),
            // unlike the same word ending a title ("… før endelig beslutning").
            let capitalised = tail.chars().next().is_some_and(char::is_uppercase);
            if eq_fold(tail, name) && capitalised && (head.is_empty() || head.ends_with(' ')) {
                return (head.trim().to_string(), Some(name.clone()));
            }
        }
    }
    (t.to_string(), None)
}

/// The numbering family a document's items are printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// `13/22`, `PS 12/23`: numbers with a year.
    Year,
    /// `Sak 1`, `Punkt 4`: a word series without year.
    Word,
    /// `1.`, `3.1`: plain numbers.
    Plain,
}

/// A candidate line: its identifier and title.
struct Candidate {
    line: usize,
    ident: Ident,
    title: String,
    /// The series word as printed ("Sak", "PS"), empty for a plain number.
    word: String,
    /// A colon follows a plain number ("52: Jeg mener …").
    colon: bool,
}

/// The lines accepted as items, in order.
fn accepted(lines: &[Line], meeting_year: Option<i32>, cx: &Cx) -> Vec<Heading> {
    let mut cands: Vec<Candidate> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let Some((ident, title)) = leading_ident(l.content(), cx.rules) else { continue };
        // A bullet opens a point of a list inside a sak, not a sak.
        if l.bullet && ident.series == Series::Bare && !ident.has_year() {
            continue;
        }
        // A word series and a sak with a year need a title that reads as
        // one (or none: the title on the next line).
        if ident.series != Series::Bare && !ident.has_year() && title.chars().next().is_some_and(char::is_lowercase) {
            continue;
        }
        let mut text = l.content().trim_start();
        if text.starts_with('[') {
            text = text.split_once(']').map_or(text, |(_, r)| r.trim_start());
        }
        let digits_at = text.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
        let word = text[..digits_at].trim().to_string();
        let after_number = text[digits_at..].trim_start_matches(|c: char| c.is_ascii_digit() || c == '.').trim_start();
        let colon = ident.series == Series::Bare && after_number.starts_with(':');
        // In a row printed as cells, a cell holding an archive number
        // ("19/120") is no part of the title.
        let title = if l.cells.len() > 1 {
            let kept: Vec<&str> = l.cells.iter().skip(1).map(String::as_str).filter(|c| !ARCHIVE_NUMBER.is_match(&format!("{c} ")) || c.contains(' ')).collect();
            if kept.is_empty() { title.to_string() } else { kept.join(" ") }
        } else {
            title.to_string()
        };
        cands.push(Candidate { line: i, ident, title, word, colon });
    }
    // A case paper's route ("Saksnr. | Utvalg | Møtedato"): the row of a
    // sak listed elsewhere in the document marks where that sak's paper
    // starts (its title comes from the list); the rows of other bodies'
    // saker are no items.
    let route: Vec<bool> = cands.iter().map(|c| crate::read::lexicon::titles::is_route_row(&c.title, cx.rules)).collect();
    let listed: std::collections::HashSet<String> = cands.iter().zip(&route).filter(|(_, r)| !**r).map(|(c, _)| c.ident.sak.clone()).collect();
    let cands: Vec<Candidate> = cands
        .into_iter()
        .zip(route)
        .filter_map(|(mut c, r)| match r {
            false => Some(c),
            true if listed.contains(&c.ident.sak) => {
                c.title.clear();
                Some(c)
            }
            true => None,
        })
        .collect();
    let fits_year = |c: &Candidate| c.ident.year.is_some_and(|y| meeting_year.is_none_or(|m| (y - m).abs() <= 1));
    let with_year = cands.iter().filter(|c| fits_year(c)).count();
    let plain_count = cands.iter().filter(|c| c.ident.series == Series::Bare && !c.ident.has_year()).count();
    // Without a meeting year to check them by, a few "59/60 har stemt" do
    // not outweigh a plain numbering.
    let family = if with_year > 0 && (meeting_year.is_some() || with_year * 2 >= plain_count) {
        Family::Year
    } else if cands.iter().filter(|c| c.ident.series == Series::Main).count() >= 1 {
        Family::Word
    } else {
        Family::Plain
    };
    let mut out: Vec<Heading> = Vec::new();
    let mut words = WordSequence::default();
    let mut seen_year: Vec<String> = Vec::new();
    // Plain numbers followed by a colon are speakers' numbers ("52: Jeg
    // mener …") unless the whole document numbers its points that way.
    let plain: Vec<&Candidate> = cands.iter().filter(|c| c.ident.series == Series::Bare && !c.ident.has_year()).collect();
    let colons_are_items = plain.iter().all(|c| c.colon);
    let mut plain = PlainSequence {
        explicit: cands.iter().filter(|c| c.ident.series == Series::Bare && c.ident.path.len() >= 2).map(|c| c.ident.path.clone()).collect(),
        ..PlainSequence::default()
    };
    for c in &cands {
        let head = match (&c.ident.series, family) {
            (Series::Side(_), _) if !c.ident.has_year() => words.side(c),
            (_, Family::Year) => {
                // Numbers with a year: each sak once per pass; a number
                // printed again after others (the body after the table)
                // is the same sak.
                if !fits_year(c) {
                    None
                } else {
                    let sak = c.ident.sak.clone();
                    if seen_year.last() == Some(&sak) {
                        None
                    } else {
                        seen_year.push(sak.clone());
                        Some((sak, c.ident.number()))
                    }
                }
            }
            (Series::Main, Family::Word) => words.main(c),
            (Series::Bare, Family::Word) => words.sub_point(c),
            (Series::Bare, Family::Plain) if colons_are_items || !c.colon => plain.next(c, lines, out.last().map(|h| h.line)),
            _ => None,
        };
        if let Some((sak, number)) = head {
            // "Sak 1" met again inside its own text ("Forslag 3: På lik
            // linje …" in the discussion of Forslag 3) is no new item.
            if out.last().is_some_and(|h| h.sak == sak && h.line + 1 != c.line) && c.ident.series != Series::Bare {
                continue;
            }
            out.push(Heading { line: c.line, ident: c.ident.clone(), sak, number, title: c.title.clone() });
        }
    }
    out
}

/// The candidate's letter when it is the next of the series after `last`
/// (`a` to begin, then `b` after `a`, …) and has a title; it becomes the
/// last.
fn next_letter<'c>(last: &mut Option<char>, c: &'c Candidate) -> Option<&'c str> {
    let letter = c.ident.letter.as_deref()?;
    let this = letter.chars().next()?.to_ascii_lowercase();
    let follows = match *last {
        None => this == 'a',
        Some(prev) => (prev as u8 + 1) as char == this,
    };
    if !follows || c.title.is_empty() {
        return None;
    }
    *last = Some(this);
    Some(letter)
}

/// Plain numbering with implicit nesting and passes.
#[derive(Default)]
struct PlainSequence {
    /// The current path (`[4, 2]` after `4.2` or after the second point of
    /// a list nested under `4.`).
    stack: Vec<u32>,
    /// Numbers seen in the first pass, by path.
    first_pass: Vec<Vec<u32>>,
    /// Of those, how many stood on the line right after the one before (a
    /// list rather than headings with text between).
    first_pass_listed: usize,
    pass: u32,
    /// The last letter of a lettered list, lower-cased.
    letter: Option<char>,
    /// The current path's last level came from a list nested under a
    /// number without dotted numbers (`1.` under `4.`).
    implicit: bool,
    /// Dotted numbers printed in the document (`4.1`): a list nested
    /// without them (`1.` under `4.`) is read against them.
    explicit: std::collections::HashSet<Vec<u32>>,
}

impl PlainSequence {
    fn next(&mut self, c: &Candidate, lines: &[Line], last_line: Option<usize>) -> Option<(String, Option<u32>)> {
        let id = &c.ident;
        if id.path.is_empty() {
            return self.letter(c);
        }
        // A title for a plain number: on its line or (number alone) the next.
        if c.title.is_empty() && !lines.get(c.line + 1).is_some_and(|l| l.text.chars().next().is_some_and(char::is_uppercase) && l.text.split_whitespace().count() <= 12) {
            return None;
        }
        let continuous = last_line.is_some_and(|l| c.line > l && (l + 1..c.line).all(|k| lines[k].text.split_whitespace().count() <= 12 && !lines[k].text.ends_with('.')) && c.line - l <= 3);
        let p = &id.path;
        let explicit = p.len() >= 2;
        let accept = |this: &mut Self, path: Vec<u32>| {
            this.implicit = !explicit && path.len() >= 2;
            if this.pass == 0 {
                this.first_pass.push(path.clone());
                this.first_pass_listed += usize::from(continuous);
            }
            this.stack = path;
            this.letter = None;
            let sak = this.stack.iter().map(u32::to_string).collect::<Vec<_>>().join(".") + id.letter.as_deref().unwrap_or("");
            let number = (this.stack.len() == 1 && id.letter.is_none()).then(|| this.stack[0]);
            Some((sak, number))
        };
        if self.stack.is_empty() {
            return if p.len() == 1 && p[0] <= 2 && p[0] >= 1 { accept(self, p.clone()) } else { None };
        }
        if p.len() >= 2 {
            // Explicit depth: the next sibling at that depth, the first
            // child, or the first child of the next sibling.
            let d = p.len();
            let parent = &p[..d - 1];
            let sibling = self.stack.len() >= d && self.stack[..d - 1] == *parent && self.stack[d - 1] + 1 == p[d - 1];
            let child = self.stack.len() + 1 == d && self.stack[..] == *parent && p[d - 1] == 1;
            let nephew = d >= 2
                && self.stack.len() + 1 >= d
                && p[d - 1] == 1
                && self.stack[..d - 2] == p[..d - 2]
                && self.stack[d - 2] + 1 == p[d - 2];
            let grandchild = self.stack.len() + 2 == d && p[..d - 2] == self.stack[..] && p[d - 2] == 1 && p[d - 1] == 1;
            let skip_in_body = self.pass > 0 && self.stack.len() >= d && self.stack[..d - 1] == *parent && p[d - 1] > self.stack[d - 1] && self.first_pass.contains(p);
            if sibling || child || nephew || grandchild || skip_in_body {
                return accept(self, p.clone());
            }
            return None;
        }
        let n = p[0];
        // A plain number continues a dotted one only at the top ("5" after
        // "4.2"); inside a list nested without dots, at its own level.
        if !self.implicit && self.stack.len() >= 2 {
            if n == self.stack[0] + 1 || (self.pass > 0 && n > self.stack[0] && self.first_pass.contains(&vec![n])) {
                return accept(self, vec![n]);
            }
            if n == 1 && continuous {
                let mut path = self.stack.clone();
                path.push(1);
                return accept(self, path);
            }
            return None;
        }
        let top = *self.stack.last().unwrap_or(&0);
        if n == top + 1 {
            let mut path = self.stack.clone();
            *path.last_mut().expect("non-empty") = n;
            // In a nested list whose points the body numbers explicitly, a
            // number the body lacks belongs to the outer list.
            let nested_unknown = path.len() >= 2 && !self.explicit.is_empty() && self.explicit.iter().any(|e| e[..e.len() - 1] == path[..path.len() - 1]) && !self.explicit.contains(&path);
            let outer = nested_unknown && self.stack[..self.stack.len() - 1].iter().rev().any(|&x| x + 1 == n);
            if !outer {
                return accept(self, path);
            }
        }
        if n == 1 && continuous {
            // A list nested under the point above it.
            let mut path = self.stack.clone();
            path.push(1);
            return accept(self, path);
        }
        // Back to an outer level after a nested list.
        for d in (0..self.stack.len().saturating_sub(1)).rev() {
            if self.stack[d] + 1 == n {
                let mut path = self.stack[..=d].to_vec();
                *path.last_mut().expect("non-empty") = n;
                return accept(self, path);
            }
        }
        // The body after the agenda list: the numbering starts again.
        let first_pass_is_list = self.first_pass.len() >= 2 && self.first_pass_listed * 3 >= (self.first_pass.len() - 1) * 2;
        if n == 1 && !continuous && self.pass == 0 && first_pass_is_list {
            self.pass = 1;
            return accept(self, vec![1]);
        }
        // A point the body skips (present in the list above).
        if self.pass > 0 && n > self.stack[0] && self.first_pass.contains(&vec![n]) {
            return accept(self, vec![n]);
        }
        // A heading-like line one number ahead (a point left out).
        if self.stack.len() == 1 && n == top + 2 && c.title.split_whitespace().count() <= 8 && !c.title.ends_with('.') {
            return accept(self, vec![n]);
        }
        None
    }

    /// A lettered point: under the current number (`1a`), or a top-level
    /// letter series (`A`).
    fn letter(&mut self, c: &Candidate) -> Option<(String, Option<u32>)> {
        let letter = next_letter(&mut self.letter, c)?;
        let sak = match self.stack.first() {
            Some(_) => format!("{}{}", self.stack.iter().map(u32::to_string).collect::<Vec<_>>().join("."), letter),
            None => letter.to_string(),
        };
        Some((sak, None))
    }
}

/// Word series: the main series (`Sak 1`…) and side series (`Forslag 1`…).
#[derive(Default)]
struct WordSequence {
    /// The current main number, and how many times the series restarted.
    main: Option<u32>,
    main_restarts: u32,
    /// The last lettered point under the current main number.
    letter: Option<char>,
    /// Side series: word → (last number, restarts).
    side: HashMap<String, (u32, u32)>,
}

impl WordSequence {
    fn main(&mut self, c: &Candidate) -> Option<(String, Option<u32>)> {
        let n = *c.ident.path.first()?;
        let word = c.ident.sak.clone();
        match self.main {
            Some(m) if n == m => return None,
            Some(m) if n < m && n == 1 => self.main_restarts += 1,
            _ => {}
        }
        self.main = Some(n);
        self.letter = None;
        // A restarted series keeps its word so that its items stay
        // distinct ("Sak 1" of the fund after "Sak 1"–"Sak 3").
        let sak = if self.main_restarts > 0 { format!("{} {}", c.word, word) } else { word };
        Some((sak, Some(n)))
    }

    /// A dotted sub-point of the current main item (`5.1` under `Sak 5`),
    /// or a lettered one (`a)` under `Punkt 3` → `3a`).
    fn sub_point(&mut self, c: &Candidate) -> Option<(String, Option<u32>)> {
        let p = &c.ident.path;
        if p.is_empty() {
            let letter = next_letter(&mut self.letter, c)?;
            return Some((format!("{}{letter}", self.main?), None));
        }
        (p.len() >= 2 && Some(p[0]) == self.main && !c.title.is_empty()).then(|| (c.ident.sak.clone(), None))
    }

    fn side(&mut self, c: &Candidate) -> Option<(String, Option<u32>)> {
        let Series::Side(word) = &c.ident.series else { return None };
        let n = *c.ident.path.first()?;
        let entry = self.side.entry(word.clone()).or_insert((0, 0));
        if n == entry.0 {
            return None;
        }
        *entry = (n, entry.1);
        Some((c.ident.sak.clone(), c.ident.number()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::lines::lines_of;
    use crate::rules::Rules;

    fn items(text: &str, kind: DocumentKind) -> Vec<Item> {
        let rules = Rules::embedded();
        let cx = Cx::new(&rules);
        read_items(&lines_of(text, 1), kind, None, &cx).items
    }

    fn saks(v: &[Item]) -> Vec<(&str, Option<u32>, Option<&str>)> {
        v.iter().map(|i| (i.sak.as_str(), i.number, i.title.as_deref())).collect()
    }

    #[test]
    fn an_agenda_list_and_the_body_headings_are_the_same_items() {
        let v = items(
            "Agenda\n1. Godkjenning av innkalling\n2. Behandling av Søknader\n1. ProgNetts søknad\n2. TekNats søknad\n3. Eventuelt\nTilstede:\nCYB\n Sjur\n1 Godkjenning av innkalling\nGodkjent\n2 Behandling av søknader\n2.1 ProgNetts søknad\nInnvilget.\n2.2 TekNats søknad\nUtsettes.\n3 Eventuelt\n3.1 Kaffe\nDet foreslås kaffe.\n",
            DocumentKind::Minutes,
        );
        assert_eq!(
            saks(&v),
            vec![
                ("1", Some(1), Some("Godkjenning av innkalling")),
                ("2", Some(2), Some("Behandling av Søknader")),
                ("2.1", None, Some("ProgNetts søknad")),
                ("2.2", None, Some("TekNats søknad")),
                ("3", Some(3), Some("Eventuelt")),
                ("3.1", None, Some("Kaffe")),
            ]
        );
        let decisions: Vec<_> = v.iter().map(|i| i.decision.as_deref()).collect();
        assert_eq!(decisions, vec![Some("Godkjent"), None, Some("Innvilget."), Some("Utsettes."), None, None]);
    }

    #[test]
    fn numbered_paragraphs_and_amounts_in_a_sak_are_not_items() {
        let v = items(
            "1 Velkommen\nTekst.\n2 Valg av ordstyrer\n1700 commits ble nådd.\n52: Jeg mener at dette er feil.\n3 Årsberetninger\n3.1 Komiteer\n3.1.1 ArrKom\n3.1.2 BanKom\n3.2 Andre\n4 Regnskap 13/14 og budsjett 14/15\nGodkjent ved tydelig flertall.\n",
            DocumentKind::Minutes,
        );
        let got: Vec<&str> = v.iter().map(|i| i.sak.as_str()).collect();
        assert_eq!(got, vec!["1", "2", "3", "3.1", "3.1.1", "3.1.2", "3.2", "4"]);
        assert_eq!(v[7].decision.as_deref(), Some("Godkjent ved tydelig flertall."));
    }

    #[test]
    fn saker_with_years_in_a_table_and_in_the_body() {
        let v = items(
            "Saksliste\nSaksnr. Journalnr. Tittel\nPS 0001/00 98/01216 Innstilling vedtatt\nSAKSPROTOKOLL: REGULERINGSPLAN SØR-SKAGET\nPS 0002/00 98/02734 Innstilling vedtatt\nSAKSPROTOKOLL: VERDAL VANNVERK\nSak nr.: 0001/00\nSAKSPROTOKOLL: REGULERINGSPLAN SØR-SKAGET\nBehandling:\nEnstemmig.\nVedtak:\n1. Planutvalget vedtar at vegen reguleres.\n2. Anmerkningene tas ikke til følge.\n",
            DocumentKind::Minutes,
        );
        assert_eq!(saks(&v), vec![("0001/00", Some(1), Some("REGULERINGSPLAN SØR-SKAGET")), ("0002/00", Some(2), Some("VERDAL VANNVERK"))]);
        assert_eq!(v[0].decision.as_deref(), Some("1. Planutvalget vedtar at vegen reguleres. 2. Anmerkningene tas ikke til følge."));
        assert_eq!(v[1].decision.as_deref(), Some("Innstilling vedtatt"));
        assert_eq!(v[0].year, Some(2000));
    }

    #[test]
    fn word_series_side_by_side() {
        let v = items(
            "[17:35] Sak 1 - Benytte preferansevalg\nSaken er Vedtat.\n[17:47] Sak 2 - Budsjettreglement\nSaken er vedtatt\n[18:28] Forslag 1: Fjerne møterett\nForslaget er vedtatt.\n[18:49] Forslag 3: Fjerne talerett\nForslag 3: På lik linje med resten.\nForslaget er vedtatt\nFondets generalforsamling\n[20:14] Sak 1 - Utrede en strategi\nForslag\nVi foreslår en strategi.\nVotering\nForslaget er vedtatt.\n",
            DocumentKind::Minutes,
        );
        assert_eq!(
            saks(&v),
            vec![
                ("1", Some(1), Some("Benytte preferansevalg")),
                ("2", Some(2), Some("Budsjettreglement")),
                ("Forslag 1", Some(1), Some("Fjerne møterett")),
                ("Forslag 3", Some(3), Some("Fjerne talerett")),
                ("Sak 1", Some(1), Some("Utrede en strategi")),
            ]
        );
        assert_eq!(v[0].decision.as_deref(), Some("Saken er Vedtat."));
        assert_eq!(v[4].proposed_decision.as_deref(), Some("Vi foreslår en strategi."));
        assert!(v.iter().all(|i| i.time.is_none()));
    }

    #[test]
    fn sak_headings_with_dotted_sub_points() {
        let v = items("Sak 4 Valg av koordinator\nAndreas ble valgt.\nSak 5 Behandling av søknader\n5.1 - Foreningsfesten\nGodkjennes enstemmig\n5.2 TekNat\nGodkjennes med merknader - 12.820 kr av 17.720 kr\n", DocumentKind::Minutes);
        assert_eq!(saks(&v), vec![("4", Some(4), Some("Valg av koordinator")), ("5", Some(5), Some("Behandling av søknader")), ("5.1", None, Some("Foreningsfesten")), ("5.2", None, Some("TekNat"))]);
        assert_eq!(v[3].decision.as_deref(), Some("Godkjennes med merknader - 12.820 kr av 17.720 kr"));
    }

    #[test]
    fn a_heading_with_a_time_stamp_ends_the_item_before_it() {
        let v = items("[18:40] Forslag 2: Godkjenne bankomleder\nForslaget er vedtatt\n[18:44] Felles intro til forslag 3 & 4\nForslaget om X godkjennes.\n[18:49] Forslag 3: Fjerne talerett\n", DocumentKind::Minutes);
        assert_eq!(v[0].decision.as_deref(), Some("Forslaget er vedtatt"));
    }

    #[test]
    fn agenda_tables_give_time_and_type() {
        let rows = "Sak Agenda NUIT Tidspunkt Sakstype\n27/25 Anskaffelse DHO løsning for Nordlandssykehuset HF\nmed opsjoner for kommuner\n10:55 Drøfting\nLunsj 11:40\n28/25 Eventuelt 15:10\n";
        let v = items(rows, DocumentKind::Agenda);
        let got: Vec<_> = v.iter().map(|i| (i.sak.as_str(), i.title.as_deref(), i.time.as_deref(), i.sak_type.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                ("27/25", Some("Anskaffelse DHO løsning for Nordlandssykehuset HF med opsjoner for kommuner"), Some("10:55"), Some("Drøfting")),
                ("28/25", Some("Eventuelt"), Some("15:10"), None),
            ]
        );
    }
}
