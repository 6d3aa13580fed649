//! The validation report: `OUT/report.md` for people, `OUT/report.json` for
//! machines.
//!
//! Findings are computed as the data flows: [`Findings::add_record`] looks
//! at each file's record as it arrives, and the merge hands over what it
//! finds group by group ([`crate::merge::Sink`]). They are kept in the
//! run's store, and the report is written from there by streaming queries,
//! so its size does not bound the batch.
//!
//! # One line per finding, with every file it concerns
//!
//! Findings that say the same thing (same level, code, meeting, sak and
//! message) are one finding, with the list of places (file, document, page)
//! where they were seen: the same PDF published twice gives one line with
//! two files, not two lines. `report.md` names the first ten places and
//! counts the rest; `report.json` lists all.
//!
//! # Findings
//!
//! | code | level | what |
//! |---|---|---|
//! | `file_failed` | error | the file could not be read at all |
//! | `file_partial`, `file_no_text` | warning | some pages failed / no text layer |
//! | `file_warning` | warning | the file was read, with a problem recorded in its JSON `errors[]` (a damaged cross-reference table rebuilt, a page the second engine could not read, …) |
//! | `poor_text` | warning | pages whose text no engine reads well (the text-quality check flagged them) |
//! | `date_outside_meeting_year` | error | the meeting date's year is not the year in the meeting label (6/2021 held 2022-…) |
//! | `date_outside_sak_year` | error | no sak of the document has the year of the meeting date |
//! | `sak_year_differs` | warning | an item's sak year, or a sak named in a participant note ("deltok t.o.m. sak 27/12" in a 2021 meeting), differs from the meeting's year |
//! | `minutes_item_without_decision` | warning (info for Eventuelt, and where the minutes decide fewer than half their saker) | a sak in minutes with no Vedtak |
//! | `participant_without_organisation` | warning where most people of the document have an organisation; else one info line for the document | a listed person with no organisation |
//! | `unknown_label` | warning | a header label no rule knows |
//! | `agenda_item_missing_from_minutes` | warning | a sak on the agenda that the minutes of the same meeting do not list |
//! | `minutes_item_not_on_agenda` | info | the other way round |
//! | `disagreement` | warning (info for proposed_decision, whose wording often differs between agenda and memo) | sources disagree on a field (see disagreements.csv) |
//! | `not_merged` | warning | a document that cannot be placed in a meeting (body unknown, no meeting number and no date): not in meetings.csv / items.csv |
//!
//! `--strict` makes a run with any finding of level error exit 1.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use crate::merge::{Disagreement, ListedSak, MergedMeeting, SourceRef};
use crate::model::{DocumentKind, FileRecord, Status};
use crate::store::{self, opt_int, opt_text, req_text, SqlType, Store, StoreError, TableDef, Value};

pub const REPORT_MD: &str = "report.md";
pub const REPORT_JSON: &str = "report.json";

/// Places of one finding named in `report.md` (the rest are counted).
pub const MD_PLACES: usize = 10;

/// Documents of a meeting named in `report.json` (all of them are in
/// `csv/meeting_sources.csv`; `documents` counts them).
pub const JSON_SOURCES: usize = 100;

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

/// One finding at one place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub level: Level,
    pub code: &'static str,
    /// The merged meeting (`NUIT 2/2022`) when the finding is about one.
    pub meeting: Option<String>,
    pub sak: Option<String>,
    pub message: String,
    pub file: Option<String>,
    /// 1-based document in the file.
    pub doc: Option<usize>,
    pub page: Option<u32>,
}

fn year_of(date: &str) -> Option<i32> {
    crate::merge::year_of(date)
}

fn has_decision(it: &crate::model::Item) -> bool {
    it.decision.as_deref().is_some_and(|t| !t.trim().is_empty())
}

fn is_eventuelt(title: Option<&str>) -> bool {
    title.is_some_and(|t| t.trim().to_lowercase().starts_with("eventuelt"))
}

