//! The CSV datasets: one [`Table`] per file in `csv/`, each a list of
//! [`Column`]s that pair a field of the Table Schema (name, type,
//! description) with the function reading its value from a row, so the CSV
//! header, the rows and `datapackage.json` cannot drift apart.
//!
//! # Conventions
//!
//! * Rows are sorted by input path, then document order, then row order
//!   within the document; `doc` and `row` are 1-based positions (`doc` n is
//!   `documents[n-1]` of the per-file JSON).
//! * Empty cell = null. Booleans are `true` / `false`. UTF-8, `,`, LF line
//!   ends, fields quoted when needed (text values may hold newlines, except
//!   `files.error`, which is one line).
//! * Lists (`items.attachments`, `memos.case_officers`, `files.engines`) are
//!   joined with ` | `.
//! * The per-document tables (`documents`, `document_meetings`,
//!   `participants`, `document_items`, `references`, `memos`) hold what
//!   each file says. Every one repeats the document's keys (`file`,
//!   `sha256`, `doc`, `kind`, `body`, `meeting_number`, `meeting_year`), so
//!   the SPEC keys — a meeting is body + number/year, an item body + sak —
//!   can be used without a join. They are not primary keys there: one
//!   meeting appears in several files (agenda in one, minutes in the next).
//!   Their primary keys are `file` + `doc` (+ `row`).
//! * The merged tables (`meetings`, `meeting_sources`, `items`,
//!   `disagreements`; see [`crate::merge`]) hold one row per meeting (key
//!   body + meeting_number + meeting_year) and one per sak (key body +
//!   sak_number + sak_year). Meetings whose body, number or year is
//!   unknown cannot be keyed and are not merged: they are only in the
//!   per-document tables (and the report lists them).

use std::borrow::Cow;
use std::io::Write;

use crate::merge::{Disagreement, Merged, MergedItem, MergedMeeting, SourceRef};
use crate::model::{Document, FileRecord, Item, Meeting, Memo, Participant, Reference};

/// Frictionless Table Schema field types used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    String,
    Integer,
    Boolean,
    Date,
    Number,
}

impl FieldType {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Boolean => "boolean",
            FieldType::Date => "date",
            FieldType::Number => "number",
        }
    }
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Null,
    Str(&'a str),
    Text(String),
    Int(i64),
    Bool(bool),
    Num(f32),
}

impl<'a> Cell<'a> {
    /// An empty owned text is null.
    fn nonempty(self) -> Cell<'a> {
        match &self {
            Cell::Text(t) if t.is_empty() => Cell::Null,
            _ => self,
        }
    }

    pub fn render(&self) -> Cow<'_, str> {
        match self {
            Cell::Null => Cow::Borrowed(""),
            Cell::Str(s) => Cow::Borrowed(s),
            Cell::Text(s) => Cow::Borrowed(s.as_str()),
            Cell::Int(i) => Cow::Owned(i.to_string()),
            Cell::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Cell::Num(f) if f.is_finite() => Cow::Owned(f.to_string()),
            Cell::Num(_) => Cow::Borrowed(""),
        }
    }
}

fn s(v: &str) -> Cell<'_> {
    Cell::Str(v)
}
fn os(v: &Option<String>) -> Cell<'_> {
    v.as_deref().map_or(Cell::Null, Cell::Str)
}
fn ostr(v: Option<&str>) -> Cell<'_> {
    v.map_or(Cell::Null, Cell::Str)
}
fn int(v: impl Into<i64>) -> Cell<'static> {
    Cell::Int(v.into())
}
fn oint<T: Into<i64> + Copy>(v: Option<T>) -> Cell<'static> {
    v.map_or(Cell::Null, |v| Cell::Int(v.into()))
}
fn count(n: usize) -> Cell<'static> {
    Cell::Int(n as i64)
}
fn joined(v: &[String]) -> Cell<'_> {
    match v {
        [] => Cell::Null,
        [one] => Cell::Str(one),
        _ => Cell::Text(v.join(LIST_SEP)),
    }
}

/// Separator of list values in one cell.
pub const LIST_SEP: &str = " | ";

/// A field of a table: its schema and how to read it from a row `R`.
pub struct Column<R> {
    pub name: &'static str,
    pub ty: FieldType,
    pub description: &'static str,
    /// Allowed values (Table Schema `enum` constraint).
    pub values: Option<&'static [&'static str]>,
    pub get: fn(&R) -> Cell<'_>,
}

fn col<R>(name: &'static str, ty: FieldType, description: &'static str, get: fn(&R) -> Cell<'_>) -> Column<R> {
    Column { name, ty, description, values: None, get }
}

