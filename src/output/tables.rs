//! The datasets: one [`Table`] per dataset, each a list of [`Column`]s
//! that pair a field of the Table Schema (name, type, description) with the
//! function reading its value from a row. The same definitions create the
//! tables of the run's store, fill them, write the CSV header and rows,
//! `datapackage.json` and `motebok.sqlite`, so none of these can drift
//! apart.
//!
//! # Conventions
//!
//! * Per-document tables (`documents`, `document_meetings`,
//!   `participants`, `document_items`, `references`, `memos`) hold what
//!   each file says, sorted by input path, then document, then row; `doc`
//!   and `row` are 1-based (`doc` n is `documents[n-1]` of the per-file
//!   JSON). Their primary keys are `file` + `doc` (+ `row`).
//! * Merged tables (`meetings`, `items`, `attendance`, with their
//!   provenance in `meeting_sources` and `item_sources`, and
//!   `disagreements`; see [`crate::merge`]) hold one row per meeting, sak
//!   and person at a meeting, keyed by single columns: `meeting_id`
//!   (`NUIT 2/2022`, or `Kommunestyret 2024-05-02` for a meeting without a
//!   number) and `item_id` (`NUIT sak 13/2022`, or `<meeting_id> sak 3.1`).
//!   Every per-document row that belongs to a meeting or sak carries its
//!   `meeting_id` / `item_id`, so the tables join (and Datasette links)
//!   without composite keys. Merged rows are sorted by body, year, number.
//! * Empty cell = null. Booleans are `true` / `false`. UTF-8, `,`, LF line
//!   ends, fields quoted when needed (text values may hold newlines, except
//!   `files.error`, which is one line). Lists (`attachments`,
//!   `case_officers`, `files.engines`) are joined with ` | `.
//! * `pages` (the text of every page, for full-text search) is written to
//!   `motebok.sqlite` only, not as a CSV.

use std::borrow::Cow;

use crate::merge::{Attendee, Disagreement, MergedItem, MergedMeeting, SourceRef};
use crate::model::{Document, FileRecord, Item, Meeting, Memo, Participant, Reference};
use crate::rules::Rules;
use crate::store::{SqlType, TableDef, Value};

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

    pub fn sql(self) -> SqlType {
        match self {
            FieldType::Integer | FieldType::Boolean => SqlType::Integer,
            FieldType::Number => SqlType::Real,
            FieldType::String | FieldType::Date => SqlType::Text,
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

impl Cell<'_> {
    /// As stored: empty text and non-finite numbers are NULL, booleans 0/1,
    /// numbers the decimal they print as.
    pub fn value(&self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Str(s) if s.is_empty() => Value::Null,
            Cell::Str(s) => Value::Text(s.to_string()),
            Cell::Text(s) if s.is_empty() => Value::Null,
            Cell::Text(s) => Value::Text(s.clone()),
            Cell::Int(i) => Value::Integer(*i),
            Cell::Bool(b) => Value::Integer(i64::from(*b)),
            Cell::Num(f) if f.is_finite() => f.to_string().parse::<f64>().map_or(Value::Null, Value::Real),
            Cell::Num(_) => Value::Null,
        }
    }
}

/// A stored value as a CSV cell of a field of type `ty`.
pub fn render(v: &Value, ty: FieldType) -> Cow<'_, str> {
    match (v, ty) {
        (Value::Null, _) => Cow::Borrowed(""),
        (Value::Integer(i), FieldType::Boolean) => Cow::Borrowed(if *i != 0 { "true" } else { "false" }),
        (Value::Integer(i), _) => Cow::Owned(i.to_string()),
        (Value::Real(f), _) => Cow::Owned(f.to_string()),
        (Value::Text(s), _) => Cow::Borrowed(s.as_str()),
        (Value::Blob(b), _) => String::from_utf8_lossy(b),
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
fn obool(v: Option<bool>) -> Cell<'static> {
    v.map_or(Cell::Null, Cell::Bool)
}
fn joined(v: &[String]) -> Cell<'_> {
    match v {
        [] => Cell::Null,
        [one] => Cell::Str(one),
        _ => Cell::Text(v.join(LIST_SEP)),
    }
}
fn source(v: &Option<SourceRef>) -> Cell<'static> {
    v.as_ref().map_or(Cell::Null, |s| Cell::Text(s.render()))
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

/// The values of one row, in column order.
fn values<R>(cols: &[Column<R>], r: &R) -> Vec<Value> {
    cols.iter().map(|c| (c.get)(r).value()).collect()
}

pub struct ForeignKey {
    pub fields: &'static [&'static str],
    pub resource: &'static str,
    pub reference: &'static [&'static str],
}

/// How a table's rows come about.
pub enum Fill {
    /// From each file's record, as it arrives: its rows and their hidden values.
    Record(fn(&RecordCx<'_>, &mut dyn FnMut(Vec<Value>))),
    /// Computed from the other tables after every record is in (the merge).
    Merged,
}

/// One dataset.
pub struct Table {
    /// Resource name; the CSV is `csv/<name>.csv`.
    pub name: &'static str,
    pub title: &'static str,
    /// The full description (datapackage.json).
    pub description: &'static str,
    /// One line for Datasette's table page.
    pub short: &'static str,
    pub primary_key: &'static [&'static str],
    pub foreign_keys: &'static [ForeignKey],
    pub fields: fn() -> Vec<FieldSpec>,
    /// Columns of the store only, after the fields (sort keys, merge keys).
    pub hidden: &'static [&'static str],
    /// The order rows are written in (unique: the primary key or a sort key).
    pub order_by: &'static [&'static str],
    /// Written as `csv/<name>.csv` (and described in datapackage.json);
    /// otherwise in `motebok.sqlite` only.
    pub csv: bool,
    pub fill: Fill,
}