/// The findings about one file's record alone. `meeting_ids[i]` is the
/// meeting document `i` was placed in.
pub fn record_findings(rec: &FileRecord, meeting_ids: &[Option<String>]) -> Vec<Finding> {
    let mut out = Vec::new();
    let file = rec.source.file.clone();
    let error = rec.error_line();
    let mut at_file = |level, code, message: String| {
        out.push(Finding { level, code, meeting: None, sak: None, message, file: Some(file.clone()), doc: None, page: None });
    };
    match rec.status {
        Status::Failed => at_file(Level::Error, "file_failed", format!("file could not be read: {error}")),
        Status::Partial => at_file(Level::Warning, "file_partial", format!("some pages could not be read: {error}")),
        Status::NoText => at_file(Level::Warning, "file_no_text", format!("no text layer: {error}")),
        Status::Ok => {
            for e in &rec.errors {
                let m = crate::util::normalise_ws(&e.message);
                let message = match e.page {
                    Some(p) if !m.starts_with(&format!("page {p} ")) => format!("page {p}: {m}"),
                    _ => m,
                };
                at_file(Level::Warning, "file_warning", message);
            }
        }
    }
    let poor: Vec<u32> = rec.pages.iter().filter(|p| p.quality == crate::model::Quality::Poor).map(|p| p.page).collect();
    if let Some(&first) = poor.first() {
        let engines: std::collections::BTreeSet<&str> =
            rec.pages.iter().filter(|p| p.quality == crate::model::Quality::Poor).map(|p| p.engine.as_str()).collect();
        out.push(Finding {
            level: Level::Warning,
            code: "poor_text",
            meeting: None,
            file: Some(file.clone()),
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
    for (i, d) in rec.documents.iter().enumerate() {
        let meeting = meeting_ids.get(i).cloned().flatten();
        let mut add = |level, code, page: Option<u32>, sak: Option<&str>, message: String| {
            out.push(Finding {
                level,
                code,
                meeting: meeting.clone(),
                sak: sak.map(str::to_string),
                message,
                file: Some(file.clone()),
                doc: Some(i + 1),
                page,
            });
        };
        let m = d.meeting.as_ref();
        let meeting_year = m.and_then(|m| m.year);
        for label in &d.unknown_labels {
            add(Level::Warning, "unknown_label", Some(d.page_start), None,
                format!("header label {label:?} matches no rule: add it to rules/labels.toml if it names a field"));
        }
        if let Some(date) = m.and_then(|m| m.date.as_deref()) {
            let dy = year_of(date);
            if let (Some(dy), Some(my)) = (dy, meeting_year) {
                if dy != my {
                    add(Level::Error, "date_outside_meeting_year", Some(d.page_start), None,
                        format!("meeting {} is dated {date}, outside {my}", m.and_then(|m| m.label.as_deref()).unwrap_or("?")));
                }
            }
            if let Some(dy) = dy {
                let years: BTreeSet<i32> = d.items.iter().filter_map(|it| it.year).collect();
                // Only saks that carry a year say anything about the date.
                if !years.is_empty() && !years.contains(&dy) {
                    let years: Vec<String> = years.iter().map(|y| y.to_string()).collect();
                    add(Level::Error, "date_outside_sak_year", Some(d.page_start), None,
                        format!("meeting date {date} is outside the year of its saker ({})", years.join(", ")));
                }
            }
        }
        let decides_most = d.items.iter().filter(|it| has_decision(it)).count() * 2 >= d.items.len();
        for it in &d.items {
            if let Some(my) = meeting_year {
                if let Some(year) = it.year.filter(|y| *y != my) {
                    add(Level::Warning, "sak_year_differs", Some(it.page), Some(&it.sak), format!("sak {} ({year}) is listed in a {my} meeting", it.sak));
                }
            }
            if d.kind == DocumentKind::Minutes && !has_decision(it) {
                // A missing decision is a likely slip only where the minutes
                // decide most of their saker; minutes that mostly record
                // discussion (a university committee's orienteringssaker)
                // leave saker undecided by design.
                let level = if is_eventuelt(it.title.as_deref()) || !decides_most { Level::Info } else { Level::Warning };
                add(level, "minutes_item_without_decision", Some(it.page), Some(&it.sak),
                    format!("sak {} ({}) has no Vedtak in the minutes", it.sak, it.title.as_deref().unwrap_or("no title")));
            }
        }
        // A person without an organisation is worth a warning where the
        // document gives most people one (a slip in reading the list);
        // where it gives few, the body does not print them, and one line
        // says so.
        let without: Vec<&crate::model::Participant> = d.participants.iter().filter(|p| p.organisation.as_deref().is_none_or(|o| o.trim().is_empty())).collect();
        let prints_organisations = without.len() * 2 <= d.participants.len();
        if prints_organisations {
            for p in &without {
                add(Level::Warning, "participant_without_organisation", Some(p.page), None, format!("{} ({}) has no organisation", p.name, p.role.as_str()));
            }
        } else {
            add(Level::Info, "participant_without_organisation", Some(without[0].page), None,
                format!("{} of {} listed people have no organisation (the document prints few)", without.len(), d.participants.len()));
        }
        for p in &d.participants {
            if let (Some(note), Some(my)) = (p.note.as_deref(), meeting_year) {
                for sak in crate::merge::find_saks(note) {
                    if sak.year != my {
                        add(Level::Warning, "sak_year_differs", Some(p.page), Some(&sak.printed),
                            format!("note {note:?} of {} names sak {} ({}) in a {my} meeting", p.name, sak.printed, sak.year));
                    }
                }
            }
        }
    }
    out
}

/// The finding of a disagreement.
pub fn disagreement_finding(d: &Disagreement) -> Finding {
    let level = if d.field == "proposed_decision" { Level::Info } else { Level::Warning };
    let what = match (&d.item, &d.person) {
        (Some((_, sak)), _) => format!("sak {sak}: "),
        (None, Some(p)) => format!("{p}: "),
        (None, None) => String::new(),
    };
    let first = &d.values[0].value;
    let values: Vec<String> = d
        .values
        .iter()
        .enumerate()
        .map(|(i, alt)| {
            let other = if i == 0 { d.values.get(1).map(|x| x.value.as_str()).unwrap_or("") } else { first.as_str() };
            let shown: Vec<String> = alt.sources.iter().take(3).map(SourceRef::render).collect();
            let more = if alt.count > shown.len() { format!(" and {} more", alt.count - shown.len()) } else { String::new() };
            format!("{:?} ({}{more})", around_difference(&alt.value, other), shown.join(", "))
        })
        .collect();
    Finding {
        level,
        code: "disagreement",
        meeting: Some(d.meeting_id.clone()),
        sak: d.item.as_ref().map(|i| i.1.clone()),
        message: format!("{what}sources disagree on {}: {} (first one used)", d.field, values.join(" vs ")),
        file: None,
        doc: None,
        page: None,
    }
}

/// The findings of comparing a meeting's agenda with its minutes.
pub fn agenda_minutes_findings(m: &MergedMeeting, agenda: &[ListedSak], minutes: &[ListedSak]) -> Vec<Finding> {
    let first = |v: &[ListedSak]| -> BTreeMap<String, ListedSak> {
        let mut out = BTreeMap::new();
        for l in v {
            out.entry(l.item_id.clone()).or_insert_with(|| l.clone());
        }
        out
    };
    let (a, b) = (first(agenda), first(minutes));
    let mut out = Vec::new();
    let mut push = |level, code, l: &ListedSak, message: String| {
        out.push(Finding {
            level,
            code,
            meeting: Some(m.id.clone()),
            sak: Some(l.sak.clone()),
            message,
            file: Some(l.src.file.clone()),
            doc: Some(l.src.doc),
            page: l.page,
        });
    };
    for (k, l) in &a {
        if !b.contains_key(k) {
            push(Level::Warning, "agenda_item_missing_from_minutes", l, format!("sak {} is on the agenda but not in the minutes", l.sak));
        }
    }
    for (k, l) in &b {
        if !a.contains_key(k) {
            push(Level::Info, "minutes_item_not_on_agenda", l, format!("sak {} is in the minutes but not on the agenda", l.sak));
        }
    }
    out
}

/// The finding of a document that could not be placed.
pub fn unplaced_finding(src: &SourceRef, reason: &str) -> Finding {
    Finding {
        level: Level::Warning,
        code: "not_merged",
        meeting: None,
        sak: None,
        message: format!("{} not merged into meetings.csv: {reason}", src.kind.as_str()),
        file: Some(src.file.clone()),
        doc: Some(src.doc),
        page: None,
    }
}

const TABLE: &str = "_findings";

fn findings_def() -> TableDef {
    let t = |n: &str| (n.to_string(), SqlType::Text);
    let i = |n: &str| (n.to_string(), SqlType::Integer);
    TableDef {
        name: TABLE.into(),
        columns: vec![i("level"), t("code"), t("meeting_id"), t("sak"), t("message"), t("file"), i("doc"), i("page")],
        primary_key: vec![],
    }
}

/// The findings of a run, kept in its store. Implements
/// [`crate::merge::Sink`]; a store error met there is kept and returned by
/// [`Findings::finish`].
pub struct Findings<'s> {
    store: &'s Store,
    def: TableDef,
    error: Option<StoreError>,
}

fn level_rank(l: Level) -> i64 {
    match l {
        Level::Error => 0,
        Level::Warning => 1,
        Level::Info => 2,
    }
}

fn level_of(rank: i64) -> Level {
    match rank {
        0 => Level::Error,
        1 => Level::Warning,
        _ => Level::Info,
    }
}

impl<'s> Findings<'s> {
    pub fn new(store: &'s Store) -> store::Result<Findings<'s>> {
        let def = findings_def();
        store.create_table(&def)?;
        Ok(Findings { store, def, error: None })
    }

    pub fn add(&mut self, f: &Finding) -> store::Result<()> {
        let t = |s: &Option<String>| s.clone().map_or(Value::Null, Value::Text);
        self.store.insert(
            &self.def,
            &[
                Value::Integer(level_rank(f.level)),
                Value::Text(f.code.into()),
                t(&f.meeting),
                t(&f.sak),
                Value::Text(f.message.clone()),
                t(&f.file),
                f.doc.map_or(Value::Null, |d| Value::Integer(d as i64)),
                f.page.map_or(Value::Null, |p| Value::Integer(p.into())),
            ],
        )
    }

    /// The findings of one record (see [`record_findings`]).
    pub fn add_record(&mut self, rec: &FileRecord, meeting_ids: &[Option<String>]) -> store::Result<()> {
        for f in record_findings(rec, meeting_ids) {
            self.add(&f)?;
        }
        Ok(())
    }

    fn keep(&mut self, f: &Finding) {
        if self.error.is_none() {
            if let Err(e) = self.add(f) {
                self.error = Some(e);
            }
        }
    }

    /// Index the findings for the report; the first error met as a sink.
    pub fn finish(self) -> store::Result<()> {
        if let Some(e) = self.error {
            return Err(e);
        }
        self.store.index(TABLE, &["level", "code", "meeting_id", "sak", "message"])?;
        self.store.index(TABLE, &["meeting_id"])
    }
}

impl crate::merge::Sink for Findings<'_> {
    fn disagreement(&mut self, d: &Disagreement) {
        self.keep(&disagreement_finding(d));
    }
    fn unplaced(&mut self, src: &SourceRef, reason: &str) {
        self.keep(&unplaced_finding(src, reason));
    }
    fn agenda_and_minutes(&mut self, meeting: &MergedMeeting, agenda: &[ListedSak], minutes: &[ListedSak]) {
        for f in agenda_minutes_findings(meeting, agenda, minutes) {
            self.keep(&f);
        }
    }
}

/// Counts of the report (and of the run's summary line).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub files: usize,
    #[serde(default)]
    pub pages: u64,
    #[serde(default)]
    pub documents: usize,
    pub statuses: BTreeMap<String, usize>,
    pub meetings: usize,
    pub items: usize,
    #[serde(default)]
    pub attendance: usize,
    pub outcomes: BTreeMap<String, usize>,
    /// Findings per level (one per distinct finding, however many files).
    pub findings: BTreeMap<String, usize>,
}

/// What the report says in numbers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub motebok_version: String,
    pub totals: Totals,
}

