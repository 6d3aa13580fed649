//! One record per meeting and per sak, across files.
//!
//! The same meeting appears in several files: its agenda in one, its
//! minutes bound into the next meeting's agenda, one case memo per sak.
//! [`merge`] joins what every document says into one row per meeting
//! (key: body + meeting number + meeting year) and one row per sak (key:
//! body + sak number + sak year), and lists every value the sources
//! disagree on. The per-file records are left as they are.
//!
//! # Which documents take part
//!
//! * Agendas, minutes and any other document with a meeting header: when
//!   body, meeting number and meeting year are all known. A document whose
//!   body or meeting number is unknown is *not merged* (it cannot be told
//!   apart from other meetings): it stays in the per-document tables and is
//!   listed in [`Merged::unplaced`] (the report shows it as a warning).
//! * Case memos: their sak joins the item of the same body + sak; the memo
//!   joins the meeting named in its header (`Møte 6/21`), or else the
//!   meeting of the agenda or minutes item with its sak. A memo with neither
//!   is unplaced.
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
//! * item time: agenda > minutes.
//!
//! Values are compared after whitespace normalisation (runs of whitespace
//! are one space, ends trimmed). When two sources give different values,
//! each distinct value becomes a [`Disagreement`] alternative (the chosen one
//! first), with the sources that gave it: reported, never silently
//! resolved.
//!
//! # Outcome of an item
//!
//! * `adopted_as_proposed`: a decision equal to the proposal (whitespace
//!   normalised);
//! * `amended`: a decision that differs from the proposal;
//! * `decided`: a decision, and no proposal on file;
//! * `no_decision`: the sak is in minutes, but no source has a decision;
//! * `pending`: no minutes list the sak yet (and no decision on file).

use std::collections::BTreeMap;

use crate::read::lexicon::sak::find_sak;
use crate::model::{Document, DocumentKind, FileRecord, Item};
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
    pub year: i32,
    pub number: u32,
}

impl MeetingKey {
    /// `NUIT 2/2022`.
    pub fn render(&self) -> String {
        format!("{} {}/{}", self.body, self.number, self.year)
    }
}

/// The key of an item (sak).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemKey {
    pub body: String,
    pub year: i32,
    pub number: u32,
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

/// One meeting, from every document that describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedMeeting {
    pub key: MeetingKey,
    /// As printed by the chosen source: `2/22`.
    pub label: Option<String>,
    pub extraordinary: Option<bool>,
    pub date: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub location: Option<String>,
    pub title: Option<String>,
    /// Every document about the meeting, in file then document order.
    pub sources: Vec<SourceRef>,
    /// The document the participant count is from (minutes > agenda).
    pub participants_from: Option<SourceRef>,
    pub participants: usize,
    /// Merged items of this meeting.
    pub items: usize,
    /// Fields of this meeting (not of its items) in dispute.
    pub disagreements: usize,
}

impl MergedMeeting {
    pub fn has(&self, kind: DocumentKind) -> bool {
        self.sources.iter().any(|s| s.kind == kind)
    }
}

/// One sak, from every document that lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedItem {
    pub key: ItemKey,
    /// As printed by the chosen source: `13/22`.
    pub sak: String,
    pub meeting: MeetingKey,
    pub title: Option<String>,
    pub sak_type: Option<String>,
    pub time: Option<String>,
    pub proposed_decision: Option<String>,
    pub proposed_from: Option<SourceRef>,
    pub decision: Option<String>,
    pub decision_from: Option<SourceRef>,
    pub outcome: Outcome,
    pub sources: Vec<SourceRef>,
    pub disagreements: usize,
}

/// Distinct values of a field, each with the sources that gave it.
pub type Alternatives = Vec<(String, Vec<SourceRef>)>;

