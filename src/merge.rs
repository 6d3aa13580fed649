//! One record per meeting, per sak and per person at a meeting, across
//! files.
//!
//! The same meeting appears in several files: its agenda in one, its
//! minutes bound into the next meeting's agenda, one case memo per sak, and
//! the same PDF published twice. This module says which documents belong
//! together (the keys) and how one group of sources becomes one row (the
//! `merge_*` functions). It does no I/O and holds no batch: the caller
//! (`output::dataset`) streams the groups out of the run's store, sorted by
//! key, and hands them here one at a time, so memory does not grow with
//! the number of files.
//!
//! # Keys (contract v2)
//!
//! * A **meeting** is `body + number/year` (`NUIT 2/2022`), or `body +
//!   date` when the document prints no meeting number (`Kommunestyret
//!   2024-05-02`). A number without a year takes the year of the date. See
//!   [`meeting_key`]. A document whose body is unknown, or that has neither
//!   a number nor a date, is *unplaced*: it stays in the per-document
//!   tables and the report lists it.
//! * An **item** (sak) is `body + number/year` when the sak carries both
//!   (`NUIT sak 13/2022`, whichever meeting lists it); otherwise it belongs
//!   to its meeting: `meeting + sak as printed` (`Kommunestyret 2024-05-02
//!   sak 3.1`, `NUIT 2/2022 sak Forslag 2`). See [`item_id`]. The word
//!   `sak` keeps an item's id apart from a meeting's (`NUFA 1/2024` is the
//!   meeting, `NUFA sak 1/2024` its first sak).
//! * A **person at a meeting** is the meeting + the name, compared after
//!   whitespace normalisation and case folding ([`person_key`]).
//!
//! Keys are rendered as single strings (`meeting_id`, `item_id`) for the
//! datasets, and have a sort key ([`MeetingKey::sort_key`], [`item_sort`])
//! that orders rows the way a reader expects (body, year, number, date;
//! `10/22` after `9/22`).
//!
//! # Which documents take part
//!
//! * Agendas, minutes and any other document with a meeting header,
//!   participants or items, when [`meeting_key`] places them.
//! * Case memos: their sak joins the item of the same key; the memo joins
//!   the meeting named in its header (`Møte 6/21`), or else the meeting of
//!   the agenda or minutes item with its sak (the caller resolves that). A
//!   memo with neither is unplaced.
//!
//! # Which value goes in the main column
//!
//! Sources are ranked, and the value of the best-ranked source that has one
//! is taken; ties go to the earlier file (path order), then the earlier
//! document in it:
//!
//! * meeting date, times, place, extraordinary: minutes > agenda (memos do
//!   not state these: a memo's date is the memo's);
//! * meeting title: the agenda's heading (the meeting's name) > minutes';
//! * item title, type, decision, and the meeting an item belongs to:
//!   minutes > agenda > case memo (the minutes record what was treated);
//! * proposed decision: agenda > case memo > minutes;
//! * item time: agenda > minutes;
//! * a person's attendance, role, organisation, function, note: minutes >
//!   agenda.
//!
//! Values are compared after whitespace normalisation (runs of whitespace
//! are one space, ends trimmed). When two sources give different values,
//! each distinct value becomes a [`Disagreement`] alternative (the chosen one
//! first), with the sources that gave it: reported, never silently
//! resolved.
//!
//! # Copies
//!
//! Sources that say exactly the same thing in documents of the same kind —
//! copies of one PDF, above all — come to the `merge_*` functions as one
//! [`Weighted`] candidate: the first [`LISTED`] of their documents and how
//! many there are. So a sak printed in 30,000 copies costs one candidate,
//! and an [`Alternative`] names its first documents and counts the rest
//! (every document's own value is in the per-document tables).
//!
//! # Outcome of an item
//!
//! * `adopted_as_proposed`: a decision equal to the proposal (whitespace
//!   normalised);
//! * `amended`: a decision that differs from the proposal;
//! * `decided`: a decision, and no proposal on file;
//! * `no_decision`: the sak is in minutes, but no source has a decision;
//! * `pending`: no minutes list the sak yet (and no decision on file).

use crate::model::{Document, DocumentKind};
use crate::util::normalise_ws;

/// A document of a file: `file` + 1-based `doc` + its kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceRef {
    pub file: String,
    /// 1-based position in the file (`documents[doc-1]` of its JSON).
    pub doc: usize,
    pub kind: DocumentKind,
}

impl SourceRef {
    /// `fixtures/001.pdf#2 (minutes)`.
    pub fn render(&self) -> String {
        format!("{}#{} ({})", self.file, self.doc, self.kind.as_str())
    }
}

/// The key of a meeting.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MeetingKey {
    pub body: String,
    /// From the meeting label, else from the date.
    pub year: i32,
    pub number: Option<u32>,
    /// Only for meetings without a number: the date held, `YYYY-MM-DD`.
    pub date: Option<String>,
}