impl Report {
    /// Findings of level error.
    pub fn errors(&self) -> usize {
        self.totals.findings.get("error").copied().unwrap_or(0)
    }

    /// The numbers of an existing `report.json` (a reused output).
    pub fn load(path: &std::path::Path) -> Option<Report> {
        let f = std::fs::File::open(path).ok()?;
        serde_json::from_reader(io::BufReader::new(f)).ok()
    }
}

fn counts_of(store: &Store, sql: &str) -> store::Result<BTreeMap<String, usize>> {
    let mut m = BTreeMap::new();
    store.each(sql, &[], |r| {
        m.insert(req_text(r, 0), opt_int(r, 1).unwrap_or(0) as usize);
        Ok(())
    })?;
    Ok(m)
}

/// The totals, from the store (datasets and findings in).
pub fn totals(store: &Store) -> store::Result<Totals> {
    let n = |sql: &str| store.count(sql, &[]).map(|v| v as usize);
    let mut findings = BTreeMap::new();
    store.each(
        &format!("SELECT level, count(*) FROM (SELECT DISTINCT level, code, meeting_id, sak, message FROM {TABLE}) GROUP BY level ORDER BY level"),
        &[],
        |r| {
            findings.insert(level_of(opt_int(r, 0).unwrap_or(2)).as_str().to_string(), opt_int(r, 1).unwrap_or(0) as usize);
            Ok(())
        },
    )?;
    Ok(Totals {
        files: n("SELECT count(*) FROM files")?,
        pages: store.count("SELECT coalesce(sum(pages), 0) FROM files", &[])?,
        documents: n("SELECT count(*) FROM documents")?,
        statuses: counts_of(store, "SELECT status, count(*) FROM files GROUP BY status ORDER BY status")?,
        meetings: n("SELECT count(*) FROM meetings")?,
        items: n("SELECT count(*) FROM items")?,
        attendance: n("SELECT count(*) FROM attendance")?,
        outcomes: counts_of(store, "SELECT outcome, count(*) FROM items GROUP BY outcome ORDER BY outcome")?,
        findings,
    })
}

