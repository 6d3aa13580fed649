//! Stage 3: clean lines → logical documents.
//!
//! A file is cut where a document announces itself:
//! - an agenda or minutes title ("Møte i NUIT", "Referat fra ekstramøte i
//!   Nasjonalt e-helsestyre") followed by meeting header labels;
//! - a case memo, anchored on its header box (Til / Dato / Saksnummer /
//!   Type…) wherever on the page the box landed, and starting at the title
//!   line above its "Forslag til vedtak";
//! - a letter, recognised by its letterhead.
//!
//! Text before the first of these (a slide deck, a cover) is a document of
//! kind `other`.

use crate::model::DocumentKind;
use crate::rules::labels::{eq_fold, is_label, strip_label};
use crate::rules::Rules;
use crate::text::{join_lines, Line};

/// A logical document: a range of lines and what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub kind: DocumentKind,
    /// First line (index into the file's lines).
    pub start: usize,
    /// One past the last line.
    pub end: usize,
    /// Lines holding the title, within `start..end`.
    pub title_end: usize,
    /// For memos: where the header box starts.
    pub memo_box: Option<usize>,
}

/// How many lines after a title the meeting header must begin.
const HEADER_WINDOW: usize = 6;
/// How many lines a memo header box may spread over.
const BOX_WINDOW: usize = 14;

/// Cut a file's lines into logical documents, in order.
pub fn segment(lines: &[Line], rules: &Rules) -> Vec<Segment> {
    let mut starts: Vec<Segment> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(t) = meeting_title(lines, i, rules) {
            if has_meeting_header(lines, i + t.lines, rules) {
                starts.push(Segment { kind: t.kind, start: i, end: i, title_end: i + t.lines, memo_box: None });
                i += t.lines;
                continue;
            }
        }
        i += 1;
    }
    // Memo boxes, then the start of each memo above its box.
    let boxes = memo_boxes(lines, rules);
    for b in boxes {
        let floor = starts.iter().filter(|s| s.start <= b).map(|s| s.title_end.max(s.memo_box.map_or(0, |m| m + 1))).max().unwrap_or(0);
        let (start, title_end) = memo_start(lines, floor, b, rules);
        starts.push(Segment { kind: DocumentKind::CaseMemo, start, end: start, title_end, memo_box: Some(b) });
        starts.sort_by_key(|s| s.start);
    }
    for l in letter_starts(lines, rules) {
        // A second letterhead block before any other document is the same letter.
        let previous = starts.iter().filter(|s| s.start <= l).max_by_key(|s| s.start);
        let same_letter = previous.is_some_and(|s| s.kind == DocumentKind::Other);
        if !same_letter && !starts.iter().any(|s| s.start <= l && l < s.title_end.max(s.memo_box.unwrap_or(0) + 1)) {
            starts.push(Segment { kind: DocumentKind::Other, start: l, end: l, title_end: l, memo_box: None });
        }
    }
    starts.sort_by_key(|s| s.start);
    starts.dedup_by_key(|s| s.start);
    // Leading text that belongs to no announced document.
    let first = starts.first().map_or(lines.len(), |s| s.start);
    if first > 0 && leading_is_document(&lines[..first]) {
        starts.insert(0, Segment { kind: DocumentKind::Other, start: 0, end: first, title_end: 0, memo_box: None });
    }
    let n = starts.len();
    for k in 0..n {
        starts[k].end = if k + 1 < n { starts[k + 1].start } else { lines.len() };
    }
    starts
}

/// Text before the first announced document is a document of its own when
/// it is more than a stray line or two.
fn leading_is_document(lines: &[Line]) -> bool {
    lines.len() >= 3
}

pub struct TitleMatch {
    pub kind: DocumentKind,
    /// Lines the title spans.
    pub lines: usize,
    pub title: String,
    pub body: Option<String>,
    pub extraordinary: bool,
}

/// An agenda or minutes title starting at line `i` (possibly wrapped over
/// two lines): a known title prefix followed by a body name.
pub fn meeting_title(lines: &[Line], i: usize, rules: &Rules) -> Option<TitleMatch> {
    for span in 1..=2usize {
        if i + span > lines.len() {
            break;
        }
        // What the joined text starts with decides whether a title can
        // match (join_lines trims each line and skips empty ones).
        if !rules.may_start_title(lines[i..i + span].iter().find_map(|l| l.text.trim().chars().next())) {
            continue;
        }
        let text = join_lines(&lines[i..i + span].iter().map(|l| l.text.as_str()).collect::<Vec<_>>());
        if let Some(m) = match_title_text(&text, rules) {
            // A title wrapped inside the body's name ("… Nasjonalt e-" +
            // "helsestyre") is known by the body it completes.
            let wrapped_better = span == 1
                && m.body.is_none()
                && lines.get(i + 1).and_then(|_| {
                    let two = join_lines(&[lines[i].text.as_str(), lines[i + 1].text.as_str()]);
                    match_title_text(&two, rules)
                }).is_some_and(|m2| m2.body.is_some());
            if !wrapped_better {
                return Some(TitleMatch { lines: span, ..m });
            }
        }
    }
    None
}