fn col_enum<R>(name: &'static str, values: &'static [&'static str], description: &'static str, get: fn(&R) -> Cell<'_>) -> Column<R> {
    Column { name, ty: FieldType::String, description, values: Some(values), get }
}

use FieldType::{Boolean as B, Date as D, Integer as I, Number as N, String as S};

/// The schema side of a [`Column`].
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub ty: FieldType,
    pub description: &'static str,
    pub values: Option<&'static [&'static str]>,
}

fn specs<R>(cols: &[Column<R>]) -> Vec<FieldSpec> {
    cols.iter().map(|c| FieldSpec { name: c.name, ty: c.ty, description: c.description, values: c.values }).collect()
}

pub struct ForeignKey {
    pub fields: &'static [&'static str],
    pub resource: &'static str,
    pub reference: &'static [&'static str],
}

/// One CSV dataset.
pub struct Table {
    /// Resource name; the file is `csv/<name>.csv`.
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub primary_key: &'static [&'static str],
    pub foreign_keys: &'static [ForeignKey],
    pub fields: fn() -> Vec<FieldSpec>,
    /// Stream the header and all rows; returns the number of data rows.
    pub write: fn(&Batch<'_>, &mut dyn Write) -> csv::Result<u64>,
}

impl Table {
    pub fn path(&self) -> String {
        format!("csv/{}.csv", self.name)
    }
}

/// The records of a run in output order, with their JSON stems.
pub struct Batch<'a> {
    pub records: Vec<&'a FileRecord>,
    pub stems: Vec<String>,
    /// One record per meeting and per sak.
    pub merged: Merged,
}

/// A row about a whole input file.
pub struct FileRow<'a> {
    pub rec: &'a FileRecord,
    pub stem: &'a str,
}

/// A row about a part `x` of document `doc` of a file.
pub struct DocRow<'a, T> {
    pub rec: &'a FileRecord,
    /// 1-based position of the document in the file.
    pub doc_no: usize,
    pub doc: &'a Document,
    /// 1-based position of the row within the document.
    pub row: usize,
    pub x: &'a T,
}

impl<'a, T> DocRow<'a, T> {
    fn meeting(&self) -> Option<&'a Meeting> {
        self.doc.meeting.as_ref()
    }
}

impl<'a> Batch<'a> {
    /// Sort by input path (stable, so equal paths keep their order).
    pub fn new(records: &'a [FileRecord]) -> Batch<'a> {
        let mut records: Vec<&FileRecord> = records.iter().collect();
        records.sort_by(|a, b| a.source.file.cmp(&b.source.file));
        let files: Vec<&str> = records.iter().map(|r| r.source.file.as_str()).collect();
        let stems = super::stems::assign_stems(&files);
        let merged = crate::merge::merge(&records);
        Batch { records, stems, merged }
    }

    fn files(&self) -> impl Iterator<Item = FileRow<'_>> {
        self.records.iter().copied().zip(&self.stems).map(|(rec, stem)| FileRow { rec, stem })
    }

    fn docs(&self) -> impl Iterator<Item = DocRow<'a, Document>> + '_ {
        self.records.iter().copied().flat_map(|rec| {
            rec.documents.iter().enumerate().map(move |(i, doc)| DocRow { rec, doc_no: i + 1, doc, row: 1, x: doc })
        })
    }

    fn parts<T: 'a>(&self, get: fn(&'a Document) -> &'a [T]) -> impl Iterator<Item = DocRow<'a, T>> + '_ {
        self.docs().flat_map(move |d| {
            get(d.doc).iter().enumerate().map(move |(j, x)| DocRow { rec: d.rec, doc_no: d.doc_no, doc: d.doc, row: j + 1, x })
        })
    }
}


const KINDS: &[&str] = &["agenda", "minutes", "case_memo", "other"];
const STATUSES: &[&str] = &["ok", "partial", "no_text", "failed"];
const ROLES: &[&str] = &["member", "observer", "substitute", "secretariat", "other"];
const ATTENDANCE: &[&str] = &["present", "absent"];

/// `file`, `sha256`, `doc`: the key of a document.
fn doc_key<'a, T>() -> Vec<Column<DocRow<'a, T>>> {
    vec![
        col("file", S, "Input path as given on the command line; key of files.csv.", |r| s(&r.rec.source.file)),
        col("sha256", S, "SHA-256 of the input file's bytes (hex).", |r| s(&r.rec.source.sha256)),
        col("doc", I, "1-based position of the logical document in its file (documents[doc-1] of the per-file JSON).", |r| count(r.doc_no)),
    ]
}