/// One finding as written: where it was seen, every place.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Place {
    file: Option<String>,
    doc: Option<usize>,
    page: Option<u32>,
}

impl Place {
    fn render(&self) -> String {
        let mut s = match (&self.file, self.doc) {
            (Some(f), Some(d)) => format!("{f}#{d}"),
            (Some(f), None) => f.clone(),
            (None, _) => String::new(),
        };
        if let Some(p) = self.page {
            if !s.is_empty() {
                s.push_str(", ");
            }
            let _ = write!(s, "p. {p}");
        }
        s
    }
}

#[derive(Debug, Clone, Serialize)]
struct Grouped {
    level: &'static str,
    code: String,
    meeting: Option<String>,
    sak: Option<String>,
    message: String,
    /// The first place (file, doc, page), for readers of one place.
    file: Option<String>,
    doc: Option<usize>,
    page: Option<u32>,
    places: Vec<Place>,
}

/// What [`scan_findings`] hands over, in order: a finding (its first
/// place in it), each of its places, its end.
enum Event<'a> {
    Start(&'a Grouped),
    Place(&'a Place),
    End,
}

/// Walk the distinct findings matching `filter` (an SQL condition on the
/// findings table) in order, streaming each one's places: one group's
/// places are never held at once.
fn scan_findings(store: &Store, filter: &str, params: &[&dyn rusqlite::ToSql], mut f: impl FnMut(Event<'_>) -> io::Result<()>) -> Result<(), ReportError> {
    let sql = format!(
        "SELECT f.level, f.code, f.meeting_id, f.sak, f.message, f.file, f.doc, f.page
           FROM {TABLE} f LEFT JOIN meetings m ON m.meeting_id = f.meeting_id
          WHERE {filter}
          ORDER BY f.level, f.code, m._sort NULLS FIRST, f.meeting_id, f.sak, f.message, f.file, f.doc, f.page"
    );
    let mut cur: Option<Grouped> = None;
    let mut last: Option<Place> = None;
    let mut io_err: Option<io::Error> = None;
    let mut emit = |e: Event<'_>, io_err: &mut Option<io::Error>| {
        if io_err.is_none() {
            if let Err(e) = f(e) {
                *io_err = Some(e);
            }
        }
    };
    store.each(&sql, params, |r| {
        let level = level_of(opt_int(r, 0).unwrap_or(2)).as_str();
        let (code, meeting, sak, message) = (req_text(r, 1), opt_text(r, 2), opt_text(r, 3), req_text(r, 4));
        let place = Place { file: opt_text(r, 5), doc: opt_int(r, 6).map(|d| d as usize), page: opt_int(r, 7).map(|p| p as u32) };
        let same = cur.as_ref().is_some_and(|g| g.level == level && g.code == code && g.meeting == meeting && g.sak == sak && g.message == message);
        if !same {
            if cur.is_some() {
                emit(Event::End, &mut io_err);
            }
            let g = Grouped { level, code, meeting, sak, message, file: place.file.clone(), doc: place.doc, page: place.page, places: Vec::new() };
            emit(Event::Start(&g), &mut io_err);
            cur = Some(g);
            last = None;
        }
        // The same place twice (one document listing it twice) counts once.
        if last.as_ref() != Some(&place) {
            emit(Event::Place(&place), &mut io_err);
            last = Some(place);
        }
        Ok(())
    })?;
    if cur.is_some() {
        emit(Event::End, &mut io_err);
    }
    io_err.map_or(Ok(()), |e| Err(ReportError::Io(e)))
}

/// Hand every distinct finding matching `filter` to `f`, in order, with
/// its first `max_places` places and the number of places in all.
fn each_finding(store: &Store, filter: &str, params: &[&dyn rusqlite::ToSql], max_places: usize, mut f: impl FnMut(&Grouped, usize) -> io::Result<()>) -> Result<(), ReportError> {
    let mut cur: Option<(Grouped, usize)> = None;
    scan_findings(store, filter, params, |e| {
        match e {
            Event::Start(g) => cur = Some((g.clone(), 0)),
            Event::Place(p) => {
                if let Some((g, n)) = cur.as_mut() {
                    if g.places.len() < max_places {
                        g.places.push(p.clone());
                    }
                    *n += 1;
                }
            }
            Event::End => {
                if let Some((g, n)) = cur.take() {
                    f(&g, n)?;
                }
            }
        }
        Ok(())
    })
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
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

fn counts(m: &BTreeMap<String, usize>) -> String {
    if m.is_empty() {
        return "none".into();
    }
    m.iter().map(|(k, v)| format!("{v} {k}")).collect::<Vec<_>>().join(", ")
}

fn md_line(w: &mut dyn Write, g: &Grouped, n: usize) -> io::Result<()> {
    let shown: Vec<String> = g.places.iter().map(Place::render).filter(|p| !p.is_empty()).collect();
    let mut place = shown.join("; ");
    if n > g.places.len() {
        let _ = write!(place, "; and {} more", n - g.places.len());
    }
    let place = if place.is_empty() { String::new() } else { format!(" ({place})") };
    writeln!(w, "- **{}** `{}`: {}{place}", g.level, g.code, g.message)
}

/// The documents of a meeting, rendered, in order (at most `max`), and how
/// many there are.
fn meeting_sources(store: &Store, id: &str, max: usize) -> store::Result<(Vec<String>, usize)> {
    let mut v = Vec::new();
    let mut n = 0;
    store.each("SELECT file, doc, kind FROM meeting_sources WHERE meeting_id = ?1 ORDER BY _sort", &[&id], |r| {
        n += 1;
        if v.len() < max {
            v.push(format!("{}#{} ({})", req_text(r, 0), opt_int(r, 1).unwrap_or(0), req_text(r, 2)));
        }
        Ok(())
    })?;
    Ok((v, n))
}

fn meeting_outcomes(store: &Store, id: &str) -> store::Result<BTreeMap<String, usize>> {
    let mut m = BTreeMap::new();
    store.each("SELECT outcome, count(*) FROM items WHERE meeting_id = ?1 GROUP BY outcome ORDER BY outcome", &[&id], |r| {
        m.insert(req_text(r, 0), opt_int(r, 1).unwrap_or(0) as usize);
        Ok(())
    })?;
    Ok(m)
}

fn meeting_finding_counts(store: &Store, id: &str) -> store::Result<BTreeMap<String, usize>> {
    let mut m = BTreeMap::new();
    store.each(
        &format!("SELECT level, count(*) FROM (SELECT DISTINCT level, code, sak, message FROM {TABLE} WHERE meeting_id = ?1) GROUP BY level ORDER BY level"),
        &[&id],
        |r| {
            m.insert(level_of(opt_int(r, 0).unwrap_or(2)).as_str().to_string(), opt_int(r, 1).unwrap_or(0) as usize);
            Ok(())
        },
    )?;
    Ok(m)
}

/// The meetings, in order: id, date, title, items.
fn each_meeting(store: &Store, mut f: impl FnMut(&str, Option<String>, Option<String>, usize) -> Result<(), ReportError>) -> Result<(), ReportError> {
    // Collected in chunks so that no statement stays open across the nested queries.
    let mut after = String::new();
    loop {
        let mut chunk = Vec::new();
        store.each("SELECT _sort, meeting_id, date, title, items FROM meetings WHERE _sort > ?1 ORDER BY _sort LIMIT 500", &[&after], |r| {
            chunk.push((req_text(r, 0), req_text(r, 1), opt_text(r, 2), opt_text(r, 3), opt_int(r, 4).unwrap_or(0) as usize));
            Ok(())
        })?;
        let Some(last) = chunk.last() else { return Ok(()) };
        after = last.0.clone();
        for (_, id, date, title, items) in chunk {
            f(&id, date, title, items)?;
        }
    }
}

/// The files, in order, each with its documents rendered for the report.
fn each_file(store: &Store, mut f: impl FnMut(FileEntry) -> Result<(), ReportError>) -> Result<(), ReportError> {
    let mut cur: Option<FileEntry> = None;
    let mut err = None;
    store.each(
        "SELECT f.file, f.status, f.pages, f.error, d.doc, d.kind, d.page_start, d.page_end, d.body, d.meeting_label, d.memo_sak, d.items, d.participants, d.meeting_id
           FROM files f LEFT JOIN documents d ON d.file = f.file ORDER BY f.file, d.doc",
        &[],
        |r| {
            let file = req_text(r, 0);
            if cur.as_ref().is_some_and(|c| c.file != file) {
                if let Some(c) = cur.take() {
                    if err.is_none() {
                        err = f(c).err();
                    }
                }
            }
            let entry = cur.get_or_insert_with(|| FileEntry {
                file: file.clone(),
                status: req_text(r, 1),
                pages: opt_int(r, 2).unwrap_or(0) as u32,
                error: opt_text(r, 3),
                documents: Vec::new(),
            });
            if let Some(doc) = opt_int(r, 4) {
                entry.documents.push(DocEntry {
                    doc: doc as usize,
                    kind: req_text(r, 5),
                    page_start: opt_int(r, 6).unwrap_or(0) as u32,
                    page_end: opt_int(r, 7).unwrap_or(0) as u32,
                    body: opt_text(r, 8),
                    meeting: opt_text(r, 9),
                    memo_sak: opt_text(r, 10),
                    items: opt_int(r, 11).unwrap_or(0) as usize,
                    participants: opt_int(r, 12).unwrap_or(0) as usize,
                    meeting_id: opt_text(r, 13),
                });
            }
            Ok(())
        },
    )?;
    if let Some(c) = cur.take() {
        if err.is_none() {
            err = f(c).err();
        }
    }
    err.map_or(Ok(()), Err)
}

#[derive(Debug, Clone, Serialize)]
struct DocEntry {
    doc: usize,
    kind: String,
    page_start: u32,
    page_end: u32,
    body: Option<String>,
    meeting: Option<String>,
    meeting_id: Option<String>,
    memo_sak: Option<String>,
    items: usize,
    participants: usize,
}

#[derive(Debug, Clone, Serialize)]
struct FileEntry {
    file: String,
    status: String,
    pages: u32,
    error: Option<String>,
    documents: Vec<DocEntry>,
}

#[derive(Debug, Clone, Serialize)]
struct MeetingEntry<'a> {
    meeting: &'a str,
    date: Option<String>,
    title: Option<String>,
    documents: usize,
    sources: Vec<String>,
    items: usize,
    outcomes: BTreeMap<String, usize>,
    findings: BTreeMap<String, usize>,
}

/// `report.md`, from the store.
pub fn write_markdown(store: &Store, totals: &Totals, w: &mut dyn Write) -> Result<(), ReportError> {
    let t = totals;
    writeln!(w, "# motebok report\n")?;
    writeln!(
        w,
        "motebok {} · {} files ({}) · {} meetings · {} saker ({}) · findings: {}\n",
        env!("CARGO_PKG_VERSION"),
        t.files,
        counts(&t.statuses),
        t.meetings,
        t.items,
        counts(&t.outcomes),
        counts(&t.findings)
    )?;
    writeln!(w, "Levels: **error** — the data contradicts itself (fails `--strict`); **warning** — probably wrong or missing, check the source; **info** — worth knowing. A finding seen in several files (copies of one PDF) is one line naming them.\n")?;
    if t.findings.get("error").copied().unwrap_or(0) > 0 {
        writeln!(w, "## Errors\n")?;
        each_finding(store, "f.level = 0", &[], MD_PLACES, |g, n| md_line(w, g, n))?;
        writeln!(w)?;
    }
    writeln!(w, "## Meetings\n")?;
    if t.meetings == 0 {
        writeln!(w, "No meeting could be identified (body + number/year, or body + date).\n")?;
    }
    each_meeting(store, |id, date, title, items| {
        writeln!(w, "### {id}{}\n", date.as_deref().map(|d| format!(" — {d}")).unwrap_or_default())?;
        if let Some(title) = &title {
            writeln!(w, "{}\n", cell(title))?;
        }
        let (sources, n) = meeting_sources(store, id, MD_PLACES)?;
        let more = if n > sources.len() { format!("; and {} more", n - sources.len()) } else { String::new() };
        writeln!(w, "- Sources: {}{more}", sources.join("; "))?;
        let outcomes = meeting_outcomes(store, id)?;
        writeln!(w, "- Saker: {items} ({})", counts(&outcomes))?;
        let mut any = false;
        each_finding(store, "f.meeting_id = ?1", &[&id], MD_PLACES, |g, n| {
            any = true;
            md_line(w, g, n)
        })?;
        if !any {
            writeln!(w, "- Nothing looks wrong.")?;
        }
        writeln!(w)?;
        Ok(())
    })?;
    let mut header = false;
    each_finding(store, "f.meeting_id IS NULL AND f.level > 0", &[], MD_PLACES, |g, n| {
        if !header {
            writeln!(w, "## Other findings\n")?;
            header = true;
        }
        md_line(w, g, n)
    })?;
    if header {
        writeln!(w)?;
    }
    writeln!(w, "## Files\n")?;
    writeln!(w, "| file | status | pages | documents |")?;
    writeln!(w, "|---|---|---|---|")?;
    each_file(store, |f| {
        let docs: Vec<String> = f
            .documents
            .iter()
            .map(|d| {
                let mut s = format!("{}. {} p. {}–{}", d.doc, d.kind, d.page_start, d.page_end);
                if let Some(b) = &d.body {
                    let _ = write!(s, ", {b}");
                }
                if let Some(m) = &d.meeting {
                    let _ = write!(s, " {m}");
                }
                if let Some(sak) = &d.memo_sak {
                    let _ = write!(s, ", sak {sak}");
                }
                s
            })
            .collect();
        let status = match &f.error {
            Some(e) => format!("{}: {}", f.status, short(e)),
            None => f.status.clone(),
        };
        let docs = if docs.is_empty() { "—".to_string() } else { docs.join("<br>") };
        writeln!(w, "| {} | {} | {} | {} |", cell(&f.file), cell(&status), f.pages, cell(&docs))?;
        Ok(())
    })?;
    Ok(())
}

/// `report.json`, from the store: one element per line in each list, so
/// the file streams out and greps well.
pub fn write_json(store: &Store, totals: &Totals, w: &mut dyn Write) -> Result<(), ReportError> {
    writeln!(w, "{{")?;
    writeln!(w, "  \"motebok_version\": {},", serde_json::to_string(env!("CARGO_PKG_VERSION"))?)?;
    writeln!(w, "  \"totals\": {},", serde_json::to_string(totals)?)?;
    let list = |w: &mut dyn Write, name: &str, last: bool, each: &mut dyn FnMut(&mut dyn FnMut(String) -> io::Result<()>) -> Result<(), ReportError>| -> Result<(), ReportError> {
        write!(w, "  \"{name}\": [")?;
        let mut first = true;
        each(&mut |line: String| {
            write!(w, "{}\n    {line}", if first { "" } else { "," })?;
            first = false;
            Ok(())
        })?;
        if first {
            writeln!(w, "]{}", if last { "" } else { "," })?;
        } else {
            writeln!(w, "\n  ]{}", if last { "" } else { "," })?;
        }
        Ok(())
    };
    list(w, "files", false, &mut |out| each_file(store, |f| Ok(out(serde_json::to_string(&f)?)?)))?;
    list(w, "meetings", false, &mut |out| {
        each_meeting(store, |id, date, title, items| {
            let (sources, documents) = meeting_sources(store, id, JSON_SOURCES)?;
            let e = MeetingEntry {
                meeting: id,
                date,
                title,
                documents,
                sources,
                items,
                outcomes: meeting_outcomes(store, id)?,
                findings: meeting_finding_counts(store, id)?,
            };
            Ok(out(serde_json::to_string(&e)?)?)
        })
    })?;
    // Findings: each on one line, its places streamed into it.
    write!(w, "  \"findings\": [")?;
    let mut first = true;
    let mut places = 0;
    scan_findings(store, "1", &[], |e| {
        match e {
            Event::Start(g) => {
                let head = serde_json::to_string(g).map_err(io::Error::other)?;
                // `{…,"places":[]}` → `{…,"places":[` and the places after it.
                let open = head.strip_suffix("]}").unwrap_or(&head);
                write!(w, "{}\n    {open}", if first { "" } else { "," })?;
                first = false;
                places = 0;
            }
            Event::Place(p) => {
                write!(w, "{}{}", if places == 0 { "" } else { "," }, serde_json::to_string(p).map_err(io::Error::other)?)?;
                places += 1;
            }
            Event::End => write!(w, "]}}")?,
        }
        Ok(())
    })?;
    writeln!(w, "{}]", if first { "" } else { "\n  " })?;
    writeln!(w, "}}")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn rec(file: &str, status: Status, errors: Vec<PageError>) -> FileRecord {
        FileRecord { source: Source { file: file.into(), ..Source::default() }, status, errors, pages: vec![], documents: vec![] }
    }

    #[test]
    fn report_warnings_of_ok_files_are_findings() {
        let r = rec("bad/broken-xref.pdf", Status::Ok, vec![PageError { page: None, message: "damaged cross-reference table, rebuilt by scanning the file".into() }]);
        let f = record_findings(&r, &[]);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].level, f[0].code), (Level::Warning, "file_warning"));
        assert!(f[0].message.contains("damaged cross-reference"));
        let failed = rec("x.pdf", Status::Failed, vec![PageError { page: None, message: "empty file".into() }]);
        assert_eq!(record_findings(&failed, &[])[0].code, "file_failed");
    }

    fn minutes(items: &[(&str, Option<&str>)], people: &[Option<&str>]) -> FileRecord {
        let mut d = Document::new(DocumentKind::Minutes, 1, 1);
        d.items = items
            .iter()
            .enumerate()
            .map(|(i, (title, decision))| Item {
                sak: (i + 1).to_string(),
                number: Some(i as u32 + 1),
                year: None,
                title: Some(title.to_string()),
                time: None,
                sak_type: None,
                proposed_decision: None,
                decision: decision.map(str::to_string),
                attachments: vec![],
                page: 1,
            })
            .collect();
        d.participants = people
            .iter()
            .enumerate()
            .map(|(i, org)| Participant {
                name: format!("Person {i}"),
                organisation: org.map(str::to_string),
                role: Role::Member,
                attendance: Some(Attendance::Present),
                note: None,
                substitute_for: None,
                function: None,
                page: 1,
            })
            .collect();
        FileRecord { documents: vec![d], ..rec("m.pdf", Status::Ok, vec![]) }
    }

    fn levels(f: &[Finding], code: &str) -> Vec<Level> {
        f.iter().filter(|f| f.code == code).map(|f| f.level).collect()
    }

    #[test]
    fn a_missing_decision_or_organisation_is_a_warning_only_where_it_stands_out() {
        // Minutes that decide most saker: the one without a decision stands out.
        let f = record_findings(&minutes(&[("A", Some("Godkjent.")), ("B", Some("Vedtatt.")), ("C", None)], &[]), &[]);
        assert_eq!(levels(&f, "minutes_item_without_decision"), [Level::Warning]);
        // Minutes that mostly record discussion: information.
        let f = record_findings(&minutes(&[("A", Some("Godkjent.")), ("B", None), ("C", None)], &[]), &[]);
        assert_eq!(levels(&f, "minutes_item_without_decision"), [Level::Info, Level::Info]);
        // One person of four without an organisation: a warning for that person.
        let f = record_findings(&minutes(&[], &[Some("KS"), Some("HOD"), None, Some("FHI")]), &[]);
        assert_eq!(levels(&f, "participant_without_organisation"), [Level::Warning]);
        // A body that prints no organisations: one line of information.
        let f = record_findings(&minutes(&[], &[None, None, None, Some("KS")]), &[]);
        assert_eq!(levels(&f, "participant_without_organisation"), [Level::Info]);
        assert!(f.iter().any(|f| f.message.starts_with("3 of 4 listed people")));
    }

    #[test]
    fn report_groups_identical_findings_over_files() {
        let store = Store::in_memory().unwrap();
        // The report joins the meetings table for its order.
        store.batch("CREATE TABLE meetings (meeting_id TEXT, _sort TEXT)").unwrap();
        let mut f = Findings::new(&store).unwrap();
        for file in ["c/x.pdf", "a/x.pdf", "b/x.pdf"] {
            let r = rec(file, Status::Ok, vec![PageError { page: None, message: "damaged cross-reference table".into() }]);
            f.add_record(&r, &[]).unwrap();
        }
        f.add_record(&rec("d.pdf", Status::Ok, vec![PageError { page: None, message: "something else".into() }]), &[]).unwrap();
        f.finish().unwrap();
        let mut seen = Vec::new();
        each_finding(&store, "1", &[], 2, |g, n| {
            seen.push((g.message.clone(), g.places.iter().map(Place::render).collect::<Vec<_>>(), n));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            vec![
                ("damaged cross-reference table".to_string(), vec!["a/x.pdf".to_string(), "b/x.pdf".to_string()], 3),
                ("something else".to_string(), vec!["d.pdf".to_string()], 1),
            ]
        );
        let mut md = Vec::new();
        md_line(&mut md, &Grouped { level: "warning", code: "c".into(), meeting: None, sak: None, message: "m".into(), file: None, doc: None, page: None, places: vec![Place { file: Some("a".into()), doc: Some(1), page: Some(2) }] }, 3).unwrap();
        assert_eq!(String::from_utf8(md).unwrap(), "- **warning** `c`: m (a#1, p. 2; and 2 more)\n");
    }
}
