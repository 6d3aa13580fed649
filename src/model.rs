//! The typed records of SPEC.md: what one input file yields.
//!
//! Field names and nesting follow the contract exactly (the scorer reads
//! them); fields beyond the contract are additions, never renames.

use serde::{Deserialize, Serialize};

/// Everything motebok knows about one input file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileRecord {
    pub source: Source,
    pub status: Status,
    /// Problems met, with the page they concern where there is one.
    pub errors: Vec<PageError>,
    /// Per page: which engine produced its text and how much there was.
    #[serde(default)]
    pub pages: Vec<PageInfo>,
    /// Logical documents, in page order.
    pub documents: Vec<Document>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Source {
    /// The input's key: its path relative to the input root (see
    /// `crate::inputs`), names escaped losslessly, never absolute.
    pub file: String,
    pub sha256: String,
    pub bytes: u64,
    pub pages: u32,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub producer: Option<String>,
    /// Where the PDF came from (`sources.csv` beside the inputs); absent
    /// when not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// Provenance of an input, as `sources.csv` gives it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Origin {
    /// Where it was downloaded from.
    #[serde(default)]
    pub url: Option<String>,
    /// When (ISO 8601 date or timestamp).
    #[serde(default)]
    pub retrieved: Option<String>,
    /// Who published it.
    #[serde(default)]
    pub publisher: Option<String>,
    /// Terms of reuse: a licence id (`NLOD-2.0`) or URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
}

