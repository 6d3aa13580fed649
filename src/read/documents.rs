//! Stage 2: clean lines → logical documents and their kinds.
//!
//! A file is one document unless it announces more, and it is cut where a
//! document announces itself:
//! - a meeting title ("Møte i NUIT", "Referat fra ekstramøte i …",
//!   "MØTEPROTOKOLL") followed by meeting header evidence (a date, a
//!   header label, a participant heading);
//! - a case memo, anchored on its header box (Til / Dato / Saksnummer /
//!   Type…) wherever on the page the box landed, starting at the title
//!   line above its "Forslag til vedtak";
//! - a letter, recognised by its letterhead.
//!
//! What each document *is* is decided afterwards from several signs that
//! must agree ([`classify`]): the words of its title, an attendance list,
//! decisions, proposals, numbered saker, a memo box or a case paper's
//! header, a letterhead. No single sign vetoes a kind.

use crate::model::DocumentKind;
use crate::rules::labels::{is_label, strip_label};
use crate::rules::Rules;

use super::lexicon::{ident, labels, outcome, titles};
use super::lines::{continues_previous, join_lines, Line};

/// A logical document: a range of lines and what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub kind: DocumentKind,
    /// First line (index into the file's lines).
    pub start: usize,
    /// One past the last line.
    pub end: usize,
    /// One past the last line of the title block (`start..title_end`).
    pub title_end: usize,
    /// For memos: where the header box starts.
    pub memo_box: Option<usize>,
    /// What announced the document.
    pub origin: Origin,
}

/// What announced a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The start of the file.
    File,
    /// A meeting title followed by a header.
    MeetingTitle,
    /// A memo header box.
    MemoBox,
    /// A letterhead.
    Letter,
}

/// How many lines after a title the meeting header must begin.
const HEADER_WINDOW: usize = 6;
/// How many lines a memo header box may spread over.
const BOX_WINDOW: usize = 14;
/// Most lines of a title block at the start of a file.
const TITLE_MAX_LINES: usize = 4;
/// Most words of a title line.
const TITLE_MAX_WORDS: usize = 14;

/// Cut a file's lines into logical documents, in order, each with its kind.
pub fn segment(lines: &[Line], rules: &Rules) -> Vec<Segment> {
    if lines.is_empty() {
        return Vec::new();
    }
    let mut starts: Vec<Segment> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(span) = meeting_title(lines, i, rules) {
            if i > 0 && has_meeting_header(lines, i + span, rules) {
                starts.push(new_segment(i, i + span, None, Origin::MeetingTitle));
                i += span;
                continue;
            }
        }
        i += 1;
    }
    // Memo boxes, then the start of each memo above its box.
    for b in memo_boxes(lines, rules) {
        let floor = starts.iter().filter(|s| s.start <= b).map(|s| s.title_end.max(s.memo_box.map_or(0, |m| m + 1))).max().unwrap_or(0);
        let (start, title_end) = memo_start(lines, floor, b, rules);
        starts.push(new_segment(start, title_end, Some(b), Origin::MemoBox));
        starts.sort_by_key(|s| s.start);
    }
    for l in letter_starts(lines, rules) {
        // A letterhead on the file's first page, with no document announced
        // above it, heads the file itself: the file is the letter.
        if !starts.iter().any(|s| s.start <= l) && lines[..l].iter().all(|x| x.page == lines[l].page) && l <= 12 {
            starts.push(new_segment(0, file_title_end(lines, 0, lines.len(), rules), None, Origin::Letter));
            continue;
        }
        // A second letterhead block before any other document is the same letter.
        let previous = starts.iter().filter(|s| s.start <= l).max_by_key(|s| s.start);
        let same_letter = previous.is_some_and(|s| s.origin == Origin::Letter);
        if !same_letter && !starts.iter().any(|s| s.start <= l && l < s.title_end.max(s.memo_box.unwrap_or(0) + 1)) {
            starts.push(new_segment(l, l, None, Origin::Letter));
        }
    }
    starts.sort_by_key(|s| s.start);
    starts.dedup_by_key(|s| s.start);
    // The start of the file is a document of its own unless it is no more
    // than a stray line or two before the first announced one.
    let first = starts.first().map_or(lines.len(), |s| s.start);
    if first > 0 && (first >= 3 || starts.is_empty()) {
        let title_end = file_title_end(lines, 0, first, rules);
        starts.insert(0, new_segment(0, title_end, None, Origin::File));
    } else if first == 0 && starts[0].origin == Origin::Letter {
        // A letter at the very start keeps its origin.
    }
    let n = starts.len();
    for k in 0..n {
        starts[k].end = if k + 1 < n { starts[k + 1].start } else { lines.len() };
    }
    for s in &mut starts {
        s.kind = classify(&lines[s.start..s.end], s, rules);
    }
    starts
}