impl Table {
    /// `csv/<name>.csv`.
    pub fn path(&self) -> String {
        format!("csv/{}.csv", self.name)
    }

    /// The table in the store: the fields, then the hidden columns. The
    /// primary key is enforced for `files` (a second record of one input is
    /// an error) and the merged tables; the rows of a record are unique by
    /// construction (document and row positions), and an index on them
    /// would only slow the writer down.
    pub fn store_def(&self) -> TableDef {
        let mut columns: Vec<(String, SqlType)> = (self.fields)().iter().map(|f| (f.name.to_string(), f.ty.sql())).collect();
        columns.extend(self.hidden.iter().map(|h| (h.to_string(), SqlType::Text)));
        let keyed = self.name == "files" || matches!(self.fill, Fill::Merged);
        let primary_key = if keyed { self.primary_key.iter().map(|s| s.to_string()).collect() } else { Vec::new() };
        TableDef { name: self.name.to_string(), columns, primary_key }
    }

    pub fn by_name(name: &str) -> Option<&'static Table> {
        TABLES.iter().find(|t| t.name == name)
    }
}

/// What the per-record tables need to know about one document besides the
/// record: the keys the merge gives its parts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocIds {
    /// The meeting the document is about (memos: when their header names it).
    pub meeting_id: Option<String>,
    /// Per item of the document, its item id.
    pub items: Vec<Option<String>>,
    /// For a memo: the id of its sak.
    pub memo_item: Option<String>,
    /// Per reference row: the id the earlier sak would have (kept only
    /// when that sak is an item of the datasets).
    pub references: Vec<Option<String>>,
}

/// One file's record with what its rows need.
pub struct RecordCx<'a> {
    pub rec: &'a FileRecord,
    pub stem: &'a str,
    /// One per document.
    pub ids: &'a [DocIds],
    pub rules: &'a Rules,
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
    pub ids: &'a DocIds,
    pub rules: &'a Rules,
    /// 1-based position of the row within the document.
    pub row: usize,
    pub x: &'a T,
}

impl<'a, T> DocRow<'a, T> {
    fn meeting(&self) -> Option<&'a Meeting> {
        self.doc.meeting.as_ref()
    }
}

static NO_IDS: std::sync::LazyLock<DocIds> = std::sync::LazyLock::new(DocIds::default);

impl<'a> RecordCx<'a> {
    fn docs(&self) -> impl Iterator<Item = DocRow<'a, Document>> + '_ {
        let (rec, ids, rules) = (self.rec, self.ids, self.rules);
        rec.documents.iter().enumerate().map(move |(i, doc)| DocRow {
            rec,
            doc_no: i + 1,
            doc,
            ids: ids.get(i).unwrap_or(&NO_IDS),
            rules,
            row: 1,
            x: doc,
        })
    }

