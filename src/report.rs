//! The validation report: `OUT/report.md` for people, `OUT/report.json` for
//! machines, built from the records and the merged meetings only (so a
//! rerun that reuses every record gives the same report, byte for byte).
//!
//! # Findings
//!
//! | code | level | what |
//! |---|---|---|
//! | `file_failed` | error | the file could not be read at all |
//! | `file_partial`, `file_no_text` | warning | some pages failed / no text layer |
//! | `poor_text` | warning | pages whose text no engine reads well (the text-quality check flagged them) |
//! | `date_outside_meeting_year` | error | the meeting date's year is not the year in the meeting label (6/2021 held 2022-…) |
//! | `date_outside_sak_year` | error | no sak of the document has the year of the meeting date |
//! | `sak_year_differs` | warning | an item's sak year, or a sak named in a participant note ("deltok t.o.m. sak 27/12" in a 2021 meeting), differs from the meeting's year |
//! | `minutes_item_without_decision` | warning (info for Eventuelt) | a sak in minutes with no Vedtak |
//! | `participant_without_organisation` | warning | a listed person with no organisation |
//! | `agenda_item_missing_from_minutes` | warning | a sak on the agenda that the minutes of the same meeting do not list |
//! | `minutes_item_not_on_agenda` | info | the other way round |
//! | `disagreement` | warning (info for proposed_decision, whose wording often differs between agenda and memo) | sources disagree on a field (see disagreements.csv) |
//! | `not_merged` | warning | a document with a meeting whose body or number is unknown: not in meetings.csv / items.csv |
//!
//! Not detected: header labels that match no rule ("unknown labels").
//! The records do not keep the header text, and reused records are never
//! re-read, so this needs the field parser to record such lines first.
//!
//! `--strict` makes a run with any finding of level error exit 1.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::read::lexicon::sak::find_saks;
use crate::merge::{MeetingKey, Merged, SourceRef};
use crate::model::{DocumentKind, FileRecord, Status};

pub const REPORT_MD: &str = "report.md";
pub const REPORT_JSON: &str = "report.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Error,
    Warning,
    Info,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    pub level: Level,
    pub code: &'static str,
    /// `NUIT 2/2022` when the finding is about a merged meeting.
    pub meeting: Option<String>,
    pub file: Option<String>,
    /// 1-based document in the file.
    pub doc: Option<usize>,
    pub page: Option<u32>,
    pub sak: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocEntry {
    pub doc: usize,
    pub kind: &'static str,
    pub page_start: u32,
    pub page_end: u32,
    pub body: Option<String>,
    pub meeting: Option<String>,
    pub memo_sak: Option<String>,
    pub items: usize,
    pub participants: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileEntry {
    pub file: String,
    pub status: &'static str,
    pub pages: u32,
    pub error: Option<String>,
    pub documents: Vec<DocEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeetingEntry {
    pub meeting: String,
    pub date: Option<String>,
    pub title: Option<String>,
    pub sources: Vec<String>,
    pub items: usize,
    pub outcomes: BTreeMap<&'static str, usize>,
    pub findings: BTreeMap<&'static str, usize>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub files: usize,
    pub statuses: BTreeMap<&'static str, usize>,
    pub meetings: usize,
    pub items: usize,
    pub outcomes: BTreeMap<&'static str, usize>,
    pub findings: BTreeMap<&'static str, usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub motebok_version: &'static str,
    pub totals: Totals,
    pub files: Vec<FileEntry>,
    pub meetings: Vec<MeetingEntry>,
    /// Sorted: level, meeting, file, doc, page, sak, code.
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.level == Level::Error).count()
    }
}

fn year_of(date: &str) -> Option<i32> {
    date.get(0..4)?.parse().ok()
}

fn is_eventuelt(title: Option<&str>) -> bool {
    title.is_some_and(|t| t.trim().to_lowercase().starts_with("eventuelt"))
}

struct Ctx<'a> {
    findings: Vec<Finding>,
    merged: &'a Merged,
}

