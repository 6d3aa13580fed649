//! Stage 4: the fields of each logical document.
//!
//! One module per part of a document: [`header`] (Møte / Dato / Tid / Sted),
//! [`participants`], [`agenda`] (saker, proposals, decisions), [`memo`],
//! [`references`]; [`sak`] reads sak numbers for all of them.

pub mod agenda;
pub mod header;
pub mod memo;
pub mod participants;
pub mod references;
pub mod sak;

use crate::model::{Document, DocumentKind, Engine, Participant};
use crate::pdf::PageText;
use crate::rules::Rules;
use crate::segment::{continues_previous, meeting_title, segment, Segment};
use crate::text::{clean_pages, join_lines, Line};

/// Pages of one file → its logical documents with every field filled.
pub fn parse_documents(pages: &[PageText], rules: &Rules) -> Vec<Document> {
    use crate::timing::{time, Stage};
    let lines = time(Stage::Clean, || clean_pages(pages, rules));
    let segments = time(Stage::Segment, || segment(&lines, rules));
    time(Stage::Fields, || fields_of(pages, &lines, &segments, rules))
}

/// The documents of `segments`, every field filled.
fn fields_of(pages: &[PageText], lines: &[Line], segments: &[Segment], rules: &Rules) -> Vec<Document> {
    let file_body = segments.iter().find_map(|s| {
        matches!(s.kind, DocumentKind::Agenda | DocumentKind::Minutes).then(|| meeting_title(lines, s.start, rules).and_then(|t| t.body)).flatten()
    });
    let file_year = segments
        .iter()
        .find(|s| s.kind == DocumentKind::Agenda)
        .or(segments.iter().find(|s| s.kind == DocumentKind::Minutes))
        .and_then(|s| meeting_year(&lines[s.start..s.end], rules));
    let mut docs: Vec<Document> = segments
        .iter()
        .map(|s| parse_segment(lines, s, file_body.as_deref(), file_year, rules))
        .collect();
    complete_memo_titles(&mut docs, segments, lines);
    mark_ocr(&mut docs, pages);
    docs
}

/// A memo title wrapped over lines that begin with capitals ("Anskaffelse
/// DHO løsning for" / "Nordlandssykehuset HF …") is cut at the last of
/// them. When the agenda in the same file lists the sak, the lines above the
/// memo that complete the agenda's title belong to the memo's title.
fn complete_memo_titles(docs: &mut [Document], segments: &[Segment], lines: &[Line]) {
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    let agenda_titles: Vec<(String, String)> = docs
        .iter()
        .filter(|d| d.kind == DocumentKind::Agenda)
        .flat_map(|d| d.items.iter())
        .filter_map(|i| i.title.clone().map(|t| (i.sak.clone(), t)))
        .collect();
    for (doc, seg) in docs.iter_mut().zip(segments) {
        let Some(memo) = doc.memo.as_mut() else { continue };
        let (Some(sak), Some(title)) = (memo.sak.clone(), memo.title.clone()) else { continue };
        let Some((_, full)) = agenda_titles.iter().find(|(s, _)| *s == sak) else { continue };
        if squash(full) == squash(&title) || !squash(full).ends_with(&squash(&title)) {
            continue;
        }
        for k in 1..=3usize.min(seg.start) {
            let mut parts: Vec<&str> = lines[seg.start - k..seg.start].iter().map(|l| l.text.as_str()).collect();
            parts.push(&title);
            if squash(&join_lines(&parts)) == squash(full) {
                memo.title = Some(join_lines(&parts));
                doc.title = memo.title.clone();
                break;
            }
        }
    }
}

fn meeting_year(lines: &[Line], rules: &Rules) -> Option<i32> {
    lines.iter().take(8).find_map(|l| {
        crate::rules::labels::strip_label(&l.text, &rules.labels.header.meeting).and_then(sak::find_sak).map(|(s, _)| s.year)
    })
}

fn parse_segment(lines: &[Line], s: &Segment, file_body: Option<&str>, file_year: Option<i32>, rules: &Rules) -> Document {
    let doc_lines = &lines[s.start..s.end];
    let page_start = doc_lines.first().map_or(0, |l| l.page);
    let page_end = doc_lines.last().map_or(page_start, |l| l.page);
    let mut doc = Document::new(s.kind, page_start, page_end);
    match s.kind {
        DocumentKind::Agenda | DocumentKind::Minutes => parse_meeting_doc(doc_lines, s.kind, &mut doc, rules),
        DocumentKind::CaseMemo => {
            let box_at = s.memo_box.unwrap_or(s.start) - s.start;
            let memo = memo::parse_memo(doc_lines, s.title_end - s.start, box_at, file_year, rules);
            doc.title = memo.title.clone();
            doc.body = file_body.map(str::to_string);
            doc.references = references::parse_references(doc_lines, file_body, rules);
            doc.memo = Some(memo);
        }
        DocumentKind::Other => doc.title = other_title(doc_lines),
    }
    doc
}