/// `kind`, `body`, `meeting_number`, `meeting_year` of the document.
fn doc_context<'a, T>(body_name: &'static str) -> Vec<Column<DocRow<'a, T>>> {
    vec![
        col_enum("kind", KINDS, "Kind of the logical document.", |r| s(r.doc.kind.as_str())),
        col(body_name, S, "Canonical name of the document's committee (rules/ aliases).", |r| os(&r.doc.body)),
        col("meeting_number", I, "Number of the document's meeting (2 in 2/22).", |r| oint(r.meeting().and_then(|m| m.number))),
        col("meeting_year", I, "Four-digit year of the document's meeting.", |r| oint(r.meeting().and_then(|m| m.year))),
    ]
}

fn row_no<'a, T>() -> Column<DocRow<'a, T>> {
    col("row", I, "1-based position of the row within its document.", |r| count(r.row))
}

fn files_columns<'a>() -> Vec<Column<FileRow<'a>>> {
    vec![
        col("file", S, "Input path relative to its input root (a folder given leads with its own name); names with invalid UTF-8, control characters or % are %XX-escaped.", |r| s(&r.rec.source.file)),
        col("sha256", S, "SHA-256 of the file's bytes (hex).", |r| s(&r.rec.source.sha256)),
        col("bytes", I, "File size in bytes.", |r| Cell::Int(r.rec.source.bytes.min(i64::MAX as u64) as i64)),
        col("pages", I, "Page count.", |r| int(r.rec.source.pages)),
        col_enum("status", STATUSES, "ok; partial (some pages failed); no_text (no text layer); failed.", |r| s(r.rec.status.as_str())),
        col("documents", I, "Number of logical documents found.", |r| count(r.rec.documents.len())),
        col("error", S, "Why the status is not ok: the file's problems on one line, `page N: ` before page-specific ones. Empty for ok.", |r| {
            Cell::Text(r.rec.error_line()).nonempty()
        }),
        col("json", S, "The per-file JSON, relative to the output directory.", |r| Cell::Text(format!("json/{}.json", r.stem))),
        col("title", S, "PDF Title metadata.", |r| os(&r.rec.source.title)),
        col("producer", S, "PDF Producer metadata.", |r| os(&r.rec.source.producer)),
        col("engines", S, "Text engines that produced the pages, ` | `-separated (lopdf, pdf-extract, ocr, none).", |r| {
            let mut e: Vec<_> = r.rec.pages.iter().map(|p| p.engine).collect();
            e.sort();
            e.dedup();
            Cell::Text(e.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(LIST_SEP)).nonempty()
        }),
        col("ocr_pages", I, "Number of pages read by OCR.", |r| {
            count(r.rec.pages.iter().filter(|p| p.engine == crate::model::Engine::Ocr).count())
        }),
        col("poor_pages", S, "Pages whose text no engine reads well (the text-quality check flagged them: unmapped glyphs, symbol soup, letters that make no words), as `1-3, 5`. Empty when every page reads well.", |r| {
            let poor: Vec<u32> =
                r.rec.pages.iter().filter(|p| p.quality == crate::model::Quality::Poor).map(|p| p.page).collect();
            Cell::Text(crate::util::page_list(&poor)).nonempty()
        }),
        col("problems", I, "Number of problems recorded for the file (errors and warnings; see the per-file JSON).", |r| {
            count(r.rec.errors.len())
        }),
        col("url", S, "Where the PDF was downloaded from (sources.csv beside the inputs).", |r| {
            ostr(r.rec.source.origin.as_ref().and_then(|o| o.url.as_deref()))
        }),
        col("retrieved", S, "When it was downloaded, ISO 8601 (sources.csv).", |r| {
            ostr(r.rec.source.origin.as_ref().and_then(|o| o.retrieved.as_deref()))
        }),
        col("publisher", S, "Who published it (sources.csv).", |r| {
            ostr(r.rec.source.origin.as_ref().and_then(|o| o.publisher.as_deref()))
        }),
    ]
}

fn documents_columns<'a>() -> Vec<Column<DocRow<'a, Document>>> {
    let mut c = doc_key();
    c.extend([
        col_enum("kind", KINDS, "Kind of the logical document.", |r: &DocRow<Document>| s(r.doc.kind.as_str())),
        col("page_start", I, "First page (1-based).", |r| int(r.doc.page_start)),
        col("page_end", I, "Last page (1-based).", |r| int(r.doc.page_end)),
        col("title", S, "The document's heading, lines joined.", |r| os(&r.doc.title)),
        col("body", S, "Canonical committee name (rules/ aliases).", |r| os(&r.doc.body)),
        col("meeting_label", S, "Meeting as printed: 2/22, 4/2021.", |r| ostr(r.meeting().and_then(|m| m.label.as_deref()))),
        col("meeting_number", I, "Meeting number.", |r| oint(r.meeting().and_then(|m| m.number))),
        col("meeting_year", I, "Meeting year, four digits.", |r| oint(r.meeting().and_then(|m| m.year))),
        col("memo_sak", S, "For case memos: the sak the memo is about (13/22).", |r| {
            ostr(r.doc.memo.as_ref().and_then(|m| m.sak.as_deref()))
        }),
        col("participants", I, "Number of participant rows.", |r| count(r.doc.participants.len())),
        col("items", I, "Number of agenda items.", |r| count(r.doc.items.len())),
        col("references", I, "Number of reference-table rows.", |r| count(r.doc.references.len())),
        col("ocr", B, "True when any page of the document was read by OCR.", |r| Cell::Bool(r.doc.ocr)),
        col("ocr_confidence", N, "Lowest OCR mean word confidence (0-100) over the document's pages.", |r| {
            r.doc.ocr_confidence.map_or(Cell::Null, Cell::Num)
        }),
    ]);
    c
}