impl MeetingKey {
    /// `NUIT 2/2022`, or `Kommunestyret 2024-05-02` for a meeting without
    /// a number.
    pub fn id(&self) -> String {
        match (self.number, &self.date) {
            (Some(n), _) => format!("{} {n}/{}", self.body, self.year),
            (None, Some(d)) => format!("{} {d}", self.body),
            (None, None) => format!("{} {}", self.body, self.year),
        }
    }

    /// Orders meetings by body, year, number (numbered meetings first), date.
    pub fn sort_key(&self) -> String {
        let number = self.number.map_or_else(|| "~".to_string(), |n| format!("{n:010}"));
        format!("{}\u{1f}{:+06}\u{1f}{number}\u{1f}{}", self.body, self.year, self.date.as_deref().unwrap_or(""))
    }
}

/// `YYYY` of a `YYYY-MM-DD` date.
pub fn year_of(date: &str) -> Option<i32> {
    let b = date.as_bytes();
    if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    date[..4].parse().ok()
}

/// The meeting a document describes, or why it cannot be placed. Memos are
/// placed by [`memo_meeting`] instead.
pub fn meeting_key(d: &Document) -> Result<MeetingKey, &'static str> {
    let body = d.body.as_deref().map(normalise_ws).filter(|b| !b.is_empty()).ok_or("body unknown")?;
    let m = d.meeting.as_ref();
    let date = m.and_then(|m| m.date.as_deref()).filter(|d| year_of(d).is_some());
    match m.and_then(|m| m.number) {
        Some(number) => {
            let year = m.and_then(|m| m.year).or_else(|| date.and_then(year_of)).ok_or("meeting year unknown")?;
            Ok(MeetingKey { body, year, number: Some(number), date: None })
        }
        None => {
            let date = date.ok_or("meeting number and date unknown")?;
            Ok(MeetingKey { body, year: year_of(date).unwrap_or_default(), number: None, date: Some(date.to_string()) })
        }
    }
}

/// A sak printed as number/year: `13/22`, `Sak 0009/05`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SakRef {
    pub number: u32,
    /// Four digits.
    pub year: i32,
    /// As printed, spaces removed: `13/22`.
    pub printed: String,
}

/// The first number/year in `text`.
pub fn parse_sak(text: &str) -> Option<SakRef> {
    let (s, _) = crate::read::lexicon::sak::find_sak(text)?;
    Some(SakRef { number: s.number, year: s.year, printed: s.printed })
}

/// Every number/year in `text`, in order ("deltok t.o.m. sak 27/21").
pub fn find_saks(text: &str) -> Vec<SakRef> {
    crate::read::lexicon::sak::find_saks(text).into_iter().map(|(s, _)| SakRef { number: s.number, year: s.year, printed: s.printed }).collect()
}

/// A memo's meeting, from its `Møte` label and its document's body.
pub fn memo_meeting(d: &Document) -> Option<MeetingKey> {
    let body = d.body.as_deref().map(normalise_ws).filter(|b| !b.is_empty())?;
    let label = d.memo.as_ref()?.meeting_label.as_deref()?;
    let s = parse_sak(label)?;
    Some(MeetingKey { body, year: s.year, number: Some(s.number), date: None })
}

/// A memo's sak: number/year when printed so, else the identifier as
/// printed (`5`) with no number or year.
pub fn memo_sak(d: &Document) -> Option<(Option<u32>, Option<i32>, String)> {
    let printed = d.memo.as_ref()?.sak.as_deref()?;
    if let Some(s) = parse_sak(printed) {
        return Some((Some(s.number), Some(s.year), s.printed));
    }
    let p = normalise_ws(printed).trim_end_matches(['.', ':', ',']).to_string();
    let p = p.strip_prefix("Sak ").or_else(|| p.strip_prefix("sak ")).map(str::to_string).unwrap_or(p);
    (!p.is_empty()).then(|| (p.parse().ok(), None, p))
}

/// The id of an item: `NUIT sak 13/2022` for a sak with number and year,
/// else `<meeting id> sak <sak>`.
pub fn item_id(body: &str, number: Option<u32>, year: Option<i32>, sak: &str, meeting: &MeetingKey) -> String {
    match (number, year) {
        (Some(n), Some(y)) => format!("{} sak {n}/{y}", normalise_ws(body)),
        _ => format!("{} sak {}", meeting.id(), normalise_ws(sak)),
    }
}

/// Digit runs zero-padded, so that `10` sorts after `9` and `3.10` after `3.9`.
pub fn natural(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if !digits.is_empty() {
            let trimmed = digits.trim_start_matches('0');
            out.push_str(&format!("{:0>10}", if trimmed.is_empty() { "0" } else { trimmed }));
            digits.clear();
        }
    };
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.extend(c.to_lowercase());
        }
    }
    flush(&mut digits, &mut out);
    out
}