/// The title of a document of unknown kind: its first line, with the lines
/// that continue it. A letter's title follows its letterhead: the first
/// line that is followed by running text.
fn other_title(lines: &[Line]) -> Option<String> {
    lines.first()?;
    let start = if looks_like_letterhead(lines) {
        (0..lines.len().saturating_sub(1)).find(|&i| is_heading_before_prose(&lines[i].text, &lines[i + 1].text)).unwrap_or(0)
    } else {
        0
    };
    let mut parts = vec![lines[start].text.as_str()];
    let mut i = start + 1;
    while i < lines.len() && parts.len() < 3 && continues_previous(&lines[i].text, parts[parts.len() - 1]) {
        parts.push(&lines[i].text);
        i += 1;
    }
    Some(join_lines(&parts))
}

fn looks_like_letterhead(lines: &[Line]) -> bool {
    lines.iter().take(3).any(|l| l.text.split_whitespace().count() <= 2)
        && lines.iter().take(12).filter(|l| l.text.len() < 30).count() >= 6
}

fn is_heading_before_prose(line: &str, next: &str) -> bool {
    let words = line.split_whitespace().count();
    (2..=14).contains(&words)
        && !line.ends_with('.')
        && line.chars().next().is_some_and(char::is_uppercase)
        && next.split_whitespace().count() >= 8
}

fn parse_meeting_doc(lines: &[Line], kind: DocumentKind, doc: &mut Document, rules: &Rules) {
    let Some(t) = meeting_title(lines, 0, rules) else { return };
    doc.title = Some(t.title.clone());
    doc.body = t.body.clone();
    let after_title = &lines[t.lines..];
    let stop = |i: usize| {
        participants::section_heading(after_title, i, rules).is_some()
            || agenda::table_heading(after_title, i, rules).is_some()
            || agenda::line_sak(&after_title[i].text, rules).is_some()
    };
    let header = header::parse_header(after_title, t.extraordinary, rules, stop);
    let year = header.meeting.year;
    doc.meeting = Some(header.meeting);
    doc.unknown_labels = header.unknown_labels;
    let rest = &after_title[header.used..];
    let (participants, used_p) = parse_participants(rest, kind == DocumentKind::Minutes, rules);
    doc.participants = participants;
    doc.items = agenda::parse_items(&rest[used_p..], year, rules);
}

/// The participant sections from the start of `lines` up to the agenda.
/// Returns the participants and the number of lines read.
fn parse_participants(lines: &[Line], in_minutes: bool, rules: &Rules) -> (Vec<Participant>, usize) {
    let mut out = Vec::new();
    let mut current: Option<(participants::Section, Vec<(String, u32)>)> = None;
    let mut i = 0;
    while i < lines.len() {
        if agenda::table_heading(lines, i, rules).is_some() || agenda::line_sak(&lines[i].text, rules).is_some() {
            break;
        }
        if let Some((section, rest, used)) = participants::section_heading(lines, i, rules) {
            if let Some((s, entries)) = current.take() {
                out.extend(participants::read_section(&s, &entries, in_minutes, rules));
            }
            let mut entries = Vec::new();
            if !rest.is_empty() {
                entries.push((rest, lines[i].page));
            }
            current = Some((section, entries));
            i += used;
            continue;
        }
        match current.as_mut() {
            Some((_, entries)) => entries.push((lines[i].text.clone(), lines[i].page)),
            None if i > 3 => break,
            None => {}
        }
        i += 1;
    }
    if let Some((s, entries)) = current.take() {
        out.extend(participants::read_section(&s, &entries, in_minutes, rules));
    }
    (out, i)
}

/// Flag documents read (in part) by OCR with the lowest page confidence.
fn mark_ocr(docs: &mut [Document], pages: &[PageText]) {
    for d in docs {
        let conf = pages
            .iter()
            .filter(|p| p.number >= d.page_start && p.number <= d.page_end && p.engine == Engine::Ocr)
            .filter_map(|p| p.ocr_confidence)
            .fold(None::<f32>, |m, c| Some(m.map_or(c, |m| m.min(c))));
        let any_ocr = pages.iter().any(|p| p.number >= d.page_start && p.number <= d.page_end && p.engine == Engine::Ocr);
        d.ocr = any_ocr;
        d.ocr_confidence = conf;
    }
}