fn meetings_columns<'a>() -> Vec<Column<DocRow<'a, Document>>> {
    let mut c = doc_key();
    c.extend(doc_context("body"));
    c.extend([
        col("meeting_label", S, "Meeting as printed: 2/22, 4/2021.", |r: &DocRow<Document>| {
            ostr(r.meeting().and_then(|m| m.label.as_deref()))
        }),
        col("extraordinary", B, "The title says Ekstra møte / ekstramøte.", |r| r.meeting().map_or(Cell::Null, |m| Cell::Bool(m.extraordinary))),
        col("date", D, "Meeting date (Dato).", |r| ostr(r.meeting().and_then(|m| m.date.as_deref()))),
        col("start_time", S, "Start time HH:MM (Tid).", |r| ostr(r.meeting().and_then(|m| m.start_time.as_deref()))),
        col("end_time", S, "End time HH:MM (Tid).", |r| ostr(r.meeting().and_then(|m| m.end_time.as_deref()))),
        col("location", S, "Place (Sted).", |r| ostr(r.meeting().and_then(|m| m.location.as_deref()))),
        col("title", S, "The document's heading, lines joined.", |r| os(&r.doc.title)),
        col("page_start", I, "First page of the document (1-based).", |r| int(r.doc.page_start)),
        col("page_end", I, "Last page of the document (1-based).", |r| int(r.doc.page_end)),
        col("participants", I, "Number of participant rows.", |r| count(r.doc.participants.len())),
        col("items", I, "Number of agenda items.", |r| count(r.doc.items.len())),
    ]);
    c
}

fn participants_columns<'a>() -> Vec<Column<DocRow<'a, Participant>>> {
    let mut c = doc_key();
    c.extend(doc_context("body"));
    c.push(row_no());
    c.extend([
        col("name", S, "Person's name.", |r: &DocRow<Participant>| s(&r.x.name)),
        col("organisation", S, "Organisation, joined across line breaks.", |r| os(&r.x.organisation)),
        col_enum("role", ROLES, "member, observer, substitute, secretariat or other.", |r| s(r.x.role.as_str())),
        col_enum("attendance", ATTENDANCE, "present or absent (minutes); empty in agendas.", |r| {
            r.x.attendance.map_or(Cell::Null, |a| s(a.as_str()))
        }),
        col("note", S, "Remark: fra kl. 10.30, video, deltok t.o.m. sak 27/21.", |r| os(&r.x.note)),
        col("substitute_for", S, "For substitutes: the member they stand in for.", |r| os(&r.x.substitute_for)),
        col("page", I, "Page the participant is listed on.", |r| int(r.x.page)),
    ]);
    c
}

fn items_columns<'a>() -> Vec<Column<DocRow<'a, Item>>> {
    let mut c = doc_key();
    c.extend(doc_context("body"));
    c.push(row_no());
    c.extend([
        col("sak", S, "Case number as printed: 13/22. With body, the key of an item.", |r: &DocRow<Item>| s(&r.x.sak)),
        col("number", I, "Case number (13).", |r| oint(r.x.number)),
        col("year", I, "Case year, four digits.", |r| oint(r.x.year)),
        col("title", S, "Item title, lines joined.", |r| os(&r.x.title)),
        col("time", S, "HH:MM from the agenda's Tidspunkt column.", |r| os(&r.x.time)),
        col("type", S, "Sakstype: Godkjenning, Drøfting, Orientering, Anbefaling, Tilslutning, Beslutning.", |r| os(&r.x.sak_type)),
        col("proposed_decision", S, "Text after Forslag til vedtak.", |r| os(&r.x.proposed_decision)),
        col("decision", S, "Text after Vedtak: (minutes).", |r| os(&r.x.decision)),
        col("attachments", S, "Attachments (Vedlegg 1: …), ` | `-separated.", |r| joined(&r.x.attachments)),
        col("page", I, "Page the item starts on.", |r| int(r.x.page)),
    ]);
    c
}