/// The sort key of an item: body, year, then saks with number and year by
/// number, then the others by meeting and sak (natural order).
pub fn item_sort(body: &str, number: Option<u32>, year: Option<i32>, sak: &str, meeting_sort: &str, meeting_year: i32) -> String {
    match (number, year) {
        (Some(n), Some(y)) => format!("{}\u{1f}{y:+06}\u{1f}0\u{1f}{n:010}", normalise_ws(body)),
        _ => format!("{}\u{1f}{meeting_year:+06}\u{1f}1\u{1f}{meeting_sort}\u{1f}{}", normalise_ws(body), natural(sak)),
    }
}

/// The key a person is merged by within a meeting: the name, whitespace
/// normalised, lower-cased.
pub fn person_key(name: &str) -> String {
    normalise_ws(name).to_lowercase()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    AdoptedAsProposed,
    Amended,
    NoDecision,
    Pending,
    Decided,
}

impl Outcome {
    pub const ALL: &'static [&'static str] = &["adopted_as_proposed", "amended", "no_decision", "pending", "decided"];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::AdoptedAsProposed => "adopted_as_proposed",
            Outcome::Amended => "amended",
            Outcome::NoDecision => "no_decision",
            Outcome::Pending => "pending",
            Outcome::Decided => "decided",
        }
    }
}

/// Documents named per value (in disagreements.csv and the report); the
/// others are counted.
pub const LISTED: usize = 10;

/// One value of a disputed field.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    /// As the best-ranked source prints it.
    pub value: String,
    /// The first [`LISTED`] documents giving it, best-ranked first.
    pub sources: Vec<SourceRef>,
    /// How many documents give it.
    pub count: usize,
}

/// Distinct values of a field, the chosen one first.
pub type Alternatives = Vec<Alternative>;

/// Candidates that say the same thing, in documents of one kind, as one:
/// `sources` holds the first [`LISTED`] of their documents (in file and
/// document order, so the first is the best-ranked of them), `count` all.
#[derive(Debug, Clone, PartialEq)]
pub struct Weighted<T> {
    pub cand: T,
    pub sources: Vec<SourceRef>,
    pub count: usize,
}

impl<T> Weighted<T> {
    /// One candidate from one document.
    pub fn one(cand: T, src: SourceRef) -> Weighted<T> {
        Weighted { cand, sources: vec![src], count: 1 }
    }

    /// The best-ranked document of the candidate.
    pub fn src(&self) -> &SourceRef {
        static NOWHERE: std::sync::LazyLock<SourceRef> =
            std::sync::LazyLock::new(|| SourceRef { file: String::new(), doc: 0, kind: DocumentKind::Other });
        self.sources.first().unwrap_or(&NOWHERE)
    }

    /// Count one more document saying the same.
    pub fn add(&mut self, src: SourceRef) {
        if self.sources.len() < LISTED {
            self.sources.push(src);
        }
        self.count += 1;
    }
}

/// Add `cand` from `src` to a group read in sorted order: one more
/// document for the last candidate when it says the same and is of the
/// same kind (`src.kind`), else a new candidate.
pub fn add_sorted<T: PartialEq>(group: &mut Vec<Weighted<T>>, cand: T, src: SourceRef) {
    match group.last_mut() {
        Some(last) if last.cand == cand && last.src().kind == src.kind => last.add(src),
        _ => group.push(Weighted::one(cand, src)),
    }
}

/// Two or more sources give different values for one field.
#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    pub meeting_id: String,
    /// Set for item fields: the item's id and its sak as printed.
    pub item: Option<(String, String)>,
    /// Set for a person's fields: the name.
    pub person: Option<String>,
    pub field: &'static str,
    /// Distinct values, the one in the main column first, each with the
    /// sources that gave it.
    pub values: Alternatives,
}

/// A sak as one document of a meeting lists it (for the report's check of
/// agenda against minutes).
#[derive(Debug, Clone, PartialEq)]
pub struct ListedSak {
    pub item_id: String,
    pub sak: String,
    pub src: SourceRef,
    pub page: Option<u32>,
}

/// What the merge finds that others (the report) want to know, handed over
/// as it is found, group by group. Every method has a do-nothing default.
pub trait Sink {
    fn disagreement(&mut self, _d: &Disagreement) {}
    /// A document that could not be placed in a meeting, and why.
    fn unplaced(&mut self, _src: &SourceRef, _reason: &str) {}
    /// A meeting with both an agenda and minutes, and the saks each lists.
    fn agenda_and_minutes(&mut self, _meeting: &MergedMeeting, _agenda: &[ListedSak], _minutes: &[ListedSak]) {}
}

/// A [`Sink`] that ignores everything.
pub struct NoSink;
impl Sink for NoSink {}

/// What one document states about its meeting (memos state nothing).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stated {
    pub label: Option<String>,
    pub extraordinary: Option<bool>,
    pub date: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub location: Option<String>,
    pub title: Option<String>,
}

/// What a document says about its meeting: `None` for case memos, which
/// state nothing (their date is the memo's).
pub type MeetingSource = Option<Stated>;

