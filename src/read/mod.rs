//! Reading a file's pages as the genre is written: the only place that
//! orders the reading stages.
//!
//! 1. [`lines`]: pages of text → clean lines that keep what the layout
//!    says (blank lines, bullets, indentation, wide gaps between cells);
//! 2. [`documents`]: lines → logical documents, each with its kind decided
//!    from signs that agree; [`blocks`] finds what no field reads (a table
//!    of contents);
//! 3. [`fields`]: each document's header, participants, items with their
//!    proposals and decisions, memo box, references.
//!
//! [`lexicon`] holds the one-line recognisers the stages share; what they
//! recognise (words, labels, names) comes from the rules.

pub mod blocks;
pub mod documents;
pub mod fields;
pub mod lexicon;
pub mod lines;

use crate::model::{Document, DocumentKind, Engine};
use crate::pdf::PageText;
use crate::rules::Rules;

use documents::{Origin, Segment};
use lines::{join_lines, Line};

/// What every reading stage is given: the rules in force.
#[derive(Debug, Clone, Copy)]
pub struct Cx<'a> {
    pub rules: &'a Rules,
}

impl<'a> Cx<'a> {
    pub fn new(rules: &'a Rules) -> Cx<'a> {
        Cx { rules }
    }
}

/// What the file's meeting documents say that its memos lack: the body
/// and the year of the meeting the file is about.
#[derive(Debug, Clone, Default)]
struct FileFacts {
    body: Option<String>,
    year: Option<i32>,
}

/// Pages of one file → its logical documents with every field filled.
pub fn read_file(pages: &[PageText], rules: &Rules) -> Vec<Document> {
    use crate::timing::{time, Stage};
    let lines = time(Stage::Clean, || documents::split_glued_titles(lines::clean_pages(pages, rules), rules));
    let segments = time(Stage::Segment, || documents::segment(&lines, rules));
    let mut docs = time(Stage::Fields, || read_documents(&lines, &segments, &Cx::new(rules)));
    mark_ocr(&mut docs, pages);
    docs
}

/// The documents of `segments`: meetings first (their body and year are
/// the file's facts), then memos and the rest.
fn read_documents(lines: &[Line], segments: &[Segment], cx: &Cx) -> Vec<Document> {
    let mut docs: Vec<Option<Document>> = vec![None; segments.len()];
    for (k, s) in segments.iter().enumerate() {
        if matches!(s.kind, DocumentKind::Agenda | DocumentKind::Minutes) {
            docs[k] = Some(read_meeting(lines, s, cx));
        }
    }
    let meeting_docs = || docs.iter().flatten();
    let facts = FileFacts {
        body: meeting_docs().find_map(|d| d.body.clone()),
        year: meeting_docs()
            .find(|d| d.kind == DocumentKind::Agenda)
            .or_else(|| meeting_docs().find(|d| d.kind == DocumentKind::Minutes))
            .and_then(|d| d.meeting.as_ref().and_then(|m| m.year)),
    };
    for (k, s) in segments.iter().enumerate() {
        if docs[k].is_none() {
            docs[k] = Some(match s.kind {
                DocumentKind::CaseMemo => read_memo(lines, s, &facts, cx),
                _ => read_other(lines, s),
            });
        }
    }
    let mut docs: Vec<Document> = docs.into_iter().flatten().collect();
    complete_memo_titles(&mut docs, segments, lines);
    docs
}

fn new_document(lines: &[Line], s: &Segment) -> Document {
    let doc_lines = &lines[s.start..s.end];
    let page_start = doc_lines.first().map_or(0, |l| l.page);
    let page_end = doc_lines.last().map_or(page_start, |l| l.page);
    Document::new(s.kind, page_start, page_end)
}

/// An agenda or minutes.
fn read_meeting(lines: &[Line], s: &Segment, cx: &Cx) -> Document {
    let mut doc = new_document(lines, s);
    let doc_lines = &lines[s.start..s.end];
    let t = (s.title_end - s.start).min(doc_lines.len());
    let (title, rest) = doc_lines.split_at(t);
    let title_texts: Vec<&str> = title.iter().map(|l| l.text.as_str()).collect();
    doc.title = Some(join_lines(&title_texts)).filter(|t| !t.is_empty());
    let header = fields::header::read_header(title, rest, cx);
    doc.body = lexicon::titles::known_body(&join_lines(&title_texts), cx.rules)
        .or(header.body)
        .or_else(|| lexicon::titles::printed_body(&title_texts, cx.rules));
    // A table of contents is read by no field.
    let contents = blocks::table_of_contents(&rest[header.used..], cx.rules);
    let after_header: Vec<Line> = rest[header.used..].iter().zip(&contents).filter(|(_, c)| !**c).map(|(l, _)| l.clone()).collect();
    let after_header = after_header.as_slice();
    let minutes = s.kind == DocumentKind::Minutes;
    // Saker are numbered in the meeting's year: the printed meeting
    // number's, or the date's.
    let year = header.meeting.year.or_else(|| header.meeting.date.as_deref().and_then(|d| d.get(..4)?.parse().ok()));
    let items = fields::items::read_items(after_header, s.kind, year, cx);
    doc.participants = fields::participants::read_participants(title, after_header, items.first_body, minutes, cx);
    doc.items = items.items;
    doc.meeting = Some(header.meeting);
    doc.unknown_labels = header.unknown_labels;
    doc
}

/// A case memo: its header box, or a case paper's header without one.
fn read_memo(lines: &[Line], s: &Segment, facts: &FileFacts, cx: &Cx) -> Document {
    let mut doc = new_document(lines, s);
    let doc_lines = &lines[s.start..s.end];
    let memo = match s.memo_box {
        Some(b) if s.origin == Origin::MemoBox => fields::memo::parse_memo(doc_lines, s.title_end - s.start, b - s.start, facts.year, cx.rules),
        _ => fields::memo::read_case_paper(doc_lines, s.title_end - s.start, cx),
    };
    doc.title = memo.title.clone();
    doc.body = facts.body.clone();
    doc.references = fields::references::parse_references(doc_lines, facts.body.as_deref(), cx.rules);
    doc.memo = Some(memo);
    doc
}

/// A document of no meeting kind: a letter, a report, slides.
fn read_other(lines: &[Line], s: &Segment) -> Document {
    let mut doc = new_document(lines, s);
    doc.title = other_title(&lines[s.start..s.end]);
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
    while i < lines.len() && parts.len() < 3 && lines::continues_previous(&lines[i].text, parts[parts.len() - 1]) {
        parts.push(&lines[i].text);
        i += 1;
    }
    Some(join_lines(&parts))
}

fn looks_like_letterhead(lines: &[Line]) -> bool {
    lines.iter().take(3).any(|l| l.text.split_whitespace().count() <= 2) && lines.iter().take(12).filter(|l| l.text.len() < 30).count() >= 6
}

fn is_heading_before_prose(line: &str, next: &str) -> bool {
    let words = line.split_whitespace().count();
    (2..=14).contains(&words) && !line.ends_with('.') && line.chars().next().is_some_and(char::is_uppercase) && next.split_whitespace().count() >= 8
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

/// Flag documents read (in part) by OCR with the lowest page confidence.
fn mark_ocr(docs: &mut [Document], pages: &[PageText]) {
    for d in docs {
        let in_doc = |p: &&PageText| p.number >= d.page_start && p.number <= d.page_end && p.engine == Engine::Ocr;
        d.ocr = pages.iter().any(|p| in_doc(&p));
        d.ocr_confidence = pages.iter().filter(in_doc).filter_map(|p| p.ocr_confidence).fold(None::<f32>, |m, c| Some(m.map_or(c, |m| m.min(c))));
    }
}