impl Ctx<'_> {
    #[allow(clippy::too_many_arguments)]
    fn add(&mut self, level: Level, code: &'static str, meeting: Option<&MeetingKey>, src: Option<&SourceRef>, page: Option<u32>, sak: Option<&str>, message: String) {
        // Only merged meetings are named (unmerged ones have no key).
        let meeting = meeting.filter(|k| self.merged.meeting(k).is_some()).map(MeetingKey::render);
        self.findings.push(Finding {
            level,
            code,
            meeting,
            file: src.map(|s| s.file.clone()),
            doc: src.map(|s| s.doc),
            page,
            sak: sak.map(str::to_string),
            message,
        });
    }
}

/// Build the report of a batch (records in output order, as in `Batch`).
pub fn build(records: &[&FileRecord], merged: &Merged) -> Report {
    let mut cx = Ctx { findings: Vec::new(), merged };
    let mut files = Vec::new();
    let mut totals = Totals { files: records.len(), ..Totals::default() };
    for rec in records {
        *totals.statuses.entry(rec.status.as_str()).or_default() += 1;
        let error = rec.error_line();
        let file_src = SourceRef { file: rec.source.file.clone(), doc: 0, kind: DocumentKind::Other };
        let file_finding = |cx: &mut Ctx, level, code, what: &str| {
            cx.findings.push(Finding {
                level,
                code,
                meeting: None,
                file: Some(file_src.file.clone()),
                doc: None,
                page: None,
                sak: None,
                message: format!("{what}: {error}"),
            })
        };
        match rec.status {
            Status::Failed => file_finding(&mut cx, Level::Error, "file_failed", "file could not be read"),
            Status::Partial => file_finding(&mut cx, Level::Warning, "file_partial", "some pages could not be read"),
            Status::NoText => file_finding(&mut cx, Level::Warning, "file_no_text", "no text layer"),
            Status::Ok => {}
        }
        let poor: Vec<u32> = rec.pages.iter().filter(|p| p.quality == crate::model::Quality::Poor).map(|p| p.page).collect();
        if let Some(&first) = poor.first() {
            let engines: std::collections::BTreeSet<&str> =
                rec.pages.iter().filter(|p| p.quality == crate::model::Quality::Poor).map(|p| p.engine.as_str()).collect();
            cx.findings.push(Finding {
                level: Level::Warning,
                code: "poor_text",
                meeting: None,
                file: Some(file_src.file.clone()),
                doc: None,
                page: Some(first),
                sak: None,
                message: format!(
                    "text does not read well on pages {} (best text kept, from {}); values read from them may be wrong",
                    crate::util::page_list(&poor),
                    engines.into_iter().collect::<Vec<_>>().join(", ")
                ),
            });
        }
        let mut docs = Vec::new();
        for (i, d) in rec.documents.iter().enumerate() {
            let src = SourceRef { file: rec.source.file.clone(), doc: i + 1, kind: d.kind };
            let key = crate::merge::meeting_key(d);
            let m = d.meeting.as_ref();
            docs.push(DocEntry {
                doc: i + 1,
                kind: d.kind.as_str(),
                page_start: d.page_start,
                page_end: d.page_end,
                body: d.body.clone(),
                meeting: m.and_then(|m| m.label.clone()),
                memo_sak: d.memo.as_ref().and_then(|m| m.sak.clone()),
                items: d.items.len(),
                participants: d.participants.len(),
            });
            let meeting_year = m.and_then(|m| m.year);
            for label in &d.unknown_labels {
                cx.add(Level::Warning, "unknown_label", key.as_ref(), Some(&src), Some(d.page_start), None,
                    format!("header label {label:?} matches no rule: add it to rules/labels.toml if it names a field"));
            }
            // Dates.
            if let Some(date) = m.and_then(|m| m.date.as_deref()) {
                let dy = year_of(date);
                if let (Some(dy), Some(my)) = (dy, meeting_year) {
                    if dy != my {
                        cx.add(Level::Error, "date_outside_meeting_year", key.as_ref(), Some(&src), Some(d.page_start), None,
                            format!("meeting {} is dated {date}, outside {my}", m.and_then(|m| m.label.as_deref()).unwrap_or("?")));
                    }
                }
                if let Some(dy) = dy {
                    if !d.items.is_empty() && d.items.iter().all(|it| it.year != Some(dy)) {
                        let years: Vec<String> = {
                            let mut y: Vec<i32> = d.items.iter().filter_map(|it| it.year).collect();
                            y.sort();
                            y.dedup();
                            y.iter().map(|y| y.to_string()).collect()
                        };
                        cx.add(Level::Error, "date_outside_sak_year", key.as_ref(), Some(&src), Some(d.page_start), None,
                            format!("meeting date {date} is outside the year of its saker ({})", years.join(", ")));
                    }
                }
            }
            // Items.
            for it in &d.items {
                if let Some(my) = meeting_year {
                    if let Some(year) = it.year.filter(|y| *y != my) {
                        cx.add(Level::Warning, "sak_year_differs", key.as_ref(), Some(&src), Some(it.page), Some(&it.sak),
                            format!("sak {} ({year}) is listed in a {my} meeting", it.sak));
                    }
                }
                if d.kind == DocumentKind::Minutes && it.decision.as_deref().is_none_or(|t| t.trim().is_empty()) {
                    let level = if is_eventuelt(it.title.as_deref()) { Level::Info } else { Level::Warning };
                    cx.add(level, "minutes_item_without_decision", key.as_ref(), Some(&src), Some(it.page), Some(&it.sak),
                        format!("sak {} ({}) has no Vedtak in the minutes", it.sak, it.title.as_deref().unwrap_or("no title")));
                }
            }
            // Participants.
            for p in &d.participants {
                if p.organisation.as_deref().is_none_or(|o| o.trim().is_empty()) {
                    cx.add(Level::Warning, "participant_without_organisation", key.as_ref(), Some(&src), Some(p.page), None,
                        format!("{} ({}) has no organisation", p.name, p.role.as_str()));
                }
                if let (Some(note), Some(my)) = (p.note.as_deref(), meeting_year) {
                    for (sak, _) in find_saks(note) {
                        if sak.year != my {
                            cx.add(Level::Warning, "sak_year_differs", key.as_ref(), Some(&src), Some(p.page), Some(&sak.printed),
                                format!("note {note:?} of {} names sak {} ({}) in a {my} meeting", p.name, sak.printed, sak.year));
                        }
                    }
                }
            }
        }
        files.push(FileEntry {
            file: rec.source.file.clone(),
            status: rec.status.as_str(),
            pages: rec.source.pages,
            error: (!error.is_empty()).then_some(error),
            documents: docs,
        });
    }
    // Merged meetings: agenda against minutes.
    let by_file: BTreeMap<&str, &FileRecord> = records.iter().map(|r| (r.source.file.as_str(), *r)).collect();
    for m in &merged.meetings {
        let saks_of = |kind: DocumentKind| -> BTreeMap<(i32, u32), (String, SourceRef, u32)> {
            let mut out = BTreeMap::new();
            for s in m.sources.iter().filter(|s| s.kind == kind) {
                if let Some(d) = by_file.get(s.file.as_str()).and_then(|r| r.documents.get(s.doc - 1)) {
                    for it in d.items.iter().filter_map(|it| Some((it.year?, it.number?, it))) {
                        let (year, number, it) = it;
                        out.entry((year, number)).or_insert((it.sak.clone(), s.clone(), it.page));
                    }
                }
            }
            out
        };
        if m.has(DocumentKind::Agenda) && m.has(DocumentKind::Minutes) {
            let (agenda, minutes) = (saks_of(DocumentKind::Agenda), saks_of(DocumentKind::Minutes));
            for (k, (sak, src, page)) in &agenda {
                if !minutes.contains_key(k) {
                    cx.add(Level::Warning, "agenda_item_missing_from_minutes", Some(&m.key), Some(src), Some(*page), Some(sak),
                        format!("sak {sak} is on the agenda but not in the minutes"));
                }
            }
            for (k, (sak, src, page)) in &minutes {
                if !agenda.contains_key(k) {
                    cx.add(Level::Info, "minutes_item_not_on_agenda", Some(&m.key), Some(src), Some(*page), Some(sak),
                        format!("sak {sak} is in the minutes but not on the agenda"));
                }
            }
        }
    }
    for d in &merged.disagreements {
        let level = if d.field == "proposed_decision" { Level::Info } else { Level::Warning };
        let what = match &d.item {
            Some((_, sak)) => format!("sak {sak}: "),
            None => String::new(),
        };
        let first = &d.values[0].0;
        let values: Vec<String> = d
            .values
            .iter()
            .enumerate()
            .map(|(i, (v, srcs))| {
                let other = if i == 0 { d.values.get(1).map(|x| x.0.as_str()).unwrap_or("") } else { first.as_str() };
                format!("{:?} ({})", around_difference(v, other), srcs.iter().map(SourceRef::render).collect::<Vec<_>>().join(", "))
            })
            .collect();
        cx.add(level, "disagreement", Some(&d.meeting), None, None, d.item.as_ref().map(|i| i.1.as_str()),
            format!("{what}sources disagree on {}: {} (first one used)", d.field, values.join(" vs ")));
    }
    for u in &merged.unplaced {
        cx.add(Level::Warning, "not_merged", None, Some(&u.source), None, None,
            format!("{} not merged into meetings.csv: {}", u.source.kind.as_str(), u.reason));
    }
    let mut findings = cx.findings;
    findings.sort();
    findings.dedup();
    for f in &findings {
        *totals.findings.entry(f.level.as_str()).or_default() += 1;
    }
    totals.meetings = merged.meetings.len();
    totals.items = merged.items.len();
    for it in &merged.items {
        *totals.outcomes.entry(it.outcome.as_str()).or_default() += 1;
    }
    let meetings = merged
        .meetings
        .iter()
        .map(|m| {
            let name = m.key.render();
            let mut outcomes = BTreeMap::new();
            for it in merged.items.iter().filter(|i| i.meeting == m.key) {
                *outcomes.entry(it.outcome.as_str()).or_default() += 1;
            }
            let mut counts = BTreeMap::new();
            for f in findings.iter().filter(|f| f.meeting.as_deref() == Some(&name)) {
                *counts.entry(f.level.as_str()).or_default() += 1;
            }
            MeetingEntry {
                meeting: name,
                date: m.date.clone(),
                title: m.title.clone(),
                sources: m.sources.iter().map(SourceRef::render).collect(),
                items: m.items,
                outcomes,
                findings: counts,
            }
        })
        .collect();
    Report { motebok_version: env!("CARGO_PKG_VERSION"), totals, files, meetings, findings }
}