/// One meeting, from every document that describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedMeeting {
    pub key: MeetingKey,
    pub id: String,
    /// As printed by the chosen source: `2/22`.
    pub label: Option<String>,
    pub extraordinary: Option<bool>,
    pub date: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub location: Option<String>,
    pub title: Option<String>,
    pub has_agenda: bool,
    pub has_minutes: bool,
    /// Case memos about the meeting.
    pub memos: usize,
    /// Documents about the meeting (every kind).
    pub documents: usize,
    /// People at the meeting (attendance rows): set by the caller.
    pub participants: usize,
    /// Saker of the meeting (items rows): set by the caller.
    pub items: usize,
    /// Fields of this meeting (not of its items) in dispute.
    pub disagreements: usize,
}

/// A sak as one document lists it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemSource {
    pub meeting_id: String,
    pub meeting_sort: String,
    pub meeting_year: i32,
    pub body: String,
    pub number: Option<u32>,
    pub year: Option<i32>,
    /// The sak as printed.
    pub printed: String,
    pub title: Option<String>,
    pub sak_type: Option<String>,
    pub time: Option<String>,
    pub proposed_decision: Option<String>,
    pub decision: Option<String>,
}

/// One sak, from every document that lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedItem {
    pub id: String,
    pub body: String,
    pub number: Option<u32>,
    pub year: Option<i32>,
    /// As printed by the chosen source: `13/22`.
    pub sak: String,
    pub meeting_id: String,
    pub title: Option<String>,
    pub sak_type: Option<String>,
    pub time: Option<String>,
    pub proposed_decision: Option<String>,
    pub proposed_from: Option<SourceRef>,
    pub decision: Option<String>,
    pub decision_from: Option<SourceRef>,
    pub outcome: Outcome,
    /// Listings of the sak (a document listing it twice counts twice;
    /// the caller may set the number of distinct documents).
    pub documents: usize,
    pub disagreements: usize,
    pub sort: String,
}

/// A person as one document lists them at a meeting.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PersonSource {
    pub name: String,
    /// As printed.
    pub organisation: Option<String>,
    /// After the organisation aliases of the rules.
    pub organisation_canonical: Option<String>,
    pub role: Option<String>,
    pub function: Option<String>,
    pub attendance: Option<String>,
    pub note: Option<String>,
    pub substitute_for: Option<String>,
}

/// One person at one meeting, from every document that lists them.
#[derive(Debug, Clone, PartialEq)]
pub struct Attendee {
    pub meeting_id: String,
    pub name: String,
    /// Canonical (organisation aliases applied).
    pub organisation: Option<String>,
    /// As printed by the chosen source.
    pub organisation_printed: Option<String>,
    pub role: Option<String>,
    pub function: Option<String>,
    pub attendance: Option<String>,
    pub note: Option<String>,
    pub substitute_for: Option<String>,
    /// Documents listing the person at this meeting.
    pub listed_in: usize,
    /// The best-ranked of them (minutes > agenda).
    pub from: Option<SourceRef>,
}

/// Rank of a source for most fields: minutes > agenda > memo > other.
pub fn rank_default(k: DocumentKind) -> u8 {
    match k {
        DocumentKind::Minutes => 0,
        DocumentKind::Agenda => 1,
        DocumentKind::CaseMemo => 2,
        DocumentKind::Other => 3,
    }
}

/// Rank for proposals (agenda > memo > minutes > other) and meeting titles
/// and item times (agenda first too).
pub fn rank_agenda_first(k: DocumentKind) -> u8 {
    match k {
        DocumentKind::Agenda => 0,
        DocumentKind::CaseMemo => 1,
        DocumentKind::Minutes => 2,
        DocumentKind::Other => 3,
    }
}

/// Choose a value among candidates `(documents, how many, value)` (the
/// first document of each is its best-ranked). Returns the chosen value,
/// its source, and the distinct alternatives (chosen first) when there is
/// more than one.
fn resolve(mut cands: Vec<(&[SourceRef], usize, Option<String>)>, rank: fn(DocumentKind) -> u8) -> (Option<String>, Option<SourceRef>, Alternatives) {
    cands.retain(|(s, _, v)| !s.is_empty() && v.as_deref().is_some_and(|v| !v.trim().is_empty()));
    cands.sort_by(|a, b| rank(a.0[0].kind).cmp(&rank(b.0[0].kind)).then_with(|| a.0[0].cmp(&b.0[0])));
    let mut groups: Vec<(String, Alternative)> = Vec::new();
    for (srcs, n, v) in &cands {
        let v = v.as_deref().unwrap_or_default();
        let norm = normalise_ws(v);
        let at = match groups.iter().position(|g| g.0 == norm) {
            Some(i) => i,
            None => {
                groups.push((norm, Alternative { value: v.to_string(), sources: Vec::new(), count: 0 }));
                groups.len() - 1
            }
        };
        let alt = &mut groups[at].1;
        for s in srcs.iter() {
            if alt.sources.len() < LISTED {
                alt.sources.push(s.clone());
            }
        }
        alt.count += n;
    }
    let chosen = groups.first().map(|g| g.1.value.clone());
    let from = groups.first().and_then(|g| g.1.sources.first().cloned());
    let alts = if groups.len() > 1 { groups.into_iter().map(|g| g.1).collect() } else { vec![] };
    (chosen, from, alts)
}