fn new_segment(start: usize, title_end: usize, memo_box: Option<usize>, origin: Origin) -> Segment {
    Segment { kind: DocumentKind::Other, start, end: start, title_end, memo_box, origin }
}

/// A title printed on the same line as the previous document's last words
/// ("… tar saken til orientering. Referat fra møte i NUFA"): the line is
/// cut before the title, so that the title starts a line of its own.
pub fn split_glued_titles(lines: Vec<Line>, rules: &Rules) -> Vec<Line> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        match glued_title_at(&line.text, rules) {
            Some(at) => {
                let (head, tail) = line.text.split_at(at);
                out.push(Line { text: head.trim_end().to_string(), cells: Vec::new(), ..line.clone() });
                out.push(Line { text: tail.to_string(), cells: Vec::new(), bullet: false, indent: 0, blank_before: false, ..line });
            }
            None => out.push(line),
        }
    }
    out
}

/// Where a meeting title naming a known body starts after a sentence's end
/// inside `text`.
fn glued_title_at(text: &str, rules: &Rules) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = text[from..].find(". ") {
        let at = from + p + 2;
        let rest = &text[at..];
        if let Some(after) = titles::opener(rest, rules) {
            if after.len() < rest.len() && titles::known_body(after, rules).is_some() && rest.split_whitespace().count() <= TITLE_MAX_WORDS {
                return Some(at);
            }
        }
        from = at;
    }
    None
}

/// The title block at the start of a document: up to a few short lines
/// before the first label, list heading, item or participant heading.
pub fn file_title_end(lines: &[Line], start: usize, end: usize, rules: &Rules) -> usize {
    let mut k = start;
    while k < end && k < start + TITLE_MAX_LINES {
        let t = lines[k].text.as_str();
        // A line that continues the one above ("Møte" / "i Nasjonalt
        // e-helsestyre") is part of the title whatever it looks like.
        if k > start && continues_previous(t, &lines[k - 1].text) && !is_sentence(t) {
            k += 1;
            continue;
        }
        let opens_title = k == start && lines.get(k + 1).is_some_and(|n| continues_previous(&n.text, t));
        let stop = !opens_title && labels::header_label(t, rules).is_some()
            || labels::participant_heading(t, rules).is_some()
            || labels::decision_label(t, rules).is_some()
            || labels::memo_label(t, rules).is_some_and(|(_, rest)| !rest.is_empty() || k > start)
            || labels::is_list_heading(t, rules)
            || labels::is_contents_heading(t, rules)
            || (k > start && ident::leading_ident(t, rules).is_some_and(|(i, title)| !title.is_empty() || i.has_year()))
            || t.split_whitespace().count() > TITLE_MAX_WORDS
            || is_sentence(t)
            || (k > start && lines[k].page != lines[start].page);
        if stop {
            break;
        }
        k += 1;
    }
    // A document that opens with running text has no title block.
    if k == start && is_sentence(&lines[start].text) {
        return start;
    }
    k.max(start + 1).min(end.max(start + 1))
}

/// A line of running text: a sentence of several words ending in a full
/// stop. Titles do not end so.
fn is_sentence(t: &str) -> bool {
    t.ends_with('.') && t.split_whitespace().count() > 4
}