/// Two or more sources give different values for one field.
#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    pub meeting: MeetingKey,
    /// Set for item fields: the sak's key and its printed form.
    pub item: Option<(ItemKey, String)>,
    pub field: &'static str,
    /// Distinct values, the one in the main column first, each with the
    /// sources that gave it.
    pub values: Vec<(String, Vec<SourceRef>)>,
}

/// A document that could not be attached to a meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct Unplaced {
    pub source: SourceRef,
    pub reason: String,
}

/// The merged view of a batch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    /// Sorted by body, year, number.
    pub meetings: Vec<MergedMeeting>,
    /// Sorted by body, sak year, sak number.
    pub items: Vec<MergedItem>,
    /// Sorted by meeting, then meeting fields before item fields, then sak, then field.
    pub disagreements: Vec<Disagreement>,
    pub unplaced: Vec<Unplaced>,
}

impl Merged {
    pub fn meeting(&self, key: &MeetingKey) -> Option<&MergedMeeting> {
        self.meetings.binary_search_by(|m| m.key.cmp(key)).ok().map(|i| &self.meetings[i])
    }

    pub fn item(&self, key: &ItemKey) -> Option<&MergedItem> {
        self.items.binary_search_by(|m| m.key.cmp(key)).ok().map(|i| &self.items[i])
    }
}

/// The meeting a document is about, when fully known.
pub fn meeting_key(d: &Document) -> Option<MeetingKey> {
    let body = d.body.clone()?;
    let m = d.meeting.as_ref()?;
    Some(MeetingKey { body, number: m.number?, year: m.year? })
}

/// A memo's meeting, from its `Møte` label and its document's body.
fn memo_meeting(d: &Document) -> Option<MeetingKey> {
    let body = d.body.clone()?;
    let label = d.memo.as_ref()?.meeting_label.as_deref()?;
    let (sak, _) = find_sak(label)?;
    Some(MeetingKey { body, number: sak.number, year: sak.year })
}

/// A memo's sak.
fn memo_item(d: &Document) -> Option<(ItemKey, String)> {
    let body = d.body.clone()?;
    let printed = d.memo.as_ref()?.sak.as_deref()?;
    let (sak, _) = find_sak(printed)?;
    Some((ItemKey { body, number: sak.number, year: sak.year }, sak.printed))
}

/// Rank of a source for most fields: minutes > agenda > memo > other.
fn rank_default(k: DocumentKind) -> u8 {
    match k {
        DocumentKind::Minutes => 0,
        DocumentKind::Agenda => 1,
        DocumentKind::CaseMemo => 2,
        DocumentKind::Other => 3,
    }
}

/// Rank for proposals (agenda > memo > minutes > other) and meeting titles
/// and item times (agenda first too).
fn rank_agenda_first(k: DocumentKind) -> u8 {
    match k {
        DocumentKind::Agenda => 0,
        DocumentKind::CaseMemo => 1,
        DocumentKind::Minutes => 2,
        DocumentKind::Other => 3,
    }
}

/// Choose a value among candidates: `(source, value)` in source order.
/// Returns the chosen value, its source, and the distinct alternatives
/// (chosen first) when there is more than one.
fn resolve(mut cands: Vec<(&SourceRef, Option<String>)>, rank: fn(DocumentKind) -> u8) -> (Option<String>, Option<SourceRef>, Alternatives) {
    cands.retain(|(_, v)| v.as_deref().is_some_and(|v| !v.trim().is_empty()));
    cands.sort_by(|a, b| rank(a.0.kind).cmp(&rank(b.0.kind)).then_with(|| a.0.cmp(b.0)));
    let mut groups: Vec<(String, String, Vec<SourceRef>)> = Vec::new();
    for (src, v) in &cands {
        let v = v.as_deref().unwrap_or_default();
        let n = normalise_ws(v);
        match groups.iter_mut().find(|g| g.0 == n) {
            Some(g) => g.2.push((*src).clone()),
            None => groups.push((n, v.to_string(), vec![(*src).clone()])),
        }
    }
    let chosen = groups.first().map(|g| g.1.clone());
    let from = groups.first().map(|g| g.2[0].clone());
    let alts = if groups.len() > 1 { groups.into_iter().map(|g| (g.1, g.2)).collect() } else { vec![] };
    (chosen, from, alts)
}