/// Merge the documents of one meeting (in any order).
pub fn merge_meeting(key: MeetingKey, sources: &[Weighted<MeetingSource>]) -> (MergedMeeting, Vec<Disagreement>) {
    let id = key.id();
    let mut srcs: Vec<&Weighted<MeetingSource>> = sources.iter().filter(|s| !s.sources.is_empty()).collect();
    srcs.sort_by(|a, b| a.src().cmp(b.src()));
    // Meeting fields come from agendas, minutes and other meeting documents, not memos.
    let stated: Vec<(&[SourceRef], usize, &Stated)> =
        srcs.iter().filter_map(|s| s.cand.as_ref().map(|st| (&s.sources[..], s.count, st))).collect();
    let field = |get: fn(&Stated) -> Option<String>| -> Vec<(&[SourceRef], usize, Option<String>)> {
        stated.iter().map(|(s, n, st)| (*s, *n, get(st))).collect()
    };
    let mut dis = Vec::new();
    let mut take = |name: &'static str, cands: Vec<(&[SourceRef], usize, Option<String>)>, rank: fn(DocumentKind) -> u8, compare: bool| {
        let (v, _, alts) = resolve(cands, rank);
        if compare && !alts.is_empty() {
            dis.push(Disagreement { meeting_id: id.clone(), item: None, person: None, field: name, values: alts });
        }
        v
    };
    let date = take("date", field(|m| m.date.clone()), rank_default, true);
    let start_time = take("start_time", field(|m| m.start_time.clone()), rank_default, true);
    let end_time = take("end_time", field(|m| m.end_time.clone()), rank_default, true);
    let location = take("location", field(|m| m.location.clone()), rank_default, true);
    let extraordinary = take("extraordinary", field(|m| m.extraordinary.map(|e| e.to_string())), rank_default, true);
    let label = take("label", field(|m| m.label.clone()), rank_default, false);
    let title = take("title", field(|m| m.title.clone()), rank_agenda_first, false);
    let kinds = |k: DocumentKind| srcs.iter().filter(|s| s.src().kind == k).map(|s| s.count).sum::<usize>();
    let meeting = MergedMeeting {
        id: id.clone(),
        label,
        extraordinary: extraordinary.map(|e| e == "true"),
        date,
        start_time,
        end_time,
        location,
        title,
        has_agenda: kinds(DocumentKind::Agenda) > 0,
        has_minutes: kinds(DocumentKind::Minutes) > 0,
        memos: kinds(DocumentKind::CaseMemo),
        documents: srcs.iter().map(|s| s.count).sum(),
        participants: 0,
        items: 0,
        disagreements: dis.len(),
        key,
    };
    (meeting, dis)
}