/// A meeting title starting at line `i` (possibly wrapped over two lines):
/// the number of lines it spans.
pub fn meeting_title(lines: &[Line], i: usize, rules: &Rules) -> Option<usize> {
    let line = &lines[i].text;
    let rest = titles::opener(line, rules)?;
    if line.split_whitespace().count() > TITLE_MAX_WORDS || line.ends_with([',', ';']) {
        return None;
    }
    // After the opener: a body, a date, a capitalised name, or nothing
    // ("MØTEPROTOKOLL"); running text ("Møte i NUIT var godt") is no title.
    let shaped = rest.is_empty()
        || titles::known_body(rest, rules).is_some()
        || rest.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit());
    if !shaped || rest.ends_with('.') {
        return None;
    }
    // A title wrapped inside the body's name ("… Nasjonalt e-" + "helsestyre").
    if let Some(next) = lines.get(i + 1) {
        let two = join_lines(&[line.as_str(), next.text.as_str()]);
        if titles::known_body(line, rules).is_none() && titles::known_body(&two, rules).is_some() && next.text.split_whitespace().count() <= 3 {
            return Some(2);
        }
    }
    Some(1)
}

/// Meeting header evidence begins within a few lines: a meeting number or
/// date label, a date line, a participant heading.
fn has_meeting_header(lines: &[Line], from: usize, rules: &Rules) -> bool {
    let h = &rules.labels.header;
    lines.iter().skip(from).take(HEADER_WINDOW).any(|l| {
        strip_label(&l.text, &h.meeting).is_some_and(|r| r.is_empty() || r.contains('/') || r.starts_with(|c: char| c.is_ascii_digit()))
            || strip_label(&l.text, &h.date).is_some()
            || labels::header_label(&l.text, rules).is_some_and(|(k, _)| matches!(k, labels::HeaderLabel::Date | labels::HeaderLabel::Body))
            || crate::dates::parse_date(&l.text, Some(2000), rules).is_ok()
    })
}

/// Signs of what a document is, counted over its lines.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Evidence {
    /// Kinds named by the title's words, the earliest word first.
    pub title_kinds: Vec<DocumentKind>,
    /// Headings of lists that state attendance (Til stede, Forfall, Referent).
    pub attendance: usize,
    /// Participant list headings of any kind.
    pub participants: usize,
    pub decision_labels: usize,
    pub decision_sentences: usize,
    pub proposal_labels: usize,
    /// Lines opening with an item identifier and a title.
    pub items: usize,
    /// Header labels (Dato, Tid, Sted, Møte nr.).
    pub header_labels: usize,
    /// A case paper's markers: "… innstiller … følgende vedtak", a
    /// "Byrådssak 213/25" line near the top.
    pub case_paper: usize,
}

/// Count the signs in a document's lines. Decision sentences are counted
/// only when `sentences` (they are the dearest sign to read).
pub fn evidence_of(lines: &[Line], title_end: usize, rules: &Rules, sentences: bool) -> Evidence {
    let mut e = Evidence::default();
    let title: Vec<&str> = lines[..title_end.min(lines.len())].iter().map(|l| l.text.as_str()).collect();
    let mut seen = Vec::new();
    for (k, _) in titles::kind_words(&join_lines(&title), rules) {
        if !seen.contains(&k) {
            seen.push(k);
        }
    }
    e.title_kinds = seen;
    // Counts matter only up to what the decision needs (a few of each):
    // counting stops there, which keeps long documents cheap.
    const ENOUGH: usize = 3;
    for (i, l) in lines.iter().enumerate() {
        let t = l.text.as_str();
        if e.participants < ENOUGH || e.attendance == 0 {
            if let Some((s, _)) = labels::participant_heading(t, rules) {
                e.participants += 1;
                if s.present.is_some() && !s.organisations_only {
                    e.attendance += 1;
                }
            }
        }
        if e.decision_labels < ENOUGH || e.proposal_labels < ENOUGH {
            if let Some((k, _)) = labels::decision_label(t, rules) {
                match k {
                    labels::DecisionLabel::Proposed => e.proposal_labels += 1,
                    labels::DecisionLabel::Decision => e.decision_labels += 1,
                }
            }
            match labels::opener_sentence(t, rules) {
                Some(labels::DecisionLabel::Decision) => e.decision_labels += 1,
                Some(labels::DecisionLabel::Proposed) => e.case_paper += 1,
                None => {}
            }
        }
        if i < 30 && labels::header_label(t, rules).is_some() {
            e.header_labels += 1;
        }
        if i < 30 && super::lexicon::sak::case_paper_number(t).is_some() {
            e.case_paper += 1;
        }
        if e.items < ENOUGH && ident::leading_ident(t, rules).is_some_and(|(_, title)| !title.is_empty()) {
            e.items += 1;
        }
        if sentences && e.decision_sentences < ENOUGH && t.len() < 200 && !t.ends_with(':') && outcome::states_decision(t, rules) {
            e.decision_sentences += 1;
        }
    }
    e
}