impl FileRecord {
    /// `files.error`: the record's errors on one line; empty for status ok.
    pub fn error_line(&self) -> String {
        if self.status == Status::Ok {
            return String::new();
        }
        let joined = self
            .errors
            .iter()
            .map(|e| match e.page {
                // A message that already names its page keeps it once.
                Some(p) if !e.message.starts_with(&format!("page {p} ")) => format!("page {p}: {}", e.message),
                Some(_) => e.message.clone(),
                None => e.message.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ");
        let line = crate::util::normalise_ws(&joined);
        if line.is_empty() {
            format!("{}: no reason recorded", self.status.as_str())
        } else {
            line
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Partial,
    NoText,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Partial => "partial",
            Status::NoText => "no_text",
            Status::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PageError {
    pub page: Option<u32>,
    pub message: String,
}

/// Which engine produced a page's text.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    Lopdf,
    PdfExtract,
    Ocr,
    /// No engine produced usable text for this page.
    None,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Lopdf => "lopdf",
            Engine::PdfExtract => "pdf-extract",
            Engine::Ocr => "ocr",
            Engine::None => "none",
        }
    }
}

/// How well a page's text reads, by the text-quality check
/// (`pdf::quality`): a page that no engine reads well is `poor`, never
/// passed off as good.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    /// Reads as text: words, figures, punctuation.
    #[default]
    Good,
    /// No text at all (a scan without OCR, a blank page).
    Empty,
    /// Text that does not read: glyphs no font maps, symbol soup, letters
    /// that make no words.
    Poor,
}

impl Quality {
    pub fn as_str(self) -> &'static str {
        match self {
            Quality::Good => "good",
            Quality::Empty => "empty",
            Quality::Poor => "poor",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PageInfo {
    pub page: u32,
    pub engine: Engine,
    /// The text-quality verdict on the page's text.
    #[serde(default)]
    pub quality: Quality,
    /// Tesseract's mean word confidence (0–100), OCR pages only.
    #[serde(default)]
    pub ocr_confidence: Option<f32>,
    pub chars: usize,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Agenda,
    Minutes,
    CaseMemo,
    Other,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Agenda => "agenda",
            DocumentKind::Minutes => "minutes",
            DocumentKind::CaseMemo => "case_memo",
            DocumentKind::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Document {
    pub kind: DocumentKind,
    pub page_start: u32,
    pub page_end: u32,
    pub title: Option<String>,
    pub body: Option<String>,
    pub meeting: Option<Meeting>,
    pub participants: Vec<Participant>,
    pub items: Vec<Item>,
    pub memo: Option<Memo>,
    pub references: Vec<Reference>,
    /// True when any page of this document was read by OCR: its values
    /// carry OCR's error rate.
    #[serde(default)]
    pub ocr: bool,
    /// Lowest OCR mean word confidence over the document's pages.
    #[serde(default)]
    pub ocr_confidence: Option<f32>,
    /// Header lines shaped like "Label value" whose label no rule knows:
    /// candidates for a new synonym in rules/labels.toml.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_labels: Vec<String>,
}

impl Document {
    pub fn new(kind: DocumentKind, page_start: u32, page_end: u32) -> Self {
        Document {
            kind,
            page_start,
            page_end,
            title: None,
            body: None,
            meeting: None,
            participants: Vec::new(),
            items: Vec::new(),
            memo: None,
            references: Vec::new(),
            ocr: false,
            ocr_confidence: None,
            unknown_labels: Vec::new(),
        }
    }

    /// A document that gets a `meetings.csv` row: agendas and minutes, and
    /// anything else that carries a meeting header, participants or items
    /// (so that participants → meetings and items → meetings always resolve).
    pub fn is_meeting(&self) -> bool {
        matches!(self.kind, DocumentKind::Agenda | DocumentKind::Minutes)
            || self.meeting.is_some()
            || !self.participants.is_empty()
            || !self.items.is_empty()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Meeting {
    /// As printed: `2/22`, `4/2021`.
    pub label: Option<String>,
    pub number: Option<u32>,
    pub year: Option<i32>,
    pub extraordinary: bool,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// `HH:MM`.
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    Observer,
    Substitute,
    Secretariat,
    Other,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Observer => "observer",
            Role::Substitute => "substitute",
            Role::Secretariat => "secretariat",
            Role::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    Present,
    Absent,
}

impl Attendance {
    pub fn as_str(self) -> &'static str {
        match self {
            Attendance::Present => "present",
            Attendance::Absent => "absent",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Participant {
    pub name: String,
    pub organisation: Option<String>,
    pub role: Role,
    /// `None` in agendas: who will come is not known yet.
    pub attendance: Option<Attendance>,
    pub note: Option<String>,
    pub substitute_for: Option<String>,
    /// The position as printed: `Leder`, `Nestleder`, `Referent`, …
    #[serde(default)]
    pub function: Option<String>,
    pub page: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Item {
    /// The identifier as printed, without the word before it (`PS 12/23` →
    /// `12/23`, `Punkt 4:` → `4`); a side series keeps its word
    /// (`Forslag 2`).
    pub sak: String,
    /// The integer before the slash or the plain integer; `None` for a
    /// dotted sub-number (`3.1`) or a lettered point.
    pub number: Option<u32>,
    /// Four digits, when the identifier carries a year.
    pub year: Option<i32>,
    pub title: Option<String>,
    /// `HH:MM`, from the agenda's Tidspunkt column.
    pub time: Option<String>,
    #[serde(rename = "type")]
    pub sak_type: Option<String>,
    pub proposed_decision: Option<String>,
    pub decision: Option<String>,
    pub attachments: Vec<String>,
    pub page: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Memo {
    pub sak: Option<String>,
    pub meeting_label: Option<String>,
    pub date: Option<String>,
    #[serde(rename = "type")]
    pub sak_type: Option<String>,
    pub owner: Option<String>,
    /// Null when the memo names none (a value not stated is null).
    #[serde(serialize_with = "empty_as_null", deserialize_with = "null_as_empty", default)]
    pub case_officers: Vec<String>,
    pub title: Option<String>,
    pub proposed_decision: Option<String>,
    /// `Til`: the body the memo is addressed to, as printed.
    #[serde(default)]
    pub to: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Reference {
    pub sak: String,
    pub date: Option<String>,
    pub body: Option<String>,
    pub title: Option<String>,
    pub decision: Option<String>,
    /// A remark printed in the row ("Møtet er ikke avholdt").
    #[serde(default)]
    pub note: Option<String>,
    pub page: u32,
}

fn empty_as_null<S: serde::Serializer>(v: &[String], s: S) -> Result<S::Ok, S::Error> {
    if v.is_empty() {
        s.serialize_none()
    } else {
        s.collect_seq(v)
    }
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}