fn references_columns<'a>() -> Vec<Column<DocRow<'a, Reference>>> {
    let mut c = doc_key();
    c.extend(doc_context("doc_body"));
    c.push(col("memo_sak", S, "For rows in a case memo: the memo's sak.", |r: &DocRow<Reference>| {
        ostr(r.doc.memo.as_ref().and_then(|m| m.sak.as_deref()))
    }));
    c.push(row_no());
    c.extend([
        col("sak", S, "Earlier case as printed.", |r: &DocRow<Reference>| s(&r.x.sak)),
        col("date", D, "Date of the earlier treatment.", |r| os(&r.x.date)),
        col("body", S, "Committee of the earlier treatment.", |r| os(&r.x.body)),
        col("title", S, "Title of the earlier case.", |r| os(&r.x.title)),
        col("decision", S, "Decision taken then.", |r| os(&r.x.decision)),
        col("note", S, "Remark printed in the row (Møtet er ikke avholdt).", |r| os(&r.x.note)),
        col("page", I, "Page of the row.", |r| int(r.x.page)),
    ]);
    c
}

fn memos_columns<'a>() -> Vec<Column<DocRow<'a, Memo>>> {
    let mut c = doc_key();
    c.extend([
        col("body", S, "Canonical committee name of the document.", |r: &DocRow<Memo>| os(&r.doc.body)),
        col("page_start", I, "First page of the memo (1-based).", |r| int(r.doc.page_start)),
        col("page_end", I, "Last page of the memo (1-based).", |r| int(r.doc.page_end)),
        col("sak", S, "Saksnummer as printed: 13/22.", |r| os(&r.x.sak)),
        col("meeting_label", S, "The meeting the memo is for, as printed.", |r| os(&r.x.meeting_label)),
        col("date", D, "Dato of the memo.", |r| os(&r.x.date)),
        col("type", S, "Type / Innretning.", |r| os(&r.x.sak_type)),
        col("owner", S, "Fra / Sakseier.", |r| os(&r.x.owner)),
        col("case_officers", S, "Saksbehandler(e), ` | `-separated.", |r| joined(&r.x.case_officers)),
        col("title", S, "The memo's title.", |r| os(&r.x.title)),
        col("proposed_decision", S, "Text after Forslag til vedtak.", |r| os(&r.x.proposed_decision)),
        col("to", S, "Til: the body the memo is addressed to, as printed.", |r| os(&r.x.to)),
    ]);
    c
}

/// A row of `meeting_sources.csv`.
pub struct SourceRow<'a> {
    pub m: &'a MergedMeeting,
    pub src: &'a SourceRef,
}

/// A row of `disagreements.csv`: one alternative value of one disputed field.
pub struct DisagreementRow<'a> {
    /// 1-based row number over the whole table.
    pub id: usize,
    pub d: &'a Disagreement,
    /// 1-based; 1 is the value in the main column.
    pub alt: usize,
}

fn sources_cell(v: &[SourceRef]) -> Cell<'static> {
    Cell::Text(v.iter().map(SourceRef::render).collect::<Vec<_>>().join(LIST_SEP)).nonempty()
}

fn obool(v: Option<bool>) -> Cell<'static> {
    v.map_or(Cell::Null, Cell::Bool)
}

fn merged_meetings_columns<'a>() -> Vec<Column<&'a MergedMeeting>> {
    vec![
        col("body", S, "Canonical committee name. With meeting_number and meeting_year, the key of a meeting.", |r: &&MergedMeeting| s(&r.key.body)),
        col("meeting_number", I, "Meeting number (2 in 2/22).", |r| int(r.key.number)),
        col("meeting_year", I, "Meeting year, four digits.", |r| int(r.key.year)),
        col("meeting", S, "The meeting in words: NUIT 2/2022.", |r| Cell::Text(r.key.render())),
        col("meeting_label", S, "Meeting as printed by the chosen source: 2/22, 4/2021.", |r| os(&r.label)),
        col("extraordinary", B, "Ekstra møte / ekstramøte (minutes > agenda).", |r| obool(r.extraordinary)),
        col("date", D, "Meeting date (minutes > agenda; other values in disagreements.csv).", |r| os(&r.date)),
        col("start_time", S, "Start time HH:MM (minutes > agenda).", |r| os(&r.start_time)),
        col("end_time", S, "End time HH:MM (minutes > agenda).", |r| os(&r.end_time)),
        col("location", S, "Place (minutes > agenda).", |r| os(&r.location)),
        col("title", S, "Heading of the agenda (the meeting's name), else of the minutes.", |r| os(&r.title)),
        col("has_agenda", B, "An agenda of this meeting is among the inputs.", |r| Cell::Bool(r.has(crate::model::DocumentKind::Agenda))),
        col("has_minutes", B, "Minutes of this meeting are among the inputs.", |r| Cell::Bool(r.has(crate::model::DocumentKind::Minutes))),
        col("memos", I, "Number of case memos for this meeting among the inputs.", |r| {
            count(r.sources.iter().filter(|s| s.kind == crate::model::DocumentKind::CaseMemo).count())
        }),
        col("participants", I, "Number of participants listed by participants_from.", |r| count(r.participants)),
        col("participants_from", S, "The document the participants are counted from (minutes > agenda): file#doc (kind).", |r| {
            r.participants_from.as_ref().map_or(Cell::Null, |s| Cell::Text(s.render()))
        }),
        col("items", I, "Number of saker of this meeting (items.csv rows).", |r| count(r.items)),
        col("disagreements", I, "Number of meeting fields the sources disagree on (see disagreements.csv).", |r| count(r.disagreements)),
        col("sources", S, "Every document about this meeting, ` | `-separated: file#doc (kind). Also in meeting_sources.csv.", |r| sources_cell(&r.sources)),
    ]
}