/// Every sign in a document's lines.
pub fn evidence(lines: &[Line], title_end: usize, rules: &Rules) -> Evidence {
    evidence_of(lines, title_end, rules, true)
}

/// The kind of a document, from the signs in its lines that agree. Decision
/// sentences are read only when they could change the verdict.
fn classify(lines: &[Line], s: &Segment, rules: &Rules) -> DocumentKind {
    match s.origin {
        Origin::MemoBox => return DocumentKind::CaseMemo,
        Origin::Letter => return DocumentKind::Other,
        Origin::File | Origin::MeetingTitle => {}
    }
    let e = evidence_of(lines, s.title_end - s.start, rules, false);
    let without = kind_of(&e);
    if kind_of(&Evidence { decision_sentences: 3, ..e.clone() }) == without {
        return without;
    }
    kind_of(&evidence(lines, s.title_end - s.start, rules))
}

/// The decision over the evidence (a pure function, tested on its own).
pub fn kind_of(e: &Evidence) -> DocumentKind {
    use DocumentKind::*;
    let score = |k: DocumentKind| -> i32 {
        let title = match e.title_kinds.iter().position(|t| *t == k) {
            Some(0) => 3,
            Some(_) => 1,
            None => 0,
        };
        title
    };
    let (mut minutes, mut agenda, mut memo, other) = (score(Minutes), score(Agenda), score(CaseMemo), score(Other));
    let decisions = e.decision_labels > 0 || e.decision_sentences >= 2;
    if e.attendance > 0 {
        minutes += 2;
    }
    if decisions {
        minutes += 2;
    }
    if e.proposal_labels > 0 && e.decision_labels == 0 {
        agenda += 1;
    }
    if e.case_paper > 0 {
        memo += 2 * e.case_paper.min(2) as i32;
    }
    // A meeting document numbers its saker or says it is one in its title:
    // a protocol of a count with a list of members is a report.
    let titled = e.title_kinds.iter().any(|k| matches!(k, Minutes | Agenda));
    let meeting_structure = (e.items >= 2 || e.participants > 0 || e.header_labels > 0 || e.decision_labels > 0) && (titled || e.items >= 1);
    let meeting_best = minutes.max(agenda);
    if memo >= 3 && memo >= meeting_best && memo > other {
        return CaseMemo;
    }
    if meeting_best >= 3 && meeting_structure && meeting_best > other {
        return if minutes > agenda || (minutes == agenda && decisions) { Minutes } else { Agenda };
    }
    Other
}

/// A memo header box: within a short window, lines that are (or start
/// with) at least three different memo labels, one of them the sak number.
fn memo_boxes(lines: &[Line], rules: &Rules) -> Vec<usize> {
    use labels::MemoLabel;
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
fn box_label<'a>(line: &'a str, rules: &Rules) -> Option<(labels::MemoLabel, &'a str)> {
    line.chars().next().filter(|c| c.is_uppercase())?;
    // "Til stede …" opens a participant list, not a box's "Til".
    if labels::participant_heading(line, rules).is_some() {
        return None;
    }
    labels::memo_label(line, rules)
}