/// At most 120 characters of `v`, on one line.
fn short(v: &str) -> String {
    let one = crate::util::normalise_ws(v);
    if one.chars().count() <= 120 {
        one
    } else {
        format!("{}…", one.chars().take(119).collect::<String>())
    }
}

/// `v` on one line; when long, the part of it around where it first
/// differs from `other`.
fn around_difference(v: &str, other: &str) -> String {
    let a: Vec<char> = crate::util::normalise_ws(v).chars().collect();
    if a.len() <= 120 {
        return a.into_iter().collect();
    }
    let b: Vec<char> = crate::util::normalise_ws(other).chars().collect();
    let at = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let start = at.saturating_sub(50);
    let end = (start + 110).min(a.len());
    let mut s = String::new();
    if start > 0 {
        s.push('…');
    }
    s.extend(&a[start..end]);
    if end < a.len() {
        s.push('…');
    }
    s
}

/// Escape `|` and line breaks for a Markdown table cell.
fn cell(s: &str) -> String {
    crate::util::normalise_ws(s).replace('|', "\\|")
}

fn counts(m: &BTreeMap<&'static str, usize>) -> String {
    if m.is_empty() {
        return "none".into();
    }
    m.iter().map(|(k, v)| format!("{v} {k}")).collect::<Vec<_>>().join(", ")
}