fn meeting_sources_columns<'a>() -> Vec<Column<SourceRow<'a>>> {
    vec![
        col("body", S, "Committee of the meeting.", |r: &SourceRow| s(&r.m.key.body)),
        col("meeting_number", I, "Meeting number.", |r| int(r.m.key.number)),
        col("meeting_year", I, "Meeting year, four digits.", |r| int(r.m.key.year)),
        col("file", S, "Input file holding the document.", |r| s(&r.src.file)),
        col("doc", I, "1-based position of the document in its file.", |r| count(r.src.doc)),
        col_enum("kind", KINDS, "Kind of the document.", |r| s(r.src.kind.as_str())),
    ]
}

fn merged_items_columns<'a>() -> Vec<Column<&'a MergedItem>> {
    vec![
        col("body", S, "Canonical committee name. With sak_number and sak_year, the key of an item.", |r: &&MergedItem| s(&r.key.body)),
        col("sak_number", I, "Case number (13 in 13/22).", |r| int(r.key.number)),
        col("sak_year", I, "Case year, four digits.", |r| int(r.key.year)),
        col("sak", S, "Case number as printed by the chosen source: 13/22.", |r| s(&r.sak)),
        col("meeting_number", I, "Number of the meeting that treats the sak (minutes > agenda > memo).", |r| int(r.meeting.number)),
        col("meeting_year", I, "Year of that meeting.", |r| int(r.meeting.year)),
        col("title", S, "Title (minutes > agenda > memo), lines joined.", |r| os(&r.title)),
        col("type", S, "Sakstype (minutes > agenda > memo).", |r| os(&r.sak_type)),
        col("time", S, "HH:MM from the agenda's Tidspunkt column.", |r| os(&r.time)),
        col("proposed_decision", S, "Forslag til vedtak (agenda > case memo).", |r| os(&r.proposed_decision)),
        col("proposed_decision_from", S, "The document the proposal is from: file#doc (kind).", |r| {
            r.proposed_from.as_ref().map_or(Cell::Null, |s| Cell::Text(s.render()))
        }),
        col("decision", S, "Vedtak, from the minutes.", |r| os(&r.decision)),
        col("decision_from", S, "The document the decision is from: file#doc (kind).", |r| {
            r.decision_from.as_ref().map_or(Cell::Null, |s| Cell::Text(s.render()))
        }),
        col_enum(
            "outcome",
            crate::merge::Outcome::ALL,
            "adopted_as_proposed (decision = proposal, whitespace aside), amended, decided (no proposal on file), no_decision (minutes without a vedtak), pending (no minutes yet).",
            |r| s(r.outcome.as_str()),
        ),
        col("disagreements", I, "Number of fields of this sak the sources disagree on (see disagreements.csv).", |r| count(r.disagreements)),
        col("sources", S, "Every document listing this sak, ` | `-separated: file#doc (kind).", |r| sources_cell(&r.sources)),
    ]
}