/// Merge the listings of one sak (all with the same item id, in any order).
/// `None` when there are no candidates.
pub fn merge_item(id: &str, cands: &[Weighted<ItemSource>]) -> Option<(MergedItem, Vec<Disagreement>)> {
    let mut cands: Vec<&Weighted<ItemSource>> = cands.iter().filter(|c| !c.sources.is_empty()).collect();
    cands.sort_by(|a, b| a.src().cmp(b.src()));
    let best = &cands.iter().min_by_key(|c| (rank_default(c.src().kind), c.src().clone()))?.cand;
    let is_memo = |c: &Weighted<ItemSource>| c.src().kind == DocumentKind::CaseMemo;
    let mut dis: Vec<(&'static str, Alternatives)> = Vec::new();
    let mut take = |name: &'static str, cands: Vec<(&[SourceRef], usize, Option<String>)>, rank: fn(DocumentKind) -> u8| {
        let (v, from, alts) = resolve(cands, rank);
        if !alts.is_empty() {
            dis.push((name, alts));
        }
        (v, from)
    };
    // The meeting: minutes > agenda > memo.
    let (meeting_id, _) = take("meeting", cands.iter().map(|c| (&c.sources[..], c.count, Some(c.cand.meeting_id.clone()))).collect(), rank_default);
    let meeting_id = meeting_id.unwrap_or_else(|| best.meeting_id.clone());
    let of = |get: fn(&ItemSource) -> Option<String>, memos: bool| -> Vec<(&[SourceRef], usize, Option<String>)> {
        cands.iter().filter(|c| memos || !is_memo(c)).map(|c| (&c.sources[..], c.count, get(&c.cand))).collect()
    };
    let (title, _) = take("title", of(|c| c.title.clone(), true), rank_default);
    let (sak_type, _) = take("type", of(|c| c.sak_type.clone(), true), rank_default);
    let (time, _) = take("time", of(|c| c.time.clone(), false), rank_agenda_first);
    let (proposed_decision, proposed_from) = take("proposed_decision", of(|c| c.proposed_decision.clone(), true), rank_agenda_first);
    let (decision, decision_from) = take("decision", of(|c| c.decision.clone(), false), rank_default);
    let in_minutes = cands.iter().any(|c| c.src().kind == DocumentKind::Minutes);
    let outcome = match (&decision, &proposed_decision) {
        (Some(d), Some(p)) if normalise_ws(d) == normalise_ws(p) => Outcome::AdoptedAsProposed,
        (Some(_), Some(_)) => Outcome::Amended,
        (Some(_), None) => Outcome::Decided,
        (None, _) if in_minutes => Outcome::NoDecision,
        (None, _) => Outcome::Pending,
    };
    // The meeting the sak belongs to decides where the yearless ones sort.
    let meeting_of = cands.iter().find(|c| c.cand.meeting_id == meeting_id).map_or(best, |c| &c.cand);
    let sort = format!(
        "{}\u{1f}{id}",
        item_sort(&best.body, best.number, best.year, &best.printed, &meeting_of.meeting_sort, meeting_of.meeting_year)
    );
    let n_dis = dis.len();
    let disagreements = dis
        .into_iter()
        .map(|(field, values)| Disagreement {
            meeting_id: meeting_id.clone(),
            item: Some((id.to_string(), best.printed.clone())),
            person: None,
            field,
            values,
        })
        .collect();
    let item = MergedItem {
        id: id.to_string(),
        body: normalise_ws(&best.body),
        number: best.number,
        year: best.year,
        sak: best.printed.clone(),
        meeting_id,
        title,
        sak_type,
        time,
        proposed_decision,
        proposed_from,
        decision,
        decision_from,
        outcome,
        documents: cands.iter().map(|c| c.count).sum(),
        disagreements: n_dis,
        sort,
    };
    Some((item, disagreements))
}