fn match_title_text(text: &str, rules: &Rules) -> Option<TitleMatch> {
    let text = text.trim().trim_end_matches(':');
    let kinds = [(DocumentKind::Minutes, &rules.documents.minutes.titles), (DocumentKind::Agenda, &rules.documents.agenda.titles)];
    let mut best: Option<(usize, DocumentKind, &str)> = None;
    for (kind, prefixes) in kinds {
        for p in prefixes.iter() {
            if let Some(rest) = strip_label(text, std::slice::from_ref(p)) {
                if best.is_none_or(|(n, _, _)| p.len() > n) {
                    best = Some((p.len(), kind, rest));
                }
            }
        }
    }
    let (_, kind, rest) = best?;
    let rest = rest.trim();
    if rest.is_empty() || rest.len() > 80 {
        return None;
    }
    // The rest names the body, possibly followed by a date or label; an
    // unknown body is kept as printed, provided it reads like a name.
    let body = rules
        .body_alias_pairs()
        .iter()
        .find(|(alias, _)| rest.get(..alias.len()).is_some_and(|h| eq_fold(h, alias)) && rest[alias.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric()))
        .map(|(_, canon)| canon.clone());
    if body.is_none() && !rest.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    let lower = text.to_lowercase();
    let extraordinary = rules.documents.extraordinary.markers.iter().any(|m| lower.contains(&m.to_lowercase()));
    Some(TitleMatch { kind, lines: 1, title: text.to_string(), body, extraordinary })
}

/// Meeting header labels (Møte / Dato / Tid / Sted) begin within a few lines.
fn has_meeting_header(lines: &[Line], from: usize, rules: &Rules) -> bool {
    let h = &rules.labels.header;
    lines.iter().skip(from).take(HEADER_WINDOW).any(|l| {
        strip_label(&l.text, &h.meeting).is_some_and(|r| r.is_empty() || r.contains('/'))
            || strip_label(&l.text, &h.date).is_some()
    })
}

/// Which memo header label a line carries, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MemoLabel {
    To,
    Date,
    Sak,
    SakType,
    Owner,
    Officers,
}

/// The memo label at the start of `line`, with the rest of the line.
pub fn memo_label<'a>(line: &'a str, rules: &Rules) -> Option<(MemoLabel, &'a str)> {
    let m = &rules.labels.memo;
    let table = [
        (MemoLabel::Officers, &m.officers),
        (MemoLabel::Sak, &m.sak),
        (MemoLabel::SakType, &m.sak_type),
        (MemoLabel::Owner, &m.owner),
        (MemoLabel::Date, &m.date),
        (MemoLabel::To, &m.to),
    ];
    let mut best: Option<(usize, MemoLabel, &str)> = None;
    for (kind, labels) in table {
        if let Some(rest) = strip_label(line, labels) {
            let used = line.len() - rest.len();
            if best.is_none_or(|(n, _, _)| used > n) {
                best = Some((used, kind, rest));
            }
        }
    }
    best.map(|(_, k, r)| (k, r))
}

/// A memo header box: within a short window, lines that are (or start
/// with) at least three different memo labels, one of them the sak number.
fn memo_boxes(lines: &[Line], rules: &Rules) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((first, rest)) = box_label(&lines[i].text, rules) else {
            i += 1;
            continue;
        };
        // A box opens on To / Date / Sak; a bare "Sak" heading of an agenda
        // table is not a box.
        if !matches!(first, MemoLabel::To | MemoLabel::Date | MemoLabel::Sak) || !box_label_plausible(first, rest, rules) {
            i += 1;
            continue;
        }
        // The labels of a box stand close together: at most two value lines
        // between one label and the next.
        let mut kinds = Vec::new();
        let mut j = i;
        let mut last_label = i;
        while j < lines.len() && j < i + BOX_WINDOW && j <= last_label + 3 {
            if let Some((k, rest)) = box_label(&lines[j].text, rules) {
                if box_label_plausible(k, rest, rules) && !kinds.contains(&k) {
                    kinds.push(k);
                    last_label = j;
                }
            }
            j += 1;
        }
        if kinds.contains(&MemoLabel::Sak) && kinds.len() >= 3 {
            out.push(i);
            i += BOX_WINDOW;
        } else {
            i += 1;
        }
    }
    out
}

/// A memo label as printed in a box: capitalised, like every label there
/// ("til å prøve ut …" in running text is no label).
fn box_label<'a>(line: &'a str, rules: &Rules) -> Option<(MemoLabel, &'a str)> {
    line.chars().next().filter(|c| c.is_uppercase())?;
    // "Til stede …" opens a participant list, not a box's "Til".
    let p = &rules.labels.participants;
    let headings = [&p.present, &p.absent, &p.members, &p.substitute, &p.observer, &p.other, &p.secretariat];
    if headings.iter().any(|h| strip_label(line, h).is_some()) {
        return None;
    }
    memo_label(line, rules)
}