/// A label counts towards a box when it stands alone (value printed apart)
/// or its value has the right shape.
fn box_label_plausible(k: labels::MemoLabel, rest: &str, rules: &Rules) -> bool {
    use labels::MemoLabel;
    if rest.is_empty() {
        return true;
    }
    match k {
        // "Saksnummer 14/22": the number alone, not "Sak 40/24 Godkjenning …".
        MemoLabel::Sak => super::lexicon::sak::find_sak(rest).is_some_and(|(_, r)| r.start == 0 && rest[r.end..].trim().is_empty()),
        MemoLabel::Date => crate::dates::find_date(rest, None, rules).is_some(),
        MemoLabel::SakType => rules.documents.sak_types.names.iter().any(|t| crate::rules::labels::eq_fold(t, rest.trim())),
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

    use crate::read::lines::lines_of;

    fn kinds(text: &str) -> Vec<DocumentKind> {
        let rules = Rules::embedded();
        segment(&lines_of(text, 1), &rules).iter().map(|s| s.kind).collect()
    }

    #[test]
    fn titles_need_a_header_to_start_a_document() {
        assert_eq!(kinds("Referat fra ekstramøte i NUIT\nMøte 4/2021\nDato 15. september 2021\nTil stede\nKari Nordmann (KS)\n21/21 Godkjenning\nVedtak:\nGodkjent.\n"), vec![DocumentKind::Minutes]);
        // The same words in running text start nothing.
        assert!(kinds("Tekst om saken.\nMøte i NUIT\nvar godt.\nMer tekst her.\n").iter().all(|k| *k == DocumentKind::Other));
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

    #[test]
    fn minutes_whatever_the_title_says_when_attendance_and_decisions_agree() {
        let text = "Møte i Fordelingsutvalget\n9. oktober 2015 kl 12:15\nTil stede:\nKari Nordmann, Navet\n1. Godkjenning av innkalling\nInnkalling ble godkjent uten merknader.\n2. Godkjenning av agenda\nAgenda ble godkjent.\n";
        assert_eq!(kinds(text), vec![DocumentKind::Minutes]);
    }

    #[test]
    fn a_title_glued_to_the_last_words_of_the_document_before_starts_a_new_one() {
        let rules = Rules::embedded();
        let l = split_glued_titles(lines_of("Referat fra møte i NUIT\nMøte 4/2021\nDato 15. september 2021\nTil stede\nKari Nordmann (KS)\n21/21 Godkjenning\nVedtak:\nNUIT tar saken til orientering. Referat fra møte i NUFA\nMøte 1/2021\nDato 16. september 2021\nTil stede\nOla Hansen (KS)\n", 1), &rules);
        let s = segment(&l, &rules);
        assert_eq!(s.iter().map(|s| s.kind).collect::<Vec<_>>(), vec![DocumentKind::Minutes, DocumentKind::Minutes]);
        assert_eq!(l[s[1].start].text, "Referat fra møte i NUFA");
        assert_eq!(l[s[1].start - 1].text, "NUIT tar saken til orientering.");
    }

    #[test]
    fn evidence_decides_not_one_gate() {
        use DocumentKind::*;
        let e = |title: &[DocumentKind]| Evidence { title_kinds: title.to_vec(), ..Evidence::default() };
        // A title word alone, with no meeting structure, is not enough.
        assert_eq!(kind_of(&e(&[Minutes])), Other);
        // No title word, but attendance, decisions and saker agree.
        assert_eq!(kind_of(&Evidence { attendance: 1, decision_sentences: 3, items: 4, ..e(&[]) }), Minutes);
        // An agenda title with proposals.
        assert_eq!(kind_of(&Evidence { proposal_labels: 2, items: 3, ..e(&[Agenda]) }), Agenda);
        // A report's title outweighs a stray list.
        assert_eq!(kind_of(&Evidence { items: 6, ..e(&[Other]) }), Other);
        // A list of members and some approvals make no minutes without a
        // meeting title or saker.
        assert_eq!(kind_of(&Evidence { attendance: 1, participants: 3, decision_sentences: 4, ..e(&[Other]) }), Other);
        // A case paper: its number on top and an innstilling.
        assert_eq!(kind_of(&Evidence { case_paper: 2, ..e(&[CaseMemo]) }), CaseMemo);
    }

    #[test]
    fn a_slide_deck_with_an_agenda_slide_stays_other() {
        let text = "FHIR fagforum\nÅpent fagforum for HL7 FHIR i Norge\nAgenda\n1. Velkommen\n2. Nytt fra HL7 Norge\n3. Erfaringer\n";
        assert_eq!(kinds(text), vec![DocumentKind::Other]);
    }
}