struct ItemCand<'a> {
    src: SourceRef,
    meeting: Option<MeetingKey>,
    printed: String,
    item: Option<&'a Item>,
    memo_doc: Option<&'a Document>,
}

/// Merge a batch (records in any order; the result depends only on their
/// contents and paths).
pub fn merge(records: &[&FileRecord]) -> Merged {
    let mut recs: Vec<&FileRecord> = records.to_vec();
    recs.sort_by(|a, b| a.source.file.cmp(&b.source.file));
    let mut meetings: BTreeMap<MeetingKey, Vec<(SourceRef, &Document)>> = BTreeMap::new();
    let mut items: BTreeMap<ItemKey, Vec<ItemCand>> = BTreeMap::new();
    let mut memos_pending: Vec<(SourceRef, &Document)> = Vec::new();
    let mut unplaced = Vec::new();
    for rec in &recs {
        for (i, d) in rec.documents.iter().enumerate() {
            let src = SourceRef { file: rec.source.file.clone(), doc: i + 1, kind: d.kind };
            if d.kind == DocumentKind::CaseMemo && d.memo.is_some() {
                memos_pending.push((src, d));
                continue;
            }
            if !d.is_meeting() {
                continue;
            }
            let Some(key) = meeting_key(d) else {
                let reason = if d.body.is_none() {
                    "body unknown"
                } else if d.meeting.as_ref().and_then(|m| m.number).is_none() {
                    "meeting number unknown"
                } else {
                    "meeting year unknown"
                };
                unplaced.push(Unplaced { source: src, reason: reason.to_string() });
                continue;
            };
            for it in &d.items {
                // Items without a number and year are not merged across
                // documents (yet): they stay in document_items.csv.
                let (Some(number), Some(year)) = (it.number, it.year) else { continue };
                let ik = ItemKey { body: key.body.clone(), number, year };
                items.entry(ik).or_default().push(ItemCand {
                    src: src.clone(),
                    meeting: Some(key.clone()),
                    printed: it.sak.clone(),
                    item: Some(it),
                    memo_doc: None,
                });
            }
            meetings.entry(key).or_default().push((src, d));
        }
    }
    // Memos: their meeting from the header, else from the sak's item.
    for (src, d) in memos_pending {
        let item = memo_item(d);
        let meeting = memo_meeting(d).or_else(|| {
            let (ik, _) = item.as_ref()?;
            let cands = items.get(ik)?;
            cands.iter().min_by_key(|c| (rank_default(c.src.kind), c.src.clone())).and_then(|c| c.meeting.clone())
        });
        match (meeting, item) {
            (Some(mk), item) => {
                if let Some((ik, printed)) = item {
                    items.entry(ik).or_default().push(ItemCand {
                        src: src.clone(),
                        meeting: Some(mk.clone()),
                        printed,
                        item: None,
                        memo_doc: Some(d),
                    });
                }
                meetings.entry(mk).or_default().push((src, d));
            }
            (None, _) => {
                let reason = if d.body.is_none() { "body unknown" } else { "memo names no meeting, and its sak is on no agenda or minutes" };
                unplaced.push(Unplaced { source: src, reason: reason.to_string() });
            }
        }
    }

    let mut disagreements = Vec::new();
    let mut out_meetings = Vec::new();
    for (key, mut docs) in meetings {
        docs.sort_by(|a, b| a.0.cmp(&b.0));
        let srcs: Vec<SourceRef> = docs.iter().map(|(s, _)| s.clone()).collect();
        // Meeting fields come from agendas, minutes and other meeting docs, not memos.
        let stated: Vec<&(SourceRef, &Document)> = docs.iter().filter(|(s, _)| s.kind != DocumentKind::CaseMemo).collect();
        let field = |get: fn(&crate::model::Meeting) -> Option<String>| -> Vec<(&SourceRef, Option<String>)> {
            stated.iter().map(|(s, d)| (s, d.meeting.as_ref().and_then(get))).collect()
        };
        let mut n_dis = 0;
        let mut take = |name: &'static str, cands: Vec<(&SourceRef, Option<String>)>, rank: fn(DocumentKind) -> u8, compare: bool| {
            let (v, _, alts) = resolve(cands, rank);
            if compare && !alts.is_empty() {
                n_dis += 1;
                disagreements.push(Disagreement { meeting: key.clone(), item: None, field: name, values: alts });
            }
            v
        };
        let date = take("date", field(|m| m.date.clone()), rank_default, true);
        let start_time = take("start_time", field(|m| m.start_time.clone()), rank_default, true);
        let end_time = take("end_time", field(|m| m.end_time.clone()), rank_default, true);
        let location = take("location", field(|m| m.location.clone()), rank_default, true);
        let extraordinary = take("extraordinary", field(|m| Some(m.extraordinary.to_string())), rank_default, true);
        let label = take("label", field(|m| m.label.clone()), rank_default, false);
        let title = take("title", stated.iter().map(|(s, d)| (s, d.title.clone())).collect(), rank_agenda_first, false);
        let part_src = stated
            .iter()
            .filter(|(_, d)| !d.participants.is_empty())
            .min_by_key(|(s, _)| (rank_default(s.kind), s.clone()));
        out_meetings.push(MergedMeeting {
            key,
            label,
            extraordinary: extraordinary.map(|e| e == "true"),
            date,
            start_time,
            end_time,
            location,
            title,
            sources: srcs,
            participants_from: part_src.map(|(s, _)| s.clone()),
            participants: part_src.map_or(0, |(_, d)| d.participants.len()),
            items: 0,
            disagreements: n_dis,
        });
    }

    let mut out_items = Vec::new();
    for (key, mut cands) in items {
        cands.sort_by(|a, b| a.src.cmp(&b.src));
        let srcs: Vec<SourceRef> = {
            let mut v: Vec<SourceRef> = cands.iter().map(|c| c.src.clone()).collect();
            v.dedup();
            v
        };
        let of_item = |get: fn(&Item) -> Option<String>| -> Vec<(&SourceRef, Option<String>)> {
            cands.iter().filter_map(|c| c.item.map(|it| (&c.src, get(it)))).collect()
        };
        let of_memo = |get: fn(&crate::model::Memo) -> Option<String>| -> Vec<(&SourceRef, Option<String>)> {
            cands.iter().filter_map(|c| c.memo_doc.and_then(|d| d.memo.as_ref()).map(|m| (&c.src, get(m)))).collect()
        };
        // The meeting: minutes > agenda > memo.
        let (meeting_label, _, meeting_alts) = resolve(
            cands.iter().map(|c| (&c.src, c.meeting.as_ref().map(|m| format!("{}/{}", m.number, m.year)))).collect(),
            rank_default,
        );
        let best = cands
            .iter()
            .filter(|c| c.meeting.is_some())
            .min_by_key(|c| (rank_default(c.src.kind), c.src.clone()))
            .and_then(|c| c.meeting.clone());
        let Some(meeting) = best else { continue };
        debug_assert_eq!(meeting_label, Some(format!("{}/{}", meeting.number, meeting.year)));
        let printed = cands
            .iter()
            .min_by_key(|c| (rank_default(c.src.kind), c.src.clone()))
            .map(|c| c.printed.clone())
            .unwrap_or_else(|| format!("{}/{}", key.number, key.year));
        let mut dis: Vec<(&'static str, Alternatives)> = Vec::new();
        if !meeting_alts.is_empty() {
            dis.push(("meeting", meeting_alts));
        }
        let mut take = |name: &'static str, cands: Vec<(&SourceRef, Option<String>)>, rank: fn(DocumentKind) -> u8| {
            let (v, from, alts) = resolve(cands, rank);
            if !alts.is_empty() {
                dis.push((name, alts));
            }
            (v, from)
        };
        let mut titles = of_item(|i| i.title.clone());
        titles.extend(of_memo(|m| m.title.clone()));
        let (title, _) = take("title", titles, rank_default);
        let mut types = of_item(|i| i.sak_type.clone());
        types.extend(of_memo(|m| m.sak_type.clone()));
        let (sak_type, _) = take("type", types, rank_default);
        let (time, _) = take("time", of_item(|i| i.time.clone()), rank_agenda_first);
        let mut props = of_item(|i| i.proposed_decision.clone());
        props.extend(of_memo(|m| m.proposed_decision.clone()));
        let (proposed_decision, proposed_from) = take("proposed_decision", props, rank_agenda_first);
        let (decision, decision_from) = take("decision", of_item(|i| i.decision.clone()), rank_default);
        let in_minutes = cands.iter().any(|c| c.src.kind == DocumentKind::Minutes);
        let outcome = match (&decision, &proposed_decision) {
            (Some(d), Some(p)) if normalise_ws(d) == normalise_ws(p) => Outcome::AdoptedAsProposed,
            (Some(_), Some(_)) => Outcome::Amended,
            (Some(_), None) => Outcome::Decided,
            (None, _) if in_minutes => Outcome::NoDecision,
            (None, _) => Outcome::Pending,
        };
        let n_dis = dis.len();
        for (field, values) in dis {
            disagreements.push(Disagreement {
                meeting: meeting.clone(),
                item: Some((key.clone(), printed.clone())),
                field,
                values,
            });
        }
        out_items.push(MergedItem {
            key,
            sak: printed,
            meeting,
            title,
            sak_type,
            time,
            proposed_decision,
            proposed_from,
            decision,
            decision_from,
            outcome,
            sources: srcs,
            disagreements: n_dis,
        });
    }
    for m in &mut out_meetings {
        m.items = out_items.iter().filter(|i| i.meeting == m.key).count();
    }
    disagreements.sort_by(|a, b| {
        a.meeting
            .cmp(&b.meeting)
            .then_with(|| a.item.as_ref().map(|i| &i.0).cmp(&b.item.as_ref().map(|i| &i.0)))
            .then_with(|| a.field.cmp(b.field))
    });
    unplaced.sort_by(|a, b| a.source.cmp(&b.source));
    Merged { meetings: out_meetings, items: out_items, disagreements, unplaced }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn rec(file: &str, docs: Vec<Document>) -> FileRecord {
        FileRecord {
            source: Source { file: file.into(), ..Source::default() },
            status: Status::Ok,
            errors: vec![],
            pages: vec![],
            documents: docs,
        }
    }

    fn meeting_doc(kind: DocumentKind, body: Option<&str>, n: u32, y: i32, date: &str) -> Document {
        let mut d = Document::new(kind, 1, 1);
        d.body = body.map(Into::into);
        d.meeting = Some(Meeting {
            label: Some(format!("{n}/{y}")),
            number: Some(n),
            year: Some(y),
            date: Some(date.into()),
            ..Meeting::default()
        });
        d
    }

    fn item(sak: &str, n: u32, y: i32, prop: Option<&str>, dec: Option<&str>) -> Item {
        Item {
            sak: sak.into(),
            number: Some(n),
            year: Some(y),
            title: Some(format!("Sak {sak}")),
            time: None,
            sak_type: None,
            proposed_decision: prop.map(Into::into),
            decision: dec.map(Into::into),
            attachments: vec![],
            page: 1,
        }
    }

    #[test]
    fn merge_outcomes_and_disagreements() {
        let mut agenda = meeting_doc(DocumentKind::Agenda, Some("NUIT"), 3, 2024, "2024-05-02");
        agenda.items = vec![
            item("10/24", 10, 2024, Some("NUIT  godkjenner\nsaken."), None),
            item("11/24", 11, 2024, Some("NUIT tar saken til orientering."), None),
            item("12/24", 12, 2024, None, None),
            item("13/24", 13, 2024, Some("Forslag."), None),
        ];
        let mut minutes = meeting_doc(DocumentKind::Minutes, Some("NUIT"), 3, 2024, "2024-05-03");
        minutes.items = vec![
            item("10/24", 10, 2024, None, Some("NUIT godkjenner saken.")),
            item("11/24", 11, 2024, None, Some("NUIT tar saken til orientering, med merknader.")),
            item("12/24", 12, 2024, None, None),
        ];
        let mut later = meeting_doc(DocumentKind::Minutes, Some("NUIT"), 4, 2024, "2024-06-01");
        later.items = vec![item("14/24", 14, 2024, None, Some("Vedtatt."))];
        let unknown = meeting_doc(DocumentKind::Agenda, None, 1, 2024, "2024-01-01");
        let a = rec("b/agenda.pdf", vec![agenda, unknown]);
        let b = rec("a/minutes.pdf", vec![minutes, later]);
        let m = merge(&[&a, &b]);
        assert_eq!(m.meetings.len(), 2);
        let mk = MeetingKey { body: "NUIT".into(), number: 3, year: 2024 };
        let m3 = m.meeting(&mk).unwrap();
        assert_eq!(m3.date.as_deref(), Some("2024-05-03"), "minutes over agenda");
        assert_eq!(m3.sources.len(), 2);
        assert_eq!(m3.items, 4);
        let outcome = |n| m.item(&ItemKey { body: "NUIT".into(), number: n, year: 2024 }).unwrap().outcome;
        assert_eq!(outcome(10), Outcome::AdoptedAsProposed);
        assert_eq!(outcome(11), Outcome::Amended);
        assert_eq!(outcome(12), Outcome::NoDecision);
        assert_eq!(outcome(13), Outcome::Pending);
        assert_eq!(outcome(14), Outcome::Decided);
        let d = &m.disagreements[0];
        assert_eq!((d.field, d.item.is_none()), ("date", true));
        assert_eq!(d.values[0].0, "2024-05-03");
        assert_eq!(d.values[1].0, "2024-05-02");
        assert_eq!(m.unplaced.len(), 1);
        assert_eq!(m.unplaced[0].reason, "body unknown");
        // Order of the inputs does not matter.
        assert_eq!(merge(&[&b, &a]), m);
    }

    #[test]
    fn merge_memo_joins_its_sak() {
        let mut agenda = meeting_doc(DocumentKind::Agenda, Some("NUIT"), 2, 2022, "2022-04-08");
        agenda.items = vec![item("14/22", 14, 2022, None, None)];
        let mut memo = Document::new(DocumentKind::CaseMemo, 2, 3);
        memo.body = Some("NUIT".into());
        memo.memo = Some(Memo {
            sak: Some("14/22".into()),
            meeting_label: Some("2/22".into()),
            proposed_decision: Some("NUIT drøfter.".into()),
            ..Memo::default()
        });
        let r = rec("x.pdf", vec![agenda, memo]);
        let m = merge(&[&r]);
        assert_eq!(m.meetings.len(), 1);
        assert_eq!(m.meetings[0].sources.len(), 2);
        let it = &m.items[0];
        assert_eq!(it.proposed_decision.as_deref(), Some("NUIT drøfter."));
        assert_eq!(it.proposed_from.as_ref().unwrap().kind, DocumentKind::CaseMemo);
        assert_eq!(it.outcome, Outcome::Pending);
        assert_eq!(it.sources.len(), 2);
    }
}