fn disagreements_columns<'a>() -> Vec<Column<DisagreementRow<'a>>> {
    vec![
        col("id", I, "Row number.", |r: &DisagreementRow| count(r.id)),
        col("body", S, "Committee.", |r| s(&r.d.meeting.body)),
        col("meeting_number", I, "Meeting number.", |r| int(r.d.meeting.number)),
        col("meeting_year", I, "Meeting year.", |r| int(r.d.meeting.year)),
        col("sak", S, "For item fields: the sak as printed; empty for meeting fields.", |r| {
            r.d.item.as_ref().map_or(Cell::Null, |(_, p)| s(p))
        }),
        col("sak_number", I, "For item fields: case number.", |r| r.d.item.as_ref().map_or(Cell::Null, |(k, _)| int(k.number))),
        col("sak_year", I, "For item fields: case year.", |r| r.d.item.as_ref().map_or(Cell::Null, |(k, _)| int(k.year))),
        col("field", S, "The field in dispute: date, start_time, end_time, location, extraordinary (meetings); meeting, title, type, time, proposed_decision, decision (items).", |r| s(r.d.field)),
        col("alternative", I, "1-based number of this value among the field's values; 1 is the value in the main column.", |r| count(r.alt)),
        col("chosen", B, "True for the value in the main column (meetings.csv / items.csv).", |r| Cell::Bool(r.alt == 1)),
        col("value", S, "One of the values the sources give.", |r| s(&r.d.values[r.alt - 1].0)),
        col("sources", S, "The documents giving this value, ` | `-separated: file#doc (kind).", |r| sources_cell(&r.d.values[r.alt - 1].1)),
    ]
}

impl<'a> Batch<'a> {
    fn meeting_sources(&self) -> impl Iterator<Item = SourceRow<'_>> + '_ {
        self.merged.meetings.iter().flat_map(|m| m.sources.iter().map(move |src| SourceRow { m, src }))
    }

    fn disagreement_rows(&self) -> impl Iterator<Item = DisagreementRow<'_>> + '_ {
        self.merged
            .disagreements
            .iter()
            .flat_map(|d| (1..=d.values.len()).map(move |alt| (d, alt)))
            .enumerate()
            .map(|(i, (d, alt))| DisagreementRow { id: i + 1, d, alt })
    }
}

/// Stream a header and rows to `w` as CSV.
fn emit<R>(w: &mut dyn Write, cols: &[Column<R>], rows: impl Iterator<Item = R>) -> csv::Result<u64> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(w);
    out.write_record(cols.iter().map(|c| c.name))?;
    let mut n = 0;
    for row in rows {
        for c in cols {
            out.write_field((c.get)(&row).render().as_bytes())?;
        }
        out.write_record(std::iter::empty::<&[u8]>())?;
        n += 1;
    }
    out.flush()?;
    Ok(n)
}

fn memo_of(d: &Document) -> &[Memo] {
    d.memo.as_slice()
}

const MEETING_KEY: &[&str] = &["body", "meeting_number", "meeting_year"];
const ITEM_KEY: &[&str] = &["body", "sak_number", "sak_year"];