impl Report {
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("report serialises");
        v.push(b'\n');
        v
    }

    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let t = &self.totals;
        let _ = writeln!(s, "# motebok report\n");
        let _ = writeln!(
            s,
            "motebok {} · {} files ({}) · {} meetings · {} saker ({}) · findings: {}\n",
            self.motebok_version,
            t.files,
            counts(&t.statuses),
            t.meetings,
            t.items,
            counts(&t.outcomes),
            counts(&t.findings)
        );
        let _ = writeln!(s, "Levels: **error** — the data contradicts itself (fails `--strict`); **warning** — probably wrong or missing, check the source; **info** — worth knowing.\n");
        let line = |s: &mut String, f: &Finding| {
            let mut place = Vec::new();
            if let Some(file) = &f.file {
                place.push(match f.doc {
                    Some(d) => format!("{file}#{d}"),
                    None => file.clone(),
                });
            }
            if let Some(p) = f.page {
                place.push(format!("p. {p}"));
            }
            let place = if place.is_empty() { String::new() } else { format!(" ({})", place.join(", ")) };
            let _ = writeln!(s, "- **{}** `{}`: {}{place}", f.level.as_str(), f.code, f.message);
        };
        let errors: Vec<&Finding> = self.findings.iter().filter(|f| f.level == Level::Error).collect();
        if !errors.is_empty() {
            let _ = writeln!(s, "## Errors\n");
            for f in errors {
                line(&mut s, f);
            }
            s.push('\n');
        }
        let _ = writeln!(s, "## Meetings\n");
        if self.meetings.is_empty() {
            let _ = writeln!(s, "No meeting could be identified (body + number/year).\n");
        }
        for m in &self.meetings {
            let _ = writeln!(s, "### {}{}\n", m.meeting, m.date.as_deref().map(|d| format!(" — {d}")).unwrap_or_default());
            if let Some(title) = &m.title {
                let _ = writeln!(s, "{}\n", cell(title));
            }
            let _ = writeln!(s, "- Sources: {}", m.sources.join("; "));
            let _ = writeln!(s, "- Saker: {} ({})", m.items, counts(&m.outcomes));
            let fs: Vec<&Finding> = self.findings.iter().filter(|f| f.meeting.as_deref() == Some(m.meeting.as_str())).collect();
            if fs.is_empty() {
                let _ = writeln!(s, "- Nothing looks wrong.");
            }
            for f in fs {
                line(&mut s, f);
            }
            s.push('\n');
        }
        let other: Vec<&Finding> = self.findings.iter().filter(|f| f.meeting.is_none() && f.level != Level::Error).collect();
        if !other.is_empty() {
            let _ = writeln!(s, "## Other findings\n");
            for f in other {
                line(&mut s, f);
            }
            s.push('\n');
        }
        let _ = writeln!(s, "## Files\n");
        let _ = writeln!(s, "| file | status | pages | documents |");
        let _ = writeln!(s, "|---|---|---|---|");
        for f in &self.files {
            let docs: Vec<String> = f
                .documents
                .iter()
                .map(|d| {
                    let mut w = format!("{}. {} p. {}–{}", d.doc, d.kind, d.page_start, d.page_end);
                    if let Some(b) = &d.body {
                        w.push_str(&format!(", {b}"));
                    }
                    if let Some(m) = &d.meeting {
                        w.push_str(&format!(" {m}"));
                    }
                    if let Some(sak) = &d.memo_sak {
                        w.push_str(&format!(", sak {sak}"));
                    }
                    w
                })
                .collect();
            let status = match &f.error {
                Some(e) => format!("{}: {}", f.status, short(e)),
                None => f.status.to_string(),
            };
            let docs = if docs.is_empty() { "—".to_string() } else { docs.join("<br>") };
            let _ = writeln!(s, "| {} | {} | {} | {} |", cell(&f.file), cell(&status), f.pages, cell(&docs));
        }
        s
    }
}