/// A label counts towards a box when it stands alone (value printed apart)
/// or its value has the right shape.
fn box_label_plausible(k: MemoLabel, rest: &str, rules: &Rules) -> bool {
    if rest.is_empty() {
        return true;
    }
    match k {
        // "Saksnummer 14/22": the number alone, not "Sak 40/24 Godkjenning …".
        MemoLabel::Sak => crate::fields::sak::find_sak(rest).is_some_and(|(_, r)| r.start == 0 && rest[r.end..].trim().is_empty()),
        MemoLabel::Date => crate::dates::find_date(rest, None, rules).is_some(),
        MemoLabel::SakType => rules.documents.sak_types.names.iter().any(|t| eq_fold(t, rest.trim())),
        MemoLabel::To => rest.len() < 60,
        MemoLabel::Owner | MemoLabel::Officers => rest.len() < 80,
    }
}

/// Where the memo whose box is at `b` starts: the title above the nearest
/// "Forslag til vedtak" that stands alone on its line, searching back no
/// further than `floor`. Returns (start, title_end).
fn memo_start(lines: &[Line], floor: usize, b: usize, rules: &Rules) -> (usize, usize) {
    let proposed = &rules.labels.decisions.proposed;
    let mut k = b;
    while k > floor {
        k -= 1;
        if is_label(&lines[k].text, proposed) && k > floor {
            let title_start = title_start_above(lines, floor, k);
            return (title_start, k);
        }
    }
    // No proposal above the box: the memo starts on the box's page, after
    // the previous document's header.
    let page = lines[b].page;
    let mut s = b;
    while s > floor && lines[s - 1].page == page {
        s -= 1;
    }
    (s, s.min(b))
}

/// The first line of a title that ends just above line `k`: titles begin
/// with a capital; a line starting in lower case continues the one above.
pub fn title_start_above(lines: &[Line], floor: usize, k: usize) -> usize {
    let mut s = k - 1;
    while s > floor && s + 3 > k && continues_previous(&lines[s].text, &lines[s - 1].text) {
        s -= 1;
    }
    s
}

/// `line` reads as the continuation of `prev`.
pub fn continues_previous(line: &str, prev: &str) -> bool {
    let starts_lower = line.chars().next().is_some_and(|c| c.is_lowercase());
    let prev_open = prev.ends_with('-') || prev.ends_with('–') || prev.ends_with(',');
    (starts_lower || prev_open) && !prev.ends_with('.')
}

/// Letterheads: two letterhead words at line starts within a few lines.
fn letter_starts(lines: &[Line], rules: &Rules) -> Vec<usize> {
    let markers = &rules.documents.letter.markers;
    let hit = |l: &Line| strip_label(&l.text, markers).is_some();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if hit(&lines[i]) && lines[i + 1..].iter().take(8).filter(|l| hit(l)).count() >= 1 {
            out.push(i);
            i += 12;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::text::lines_of;

    #[test]
    fn titles_need_a_header_to_start_a_document() {
        let rules = Rules::embedded();
        let l = lines_of("Referat fra ekstramøte i NUIT\nMøte 4/2021\nDato 15. september 2021\n", 1);
        let s = segment(&l, &rules);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].kind, DocumentKind::Minutes);
        // The same words in running text start nothing.
        let l = lines_of("Tekst om saken.\nMøte i NUIT\nvar godt.\nMer tekst her.\n", 1);
        assert!(segment(&l, &rules).iter().all(|s| s.kind == DocumentKind::Other));
    }

    #[test]
    fn wrapped_title_is_one_title() {
        let rules = Rules::embedded();
        let l = lines_of("Referat fra ekstra møte i Nasjonalt e-\nhelsestyre\nMøte 5/2021\nDato 4. november 2021\n", 1);
        let t = meeting_title(&l, 0, &rules).unwrap();
        assert_eq!(t.lines, 2);
        assert_eq!(t.body.as_deref(), Some("Nasjonalt e-helsestyre"));
        assert!(t.extraordinary);
    }

    #[test]
    fn memo_starts_at_title_above_its_proposal_box_anywhere() {
        let rules = Rules::embedded();
        let l = lines_of(
            "Møte i NUIT\nMøte 2/22\nDato 8. april 2022\n15/22 Eventuelt\nNy strategi – mål og tiltak\nForslag til vedtak\nNUIT ber om innspill.\nBakgrunn\nLang tekst.\nTil\nDato\nSaksnummer\nType\nMøte 2/22\n08.04.2022\n14/22\nDrøfting\nMer tekst.\n",
            1,
        );
        let s = segment(&l, &rules);
        let kinds: Vec<_> = s.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, vec![DocumentKind::Agenda, DocumentKind::CaseMemo]);
        assert_eq!(l[s[1].start].text, "Ny strategi – mål og tiltak");
        assert_eq!(s[0].end, s[1].start);
    }
}