/// Merge the listings of one person at one meeting (same
/// [`person_key`], any order). `None` when there are none.
pub fn merge_person(meeting_id: &str, cands: &[Weighted<PersonSource>]) -> Option<(Attendee, Vec<Disagreement>)> {
    let mut cands: Vec<&Weighted<PersonSource>> = cands.iter().filter(|c| !c.sources.is_empty()).collect();
    cands.sort_by(|a, b| a.src().cmp(b.src()));
    let best = *cands.iter().min_by_key(|c| (rank_default(c.src().kind), c.src().clone()))?;
    let mut dis = Vec::new();
    let name = normalise_ws(&best.cand.name);
    let mut take = |field: &'static str, get: fn(&PersonSource) -> Option<String>, compare: bool| {
        let (v, from, alts) = resolve(cands.iter().map(|c| (&c.sources[..], c.count, get(&c.cand))).collect(), rank_default);
        if compare && !alts.is_empty() {
            dis.push(Disagreement { meeting_id: meeting_id.to_string(), item: None, person: Some(name.clone()), field, values: alts });
        }
        (v, from)
    };
    let (attendance, _) = take("attendance", |c| c.attendance.clone(), true);
    let (role, _) = take("role", |c| c.role.clone(), true);
    let (organisation, org_from) = take("organisation", |c| c.organisation_canonical.clone(), true);
    let (function, _) = take("function", |c| c.function.clone(), false);
    let (note, _) = take("note", |c| c.note.clone(), false);
    let (substitute_for, _) = take("substitute_for", |c| c.substitute_for.clone(), false);
    // The printed organisation of the source the canonical one was taken from.
    let organisation_printed =
        org_from.and_then(|f| cands.iter().find(|c| c.sources.contains(&f)).and_then(|c| c.cand.organisation.clone()));
    let a = Attendee {
        meeting_id: meeting_id.to_string(),
        name,
        organisation,
        organisation_printed,
        role,
        function,
        attendance,
        note,
        substitute_for,
        listed_in: cands.iter().map(|c| c.count).sum(),
        from: Some(best.src().clone()),
    };
    Some((a, dis))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn src(file: &str, doc: usize, kind: DocumentKind) -> SourceRef {
        SourceRef { file: file.into(), doc, kind }
    }

    fn meeting_doc(kind: DocumentKind, body: Option<&str>, n: Option<u32>, y: Option<i32>, date: Option<&str>) -> Document {
        let mut d = Document::new(kind, 1, 1);
        d.body = body.map(Into::into);
        d.meeting = Some(Meeting { number: n, year: y, date: date.map(Into::into), ..Meeting::default() });
        d
    }

    #[test]
    fn merge_keys_of_contract_v2() {
        let k = meeting_key(&meeting_doc(DocumentKind::Minutes, Some("NUIT"), Some(2), Some(2022), Some("2022-04-08"))).unwrap();
        assert_eq!(k.id(), "NUIT 2/2022");
        let dated = meeting_key(&meeting_doc(DocumentKind::Minutes, Some("Kommunestyret"), None, None, Some("2024-05-02"))).unwrap();
        assert_eq!((dated.id().as_str(), dated.year), ("Kommunestyret 2024-05-02", 2024));
        // A number without a year takes the date's year.
        let k = meeting_key(&meeting_doc(DocumentKind::Agenda, Some("Styret"), Some(3), None, Some("2019-01-10"))).unwrap();
        assert_eq!(k.id(), "Styret 3/2019");
        assert_eq!(meeting_key(&meeting_doc(DocumentKind::Agenda, None, Some(1), Some(2024), None)), Err("body unknown"));
        assert_eq!(meeting_key(&meeting_doc(DocumentKind::Agenda, Some("Styret"), Some(3), None, None)), Err("meeting year unknown"));
        assert_eq!(
            meeting_key(&meeting_doc(DocumentKind::Agenda, Some("Styret"), None, None, Some("not a date"))),
            Err("meeting number and date unknown")
        );
        let mut no_meeting = Document::new(DocumentKind::Minutes, 1, 1);
        no_meeting.body = Some("Styret".into());
        assert!(meeting_key(&no_meeting).is_err());
        // Items: number/year is body-wide; anything else belongs to its meeting.
        assert_eq!(item_id("NUIT", Some(13), Some(2022), "13/22", &k), "NUIT sak 13/2022");
        assert_eq!(item_id("Styret", None, None, "3.1", &k), "Styret 3/2019 sak 3.1");
        assert_eq!(item_id("Styret", Some(2), None, "Forslag 2", &dated), "Kommunestyret 2024-05-02 sak Forslag 2");
        // Sorting: 9 before 10, numbered meetings before dated ones of the year.
        assert!(natural("3.9") < natural("3.10"));
        let m9 = MeetingKey { body: "B".into(), year: 2024, number: Some(9), date: None };
        let m10 = MeetingKey { number: Some(10), ..m9.clone() };
        let md = MeetingKey { number: None, date: Some("2024-01-01".into()), ..m9.clone() };
        assert!(m9.sort_key() < m10.sort_key() && m10.sort_key() < md.sort_key());
        assert_eq!(person_key("  Ole   HANSEN "), "ole hansen");
    }

    #[test]
    fn merge_meeting_ranks_and_disagreements() {
        let key = MeetingKey { body: "NUIT".into(), year: 2024, number: Some(3), date: None };
        let stated = |date: &str, title: &str| Stated { date: Some(date.into()), title: Some(title.into()), extraordinary: Some(false), ..Stated::default() };
        let sources = vec![
            Weighted::one(Some(stated("2024-05-02", "Møte i NUIT")), src("b.pdf", 1, DocumentKind::Agenda)),
            Weighted::one(Some(stated("2024-05-03", "Referat")), src("a.pdf", 1, DocumentKind::Minutes)),
            Weighted::one(None, src("a.pdf", 2, DocumentKind::CaseMemo)),
        ];
        let (m, dis) = merge_meeting(key.clone(), &sources);
        assert_eq!(m.date.as_deref(), Some("2024-05-03"), "minutes over agenda");
        assert_eq!(m.title.as_deref(), Some("Møte i NUIT"), "the agenda names the meeting");
        assert_eq!((m.has_agenda, m.has_minutes, m.memos, m.documents), (true, true, 1, 3));
        assert_eq!(dis.len(), 1);
        assert_eq!((dis[0].field, dis[0].values[0].value.as_str(), dis[0].values[1].value.as_str()), ("date", "2024-05-03", "2024-05-02"));
        // Order of the sources does not matter.
        let mut rev = sources.clone();
        rev.reverse();
        assert_eq!(merge_meeting(key, &rev), (m, dis));
    }

    fn cand(file: &str, kind: DocumentKind, prop: Option<&str>, dec: Option<&str>) -> Weighted<ItemSource> {
        Weighted::one(item_source(prop, dec), src(file, 1, kind))
    }

    fn item_source(prop: Option<&str>, dec: Option<&str>) -> ItemSource {
        ItemSource {
            meeting_id: "NUIT 3/2024".into(),
            body: "NUIT".into(),
            number: Some(10),
            year: Some(2024),
            printed: "10/24".into(),
            title: Some("Sak".into()),
            proposed_decision: prop.map(Into::into),
            decision: dec.map(Into::into),
            ..ItemSource::default()
        }
    }

    #[test]
    fn merge_item_outcomes() {
        use DocumentKind::*;
        let outcome = |c: Vec<Weighted<ItemSource>>| merge_item("NUIT sak 10/2024", &c).unwrap().0.outcome;
        assert_eq!(
            outcome(vec![cand("a", Agenda, Some("NUIT  godkjenner\nsaken."), None), cand("m", Minutes, None, Some("NUIT godkjenner saken."))]),
            Outcome::AdoptedAsProposed
        );
        assert_eq!(outcome(vec![cand("a", Agenda, Some("A."), None), cand("m", Minutes, None, Some("B."))]), Outcome::Amended);
        assert_eq!(outcome(vec![cand("a", Agenda, Some("A."), None), cand("m", Minutes, None, None)]), Outcome::NoDecision);
        assert_eq!(outcome(vec![cand("a", Agenda, Some("A."), None)]), Outcome::Pending);
        assert_eq!(outcome(vec![cand("m", Minutes, None, Some("Vedtatt."))]), Outcome::Decided);
        // A memo's proposal counts when the agenda has none, and a different one is a disagreement.
        let memo = Weighted::one(ItemSource { proposed_decision: Some("Memo.".into()), ..item_source(None, None) }, src("a", 2, CaseMemo));
        let (it, dis) = merge_item("NUIT sak 10/2024", &[cand("a", Agenda, None, None), memo.clone()]).unwrap();
        assert_eq!((it.proposed_decision.as_deref(), it.proposed_from.unwrap().kind), (Some("Memo."), CaseMemo));
        assert!(dis.is_empty());
        let (_, dis) = merge_item("NUIT sak 10/2024", &[cand("a", Agenda, Some("Agenda."), None), memo]).unwrap();
        assert_eq!((dis.len(), dis[0].field), (1, "proposed_decision"));
        assert!(merge_item("x", &[]).is_none());
    }

    #[test]
    fn merge_person_over_copies() {
        let p = |file: &str, kind, org: &str, att: Option<&str>| Weighted::one(PersonSource {
            name: "Ole  Hansen".into(),
            organisation: Some(org.into()),
            organisation_canonical: Some("Norsk helsenett SF".into()),
            role: Some("member".into()),
            attendance: att.map(Into::into),
            ..PersonSource::default()
        }, src(file, 1, kind));
        let (a, dis) = merge_person(
            "NUIT 2/2022",
            &[p("a.pdf", DocumentKind::Agenda, "NHN", None), p("b.pdf", DocumentKind::Minutes, "Norsk Helsenett SF", Some("present")), p("c.pdf", DocumentKind::Minutes, "Norsk Helsenett SF", Some("present"))],
        )
        .unwrap();
        assert_eq!(a.name, "Ole Hansen");
        assert_eq!((a.attendance.as_deref(), a.listed_in), (Some("present"), 3));
        assert_eq!((a.organisation.as_deref(), a.organisation_printed.as_deref()), (Some("Norsk helsenett SF"), Some("Norsk Helsenett SF")));
        assert!(dis.is_empty(), "{dis:?}");
        let (_, dis) = merge_person("m", &[p("b.pdf", DocumentKind::Minutes, "X", Some("present")), p("c.pdf", DocumentKind::Minutes, "X", Some("absent"))]).unwrap();
        assert_eq!((dis.len(), dis[0].field, dis[0].person.as_deref()), (1, "attendance", Some("Ole Hansen")));
    }

    #[test]
    fn merge_counts_copies_and_names_the_first() {
        // 25,000 copies of the minutes as one candidate, one agenda apart.
        let mut minutes = Weighted::one(item_source(None, Some("Vedtatt.")), src("c/00000.pdf", 1, DocumentKind::Minutes));
        for i in 1..25_000 {
            minutes.add(src(&format!("c/{i:05}.pdf"), 1, DocumentKind::Minutes));
        }
        assert_eq!((minutes.sources.len(), minutes.count), (LISTED, 25_000));
        let mut other = Weighted::one(item_source(None, Some("Avvist.")), src("d/x.pdf", 1, DocumentKind::Minutes));
        other.add(src("d/y.pdf", 1, DocumentKind::Minutes));
        let (it, dis) = merge_item("NUIT sak 10/2024", &[minutes, other, cand("a.pdf", DocumentKind::Agenda, Some("Forslag."), None)]).unwrap();
        assert_eq!((it.documents, it.decision.as_deref(), it.outcome), (25_003, Some("Vedtatt."), Outcome::Amended));
        let d = dis.iter().find(|d| d.field == "decision").unwrap();
        assert_eq!((d.values[0].count, d.values[0].sources.len(), d.values[1].count), (25_000, LISTED, 2));
        assert_eq!(d.values[0].sources[0].file, "c/00000.pdf");
    }

    #[test]
    fn memo_saks_and_meetings() {
        let mut d = Document::new(DocumentKind::CaseMemo, 1, 2);
        d.body = Some("NUIT".into());
        d.memo = Some(Memo { sak: Some("14/22".into()), meeting_label: Some("2/22".into()), ..Memo::default() });
        assert_eq!(memo_meeting(&d).unwrap().id(), "NUIT 2/2022");
        assert_eq!(memo_sak(&d), Some((Some(14), Some(2022), "14/22".into())));
        d.memo = Some(Memo { sak: Some("Sak 5.".into()), ..Memo::default() });
        assert_eq!(memo_sak(&d), Some((Some(5), None, "5".into())));
        assert_eq!(memo_meeting(&d), None);
    }
}