/// All datasets, parents before children.
pub const TABLES: &[Table] = &[
    Table {
        name: "files",
        title: "Input files",
        description: "One row per input PDF: identity, status and, when not ok, why.",
        primary_key: &["file"],
        foreign_keys: &[],
        fields: || specs(&files_columns()),
        write: |b, w| emit(w, &files_columns(), b.files()),
    },
    Table {
        name: "documents",
        title: "Logical documents",
        description: "One row per logical document (agenda, minutes, case memo, other) of each file, in page order.",
        primary_key: &["file", "doc"],
        foreign_keys: &[ForeignKey { fields: &["file"], resource: "files", reference: &["file"] }],
        fields: || specs(&documents_columns()),
        write: |b, w| emit(w, &documents_columns(), b.docs()),
    },
    Table {
        name: "meetings",
        title: "Meetings",
        description: "One row per meeting (body + meeting_number + meeting_year), merged from every document that describes it: agenda, minutes, case memos. Where sources disagree the main column follows a fixed rule (minutes over agenda) and every value is in disagreements.csv. Meetings whose body or number is unknown are not here (only in document_meetings.csv).",
        primary_key: MEETING_KEY,
        foreign_keys: &[],
        fields: || specs(&merged_meetings_columns()),
        write: |b, w| emit(w, &merged_meetings_columns(), b.merged.meetings.iter()),
    },
    Table {
        name: "meeting_sources",
        title: "Documents of each meeting",
        description: "One row per document a merged meeting is built from.",
        primary_key: &["body", "meeting_number", "meeting_year", "file", "doc"],
        foreign_keys: &[
            ForeignKey { fields: MEETING_KEY, resource: "meetings", reference: MEETING_KEY },
            ForeignKey { fields: &["file", "doc"], resource: "documents", reference: &["file", "doc"] },
        ],
        fields: || specs(&meeting_sources_columns()),
        write: |b, w| emit(w, &meeting_sources_columns(), b.meeting_sources()),
    },
    Table {
        name: "document_meetings",
        title: "Meetings, as each document states them",
        description: "One row per agenda or minutes document (and any other document with a meeting header, participants or items): the meeting it is about and where it was read. A meeting (body + meeting_number/meeting_year) appears once per document that describes it, so the primary key is file + doc.",
        primary_key: &["file", "doc"],
        foreign_keys: &[ForeignKey { fields: &["file", "doc"], resource: "documents", reference: &["file", "doc"] }],
        fields: || specs(&meetings_columns()),
        write: |b, w| emit(w, &meetings_columns(), b.docs().filter(|d| d.doc.is_meeting())),
    },
    Table {
        name: "participants",
        title: "Participants",
        description: "One row per person listed in an agenda or minutes.",
        primary_key: &["file", "doc", "row"],
        foreign_keys: &[ForeignKey { fields: &["file", "doc"], resource: "document_meetings", reference: &["file", "doc"] }],
        fields: || specs(&participants_columns()),
        write: |b, w| emit(w, &participants_columns(), b.parts(|d| &d.participants)),
    },
    Table {
        name: "items",
        title: "Saker",
        description: "One row per sak (body + sak_number + sak_year), merged from agenda, minutes and case memo: proposed_decision and decision side by side, and the outcome.",
        primary_key: ITEM_KEY,
        foreign_keys: &[ForeignKey { fields: MEETING_KEY, resource: "meetings", reference: MEETING_KEY }],
        fields: || specs(&merged_items_columns()),
        write: |b, w| emit(w, &merged_items_columns(), b.merged.items.iter()),
    },
    Table {
        name: "document_items",
        title: "Agenda items (saker), as each document lists them",
        description: "One row per sak as listed in an agenda or minutes. An item is body + sak; it appears once per document that lists it.",
        primary_key: &["file", "doc", "row"],
        foreign_keys: &[ForeignKey { fields: &["file", "doc"], resource: "document_meetings", reference: &["file", "doc"] }],
        fields: || specs(&items_columns()),
        write: |b, w| emit(w, &items_columns(), b.parts(|d| &d.items)),
    },
    Table {
        name: "references",
        title: "Earlier decisions referred to",
        description: "One row per row of a \"Vedtak fra tidligere behandlinger\" table.",
        primary_key: &["file", "doc", "row"],
        foreign_keys: &[ForeignKey { fields: &["file", "doc"], resource: "documents", reference: &["file", "doc"] }],
        fields: || specs(&references_columns()),
        write: |b, w| emit(w, &references_columns(), b.parts(|d| &d.references)),
    },
    Table {
        name: "memos",
        title: "Case memos (toppnotat)",
        description: "One row per case memo: its header box and proposed decision.",
        primary_key: &["file", "doc"],
        foreign_keys: &[ForeignKey { fields: &["file", "doc"], resource: "documents", reference: &["file", "doc"] }],
        fields: || specs(&memos_columns()),
        write: |b, w| emit(w, &memos_columns(), b.parts(memo_of)),
    },
    Table {
        name: "disagreements",
        title: "Disagreements between sources",
        description: "One row per value of a meeting or sak field on which the documents disagree (two dates for one meeting, two titles for one sak). Alternative 1 is the value in meetings.csv / items.csv.",
        primary_key: &["id"],
        foreign_keys: &[
            ForeignKey { fields: MEETING_KEY, resource: "meetings", reference: MEETING_KEY },
            ForeignKey { fields: ITEM_KEY, resource: "items", reference: ITEM_KEY },
        ],
        fields: || specs(&disagreements_columns()),
        write: |b, w| emit(w, &disagreements_columns(), b.disagreement_rows()),
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn output_tables_are_well_formed() {
        let names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        for t in TABLES {
            let fields = (t.fields)();
            let set: BTreeSet<&str> = fields.iter().map(|f| f.name).collect();
            assert_eq!(set.len(), fields.len(), "duplicate field in {}", t.name);
            for k in t.primary_key {
                assert!(set.contains(k), "{}: primary key {k} not a field", t.name);
            }
            for fk in t.foreign_keys {
                assert!(fk.fields.iter().all(|f| set.contains(f)), "{}", t.name);
                let target = TABLES.iter().find(|u| u.name == fk.resource).expect("fk target");
                let tf: BTreeSet<&str> = (target.fields)().iter().map(|f| f.name).collect();
                assert!(fk.reference.iter().all(|f| tf.contains(f)), "{} → {}", t.name, target.name);
                assert_eq!(fk.reference, target.primary_key, "{} → {}", t.name, target.name);
                // Parents come first.
                assert!(names.iter().position(|n| *n == target.name) < names.iter().position(|n| *n == t.name));
            }
            assert!(fields.iter().all(|f| !f.description.is_empty()));
        }
    }

    #[test]
    fn output_cells_render() {
        assert_eq!(Cell::Null.render(), "");
        assert_eq!(Cell::Bool(true).render(), "true");
        assert_eq!(Cell::Num(87.3).render(), "87.3");
        assert_eq!(Cell::Num(f32::NAN).render(), "");
        assert_eq!(Cell::Int(-4).render(), "-4");
    }
}