    fn parts<T: 'a>(&self, get: fn(&'a Document) -> &'a [T]) -> impl Iterator<Item = DocRow<'a, T>> + '_ {
        self.docs().flat_map(move |d| {
            get(d.doc).iter().enumerate().map(move |(j, x)| DocRow { rec: d.rec, doc_no: d.doc_no, doc: d.doc, ids: d.ids, rules: d.rules, row: j + 1, x })
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

/// `kind`, body, `meeting_id` of the document.
fn doc_context<'a, T>(body_name: &'static str) -> Vec<Column<DocRow<'a, T>>> {
    vec![
        col_enum("kind", KINDS, "Kind of the logical document.", |r| s(r.doc.kind.as_str())),
        col(body_name, S, "Canonical name of the document's body (rules/ aliases), else as printed.", |r| os(&r.doc.body)),
        col("meeting_id", S, "The meeting the document is about (meetings.csv); empty when it cannot be placed.", |r| os(&r.ids.meeting_id)),
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
            Cell::Text(r.rec.error_line())
        }),
        col("json", S, "The per-file JSON, relative to the output directory.", |r| Cell::Text(super::json::rel_path(r.stem))),
        col("title", S, "PDF Title metadata.", |r| os(&r.rec.source.title)),
        col("producer", S, "PDF Producer metadata.", |r| os(&r.rec.source.producer)),
        col("engines", S, "Text engines that produced the pages, ` | `-separated (lopdf, pdf-extract, ocr, none).", |r| {
            let mut e: Vec<_> = r.rec.pages.iter().map(|p| p.engine).collect();
            e.sort();
            e.dedup();
            Cell::Text(e.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(LIST_SEP))
        }),
        col("ocr_pages", I, "Number of pages read by OCR.", |r| {
            count(r.rec.pages.iter().filter(|p| p.engine == crate::model::Engine::Ocr).count())
        }),
        col("poor_pages", S, "Pages whose text no engine reads well (the text-quality check flagged them: unmapped glyphs, symbol soup, letters that make no words), as `1-3, 5`. Empty when every page reads well.", |r| {
            let poor: Vec<u32> =
                r.rec.pages.iter().filter(|p| p.quality == crate::model::Quality::Poor).map(|p| p.page).collect();
            Cell::Text(crate::util::page_list(&poor))
        }),
        col("problems", I, "Number of problems recorded for the file (errors and warnings; see the per-file JSON and report.md).", |r| {
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
        col("body", S, "Canonical body name (rules/ aliases), else as printed.", |r| os(&r.doc.body)),
        col("meeting_id", S, "The meeting the document is about (meetings.csv); for a case memo, the meeting its header names or, failing that, the meeting of its sak. Empty when it cannot be placed.", |r| {
            os(&r.ids.meeting_id)
        }),
        col("meeting_label", S, "Meeting as printed: 2/22, 4/2021.", |r| ostr(r.meeting().and_then(|m| m.label.as_deref()))),
        col("meeting_number", I, "Meeting number as printed.", |r| oint(r.meeting().and_then(|m| m.number))),
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

fn document_meetings_columns<'a>() -> Vec<Column<DocRow<'a, Document>>> {
    let mut c = doc_key();
    c.extend(doc_context("body"));
    c.extend([
        col("meeting_label", S, "Meeting as printed: 2/22, 4/2021.", |r: &DocRow<Document>| {
            ostr(r.meeting().and_then(|m| m.label.as_deref()))
        }),
        col("meeting_number", I, "Meeting number as printed (2 in 2/22).", |r| oint(r.meeting().and_then(|m| m.number))),
        col("meeting_year", I, "Four-digit year of the meeting label.", |r| oint(r.meeting().and_then(|m| m.year))),
        col("extraordinary", B, "The title says Ekstra møte / ekstramøte.", |r| r.meeting().map_or(Cell::Null, |m| Cell::Bool(m.extraordinary))),
        col("date", D, "Meeting date.", |r| ostr(r.meeting().and_then(|m| m.date.as_deref()))),
        col("start_time", S, "Start time HH:MM.", |r| ostr(r.meeting().and_then(|m| m.start_time.as_deref()))),
        col("end_time", S, "End time HH:MM.", |r| ostr(r.meeting().and_then(|m| m.end_time.as_deref()))),
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
        col("name", S, "Person's name, as printed.", |r: &DocRow<Participant>| s(&r.x.name)),
        col("organisation", S, "Organisation or party as printed, joined across line breaks.", |r| os(&r.x.organisation)),
        col("organisation_canonical", S, "The organisation after the aliases of rules/organisations.toml (NHN → Norsk helsenett SF); else as printed, whitespace normalised.", |r| {
            r.x.organisation.as_deref().map_or(Cell::Null, |o| Cell::Text(r.rules.canonical_organisation(o)))
        }),
        col_enum("role", ROLES, "member, observer, substitute, secretariat or other.", |r| s(r.x.role.as_str())),
        col("function", S, "Position as printed: Leder, Nestleder, Referent, …", |r| os(&r.x.function)),
        col_enum("attendance", ATTENDANCE, "present or absent (minutes); empty in agendas.", |r| {
            r.x.attendance.map_or(Cell::Null, |a| s(a.as_str()))
        }),
        col("note", S, "Remark: fra kl. 10.30, video, deltok t.o.m. sak 27/21.", |r| os(&r.x.note)),
        col("substitute_for", S, "For substitutes: the member they stand in for.", |r| os(&r.x.substitute_for)),
        col("page", I, "Page the participant is listed on.", |r| int(r.x.page)),
    ]);
    c
}

fn document_items_columns<'a>() -> Vec<Column<DocRow<'a, Item>>> {
    let mut c = doc_key();
    c.extend(doc_context("body"));
    c.push(row_no());
    c.extend([
        col("sak", S, "The sak as printed, without the word before it: 13/22, 3.1, Forslag 2.", |r: &DocRow<Item>| s(&r.x.sak)),
        col("number", I, "Case number (13 in 13/22); empty for 3.1 or lettered points.", |r| oint(r.x.number)),
        col("year", I, "Case year, four digits, when the sak carries one.", |r| oint(r.x.year)),
        col("item_id", S, "The merged sak (items.csv).", |r| ostr(r.ids.items.get(r.row - 1).and_then(|i| i.as_deref()))),
        col("title", S, "Item title, lines joined.", |r| os(&r.x.title)),
        col("time", S, "HH:MM from the agenda's Tidspunkt column.", |r| os(&r.x.time)),
        col("type", S, "Sakstype: Godkjenning, Drøfting, Orientering, Anbefaling, Tilslutning, Beslutning.", |r| os(&r.x.sak_type)),
        col("proposed_decision", S, "Text after Forslag til vedtak.", |r| os(&r.x.proposed_decision)),
        col("decision", S, "The decision (Vedtak) recorded in minutes.", |r| os(&r.x.decision)),
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
        col("body", S, "Body of the earlier treatment.", |r| os(&r.x.body)),
        col("title", S, "Title of the earlier case.", |r| os(&r.x.title)),
        col("decision", S, "Decision taken then.", |r| os(&r.x.decision)),
        col("note", S, "Remark printed in the row (Møtet er ikke avholdt).", |r| os(&r.x.note)),
        col("page", I, "Page of the row.", |r| int(r.x.page)),
        col("ref_item_id", S, "The earlier sak as a row of items.csv, when it is one.", |r| {
            ostr(r.ids.references.get(r.row - 1).and_then(|i| i.as_deref()))
        }),
    ]);
    c
}

fn memos_columns<'a>() -> Vec<Column<DocRow<'a, Memo>>> {
    let mut c = doc_key();
    c.extend([
        col("body", S, "Canonical body name of the document.", |r: &DocRow<Memo>| os(&r.doc.body)),
        col("meeting_id", S, "The meeting the memo is for: named in its header, or the meeting of its sak.", |r| os(&r.ids.meeting_id)),
        col("item_id", S, "The sak the memo is about (items.csv).", |r| os(&r.ids.memo_item)),
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

/// A page's text, for `pages` (motebok.sqlite only).
pub struct PageRow<'a> {
    pub file: &'a str,
    pub page: u32,
    pub text: &'a str,
}

fn pages_columns<'a>() -> Vec<Column<PageRow<'a>>> {
    vec![
        col("file", S, "Input file.", |r: &PageRow| s(r.file)),
        col("page", I, "Page number (1-based).", |r| int(r.page)),
        col("doc", I, "The first document of the file that covers the page.", |_| Cell::Null),
        col("meeting_id", S, "That document's meeting.", |_| Cell::Null),
        col("text", S, "The page's text as extracted (or read by OCR), page furniture included.", |r| s(r.text)),
    ]
}

/// The values of one `pages` row (doc and meeting are filled in later).
pub fn page_values(file: &str, page: u32, text: &str) -> Vec<Value> {
    values(&pages_columns(), &PageRow { file, page, text })
}

fn meetings_columns<'a>() -> Vec<Column<&'a MergedMeeting>> {
    vec![
        col("meeting_id", S, "The meeting: body + number/year (NUIT 2/2022), or body + date when it has no number (Kommunestyret 2024-05-02).", |r: &&MergedMeeting| {
            s(&r.id)
        }),
        col("body", S, "Canonical body name (rules/ aliases), else as printed.", |r| s(&r.key.body)),
        col("meeting_number", I, "Meeting number (2 in 2/22); empty for a meeting without one.", |r| oint(r.key.number)),
        col("meeting_year", I, "Meeting year: of the number, else of the date.", |r| int(r.key.year)),
        col("meeting_label", S, "Meeting as printed by the chosen source: 2/22, 4/2021.", |r| os(&r.label)),
        col("extraordinary", B, "Ekstra møte / ekstramøte (minutes > agenda).", |r| obool(r.extraordinary)),
        col("date", D, "Meeting date (minutes > agenda; other values in disagreements.csv).", |r| os(&r.date)),
        col("start_time", S, "Start time HH:MM (minutes > agenda).", |r| os(&r.start_time)),
        col("end_time", S, "End time HH:MM (minutes > agenda).", |r| os(&r.end_time)),
        col("location", S, "Place (minutes > agenda).", |r| os(&r.location)),
        col("title", S, "Heading of the agenda (the meeting's name), else of the minutes.", |r| os(&r.title)),
        col("has_agenda", B, "An agenda of this meeting is among the inputs.", |r| Cell::Bool(r.has_agenda)),
        col("has_minutes", B, "Minutes of this meeting are among the inputs.", |r| Cell::Bool(r.has_minutes)),
        col("memos", I, "Number of case memos for this meeting among the inputs.", |r| count(r.memos)),
        col("documents", I, "Number of documents about this meeting (meeting_sources.csv rows).", |r| count(r.documents)),
        col("participants", I, "Number of people listed for this meeting (attendance.csv rows).", |r| count(r.participants)),
        col("items", I, "Number of saker of this meeting (items.csv rows).", |r| count(r.items)),
        col("disagreements", I, "Number of meeting fields the sources disagree on (see disagreements.csv).", |r| count(r.disagreements)),
    ]
}

/// The values of a `meetings` row, then its sort key.
pub fn meeting_values(m: &MergedMeeting) -> Vec<Value> {
    let mut v = values(&meetings_columns(), &m);
    v.push(Value::Text(m.key.sort_key()));
    v
}

/// A row of `meeting_sources` or `item_sources`.
pub struct SourceRow<'a> {
    pub id: &'a str,
    pub src: &'a SourceRef,
    /// item_sources: the row of the sak in its document (0 for a memo).
    pub row: usize,
    pub sak: Option<&'a str>,
}

fn meeting_sources_columns<'a>() -> Vec<Column<SourceRow<'a>>> {
    vec![
        col("meeting_id", S, "The meeting.", |r: &SourceRow| s(r.id)),
        col("file", S, "Input file holding the document.", |r| s(&r.src.file)),
        col("doc", I, "1-based position of the document in its file.", |r| count(r.src.doc)),
        col_enum("kind", KINDS, "Kind of the document.", |r| s(r.src.kind.as_str())),
    ]
}

/// The values of a `meeting_sources` row, then its sort key.
pub fn meeting_source_values(meeting_id: &str, meeting_sort: &str, src: &SourceRef) -> Vec<Value> {
    let mut v = values(&meeting_sources_columns(), &SourceRow { id: meeting_id, src, row: 0, sak: None });
    v.push(Value::Text(format!("{meeting_sort}\u{1f}{}\u{1f}{:010}", src.file, src.doc)));
    v
}

fn item_sources_columns<'a>() -> Vec<Column<SourceRow<'a>>> {
    vec![
        col("item_id", S, "The sak.", |r: &SourceRow| s(r.id)),
        col("file", S, "Input file holding the document.", |r| s(&r.src.file)),
        col("doc", I, "1-based position of the document in its file.", |r| count(r.src.doc)),
        col("row", I, "Row of the sak in document_items.csv (0 for a case memo, which is about the sak as a whole).", |r| count(r.row)),
        col_enum("kind", KINDS, "Kind of the document.", |r| s(r.src.kind.as_str())),
        col("sak", S, "The sak as this document prints it.", |r| ostr(r.sak)),
    ]
}

/// The values of an `item_sources` row, then its sort key.
pub fn item_source_values(item_id: &str, item_sort: &str, src: &SourceRef, row: usize, sak: &str) -> Vec<Value> {
    let mut v = values(&item_sources_columns(), &SourceRow { id: item_id, src, row, sak: Some(sak) });
    v.push(Value::Text(format!("{item_sort}\u{1f}{}\u{1f}{:010}\u{1f}{row:010}", src.file, src.doc)));
    v
}

fn items_columns<'a>() -> Vec<Column<&'a MergedItem>> {
    vec![
        col("item_id", S, "The sak: body + sak number/year (NUIT sak 13/2022), or its meeting + the sak as printed when it has no year (Kommunestyret 2024-05-02 sak 3.1).", |r: &&MergedItem| {
            s(&r.id)
        }),
        col("meeting_id", S, "The meeting that treats the sak (minutes > agenda > memo).", |r| s(&r.meeting_id)),
        col("body", S, "Canonical body name.", |r| s(&r.body)),
        col("sak", S, "The sak as printed by the chosen source: 13/22.", |r| s(&r.sak)),
        col("sak_number", I, "Case number (13 in 13/22).", |r| oint(r.number)),
        col("sak_year", I, "Case year, four digits, when the sak carries one.", |r| oint(r.year)),
        col("title", S, "Title (minutes > agenda > memo), lines joined.", |r| os(&r.title)),
        col("type", S, "Sakstype (minutes > agenda > memo).", |r| os(&r.sak_type)),
        col("time", S, "HH:MM from the agenda's Tidspunkt column.", |r| os(&r.time)),
        col("proposed_decision", S, "Forslag til vedtak (agenda > case memo > minutes).", |r| os(&r.proposed_decision)),
        col("proposed_decision_from", S, "The document the proposal is from: file#doc (kind).", |r| source(&r.proposed_from)),
        col("decision", S, "Vedtak, from the minutes.", |r| os(&r.decision)),
        col("decision_from", S, "The document the decision is from: file#doc (kind).", |r| source(&r.decision_from)),
        col_enum(
            "outcome",
            crate::merge::Outcome::ALL,
            "adopted_as_proposed (decision = proposal, whitespace aside), amended, decided (no proposal on file), no_decision (minutes without a vedtak), pending (no minutes yet).",
            |r| s(r.outcome.as_str()),
        ),
        col("documents", I, "Number of documents listing this sak (item_sources.csv rows).", |r| count(r.documents)),
        col("disagreements", I, "Number of fields of this sak the sources disagree on (see disagreements.csv).", |r| count(r.disagreements)),
    ]
}

/// The values of an `items` row, then its sort key.
pub fn item_values(i: &MergedItem) -> Vec<Value> {
    let mut v = values(&items_columns(), &i);
    v.push(Value::Text(i.sort.clone()));
    v
}

fn attendance_columns<'a>() -> Vec<Column<&'a Attendee>> {
    vec![
        col("meeting_id", S, "The meeting.", |r: &&Attendee| s(&r.meeting_id)),
        col("name", S, "The person, as the chosen source prints the name.", |r| s(&r.name)),
        col("organisation", S, "Organisation, canonical (rules/organisations.toml), from the chosen source.", |r| os(&r.organisation)),
        col("organisation_printed", S, "The organisation as that source prints it.", |r| os(&r.organisation_printed)),
        col_enum("role", ROLES, "member, observer, substitute, secretariat or other (minutes > agenda).", |r| os(&r.role)),
        col("function", S, "Position as printed: Leder, Nestleder, Referent, …", |r| os(&r.function)),
        col_enum("attendance", ATTENDANCE, "present or absent (minutes); empty when only an agenda lists the person.", |r| os(&r.attendance)),
        col("note", S, "Remark: fra kl. 10.30, video, deltok t.o.m. sak 27/21.", |r| os(&r.note)),
        col("substitute_for", S, "For substitutes: the member they stand in for.", |r| os(&r.substitute_for)),
        col("listed_in", I, "Number of listings of the person for this meeting (every document and copy; their rows are in participants.csv).", |r| {
            count(r.listed_in)
        }),
        col("listed_from", S, "The document the values are from (minutes > agenda): file#doc (kind).", |r| source(&r.from)),
    ]
}

/// The values of an `attendance` row, then its sort key.
pub fn attendance_values(a: &Attendee, meeting_sort: &str) -> Vec<Value> {
    let mut v = values(&attendance_columns(), &a);
    v.push(Value::Text(format!("{meeting_sort}\u{1f}{}\u{1f}{}", crate::merge::person_key(&a.name), a.name)));
    v
}

/// A row of `disagreements`: one alternative value of one disputed field.
pub struct DisagreementRow<'a> {
    pub d: &'a Disagreement,
    /// 1-based; 1 is the value in the main column.
    pub alt: usize,
}

fn sources_cell(v: &[SourceRef]) -> Cell<'static> {
    Cell::Text(v.iter().map(SourceRef::render).collect::<Vec<_>>().join(LIST_SEP))
}

fn disagreements_columns<'a>() -> Vec<Column<DisagreementRow<'a>>> {
    vec![
        col("id", I, "Row number.", |_: &DisagreementRow| Cell::Null),
        col("meeting_id", S, "The meeting.", |r| s(&r.d.meeting_id)),
        col("item_id", S, "For item fields: the sak.", |r| r.d.item.as_ref().map_or(Cell::Null, |(k, _)| s(k))),
        col("sak", S, "For item fields: the sak as printed.", |r| r.d.item.as_ref().map_or(Cell::Null, |(_, p)| s(p))),
        col("person", S, "For a person's fields: the name.", |r| os(&r.d.person)),
        col("field", S, "The field in dispute: date, start_time, end_time, location, extraordinary (meetings); meeting, title, type, time, proposed_decision, decision (items); attendance, role, organisation (people).", |r| {
            s(r.d.field)
        }),
        col("alternative", I, "1-based number of this value among the field's values; 1 is the value in the main column.", |r| count(r.alt)),
        col("chosen", B, "True for the value in the main column (meetings.csv / items.csv / attendance.csv).", |r| Cell::Bool(r.alt == 1)),
        col("value", S, "One of the values the sources give.", |r| s(&r.d.values[r.alt - 1].value)),
        col("sources", S, "The documents giving this value, ` | `-separated: file#doc (kind): the first 10 (best-ranked first; each document's own value is in document_items, document_meetings, participants, memos).", |r| {
            sources_cell(&r.d.values[r.alt - 1].sources)
        }),
        col("source_count", I, "How many documents give this value.", |r| count(r.d.values[r.alt - 1].count)),
    ]
}

/// The rows of one disagreement (one per alternative), each with its sort
/// key: `sort` orders the disagreement (meeting, then meeting fields, items,
/// people), then the alternative. `id` is numbered at the end.
pub fn disagreement_values(d: &Disagreement, sort: &str) -> Vec<Vec<Value>> {
    let cols = disagreements_columns();
    (1..=d.values.len())
        .map(|alt| {
            let mut v = values(&cols, &DisagreementRow { d, alt });
            v.push(Value::Text(format!("{sort}\u{1f}{}\u{1f}{alt:06}", d.field)));
            v
        })
        .collect()
}

fn fill_files(cx: &RecordCx<'_>, emit: &mut dyn FnMut(Vec<Value>)) {
    let mut v = values(&files_columns(), &FileRow { rec: cx.rec, stem: cx.stem });
    // The whole origin (licence included), for datapackage.json and the manifest.
    let origin = cx.rec.source.origin.as_ref().and_then(|o| serde_json::to_string(o).ok());
    v.push(origin.map_or(Value::Null, Value::Text));
    emit(v);
}

fn fill_documents(cx: &RecordCx<'_>, emit: &mut dyn FnMut(Vec<Value>)) {
    let cols = documents_columns();
    for d in cx.docs() {
        emit(values(&cols, &d));
    }
}

fn fill_document_meetings(cx: &RecordCx<'_>, emit: &mut dyn FnMut(Vec<Value>)) {
    let cols = document_meetings_columns();
    for d in cx.docs().filter(|d| d.doc.is_meeting()) {
        emit(values(&cols, &d));
    }
}

fn fill_participants(cx: &RecordCx<'_>, emit: &mut dyn FnMut(Vec<Value>)) {
    let cols = participants_columns();
    for p in cx.parts(|d| d.participants.as_slice()) {
        let mut v = values(&cols, &p);
        v.push(Value::Text(crate::merge::person_key(&p.x.name)));
        emit(v);
    }
}

fn fill_document_items(cx: &RecordCx<'_>, emit: &mut dyn FnMut(Vec<Value>)) {
    let cols = document_items_columns();
    for i in cx.parts(|d| d.items.as_slice()) {
        emit(values(&cols, &i));
    }
}

fn fill_references(cx: &RecordCx<'_>, emit: &mut dyn FnMut(Vec<Value>)) {
    let cols = references_columns();
    for r in cx.parts(|d| d.references.as_slice()) {
        emit(values(&cols, &r));
    }
}

fn fill_memos(cx: &RecordCx<'_>, emit: &mut dyn FnMut(Vec<Value>)) {
    let cols = memos_columns();
    for m in cx.parts(|d| d.memo.as_slice()) {
        emit(values(&cols, &m));
    }
}

const DOC: &[&str] = &["file", "doc"];
const DOC_ROW: &[&str] = &["file", "doc", "row"];
const MEETING: &[&str] = &["meeting_id"];
const ITEM: &[&str] = &["item_id"];
const SORT: &[&str] = &["_sort"];

/// All datasets, parents before children.
pub const TABLES: &[Table] = &[
    Table {
        name: "files",
        title: "Input files",
        description: "One row per input PDF: identity, status and, when not ok, why.",
        short: "One row per input PDF: status and, when not ok, why.",
        primary_key: &["file"],
        foreign_keys: &[],
        fields: || specs(&files_columns()),
        hidden: &["_origin"],
        order_by: &["file"],
        csv: true,
        fill: Fill::Record(fill_files),
    },
    Table {
        name: "meetings",
        title: "Meetings",
        description: "One row per meeting, merged from every document that describes it: agendas, minutes, case memos, copies. Key meeting_id: body + number/year, or body + date for a meeting without a number. Where sources disagree the main column follows a fixed rule (minutes over agenda) and every value is in disagreements.csv. Documents whose body is unknown, or that have neither a meeting number nor a date, are not here (see document_meetings.csv and report.md).",
        short: "One row per meeting, merged over its agenda, minutes, memos and copies.",
        primary_key: MEETING,
        foreign_keys: &[],
        fields: || specs(&meetings_columns()),
        hidden: SORT,
        order_by: SORT,
        csv: true,
        fill: Fill::Merged,
    },
    Table {
        name: "items",
        title: "Saker",
        description: "One row per sak, merged from agenda, minutes and case memo: proposed_decision and decision side by side, and the outcome. Key item_id: body + number/year, or the meeting + the sak as printed when the sak has no year.",
        short: "One row per sak: proposal, decision and outcome side by side.",
        primary_key: ITEM,
        foreign_keys: &[ForeignKey { fields: MEETING, resource: "meetings", reference: MEETING }],
        fields: || specs(&items_columns()),
        hidden: SORT,
        order_by: SORT,
        csv: true,
        fill: Fill::Merged,
    },
    Table {
        name: "documents",
        title: "Logical documents",
        description: "One row per logical document (agenda, minutes, case memo, other) of each file, in page order.",
        short: "One row per logical document of each file.",
        primary_key: DOC,
        foreign_keys: &[
            ForeignKey { fields: &["file"], resource: "files", reference: &["file"] },
            ForeignKey { fields: MEETING, resource: "meetings", reference: MEETING },
        ],
        fields: || specs(&documents_columns()),
        hidden: &[],
        order_by: DOC,
        csv: true,
        fill: Fill::Record(fill_documents),
    },
    Table {
        name: "meeting_sources",
        title: "Documents of each meeting",
        description: "One row per document a merged meeting is built from.",
        short: "Which documents each meeting is built from.",
        primary_key: &["meeting_id", "file", "doc"],
        foreign_keys: &[
            ForeignKey { fields: MEETING, resource: "meetings", reference: MEETING },
            ForeignKey { fields: DOC, resource: "documents", reference: DOC },
        ],
        fields: || specs(&meeting_sources_columns()),
        hidden: SORT,
        order_by: SORT,
        csv: true,
        fill: Fill::Merged,
    },
    Table {
        name: "document_meetings",
        title: "Meetings, as each document states them",
        description: "One row per agenda or minutes document (and any other document with a meeting header, participants or items): the meeting it is about as printed, and where it was read. A meeting appears once per document that describes it.",
        short: "The meeting header of each agenda and minutes, as printed.",
        primary_key: DOC,
        foreign_keys: &[
            ForeignKey { fields: DOC, resource: "documents", reference: DOC },
            ForeignKey { fields: MEETING, resource: "meetings", reference: MEETING },
        ],
        fields: || specs(&document_meetings_columns()),
        hidden: &[],
        order_by: DOC,
        csv: true,
        fill: Fill::Record(fill_document_meetings),
    },
    Table {
        name: "attendance",
        title: "Attendance",
        description: "One row per meeting and person, merged over every document (and copy) that lists the person for the meeting: role, organisation (canonical, and as printed), attendance, from the minutes when there are minutes. Disputed values are in disagreements.csv; the listing of each document is in participants.csv.",
        short: "One row per meeting × person: role, organisation, present or absent.",
        primary_key: &["meeting_id", "name"],
        foreign_keys: &[ForeignKey { fields: MEETING, resource: "meetings", reference: MEETING }],
        fields: || specs(&attendance_columns()),
        hidden: SORT,
        order_by: SORT,
        csv: true,
        fill: Fill::Merged,
    },
    Table {
        name: "participants",
        title: "Participants, as each document lists them",
        description: "One row per person listed in an agenda or minutes, as printed; one meeting's list appears once per document (and copy) that prints it. attendance.csv merges them.",
        short: "Every person as each document lists them (attendance merges them).",
        primary_key: DOC_ROW,
        foreign_keys: &[
            ForeignKey { fields: DOC, resource: "document_meetings", reference: DOC },
            ForeignKey { fields: MEETING, resource: "meetings", reference: MEETING },
        ],
        fields: || specs(&participants_columns()),
        hidden: &["_key"],
        order_by: DOC_ROW,
        csv: true,
        fill: Fill::Record(fill_participants),
    },
    Table {
        name: "item_sources",
        title: "Documents of each sak",
        description: "One row per document listing a merged sak: the agenda or minutes row, or the case memo.",
        short: "Which documents list each sak.",
        primary_key: &["item_id", "file", "doc", "row"],
        foreign_keys: &[
            ForeignKey { fields: ITEM, resource: "items", reference: ITEM },
            ForeignKey { fields: DOC, resource: "documents", reference: DOC },
        ],
        fields: || specs(&item_sources_columns()),
        hidden: SORT,
        order_by: SORT,
        csv: true,
        fill: Fill::Merged,
    },
    Table {
        name: "document_items",
        title: "Agenda items (saker), as each document lists them",
        description: "One row per sak as listed in an agenda or minutes; it appears once per document that lists it. item_id names the merged sak in items.csv.",
        short: "Every sak as each agenda and minutes lists it.",
        primary_key: DOC_ROW,
        foreign_keys: &[
            ForeignKey { fields: DOC, resource: "document_meetings", reference: DOC },
            ForeignKey { fields: MEETING, resource: "meetings", reference: MEETING },
            ForeignKey { fields: ITEM, resource: "items", reference: ITEM },
        ],
        fields: || specs(&document_items_columns()),
        hidden: &[],
        order_by: DOC_ROW,
        csv: true,
        fill: Fill::Record(fill_document_items),
    },
    Table {
        name: "references",
        title: "Earlier decisions referred to",
        description: "One row per row of a \"Vedtak fra tidligere behandlinger\" table, with the meeting of the document it is printed in and, when the earlier sak is a row of items.csv, its item_id.",
        short: "Rows of \"Vedtak fra tidligere behandlinger\" tables.",
        primary_key: DOC_ROW,
        foreign_keys: &[
            ForeignKey { fields: DOC, resource: "documents", reference: DOC },
            ForeignKey { fields: MEETING, resource: "meetings", reference: MEETING },
            ForeignKey { fields: &["ref_item_id"], resource: "items", reference: ITEM },
        ],
        fields: || specs(&references_columns()),
        hidden: &[],
        order_by: DOC_ROW,
        csv: true,
        fill: Fill::Record(fill_references),
    },
    Table {
        name: "memos",
        title: "Case memos (toppnotat)",
        description: "One row per case memo: its header box and proposed decision, the meeting and the sak it is for.",
        short: "One row per case memo: header box and proposed decision.",
        primary_key: DOC,
        foreign_keys: &[
            ForeignKey { fields: DOC, resource: "documents", reference: DOC },
            ForeignKey { fields: MEETING, resource: "meetings", reference: MEETING },
            ForeignKey { fields: ITEM, resource: "items", reference: ITEM },
        ],
        fields: || specs(&memos_columns()),
        hidden: &[],
        order_by: DOC,
        csv: true,
        fill: Fill::Record(fill_memos),
    },
    Table {
        name: "disagreements",
        title: "Disagreements between sources",
        description: "One row per value of a meeting, sak or person field on which the documents disagree (two dates for one meeting, two titles for one sak, present in one copy and absent in another). Alternative 1 is the value in meetings.csv / items.csv / attendance.csv.",
        short: "Values the documents disagree on; alternative 1 is the one used.",
        primary_key: &["id"],
        foreign_keys: &[
            ForeignKey { fields: MEETING, resource: "meetings", reference: MEETING },
            ForeignKey { fields: ITEM, resource: "items", reference: ITEM },
        ],
        fields: || specs(&disagreements_columns()),
        hidden: SORT,
        order_by: SORT,
        csv: true,
        fill: Fill::Merged,
    },
    Table {
        name: "pages",
        title: "Page text",
        description: "The text of every page of every input, as extracted or read by OCR, for full-text search (pages_fts).",
        short: "The text of every page, for full-text search.",
        primary_key: &["file", "page"],
        foreign_keys: &[
            ForeignKey { fields: &["file"], resource: "files", reference: &["file"] },
            ForeignKey { fields: MEETING, resource: "meetings", reference: MEETING },
        ],
        fields: || specs(&pages_columns()),
        hidden: &[],
        order_by: &["file", "page"],
        csv: false,
        fill: Fill::Merged,
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
            for k in t.order_by {
                assert!(set.contains(k) || t.hidden.contains(k), "{}: order column {k}", t.name);
            }
            for fk in t.foreign_keys {
                assert!(fk.fields.iter().all(|f| set.contains(f)), "{}", t.name);
                let target = TABLES.iter().find(|u| u.name == fk.resource).expect("fk target");
                let tf: BTreeSet<&str> = (target.fields)().iter().map(|f| f.name).collect();
                assert!(fk.reference.iter().all(|f| tf.contains(f)), "{} → {}", t.name, target.name);
                assert_eq!(fk.reference, target.primary_key, "{} → {}", t.name, target.name);
                // Parents come first.
                assert!(names.iter().position(|n| *n == target.name) < names.iter().position(|n| *n == t.name));
                assert!(target.csv || !t.csv, "{}: a CSV refers to a table without one", t.name);
            }
            assert!(fields.iter().all(|f| !f.description.is_empty()));
            assert!(t.short.len() <= 90 && !t.short.is_empty(), "{}: short description", t.name);
        }
    }

    #[test]
    fn output_cells_render() {
        let r = |c: Cell, ty| render(&c.value(), ty).to_string();
        assert_eq!(r(Cell::Null, S), "");
        assert_eq!(r(Cell::Bool(true), B), "true");
        assert_eq!(r(Cell::Bool(false), B), "false");
        assert_eq!(r(Cell::Num(87.3), N), "87.3");
        assert_eq!(r(Cell::Num(95.55), N), "95.55");
        assert_eq!(r(Cell::Num(f32::NAN), N), "");
        assert_eq!(r(Cell::Int(-4), I), "-4");
        assert_eq!(Cell::Str("").value(), Value::Null);
    }
}
